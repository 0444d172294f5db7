//! An organiser edits a member record in Debian's Chromium with a phone's screen (390×844
//! device metrics): a save without a reason comes back with the message and what was typed,
//! then the edit is saved, and nothing is wider than the screen.

use fantoccini::Locator;
use picket_domain::members::MemberDetails;
use picket_domain::Role;
use picket_store::contract::member_writes;
use picket_test_support::{Browser, TestApp, TEST_PASSWORD};
use std::time::Duration;

async fn fits_the_screen(c: &fantoccini::Client) -> bool {
    c.execute(
        "return window.innerWidth === 390 && document.documentElement.scrollWidth <= window.innerWidth;",
        vec![],
    )
    .await
    .unwrap()
    .as_bool()
    .unwrap()
}

#[tokio::test]
async fn an_organiser_edits_a_member_on_a_phone() {
    let app = TestApp::spawn().await;
    let branch = app.branch("north").await;
    app.user(&branch, "org@example.org", Role::Organiser).await;
    let mut details = MemberDetails::new("N100".parse().unwrap(), "Ana Rees");
    details.email = Some("ana@example.org".parse().unwrap());
    let id = member_writes::create_member(&*app.store(), branch.id, &details, None)
        .await
        .unwrap()
        .id;

    let browser = Browser::start().await;
    let c = &browser.client;
    crate::support::phone(c).await;
    let edit = app.url(&format!("/north/members/{id}/edit"));
    browser
        .sign_in(
            &app.url(&format!("/login?next=/north/members/{id}/edit")),
            "org@example.org",
            TEST_PASSWORD,
        )
        .await;
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("job_title"))
        .await
        .unwrap();
    assert_eq!(c.current_url().await.unwrap().as_str(), edit);
    assert!(fits_the_screen(c).await, "the edit form fits 390px");
    browser
        .type_into(Locator::Id("job_title"), "Team manager")
        .await;
    browser
        .click(Locator::Css("#edit-member button[type=submit]"))
        .await;
    let problems = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("edit-problems"))
        .await
        .unwrap();
    assert!(problems.text().await.unwrap().contains("Say why"));
    let kept = c
        .find(Locator::Id("job_title"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(
        kept.as_deref(),
        Some("Team manager"),
        "what was typed is kept"
    );
    assert!(
        fits_the_screen(c).await,
        "the form with its messages fits 390px"
    );

    browser.type_into(Locator::Id("reason"), "promoted").await;
    browser
        .click(Locator::Css("#edit-member button[type=submit]"))
        .await;
    let saved = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("saved"))
        .await
        .unwrap();
    assert!(saved.text().await.unwrap().starts_with("Saved"));
    assert!(c.source().await.unwrap().contains("Team manager"));
    assert!(fits_the_screen(c).await, "the record fits 390px");
    browser.close().await;
}
