//! A load client for the public forms' APIs: sends N JSON posts to one address from CLIENTS
//! concurrent keep-alive connections and prints, as one JSON object, the time the burst took,
//! the latency of each answer from sending to the whole body (p50, p99, max, in ms), the CPU
//! seconds this client used, and the answers counted by status and error code (or `place`).
//! Run through `bench/pickets.sh`; a client without an interpreter lock, so the latency is
//! the server's and not the client's queueing.
//!
//! ```text
//! post_burst URL N CLIENTS [same]     `same`: every request from one address
//! ```
//!
//! Request `i` carries `{"name": "Bench supporter i", "email": "bench<i>@example.org"}` and an
//! `X-Forwarded-For` address of its own (10.x.y.z), or 192.0.2.1 for every one with `same`.

use anyhow::Context;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let url = args
        .first()
        .context("post_burst URL N CLIENTS [same]")?
        .clone();
    let n: usize = args.get(1).context("N")?.parse()?;
    let clients: usize = args.get(2).context("CLIENTS")?.parse()?;
    let same = args.get(3).is_some_and(|a| a == "same");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()?;
    let next = Arc::new(AtomicUsize::new(0));
    let cpu_before = picket_test_support::cpu_seconds();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, url, next) = (client.clone(), url.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut seen: Vec<(u128, String)> = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let address = if same {
                    "192.0.2.1".to_string()
                } else {
                    format!("10.{}.{}.{}", i / 65_536 % 256, i / 256 % 256, i % 256)
                };
                let body =
                    format!(r#"{{"name":"Bench supporter {i}","email":"bench{i}@example.org"}}"#);
                let sent_at = Instant::now();
                let answer = match client
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("x-forwarded-for", address)
                    .body(body)
                    .send()
                    .await
                {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        let doc: serde_json::Value = r.json().await.unwrap_or_default();
                        let key = doc["place"]
                            .as_str()
                            .or_else(|| doc["error"]["code"].as_str())
                            .unwrap_or("")
                            .to_string();
                        format!("{status} {key}")
                    }
                    Err(e) => format!("error {e}"),
                };
                seen.push((sent_at.elapsed().as_micros(), answer));
            }
            seen
        }));
    }
    let mut waits = Vec::new();
    let mut answers: BTreeMap<String, usize> = BTreeMap::new();
    for task in tasks {
        for (wait, answer) in task.await? {
            waits.push(wait);
            *answers.entry(answer).or_default() += 1;
        }
    }
    let wall = start.elapsed().as_secs_f64();
    waits.sort_unstable();
    let at = |q: f64| {
        // The q-quantile's index; rounding to an index is the point of the cast.
        let i = ((waits.len().saturating_sub(1)) as f64 * q).round() as usize;
        waits.get(i).copied().unwrap_or(0) as f64 / 1000.0
    };
    println!(
        "{}",
        serde_json::json!({
            "wall": wall,
            "p50": at(0.5),
            "p99": at(0.99),
            "max": at(1.0),
            "cpu": picket_test_support::cpu_seconds() - cpu_before,
            "answers": answers,
        })
    );
    Ok(())
}
