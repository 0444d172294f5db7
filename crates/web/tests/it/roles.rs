//! Roles are per branch and enforced: another branch's records are 404, a lesser role 403.

use picket_domain::Role;
use picket_store::PageRequest;
use picket_test_support::{extract_csrf, BodyText, TestApp};
use std::time::Duration;

#[tokio::test]
async fn organisers_see_their_branch_users_and_nobody_else_does() {
    let app = TestApp::spawn().await;
    let north = app.branch("northfield").await;
    let south = app.branch("southgate").await;
    app.user(&north, "org@example.org", Role::Organiser).await;
    app.user(&north, "mem@example.org", Role::Member).await;
    app.user(&south, "other@example.org", Role::Organiser).await;

    let org = app.client();
    app.login(&org, "org@example.org").await;
    let page = org
        .get(app.url("/northfield/admin/users"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("mem@example.org") && !html.contains("other@example.org"));

    let mem = app.client();
    app.login(&mem, "mem@example.org").await;
    assert_eq!(
        mem.get(app.url("/northfield/admin/users"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );

    let other = app.client();
    app.login(&other, "other@example.org").await;
    assert_eq!(
        other
            .get(app.url("/northfield/admin/users"))
            .send()
            .await
            .unwrap()
            .status(),
        404,
        "no leak across branches"
    );
    assert_eq!(
        other.get(app.url("/admin")).send().await.unwrap().status(),
        404
    );

    let audit = app
        .store()
        .audit_entries(Some(north.id), PageRequest::default())
        .await
        .unwrap();
    assert!(
        audit.items.iter().any(|e| e.action == "users.view"),
        "reading the user list is audited"
    );
}

#[tokio::test]
async fn the_api_uses_bearer_tokens_and_the_same_scoping() {
    let app = TestApp::spawn().await;
    let north = app.branch("northfield").await;
    let south = app.branch("southgate").await;
    app.user(&north, "org@example.org", Role::Organiser).await;
    app.user(&south, "rep@example.org", Role::Rep).await;
    let token = app.api_token("org@example.org").await;
    let client = reqwest::Client::new();

    let me: serde_json::Value = client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "org@example.org");
    assert_eq!(me["memberships"][0]["role"], "organiser");

    let users: serde_json::Value = client
        .get(app.url("/api/v1/branches/northfield/users?per_page=1"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            users["total"].as_u64(),
            users["items"].as_array().unwrap().len()
        ),
        (Some(1), 1)
    );

    let other = client
        .get(app.url("/api/v1/branches/southgate/users"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
    let rep = app.api_token("rep@example.org").await;
    let lesser = client
        .get(app.url("/api/v1/branches/southgate/users"))
        .bearer_auth(&rep)
        .send()
        .await
        .unwrap();
    assert_eq!(lesser.status(), 403);
    let body: serde_json::Value = lesser.json().await.unwrap();
    assert_eq!(body["error"]["code"], "forbidden");
    let bad = client
        .get(app.url("/api/v1/me"))
        .bearer_auth("picket_not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);
}

#[tokio::test]
async fn adding_a_user_keeps_the_form_on_error_and_sends_a_welcome_email() {
    let app = TestApp::spawn().await;
    let north = app.branch("northfield").await;
    app.user(&north, "org@example.org", Role::Organiser).await;
    let client = app.client();
    app.login(&client, "org@example.org").await;
    let page = client
        .get(app.url("/northfield/admin/users"))
        .body_text()
        .await;
    let token = extract_csrf(&page).unwrap();

    let bad = client
        .post(app.url("/northfield/admin/users"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "not-an-email"),
            ("display_name", "Jo Bloggs"),
            ("role", "rep"),
            ("password", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(
        html.contains("is not an email address"),
        "the message names the problem"
    );
    assert!(
        html.contains("value=\"Jo Bloggs\"") && html.contains("value=\"not-an-email\""),
        "what was typed is kept"
    );

    let ok = client
        .post(app.url("/northfield/admin/users"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "jo@example.org"),
            ("display_name", "Jo Bloggs"),
            ("role", "rep"),
            ("password", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 303);
    let sent = app.mailer.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(
        sent.len(),
        1,
        "the outbox worker delivered the welcome email"
    );
    assert_eq!(sent[0].to, "jo@example.org");
    assert!(sent[0].subject.contains("northfield branch"));
    let users = app
        .store()
        .branch_users(north.id, PageRequest::default())
        .await
        .unwrap();
    assert!(users
        .items
        .iter()
        .any(|u| u.user.email == "jo@example.org" && u.role == Role::Rep));
}

/// Posts the add-user form of `branch` as `client`.
async fn post_user(
    app: &TestApp,
    client: &reqwest::Client,
    branch: &str,
    email: &str,
    role: &str,
) -> reqwest::Response {
    let path = format!("/{branch}/admin/users");
    let token = app.csrf_token(client, &path).await;
    client
        .post(app.url(&path))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", email),
            ("display_name", "Someone"),
            ("role", role),
            ("password", ""),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_organiser_cannot_demote_an_admin_or_anyone_above_them() {
    let app = TestApp::spawn().await;
    let alpha = app.branch("alpha").await;
    let beta = app.branch("beta").await;
    app.user(&alpha, "admin@example.org", Role::Admin).await;
    app.user(&alpha, "org@example.org", Role::Organiser).await;
    app.user(&alpha, "peer@example.org", Role::Organiser).await;
    // An instance admin who is only a member of beta: still not the organiser's to change.
    app.user(&alpha, "root@example.org", Role::Admin).await;
    app.user(&beta, "root@example.org", Role::Member).await;
    app.user(&beta, "betaorg@example.org", Role::Organiser)
        .await;

    let org = app.client();
    app.login(&org, "org@example.org").await;
    let refused = post_user(&app, &org, "alpha", "admin@example.org", "member").await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(
        html.contains("Only an instance admin can change the role of an instance admin."),
        "{html}"
    );
    let refused = post_user(&app, &org, "alpha", "ADMIN@example.org", "organiser").await;
    assert_eq!(refused.status(), 422, "the email's case changes nothing");

    let admin = app.client();
    app.login(&admin, "admin@example.org").await;
    assert_eq!(
        admin.get(app.url("/admin")).send().await.unwrap().status(),
        200,
        "the admin keeps /admin"
    );

    let beta_org = app.client();
    app.login(&beta_org, "betaorg@example.org").await;
    let refused = post_user(&app, &beta_org, "beta", "root@example.org", "rep").await;
    assert_eq!(refused.status(), 422);
    let roles = app
        .store()
        .memberships_of(
            app.store()
                .user_by_email("root@example.org")
                .await
                .unwrap()
                .id,
        )
        .await
        .unwrap();
    assert!(
        roles
            .iter()
            .any(|m| m.branch.slug == "beta" && m.role == Role::Member),
        "{roles:?}"
    );

    // A peer and those below are the organiser's to change; the admin role is not theirs to give.
    let ok = post_user(&app, &org, "alpha", "peer@example.org", "rep").await;
    assert_eq!(ok.status(), 303);
    let refused = post_user(&app, &org, "alpha", "peer@example.org", "admin").await;
    assert_eq!(refused.status(), 422);

    // An admin may change an admin's role.
    let ok = post_user(&app, &admin, "alpha", "root@example.org", "organiser").await;
    assert_eq!(ok.status(), 303);
}
