//! A user's own account over HTTP: API tokens (created with an expiry and shown once, listed,
//! revoked; expired and revoked ones refused by the API), changing a password (other sessions
//! end, this one stays), and an admin resetting a password or signing a user out everywhere.

use chrono::{Duration, Utc};
use picket_domain::Role;
use picket_store::PageRequest;
use picket_test_support::{extract_csrf, BodyText, TestApp, TEST_PASSWORD};

/// Audit actions written so far.
async fn audit_actions(app: &TestApp) -> Vec<String> {
    app.store()
        .audit_entries(None, PageRequest::new(1, 200))
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.action)
        .collect()
}

/// The text between `start` and the next `end` in `html`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {html}"))
        + start.len();
    let to = html[from..].find(end).unwrap() + from;
    &html[from..to]
}

#[tokio::test]
async fn the_dashboard_and_header_lead_to_the_account_pages() {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "dana@example.org", Role::Member).await;
    let client = app.client();
    app.login(&client, "dana@example.org").await;
    let dash = client.get(app.url("/dashboard")).body_text().await;
    for link in [
        "href=\"/account\"",
        "href=\"/account/password\"",
        "href=\"/account/tokens\"",
    ] {
        assert!(dash.contains(link), "{link} missing");
    }
    let account = client.get(app.url("/account")).send().await.unwrap();
    assert_eq!(account.status(), 200);
    let anonymous = app
        .client()
        .get(app.url("/account/tokens"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        anonymous.status(),
        303,
        "signed-out visitors are sent to sign in"
    );
}

#[tokio::test]
async fn tokens_are_created_once_listed_and_revoked() {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "dana@example.org", Role::Organiser).await;
    app.user(&branch, "sam@example.org", Role::Member).await;
    let client = app.client();
    app.login(&client, "dana@example.org").await;

    let page = client.get(app.url("/account/tokens")).body_text().await;
    assert!(page.contains("You have no API tokens."));
    let csrf = extract_csrf(&page).unwrap();
    let bad = client
        .post(app.url("/account/tokens"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("name", " "),
            ("expires_days", "30"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("Give the token a label"));

    let created = client
        .post(app.url("/account/tokens"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("name", "branch website"),
            ("expires_days", "30"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200);
    let html = created.text().await.unwrap();
    let secret = between(&html, "<code id=\"new-token\">", "</code>").to_string();
    assert!(secret.starts_with("picket_"), "{secret}");
    let expiry = (Utc::now() + Duration::days(30))
        .format("%-d %B %Y")
        .to_string();
    assert!(html.contains(&expiry), "the expiry date is shown: {expiry}");

    let api = app.api(&secret);
    assert_eq!(api.get("/api/v1/me").await.0, 200);
    let listed = client.get(app.url("/account/tokens")).body_text().await;
    assert!(!listed.contains(&secret), "the secret is shown once");
    assert!(listed.contains("branch website") && listed.contains(">works<"));
    let today = Utc::now().format("%-d %B %Y").to_string();
    assert!(listed.contains(&today), "created and last used today");

    let id = app
        .store()
        .api_tokens_of(
            app.store()
                .user_by_email("dana@example.org")
                .await
                .unwrap()
                .id,
        )
        .await
        .unwrap()[0]
        .id;
    let forged = client
        .post(app.url(&format!("/account/tokens/{id}/revoke")))
        .form(&[("csrf_token", "not the token")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert_eq!(api.get("/api/v1/me").await.0, 200);

    // Someone else cannot revoke it.
    let sam = app.client();
    app.login(&sam, "sam@example.org").await;
    let sam_csrf = app.csrf_token(&sam, "/account/tokens").await;
    let other = sam
        .post(app.url(&format!("/account/tokens/{id}/revoke")))
        .form(&[("csrf_token", sam_csrf.as_str()), ("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
    let other_asks = sam
        .post(app.url(&format!("/account/tokens/{id}/revoke")))
        .form(&[("csrf_token", sam_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(other_asks.status(), 404, "nor learn its name");
    assert_eq!(api.get("/api/v1/me").await.0, 200);

    // The first press asks; the token still works until the person says yes.
    let asked = client
        .post(app.url(&format!("/account/tokens/{id}/revoke")))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 200);
    let asked = asked.text().await.unwrap();
    assert!(
        asked.contains("Revoke the token “branch website”?")
            && asked.contains("cannot be undone")
            && asked.contains("name=\"confirm\" value=\"yes\"")
            && asked.contains("href=\"/account/tokens\">No, keep it"),
        "{asked}"
    );
    assert_eq!(api.get("/api/v1/me").await.0, 200, "not revoked yet");
    let revoked = client
        .post(app.url(&format!("/account/tokens/{id}/revoke")))
        .form(&[("csrf_token", csrf.as_str()), ("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 303);
    let location = revoked.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(location, format!("/account/tokens?revoked={id}"));
    assert_eq!(
        api.get("/api/v1/me").await.0,
        401,
        "a revoked token is refused"
    );
    let listed = client.get(app.url(&location)).body_text().await;
    assert!(
        listed.contains(">revoked<")
            && listed.contains("The token “branch website” is revoked: it no longer works."),
        "{listed}"
    );

    let actions = audit_actions(&app).await;
    assert!(
        actions.iter().any(|a| a == "token.create") && actions.iter().any(|a| a == "token.revoke"),
        "{actions:?}"
    );
}

#[tokio::test]
async fn expired_and_revoked_tokens_get_401_from_the_api() {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "dana@example.org", Role::Organiser).await;
    let store = app.store();
    let user = store.user_by_email("dana@example.org").await.unwrap();
    let expired = picket_web::account::tokens::new_api_token();
    let mut work = store.begin().await.unwrap();
    work.create_api_token(
        user.id,
        "old",
        &picket_web::account::tokens::hash_token(&expired),
        Some(Utc::now() - Duration::minutes(1)),
    )
    .await
    .unwrap();
    work.commit().await.unwrap();
    let (status, body) = app.api(&expired).get("/api/v1/me").await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthorized");

    let live = app.api_token("dana@example.org").await;
    assert_eq!(app.api(&live).get("/api/v1/me").await.0, 200);
    let id = store.api_tokens_of(user.id).await.unwrap()[0].id;
    let mut work = store.begin().await.unwrap();
    work.revoke_api_token(id, None, Utc::now()).await.unwrap();
    work.commit().await.unwrap();
    assert_eq!(app.api(&live).get("/api/v1/me").await.0, 401);
}

/// Posts the password form as `client`.
async fn change_password(
    app: &TestApp,
    client: &reqwest::Client,
    current: &str,
    new: &str,
    again: &str,
) -> reqwest::Response {
    let csrf = app.csrf_token(client, "/account/password").await;
    client
        .post(app.url("/account/password"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("current_password", current),
            ("new_password", new),
            ("new_password_again", again),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn changing_a_password_ends_the_other_sessions_and_keeps_this_one() {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "dana@example.org", Role::Member).await;
    let here = app.client();
    let laptop = app.client();
    let phone = app.client();
    for c in [&here, &laptop, &phone] {
        app.login(c, "dana@example.org").await;
    }
    let new = "a brand new passphrase";

    let wrong = change_password(&app, &here, "not my password", new, new).await;
    assert_eq!(wrong.status(), 422);
    assert!(wrong
        .text()
        .await
        .unwrap()
        .contains("That is not your current password."));
    let differ = change_password(&app, &here, TEST_PASSWORD, new, "something else entirely").await;
    assert_eq!(differ.status(), 422);
    assert!(differ
        .text()
        .await
        .unwrap()
        .contains("The two new passwords differ."));
    let short = change_password(&app, &here, TEST_PASSWORD, "short", "short").await;
    assert_eq!(short.status(), 422);
    assert!(short
        .text()
        .await
        .unwrap()
        .contains("at least 10 characters"));

    let done = change_password(&app, &here, TEST_PASSWORD, new, new).await;
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"], "/account/password?changed=2");
    let page = here
        .get(app.url("/account/password?changed=2"))
        .body_text()
        .await;
    assert!(page.contains("Your password is changed. 2 other sessions were signed out."));
    assert_eq!(
        here.get(app.url("/dashboard"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    for other in [&laptop, &phone] {
        assert_eq!(
            other
                .get(app.url("/dashboard"))
                .send()
                .await
                .unwrap()
                .status(),
            303,
            "the other sessions ended"
        );
    }
    assert_eq!(
        app.login_with(&app.client(), "dana@example.org", TEST_PASSWORD)
            .await
            .status(),
        401
    );
    assert_eq!(
        app.login_with(&app.client(), "dana@example.org", new)
            .await
            .status(),
        303
    );
    let actions = audit_actions(&app).await;
    assert!(
        actions.iter().any(|a| a == "password.change")
            && actions.iter().any(|a| a == "password.change_refused"),
        "{actions:?}"
    );
}

#[tokio::test]
async fn an_admin_resets_a_password_or_signs_a_user_out_everywhere() {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "admin@example.org", Role::Admin).await;
    app.user(&branch, "org@example.org", Role::Organiser).await;
    app.user(&branch, "sam@example.org", Role::Member).await;
    let sam_id = app
        .store()
        .user_by_email("sam@example.org")
        .await
        .unwrap()
        .id
        .0;
    let admin = app.client();
    app.login(&admin, "admin@example.org").await;
    let sam = app.client();
    app.login(&sam, "sam@example.org").await;

    let users = admin
        .get(app.url("/northfield/admin/users"))
        .body_text()
        .await;
    let reset_path = format!("/northfield/admin/users/{sam_id}/password");
    let end_path = format!("/northfield/admin/users/{sam_id}/sessions");
    assert!(users.contains(&reset_path) && users.contains(&end_path));

    // An organiser has neither the buttons nor the pages.
    let org = app.client();
    app.login(&org, "org@example.org").await;
    let org_users = org
        .get(app.url("/northfield/admin/users"))
        .body_text()
        .await;
    assert!(!org_users.contains(&reset_path));
    assert_eq!(
        org.get(app.url(&reset_path)).send().await.unwrap().status(),
        404
    );
    let org_csrf = extract_csrf(&org_users).unwrap();
    let refused = org
        .post(app.url(&end_path))
        .form(&[("csrf_token", org_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 404);
    assert_eq!(
        sam.get(app.url("/dashboard"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // Signing out everywhere, after a confirmation page.
    let confirm = admin.get(app.url(&end_path)).body_text().await;
    assert!(confirm.contains("Sign sam out everywhere?"), "{confirm}");
    let csrf = extract_csrf(&confirm).unwrap();
    let forged = admin
        .post(app.url(&end_path))
        .form(&[("csrf_token", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let ended = admin
        .post(app.url(&end_path))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), 303);
    let location = ended.headers()["location"].to_str().unwrap().to_string();
    let after = admin.get(app.url(&location)).body_text().await;
    assert!(
        after.contains("sam is signed out everywhere (1 session ended)."),
        "{after}"
    );
    assert_eq!(
        sam.get(app.url("/dashboard"))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );

    // Resetting the password.
    app.login(&sam, "sam@example.org").await;
    let form = admin.get(app.url(&reset_path)).body_text().await;
    assert!(form.contains("Reset the password of sam"));
    let csrf = extract_csrf(&form).unwrap();
    let mismatch = admin
        .post(app.url(&reset_path))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("new_password", "a new password for sam"),
            ("new_password_again", "another one"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(mismatch.status(), 422);
    let reset = admin
        .post(app.url(&reset_path))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("new_password", "a new password for sam"),
            ("new_password_again", "a new password for sam"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 303);
    let location = reset.headers()["location"].to_str().unwrap().to_string();
    let after = admin.get(app.url(&location)).body_text().await;
    assert!(
        after.contains(
            "The password of sam is reset, and they are signed out everywhere (1 session ended)."
        ),
        "{after}"
    );
    assert_eq!(
        sam.get(app.url("/dashboard"))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    assert_eq!(
        app.login_with(&app.client(), "sam@example.org", "a new password for sam")
            .await
            .status(),
        303
    );
    assert_eq!(
        admin
            .get(app.url("/dashboard"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    let actions = audit_actions(&app).await;
    assert!(
        actions.iter().any(|a| a == "password.reset")
            && actions.iter().any(|a| a == "user.sessions_end"),
        "{actions:?}"
    );
}

#[tokio::test]
async fn the_token_form_keeps_what_was_typed_after_an_error() {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "dana@example.org", Role::Member).await;
    let client = app.client();
    app.login(&client, "dana@example.org").await;
    let csrf = app.csrf_token(&client, "/account/tokens").await;
    let bad = client
        .post(app.url("/account/tokens"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("name", " "),
            ("expires_days", "365"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(
        html.contains("<option value=\"365\" selected>a year</option>"),
        "the chosen expiry is kept: {html}"
    );
    assert!(!html.contains("<option value=\"90\" selected>"), "{html}");
    let until_revoked = client
        .post(app.url("/account/tokens"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("name", ""),
            ("expires_days", "0"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(until_revoked.contains("<option value=\"0\" selected>until revoked</option>"));
    // A fresh form offers 90 days.
    let fresh = client.get(app.url("/account/tokens")).body_text().await;
    assert!(fresh.contains("<option value=\"90\" selected>90 days</option>"));
}

#[tokio::test]
async fn a_password_change_says_plainly_when_no_other_session_ended() {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "dana@example.org", Role::Member).await;
    let here = app.client();
    app.login(&here, "dana@example.org").await;
    let new = "a brand new passphrase";
    let done = change_password(&app, &here, TEST_PASSWORD, new, new).await;
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"], "/account/password?changed=0");
    let page = here
        .get(app.url("/account/password?changed=0"))
        .body_text()
        .await;
    assert!(
        page.contains("Your password is changed. You were not signed in anywhere else."),
        "{page}"
    );
    assert!(!page.contains("0 other sessions"), "{page}");
    assert!(
        page.contains("href=\"/account\">Back to your account</a>"),
        "a way back: {page}"
    );
    assert!(
        !page.contains("name=\"current_password\""),
        "the form is not offered again at once"
    );
}

#[tokio::test]
async fn an_admin_is_not_offered_to_sign_themselves_out_from_the_users_page() {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "admin@example.org", Role::Admin).await;
    app.user(&branch, "sam@example.org", Role::Member).await;
    let store = app.store();
    let me = store.user_by_email("admin@example.org").await.unwrap().id.0;
    let sam = store.user_by_email("sam@example.org").await.unwrap().id.0;
    let admin = app.client();
    app.login(&admin, "admin@example.org").await;
    let users = admin
        .get(app.url("/northfield/admin/users"))
        .body_text()
        .await;
    assert!(users.contains(&format!("/northfield/admin/users/{sam}/sessions")));
    assert!(!users.contains(&format!("/northfield/admin/users/{me}/sessions")));
    assert!(users.contains("href=\"/account\">Your account</a>"));
    assert!(
        users.contains("<table class=\"stacked\">") && users.contains("data-label=\"Email\""),
        "the table stacks on phones"
    );
}
