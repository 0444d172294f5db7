//! `picket import members` and `picket team` run as the built binary, on the backend this run
//! selects: encodings, dry runs, bad input with exit code 2.

use crate::support::picket;
use picket_store::members::MemberFilter;
use picket_store::prelude::*;
use picket_store::{Backend, PageRequest};
use picket_test_support::cli::{ok, refused};
use picket_test_support::db::{fresh_url, test_backend};
use std::path::Path;

async fn store(url: &str) -> picket_store::sql::SqlStore {
    match test_backend() {
        Backend::Sqlite => picket_store_sqlite::connect(url, 2).await.unwrap(),
        Backend::Postgres => picket_store_postgres::connect(url, 2).await.unwrap(),
    }
}

async fn names(url: &str) -> Vec<String> {
    let s = store(url).await;
    let b = s.branch_by_slug("north").await.unwrap();
    let page = s
        .search_members(b.id, &MemberFilter::default(), PageRequest::default())
        .await
        .unwrap();
    s.close().await;
    page.items.into_iter().map(|m| m.details.name).collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

fn setup(url: &str) {
    ok(&picket()
        .args([
            "branch",
            "add",
            "--slug",
            "north",
            "--name",
            "North",
            "--division",
            "england-and-wales",
        ])
        .database(url)
        .run());
    ok(&picket()
        .args([
            "team",
            "add",
            "--branch",
            "north",
            "--name",
            "Duty",
            "--workplace",
            "Civic Centre",
        ])
        .database(url)
        .run());
}

#[tokio::test]
async fn imports_utf8_with_bom_and_windows_1252_and_a_dry_run_changes_nothing() {
    let (url, _db) = fresh_url().await;
    let dir = tempfile::tempdir().unwrap();
    setup(&url);
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(
        "Member No,Full Name,Team,Daily pay\nA1,Zoë Ödegaard,Duty,£95.50\nA2,Bo,,\n".as_bytes(),
    );
    let bom_file = write(dir.path(), "bom.csv", &bom);

    let dry = ok(&picket()
        .args([
            "import",
            "members",
            &bom_file,
            "--branch",
            "north",
            "--dry-run",
        ])
        .database(&url)
        .run());
    assert!(
        dry.contains("row 2\tA1\tnew") && dry.contains("row 3\tA2\tnew"),
        "{dry}"
    );
    assert!(
        dry.contains("UTF-8 with BOM") && dry.contains("dry run, nothing changed"),
        "{dry}"
    );
    assert!(names(&url).await.is_empty(), "a dry run changes nothing");

    let done = ok(&picket()
        .args(["import", "members", &bom_file, "--branch", "north"])
        .database(&url)
        .run());
    assert!(
        done.contains("2 new, 0 updated, 0 unchanged, 0 rejected; imported"),
        "{done}"
    );
    assert_eq!(names(&url).await, ["Bo", "Zoë Ödegaard"]);

    // Excel's plain "CSV" on Windows: "Siân" and "£" in Windows-1252, mapped columns.
    let mut bytes = b"No,Name,Daily pay\r\nA2,Si\xE2n Jones,\xA380\r\nA3,Ren\xE9e,\r\n".to_vec();
    assert!(std::str::from_utf8(&bytes).is_err(), "not UTF-8");
    let win_file = write(dir.path(), "win.csv", &bytes);
    let out = ok(&picket()
        .args([
            "import",
            "members",
            &win_file,
            "--branch",
            "north",
            "--map",
            "No=membership_number",
        ])
        .database(&url)
        .run());
    assert!(
        out.contains("Windows-1252") && out.contains("1 new, 1 updated"),
        "{out}"
    );
    assert_eq!(names(&url).await, ["Renée", "Siân Jones", "Zoë Ödegaard"]);

    // The mapping given was saved for the branch: the next file needs no --map.
    bytes = b"No,Name\nA3,Ren\xC3\xA9e Smith\n".to_vec();
    let again = write(dir.path(), "again.csv", &bytes);
    let out = ok(&picket()
        .args(["import", "members", &again, "--branch", "north"])
        .database(&url)
        .run());
    assert!(out.contains("0 new, 1 updated, 0 unchanged"), "{out}");

    let s = store(&url).await;
    let b = s.branch_by_slug("north").await.unwrap();
    let audit = s
        .audit_search(
            b.id,
            &picket_store::AuditFilter {
                actor: None,
                action_prefix: Some("member.import".into()),
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(audit.total, 4, "every import, dry runs too, is audited");
    assert!(audit.items[3]
        .detail
        .as_deref()
        .unwrap()
        .starts_with("dry_run=true"));
}

#[tokio::test]
async fn bad_input_exits_2_naming_row_field_and_reason_and_changes_nothing() {
    let (url, _db) = fresh_url().await;
    let dir = tempfile::tempdir().unwrap();
    setup(&url);
    let missing = write(
        dir.path(),
        "missing.csv",
        b"name,email\nAna,a@example.org\n",
    );
    let err = refused(
        &picket()
            .args(["import", "members", &missing, "--branch", "north"])
            .database(&url)
            .run(),
    );
    assert!(
        err.contains("no column for the required field `membership_number`"),
        "{err}"
    );

    let rows = write(
        dir.path(),
        "rows.csv",
        b"membership_number,name,email,team\nA1,Ana,ana@example.org,Duty\nA2,Bo,bo-at-example,Duty\nA3,Cy,,Nowhere\nA1,Ana,,\n",
    );
    let err = refused(
        &picket()
            .args(["import", "members", &rows, "--branch", "north"])
            .database(&url)
            .run(),
    );
    for expected in [
        "rejected row 3: email is not an email address",
        "rejected row 4: team names no team in this branch",
        "rejected row 5: membership_number is also on row 2",
        "3 rows rejected: nothing was imported",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in {err}");
    }
    assert!(!err.contains("bo-at-example"), "values are not echoed");
    assert!(
        names(&url).await.is_empty(),
        "a refused import changes nothing"
    );
    // A dry run reports the same rows, also with exit code 2.
    let err = refused(
        &picket()
            .args(["import", "members", &rows, "--branch", "north", "--dry-run"])
            .database(&url)
            .run(),
    );
    assert!(err.contains("correct them before importing"), "{err}");

    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "membership_number,name\n".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let wide = write(dir.path(), "wide.csv", &utf16);
    assert!(refused(
        &picket()
            .args(["import", "members", &wide, "--branch", "north"])
            .database(&url)
            .run()
    )
    .contains("UTF-16"));
    let ok_file = write(dir.path(), "ok.csv", b"membership_number,name\nA1,Ana\n");
    assert!(refused(
        &picket()
            .args(["import", "members", &ok_file, "--branch", "nowhere"])
            .database(&url)
            .run()
    )
    .contains("--branch: there is no branch `nowhere`"));
    assert!(refused(
        &picket()
            .args(["import", "members", &ok_file, "--branch", "north", "--map", "salary"])
            .database(&url)
            .run()
    )
    .contains("--map"));
    assert!(refused(
        &picket()
            .args(["import", "members", "/no/such.csv", "--branch", "north"])
            .database(&url)
            .run()
    )
    .contains("cannot read /no/such.csv"));
    assert!(refused(
        &picket()
            .args(["team", "add", "--branch", "north", "--name", "duty"])
            .database(&url)
            .run()
    )
    .contains("already has a team called `duty`"));
    assert!(refused(
        &picket()
            .args([
                "team",
                "reps",
                "--branch",
                "north",
                "--email",
                "x@example.org",
                "--team",
                "Duty"
            ])
            .database(&url)
            .run()
    )
    .contains("no user has the address"));
    assert!(names(&url).await.is_empty());
}

#[tokio::test]
async fn names_in_parts_are_joined_and_new_teams_are_created_only_when_asked() {
    let (url, _db) = fresh_url().await;
    let dir = tempfile::tempdir().unwrap();
    setup(&url);
    let file = write(
        dir.path(),
        "export.csv",
        b"Membership Number,Title,Forename,Surname,Team\nB1,Ms,Ana,Rees,Duty\nB2,Mr,Tom,Hale,Night shift\nB3,Dr,Kit,Moss,night SHIFT\n",
    );
    // Without the flag: the new team's rows are rejected and the team is named.
    let run = picket()
        .args(["import", "members", &file, "--branch", "north"])
        .database(&url)
        .run();
    let err = refused(&run);
    let out = picket_test_support::cli::text(&run.stdout);
    assert!(out.contains("new teams (not in the branch: run again with --create-teams to create them): Night shift"), "{out}");
    assert!(err.contains("--create-teams"), "{err}");
    assert!(names(&url).await.is_empty());
    // A dry run with the flag says it would create it, and creates nothing.
    let dry = ok(&picket()
        .args([
            "import",
            "members",
            &file,
            "--branch",
            "north",
            "--dry-run",
            "--create-teams",
        ])
        .database(&url)
        .run());
    assert!(
        dry.contains("new teams (would be created): Night shift"),
        "{dry}"
    );
    assert!(dry.contains("3 new"), "{dry}");
    let s = store(&url).await;
    let b = s.branch_by_slug("north").await.unwrap();
    assert_eq!(s.teams(b.id).await.unwrap().len(), 1);
    s.close().await;
    // Applied with the flag: the team once, the members with their names joined.
    let done = ok(&picket()
        .args([
            "import",
            "members",
            &file,
            "--branch",
            "north",
            "--create-teams",
        ])
        .database(&url)
        .run());
    assert!(done.contains("new teams (created): Night shift"), "{done}");
    let mut got = names(&url).await;
    got.sort();
    assert_eq!(got, ["Ana Rees", "Kit Moss", "Tom Hale"]);
    let s = store(&url).await;
    let b = s.branch_by_slug("north").await.unwrap();
    let teams: Vec<String> = s
        .teams(b.id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(teams, ["Duty", "Night shift"]);
    let page = s
        .search_members(b.id, &MemberFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert!(
        page.items.iter().all(|m| m.details.job_title.is_none()),
        "Title is not a job title"
    );
    s.close().await;
}

#[tokio::test]
async fn joined_and_left_columns_set_the_membership_dates_and_unreadable_ones_are_refused() {
    let (url, _db) = fresh_url().await;
    let dir = tempfile::tempdir().unwrap();
    setup(&url);
    let help = ok(&picket().args(["import", "members", "--help"]).run());
    assert!(
        help.contains("joined_on") && help.contains("Date Joined"),
        "{help}"
    );

    let bad = write(
        dir.path(),
        "bad.csv",
        b"Member No,Name,Date Joined,Leaving Date\nA1,Ana,2024-05-01,\nA2,Bo,last May,\nA3,Cy,01/06/2024,01/05/2024\n",
    );
    let err = refused(
        &picket()
            .args(["import", "members", &bad, "--branch", "north"])
            .database(&url)
            .run(),
    );
    for expected in [
        "rejected row 3: joined_on is not a date (YYYY-MM-DD or DD/MM/YYYY)",
        "rejected row 4: left_on is not after the day they joined",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in {err}");
    }
    assert!(names(&url).await.is_empty(), "nothing imported");

    let good = write(
        dir.path(),
        "good.csv",
        b"Member No,Name,Joined,Left\nA1,Ana,2024-05-01,\nA2,Bo,01/02/2023,31/03/2024\n",
    );
    ok(&picket()
        .args(["import", "members", &good, "--branch", "north"])
        .database(&url)
        .run());
    let s = store(&url).await;
    let b = s.branch_by_slug("north").await.unwrap();
    let mut dates: Vec<_> = s
        .search_members(b.id, &MemberFilter::default(), PageRequest::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|m| {
            let d = m.details;
            (
                d.name,
                d.joined_on.map(|x| x.to_string()),
                d.left_on.map(|x| x.to_string()),
            )
        })
        .collect();
    s.close().await;
    dates.sort();
    assert_eq!(
        dates,
        [
            ("Ana".to_string(), Some("2024-05-01".to_string()), None),
            (
                "Bo".to_string(),
                Some("2023-02-01".to_string()),
                Some("2024-03-31".to_string())
            )
        ]
    );
}
