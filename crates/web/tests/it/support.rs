//! What several test modules use: real validators for the documents Picket publishes
//! (Python's `feedparser` plus an RFC 4287 structural check for Atom, and Python's `icalendar`
//! for iCalendar; `scripts/test` installs them into its tools virtual environment and names its
//! Python in `PICKET_TOOLS_PYTHON`), a member's sign-in by an emailed link, and a phone's
//! screen in Chromium.

use picket_test_support::{extract_csrf, TestApp};
use std::path::PathBuf;
use std::time::Duration;

/// The Python that has the validators.
pub fn python() -> String {
    std::env::var("PICKET_TOOLS_PYTHON")
        .or_else(|_| std::env::var("PICKET_OPENAPI_PYTHON"))
        .unwrap_or_else(|_| "python3".into())
}

/// Runs validator `script` (in the crate's `tests/support/`) over `document`; returns what it printed as
/// JSON, or fails the test with the validator's complaint.
pub fn validate(script: &str, document: &[u8]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("document");
    std::fs::write(&file, document).unwrap();
    let script_path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/support")
        .join(script);
    let python = python();
    let out = std::process::Command::new(&python)
        .arg(&script_path)
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    assert!(
        out.status.success(),
        "{script} refused the document (scripts/test installs feedparser and icalendar into its tools venv):\n{}{}\n--- document ---\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(document),
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{script} printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// Posts the sign-in link request form of branch `slug` and returns (status, body).
pub async fn ask_for_link(
    app: &TestApp,
    client: &reqwest::Client,
    slug: &str,
    email: &str,
) -> (u16, String) {
    let path = format!("/{slug}/me/login");
    let csrf = app.csrf_token(client, &path).await;
    let r = client
        .post(app.url(&path))
        .form(&[("csrf_token", csrf.as_str()), ("email", email)])
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The sign-in token in an email's text.
pub fn token_in(text: &str) -> String {
    let start = text.find("token=").expect("a link in the email") + "token=".len();
    text[start..].split_whitespace().next().unwrap().to_string()
}

/// Opens the confirmation page for `token` and presses its button; returns the POST response.
pub async fn confirm(app: &TestApp, client: &reqwest::Client, token: &str) -> reqwest::Response {
    let page = client
        .get(app.url(&format!("/login/link?token={token}")))
        .send()
        .await
        .unwrap();
    let html = page.text().await.unwrap();
    let csrf = extract_csrf(&html).unwrap_or_else(|| panic!("no form on the link page: {html}"));
    client
        .post(app.url("/login/link"))
        .form(&[("csrf_token", csrf.as_str()), ("token", token)])
        .send()
        .await
        .unwrap()
}

/// Signs a member of branch `slug` in through an emailed link and returns their client.
pub async fn sign_in_by_link(app: &TestApp, slug: &str, email: &str) -> reqwest::Client {
    let emails_before = app.mailer.sent().len();
    let client = app.client();
    let (status, _) = ask_for_link(app, &client, slug, email).await;
    assert_eq!(status, 200);
    let sent = app
        .mailer
        .wait_for(emails_before + 1, Duration::from_secs(10))
        .await;
    let token = token_in(&sent[emails_before].text);
    let r = confirm(app, &client, &token).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    client
}

pub use picket_test_support::browser::phone;
