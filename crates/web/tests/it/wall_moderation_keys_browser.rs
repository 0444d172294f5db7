//! The moderation queue by keyboard in Debian's Chromium: `?` shows the keys, `j` moves to
//! the next message, `a` approves it and `s` marks the next one spam, each through the
//! message's own form.

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::Locator;
use picket_domain::{Role, WallMessageId};
use picket_store::wall::WallStatus;
use picket_test_support::{BodyText, Browser, TestApp, TEST_PASSWORD};
use std::time::Duration;

async fn press(c: &fantoccini::Client, key: char) {
    let actions = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    c.perform_actions(actions).await.unwrap();
}

async fn status_of(app: &TestApp, branch: &picket_store::Branch, id: WallMessageId) -> WallStatus {
    app.store()
        .wall_message(branch.id, id)
        .await
        .unwrap()
        .status
}

/// Waits until message `id` has `status` in the database.
async fn wait_for_status(
    app: &TestApp,
    branch: &picket_store::Branch,
    id: WallMessageId,
    want: WallStatus,
) {
    for _ in 0..100 {
        if status_of(app, branch, id).await == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "message {id} is {:?}, not {want:?}",
        status_of(app, branch, id).await
    );
}

async fn current_id(c: &fantoccini::Client) -> String {
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#queue li.current"))
        .await
        .unwrap()
        .attr("id")
        .await
        .unwrap()
        .unwrap_or_default()
}

#[tokio::test]
async fn keys_move_through_the_queue_and_approve() {
    let app = TestApp::spawn_with(|s| s.wall.posts_per_ip_per_hour = 100).await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "org@example.org", Role::Organiser).await;
    let http = reqwest::Client::new();
    let mut ids = Vec::new();
    for n in 0..3 {
        let (_, r) = app.public_api().post("/api/v1/branches/northfield/wall", &serde_json::json!({"name": format!("Supporter {n}"), "kind": "resident", "message": format!("We stand with you, number {n}")})).await;
        ids.push(WallMessageId(
            r["id"]
                .as_i64()
                .unwrap_or_else(|| panic!("post refused: {r}")),
        ));
    }
    // The queue lists newest first.
    ids.reverse();

    let browser = Browser::start().await;
    let c = &browser.client;
    browser
        .sign_in(
            &app.url("/login?next=/northfield/wall/moderate"),
            "org@example.org",
            TEST_PASSWORD,
        )
        .await;
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("queue"))
        .await
        .unwrap();
    assert_eq!(
        current_id(c).await,
        format!("m{}", ids[0]),
        "the first is selected"
    );

    // `?` opens the list of keys.
    let help = c.find(Locator::Id("shortcut-help")).await.unwrap();
    assert_eq!(help.attr("open").await.unwrap(), None);
    press(c, '?').await;
    assert!(
        help.attr("open").await.unwrap().is_some(),
        "? shows the keys"
    );

    // `j` moves to the second message; `a` approves it and only it.
    press(c, 'j').await;
    assert_eq!(current_id(c).await, format!("m{}", ids[1]));
    press(c, 'k').await;
    assert_eq!(current_id(c).await, format!("m{}", ids[0]));
    press(c, 'j').await;
    press(c, 'a').await;
    wait_for_status(&app, &branch, ids[1], WallStatus::Approved).await;
    assert_eq!(status_of(&app, &branch, ids[0]).await, WallStatus::Pending);
    assert_eq!(status_of(&app, &branch, ids[2]).await, WallStatus::Pending);

    // Back on the queue, the next message takes the decided one's place: `s` marks it spam.
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(&format!("#queue li.current#m{}", ids[2])))
        .await
        .unwrap();
    press(c, 's').await;
    wait_for_status(&app, &branch, ids[2], WallStatus::Spam).await;
    assert_eq!(status_of(&app, &branch, ids[0]).await, WallStatus::Pending);

    // The approved message is on the public wall.
    let wall = http.get(app.url("/northfield/wall")).body_text().await;
    assert!(wall.contains("We stand with you, number 1"));
    assert!(!wall.contains("We stand with you, number 2"));
    browser.close().await;
}

#[tokio::test]
async fn the_queue_still_works_by_touch_without_keys() {
    // The same buttons the keys press are ordinary forms: a tap (a click) approves.
    let app = TestApp::spawn_with(|s| s.wall.posts_per_ip_per_hour = 100).await;
    let branch = app.branch("northfield").await;
    app.user(&branch, "org@example.org", Role::Organiser).await;
    let (_, r) = app.public_api().post("/api/v1/branches/northfield/wall", &serde_json::json!({"name": "Tapper", "kind": "resident", "message": "Tapped approval"})).await;
    let id = WallMessageId(r["id"].as_i64().unwrap());
    let client = app.client();
    app.login(&client, "org@example.org").await;
    let page = client
        .get(app.url("/northfield/wall/moderate"))
        .body_text()
        .await;
    assert!(page.contains(r#"value="approve" class="button small approve" aria-keyshortcuts="a""#));
    assert!(page.contains("<kbd>j</kbd>"));
    let token = picket_test_support::extract_csrf(&page).unwrap();
    let done = client
        .post(app.url(&format!("/northfield/wall/{id}/moderate")))
        .form(&[
            ("csrf_token", token.as_str()),
            ("action", "approve"),
            ("back", "pending"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 303);
    assert_eq!(status_of(&app, &branch, id).await, WallStatus::Approved);
}
