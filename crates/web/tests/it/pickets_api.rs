//! Picket lines over the API: sites and shifts (one, and every strike day of a period) with
//! the bad input of the issue refused by field and nothing half-stored; members' sign-ups with
//! the waiting list moving up on a cancel (and the person moved up emailed); supporters' public
//! sign-ups with their refusal codes, rate limit and size limit; the rep's list (audited),
//! presence and walk-ups; attendance; supervisor warnings naming the provision.

use crate::pickets_fixture::{line, line_with, weekday_after};
use chrono::{Datelike, Duration, Weekday};
use picket_domain::disputes::ActionKind;
use picket_store::disputes::NewActionPeriod;
use serde_json::json;

#[tokio::test]
async fn organisers_add_sites_and_shifts_and_bad_input_is_refused_by_field() {
    let l = line().await;
    let org = l.app.api(&l.app.api_token("org@example.org").await);
    let ana = l.app.api(&l.app.api_token("ana@example.org").await);

    let (s, site) = org
        .post(
            &l.api("/sites"),
            &json!({"name": "Depot", "entrances": "Gate A\nGate B"}),
        )
        .await;
    assert_eq!(s, 201, "{site}");
    assert_eq!(site["entrances"].as_array().unwrap().len(), 2);
    let (s, e) = org
        .post(
            &l.api("/sites"),
            &json!({"name": "Depot 2", "entrances": "Gate\ngate"}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (422, Some("entrances")),
        "{e}"
    );
    let (s, _) = ana.post(&l.api("/sites"), &json!({"name": "X"})).await;
    assert_eq!(s, 403, "members do not add sites");

    let day = weekday_after(40).to_string();
    let entrance = l.entrances[0].0;
    let shift = |starts: &str, ends: &str, capacity: serde_json::Value| json!({"entrance": entrance, "day": day, "starts": starts, "ends": ends, "capacity": capacity});
    // Ends before it starts.
    let (s, e) = org
        .post(&l.api("/shifts"), &shift("12:30", "08:00", json!(null)))
        .await;
    assert_eq!(s, 422);
    assert_eq!(e["error"]["field"], "ends");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("before it starts"),
        "{e}"
    );
    // A capacity of 0.
    let (s, e) = org
        .post(&l.api("/shifts"), &shift("08:00", "12:30", json!(0)))
        .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (422, Some("capacity")),
        "{e}"
    );
    // The capacity defaults to the guide number.
    let (s, added) = org
        .post(&l.api("/shifts"), &shift("08:00", "12:30", json!(null)))
        .await;
    assert_eq!(s, 201, "{added}");
    assert_eq!(added["warnings"], json!([]));
    let (_, list) = ana.get(&l.api("/shifts")).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(
        list[0]["capacity"], 6,
        "the law engine's guide of six per entrance"
    );
    // An overlapping shift at the same entrance is refused; at the other entrance it is not.
    let (s, e) = org
        .post(&l.api("/shifts"), &shift("10:00", "14:00", json!(null)))
        .await;
    assert_eq!(s, 422);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("overlaps"),
        "{e}"
    );
    let other = json!({"entrance": l.entrances[1].0, "day": day, "starts": "10:00", "ends": "14:00", "capacity": 10});
    let (s, added) = org.post(&l.api("/shifts"), &other).await;
    assert_eq!(s, 201);
    assert!(
        added["warnings"][0]
            .as_str()
            .unwrap()
            .contains("guide of 6 pickets per entrance"),
        "more than the guide is allowed, with the law engine's warning: {added}"
    );
    let (_, list) = ana.get(&l.api("/shifts")).await;
    assert_eq!(list.as_array().unwrap().len(), 2, "nothing half-stored");
}

#[tokio::test]
async fn a_period_is_planned_on_its_strike_days_all_or_nothing() {
    let l = line().await;
    let org = l.app.api(&l.app.api_token("org@example.org").await);
    // Thursday to the Tuesday after: the weekend is not strike days.
    let mut thursday = weekday_after(60);
    while thursday.weekday() != Weekday::Thu {
        thursday += Duration::days(1);
    }
    let store = l.app.store();
    let period = picket_test_support::in_unit!(store, |w| w.create_action_period(
        l.branch.id,
        l.dispute,
        &NewActionPeriod {
            ballot_id: None,
            kind: ActionKind::Strike,
            starts: thursday,
            ends: thursday + Duration::days(5),
            teams: "All".into(),
            called_out: Some(picket_domain::bargaining::HandFigure::new(
                40,
                "members not yet imported"
            )),
            notice_received: None,
            holidays_as_strike: Vec::new(),
        },
    ))
    .unwrap();
    let entrances = [l.entrances[0].0, l.entrances[1].0];
    let body = json!({"period": period.id, "entrances": entrances, "starts": "08:00", "ends": "12:30", "open_to_supporters": true});
    let (s, added) = org.post(&l.api("/plan"), &body).await;
    assert_eq!(s, 201, "{added}");
    let skipped = added["skipped"].as_array().unwrap();
    assert!(
        skipped
            .iter()
            .any(|d| d.as_str().unwrap().contains("Saturday")),
        "{added}"
    );
    let weekdays = (0..6)
        .map(|i| thursday + Duration::days(i))
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .count();
    let made = added["ids"].as_array().unwrap().len();
    assert_eq!(
        made + skipped.len() * 2,
        12,
        "each day of six, at two entrances"
    );
    assert!(made <= weekdays * 2 && made >= 2, "{added}");
    // Planning again overlaps every shift: refused, and nothing more is stored.
    let (s, e) = org.post(&l.api("/plan"), &body).await;
    assert_eq!(s, 422, "{e}");
    let (_, list) = org.get(&l.api("/shifts")).await;
    assert_eq!(list.as_array().unwrap().len(), made);
    let (s, e) = org
        .post(
            &l.api("/plan"),
            &json!({"period": period.id, "entrances": [], "starts": "13:00", "ends": "14:00"}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (422, Some("entrance")),
        "{e}"
    );
}

#[tokio::test]
async fn members_take_places_the_waiting_list_moves_up_and_refusals_carry_their_codes() {
    let l = line().await;
    let day = weekday_after(30);
    let shift = l.shift(0, day, 1, false).await;
    let ana = l.app.api(&l.app.api_token("ana@example.org").await);
    let ben = l.app.api(&l.app.api_token("ben@example.org").await);
    let org = l.app.api(&l.app.api_token("org@example.org").await);
    let signups = l.api(&format!("/shifts/{shift}/signups"));

    let (s, a) = ana.post(&signups, &json!({})).await;
    assert_eq!((s, a["place"].as_str()), (201, Some("taken")), "{a}");
    let (s, e) = ana.post(&signups, &json!({})).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("already_signed_up"))
    );
    let (s, e) = ben.post(&signups, &json!({})).await;
    assert_eq!((s, e["error"]["code"].as_str()), (409, Some("shift_full")));
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("waiting list"));
    let (s, b) = ben.post(&signups, &json!({"waiting_list": true})).await;
    assert_eq!((s, b["place"].as_str()), (201, Some("waiting")), "{b}");
    let (s, e) = org.post(&signups, &json!({})).await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (422, Some("member")),
        "a login with no member record is told so: {e}"
    );
    // Supporters may not join a members-only shift.
    let (s, e) = l
        .app
        .public_api()
        .post(
            &l.api(&format!("/shifts/{shift}/supporters")),
            &json!({"name": "Sam", "email": "sam@example.org"}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("members_only"))
    );

    let (s, _) = ana
        .call(
            reqwest::Method::DELETE,
            &format!("{signups}/mine"),
            &serde_json::Value::Null,
        )
        .await;
    assert_eq!(s, 204);
    let (_, list) = ana.get(&l.api("/shifts")).await;
    assert_eq!(
        (list[0]["taken"].as_u64(), list[0]["waiting"].as_u64()),
        (Some(1), Some(0))
    );
    let promoted = l.mail_to("ben@example.org", "You have a place").await;
    assert!(
        promoted.text.contains("/north/pickets/places/"),
        "with a cancel link"
    );
    let (s, e) = ana
        .call(
            reqwest::Method::DELETE,
            &format!("{signups}/mine"),
            &serde_json::Value::Null,
        )
        .await;
    assert_eq!((s, e["error"]["code"].as_str()), (409, Some("conflict")));

    // A shift that has started, and a cancelled one.
    let past = l.shift(1, weekday_after(-20), 6, true).await;
    let (s, e) = ana
        .post(&l.api(&format!("/shifts/{past}/signups")), &json!({}))
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("shift_started"))
    );
    let (s, told) = org
        .post(&l.api(&format!("/shifts/{shift}/cancellation")), &json!({}))
        .await;
    assert_eq!((s, told["emailed"].as_u64()), (200, Some(1)), "{told}");
    let (s, e) = ana.post(&signups, &json!({})).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("shift_cancelled"))
    );
}

#[tokio::test]
async fn supporters_sign_up_by_name_and_contact_within_the_limits() {
    let l = line_with(|s| s.pickets.signups_per_ip_per_hour = 3).await;
    let shift = l.shift(0, weekday_after(20), 6, true).await;
    let public = l.app.public_api();
    let path = l.api(&format!("/shifts/{shift}/supporters"));

    let (s, e) = public.post(&path, &json!({"name": "Sam"})).await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (422, Some("email")),
        "{e}"
    );
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("phone number or an email address"));
    let (s, e) = public
        .post(&path, &json!({"email": "sam@example.org"}))
        .await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("name")));
    let (s, ok) = public
        .post(
            &path,
            &json!({"name": "Sam Okafor", "email": "sam@example.org"}),
        )
        .await;
    assert_eq!((s, ok["place"].as_str()), (201, Some("taken")), "{ok}");
    let (s, e) = public
        .post(
            &path,
            &json!({"name": "Sam again", "email": "SAM@example.org"}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("already_signed_up"))
    );
    let (s, _) = public
        .post(&path, &json!({"name": "Kim", "phone": "07700 900456"}))
        .await;
    assert_eq!(s, 201);
    let (s, e) = public
        .post(&path, &json!({"name": "Lee", "phone": "07700 900789"}))
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (429, Some("rate_limited")),
        "{e}"
    );

    let big = "x".repeat(20_000);
    let response = reqwest::Client::new()
        .post(l.app.url(&path))
        .header("content-type", "application/json")
        .body(format!("{{\"name\":\"{big}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);

    // The confirmation carries a cancel link; the public list never shows names.
    let mail = l.mail_to("sam@example.org", "Picket").await;
    assert!(mail.text.contains("/north/pickets/places/") && mail.text.contains("token="));
    let page = reqwest::get(l.app.url(&l.page("/join")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Civic Centre") && !page.contains("Sam Okafor") && !page.contains("Kim"));
}

#[tokio::test]
async fn reps_see_the_list_mark_presence_add_walk_ups_and_read_attendance() {
    let l = line().await;
    let shift = l.shift(0, weekday_after(10), 6, false).await;
    let ana = l.app.api(&l.app.api_token("ana@example.org").await);
    let rep = l.app.api(&l.app.api_token("rep@example.org").await);
    let (_, place) = ana
        .post(&l.api(&format!("/shifts/{shift}/signups")), &json!({}))
        .await;
    let (s, _) = ana.get(&l.api(&format!("/shifts/{shift}/signups"))).await;
    assert_eq!(s, 403, "members do not read the list");
    let (s, list) = rep.get(&l.api(&format!("/shifts/{shift}/signups"))).await;
    assert_eq!(s, 200);
    assert_eq!(list[0]["name"], "Ana Lopez");
    assert_eq!(list[0]["present"], false);
    assert_eq!(
        l.audited("picket.signups.view").await,
        1,
        "reading the list is audited"
    );

    let (s, _) = rep
        .call(
            reqwest::Method::PUT,
            &l.api(&format!("/places/{}/presence", place["id"])),
            &json!({"present": true}),
        )
        .await;
    assert_eq!(s, 204);
    let (s, e) = rep
        .post(
            &l.api(&format!("/shifts/{shift}/walk-ups")),
            &json!({"name": " "}),
        )
        .await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("name")));
    let (s, _) = rep
        .post(
            &l.api(&format!("/shifts/{shift}/walk-ups")),
            &json!({"name": "Jo"}),
        )
        .await;
    assert_eq!(s, 201);
    let (_, att) = rep.get(&l.api("/attendance")).await;
    assert_eq!(att[0]["signed_up"], 1);
    assert_eq!(att[0]["present"], 1);
    assert_eq!(att[0]["walk_ups"], 1);
    assert_eq!(att[0]["site"], "Civic Centre");
}

#[tokio::test]
async fn shifts_with_no_supervisor_are_warned_about_only_where_the_law_requires_one() {
    let l = line().await;
    // 12 May 2025: before the repeal of s.220A for picketing (18 Feb 2026).
    let before = l.shift(0, "2025-05-12".parse().unwrap(), 6, false).await;
    let after = l.shift(0, weekday_after(15), 6, false).await;
    let org = l.app.api(&l.app.api_token("org@example.org").await);
    let (s, w) = org.get(&l.api("/warnings")).await;
    assert_eq!(s, 200);
    let w = w.as_array().unwrap();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0]["shift_id"].as_i64(), Some(before.0));
    assert!(w[0]["provision"].as_str().unwrap().contains("s.220A"));
    assert!(w[0]["message"].as_str().unwrap().contains("12 May 2025"));
    let _ = after;

    let (s, e) = org
        .call(
            reqwest::Method::PUT,
            &l.api(&format!("/shifts/{before}/supervisor")),
            &json!({"member_id": 999_999}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (422, Some("supervisor")),
        "{e}"
    );
    let (s, _) = org
        .call(
            reqwest::Method::PUT,
            &l.api(&format!("/shifts/{before}/supervisor")),
            &json!({"member_id": l.ana.0}),
        )
        .await;
    assert_eq!(s, 204);
    let (_, w) = org.get(&l.api("/warnings")).await;
    assert_eq!(w, json!([]));

    let client = l.signed_in("org@example.org").await;
    let letter = client
        .get(l.app.url(&l.page(&format!("/shifts/{before}/letter"))))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for part in [
        "Ana Lopez",
        "Civic Centre, 1 High St",
        "12 May 2025",
        "s.220A",
        "Northfield Council",
        "Safe caseloads",
    ] {
        assert!(letter.contains(part), "the letter names {part}");
    }
}
