//! A campaign as the public meets it: the page with its live count (Server-Sent Events), the
//! sign form and the public API; one email signs once; a closed campaign takes nothing; bad
//! input is refused with a message and nothing stored; a campaign that asks for confirmation
//! counts a signature only once its emailed link is used. No supporter's name or address
//! appears on any public page.

use picket_domain::Role;
use picket_test_support::{Api, BodyText, TestApp};
use serde_json::{json, Value};
use std::time::Duration;

/// The organiser's API, a dispute and an open petition with one target.
pub async fn campaign(app: &TestApp, extra: Value) -> (Api, i64, i64) {
    let north = app.branch("northfield").await;
    app.user(&north, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.api_token("org@example.org").await);
    let (status, d) = api
        .post(
            "/api/v1/branches/northfield/disputes",
            &json!({"title": "Caseloads", "employer": "Borough council", "nation": "england", "status": "balloting"}),
        )
        .await;
    assert_eq!(status, 201, "{d}");
    let dispute = d["id"].as_i64().unwrap();
    let mut body = json!({"kind": "email", "title": "Write to the Chief Executive",
        "subject": "Safe caseloads now", "body": "Dear Chief Executive,\n\n{own_words}\n\n{name}, {postcode}",
        "delivery": "count-only", "own_words_max": 200, "open": true});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let (status, e) = api
        .post(
            &format!("/api/v1/branches/northfield/disputes/{dispute}/eactions"),
            &body,
        )
        .await;
    assert_eq!(status, 201, "{e}");
    let eaction = e["id"].as_i64().unwrap();
    let (status, t) = api
        .post(
            &format!("/api/v1/branches/northfield/disputes/{dispute}/eactions/{eaction}/targets"),
            &json!({"name": "Dr Jo Bloggs", "role": "Chief Executive"}),
        )
        .await;
    assert_eq!(status, 201, "{t}");
    (api, dispute, eaction)
}

fn sign_path(dispute: i64, eaction: i64) -> String {
    format!("/api/v1/branches/northfield/disputes/{dispute}/eactions/{eaction}/signatures")
}

async fn count(app: &TestApp, dispute: i64, eaction: i64) -> i64 {
    let (status, v) = app
        .public_api()
        .get(&format!(
            "/api/v1/branches/northfield/disputes/{dispute}/eactions/{eaction}/public"
        ))
        .await;
    assert_eq!(status, 200, "{v}");
    v["signatures"].as_i64().unwrap()
}

#[tokio::test]
async fn one_email_signs_once_and_bad_input_stores_nothing() {
    let app = TestApp::spawn().await;
    let (_, dispute, eaction) = campaign(&app, json!({})).await;
    let public = app.public_api();
    let path = sign_path(dispute, eaction);
    let (status, r) = public
        .post(&path, &json!({"name": "Ana Rees", "email": "ana@example.org", "postcode": "sw1a 1aa", "consent": true}))
        .await;
    assert_eq!(
        (status, r["outcome"].as_str()),
        (201, Some("signed")),
        "{r}"
    );
    let (status, r) = public
        .post(
            &path,
            &json!({"name": "Ana R", "email": "ANA@example.org", "postcode": "M1 1AE"}),
        )
        .await;
    assert_eq!(
        (status, r["outcome"].as_str()),
        (200, Some("already-signed")),
        "{r}"
    );
    assert!(
        r["message"].as_str().unwrap().contains("already signed"),
        "{r}"
    );

    for (body, field) in [
        (
            json!({"name": "Bo", "email": "not-an-address", "postcode": "M1 1AE"}),
            "email",
        ),
        (
            json!({"name": "Bo", "email": "bo@example.org", "postcode": "75001"}),
            "postcode",
        ),
        (
            json!({"name": "  ", "email": "bo@example.org", "postcode": "M1 1AE"}),
            "name",
        ),
        (
            json!({"name": "Bo", "email": "bo@example.org", "postcode": "M1 1AE", "own_words": "x".repeat(201)}),
            "own_words",
        ),
    ] {
        let (status, r) = public.post(&path, &body).await;
        assert_eq!(status, 422, "{body} {r}");
        assert_eq!(r["error"]["code"], "validation");
        assert_eq!(r["error"]["field"], field, "{r}");
    }
    assert_eq!(count(&app, dispute, eaction).await, 1);
    let (status, r) = public
        .post(
            &path,
            &json!({"name": "Bo", "email": "x@example.org", "postcode": "75001"}),
        )
        .await;
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("UK postcode"),
        "{status} {r}"
    );
}

#[tokio::test]
async fn a_closed_campaign_takes_no_signature() {
    let app = TestApp::spawn().await;
    let (api, dispute, eaction) = campaign(&app, json!({})).await;
    let base = format!("/api/v1/branches/northfield/disputes/{dispute}/eactions/{eaction}");
    let (status, _) = api
        .post(&format!("{base}/open"), &json!({"open": false}))
        .await;
    assert_eq!(status, 204);
    let (status, r) = app
        .public_api()
        .post(
            &sign_path(dispute, eaction),
            &json!({"name": "Ana", "email": "ana@example.org", "postcode": "M1 1AE"}),
        )
        .await;
    assert_eq!(status, 409, "{r}");
    assert!(
        r["error"]["message"].as_str().unwrap().contains("closed"),
        "{r}"
    );
    let (_, detail) = api.get(&base).await;
    assert_eq!(detail["campaign"]["signatures"], 0);
    assert_eq!(detail["campaign"]["pending"], 0);

    let page = app
        .client()
        .get(app.url(&format!("/northfield/disputes/{dispute}/actions/{eaction}")))
        .body_text()
        .await;
    assert!(page.contains("has closed"), "{page}");
    assert!(
        !page.contains("name=\"postcode\""),
        "no sign form on a closed campaign"
    );
}

/// The page a form's `303 See Other` leads to.
pub async fn follow(app: &TestApp, client: &reqwest::Client, r: reqwest::Response) -> String {
    assert_eq!(r.status(), 303, "a form that worked goes on to a page");
    let to = r.headers()["location"].to_str().unwrap().to_string();
    client.get(app.url(&to)).body_text().await
}

pub fn stamp(html: &str) -> String {
    let start = html
        .find("name=\"stamp\" value=\"")
        .expect("a stamped form")
        + 20;
    html[start..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn the_page_signs_keeps_what_was_typed_and_shows_no_supporter() {
    let app = TestApp::spawn().await;
    let (_, dispute, eaction) = campaign(&app, json!({})).await;
    let client = app.client();
    let url = app.url(&format!("/northfield/disputes/{dispute}/actions/{eaction}"));
    let html = client.get(&url).body_text().await;
    assert!(html.contains("Write to the Chief Executive"));
    assert!(
        html.contains("[your name]"),
        "placeholders shown for people"
    );
    let r = client
        .post(&url)
        .form(&[
            ("stamp", stamp(&html).as_str()),
            ("website", ""),
            ("name", "Ceri Jones"),
            ("email", "ceri@example"),
            ("postcode", "CF10 1AA"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let again = r.text().await.unwrap();
    assert!(again.contains("That is not an email address"), "{again}");
    assert!(
        again.contains("value=\"Ceri Jones\"") && again.contains("value=\"CF10 1AA\""),
        "the form keeps what was typed"
    );
    assert_eq!(count(&app, dispute, eaction).await, 0);

    let r = client
        .post(&url)
        .form(&[
            ("stamp", stamp(&html).as_str()),
            ("website", ""),
            ("name", "Ceri Jones"),
            ("email", "ceri@example.org"),
            ("postcode", "CF10 1AA"),
            ("own_words", "Staff are exhausted."),
        ])
        .send()
        .await
        .unwrap();
    let done = follow(&app, &client, r).await;
    assert!(done.contains("your signature is counted"), "{done}");
    assert_eq!(count(&app, dispute, eaction).await, 1);
    let r = client
        .post(&url)
        .form(&[
            ("stamp", stamp(&html).as_str()),
            ("website", ""),
            ("name", "Ceri Jones"),
            ("email", "ceri@example.org"),
            ("postcode", "CF10 1AA"),
        ])
        .send()
        .await
        .unwrap();
    assert!(follow(&app, &client, r).await.contains("already signed"));
    assert_eq!(count(&app, dispute, eaction).await, 1);

    let public = client.get(&url).body_text().await;
    assert!(
        !public.contains("Ceri") && !public.contains("ceri@example.org"),
        "no supporter on the public page"
    );
    assert!(public.contains("data-counter=\"signatures\""));
    let (_, view) = app
        .public_api()
        .get(&format!(
            "/api/v1/branches/northfield/disputes/{dispute}/eactions/{eaction}/public"
        ))
        .await;
    assert!(!view.to_string().contains("ceri"), "{view}");
}

/// Reads the stream until `want` has arrived.
async fn read_until(events: &mut reqwest::Response, received: &mut String, want: &str) {
    while !received.contains(want) {
        let chunk = tokio::time::timeout(Duration::from_secs(10), events.chunk())
            .await
            .expect("an event within 10 s")
            .unwrap()
            .expect("stream open");
        received.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[tokio::test]
async fn the_live_count_arrives_as_server_sent_events() {
    let app = TestApp::spawn().await;
    let (_, dispute, eaction) = campaign(&app, json!({})).await;
    let mut events = reqwest::Client::new()
        .get(app.url(&format!(
            "/northfield/disputes/{dispute}/actions/{eaction}/events"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), 200);
    assert!(events.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let mut received = String::new();
    read_until(&mut events, &mut received, "{\"signatures\":0}").await;
    for n in 0..3 {
        let (status, _) = app
            .public_api()
            .post(&sign_path(dispute, eaction), &json!({"name": "Dee", "email": format!("dee{n}@example.org"), "postcode": "LS1 1UR"}))
            .await;
        assert_eq!(status, 201);
    }
    read_until(&mut events, &mut received, "{\"signatures\":3}").await;
    assert!(received.contains("event: counters"), "{received}");
    assert!(
        !received.contains("dee0@example.org"),
        "no address in the stream"
    );
}

#[tokio::test]
async fn a_confirmed_address_is_needed_before_a_signature_counts() {
    let app = TestApp::spawn().await;
    let (api, dispute, eaction) = campaign(&app, json!({"confirm_email": true})).await;
    let (status, r) = app
        .public_api()
        .post(
            &sign_path(dispute, eaction),
            &json!({"name": "Émile Ñúñez", "email": "emile@example.org", "postcode": "EH1 1YZ"}),
        )
        .await;
    assert_eq!(
        (status, r["outcome"].as_str()),
        (201, Some("awaiting-confirmation")),
        "{r}"
    );
    assert_eq!(count(&app, dispute, eaction).await, 0);
    let sent = app.mailer.wait_for(1, Duration::from_secs(15)).await;
    let mail = sent
        .iter()
        .find(|m| m.to == "emile@example.org")
        .expect("the confirmation email");
    assert!(mail.text.contains("Dear Émile Ñúñez"), "{}", mail.text);
    let token = crate::support::token_in(&mail.text);

    let client = app.client();
    let page = client
        .get(app.url(&format!("/northfield/actions/confirm?token={token}")))
        .body_text()
        .await;
    assert!(page.contains("Confirm my signature"));
    assert_eq!(
        count(&app, dispute, eaction).await,
        0,
        "opening the link alone confirms nothing"
    );
    let r = client
        .post(app.url("/northfield/actions/confirm"))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("now counts"));
    assert_eq!(count(&app, dispute, eaction).await, 1);
    let r = client
        .post(app.url("/northfield/actions/confirm"))
        .form(&[("token", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let (_, detail) = api
        .get(&format!(
            "/api/v1/branches/northfield/disputes/{dispute}/eactions/{eaction}"
        ))
        .await;
    assert_eq!(
        (
            detail["campaign"]["signatures"].as_i64(),
            detail["campaign"]["pending"].as_i64()
        ),
        (Some(1), Some(0))
    );
}

#[tokio::test]
async fn signing_is_limited_per_address_and_in_size() {
    let app = TestApp::spawn_with(|s| s.eactions.signatures_per_ip_per_hour = 2).await;
    let (_, dispute, eaction) = campaign(&app, json!({})).await;
    let path = sign_path(dispute, eaction);
    for n in 0..2 {
        let (status, _) = app
            .public_api()
            .post(
                &path,
                &json!({"name": "Fi", "email": format!("fi{n}@example.org"), "postcode": "B1 1AA"}),
            )
            .await;
        assert_eq!(status, 201);
    }
    let (status, r) = app
        .public_api()
        .post(
            &path,
            &json!({"name": "Fi", "email": "fi9@example.org", "postcode": "B1 1AA"}),
        )
        .await;
    assert_eq!(
        (status, r["error"]["code"].as_str()),
        (429, Some("rate_limited")),
        "{r}"
    );
    let big = json!({"name": "Fi", "email": "big@example.org", "postcode": "B1 1AA", "own_words": "x".repeat(40_000)});
    let (status, _) = app.public_api().post(&path, &big).await;
    assert_eq!(status, 413);
    assert_eq!(count(&app, dispute, eaction).await, 2);
}

#[tokio::test]
async fn the_page_says_how_long_a_target_has_not_replied() {
    let app = TestApp::spawn().await;
    let (_, dispute, eaction) = campaign(&app, json!({})).await;
    let opened = chrono::Utc::now().date_naive() - chrono::Duration::days(12);
    sqlx::query("UPDATE eactions SET opened_on = $1 WHERE id = $2")
        .bind(opened.to_string())
        .bind(eaction)
        .execute(app.db.store.pool())
        .await
        .unwrap();
    let page = app
        .client()
        .get(app.url(&format!("/northfield/disputes/{dispute}/actions/{eaction}")))
        .body_text()
        .await;
    assert!(
        page.contains("The Chief Executive has not replied after 12 days."),
        "{page}"
    );
    let (_, view) = app
        .public_api()
        .get(&format!(
            "/api/v1/branches/northfield/disputes/{dispute}/eactions/{eaction}/public"
        ))
        .await;
    assert_eq!(
        view["targets"][0]["no_reply"],
        "The Chief Executive has not replied after 12 days."
    );
}
