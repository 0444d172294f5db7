//! The picket sign-up pages on a 390px phone in Debian's Chromium: a supporter picks a shift
//! and signs up on the public page, a member takes a place on the rota with one tap, and
//! neither page scrolls sideways; axe-core finds nothing serious on the picket pages a
//! supporter, a member and a rep see.

use crate::a11y_browser::{axe_source, violations};
use crate::pickets_fixture::{line, weekday_after};
use fantoccini::Locator;
use picket_test_support::{Browser, TEST_PASSWORD};
use std::time::Duration;

async fn fits(c: &fantoccini::Client, what: &str) {
    let over = c
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            vec![],
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    assert!(over <= 0, "{what} scrolls sideways by {over}px on a phone");
}

async fn accessible(c: &fantoccini::Client, axe: &str, what: &str) {
    let found = violations(c, axe).await;
    assert!(
        found.is_empty(),
        "axe-core on {what}:\n{}",
        found.join("\n")
    );
}

#[tokio::test]
async fn signing_up_works_on_a_phone() {
    let l = line().await;
    let shift = l.shift(0, weekday_after(11), 6, true).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.set_window_size(390, 844).await.unwrap();

    let axe = axe_source();
    c.goto(&l.app.url(&l.page("/join"))).await.unwrap();
    fits(c, "the public sign-up page").await;
    accessible(c, &axe, "the public sign-up page").await;
    browser
        .click(Locator::Css(&format!("input[name=shift][value='{shift}']")))
        .await;
    browser.type_into(Locator::Id("name"), "Sam Okafor").await;
    browser
        .type_into(Locator::Id("phone"), "07700 900456")
        .await;
    browser
        .click(Locator::Css("#join button[type=submit]"))
        .await;
    let joined = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("joined"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(joined.contains("You have a place"), "{joined}");
    fits(c, "the page after signing up").await;

    browser
        .sign_in(&l.app.url("/login"), "ana@example.org", TEST_PASSWORD)
        .await;
    c.goto(&l.app.url(&l.page("/shifts"))).await.unwrap();
    fits(c, "the rota").await;
    browser
        .click(Locator::Css(&format!("#shift{shift} button[type=submit]")))
        .await;
    let body = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".alert.ok"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("You have a place on this shift"), "{body}");
    let shift_card = c
        .find(Locator::Id(&format!("shift{shift}")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(shift_card.contains("2 of 6 places taken"), "{shift_card}");
    fits(c, "the rota after signing up").await;
    accessible(c, &axe, "the rota").await;
    c.goto(&l.app.url("/north/pickets/calendar")).await.unwrap();
    accessible(c, &axe, "the member's calendar page").await;

    let rep = Browser::start().await;
    rep.client.set_window_size(390, 844).await.unwrap();
    rep.sign_in(&l.app.url("/login"), "rep@example.org", TEST_PASSWORD)
        .await;
    rep.client
        .goto(&l.app.url(&l.page(&format!("/shifts/{shift}"))))
        .await
        .unwrap();
    fits(&rep.client, "the day page").await;
    accessible(&rep.client, &axe, "the day page").await;
    rep.client
        .goto(&l.app.url(&l.page("/attendance")))
        .await
        .unwrap();
    accessible(&rep.client, &axe, "attendance").await;
    rep.close().await;
    browser.close().await;
}

#[tokio::test]
async fn organisers_move_and_resize_a_shift_on_a_phone() {
    let l = line().await;
    let shift = l.shift(0, weekday_after(13), 2, true).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.set_window_size(390, 844).await.unwrap();
    let axe = axe_source();
    browser
        .sign_in(&l.app.url("/login"), "org@example.org", TEST_PASSWORD)
        .await;
    c.goto(&l.app.url(&l.page("/shifts"))).await.unwrap();
    fits(c, "the organiser's rota").await;
    browser
        .click(Locator::Css(&format!("#shift{shift} a[href$='/change']")))
        .await;
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("change"))
        .await
        .unwrap();
    fits(c, "the change page").await;
    accessible(c, &axe, "the change page").await;
    let capacity = c.find(Locator::Id("capacity")).await.unwrap();
    capacity.clear().await.unwrap();
    capacity.send_keys("0").await.unwrap();
    browser
        .click(Locator::Css("#change button[type=submit]"))
        .await;
    let refused = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".alert.error"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(refused.contains("at least one person"), "{refused}");
    fits(c, "the change page with its message").await;
    let capacity = c.find(Locator::Id("capacity")).await.unwrap();
    capacity.clear().await.unwrap();
    capacity.send_keys("4").await.unwrap();
    browser
        .click(Locator::Css("#change button[type=submit]"))
        .await;
    let done = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".alert.ok"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        done.contains("Shift changed") && done.contains("4 places"),
        "{done}"
    );
    fits(c, "the rota after a change").await;
    browser.close().await;
}

/// On a laptop the public sign-up form lays each label beside its field: the choice of
/// shifts and the notes take rows of their own, so no label is pushed beside another's field.
#[tokio::test]
async fn the_public_sign_up_form_lines_up_on_a_laptop() {
    let l = line().await;
    l.shift(0, weekday_after(11), 6, true).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.set_window_size(1280, 900).await.unwrap();
    c.goto(&l.app.url(&l.page("/join"))).await.unwrap();
    let layout = c
        .execute(
            "const box = (s) => document.querySelector(s).getBoundingClientRect();
             const form = document.querySelector('#join');
             const pad = parseFloat(getComputedStyle(form).paddingLeft) + parseFloat(getComputedStyle(form).paddingRight);
             return {
               form: form.clientWidth - pad,
               shifts: box('#join fieldset').width,
               rows: ['name', 'email', 'phone'].map((id) =>
                 Math.abs(box(`label[for=${id}]`).top - box(`#${id}`).top) < box(`#${id}`).height
                   && box(`label[for=${id}]`).right <= box(`#${id}`).left),
               field: box('#name').left,
               button: box('#join button[type=submit]').left,
             };",
            vec![],
        )
        .await
        .unwrap();
    let form = layout["form"].as_f64().unwrap();
    let shifts = layout["shifts"].as_f64().unwrap();
    assert!(
        (form - shifts).abs() < 2.0,
        "the shifts take {shifts}px of the form's {form}px"
    );
    assert_eq!(
        layout["rows"],
        serde_json::json!([true, true, true]),
        "a label is not beside its field"
    );
    assert_eq!(
        layout["field"], layout["button"],
        "the button is not under the fields"
    );
    browser.close().await;
}
