//! A member changing their own email address over HTTP: the new address is not used until
//! the link sent to it is opened and its button pressed; the link works once and not after
//! it expires; each step is audited.

use crate::support::{sign_in_by_link, token_in};
use chrono::{Duration, Utc};
use picket_domain::members::MemberDetails;
use picket_domain::{MemberId, Role};
use picket_store::contract::member_writes;
use picket_store::member_data::NewEmailChange;
use picket_store::Branch;
use picket_test_support::{extract_csrf, BodyText, TestApp};
use std::time::Duration as StdDuration;

async fn member(app: &TestApp, branch: &Branch) -> MemberId {
    let mut details = MemberDetails::new("N100".parse().unwrap(), "Ana Rees");
    details.email = Some("ana@example.org".parse().unwrap());
    member_writes::create_member(&*app.store(), branch.id, &details, None)
        .await
        .unwrap()
        .id
}

async fn email_of(app: &TestApp, branch: &Branch, id: MemberId) -> String {
    let m = app.store().member(branch.id, id).await.unwrap();
    m.details.email.unwrap().as_str().to_string()
}

/// Opens the confirmation page for `token` and presses its button.
async fn confirm(app: &TestApp, client: &reqwest::Client, token: &str) -> reqwest::Response {
    let html = client
        .get(app.url(&format!("/north/me/confirm-email?token={token}")))
        .body_text()
        .await;
    let csrf = match extract_csrf(&html) {
        Some(csrf) => csrf,
        // A used or expired link's page has no form: take the token from another.
        None => app.csrf_token(client, "/north/me/login").await,
    };
    client
        .post(app.url("/north/me/confirm-email"))
        .form(&[("csrf_token", csrf.as_str()), ("token", token)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_new_address_is_used_only_after_its_link_which_works_once() {
    let app = TestApp::spawn().await;
    let branch = app.branch("north").await;
    let id = member(&app, &branch).await;
    let client = sign_in_by_link(&app, "north", "ana@example.org").await;
    let before = app.mailer.sent().len();

    let csrf = app.csrf_token(&client, "/north/me").await;
    let r = client
        .post(app.url("/north/me"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", "ana.new@example.org"),
            ("phone", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/north/me?saved=2");
    assert_eq!(
        email_of(&app, &branch, id).await,
        "ana@example.org",
        "not used yet"
    );
    let page = client.get(app.url("/north/me?saved=2")).body_text().await;
    assert!(page.contains("id=\"email-pending\"") && page.contains("ana.new@example.org"));
    assert!(
        page.contains("value=\"ana@example.org\""),
        "the form shows the address in use"
    );
    // The member's own copy of their data names the change that waits for its link.
    let data: serde_json::Value = client
        .get(app.url("/north/me/data.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        data["pending_email_change"]["new_email"], "ana.new@example.org",
        "{data}"
    );

    let sent = app
        .mailer
        .wait_for(before + 1, StdDuration::from_secs(10))
        .await;
    let mail = &sent[before];
    assert_eq!(
        mail.to, "ana.new@example.org",
        "the link goes to the new address"
    );
    assert!(mail.text.contains("/north/me/confirm-email?token="));
    let token = token_in(&mail.text);

    // Following the link (as a mail scanner would) changes nothing.
    let stranger = app.client();
    for _ in 0..2 {
        let html = stranger
            .get(app.url(&format!("/north/me/confirm-email?token={token}")))
            .body_text()
            .await;
        assert!(html.contains("id=\"confirm-email\""), "{html}");
    }
    assert_eq!(email_of(&app, &branch, id).await, "ana@example.org");

    // Pressing the button, signed in or not, uses it.
    let r = confirm(&app, &stranger, &token).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("id=\"email-changed\""));
    assert_eq!(email_of(&app, &branch, id).await, "ana.new@example.org");
    let account = app.store().user_by_email("ana.new@example.org").await;
    assert!(account.is_ok(), "the sign-in account follows the record");

    // Once only.
    let r = confirm(&app, &stranger, &token).await;
    assert_eq!(r.status(), 410);
    assert!(r.text().await.unwrap().contains("already been used"));

    let actions: Vec<String> = app
        .store()
        .member_history(branch.id, id, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        actions.contains(&"member.email.requested".to_string()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"member.email.confirmed".to_string()),
        "{actions:?}"
    );
}

#[tokio::test]
async fn an_expired_or_unknown_link_changes_nothing() {
    let app = TestApp::spawn().await;
    let branch = app.branch("north").await;
    app.user(&branch, "dana@example.org", Role::Organiser).await;
    let id = member(&app, &branch).await;
    sign_in_by_link(&app, "north", "ana@example.org").await;
    let user = app.store().user_by_email("ana@example.org").await.unwrap();
    let token = "an-expired-token-of-enough-length-to-look-real";
    let mut work = app.store().begin().await.unwrap();
    work.request_email_change(&NewEmailChange {
        branch: branch.id,
        member_id: id,
        user: user.id,
        new_email: "ana.late@example.org".parse().unwrap(),
        token_hash: picket_web::account::tokens::hash_token(token),
        expires_at: Utc::now() - Duration::minutes(1),
    })
    .await
    .unwrap();
    work.commit().await.unwrap();

    let client = app.client();
    let page = client
        .get(app.url(&format!("/north/me/confirm-email?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 410);
    let r = confirm(&app, &client, token).await;
    assert_eq!(r.status(), 410);
    assert!(r.text().await.unwrap().contains("expired"));
    let r = confirm(&app, &client, "no-such-token").await;
    assert_eq!(r.status(), 404);
    assert_eq!(email_of(&app, &branch, id).await, "ana@example.org");
}
