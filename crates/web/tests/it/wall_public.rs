//! The wall's public faces: the embeddable form on a campaign's own site, the cached page
//! anonymous readers share, and the share tags links carry.

use super::wall::{app, field_value, moderate};
use picket_domain::Role;
use picket_store::wall::{WallFilter, WallStatus};
use picket_store::PageRequest;
use picket_test_support::{BodyText, TestApp};

#[tokio::test]
async fn the_embed_can_be_framed_and_posts_with_a_signed_stamp() {
    let app = app().await;
    let branch = app.branch("northfield").await;
    let http = reqwest::Client::new();
    let embed = http
        .get(app.url("/northfield/embed/wall"))
        .send()
        .await
        .unwrap();
    assert_eq!(embed.status(), 200);
    let csp = embed.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("frame-ancestors *") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert!(!embed.headers().contains_key("x-frame-options"));
    let html = embed.text().await.unwrap();
    let stamp = field_value(&html, "stamp");
    let stamp = stamp.as_str();

    let main_wall = http.get(app.url("/northfield/wall")).send().await.unwrap();
    assert_eq!(
        main_wall.headers()["x-frame-options"],
        "DENY",
        "only the embed is framable"
    );

    let ok = http
        .post(app.url("/northfield/embed/wall"))
        .form(&[
            ("stamp", stamp),
            ("name", "Ana"),
            ("kind", "resident"),
            ("message", "From the branch website"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        ok.status(),
        200,
        "the client follows the redirect back to the embed"
    );
    assert!(ok.text().await.unwrap().contains("Thank you"));
    let pending = app
        .store()
        .wall_messages(
            branch.id,
            WallFilter {
                status: Some(WallStatus::Pending),
                kind: None,
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(pending.total, 1);

    let forged = http
        .post(app.url("/northfield/embed/wall"))
        .form(&[
            ("stamp", "1700000000.00000000000000000000000000000000"),
            ("name", "Eve"),
            ("kind", "other"),
            ("message", "forged"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let bad = http
        .post(app.url("/northfield/embed/wall"))
        .form(&[
            ("stamp", stamp),
            ("name", ""),
            ("kind", "resident"),
            ("message", "No name"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let bad = bad.text().await.unwrap();
    assert!(
        bad.contains("Give your name") && bad.contains("No name"),
        "explains and keeps the message"
    );
}

#[tokio::test]
async fn anonymous_readers_share_one_cached_page_that_approval_refreshes() {
    let app = app().await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "org@example.org", Role::Organiser).await;
    let http = reqwest::Client::new();
    let first = http
        .get(app.url("/northfield/wall"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(
        first.headers()["content-encoding"],
        "gzip",
        "served precompressed"
    );
    assert_eq!(first.headers()["vary"], "Accept-Encoding");
    assert!(
        first.headers().get("set-cookie").is_none(),
        "the shared page gives no visitor a token or cookie"
    );
    assert!(first.headers().get("x-request-id").is_some());
    // The page (and its form stamp) is remade each second; within one, a revalidation is a 304.
    let mut saw_304 = false;
    for _ in 0..10 {
        let now = http.get(app.url("/northfield/wall")).send().await.unwrap();
        let etag = now.headers()["etag"].clone();
        let again = http
            .get(app.url("/northfield/wall"))
            .header("if-none-match", etag)
            .send()
            .await
            .unwrap();
        if again.status() == 304 {
            saw_304 = true;
            break;
        }
    }
    assert!(saw_304, "304 while the page is unchanged");

    // A forged or stale stamp is refused; the page's own stamp works.
    let forged = http
        .post(app.url("/northfield/wall"))
        .form(&[
            ("stamp", "1.abc"),
            ("name", "Eve"),
            ("kind", "other"),
            ("message", "forged"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);

    let token = app.api_token("org@example.org").await;
    let (_, r) = app
        .public_api()
        .post(
            "/api/v1/branches/northfield/wall",
            &serde_json::json!({"name": "Ana", "kind": "resident", "message": "Fresh support"}),
        )
        .await;
    let id = r["id"].as_i64().unwrap();
    let before = http.get(app.url("/northfield/wall")).body_text().await;
    assert!(!before.contains("Fresh support"));
    assert_eq!(moderate(&app, &token, id, "approve").await, 200);
    let after = http.get(app.url("/northfield/wall")).send().await.unwrap();
    assert!(
        after.headers().get("content-encoding").is_none(),
        "plain for a client that did not ask for gzip"
    );
    assert!(
        after.text().await.unwrap().contains("Fresh support"),
        "an approved message is on the next read"
    );
}

#[tokio::test]
async fn the_wall_carries_share_tags_with_its_public_address() {
    let app = TestApp::spawn_with(|s| {
        s.server.public_url = "https://picket.example.org/".into();
    })
    .await;
    app.branch("northfield").await;
    let html = reqwest::get(app.url("/northfield/wall"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for tag in [
        r#"<link rel="canonical" href="https://picket.example.org/northfield/wall">"#,
        r#"<meta property="og:url" content="https://picket.example.org/northfield/wall">"#,
        r#"<meta property="og:title" content="Solidarity wall · northfield branch">"#,
        r#"<meta name="twitter:card" content="summary">"#,
    ] {
        assert!(html.contains(tag), "missing {tag}");
    }
}
