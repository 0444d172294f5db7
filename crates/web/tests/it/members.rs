//! Members over HTTP: a 10,000-row import from the upload form to its result, who sees
//! which records (and the audit log saying so), and bad input.

use picket_domain::members::MemberDetails;
use picket_domain::Role;
use picket_domain::{MemberId, TeamId};
use picket_store::contract::member_writes;
use picket_store::members::MemberFilter;
use picket_store::{AuditFilter, Branch, PageRequest};
use picket_test_support::{extract_csrf, BodyText, TestApp};
use std::time::{Duration, Instant};

fn ten_thousand_rows() -> String {
    let mut csv = String::from("Member No,Full Name,Email,Team,Workplace,Job title,Daily pay\n");
    for i in 0..10_000 {
        let team = if i % 2 == 0 { "Duty" } else { "Hospital" };
        csv.push_str(&format!(
            "M{i:05},Member Number {i},member{i}@example.org,{team},\"Civic Centre, Northfield Road\",Senior mental health social worker,{}.{:02}\n",
            90 + i % 50,
            i % 100
        ));
    }
    csv
}

pub(crate) async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    slug: &str,
    bytes: Vec<u8>,
    mapping: &str,
    dry_run: bool,
) -> reqwest::Response {
    let token = app
        .csrf_token(client, &format!("/{slug}/members/import"))
        .await;
    let mut form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .text("mapping", mapping.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes)
                .file_name("members.csv")
                .mime_str("text/csv")
                .unwrap(),
        );
    if dry_run {
        form = form.text("dry_run", "1");
    }
    client
        .post(app.url(&format!("/{slug}/members/import")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Follows an upload's redirect to the status page and waits for the result.
pub(crate) async fn result_page(
    app: &TestApp,
    client: &reqwest::Client,
    response: reqwest::Response,
) -> String {
    assert_eq!(response.status(), 303, "upload accepted");
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains("/members/import/"), "{location}");
    let started = Instant::now();
    loop {
        let html = client.get(app.url(&location)).body_text().await;
        if !html.contains("http-equiv=\"refresh\"") {
            return html;
        }
        assert!(
            html.contains("of 10000 rows") || html.contains(" rows."),
            "{html}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the import did not finish"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn count(html: &str, id: &str) -> u64 {
    let marker = format!("id=\"{id}\">");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {id} in {html}"))
        + marker.len();
    let end = html[start..].find('<').unwrap() + start;
    html[start..end].parse().unwrap()
}

#[tokio::test]
async fn an_organiser_imports_ten_thousand_rows_from_the_web() {
    let app = TestApp::spawn().await;
    let north = app.branch("north").await;
    app.user(&north, "org@example.org", Role::Organiser).await;
    let store = app.store();
    member_writes::create_team(&*store, north.id, "Duty", None)
        .await
        .unwrap();
    member_writes::create_team(&*store, north.id, "Hospital", None)
        .await
        .unwrap();
    let org = app.client();
    app.login(&org, "org@example.org").await;
    let csv = ten_thousand_rows();
    assert!(
        csv.len() > app.settings.server.body_limit_bytes,
        "the file is larger than the general body limit"
    );

    let dry = upload(
        &app,
        &org,
        "north",
        csv.clone().into_bytes(),
        "Daily pay=daily_pay",
        true,
    )
    .await;
    let html = result_page(&app, &org, dry).await;
    assert!(
        html.contains("Dry run finished: nothing was changed."),
        "{html}"
    );
    assert_eq!(count(&html, "count-created"), 10_000);
    assert!(html.contains("M00000") && html.contains("new member"));
    let everyone = MemberFilter::default();
    let none = store
        .search_members(north.id, &everyone, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(none.total, 0, "a dry run changes nothing");

    let real = upload(&app, &org, "north", csv.into_bytes(), "", false).await;
    let html = result_page(&app, &org, real).await;
    assert!(html.contains("Imported."), "{html}");
    assert_eq!(count(&html, "count-created"), 10_000);
    assert_eq!(count(&html, "count-rejected"), 0);
    let all = store
        .search_members(north.id, &everyone, PageRequest::new(1, 1))
        .await
        .unwrap();
    assert_eq!(all.total, 10_000);
    let first = store
        .search_members(
            north.id,
            &MemberFilter {
                query: Some("M09999".into()),
                ..MemberFilter::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    let m = &first.items[0];
    assert_eq!(m.details.name, "Member Number 9999");
    assert_eq!(m.team_name.as_deref(), Some("Hospital"));
    assert_eq!(m.details.daily_pay_pence, Some(13_999));
    assert_eq!(
        m.details.workplace.as_deref(),
        Some("Civic Centre, Northfield Road")
    );

    let audit = store
        .audit_search(
            north.id,
            &AuditFilter {
                actor: None,
                action_prefix: Some("member.import".into()),
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(audit.total, 2);
    assert!(audit.items[0]
        .detail
        .as_deref()
        .unwrap()
        .contains("applied=true; rows=10000; created=10000"));
    // The mapping typed with the dry run was not saved (a dry run changes nothing).
    assert_eq!(store.import_map(north.id).await.unwrap(), None);
}

async fn member(
    app: &TestApp,
    branch: &Branch,
    number: &str,
    name: &str,
    team: Option<TeamId>,
) -> MemberId {
    member_writes::create_member(
        &*app.store(),
        branch.id,
        &MemberDetails::new(number.parse().unwrap(), name),
        team,
    )
    .await
    .unwrap()
    .id
}

#[tokio::test]
async fn a_rep_sees_only_their_team_and_the_audit_log_shows_it() {
    let app = TestApp::spawn().await;
    let north = app.branch("north").await;
    let south = app.branch("south").await;
    app.user(&north, "org@example.org", Role::Organiser).await;
    app.user(&north, "rep@example.org", Role::Rep).await;
    app.user(&north, "mem@example.org", Role::Member).await;
    app.user(&south, "other@example.org", Role::Organiser).await;
    let store = app.store();
    let duty = member_writes::create_team(&*store, north.id, "Duty", None)
        .await
        .unwrap();
    let ward = member_writes::create_team(&*store, north.id, "Ward", None)
        .await
        .unwrap();
    let ana = member(&app, &north, "A1", "Ana Duty", Some(duty.id)).await;
    member(&app, &north, "A2", "Bo Duty", Some(duty.id)).await;
    let cy = member(&app, &north, "B1", "Cy Ward", Some(ward.id)).await;
    let mem_id = member(&app, &north, "C1", "Di Member", None).await;
    let rep = store.user_by_email("rep@example.org").await.unwrap();
    let mem = store.user_by_email("mem@example.org").await.unwrap();
    member_writes::set_rep_teams(&*store, north.id, rep.id, &[duty.id])
        .await
        .unwrap();
    member_writes::link_member_user(&*store, north.id, mem_id, Some(mem.id))
        .await
        .unwrap();

    let rep_client = app.client();
    app.login(&rep_client, "rep@example.org").await;
    let get = |client: &reqwest::Client, path: &str| {
        let request = client.get(app.url(path));
        async move { request.send().await.unwrap() }
    };
    // Nothing is listed until the rep says why.
    let ask = get(&rep_client, "/north/members")
        .await
        .text()
        .await
        .unwrap();
    assert!(ask.contains("Why are you looking?") && !ask.contains("Ana Duty"));
    let bad = get(&rep_client, "/north/members?reason=curiosity").await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("Choose a reason"));
    let list = get(&rep_client, "/north/members?reason=casework").await;
    assert_eq!(list.status(), 200);
    let html = list.text().await.unwrap();
    assert!(
        html.contains("Ana Duty") && html.contains("Bo Duty"),
        "{html}"
    );
    assert!(
        !html.contains("Cy Ward") && !html.contains("Di Member"),
        "{html}"
    );
    assert_eq!(
        get(&rep_client, &format!("/north/members/{cy}?reason=casework"))
            .await
            .status(),
        404,
        "another team's member is not found"
    );
    let record = get(
        &rep_client,
        &format!("/north/members/{ana}?reason=casework"),
    )
    .await;
    assert_eq!(record.status(), 200);
    assert!(record.text().await.unwrap().contains("Ana Duty"));
    assert_eq!(
        get(&rep_client, "/north/members/import").await.status(),
        403
    );
    assert_eq!(get(&rep_client, "/north/members/audit").await.status(), 403);

    // The API applies the same rules and asks for the same reason.
    let token = app.api_token("rep@example.org").await;
    let api = reqwest::Client::new();
    let call = |path: &str| api.get(app.url(path)).bearer_auth(&token).send();
    let no_reason = call("/api/v1/branches/north/members").await.unwrap();
    assert_eq!(no_reason.status(), 422);
    let body: serde_json::Value = no_reason.json().await.unwrap();
    assert_eq!(body["error"]["field"], "reason");
    let listed: serde_json::Value = call("/api/v1/branches/north/members?reason=organising")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["total"], 2);
    assert_eq!(listed["items"][0]["name"], "Ana Duty");
    assert_eq!(
        call(&format!(
            "/api/v1/branches/north/members/{cy}?reason=organising"
        ))
        .await
        .unwrap()
        .status(),
        404
    );

    // A member sees only their own record, without giving a reason.
    let mem_client = app.client();
    app.login(&mem_client, "mem@example.org").await;
    let own = get(&mem_client, "/north/members")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        own.contains("Di Member") && !own.contains("Ana Duty"),
        "{own}"
    );
    assert_eq!(
        get(&mem_client, &format!("/north/members/{mem_id}"))
            .await
            .status(),
        200
    );
    assert_eq!(
        get(
            &mem_client,
            &format!("/north/members/{ana}?reason=casework")
        )
        .await
        .status(),
        404
    );
    // Another branch's organiser: not found.
    let other = app.client();
    app.login(&other, "other@example.org").await;
    assert_eq!(
        get(&other, "/north/members?reason=casework").await.status(),
        404
    );

    // The organiser sees everyone, exports (audited) and reads the audit log.
    let org = app.client();
    app.login(&org, "org@example.org").await;
    let all = get(&org, "/north/members?reason=record-keeping")
        .await
        .text()
        .await
        .unwrap();
    assert!(all.contains("Cy Ward") && all.contains("Di Member"));
    let export = get(&org, "/north/members/export.csv?reason=record-keeping").await;
    assert_eq!(export.status(), 200);
    assert_eq!(export.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = export.text().await.unwrap();
    assert_eq!(csv.lines().count(), 5, "{csv}");
    assert!(csv.starts_with("membership_number,name,email"));
    assert_eq!(get(&org, "/north/members/export.csv").await.status(), 422);
    let audit = get(
        &org,
        "/north/members/audit?actor=rep%40example.org&action=member.",
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(
        audit.contains("searched the member records") && audit.contains("reason=casework"),
        "{audit}"
    );
    assert!(audit.contains("viewed the record of Ana Duty"), "{audit}");
    assert!(
        !audit.contains("exported the member records"),
        "filtered to the rep"
    );

    let rep_entries = store
        .audit_search(
            north.id,
            &AuditFilter {
                actor: Some(rep.id),
                action_prefix: Some("member.".into()),
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    let actions: Vec<_> = rep_entries
        .items
        .iter()
        .map(|e| (e.action.as_str(), e.detail.clone().unwrap_or_default()))
        .collect();
    assert!(
        actions.contains(&("member.view", "reason=casework".into())),
        "{actions:?}"
    );
    assert!(
        actions
            .iter()
            .any(|(a, d)| *a == "member.search" && d.starts_with("reason=organising")),
        "API searches are audited too: {actions:?}"
    );
    let exports = store
        .audit_search(
            north.id,
            &AuditFilter {
                actor: None,
                action_prefix: Some("member.export".into()),
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(exports.total, 1);
    assert_eq!(
        exports.items[0].detail.as_deref(),
        Some("reason=record-keeping; rows=4")
    );
}

#[tokio::test]
async fn bad_files_are_explained_and_change_nothing() {
    let app = TestApp::spawn_with(|s| s.members.import_max_bytes = 64 * 1024).await;
    let north = app.branch("north").await;
    app.user(&north, "org@example.org", Role::Organiser).await;
    let store = app.store();
    member_writes::create_team(&*store, north.id, "Duty", None)
        .await
        .unwrap();
    let org = app.client();
    app.login(&org, "org@example.org").await;

    // Missing required column: the form comes back with the message and what was typed.
    let missing = upload(
        &app,
        &org,
        "north",
        b"Name,Email\nAna,a@example.org\n".to_vec(),
        "Email=email",
        true,
    )
    .await;
    assert_eq!(missing.status(), 422);
    let html = missing.text().await.unwrap();
    assert!(
        html.contains("No column for the required field “membership_number”"),
        "{html}"
    );
    assert!(
        html.contains("Email=email") && html.contains("checked"),
        "{html}"
    );

    // UTF-16 is explained.
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "membership_number,name\n".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let html = upload(&app, &org, "north", utf16, "", false)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("UTF-16"), "{html}");

    // A mapping that is not COLUMN=field names the mapping.
    let bad_map = upload(
        &app,
        &org,
        "north",
        b"membership_number,name\nA1,Ana\n".to_vec(),
        "just words",
        false,
    )
    .await;
    assert_eq!(bad_map.status(), 422);
    assert!(bad_map.text().await.unwrap().contains("is not a mapping"));

    // Row problems: each row named with its field; the whole import refused.
    let rows = "membership_number,name,email,team\n\
                A1,Ana,ana@example.org,Duty\n\
                A2,Bo,not-an-email,Duty\n\
                A3,Cy,cy@example.org,Nowhere\n\
                A1,Ana Again,,Duty\n\
                A4,,di@example.org,\n";
    let response = upload(&app, &org, "north", rows.as_bytes().to_vec(), "", false).await;
    let html = result_page(&app, &org, response).await;
    assert!(html.contains("data-status=\"refused\""), "{html}");
    for expected in [
        "<td>3</td><td><code>email</code></td><td>is not an email address</td>",
        "<td>4</td><td><code>team</code></td><td>names no team in this branch",
        "<td>5</td><td><code>membership_number</code></td><td>is also on row 2",
        "<td>6</td><td><code>name</code></td><td>is required</td>",
    ] {
        assert!(html.contains(expected), "missing {expected} in {html}");
    }
    assert!(
        !html.contains("not-an-email"),
        "values typed are not echoed"
    );
    let members = store
        .search_members(north.id, &MemberFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(members.total, 0, "a refused import changes nothing");

    // Larger than the import limit: 413.
    let big = vec![b'x'; 100 * 1024];
    assert_eq!(
        upload(&app, &org, "north", big, "", false).await.status(),
        413
    );

    // No CSRF token: refused.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"membership_number,name\nA9,Zed\n".to_vec())
            .file_name("m.csv"),
    );
    let forged = org
        .post(app.url("/north/members/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let page = org.get(app.url("/north/members/import")).body_text().await;
    assert!(extract_csrf(&page).is_some());
}
