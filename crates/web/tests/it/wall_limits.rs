//! The wall's limits hold against a parallel burst over HTTP: the per-address limit and the
//! duplicate check are counted in the same transaction that stores a post, so posts sent at
//! the same moment cannot all read "under the limit" before any of them is written.

use picket_store::wall::WallFilter;
use picket_store::PageRequest;
use picket_test_support::TestApp;

/// Sends every body to the wall's API at once, each from the address beside it (the app
/// trusts `X-Forwarded-For`), and returns the statuses.
async fn burst(app: &TestApp, posts: Vec<(String, serde_json::Value)>) -> Vec<u16> {
    let client = reqwest::Client::new();
    let url = app.url("/api/v1/branches/northfield/wall");
    let tasks: Vec<_> = posts
        .into_iter()
        .map(|(address, body)| {
            let request = client
                .post(&url)
                .header("x-forwarded-for", address)
                .json(&body);
            tokio::spawn(async move { request.send().await.unwrap().status().as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses
}

fn count(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

async fn app() -> TestApp {
    TestApp::spawn_with(|s| {
        s.wall.posts_per_ip_per_hour = 10;
        s.server.trust_proxy_headers = true;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_parallel_posts_from_one_address_store_exactly_the_limit() {
    let app = app().await;
    let branch = app.branch("northfield").await;
    let posts = (0..30)
        .map(|n| {
            let body = serde_json::json!({
                "name": "Ana", "kind": "resident", "message": format!("Solidarity, message {n}")
            });
            ("203.0.113.7".to_string(), body)
        })
        .collect();
    let statuses = burst(&app, posts).await;
    assert_eq!(
        (count(&statuses, 202), count(&statuses, 429)),
        (10, 20),
        "{statuses:?}"
    );
    let stored = app
        .store()
        .wall_messages(branch.id, WallFilter::default(), PageRequest::default())
        .await
        .unwrap()
        .total;
    assert_eq!(stored, 10);
    // Another address is not held back by this one.
    let other = burst(
        &app,
        vec![(
            "198.51.100.9".into(),
            serde_json::json!({"name": "Bo", "kind": "resident", "message": "From elsewhere"}),
        )],
    )
    .await;
    assert_eq!(other, [202]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_parallel_copies_of_one_message_store_exactly_one() {
    let app = app().await;
    let branch = app.branch("northfield").await;
    let posts = (0..20)
        .map(|n| {
            let body = serde_json::json!({
                "name": format!("Supporter {n}"), "kind": "resident", "message": "We are with you all the way"
            });
            (format!("192.0.2.{n}"), body)
        })
        .collect();
    let statuses = burst(&app, posts).await;
    assert_eq!(
        (count(&statuses, 202), count(&statuses, 409)),
        (1, 19),
        "{statuses:?}"
    );
    let stored = app
        .store()
        .wall_messages(branch.id, WallFilter::default(), PageRequest::default())
        .await
        .unwrap()
        .total;
    assert_eq!(stored, 1);
}
