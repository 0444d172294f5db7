//! Figures and dates as people type them, over the API: each refusal names its own field, and
//! a date is `YYYY-MM-DD` exactly (`2025-1-6` and `+002025-01-01` are not dates).

use picket_domain::Role;
use picket_test_support::{Api, TestApp};
use serde_json::{json, Value};

async fn setup() -> (TestApp, Api, i64) {
    let app = TestApp::spawn().await;
    let alpha = app.branch("alpha").await;
    app.user(&alpha, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.api_token("org@example.org").await);
    let (status, created) = api
        .post(
            "/api/v1/branches/alpha/disputes",
            &json!({"title": "Pay", "employer": "Council", "nation": "england", "status": "balloting"}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    (app, api, id)
}

/// The status and the field an answer names.
fn field(answer: &(u16, Value)) -> (u16, String) {
    (
        answer.0,
        answer.1["error"]["field"]
            .as_str()
            .unwrap_or("")
            .to_string(),
    )
}

#[tokio::test]
async fn each_ballot_figure_is_refused_under_its_own_name() {
    let (_app, api, id) = setup().await;
    let ballots = format!("/api/v1/branches/alpha/disputes/{id}/ballots");
    let ballot = |figures: Value| {
        let mut body = json!({"kind": "statutory", "title": "Strike ballot", "opened": "2023-08-07",
                              "closed": "2023-08-31", "entitled": 200, "entitled_reason": "members not yet imported"});
        for (k, v) in figures.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    for (figures, name) in [
        (
            json!({"cast": 100, "yes": 50, "no": 53, "spoiled": -3}),
            "spoiled",
        ),
        (
            json!({"cast": 100, "yes": 50, "no": 47, "spoiled": -3}),
            "spoiled",
        ),
        (
            json!({"cast": 100, "yes": -50, "no": 150, "spoiled": 0}),
            "yes",
        ),
        (
            json!({"cast": 100, "yes": 50, "no": -1, "spoiled": 51}),
            "no",
        ),
        (json!({"cast": -100, "yes": 0, "no": 0}), "cast"),
        (json!({"yes": 50, "no": 50, "spoiled": 0}), "cast"),
        // A figure given wrongly is named before the figures not given at all.
        (json!({"spoiled": -3}), "spoiled"),
        (json!({"yes": 50, "no": "x"}), "no"),
        (
            json!({"cast": 100, "yes": 50, "no": 50, "spoiled": "three"}),
            "spoiled",
        ),
    ] {
        let answer = api.post(&ballots, &ballot(figures.clone())).await;
        assert_eq!(
            field(&answer),
            (422, name.to_string()),
            "{figures}: {}",
            answer.1
        );
        assert!(
            answer.1["error"]["message"]
                .as_str()
                .unwrap_or("")
                .to_lowercase()
                .starts_with(&format!("{name}:")),
            "{figures}: {}",
            answer.1
        );
    }
    let (status, created) = api
        .post(
            &ballots,
            &ballot(json!({"cast": 100, "yes": 50, "no": 47, "spoiled": 3})),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let ballot_id = created["ballot"]["id"].as_i64().unwrap();
    let result = format!("/api/v1/branches/alpha/ballots/{ballot_id}/result");
    for (figures, name) in [
        (
            json!({"cast": 100, "yes": 50, "no": 53, "spoiled": -3}),
            "spoiled",
        ),
        (
            json!({"cast": 100, "yes": 50, "no": -3, "spoiled": 53}),
            "no",
        ),
    ] {
        let answer = api.post(&result, &figures).await;
        assert_eq!(
            field(&answer),
            (422, name.to_string()),
            "{figures}: {}",
            answer.1
        );
    }
}

#[tokio::test]
async fn dates_are_yyyy_mm_dd_exactly_wherever_they_are_typed() {
    let (_app, api, id) = setup().await;
    let d = format!("/api/v1/branches/alpha/disputes/{id}");
    let loose = [
        "2025-1-6",
        "+002025-01-01",
        "2025-01-6",
        "20250106",
        "06/01/2025",
    ];
    for bad in loose {
        let timeline = json!({"dated": bad, "kind": "note", "title": "Talks"});
        let answer = api.post(&format!("{d}/timeline"), &timeline).await;
        assert_eq!(field(&answer), (422, "dated".into()), "{bad}: {}", answer.1);
        let message = answer.1["error"]["message"].as_str().unwrap_or("");
        assert!(message.contains("YYYY-MM-DD"), "{message}");
        let ballot = json!({"kind": "consultative", "title": "B", "opened": bad,
                            "closed": "2025-01-31", "entitled": 10, "entitled_reason": "members not yet imported"});
        let answer = api.post(&format!("{d}/ballots"), &ballot).await;
        assert_eq!(
            field(&answer),
            (422, "opened".into()),
            "{bad}: {}",
            answer.1
        );
        let period = json!({"kind": "strike", "starts": "2025-01-06", "ends": bad, "called_out": 5, "called_out_reason": "members not yet imported"});
        let answer = api.post(&format!("{d}/action-periods"), &period).await;
        assert_eq!(field(&answer), (422, "ends".into()), "{bad}: {}", answer.1);
        let encoded = bad.replace('+', "%2B").replace('/', "%2F");
        let answer = api.get(&format!("{d}?as_of={encoded}")).await;
        assert_eq!(field(&answer), (422, "as_of".into()), "{bad}: {}", answer.1);
    }
    let timeline = json!({"dated": "2025-01-06", "kind": "note", "title": "Talks"});
    assert_eq!(api.post(&format!("{d}/timeline"), &timeline).await.0, 201);
    assert_eq!(api.get(&format!("{d}?as_of=2025-01-06")).await.0, 200);
}
