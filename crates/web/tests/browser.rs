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
