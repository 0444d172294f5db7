//! The public campaign page over HTTP: the claim, the counters, the strike calendar and its
//! iCalendar feed (checked by Python's `icalendar`), the picket locations, share links and
//! link-preview tags, the poster with its QR code; caching with ETags; nothing about members;
//! live counters by Server-Sent Events; 404 for a dispute still being prepared.

use crate::support;
use chrono::{Duration, NaiveDate, Utc};
use futures::StreamExt;
use picket_domain::disputes::{
    ActionKind, ClaimKind, ClaimStatus, DisputeStatus, EventKind, PartyKind,
};
use picket_domain::pickets::PicketPlace;
use picket_domain::wall::WallSubmission;
use picket_domain::{Nation, Role, WallMessageId};
use picket_store::disputes::{NewActionPeriod, NewClaim, NewDispute, NewParty, NewTimelineEvent};
use picket_store::Branch;
use picket_test_support::{BodyText, TestApp};

const PUBLIC_URL: &str = "https://picket.example.org";

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn wall_post(app: &TestApp, branch: &Branch, n: usize, approve: bool) -> WallMessageId {
    let submission = WallSubmission {
        name: format!("Supporter {n}"),
        kind: "resident".into(),
        message: format!("Solidarity, from supporter {n}"),
        email: Some(format!("supporter{n}@private.example")),
        ..Default::default()
    };
    let moderator = approve.then_some("org@example.org");
    app.wall_post(branch, &submission, &format!("ip{n}"), moderator)
        .await
}

struct Seeded {
    app: TestApp,
    branch: Branch,
    id: picket_domain::DisputeId,
    upcoming: (NaiveDate, NaiveDate),
}

async fn seeded() -> Seeded {
    let app = TestApp::spawn_with(|s| s.server.public_url = format!("{PUBLIC_URL}/")).await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "org@example.org", Role::Organiser).await;
    app.user(&branch, "mem@example.org", Role::Member).await;
    let store = app.store();
    let dispute = picket_test_support::in_unit!(store, |w| w.create_dispute(
        branch.id,
        &NewDispute {
            title: "Mental health social workers".into(),
            employer: "Northfield Borough Council".into(),
            nation: Nation::England,
            status: DisputeStatus::InAction,
            summary: "Recruitment and retention\nSecond line of the summary".into(),
        },
    ))
    .unwrap();
    let id = dispute.id;
    picket_test_support::in_unit!(store, |w| w.add_claim(
        branch.id,
        id,
        &NewClaim {
            kind: ClaimKind::Claim,
            dated: d("2023-05-01"),
            summary: "A 10% recruitment and retention payment for every social worker".into(),
            status: ClaimStatus::Tabled,
        },
    ))
    .unwrap();
    picket_test_support::in_unit!(store, |w| w.add_claim(
        branch.id,
        id,
        &NewClaim {
            kind: ClaimKind::Offer,
            dated: d("2023-06-01"),
            summary: "Two per cent, once".into(),
            status: ClaimStatus::Rejected,
        },
    ))
    .unwrap();
    picket_test_support::in_unit!(store, |w| w.add_party(
        branch.id,
        id,
        &NewParty {
            kind: PartyKind::DecisionMaker,
            name: "Chief Executive Pat Example".into(),
            detail: "Chief executive".into(),
            email: Some("chief@council.example".into()),
            address: None,
            headcount: None,
        },
    ))
    .unwrap();
    for (title, public) in [
        ("Strike ballot announced", true),
        ("Rep meeting minutes", false),
    ] {
        picket_test_support::in_unit!(store, |w| w.add_event(
            branch.id,
            id,
            &NewTimelineEvent {
                dated: d("2023-08-01"),
                kind: EventKind::Meeting,
                title: title.into(),
                outcome: String::new(),
                public,
            },
        ))
        .unwrap();
    }
    let today = Utc::now().date_naive();
    let upcoming = (today + Duration::days(14), today + Duration::days(16));
    for (kind, starts, ends) in [
        (ActionKind::Strike, d("2024-05-20"), d("2024-05-31")),
        (ActionKind::Asos, d("2024-06-03"), d("2024-06-07")),
        (ActionKind::Strike, upcoming.0, upcoming.1),
    ] {
        picket_test_support::in_unit!(store, |w| w.create_action_period(
            branch.id,
            id,
            &NewActionPeriod {
                ballot_id: None,
                kind,
                starts,
                ends,
                teams: "Adult mental health".into(),
                called_out: Some(picket_domain::bargaining::HandFigure::new(
                    20,
                    "members not yet imported"
                )),
                notice_received: None,
                holidays_as_strike: Vec::new(),
            },
        ))
        .unwrap();
    }
    // These periods have no ballot; what a public page shows is tested once published.
    app.publish_periods(&branch, id).await;
    let mut work = store.begin().await.unwrap();
    work.add_picket_location(
        branch.id,
        id,
        &PicketPlace::parse(
            "Civic Centre, main entrance",
            "1 High Street, Northfield",
            "7.30am to 10am on strike days",
            "https://www.openstreetmap.org/?mlat=52.1&mlon=-1.2",
        )
        .unwrap(),
    )
    .await
    .unwrap();
    work.commit().await.unwrap();
    wall_post(&app, &branch, 1, true).await;
    wall_post(&app, &branch, 2, true).await;
    wall_post(&app, &branch, 3, false).await;
    Seeded {
        app,
        branch,
        id,
        upcoming,
    }
}

#[tokio::test]
async fn the_campaign_page_shows_the_campaign_and_nothing_about_members() {
    let s = seeded().await;
    let client = reqwest::Client::new();
    let url = s.app.url(&format!("/northfield/disputes/{}", s.id));
    let res = client.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers().get("set-cookie").is_none(),
        "anonymous visitors get no cookie"
    );
    assert_eq!(res.headers()["cache-control"], "public, max-age=10");
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let html = res.text().await.unwrap();

    // The claim in one line: the open claim, not the rejected offer.
    assert!(html.contains(
        r#"<p class="claim" id="claim">A 10% recruitment and retention payment for every social worker</p>"#
    ));
    // 20 to 31 May 2024 is ten weekdays less the Spring bank holiday: 9 days; the upcoming
    // strike has not happened yet. Two messages approved, one waiting.
    assert!(
        html.contains(r#"data-counter="strike_days" aria-live="polite">9</strong>"#),
        "{html}"
    );
    assert!(html.contains(r#"data-counter="wall_messages" aria-live="polite">2</strong>"#));
    assert!(html.contains("weekdays less England and Wales bank holidays"));
    // The calendar: strike days marked, the bank holiday and weekends not counted, ASOS shown.
    assert!(html.contains("<caption>May 2024</caption>"));
    assert!(html.contains(
        r#"<td class="strike" title="Strike day"><time datetime="2024-05-20">20</time>"#
    ));
    assert!(html.contains(r#"<td class="off" title="Not counted: Spring bank holiday"><time datetime="2024-05-27">27</time>"#));
    assert!(html.contains(
        r#"<td class="off" title="Not counted: Saturday"><time datetime="2024-05-25">25</time>"#
    ));
    assert!(html.contains(
        r#"<td class="asos" title="Action short of strike"><time datetime="2024-06-03">3</time>"#
    ));
    assert!(
        html.contains(r#"<td><time datetime="2024-05-19">19</time></td>"#),
        "a day outside any period is plain"
    );
    assert!(html.contains("20 to 31 May 2024"));
    // Pickets, public timeline, share links, link previews.
    assert!(html.contains("Civic Centre, main entrance"));
    assert!(html.contains("7.30am to 10am on strike days"));
    assert!(html.contains(r#"<a href="https://www.openstreetmap.org/?mlat=52.1&#38;mlon=-1.2" rel="noopener noreferrer nofollow">Map</a>"#));
    assert!(html.contains("Strike ballot announced"));
    let page_url = format!("{PUBLIC_URL}/northfield/disputes/{}", s.id);
    let encoded = page_url.replace(':', "%3A").replace('/', "%2F");
    assert!(html.contains(&format!(r#"<meta property="og:url" content="{page_url}">"#)));
    assert!(html.contains(r#"<meta property="og:title" content="Mental health social workers">"#));
    assert!(html.contains(r#"<meta name="twitter:card" content="summary">"#));
    assert!(html.contains(r#"<meta property="og:type" content="website">"#));
    assert!(html.contains(&format!(
        "https://www.facebook.com/sharer/sharer.php?u={encoded}"
    )));
    assert!(html.contains("https://wa.me/?text=Mental%20health%20social%20workers%3A%20A%2010%25"));
    assert!(html.contains("https://twitter.com/intent/tweet?text="));
    assert!(html.contains("https://bsky.app/intent/compose?text="));
    assert!(html.contains("mailto:?subject=Mental%20health%20social%20workers&#38;body="));
    assert!(html.contains(&format!(
        r#"href="/northfield/disputes/{}/strikes.ics""#,
        s.id
    )));
    assert!(!html.contains("<script>"), "no inline script");
    assert!(
        !html.contains("facebook.com/tr") && !html.contains("platform.twitter.com"),
        "no third-party scripts"
    );
    // Nothing about members, organisers' private records, posters or decision-makers' email.
    for secret in [
        "Rep meeting minutes",
        "chief@council.example",
        "private.example",
        "org@example.org",
        "mem@example.org",
        "Solidarity, from supporter 3",
    ] {
        assert!(!html.contains(secret), "{secret} leaked");
    }

    // Revalidation: 304 with the same ETag; gzip for those who take it.
    let again = client
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    let zipped = raw
        .get(&url)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    assert_eq!(zipped.headers()["etag"].to_str().unwrap(), etag);

    // Approving a message shows on the very next read: moderation drops the cached page.
    let queue = s.app.client();
    s.app.login(&queue, "org@example.org").await;
    let token = s.app.api_token("org@example.org").await;
    let pending = wall_post(&s.app, &s.branch, 4, false).await;
    let ok = client
        .post(s.app.url(&format!(
            "/api/v1/branches/northfield/wall/{pending}/moderation"
        )))
        .bearer_auth(token)
        .json(&serde_json::json!({"action": "approve"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let after = client.get(&url).body_text().await;
    assert!(after.contains(r#"data-counter="wall_messages" aria-live="polite">3</strong>"#));

    // A signed-in organiser gets their own page with links to the desk and the pickets form.
    let theirs = queue.get(&url).send().await.unwrap();
    assert_eq!(theirs.headers()["cache-control"], "no-store", "never kept");
    let theirs = theirs.text().await.unwrap();
    assert!(theirs.contains(&format!(
        r#"href="/northfield/disputes/{}/pickets">Edit picket locations</a>"#,
        s.id
    )));
    assert!(!html.contains("Edit picket locations"));
}

#[tokio::test]
async fn the_strike_calendar_is_valid_icalendar_and_the_poster_carries_the_qr_code() {
    let s = seeded().await;
    let client = reqwest::Client::new();
    let ics = client
        .get(
            s.app
                .url(&format!("/northfield/disputes/{}/strikes.ics", s.id)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(ics.status(), 200);
    assert_eq!(
        ics.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    let etag = ics.headers()["etag"].to_str().unwrap().to_string();
    let body = ics.bytes().await.unwrap();
    let doc = support::validate("ical.py", &body);
    assert_eq!(
        doc["name"],
        "northfield branch: Mental health social workers"
    );
    let events = doc["events"].as_array().unwrap();
    assert_eq!(events.len(), 3);
    assert_eq!(events[0]["start"], "2024-05-20");
    assert_eq!(
        events[0]["end"], "2024-06-01",
        "DTEND is the day after the last"
    );
    assert_eq!(events[0]["all_day"], true);
    assert_eq!(events[0]["summary"], "Strike: Mental health social workers");
    let description = events[0]["description"].as_str().unwrap();
    assert!(description.contains("9 strike days"), "{description}");
    assert!(description.contains("Spring bank holiday"));
    assert_eq!(
        events[1]["summary"],
        "Action short of strike: Mental health social workers"
    );
    assert_eq!(events[2]["start"], s.upcoming.0.to_string());
    assert!(events[0]["uid"]
        .as_str()
        .unwrap()
        .ends_with("@picket.example.org"));
    assert_eq!(
        events[0]["url"],
        format!("{PUBLIC_URL}/northfield/disputes/{}", s.id)
    );
    // The same document until the dispute changes: calendar apps revalidate cheaply.
    let again = client
        .get(
            s.app
                .url(&format!("/northfield/disputes/{}/strikes.ics", s.id)),
        )
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    let poster = client
        .get(s.app.url(&format!("/northfield/disputes/{}/poster", s.id)))
        .body_text()
        .await;
    let page_url = format!("{PUBLIC_URL}/northfield/disputes/{}", s.id);
    assert!(poster.contains("A 10% recruitment and retention payment for every social worker"));
    assert!(
        poster.contains(&crate_range(s.upcoming)),
        "upcoming dates on the poster"
    );
    assert!(!poster.contains("20 to 31 May 2024"), "past dates are not");
    assert!(poster.contains(&page_url));
    assert!(!poster.contains("<?xml"), "the QR code is inline SVG");
    // The inline QR code is the one the `qrcode` crate makes for the page's absolute address.
    let expected =
        qrcode::QrCode::with_error_correction_level(page_url.as_bytes(), qrcode::EcLevel::M)
            .unwrap()
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(240, 240)
            .quiet_zone(true)
            .build();
    let svg = &expected[expected.find("<svg").unwrap()..];
    assert!(poster.contains(svg), "the QR code encodes {page_url}");
    let css = client
        .get(s.app.url("/assets/picket.css"))
        .body_text()
        .await;
    assert!(css.contains("@page poster { size: A4;"));
    let qr = client
        .get(s.app.url(&format!("/northfield/disputes/{}/qr.svg", s.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert_eq!(qr.text().await.unwrap(), expected);
}

fn crate_range((starts, ends): (NaiveDate, NaiveDate)) -> String {
    picket_web::campaign::range_text(starts, ends)
}

#[tokio::test]
async fn a_dispute_being_prepared_or_of_another_branch_has_no_public_anything() {
    let s = seeded().await;
    let store = s.app.store();
    let preparing = picket_test_support::in_unit!(store, |w| w.create_dispute(
        s.branch.id,
        &NewDispute {
            title: "Not yet".into(),
            employer: "Council".into(),
            nation: Nation::England,
            status: DisputeStatus::Preparing,
            summary: String::new(),
        },
    ))
    .unwrap();
    s.app.branch("southgate").await;
    let client = reqwest::Client::new();
    for path in ["", "/strikes.ics", "/poster", "/qr.svg", "/counters"] {
        for (slug, id) in [
            ("northfield", preparing.id),
            ("southgate", s.id),
            ("northfield", picket_domain::DisputeId(999_999)),
        ] {
            let res = client
                .get(s.app.url(&format!("/{slug}/disputes/{id}{path}")))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 404, "/{slug}/disputes/{id}{path}");
        }
    }
}

/// Reads Server-Sent Events until one named `counters` arrives.
async fn next_counters(
    stream: &mut (impl futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin),
    buffer: &mut String,
) -> serde_json::Value {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        if let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            if block.lines().any(|l| l == "event: counters") {
                let data = block
                    .lines()
                    .find_map(|l| l.strip_prefix("data: "))
                    .unwrap();
                return serde_json::from_str(data).unwrap();
            }
            continue;
        }
        let chunk = tokio::time::timeout_at(deadline, stream.next())
            .await
            .expect("a counters event in time")
            .expect("the stream stays open")
            .unwrap();
        buffer.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[tokio::test]
async fn the_counters_stream_sends_the_figures_then_each_change() {
    let s = seeded().await;
    let res = reqwest::Client::new()
        .get(
            s.app
                .url(&format!("/northfield/disputes/{}/counters", s.id)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let mut stream = res.bytes_stream();
    let mut buffer = String::new();
    let first = next_counters(&mut stream, &mut buffer).await;
    assert_eq!(
        first,
        serde_json::json!({"strike_days": 9, "wall_messages": 2})
    );
    let token = s.app.api_token("org@example.org").await;
    let pending = wall_post(&s.app, &s.branch, 5, false).await;
    let ok = reqwest::Client::new()
        .post(s.app.url(&format!(
            "/api/v1/branches/northfield/wall/{pending}/moderation"
        )))
        .bearer_auth(token)
        .json(&serde_json::json!({"action": "approve"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let next = next_counters(&mut stream, &mut buffer).await;
    assert_eq!(
        next,
        serde_json::json!({"strike_days": 9, "wall_messages": 3})
    );
}
