//! Picket lines on the pages: organisers add sites and shifts, and a form with bad input is
//! shown again with the message and what was typed; members take and give up a place with one
//! tap; supporters sign up on the public page; a place is cancelled by its emailed link (and
//! only with the right token); the rep marks presence and adds walk-ups on the day page.

use crate::pickets_fixture::{line, weekday_after};
use picket_test_support::BodyText;

#[tokio::test]
async fn organisers_add_sites_and_shifts_and_a_refused_form_keeps_what_was_typed() {
    let l = line().await;
    let org = l.signed_in("org@example.org").await;
    let sites = l.page("/sites");
    let bad = l
        .form(
            &org,
            &sites,
            &sites,
            &[
                ("name", "Depot"),
                ("entrances", "Gate\ngate"),
                ("notes", "Round the back"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(html.contains("named twice"), "{html}");
    assert!(html.contains(r#"value="Depot""#) && html.contains("Round the back"));
    let ok = l
        .form(
            &org,
            &sites,
            &sites,
            &[("name", "Depot"), ("entrances", "Gate")],
        )
        .await;
    assert_eq!(ok.status(), 303);
    assert!(org
        .get(l.app.url(&sites))
        .body_text()
        .await
        .contains(r#"value="Depot""#));

    let rota = l.page("/shifts");
    let day = weekday_after(25).to_string();
    let entrance = l.entrances[0].0.to_string();
    let fields = |starts: &'static str, ends: &'static str, capacity: &'static str| {
        vec![
            ("entrance", entrance.clone()),
            ("day", day.clone()),
            ("starts", starts.to_string()),
            ("ends", ends.to_string()),
            ("capacity", capacity.to_string()),
            ("notes", "Bring a flask".to_string()),
        ]
    };
    let send = |f: Vec<(&'static str, String)>| {
        let (org, l, rota) = (&org, &l, &rota);
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            l.form(org, rota, rota, &f).await
        }
    };
    let r = send(fields("12:30", "08:00", "")).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("before it starts"), "{html}");
    assert!(
        html.contains(r#"value="12:30""#) && html.contains(r#"value="08:00""#),
        "kept"
    );
    let r = send(fields("08:00", "12:30", "0")).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("at least one person"));
    let r = send(fields("08:00", "12:30", "")).await;
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let html = org.get(l.app.url(&to)).body_text().await;
    assert!(
        html.contains("Shift added: 08:00–12:30") && html.contains("0 of 6 places taken"),
        "{html}"
    );
    let r = send(fields("09:00", "10:00", "")).await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("overlaps another at the same entrance"));
    let shifts = l
        .app
        .store()
        .picket_shifts(l.branch.id, l.dispute, None, None)
        .await
        .unwrap();
    assert_eq!(shifts.len(), 1, "nothing half-stored");
}

#[tokio::test]
async fn members_sign_up_with_one_tap_and_cancel() {
    let l = line().await;
    let shift = l.shift(0, weekday_after(12), 6, false).await;
    let ana = l.signed_in("ana@example.org").await;
    let rota = l.page("/shifts");
    let tap = l.page(&format!("/shifts/{shift}/signup"));
    let r = l.form(&ana, &rota, &tap, &[]).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("You have a place on this shift"), "{html}");
    assert!(html.contains("1 of 6 places taken") && html.contains("Cancel my place"));
    let again = l.form(&ana, &rota, &tap, &[]).await.text().await.unwrap();
    assert!(
        again.contains("You are already signed up for this shift."),
        "{again}"
    );
    let r = l
        .form(&ana, &rota, &l.page(&format!("/shifts/{shift}/leave")), &[])
        .await;
    let html = r.text().await.unwrap();
    assert!(html.contains("Your place was cancelled") && html.contains("0 of 6 places taken"));
    assert_eq!(l.audited("picket.signup.cancel").await, 1);
    assert_eq!(
        l.audited("picket.signup").await,
        2,
        "the sign-up and the cancel; the refused tap stored nothing"
    );
}

#[tokio::test]
async fn supporters_sign_up_on_the_public_page_and_cancel_by_their_link() {
    let l = line().await;
    let shift = l.shift(0, weekday_after(9), 1, true).await;
    let visitor = l.app.client();
    let join = l.page("/join");
    let r = l
        .form(
            &visitor,
            &join,
            &join,
            &[
                ("shift", &shift.to_string()),
                ("name", "Sam Okafor"),
                ("email", ""),
                ("phone", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("phone number or an email address"), "{html}");
    assert!(html.contains(r#"value="Sam Okafor""#), "the name is kept");
    let r = l
        .form(
            &visitor,
            &join,
            &join,
            &[
                ("shift", &shift.to_string()),
                ("name", "Sam Okafor"),
                ("email", "sam@example.org"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("You have a place on this shift"));
    let r = l
        .form(
            &visitor,
            &join,
            &join,
            &[
                ("shift", &shift.to_string()),
                ("name", "Kim"),
                ("phone", "07700 900456"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("This shift is full"));

    let mail = l.mail_to("sam@example.org", "Picket").await;
    let link = mail
        .text
        .lines()
        .find(|line| line.contains("/cancel?token="))
        .unwrap()
        .trim()
        .to_string();
    let path = &link[link.find("/north/").unwrap()..];
    let wrong = format!("{}x", path);
    let r = visitor.get(l.app.url(&wrong)).send().await.unwrap();
    assert_eq!(r.status(), 404, "a wrong token finds nothing");
    let page = visitor.get(l.app.url(path)).body_text().await;
    assert!(page.contains("Cancel your picket place?") && page.contains("Civic Centre"));
    assert_eq!(
        l.app
            .store()
            .picket_shift(l.branch.id, l.dispute, shift)
            .await
            .unwrap()
            .taken,
        1,
        "opening the link changes nothing"
    );
    let action = path.split('?').next().unwrap();
    let token = path.split("token=").nth(1).unwrap();
    let r = l.form(&visitor, path, action, &[("token", token)]).await;
    assert!(r.text().await.unwrap().contains("Your place is cancelled"));
    assert_eq!(
        l.app
            .store()
            .picket_shift(l.branch.id, l.dispute, shift)
            .await
            .unwrap()
            .taken,
        0
    );
    // The link opened again says so, and offers nothing to press.
    let again = visitor.get(l.app.url(path)).body_text().await;
    assert!(again.contains("Already cancelled") && !again.contains("Cancel my place"));
    let r = l.form(&visitor, &join, action, &[("token", token)]).await;
    assert!(r.text().await.unwrap().contains("Already cancelled"));
}

#[tokio::test]
async fn the_rep_marks_presence_and_adds_walk_ups_on_the_day_page() {
    let l = line().await;
    let shift = l.shift(0, weekday_after(5), 6, false).await;
    let ana = l.signed_in("ana@example.org").await;
    l.form(
        &ana,
        &l.page("/shifts"),
        &l.page(&format!("/shifts/{shift}/signup")),
        &[],
    )
    .await;
    let day = l.page(&format!("/shifts/{shift}"));
    let r = ana.get(l.app.url(&day)).send().await.unwrap();
    assert_eq!(r.status(), 403, "members do not open the list");
    let rep = l.signed_in("rep@example.org").await;
    let html = rep.get(l.app.url(&day)).body_text().await;
    assert!(
        html.contains("Ana Lopez") && html.contains("tel:07700"),
        "{html}"
    );
    assert!(html.contains("<strong>0</strong> present"));
    let place = l
        .app
        .store()
        .shift_signups(l.branch.id, l.dispute, shift)
        .await
        .unwrap()[0]
        .id;
    let r = l
        .form(
            &rep,
            &day,
            &day,
            &[("action", "present"), ("place", &place.to_string())],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = l
        .form(&rep, &day, &day, &[("action", "walk_up"), ("name", "   ")])
        .await;
    assert_eq!(r.status(), 422);
    let r = l
        .form(
            &rep,
            &day,
            &day,
            &[("action", "walk_up"), ("name", "Jo Walker")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = rep.get(l.app.url(&day)).body_text().await;
    assert!(
        html.contains("<strong>2</strong> present") && html.contains("Jo Walker"),
        "{html}"
    );
    let att = rep.get(l.app.url(&l.page("/attendance"))).body_text().await;
    assert!(att.contains("Civic Centre"));
    assert!(
        l.audited("picket.signups.view").await >= 3,
        "each view of the list is audited"
    );
    assert_eq!(l.audited("picket.present").await, 1);
    assert_eq!(l.audited("picket.walk_up").await, 1);
}
