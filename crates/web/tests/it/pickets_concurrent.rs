//! Capacity holds under load through HTTP: hundreds of supporters sign up for one shift of 6
//! at once, and exactly 6 places are taken; the rest are told the shift is full (or, when
//! they asked, put on the waiting list), on SQLite and on PostgreSQL.

use crate::pickets_fixture::{line_with, weekday_after};
use serde_json::json;

const REQUESTS: usize = 240;

async fn burst(waiting_list: bool) -> (Vec<(u16, serde_json::Value)>, u32, u32) {
    let l = line_with(|s| s.pickets.signups_per_ip_per_hour = 100_000).await;
    let shift = l.shift(0, weekday_after(14), 6, true).await;
    let url = l.app.url(&l.api(&format!("/shifts/{shift}/supporters")));
    let client = reqwest::Client::new();
    let tasks: Vec<_> = (0..REQUESTS)
        .map(|i| {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(async move {
                let r = client
                    .post(&url)
                    .json(&json!({"name": format!("Supporter {i}"), "email": format!("s{i}@example.org"), "waiting_list": waiting_list}))
                    .send()
                    .await
                    .unwrap();
                let status = r.status().as_u16();
                (status, r.json::<serde_json::Value>().await.unwrap())
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    let stored = l
        .app
        .store()
        .picket_shift(l.branch.id, l.dispute, shift)
        .await
        .unwrap();
    (out, stored.taken, stored.waiting)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hundreds_of_concurrent_sign_ups_take_exactly_the_capacity() {
    let (answers, taken, waiting) = burst(false).await;
    let places = answers
        .iter()
        .filter(|(s, b)| *s == 201 && b["place"] == "taken")
        .count();
    let full = answers
        .iter()
        .filter(|(s, b)| *s == 409 && b["error"]["code"] == "shift_full")
        .count();
    assert_eq!(
        places,
        6,
        "{:?}",
        answers.iter().find(|(s, _)| *s != 201 && *s != 409)
    );
    assert_eq!(full, REQUESTS - 6);
    assert_eq!((taken, waiting), (6, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_rest_wait_in_line_when_they_ask_to() {
    let (answers, taken, waiting) = burst(true).await;
    let places = answers
        .iter()
        .filter(|(_, b)| b["place"] == "taken")
        .count();
    let waits = answers
        .iter()
        .filter(|(_, b)| b["place"] == "waiting")
        .count();
    assert_eq!(
        (places, waits),
        (6, REQUESTS - 6),
        "an answer neither taken nor waiting: {:?}",
        answers
            .iter()
            .find(|(_, b)| b["place"] != "taken" && b["place"] != "waiting")
    );
    assert_eq!((taken, waiting as usize), (6, REQUESTS - 6));
}
