//! The wall's Atom feed over HTTP, checked by a real feed parser and RFC 4287's rules: the
//! newest fifty approved messages, newest first, as plain text, with no email anywhere.

use crate::support;
use picket_domain::wall::WallSubmission;
use picket_domain::{Role, WallMessageId};
use picket_test_support::{BodyText, TestApp};

async fn approved(
    app: &TestApp,
    branch: &picket_store::Branch,
    n: usize,
    message: &str,
) -> WallMessageId {
    let submission = WallSubmission {
        name: format!("Poster {n} <b>"),
        organisation: Some(format!("Org & {n}")),
        kind: "union-body".into(),
        message: message.into(),
        email: Some(format!("secret{n}@example.org")),
        ..Default::default()
    };
    app.wall_post(
        branch,
        &submission,
        &format!("ip{n}"),
        Some("org@example.org"),
    )
    .await
}

#[tokio::test]
async fn the_feed_is_valid_atom_with_the_newest_fifty_as_typed() {
    let app =
        TestApp::spawn_with(|s| s.server.public_url = "https://picket.example.org/".into()).await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "org@example.org", Role::Organiser).await;
    let client = app.client();

    // An empty wall is a valid feed too.
    let empty = client
        .get(app.url("/northfield/wall/feed.atom"))
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 200);
    assert_eq!(
        empty.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    let doc = support::validate("atom.py", &empty.bytes().await.unwrap());
    assert_eq!(doc["entries"].as_array().unwrap().len(), 0);

    let mut ids = Vec::new();
    for n in 0..55 {
        let message = if n == 54 {
            "<script>alert(1)</script> & \"quotes\" ]]> <![CDATA[x]]>".to_string()
        } else {
            format!("Solidarity message {n}")
        };
        ids.push(approved(&app, &branch, n, &message).await);
    }
    // A pending post and another branch's post are not in it.
    let other = app.branch("riverside").await;
    app.store()
        .add_branch_user(
            &"org@example.org".parse().unwrap(),
            "Org",
            None,
            other.id,
            Role::Organiser,
            None,
        )
        .await
        .unwrap();
    approved(&app, &other, 99, "Riverside's own wall").await;

    let response = client
        .get(app.url("/northfield/wall/feed.atom"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let etag = response.headers()["etag"].to_str().unwrap().to_string();
    let body = response.bytes().await.unwrap();
    let text = String::from_utf8(body.to_vec()).unwrap();
    assert!(!text.contains("@example.org"), "no email in the feed");
    assert!(!text.contains("Riverside's own wall"));
    assert!(!text.contains("<script>"), "markup is escaped");

    let doc = support::validate("atom.py", &body);
    assert_eq!(doc["title"], "northfield branch: solidarity wall");
    let entries = doc["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 50, "fifty entries");
    let expected: Vec<String> = ids
        .iter()
        .rev()
        .take(50)
        .map(|id| format!("https://picket.example.org/northfield/wall/{id}"))
        .collect();
    let got: Vec<String> = entries
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, expected, "newest first, absolute permalinks");
    assert_eq!(
        entries[0]["content"],
        "<script>alert(1)</script> & \"quotes\" ]]> <![CDATA[x]]>"
    );
    assert_eq!(entries[0]["content_type"], "text");
    assert_eq!(
        entries[0]["title"],
        "Poster 54 <b>, Org & 54 (Branch or union body)"
    );
    assert_eq!(entries[1]["content"], "Solidarity message 53");
    let links = doc["links"].as_array().unwrap();
    assert!(links.contains(&serde_json::json!({"rel": "alternate", "href": "https://picket.example.org/northfield/wall"})));
    assert!(links.contains(&serde_json::json!({"rel": "self", "href": "https://picket.example.org/northfield/wall/feed.atom"})));

    // Readers that poll with the validator get 304 until the wall changes.
    let again = client
        .get(app.url("/northfield/wall/feed.atom"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    approved(&app, &branch, 100, "One more").await;
    let changed = client
        .get(app.url("/northfield/wall/feed.atom"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);

    // The wall page points readers at it.
    let wall = client.get(app.url("/northfield/wall")).body_text().await;
    assert!(wall.contains(
        r#"<link rel="alternate" type="application/atom+xml" title="northfield branch: solidarity wall" href="/northfield/wall/feed.atom">"#
    ));
    assert_eq!(
        client
            .get(app.url("/nowhere/wall/feed.atom"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}
