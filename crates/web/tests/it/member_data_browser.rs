//! End-to-end in Debian's Chromium on a phone-sized window: a member asks for a sign-in link,
//! follows it from the email, presses the button, corrects their phone and consent, and their
//! session downloads their data.

use fantoccini::Locator;
use picket_domain::members::MemberDetails;
use picket_store::contract::member_writes;
use picket_test_support::{Browser, TestApp};
use std::time::Duration;

#[tokio::test]
async fn a_member_signs_in_by_link_on_a_phone_and_downloads_their_data() {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    let mut details = MemberDetails::new("N700".parse().unwrap(), "Ana Rees");
    details.email = Some("ana@example.org".parse().unwrap());
    details.employer = Some("Northfield Metropolitan Borough Council".into());
    let id = member_writes::create_member(&*app.store(), branch.id, &details, None)
        .await
        .unwrap()
        .id;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.set_window_size(390, 844).await.unwrap();

    c.goto(&app.url("/northfield")).await.unwrap();
    browser.click(Locator::Id("my-record")).await;
    c.wait()
        .for_element(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys("ana@example.org")
        .await
        .unwrap();
    browser
        .click(Locator::Css("form.stack button[type=submit]"))
        .await;
    let sent = c
        .wait()
        .for_element(Locator::Id("link-sent"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(sent.starts_with("If we know this address"), "{sent}");

    let mail = app.mailer.wait_for(1, Duration::from_secs(10)).await;
    let link = mail[0]
        .text
        .split_whitespace()
        .find(|w| w.contains("/login/link?token="))
        .expect("a link in the email")
        .to_string();
    let path = &link[link.find("/login/link").unwrap()..];
    c.goto(&app.url(path)).await.unwrap();
    c.wait()
        .for_element(Locator::Id("confirm-sign-in"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let name = c
        .wait()
        .for_element(Locator::Id("member-name"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(name, "Ana Rees");
    let overflow = c
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        overflow.as_i64().unwrap_or(1) <= 0,
        "the page is wider than the phone: {overflow}"
    );

    browser
        .type_into(Locator::Id("phone"), "07700 900789")
        .await;
    browser
        .click(Locator::Css("input[name=contact_phone]"))
        .await;
    browser
        .click(Locator::Css(
            "form[action='/northfield/me#edit'] button[type=submit]",
        ))
        .await;
    c.wait().for_element(Locator::Id("saved")).await.unwrap();
    let link = c
        .find(Locator::Id("download-json"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .expect("a download link");

    // The browser's own session downloads the data.
    let cookies = c.get_all_cookies().await.unwrap();
    let session = cookies
        .iter()
        .find(|k| k.name() == "picket_session")
        .expect("a session cookie");
    let r = reqwest::Client::new()
        .get(app.url(&link))
        .header("cookie", format!("picket_session={}", session.value()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let data: serde_json::Value = r.json().await.unwrap();
    assert_eq!(data["member"]["id"], id.0);
    assert_eq!(data["member"]["phone"], "07700 900789");
    assert_eq!(data["member"]["contact_by_phone"], true);
    assert_eq!(data["consent_history"][0]["by_phone"], true);
    browser.close().await;
}
