//! Subject access by an organiser (page and API, with a reason), a member's own data over the
//! API, and erasure: typed confirmation, every personal field gone from the row, counts kept,
//! the member signed out and unable to sign in again.

use crate::support::sign_in_by_link;
use picket_domain::members::MemberDetails;
use picket_domain::Role;
use picket_domain::{MemberId, TeamId};
use picket_store::contract::member_writes;
use picket_store::{Branch, PageRequest};
use picket_test_support::{extract_csrf, BodyText, TestApp};
use sqlx::Row;
use std::time::Duration;

async fn member(
    app: &TestApp,
    branch: &Branch,
    team: TeamId,
    number: &str,
    name: &str,
    email: &str,
) -> MemberId {
    let mut details = MemberDetails::new(number.parse().unwrap(), name);
    details.email = Some(email.parse().unwrap());
    details.phone = Some("07700 900456".parse().unwrap());
    details.job_title = Some("Approved mental health professional".into());
    details.daily_pay_pence = Some(15_000);
    member_writes::create_member(&*app.store(), branch.id, &details, Some(team))
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn organisers_export_and_erase_and_the_member_is_gone() {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    let other_branch = app.branch("southfield").await;
    app.user(&branch, "org@example.org", Role::Organiser).await;
    app.user(&other_branch, "south@example.org", Role::Organiser)
        .await;
    let team = member_writes::create_team(
        &*app.store(),
        branch.id,
        "Crisis team",
        Some("Civic Centre"),
    )
    .await
    .unwrap();
    let ana = member(
        &app,
        &branch,
        team.id,
        "N500",
        "Ana Rees",
        "ana@example.org",
    )
    .await;
    let bo = member(&app, &branch, team.id, "N501", "Bo Lind", "bo@example.org").await;
    let member_client = sign_in_by_link(&app, "northfield", "ana@example.org").await;
    assert_eq!(
        member_client
            .get(app.url("/northfield/me"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // A member cannot reach the organiser's pages.
    let r = member_client
        .get(app.url(&format!("/northfield/members/{bo}/subject-access")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // The API: a reason is required; another branch's organiser sees nothing.
    let token = app.api_token("org@example.org").await;
    let api = reqwest::Client::new();
    let url = app.url(&format!(
        "/api/v1/branches/northfield/members/{ana}/subject-access"
    ));
    let r = api.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["field"], "reason");
    let r = api
        .get(format!("{url}?reason=SAR%20received%20today"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let data: serde_json::Value = r.json().await.unwrap();
    assert_eq!(data["member"]["membership_number"], "N500");
    assert_eq!(data["member"]["daily_pay_pence"], 15_000);
    assert_eq!(data["account"]["email"], "ana@example.org");
    let sar = data["audit_about_member"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "member.subject_access")
        .expect("the export is audited");
    assert_eq!(sar["detail"], "reason: SAR received today");
    let south = app.api_token("south@example.org").await;
    let r = api
        .get(format!("{url}?reason=curious"))
        .bearer_auth(&south)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // The page: the HTML export as a download.
    let org = app.client();
    app.login(&org, "org@example.org").await;
    // An account with no member record here is told how to link one.
    let r = org.get(app.url("/northfield/me")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let html = r.text().await.unwrap();
    assert!(html.contains("No member record linked") && html.contains("/northfield/me/login"));
    // The record in the directory leads to the export and erasure.
    let html = org
        .get(app.url(&format!("/northfield/members/{ana}?reason=casework")))
        .body_text()
        .await;
    assert!(
        html.contains(&format!("/northfield/members/{ana}/subject-access")),
        "{html}"
    );
    assert!(html.contains(&format!("/northfield/members/{ana}/erase")));

    let path = format!("/northfield/members/{ana}/subject-access");
    let csrf = app.csrf_token(&org, &path).await;
    let r = org
        .post(app.url(&path))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("reason", ""),
            ("format", "html"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = org
        .post(app.url(&path))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("reason", "SAR by letter"),
            ("format", "html"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(".html"));
    assert!(r.text().await.unwrap().contains("Ana Rees"));

    // Erasure: the wrong words are refused and the form keeps the reason.
    let path = format!("/northfield/members/{ana}/erase");
    let page = org.get(app.url(&path)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("erase member {ana}")));
    let csrf = extract_csrf(&html).unwrap();
    let r = org
        .post(app.url(&path))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("reason", "member asked"),
            ("confirm", "erase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("to confirm the erasure") && html.contains("value=\"member asked\""));

    let pool = app.db.store.pool().clone();
    let count_in_team = || {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM members WHERE team_id = $1")
                .bind(team.id.0)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let before = count_in_team().await;
    let confirm = format!("Erase Member {ana}");
    let r = org
        .post(app.url(&path))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("reason", "member asked"),
            ("confirm", confirm.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("The record is erased") && !html.contains("Ana Rees"),
        "{html}"
    );
    assert_eq!(count_in_team().await, before, "team headcount kept");

    // The row itself: every personal field is gone.
    let row = sqlx::query(
        "SELECT name, membership_number, email, phone, job_title, daily_pay_pence, contact_email, \
         consent_wording, consent_date, user_id, erased_at, team_id FROM members WHERE id = $1",
    )
    .bind(ana.0)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        row.get::<String, _>("name"),
        format!("Erased member #{ana}")
    );
    let number: String = row.get("membership_number");
    assert!(
        number.starts_with("ERASED-") && !number.contains("N500"),
        "{number}"
    );
    for column in [
        "email",
        "phone",
        "job_title",
        "consent_wording",
        "consent_date",
    ] {
        assert!(
            row.get::<Option<String>, _>(column).is_none(),
            "{column} kept"
        );
    }
    assert!(row.get::<Option<i64>, _>("daily_pay_pence").is_none());
    assert!(row.get::<Option<i64>, _>("user_id").is_none());
    assert!(row.get::<Option<i64>, _>("erased_at").is_some());
    assert_eq!(row.get::<Option<i64>, _>("team_id"), Some(team.id.0));
    let links: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM magic_links WHERE member_id = $1")
        .bind(ana.0)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(links, 0);
    let accounts: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE lower(email) = 'ana@example.org'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(accounts, 0, "the account no longer carries the address");
    // Nothing personal in the audit log's entry.
    let audit = app
        .store()
        .audit_entries(Some(branch.id), PageRequest::default())
        .await
        .unwrap();
    let erase = audit
        .items
        .iter()
        .find(|a| a.action == "member.erase")
        .expect("audited");
    let detail = erase.detail.clone().unwrap();
    assert!(detail.contains("member asked"));
    for secret in ["Ana", "ana@", "N500", "07700"] {
        assert!(!detail.contains(secret), "{detail}");
    }

    // The member is signed out and cannot sign in again; the other member is untouched.
    let r = member_client
        .get(app.url("/northfield/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let sent = app.mailer.sent().len();
    let csrf = app.csrf_token(&member_client, "/northfield/me/login").await;
    let r = member_client
        .post(app.url("/northfield/me/login"))
        .form(&[("csrf_token", csrf.as_str()), ("email", "ana@example.org")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the same neutral answer");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        app.mailer.sent().len(),
        sent,
        "no link for an erased member"
    );
    let bo_record = app.store().member(branch.id, bo).await.unwrap();
    assert_eq!(bo_record.details.name, "Bo Lind");

    // Erasing twice is a conflict, over the page and the API.
    let r = org.get(app.url(&path)).send().await.unwrap();
    assert_eq!(r.status(), 409);
    let r = api
        .post(app.url(&format!(
            "/api/v1/branches/northfield/members/{ana}/erasure"
        )))
        .bearer_auth(&token)
        .json(&serde_json::json!({"confirm": format!("erase member {ana}"), "reason": "again"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
}

#[tokio::test]
async fn the_api_gives_a_member_their_data_and_erases_by_confirmation() {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "org@example.org", Role::Organiser).await;
    let team = member_writes::create_team(&*app.store(), branch.id, "Team A", None)
        .await
        .unwrap();
    let cy = member(&app, &branch, team.id, "N600", "Cy Moss", "cy@example.org").await;
    sign_in_by_link(&app, "northfield", "cy@example.org").await;
    let token = app.api_token("cy@example.org").await;
    let api = reqwest::Client::new();
    let r = api
        .get(app.url("/api/v1/me/data"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let data: serde_json::Value = r.json().await.unwrap();
    let records = data["records"].as_array().unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["member"]["id"], cy.0);
    assert_eq!(records[0]["member"]["name"], "Cy Moss");
    // A member's token cannot erase.
    let url = app.url(&format!("/api/v1/branches/northfield/members/{cy}/erasure"));
    let r = api
        .post(&url)
        .bearer_auth(&token)
        .json(&serde_json::json!({"confirm": format!("erase member {cy}"), "reason": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let org = app.api_token("org@example.org").await;
    let r = api
        .post(&url)
        .bearer_auth(&org)
        .json(&serde_json::json!({"confirm": "erase member 0", "reason": "asked"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["field"], "confirm");
    let r = api
        .post(&url)
        .bearer_auth(&org)
        .json(&serde_json::json!({"confirm": format!("erase member {cy}"), "reason": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = api
        .post(&url)
        .bearer_auth(&org)
        .json(&serde_json::json!({"confirm": format!("erase member {cy}"), "reason": "asked in writing"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let report: serde_json::Value = r.json().await.unwrap();
    assert_eq!(report["api_tokens"], 1);
    assert!(report["account_id"].is_i64());
    // The member's token is gone with their account's access.
    let r = api
        .get(app.url("/api/v1/me/data"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}
