//! The solidarity wall over HTTP: posting with its defences, moderation, the public view, the
//! API, and that nothing a poster types runs as HTML or leaks their email.

use picket_domain::Role;
use picket_store::wall::{WallFilter, WallStatus};
use picket_store::PageRequest;
use picket_test_support::{extract_csrf, BodyText, TestApp};
use std::time::Duration;

pub(crate) async fn app() -> TestApp {
    TestApp::spawn_with(|s| {
        s.wall.min_fill_secs = 0;
        s.wall.posts_per_ip_per_hour = 5;
    })
    .await
}

/// Moderates message `id` through the API as the holder of `token`; the answer's status.
pub(crate) async fn moderate(
    app: &TestApp,
    token: &str,
    id: impl std::fmt::Display,
    action: &str,
) -> u16 {
    let path = format!("/api/v1/branches/northfield/wall/{id}/moderation");
    let body = serde_json::json!({ "action": action });
    app.api(token).post(&path, &body).await.0
}

pub(crate) async fn post_form(
    app: &TestApp,
    client: &reqwest::Client,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let page = client.get(app.url("/northfield/wall")).body_text().await;
    let stamp = field_value(&page, "stamp");
    let mut form = vec![("stamp", stamp.as_str())];
    form.extend_from_slice(fields);
    client
        .post(app.url("/northfield/wall"))
        .form(&form)
        .send()
        .await
        .unwrap()
}

pub(crate) fn field_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} field"))
        + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

#[tokio::test]
async fn a_post_waits_for_a_moderator_then_shows_and_the_poster_is_emailed() {
    let app = app().await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "org@example.org", Role::Organiser).await;
    let public = app.client();
    let posted = post_form(
        &app,
        &public,
        &[
            ("name", "Riverside Branch"),
            ("kind", "union-body"),
            ("message", "Solidarity from Riverside!\nWe are with you."),
            ("email", "sec@riverside.example"),
        ],
    )
    .await;
    assert_eq!(posted.status(), 303);
    assert_eq!(
        posted.headers()["location"],
        "/northfield/wall?posted=1#form"
    );
    let wall = public.get(app.url("/northfield/wall")).body_text().await;
    assert!(
        !wall.contains("Solidarity from Riverside"),
        "not shown before approval"
    );

    let org = app.client();
    app.login(&org, "org@example.org").await;
    let queue = org
        .get(app.url("/northfield/wall/moderate"))
        .body_text()
        .await;
    assert!(queue.contains("Solidarity from Riverside"));
    let id = app
        .store()
        .wall_messages(branch.id, WallFilter::default(), PageRequest::default())
        .await
        .unwrap()
        .items[0]
        .id;
    let token = extract_csrf(&queue).unwrap();
    let approved = org
        .post(app.url(&format!("/northfield/wall/{id}/moderate")))
        .form(&[("csrf_token", token.as_str()), ("action", "approve")])
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), 303);

    let wall = public.get(app.url("/northfield/wall")).body_text().await;
    assert!(wall.contains("Solidarity from Riverside!") && wall.contains("Riverside Branch"));
    assert!(
        !wall.contains("sec@riverside.example"),
        "the email is never public"
    );
    let permalink = public
        .get(app.url(&format!("/northfield/wall/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(permalink.status(), 200);
    let sent = app.mailer.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(sent[0].to, "sec@riverside.example");
    assert!(sent[0].text.contains(&format!("/northfield/wall/{id}")));

    // Taken down and approved again: each decision is audited, the poster is emailed once.
    let token = app.api_token("org@example.org").await;
    assert_eq!(moderate(&app, &token, id, "reject").await, 200);
    assert_eq!(moderate(&app, &token, id, "approve").await, 200);
    let decisions: Vec<String> = app
        .store()
        .audit_entries(Some(branch.id), PageRequest::new(1, 100))
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|e| e.subject.as_deref() == Some(&format!("wall:{id}")))
        .map(|e| e.action)
        .collect();
    assert_eq!(decisions, ["wall.approve", "wall.reject", "wall.approve"]);
    let outbox = app.store().outbox_counts().await.unwrap();
    assert_eq!(
        outbox.sent + outbox.pending + outbox.failed,
        1,
        "one email for the post"
    );
}

#[tokio::test]
async fn bad_posts_are_explained_and_keep_what_was_typed() {
    let app = app().await;
    app.branch("northfield").await;
    let client = app.client();
    let long = "x".repeat(3001);
    let r = post_form(
        &app,
        &client,
        &[
            ("name", "Ana"),
            ("kind", "resident"),
            ("message", long.as_str()),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("The message is 3001 characters; the most is 3000"),
        "names the fix"
    );
    assert!(html.contains("value=\"Ana\""), "the name typed is kept");

    let r = post_form(
        &app,
        &client,
        &[
            ("name", "Ana"),
            ("kind", "resident"),
            ("message", "Hi"),
            ("pledge", "banner"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("your email and your consent"));
}

#[tokio::test]
async fn robots_duplicates_and_floods_are_stopped() {
    let app = app().await;
    let branch = app.branch("northfield").await;
    let client = app.client();
    let robot = post_form(
        &app,
        &client,
        &[
            ("name", "Bot"),
            ("kind", "other"),
            ("message", "cheap pills"),
            ("website", "http://spam.example"),
        ],
    )
    .await;
    assert_eq!(robot.status(), 303, "a robot is not told it was caught");
    let spam = WallFilter {
        status: Some(WallStatus::Spam),
        kind: None,
    };
    assert_eq!(
        app.store()
            .wall_messages(branch.id, spam, PageRequest::default())
            .await
            .unwrap()
            .total,
        1
    );

    let first = post_form(
        &app,
        &client,
        &[
            ("name", "Ana"),
            ("kind", "resident"),
            ("message", "We back you all the way"),
        ],
    )
    .await;
    assert_eq!(first.status(), 303);
    let again = post_form(
        &app,
        &client,
        &[
            ("name", "Ana"),
            ("kind", "resident"),
            ("message", "we back you, all the way!"),
        ],
    )
    .await;
    assert_eq!(again.status(), 409);
    assert!(again.text().await.unwrap().contains("already received"));

    for i in 0..3 {
        let m = format!("Message number {i}");
        assert_eq!(
            post_form(
                &app,
                &client,
                &[
                    ("name", "Ana"),
                    ("kind", "resident"),
                    ("message", m.as_str())
                ]
            )
            .await
            .status(),
            303
        );
    }
    // Five posts stored from this address in the hour (the spam one counts too): the next waits.
    let flood = post_form(
        &app,
        &client,
        &[
            ("name", "Ana"),
            ("kind", "resident"),
            ("message", "One more"),
        ],
    )
    .await;
    assert_eq!(flood.status(), 429);
    assert!(flood.text().await.unwrap().contains("in the last hour"));
}

#[tokio::test]
async fn what_posters_type_is_shown_as_text() {
    let app = app().await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "org@example.org", Role::Organiser).await;
    let client = app.client();
    let payload = "<script>alert('x')</script><img src=x onerror=alert(1)>";
    assert_eq!(
        post_form(
            &app,
            &client,
            &[
                ("name", "<b>Eve</b>"),
                ("kind", "other"),
                ("message", payload)
            ]
        )
        .await
        .status(),
        303
    );
    let id = app
        .store()
        .wall_messages(branch.id, WallFilter::default(), PageRequest::default())
        .await
        .unwrap()
        .items[0]
        .id;
    let token = app.api_token("org@example.org").await;
    assert_eq!(moderate(&app, &token, id, "approve").await, 200);
    let html = client.get(app.url("/northfield/wall")).body_text().await;
    assert!(
        !html.contains("<script>alert") && !html.contains("<img src=x"),
        "markup is escaped"
    );
    assert!(
        html.contains("&#60;script&#62;alert(&#39;x&#39;)")
            && html.contains("&#60;b&#62;Eve&#60;/b&#62;"),
        "{html}"
    );
}

#[tokio::test]
async fn the_wall_api_posts_lists_and_moderates_with_the_same_rules() {
    let app = app().await;
    let north = app.branch("northfield").await;
    let south = app.branch("southgate").await;
    app.user(&north, "org@example.org", Role::Organiser).await;
    app.user(&north, "mem@example.org", Role::Member).await;
    app.user(&south, "other@example.org", Role::Organiser).await;
    let http = reqwest::Client::new();

    let public = app.public_api();
    let (status, body) = public
        .post(
            "/api/v1/branches/northfield/wall",
            &serde_json::json!({"name": "Cllr Jo Bright", "kind": "politician", "message": "Proud to support you.", "email": "jo@council.example"}),
        )
        .await;
    assert_eq!(status, 202);
    assert_eq!(body["status"], "pending");
    let id = body["id"].as_i64().unwrap();

    let (status, err) = public
        .post(
            "/api/v1/branches/northfield/wall",
            &serde_json::json!({"name": "X", "kind": "troll", "message": "hi"}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        (
            err["error"]["code"].as_str(),
            err["error"]["field"].as_str()
        ),
        (Some("validation"), Some("kind"))
    );

    let member = app.api_token("mem@example.org").await;
    assert_eq!(moderate(&app, &member, id, "approve").await, 403);
    let other = app.api_token("other@example.org").await;
    assert_eq!(moderate(&app, &other, id, "approve").await, 404);
    let org = app.api_token("org@example.org").await;
    assert_eq!(moderate(&app, &org, id, "sing").await, 422);
    assert_eq!(moderate(&app, &org, id, "approve").await, 200);

    let list = http
        .get(app.url("/api/v1/branches/northfield/wall?kind=politician"))
        .body_text()
        .await;
    assert!(
        list.contains("Proud to support you.") && !list.contains("jo@council.example"),
        "{list}"
    );
    let json: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(json["total"], 1);
    let none: serde_json::Value = http
        .get(app.url("/api/v1/branches/southgate/wall"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(none["total"], 0);
}

#[tokio::test]
async fn approvals_are_streamed_to_open_walls_as_server_sent_events() {
    let app = app().await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "org@example.org", Role::Organiser).await;
    let token = app.api_token("org@example.org").await;
    let http = reqwest::Client::new();
    let mut events = http
        .get(app.url("/northfield/wall/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), 200);
    assert!(events.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));

    let (_, r) = app.public_api().post("/api/v1/branches/northfield/wall", &serde_json::json!({"name": "Ana", "kind": "resident", "message": "Live solidarity", "email": "ana@example.org"})).await;
    let id = r["id"].as_i64().unwrap();
    assert_eq!(moderate(&app, &token, id, "approve").await, 200);
    let mut received = String::new();
    while !received.contains("Live solidarity") {
        let chunk = tokio::time::timeout(Duration::from_secs(10), events.chunk())
            .await
            .expect("an event within 10 s")
            .unwrap()
            .expect("stream open");
        received.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(
        received.contains("event: message") && received.contains(&format!("id: {id}")),
        "{received}"
    );
    assert!(
        !received.contains("ana@example.org"),
        "no email in the stream"
    );
}

#[tokio::test]
async fn a_walls_stream_carries_its_own_branchs_approvals_only() {
    let app = app().await;
    let north = app.branch("northfield").await;
    let south = app.branch("southgate").await;
    app.user(&north, "org@example.org", Role::Organiser).await;
    app.user(&south, "south@example.org", Role::Organiser).await;
    let http = reqwest::Client::new();
    let missing = http
        .get(app.url("/nowhere/wall/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let mut events = http
        .get(app.url("/southgate/wall/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), 200);

    // Northfield's approval is broadcast first, then Southgate's.
    for (slug, email, message) in [
        ("northfield", "org@example.org", "Northfield solidarity"),
        ("southgate", "south@example.org", "Southgate solidarity"),
    ] {
        let path = format!("/api/v1/branches/{slug}/wall");
        let body = serde_json::json!({"name": "Ana", "kind": "resident", "message": message});
        let (_, r) = app.public_api().post(&path, &body).await;
        let id = r["id"].as_i64().unwrap();
        let token = app.api_token(email).await;
        let approve = serde_json::json!({ "action": "approve" });
        let (status, _) = app
            .api(&token)
            .post(&format!("{path}/{id}/moderation"), &approve)
            .await;
        assert_eq!(status, 200);
    }
    let mut received = String::new();
    while !received.contains("Southgate solidarity") {
        let chunk = tokio::time::timeout(Duration::from_secs(10), events.chunk())
            .await
            .expect("an event within 10 s")
            .unwrap()
            .expect("stream open");
        received.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(!received.contains("Northfield solidarity"), "{received}");
    assert_eq!(received.matches("event: message").count(), 1, "{received}");
}

/// The details of the audited retention runs, newest first.
async fn retention_runs(app: &TestApp) -> Vec<Option<String>> {
    app.store()
        .audit_entries(None, PageRequest::new(1, 100))
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|e| e.action == "retention.run")
        .map(|e| e.detail)
        .collect()
}

#[tokio::test]
async fn retention_purges_rejected_posts_past_retention_only() {
    let app = TestApp::spawn_with(|s| {
        s.wall.min_fill_secs = 0;
    })
    .await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "org@example.org", Role::Organiser).await;
    let token = app.api_token("org@example.org").await;
    let mut ids = Vec::new();
    for message in ["keep me", "reject me"] {
        let (_, r) = app
            .public_api()
            .post(
                "/api/v1/branches/northfield/wall",
                &serde_json::json!({"name": "Ana", "kind": "resident", "message": message}),
            )
            .await;
        ids.push(r["id"].as_i64().unwrap());
    }
    assert_eq!(moderate(&app, &token, ids[1], "reject").await, 200);
    let state = picket_web::AppState::new(app.store(), app.mailer.clone(), app.settings.clone());
    let count = |outcomes: Vec<picket_jobs::retention::KindOutcome>| {
        outcomes
            .iter()
            .find(|o| o.rule.kind == "wall_rejected")
            .and_then(|o| o.count)
    };
    let now = chrono::Utc::now();
    let soon = now + chrono::Duration::days(29);
    let later = now + chrono::Duration::days(31);
    let run = picket_web::app::run_retention;
    assert_eq!(count(run(&state, soon, false).await.unwrap()), Some(0));
    assert_eq!(count(run(&state, later, true).await.unwrap()), Some(1));
    assert_eq!(count(run(&state, later, false).await.unwrap()), Some(1));
    let left = app
        .store()
        .wall_messages(branch.id, WallFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        left.items.iter().map(|m| m.id.get()).collect::<Vec<_>>(),
        [ids[0]],
        "pending posts stay"
    );
    // Of the runs that took the rejected post, the real one is audited, the dry one not.
    let took_it = retention_runs(&app)
        .await
        .into_iter()
        .filter(|d| d.as_deref().is_some_and(|d| d.contains("wall_rejected=1")))
        .count();
    assert_eq!(took_it, 1);
}

#[tokio::test]
async fn offers_become_follow_up_tasks_for_organisers() {
    let app = app().await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "org@example.org", Role::Organiser).await;
    app.user(&branch, "rep@example.org", Role::Rep).await;
    let public = app.client();
    let r = post_form(
        &app,
        &public,
        &[
            ("name", "Westdale social workers"),
            ("kind", "worker"),
            ("message", "Come and speak to us"),
            ("email", "ws@westdale.example"),
            ("pledge", "speaker"),
            ("consent", "yes"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);

    let rep = app.client();
    app.login(&rep, "rep@example.org").await;
    assert_eq!(
        rep.get(app.url("/northfield/wall/pledges"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );

    let org = app.client();
    app.login(&org, "org@example.org").await;
    let page = org
        .get(app.url("/northfield/wall/pledges"))
        .body_text()
        .await;
    assert!(page.contains("Invites a speaker") && page.contains("ws@westdale.example"));
    let id = app
        .store()
        .wall_pledges(branch.id, true, PageRequest::default())
        .await
        .unwrap()
        .items[0]
        .id;
    let token = extract_csrf(&page).unwrap();
    let done = org
        .post(app.url(&format!("/northfield/wall/{id}/follow-up")))
        .form(&[("csrf_token", token.as_str()), ("done", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 303);
    let page = org
        .get(app.url("/northfield/wall/pledges"))
        .body_text()
        .await;
    assert!(page.contains("No offers waiting"));

    // A donation is shown as money is written, with thousands separated.
    let r = post_form(
        &app,
        &public,
        &[
            ("name", "Eastmoor branch"),
            ("kind", "union-body"),
            ("message", "A donation from our hardship collection"),
            ("email", "treasurer@eastmoor.example"),
            ("pledge", "donation"),
            ("pledge_amount", "£1,250.5"),
            ("consent", "yes"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let page = org
        .get(app.url("/northfield/wall/pledges"))
        .body_text()
        .await;
    assert!(page.contains("Donation of £1,250.50"), "{page}");
    let audit = app
        .store()
        .audit_entries(Some(branch.id), PageRequest::default())
        .await
        .unwrap();
    assert!(audit.items.iter().any(|e| e.action == "wall.pledges.view"));
    assert!(audit.items.iter().any(|e| e.action == "wall.followup.done"));
}
