//! End-to-end in Debian's Chromium: sign in as an organiser, see the dashboard, sign out; a
//! wrong password shows an error and keeps the email typed.

use fantoccini::Locator;
use picket_domain::Role;
use picket_test_support::{Browser, TestApp, TEST_PASSWORD};

#[tokio::test]
async fn an_organiser_signs_in_sees_the_dashboard_and_signs_out() {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "dana@example.org", Role::Organiser).await;
    let browser = Browser::start().await;
    let c = &browser.client;

    browser
        .sign_in(&app.url("/login"), "dana@example.org", TEST_PASSWORD)
        .await;
    let heading = c
        .wait()
        .for_element(Locator::Css("main h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(heading, "Hello, dana");
    assert!(c
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with("/dashboard"));
    assert!(c
        .find(Locator::LinkText("Users of this branch"))
        .await
        .is_ok());

    browser
        .click(Locator::Css("form[action='/logout'] button"))
        .await;
    c.wait().for_element(Locator::Id("password")).await.unwrap();
    assert!(c.current_url().await.unwrap().path().ends_with("/login"));
    c.goto(&app.url("/dashboard")).await.unwrap();
    c.wait().for_element(Locator::Id("password")).await.unwrap();
    browser.close().await;
}

#[tokio::test]
async fn a_wrong_password_shows_an_error_and_keeps_the_email() {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "dana@example.org", Role::Organiser).await;
    let browser = Browser::start().await;
    let c = &browser.client;

    browser
        .sign_in(&app.url("/login"), "dana@example.org", "not my password")
        .await;
    let error = c
        .wait()
        .for_element(Locator::Id("login-error"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(error, "That email and password do not match an account.");
    let kept = c
        .find(Locator::Id("email"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("dana@example.org"));
    browser.close().await;
}

/// Chromium drops a tab inside a URL, so a `Location: /\t/evil.example/x` would take it to
/// `http://evil.example/x`: what counts is where the browser itself ends up.
#[tokio::test]
async fn a_hostile_next_after_sign_in_keeps_the_browser_on_picket() {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "dana@example.org", Role::Organiser).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    let own_host = app.addr.ip().to_string();
    let own_port = app.addr.port();
    let on_picket =
        |url: &url::Url| url.host_str() == Some(own_host.as_str()) && url.port() == Some(own_port);

    // Signing in through the form, which carries `next` in a hidden field.
    browser
        .sign_in(
            &app.url("/login?next=/%09/evil.example/x"),
            "dana@example.org",
            TEST_PASSWORD,
        )
        .await;
    let url = settled_url(&browser).await;
    assert!(on_picket(&url), "the browser left Picket for {url}");
    assert_eq!(url.path(), "/dashboard");

    // Already signed in: the sign-in page redirects at once.
    for next in [
        "/%09/evil.example/x",
        "/%0D%0A/evil.example/x",
        "%5C/evil.example",
    ] {
        c.goto(&app.url(&format!("/login?next={next}")))
            .await
            .unwrap();
        let url = settled_url(&browser).await;
        assert!(
            on_picket(&url),
            "next={next}: the browser left Picket for {url}"
        );
        assert_eq!(url.path(), "/dashboard", "next={next}");
    }
    browser.close().await;
}

/// The browser's URL once it has left the sign-in page (for Picket's dashboard, or elsewhere).
async fn settled_url(browser: &Browser) -> url::Url {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let url = browser.client.current_url().await.unwrap();
        if url.path() != "/login" || std::time::Instant::now() > deadline {
            return url;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
