//! The days a member joined and left, which the counts of a dispute's unit rest on: the
//! organiser's edit form shows and changes them (a membership that ends before it begins is
//! refused with what was typed kept), the history names them, the API reads and writes them,
//! an import's `Joined`/`Left` columns set them, and the unit's count on a day follows them.

use crate::members::{result_page, upload};
use picket_domain::members::MemberDetails;
use picket_domain::{MemberId, Role};
use picket_store::contract::member_writes;
use picket_store::members::MemberFilter;
use picket_store::{Branch, PageRequest};
use picket_test_support::{BodyText, TestApp};
use serde_json::json;

async fn member(app: &TestApp, branch: &Branch, team: Option<picket_domain::TeamId>) -> MemberId {
    let details = MemberDetails::new("N100".parse().unwrap(), "Ana Rees");
    member_writes::create_member(&*app.store(), branch.id, &details, team)
        .await
        .unwrap()
        .id
}

async fn post_edit(
    app: &TestApp,
    client: &reqwest::Client,
    id: MemberId,
    changes: &[(&str, &str)],
) -> reqwest::Response {
    let path = format!("/north/members/{id}/edit");
    let csrf = app.csrf_token(client, &path).await;
    let mut fields = vec![
        ("csrf_token", csrf.as_str()),
        ("membership_number", "N100"),
        ("name", "Ana Rees"),
    ];
    fields.extend_from_slice(changes);
    client
        .post(app.url(&path))
        .form(&fields)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_edit_form_sets_the_days_joined_and_left_and_the_unit_counts_by_them() {
    let app = TestApp::spawn().await;
    let branch = app.branch("north").await;
    app.user(&branch, "dana@example.org", Role::Organiser).await;
    let team = member_writes::create_team(&*app.store(), branch.id, "Duty", None)
        .await
        .unwrap();
    let id = member(&app, &branch, Some(team.id)).await;
    let client = app.client();
    app.login(&client, "dana@example.org").await;

    let form = client
        .get(app.url(&format!("/north/members/{id}/edit")))
        .body_text()
        .await;
    assert!(
        form.contains("<label for=\"joined_on\">Joined on</label>")
            && form.contains("id=\"left_on\" name=\"left_on\" type=\"date\""),
        "{form}"
    );

    // Left before joined: refused, with what was typed and what to fix.
    let r = post_edit(
        &app,
        &client,
        id,
        &[
            ("joined_on", "2024-05-01"),
            ("left_on", "2024-04-30"),
            ("reason", "from the union's records"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("The day they left must come after the day they joined"),
        "{html}"
    );
    assert!(html.contains("value=\"2024-05-01\"") && html.contains("value=\"2024-04-30\""));
    assert!(
        html.contains("aria-describedby=\"left_on-error\""),
        "{html}"
    );
    let r = post_edit(
        &app,
        &client,
        id,
        &[("joined_on", "May Day"), ("reason", "records")],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Enter the day they joined as YYYY-MM-DD or DD/MM/YYYY"));
    let stored = app.store().member(branch.id, id).await.unwrap();
    assert_eq!(stored.details.joined_on, None, "nothing saved");

    // The British way of writing it is read too.
    let team_id = team.id.to_string();
    let r = post_edit(
        &app,
        &client,
        id,
        &[
            ("team", &team_id),
            ("joined_on", "01/05/2024"),
            ("reason", "from the union's records"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let stored = app.store().member(branch.id, id).await.unwrap();
    assert_eq!(stored.details.joined_on, "2024-05-01".parse().ok());
    let record = client
        .get(app.url(&format!("/north/members/{id}?reason=record-keeping")))
        .body_text()
        .await;
    assert!(record.contains("1 May 2024"), "{record}");
    let history = client
        .get(app.url(&format!(
            "/north/members/{id}/history?reason=record-keeping"
        )))
        .body_text()
        .await;
    assert!(history.contains("dana changed the day joined"), "{history}");
    assert!(history.contains("Reason: from the union&#39;s records"));
    let detail = app
        .store()
        .member_history(branch.id, id, 10)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.action == "member.edit")
        .and_then(|e| e.detail);
    assert_eq!(
        detail.as_deref(),
        Some("changed: joined_on; reason: from the union's records")
    );

    // The dispute's unit counts her from the day she joined.
    let api = app.api(&app.api_token("dana@example.org").await);
    let (status, dispute) = api
        .post(
            "/api/v1/branches/north/disputes",
            &json!({"title": "Pay", "employer": "Borough council", "nation": "england",
                    "status": "in-action"}),
        )
        .await;
    assert_eq!(status, 201, "{dispute}");
    let unit = format!("/north/disputes/{}/unit", dispute["id"]);
    let csrf = app.csrf_token(&client, &unit).await;
    let r = client
        .post(app.url(&format!("{unit}/teams")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("action", "add"),
            ("team_id", &team.id.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let on = |day: &'static str| {
        let client = &client;
        let url = app.url(&format!("{unit}?as_of={day}"));
        async move { client.get(url).body_text().await }
    };
    let before = on("2024-04-30").await;
    assert!(
        before.contains("<strong>0</strong> members in these teams on 30 April 2024"),
        "{before}"
    );
    let after = on("2024-05-01").await;
    assert!(
        after.contains("<strong>1</strong> member in these teams on 1 May 2024"),
        "{after}"
    );
}

#[tokio::test]
async fn the_api_reads_and_writes_the_days_joined_and_left() {
    let app = TestApp::spawn().await;
    let branch = app.branch("north").await;
    app.user(&branch, "dana@example.org", Role::Organiser).await;
    let id = member(&app, &branch, None).await;
    let api = app.api(&app.api_token("dana@example.org").await);
    let path = format!("/api/v1/branches/north/members/{id}");
    let patch = |body: serde_json::Value| {
        let api = &api;
        let path = path.clone();
        async move { api.call(reqwest::Method::PATCH, &path, &body).await }
    };

    let (status, body) = patch(json!({
        "reason": "records", "joined_on": "2024-05-01", "left_on": "2024-05-01"
    }))
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "left_on");
    let (status, body) = patch(json!({"reason": "records", "joined_on": "soon"})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "joined_on");

    let (status, body) = patch(json!({
        "reason": "records", "joined_on": "2024-05-01", "left_on": "2025-01-31"
    }))
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["changed"], json!(["joined_on", "left_on"]));
    assert_eq!(body["member"]["joined_on"], "2024-05-01");
    assert_eq!(body["member"]["left_on"], "2025-01-31");

    let (status, body) = patch(json!({"reason": "rejoined", "left_on": null})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["member"]["left_on"], serde_json::Value::Null);
    assert_eq!(body["member"]["joined_on"], "2024-05-01", "left out: kept");
    let (status, read) = api.get(&format!("{path}?reason=record-keeping")).await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["joined_on"], "2024-05-01");

    let (_, doc) = app.public_api().get("/api/v1/openapi.json").await;
    let schemas = &doc["components"]["schemas"];
    for schema in ["MemberPatch", "MemberView"] {
        for field in ["joined_on", "left_on"] {
            assert!(
                schemas[schema]["properties"][field].is_object(),
                "{schema}.{field}"
            );
        }
    }
}

#[tokio::test]
async fn an_import_sets_the_days_joined_and_left_and_refuses_unreadable_ones() {
    let app = TestApp::spawn().await;
    let branch = app.branch("north").await;
    app.user(&branch, "org@example.org", Role::Organiser).await;
    let org = app.client();
    app.login(&org, "org@example.org").await;

    let form = org.get(app.url("/north/members/import")).body_text().await;
    assert!(
        form.contains("<code>joined_on</code>") && form.contains("“Leaving Date”"),
        "{form}"
    );
    let bad = "Member No,Full Name,Date Joined,Leaving Date\n\
               A1,Ana,2024-05-01,\n\
               A2,Bo,May 2024,\n\
               A3,Cy,01/06/2024,01/05/2024\n";
    let html = result_page(
        &app,
        &org,
        upload(&app, &org, "north", bad.into(), "", false).await,
    )
    .await;
    assert!(html.contains("data-status=\"refused\""), "{html}");
    for expected in [
        "<td>3</td><td><code>joined_on</code></td><td>is not a date (YYYY-MM-DD or DD/MM/YYYY)",
        "<td>4</td><td><code>left_on</code></td><td>is not after the day they joined",
    ] {
        assert!(html.contains(expected), "missing {expected} in {html}");
    }
    assert!(
        by_number(&app, &branch, "A1").await.is_none(),
        "nothing imported"
    );

    let good = "Member No,Full Name,Joined,Left\n\
                A1,Ana,2024-05-01,\n\
                A2,Bo,01/02/2023,31/03/2024\n";
    let html = result_page(
        &app,
        &org,
        upload(&app, &org, "north", good.into(), "", false).await,
    )
    .await;
    assert!(html.contains("data-status=\"done\""), "{html}");
    let bo = by_number(&app, &branch, "A2").await.unwrap();
    assert_eq!(bo.joined_on, "2023-02-01".parse().ok());
    assert_eq!(bo.left_on, "2024-03-31".parse().ok());
    let ana = by_number(&app, &branch, "A1").await.unwrap();
    assert_eq!(ana.joined_on, "2024-05-01".parse().ok());
    assert_eq!(ana.left_on, None);
}

async fn by_number(app: &TestApp, branch: &Branch, number: &str) -> Option<MemberDetails> {
    let filter = MemberFilter {
        query: Some(number.into()),
        ..MemberFilter::default()
    };
    let found = app
        .store()
        .search_members(branch.id, &filter, PageRequest::default())
        .await
        .unwrap();
    found
        .items
        .into_iter()
        .map(|m| m.details)
        .find(|d| d.membership_number.as_str() == number)
}
