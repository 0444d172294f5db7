//! Two treasurers approving the same pay run at the same moment, over HTTP: one approval
//! posts the pay once; every other request is refused and nothing is posted twice.

use crate::fund_fixture::Fund;
use serde_json::json;

#[tokio::test]
async fn concurrent_approvals_of_one_pay_run_post_it_once() {
    let f = Fund::new().await;
    let t = f.api("treasurer@example.org").await;
    let d = f.dispute;
    let (status, _) = t
        .post(
            &format!("/api/v1/branches/northfield/disputes/{d}/strike-days"),
            &json!({"day": "2024-05-13", "entries": [{"member": f.ana.0, "status": "on-strike"},
                                                     {"member": f.ben.0, "status": "on-strike"}]}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = t
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/branches/northfield/disputes/{d}/strike-pay/policy"),
            &json!({"rate": "flat", "daily": "25.00", "counts": ["on-strike"]}),
        )
        .await;
    assert_eq!(status, 200);
    let runs = format!("/api/v1/branches/northfield/disputes/{d}/strike-pay/runs");
    let (_, body) = t
        .post(&runs, &json!({"first": "2024-05-13", "last": "2024-05-17"}))
        .await;
    let run = body["id"].as_i64().unwrap();
    // A second run over the same days, approved at the same moment as the first.
    let (_, body) = t
        .post(&runs, &json!({"first": "2024-05-13", "last": "2024-05-13"}))
        .await;
    let rival = body["id"].as_i64().unwrap();
    let before = f.transactions().await;

    let token = f.app.api_token("treasurer@example.org").await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let url = f.app.url(&format!(
            "{runs}/{}/approval",
            if i % 4 == 3 { rival } else { run }
        ));
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let ok = statuses.iter().filter(|s| **s == 200).count();
    assert_eq!(ok, 1, "exactly one approval posts: {statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "{statuses:?}"
    );
    assert_eq!(f.transactions().await, before + 1, "one transaction posted");
    let (_, summary) = t.get("/api/v1/branches/northfield/fund/summary").await;
    assert_eq!(summary["strike_pay_owed"], 5_000, "each day paid once");
    let owed = f
        .app
        .store()
        .fund_account_by_code(f.branch.id, "strike-pay-owed")
        .await
        .unwrap();
    assert_eq!(owed.balance.pence(), -5_000);
}
