//! The HTTP surface: health, headers, errors, sign-in, CSRF, Origin, throttling, limits.

use picket_domain::Role;
use picket_store::PageRequest;
use picket_test_support::{test_backend, BodyText, TestApp};

#[tokio::test]
async fn healthz_answers_with_the_backend_and_security_headers() {
    let app = TestApp::spawn().await;
    let r = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(r.status(), 200);
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(r.headers().contains_key("x-request-id"));
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["database"], test_backend().as_str());
}

#[tokio::test]
async fn errors_are_html_pages_and_json_envelopes() {
    let app = TestApp::spawn().await;
    let page = reqwest::get(app.url("/no/such/page")).await.unwrap();
    assert_eq!(page.status(), 404);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(page.text().await.unwrap().contains("There is nothing here"));

    let api = reqwest::get(app.url("/api/v1/nothing")).await.unwrap();
    assert_eq!(api.status(), 404);
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");

    let unauth = reqwest::get(app.url("/api/v1/me")).await.unwrap();
    assert_eq!(unauth.status(), 401);
    assert_eq!(unauth.headers()["www-authenticate"], "Bearer");
    let body: serde_json::Value = unauth.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
}

#[tokio::test]
async fn signing_in_and_out() {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "dana@example.org", Role::Organiser).await;
    let client = app.client();

    let anonymous = client.get(app.url("/dashboard")).send().await.unwrap();
    assert_eq!(anonymous.status(), 303);
    assert_eq!(anonymous.headers()["location"], "/login?next=%2Fdashboard");

    let r = app
        .login_with(
            &client,
            "dana@example.org",
            picket_test_support::TEST_PASSWORD,
        )
        .await;
    assert_eq!(r.status(), 303);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let dash = client.get(app.url("/dashboard")).body_text().await;
    assert!(dash.contains("Hello, dana"), "{dash}");

    let token = picket_test_support::extract_csrf(&dash).unwrap();
    let out = client
        .post(app.url("/logout"))
        .form(&[("csrf_token", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    let after = client.get(app.url("/dashboard")).send().await.unwrap();
    assert_eq!(after.status(), 303, "the session ended server-side");

    let audit = app
        .store()
        .audit_entries(None, PageRequest::default())
        .await
        .unwrap();
    let actions: Vec<_> = audit.items.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"login.ok") && actions.contains(&"logout"),
        "{actions:?}"
    );
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer_and_keep_the_email() {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "dana@example.org", Role::Member).await;
    let client = app.client();
    let wrong = app
        .login_with(&client, "dana@example.org", "not the password")
        .await;
    assert_eq!(wrong.status(), 401);
    let wrong = wrong.text().await.unwrap();
    let unknown = app
        .login_with(&client, "nobody@example.org", "not the password")
        .await
        .text()
        .await
        .unwrap();
    let message = "That email and password do not match an account.";
    assert!(wrong.contains(message) && unknown.contains(message));
    assert!(
        wrong.contains("value=\"dana@example.org\""),
        "the email typed is kept"
    );
    let audit = app
        .store()
        .audit_entries(None, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        audit
            .items
            .iter()
            .filter(|e| e.action == "login.failed")
            .count(),
        2
    );
    assert!(
        audit
            .items
            .iter()
            .all(|e| !e.detail.clone().unwrap_or_default().contains('@')),
        "no emails in the audit detail"
    );
}

#[tokio::test]
async fn repeated_failures_are_throttled_with_a_clear_429() {
    let app = TestApp::spawn_with(|s| s.security.max_failures_per_email = 3).await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "dana@example.org", Role::Member).await;
    let client = app.client();
    for _ in 0..3 {
        assert_eq!(
            app.login_with(&client, "dana@example.org", "guess guess guess")
                .await
                .status(),
            401
        );
    }
    let blocked = app
        .login_with(
            &client,
            "dana@example.org",
            picket_test_support::TEST_PASSWORD,
        )
        .await;
    assert_eq!(
        blocked.status(),
        429,
        "even the right password waits out the window"
    );
    assert!(blocked.headers().contains_key("retry-after"));
    assert!(blocked
        .text()
        .await
        .unwrap()
        .contains("Too many failed sign-in attempts. Wait 15 minutes"));
}

#[tokio::test]
async fn forms_without_a_csrf_token_or_from_another_site_are_refused() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let _ = app.csrf_token(&client, "/login").await;
    let missing = client
        .post(app.url("/login"))
        .form(&[("email", "a@example.org"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 403);
    assert!(missing.text().await.unwrap().contains("security token"));

    let token = app.csrf_token(&client, "/login").await;
    let forged = client
        .post(app.url("/login"))
        .header("origin", "https://evil.example")
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "a@example.org"),
            ("password", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let app = TestApp::spawn_with(|s| s.server.body_limit_bytes = 4096).await;
    let client = app.client();
    let token = app.csrf_token(&client, "/login").await;
    let big = "x".repeat(10_000);
    let r = client
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", big.as_str()),
            ("password", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert!(r.text().await.unwrap().contains("too large"));
}

#[tokio::test]
async fn the_openapi_document_lists_the_api() {
    let app = TestApp::spawn().await;
    let doc: serde_json::Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/me",
        "/api/v1/branches",
        "/api/v1/branches/{branch}/users",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    assert!(doc["components"]["securitySchemes"].get("bearer").is_some());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, serde_json::to_vec(&doc).unwrap()).unwrap();
    let python = std::env::var("PICKET_OPENAPI_PYTHON").unwrap_or_else(|_| "python3".into());
    let out = std::process::Command::new(&python)
        .args(["-m", "openapi_spec_validator"])
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    assert!(
        out.status.success(),
        "openapi-spec-validator refused the document (install it with `pip install openapi-spec-validator`; scripts/test does):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
