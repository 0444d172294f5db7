//! Members in Debian's Chromium on a phone-sized window: an organiser uploads a spreadsheet,
//! the status page refreshes itself (no script) to the result, then they search the directory
//! with a reason and open a record, and nothing is wider than the screen.

use fantoccini::Locator;
use picket_domain::Role;
use picket_store::contract::member_writes;
use picket_test_support::{Browser, TestApp, TEST_PASSWORD};
use std::time::Duration;

async fn fits_the_screen(c: &fantoccini::Client) -> bool {
    c.execute(
        "return document.documentElement.scrollWidth <= window.innerWidth;",
        vec![],
    )
    .await
    .unwrap()
    .as_bool()
    .unwrap()
}

#[tokio::test]
async fn an_organiser_imports_then_finds_a_member_on_a_phone() {
    let app = TestApp::spawn().await;
    let branch = app.branch("north").await;
    app.user(&branch, "org@example.org", Role::Organiser).await;
    member_writes::create_team(&*app.store(), branch.id, "Duty", None)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("members.csv");
    let mut csv = String::from("Member No,Full Name,Email,Team\n");
    for i in 0..500 {
        csv.push_str(&format!(
            "N{i:04},Member Number {i},m{i}@example.org,Duty\n"
        ));
    }
    std::fs::write(&file, csv).unwrap();

    let browser = Browser::start().await;
    let c = &browser.client;
    c.set_window_size(390, 844).await.unwrap();
    browser
        .sign_in(
            &app.url("/login?next=/north/members/import"),
            "org@example.org",
            TEST_PASSWORD,
        )
        .await;
    let upload = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("file"))
        .await
        .unwrap();
    assert!(fits_the_screen(c).await, "the import form fits 390px");
    upload.send_keys(&file.display().to_string()).await.unwrap();
    // The form starts as a dry run; this time import for real.
    browser.click(Locator::Css("input[name=dry_run]")).await;
    browser
        .click(Locator::Css("form[enctype] button[type=submit]"))
        .await;
    let status = c
        .wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Id("import-status"))
        .await
        .unwrap();
    assert_eq!(status.text().await.unwrap(), "Imported.");
    let created = c.find(Locator::Id("count-created")).await.unwrap();
    assert_eq!(created.text().await.unwrap(), "500");
    assert!(fits_the_screen(c).await, "the result fits 390px");

    c.goto(&app.url("/north/members")).await.unwrap();
    browser
        .click(Locator::Css("#reason option[value=record-keeping]"))
        .await;
    browser.type_into(Locator::Id("q"), "number 42").await;
    browser
        .click(Locator::Css("form.grid-form button[type=submit]"))
        .await;
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::LinkText("Member Number 42"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let name = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(name, "Member Number 42");
    assert!(c.source().await.unwrap().contains("m42@example.org"));
    assert!(fits_the_screen(c).await, "the record fits 390px");
    browser.close().await;
}
