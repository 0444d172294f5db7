//! The wall in Debian's Chromium: an approved message arrives on an open page without a
//! reload, and a corpus of XSS payloads reads exactly as typed without running, whether the
//! page rendered it, the live update inserted it or the wall's Atom feed carries it.

use fantoccini::Locator;
use picket_domain::Role;
use picket_test_support::{Browser, TestApp};
use std::time::Duration;

const PAYLOADS: &[&str] = &[
    "<script>window.__xss=1</script>",
    "<img src=x onerror=\"window.__xss=1\">",
    "\"><svg onload=window.__xss=1>",
    "<a href=\"javascript:window.__xss=1\">click</a>",
    "</textarea><script>window.__xss=1</script>",
    "<iframe srcdoc=\"<script>parent.__xss=1</script>\"></iframe>",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "&lt;b&gt;not bold&lt;/b&gt; &amp;",
    "<style>body{display:none}</style>",
    "'; window.__xss=1; //",
];

async fn post_and_approve(app: &TestApp, token: &str, message: &str, n: usize) -> i64 {
    let http = reqwest::Client::new();
    let r: serde_json::Value = http
        .post(app.url("/api/v1/branches/northfield/wall"))
        .json(&serde_json::json!({"name": format!("Tester {n} <b>"), "kind": "other", "message": message}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = r["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("post refused: {r}"));
    let ok = http
        .post(app.url(&format!("/api/v1/branches/northfield/wall/{id}/moderation")))
        .bearer_auth(token)
        .json(&serde_json::json!({"action": "approve"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    id
}

async fn text_of(c: &fantoccini::Client, id: i64) -> String {
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(&format!("#m{id} .wall-text")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn approved_messages_arrive_live_and_payloads_never_run() {
    let app = TestApp::spawn_with(|s| s.wall.posts_per_ip_per_hour = 100).await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "org@example.org", Role::Organiser).await;
    let token = app.api_token("org@example.org").await;
    let browser = Browser::start().await;
    let c = &browser.client;

    // Half the corpus is on the page when it loads.
    let mut rendered = Vec::new();
    for (n, p) in PAYLOADS.iter().enumerate().take(5) {
        rendered.push((post_and_approve(&app, &token, p, n).await, *p));
    }
    c.goto(&app.url("/northfield/wall")).await.unwrap();
    c.execute("window.__picketMarker = 1; return true;", vec![])
        .await
        .unwrap();
    // Give the page's EventSource a moment to connect before approving more.
    tokio::time::sleep(Duration::from_millis(800)).await;

    // The other half arrives while the page is open.
    let mut live = Vec::new();
    for (n, p) in PAYLOADS.iter().enumerate().skip(5) {
        live.push((post_and_approve(&app, &token, p, n).await, *p));
    }
    for (id, payload) in &live {
        assert_eq!(
            text_of(c, *id).await,
            *payload,
            "live message {id} reads as typed"
        );
    }
    let marker = c
        .execute("return window.__picketMarker === 1;", vec![])
        .await
        .unwrap();
    assert_eq!(marker, serde_json::json!(true), "no reload happened");
    for (id, payload) in &rendered {
        assert_eq!(
            text_of(c, *id).await,
            *payload,
            "rendered message {id} reads as typed"
        );
    }
    let xss = c
        .execute("return typeof window.__xss;", vec![])
        .await
        .unwrap();
    assert_eq!(xss, serde_json::json!("undefined"), "no payload ran");
    assert!(c.get_alert_text().await.is_err(), "no dialog opened");

    // After a reload every payload is server-rendered, and still inert.
    c.refresh().await.unwrap();
    for (id, payload) in rendered.iter().chain(live.iter()) {
        assert_eq!(text_of(c, *id).await, *payload);
    }
    let xss = c
        .execute("return typeof window.__xss;", vec![])
        .await
        .unwrap();
    assert_eq!(xss, serde_json::json!("undefined"));
    let names = c.find_all(Locator::Css(".wall-from strong")).await.unwrap();
    assert_eq!(names.len(), PAYLOADS.len());
    assert!(
        names[0].text().await.unwrap().ends_with(" <b>"),
        "names read as typed too"
    );

    // The wall's Atom feed opened in the browser: every payload is text, none runs.
    c.goto(&app.url("/northfield/wall/feed.atom"))
        .await
        .unwrap();
    // Chromium shows a feed as text; the text, read back as XML, holds the payloads as typed.
    let shown = c
        .execute("return document.contentType;", vec![])
        .await
        .unwrap();
    assert_eq!(
        shown,
        serde_json::json!("text/plain"),
        "shown as text, not run as a page"
    );
    let contents = c
        .execute(
            "var xml = new DOMParser().parseFromString(document.body.textContent, 'application/xml'); \
             if (xml.getElementsByTagName('parsererror').length) { return 'not well-formed'; } \
             return Array.from(xml.getElementsByTagNameNS('http://www.w3.org/2005/Atom', 'content')).map(function (e) { return e.textContent; });",
            vec![],
        )
        .await
        .unwrap();
    let mut expected: Vec<&str> = PAYLOADS.to_vec();
    expected.reverse();
    assert_eq!(
        contents,
        serde_json::json!(expected),
        "the feed carries every payload as typed, newest first"
    );
    let in_feed = c
        .execute(
            "return [typeof window.__xss, document.querySelectorAll('script, img, svg, iframe, style, a').length];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        in_feed,
        serde_json::json!(["undefined", 0]),
        "no payload became an element or ran in the feed"
    );
    assert!(c.get_alert_text().await.is_err(), "no dialog opened");
    browser.close().await;
}

/// Serves one HTML page on another port: a stand-in for the branch's own website.
async fn host_page(html: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let html = html.clone();
            tokio::spawn(async move {
                let mut buf = [0_u8; 4096];
                let _ = socket.read(&mut buf).await;
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{html}",
                    html.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            });
        }
    });
    format!("http://localhost:{}/", addr.port())
}

#[tokio::test]
async fn another_website_can_frame_the_embed_but_not_the_wall() {
    let app = TestApp::spawn_with(|s| s.wall.posts_per_ip_per_hour = 100).await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "org@example.org", Role::Organiser).await;
    let token = app.api_token("org@example.org").await;
    post_and_approve(&app, &token, "Framed solidarity", 0).await;
    let host = host_page(format!(
        "<!doctype html><title>Branch site</title><iframe id=embed src=\"{}\"></iframe><iframe id=wall src=\"{}\"></iframe>",
        app.url("/northfield/embed/wall"),
        app.url("/northfield/wall")
    ))
    .await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&host).await.unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;

    c.clone().enter_frame(Some(0)).await.unwrap();
    let text = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".wall-text"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text, "Framed solidarity");
    c.clone().enter_parent_frame().await.unwrap();

    c.clone().enter_frame(Some(1)).await.unwrap();
    let blocked = c.find(Locator::Css(".wall-text")).await;
    assert!(blocked.is_err(), "the main wall refuses to be framed");
    browser.close().await;
}
