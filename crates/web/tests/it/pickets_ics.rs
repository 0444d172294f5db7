//! Shift calendars read by Python's `icalendar`: the public feed lists the shifts open to
//! supporters as timed events in Europe/London (with the zone defined) and no people; a
//! member's own feed is at a secret address that stops working when they reset it.

use crate::pickets_fixture::{line, weekday_after};
use crate::support;
use picket_test_support::BodyText;

#[tokio::test]
async fn the_public_feed_holds_the_shifts_open_to_supporters_as_london_times() {
    let l = line().await;
    let day = weekday_after(21);
    let open = l.shift(0, day, 6, true).await;
    let closed = l.shift(1, day, 6, false).await;
    let ana = l.app.api(&l.app.api_token("ana@example.org").await);
    ana.post(
        &l.api(&format!("/shifts/{open}/signups")),
        &serde_json::json!({}),
    )
    .await;
    let r = reqwest::get(
        l.app
            .url(&format!("/north/disputes/{}/pickets.ics", l.dispute)),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let raw = r.bytes().await.unwrap();
    let text = String::from_utf8(raw.to_vec()).unwrap();
    assert!(text.contains("BEGIN:VTIMEZONE") && text.contains("TZID:Europe/London"));
    assert!(!text.contains("Ana Lopez"), "no people in a public feed");
    let cal = support::validate("ical.py", &raw);
    let events = cal["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{cal}");
    assert_eq!(
        events[0]["uid"].as_str().unwrap().split('@').next(),
        Some(format!("picket-shift-{open}").as_str())
    );
    assert!(
        events[0]["start"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{day}T08:00:00")),
        "{cal}"
    );
    assert!(events[0]["end"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{day}T12:30:00")));
    assert_eq!(events[0]["all_day"], false);
    assert!(events[0]["summary"]
        .as_str()
        .unwrap()
        .contains("Civic Centre (Front)"));
    let _ = closed;
}

#[tokio::test]
async fn a_members_own_feed_is_secret_and_resettable() {
    let l = line().await;
    let mine = l.shift(0, weekday_after(8), 6, false).await;
    let _other = l.shift(1, weekday_after(8), 6, false).await;
    let ana = l.signed_in("ana@example.org").await;
    l.form(
        &ana,
        &l.page("/shifts"),
        &l.page(&format!("/shifts/{mine}/signup")),
        &[],
    )
    .await;
    let page = ana
        .get(l.app.url("/north/pickets/calendar"))
        .body_text()
        .await;
    let address = |page: &str| {
        let at = page.find("/north/pickets/feeds/").unwrap();
        page[at..page[at..].find('<').unwrap() + at].to_string()
    };
    let old = address(&page);
    let r = reqwest::get(l.app.url(&old)).await.unwrap();
    assert_eq!(r.status(), 200);
    let cal = support::validate("ical.py", &r.bytes().await.unwrap());
    let events = cal["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "only her own shift: {cal}");
    assert!(events[0]["uid"]
        .as_str()
        .unwrap()
        .starts_with(&format!("picket-shift-{mine}@")));
    let guessed = old.replace(&old[old.len() - 8..old.len() - 4], "0000");
    assert_eq!(
        reqwest::get(l.app.url(&guessed)).await.unwrap().status(),
        404
    );

    let r = l
        .form(
            &ana,
            "/north/pickets/calendar",
            "/north/pickets/calendar",
            &[],
        )
        .await;
    let page = r.text().await.unwrap();
    assert!(page.contains("the old one no longer works"));
    let new = address(&page);
    assert_ne!(new, old);
    assert_eq!(reqwest::get(l.app.url(&old)).await.unwrap().status(), 404);
    assert_eq!(reqwest::get(l.app.url(&new)).await.unwrap().status(), 200);
    assert_eq!(l.audited("picket.feed.reset").await, 1);
}
