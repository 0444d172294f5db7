//! Changing picket shifts after people signed up: the add-shift form goes back to the rota
//! with a sentence; a shift moved on its change page (or over the API) is refused like a new
//! one and emails everyone on it; a cancelled shift emails them too; a raised capacity moves
//! the waiting list up (emailed) and a capacity below the places taken is refused; nothing
//! is half-stored.

use crate::pickets_fixture::{line, weekday_after};
use picket_test_support::BodyText;
use reqwest::Method;
use serde_json::json;

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_string()
}

/// Every email ever queued (waiting, sent or given up).
async fn queued(l: &crate::pickets_fixture::Line) -> u64 {
    let c = l.app.store().outbox_counts().await.unwrap();
    c.pending + c.sent + c.failed
}

#[tokio::test]
async fn the_add_shift_form_goes_back_to_the_rota_and_refuses_a_day_past() {
    let l = line().await;
    let org = l.signed_in("org@example.org").await;
    let rota = l.page("/shifts");
    let day = weekday_after(30).to_string();
    let entrance = l.entrances[1].0.to_string();
    let add = |day: String| {
        let (org, l, rota, entrance) = (&org, &l, &rota, &entrance);
        async move {
            let f = [
                ("entrance", entrance.as_str()),
                ("day", day.as_str()),
                ("starts", "08:00"),
                ("ends", "12:30"),
                ("capacity", "4"),
            ];
            l.form(org, rota, rota, &f).await
        }
    };
    let past = weekday_after(-3).to_string();
    let r = add(past.clone()).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("is already past"), "{html}");
    assert!(
        html.contains(&format!(r#"value="{past}""#)),
        "what was typed is kept"
    );

    let r = add(day).await;
    assert_eq!(r.status(), 303, "success goes back to the rota");
    let to = location(&r);
    assert!(to.starts_with(&format!("{rota}?added=")), "{to}");
    let html = org.get(l.app.url(&to)).body_text().await;
    assert!(
        html.contains("Shift added: 08:00–12:30 on")
            && html.contains("at Civic Centre (Car park), 4 places."),
        "{html}"
    );
    // A refreshed rota does not add it again.
    let shifts = l
        .app
        .store()
        .picket_shifts(l.branch.id, l.dispute, None, None)
        .await
        .unwrap();
    assert_eq!(shifts.len(), 1);
}

#[tokio::test]
async fn a_shift_moved_on_its_page_is_checked_like_a_new_one_and_emails_everyone_on_it() {
    let l = line().await;
    let day = weekday_after(20);
    let shift = l.shift(0, day, 1, true).await;
    let other = l.shift(1, day, 6, true).await;
    let ana = l.signed_in("ana@example.org").await;
    let ben = l.signed_in("ben@example.org").await;
    let rota = l.page("/shifts");
    let tap = l.page(&format!("/shifts/{shift}/signup"));
    l.form(&ana, &rota, &tap, &[]).await;
    l.form(&ben, &rota, &tap, &[("waiting_list", "on")]).await;

    let org = l.signed_in("org@example.org").await;
    let rota_html = org.get(l.app.url(&rota)).body_text().await;
    let change = l.page(&format!("/shifts/{shift}/change"));
    assert!(
        rota_html.contains(&format!(r#"href="{change}""#)),
        "the rota links the page"
    );
    let page = org.get(l.app.url(&change)).body_text().await;
    assert!(page.contains("Change this shift") && page.contains(r#"value="08:00""#));
    let r = ana.get(l.app.url(&change)).send().await.unwrap();
    assert_eq!(r.status(), 403, "members do not change shifts");

    let new_day = weekday_after(27).to_string();
    let car_park = l.entrances[1].0.to_string();
    let front = l.entrances[0].0.to_string();
    let send = |entrance: &str, day: &str, starts: &str, ends: &str, capacity: &str| {
        let f = [
            ("entrance", entrance.to_string()),
            ("day", day.to_string()),
            ("starts", starts.to_string()),
            ("ends", ends.to_string()),
            ("capacity", capacity.to_string()),
        ];
        let (org, l, change) = (&org, &l, &change);
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            l.form(org, change, change, &f).await
        }
    };
    let before = queued(&l).await;
    // Ends before it starts; onto the other shift at the car park; in the past.
    let r = send(&front, &new_day, "12:00", "09:00", "1").await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("before it starts"), "{html}");
    assert!(
        html.contains(r#"value="12:00""#) && html.contains(&format!(r#"value="{new_day}""#)),
        "what was typed is kept"
    );
    let r = send(&car_park, &day.to_string(), "09:00", "10:00", "1").await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("overlaps another"));
    let r = send(
        &front,
        &weekday_after(-2).to_string(),
        "09:00",
        "10:00",
        "1",
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("is already past"));
    // A move and a capacity below the places taken together: neither is stored.
    let r = send(&car_park, &new_day, "14:00", "16:00", "0").await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("at least one person"));
    let stored = l
        .app
        .store()
        .picket_shift(l.branch.id, l.dispute, shift)
        .await
        .unwrap();
    assert_eq!(
        (stored.times.day, stored.entrance_id),
        (day, l.entrances[0])
    );
    assert_eq!(
        queued(&l).await,
        before,
        "no email queued by a refused change"
    );
    assert_eq!(
        l.audited("picket.shift.move").await,
        0,
        "nothing half-stored"
    );

    let r = send(&car_park, &new_day, "14:00", "16:00", "1").await;
    assert_eq!(r.status(), 303);
    let to = location(&r);
    let html = org.get(l.app.url(&to)).body_text().await;
    assert!(
        html.contains("Shift changed: it is now 14:00–16:00 on")
            && html.contains("2 people signed up were emailed about the move."),
        "{html}"
    );
    let moved = l
        .app
        .store()
        .picket_shift(l.branch.id, l.dispute, shift)
        .await
        .unwrap();
    assert_eq!(moved.entrance_id, l.entrances[1]);
    assert_eq!(moved.times.day.to_string(), new_day);
    for to in ["ana@example.org", "ben@example.org"] {
        let mail = l.mail_to(to, "Picket shift moved to 14:00–16:00").await;
        assert!(
            mail.text.contains("Now: 14:00–16:00") && mail.text.contains("(Car park)"),
            "{}",
            mail.text
        );
        assert!(mail.text.contains("Was: 08:00–12:30") && mail.text.contains("(Front)"));
        assert!(mail.text.contains("/cancel?token="), "with a cancel link");
    }
    assert_eq!(l.audited("picket.shift.move").await, 1);

    // Cancelling the other shift emails the supporter on it.
    let visitor = l.app.client();
    let join = l.page("/join");
    l.form(
        &visitor,
        &join,
        &join,
        &[
            ("shift", &other.to_string()),
            ("name", "Sam Okafor"),
            ("email", "sam@example.org"),
        ],
    )
    .await;
    let cancel = l.page(&format!("/shifts/{other}/cancel"));
    let r = l.form(&org, &rota, &cancel, &[]).await;
    assert!(r.text().await.unwrap().contains("1 person was emailed"));
    let mail = l.mail_to("sam@example.org", "Picket shift cancelled").await;
    assert!(mail.text.contains("has been cancelled"), "{}", mail.text);
    let r = org
        .get(l.app.url(&l.page(&format!("/shifts/{other}/change"))))
        .body_text()
        .await;
    assert!(r.contains("cannot be changed") && !r.contains("Save the changes"));
}

#[tokio::test]
async fn a_raised_capacity_moves_the_waiting_list_up_and_a_lower_one_is_refused() {
    let l = line().await;
    let shift = l.shift(0, weekday_after(15), 1, true).await;
    let rota = l.page("/shifts");
    let tap = l.page(&format!("/shifts/{shift}/signup"));
    let ana = l.signed_in("ana@example.org").await;
    let ben = l.signed_in("ben@example.org").await;
    l.form(&ana, &rota, &tap, &[]).await;
    l.form(&ben, &rota, &tap, &[("waiting_list", "on")]).await;
    let public = l.app.public_api();
    for (name, email) in [
        ("Sam Okafor", "sam@example.org"),
        ("Kim Lee", "kim@example.org"),
    ] {
        let (s, body) = public
            .post(
                &l.api(&format!("/shifts/{shift}/supporters")),
                &json!({"name": name, "email": email, "waiting_list": true}),
            )
            .await;
        assert_eq!(
            (s, body["place"].as_str()),
            (201, Some("waiting")),
            "{body}"
        );
    }
    let org = l.app.api(&l.app.api_token("org@example.org").await);
    let path = l.api(&format!("/shifts/{shift}/capacity"));
    let (s, e) = org.call(Method::PUT, &path, &json!({"capacity": 0})).await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (422, Some("capacity")),
        "{e}"
    );
    let members = l.app.api(&l.app.api_token("ana@example.org").await);
    let (s, _) = members
        .call(Method::PUT, &path, &json!({"capacity": 5}))
        .await;
    assert_eq!(s, 403, "members do not change capacity");

    // On the page: two places, so Ben (first waiting) moves up.
    let org_page = l.signed_in("org@example.org").await;
    let change = l.page(&format!("/shifts/{shift}/change"));
    let stored = l
        .app
        .store()
        .picket_shift(l.branch.id, l.dispute, shift)
        .await
        .unwrap();
    let (day, entrance) = (stored.times.day.to_string(), l.entrances[0].0.to_string());
    let r = l
        .form(
            &org_page,
            &change,
            &change,
            &[
                ("entrance", entrance.as_str()),
                ("day", day.as_str()),
                ("starts", "08:00"),
                ("ends", "12:30"),
                ("capacity", "2"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = org_page.get(l.app.url(&location(&r))).body_text().await;
    assert!(
        html.contains("1 person moved up from the waiting list and was emailed."),
        "{html}"
    );
    let mail = l
        .mail_to("ben@example.org", "You have a place on the picket")
        .await;
    assert!(mail.text.contains("/cancel?token="));

    // Below the two places taken: refused on the page with the number, and over the API.
    let r = l
        .form(
            &org_page,
            &change,
            &change,
            &[
                ("entrance", entrance.as_str()),
                ("day", day.as_str()),
                ("starts", "08:00"),
                ("ends", "12:30"),
                ("capacity", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("2 people already have a place on this shift")
            && html.contains(r#"value="1""#),
        "{html}"
    );
    let (s, e) = org.call(Method::PUT, &path, &json!({"capacity": 1})).await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (422, Some("capacity")),
        "{e}"
    );

    // Over the API: five places, so both supporters move up, in the order they joined.
    let (s, done) = org.call(Method::PUT, &path, &json!({"capacity": 5})).await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(
        (done["moved_up"].as_u64(), done["moved"].as_bool()),
        (Some(2), Some(false))
    );
    let stored = l
        .app
        .store()
        .picket_shift(l.branch.id, l.dispute, shift)
        .await
        .unwrap();
    assert_eq!((stored.capacity, stored.taken, stored.waiting), (5, 4, 0));
    for to in ["sam@example.org", "kim@example.org"] {
        l.mail_to(to, "You have a place on the picket").await;
    }
    assert_eq!(l.audited("picket.shift.capacity").await, 2);

    // The API's move takes another entrance too, and answers with the people emailed.
    let (s, moved) = org
        .call(
            Method::PUT,
            &l.api(&format!("/shifts/{shift}/times")),
            &json!({"day": day, "starts": "07:00", "ends": "09:00", "entrance": l.entrances[1].0}),
        )
        .await;
    assert_eq!((s, moved["emailed"].as_u64()), (200, Some(4)), "{moved}");
    let (s, e) = org
        .call(
            Method::PUT,
            &l.api(&format!("/shifts/{shift}/times")),
            &json!({"day": weekday_after(-1).to_string(), "starts": "07:00", "ends": "09:00"}),
        )
        .await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("day")), "{e}");
}
