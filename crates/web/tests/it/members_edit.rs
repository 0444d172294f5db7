//! Organisers edit a member record over HTTP (the page and `PATCH` in the API): every edit
//! needs a reason, is written with its audit entry (the fields changed, never their values,
//! and the reason), and shows in the record's history in words; a form with a problem comes
//! back with what was typed; only the branch's organisers may edit.

use picket_domain::members::MemberDetails;
use picket_domain::{MemberId, Role};
use picket_store::contract::member_writes;
use picket_store::Branch;
use picket_test_support::{extract_csrf, BodyText, TestApp};
use serde_json::json;

async fn member(app: &TestApp, branch: &Branch) -> MemberId {
    let mut details = MemberDetails::new("N100".parse().unwrap(), "Ana Rees");
    details.email = Some("ana@example.org".parse().unwrap());
    details.job_title = Some("Social worker".into());
    member_writes::create_member(&*app.store(), branch.id, &details, None)
        .await
        .unwrap()
        .id
}

/// The edit form's fields as the page fills them, with `changes` applied.
async fn post_edit(
    app: &TestApp,
    client: &reqwest::Client,
    slug: &str,
    id: MemberId,
    changes: &[(&str, &str)],
) -> reqwest::Response {
    let path = format!("/{slug}/members/{id}/edit");
    let html = client.get(app.url(&path)).body_text().await;
    let csrf = extract_csrf(&html).unwrap_or_else(|| panic!("no form: {html}"));
    let mut fields: Vec<(String, String)> = vec![
        ("csrf_token".into(), csrf),
        ("membership_number".into(), "N100".into()),
        ("name".into(), "Ana Rees".into()),
        ("email".into(), "ana@example.org".into()),
        ("job_title".into(), "Social worker".into()),
    ];
    for (k, v) in changes {
        fields.retain(|(name, _)| name != k);
        fields.push(((*k).into(), (*v).into()));
    }
    client
        .post(app.url(&path))
        .form(&fields)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_edit_needs_a_reason_keeps_what_was_typed_and_is_in_the_history() {
    let app = TestApp::spawn().await;
    let branch = app.branch("north").await;
    app.user(&branch, "dana@example.org", Role::Organiser).await;
    let id = member(&app, &branch).await;
    let client = app.client();
    app.login(&client, "dana@example.org").await;

    let form = client
        .get(app.url(&format!("/north/members/{id}/edit")))
        .body_text()
        .await;
    assert!(
        form.contains("value=\"Ana Rees\"") && form.contains("id=\"reason\""),
        "{form}"
    );

    // No reason: nothing changes, and the page says what to fix with everything typed.
    let r = post_edit(&app, &client, "north", id, &[("job_title", "Team manager")]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Say why you are changing the record"),
        "{html}"
    );
    assert!(
        html.contains("value=\"Team manager\""),
        "what was typed is kept"
    );
    assert!(html.contains("aria-invalid=\"true\" aria-describedby=\"reason-error\""));
    let stored = app.store().member(branch.id, id).await.unwrap();
    assert_eq!(stored.details.job_title.as_deref(), Some("Social worker"));

    // Two problems at once are both reported.
    let r = post_edit(
        &app,
        &client,
        "north",
        id,
        &[
            ("email", "not an address"),
            ("daily_pay", "lots"),
            ("reason", "x"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Enter an email address like name@example.org"),
        "{html}"
    );
    assert!(
        html.contains("Enter the daily pay in pounds, like 123.45"),
        "{html}"
    );
    assert!(html.contains("value=\"not an address\"") && html.contains("value=\"lots\""));

    let r = post_edit(
        &app,
        &client,
        "north",
        id,
        &[
            ("job_title", "Team manager"),
            ("email", "ana.rees@example.org"),
            ("reason", "promoted in the March restructure"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with(&format!("/north/members/{id}?")), "{to}");
    let record = client.get(app.url(&to)).body_text().await;
    assert!(
        record.contains("id=\"saved\"") && record.contains("Team manager"),
        "{record}"
    );
    let stored = app.store().member(branch.id, id).await.unwrap();
    assert_eq!(stored.details.job_title.as_deref(), Some("Team manager"));
    // An organiser's change of address comes from the union's records: at once.
    assert_eq!(
        stored.details.email.unwrap().as_str(),
        "ana.rees@example.org"
    );

    let history = app.store().member_history(branch.id, id, 50).await.unwrap();
    let edit = history
        .iter()
        .find(|e| e.action == "member.edit")
        .expect("an audit entry for the edit");
    let detail = edit.detail.as_deref().unwrap();
    assert_eq!(
        detail,
        "changed: email, job_title; reason: promoted in the March restructure"
    );
    assert!(!detail.contains("Team manager") && !detail.contains("ana.rees"));

    let page = client
        .get(app.url(&format!(
            "/north/members/{id}/history?reason=record-keeping"
        )))
        .body_text()
        .await;
    assert!(
        page.contains("dana changed the email and job title"),
        "{page}"
    );
    assert!(page.contains("Reason: promoted in the March restructure"));
    let today = chrono::Utc::now().format("%-d %B %Y").to_string();
    assert!(page.contains(&today), "dates as people write them: {page}");
    assert!(!page.contains("member.edit") && !page.contains(&format!("member:{id}")));

    // Saving again with nothing changed writes nothing.
    let r = post_edit(
        &app,
        &client,
        "north",
        id,
        &[
            ("job_title", "Team manager"),
            ("email", "ana.rees@example.org"),
            ("reason", "checking"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .ends_with("saved=none"));
    let edits = app
        .store()
        .member_history(branch.id, id, 50)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == "member.edit")
        .count();
    assert_eq!(edits, 1);
}

#[tokio::test]
async fn only_the_branchs_organisers_may_edit_and_the_form_needs_its_token() {
    let app = TestApp::spawn().await;
    let north = app.branch("north").await;
    let south = app.branch("south").await;
    app.user(&north, "dana@example.org", Role::Organiser).await;
    app.user(&north, "rhys@example.org", Role::Rep).await;
    app.user(&south, "sol@example.org", Role::Organiser).await;
    let id = member(&app, &north).await;

    // Another branch's organiser: not found, on the page and over the API.
    let other = app.client();
    app.login(&other, "sol@example.org").await;
    let r = other
        .get(app.url(&format!("/north/members/{id}/edit")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let csrf = app.csrf_token(&other, "/south/members").await;
    let r = other
        .post(app.url(&format!("/north/members/{id}/edit")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("membership_number", "N100"),
            ("name", "Someone Else"),
            ("reason", "because"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let token = app.api_token("sol@example.org").await;
    let (status, _) = app
        .api(&token)
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/branches/north/members/{id}"),
            &json!({"reason": "because", "name": "Someone Else"}),
        )
        .await;
    assert_eq!(status, 404);

    // A rep of the branch: refused.
    let rep = app.client();
    app.login(&rep, "rhys@example.org").await;
    let r = rep
        .get(app.url(&format!("/north/members/{id}/edit")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // The organiser without the form's token: refused.
    let dana = app.client();
    app.login(&dana, "dana@example.org").await;
    let r = dana
        .post(app.url(&format!("/north/members/{id}/edit")))
        .form(&[
            ("membership_number", "N100"),
            ("name", "Someone Else"),
            ("reason", "because"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    let stored = app.store().member(north.id, id).await.unwrap();
    assert_eq!(stored.details.name, "Ana Rees", "nothing changed");
    assert!(app
        .store()
        .member_history(north.id, id, 50)
        .await
        .unwrap()
        .iter()
        .all(|e| e.action != "member.edit"));
}

#[tokio::test]
async fn the_api_edits_a_record_with_a_reason() {
    let app = TestApp::spawn().await;
    let branch = app.branch("north").await;
    app.user(&branch, "dana@example.org", Role::Organiser).await;
    let team = member_writes::create_team(&*app.store(), branch.id, "Duty", None)
        .await
        .unwrap();
    let id = member(&app, &branch).await;
    let api = app.api(&app.api_token("dana@example.org").await);
    let path = format!("/api/v1/branches/north/members/{id}");
    let patch = |body: serde_json::Value| {
        let api = &api;
        let path = path.clone();
        async move { api.call(reqwest::Method::PATCH, &path, &body).await }
    };

    let (status, body) = patch(json!({"workplace": "Ashby House"})).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = patch(json!({"reason": "", "workplace": "Ashby House"})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "reason");
    let (status, body) = patch(json!({"reason": "typo", "phone": "call me"})).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["field"], "phone");
    let (status, body) = patch(json!({"reason": "typo", "workplace": 7})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "workplace");
    let stored = app.store().member(branch.id, id).await.unwrap();
    assert_eq!(stored.details.workplace, None, "nothing changed");

    let (status, body) = patch(json!({
        "reason": "moved team",
        "team_id": team.id.0,
        "workplace": "Ashby House",
        "job_title": null,
        "daily_pay_pence": 12345
    }))
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["changed"],
        json!(["team", "workplace", "job_title", "daily_pay"])
    );
    assert_eq!(body["member"]["team"], "Duty");
    assert_eq!(body["member"]["job_title"], serde_json::Value::Null);
    assert_eq!(body["member"]["daily_pay_pence"], 12345);
    assert_eq!(body["member"]["name"], "Ana Rees", "fields left out stay");
    let entry = app
        .store()
        .member_history(branch.id, id, 5)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.action == "member.edit")
        .unwrap();
    assert_eq!(
        entry.detail.as_deref(),
        Some("changed: team, workplace, job_title, daily_pay; reason: moved team")
    );

    let (_, doc) = app.public_api().get("/api/v1/openapi.json").await;
    let op = &doc["paths"]["/api/v1/branches/{branch}/members/{id}"]["patch"];
    assert_eq!(op["operationId"], "editMember");
    assert!(doc["components"]["schemas"]["MemberPatch"]["properties"]["reason"].is_object());
}
