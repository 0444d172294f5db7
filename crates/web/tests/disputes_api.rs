//! Disputes over the JSON API: ballots with the law engine's answer, validation naming the
//! field, periods of action with notice deadlines, warnings and strike-day counts.

use picket_domain::Role;
use picket_test_support::TestApp;
use serde_json::{json, Value};

async fn setup() -> (TestApp, String, i64) {
    let app = TestApp::spawn().await;
    let north = app.branch("northfield").await;
    app.user(&north, "org@example.org", Role::Organiser).await;
    let token = app.api_token("org@example.org").await;
    let created: Value = reqwest::Client::new()
        .post(app.url("/api/v1/branches/northfield/disputes"))
        .bearer_auth(&token)
        .json(
            &json!({"title": "Recruitment and retention", "employer": "Borough council",
                      "nation": "england", "status": "balloting"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().expect("dispute id");
    (app, token, id)
}

#[tokio::test]
async fn a_ballot_is_assessed_and_bad_figures_name_their_field() {
    let (app, token, id) = setup().await;
    let client = reqwest::Client::new();
    let url = app.url(&format!(
        "/api/v1/branches/northfield/disputes/{id}/ballots"
    ));
    let res = client
        .post(&url)
        .bearer_auth(&token)
        .json(
            &json!({"kind": "statutory", "title": "Strike ballot", "opened": "2023-08-07",
                      "closed": "2023-08-31", "entitled": 19, "cast": 15, "yes": 15, "no": 0,
                      "result_to_employer": "2023-09-01"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let ballot: Value = res.json().await.unwrap();
    assert_eq!(ballot["assessment"]["turnout_percent"], json!(78.95));
    assert_eq!(ballot["assessment"]["valid_mandate"], json!(true));
    assert_eq!(
        ballot["assessment"]["mandate_last_day"],
        json!("2024-02-28")
    );
    assert!(ballot["steps"].as_array().unwrap().len() >= 3, "{ballot}");

    let list: Value = client
        .get(&url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["assessment"]["turnout_percent"], json!(78.95));

    for (body, field) in [
        (
            json!({"kind": "statutory", "title": "x", "opened": "2023-08-07", "closed": "2023-08-31",
                "entitled": 19, "cast": 20, "yes": 20, "no": 0}),
            "cast",
        ),
        (
            json!({"kind": "statutory", "title": "x", "opened": "2023-08-07", "closed": "2023-08-01",
                "entitled": 19}),
            "closed",
        ),
        (
            json!({"kind": "statutory", "title": "x", "opened": "2023-08-07", "closed": "2023-08-31",
                "entitled": 19, "cast": 15, "yes": 10, "no": 3, "spoiled": 1}),
            "cast",
        ),
        (
            json!({"kind": "statutory", "title": "x", "opened": "1990-08-07", "closed": "2023-08-31",
                "entitled": 19}),
            "opened",
        ),
        (
            json!({"kind": "referendum", "title": "x", "opened": "2023-08-07", "closed": "2023-08-31",
                "entitled": 19}),
            "kind",
        ),
    ] {
        let res = client
            .post(&url)
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422, "{body}");
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["error"]["code"], "validation");
        assert_eq!(err["error"]["field"], field, "{err}");
        assert!(
            err["error"]["message"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains(field),
            "{err}"
        );
    }
    let res = client
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"]["field"], "body");
}

#[tokio::test]
async fn periods_carry_notice_deadlines_warnings_and_cumulative_strike_days() {
    let (app, token, id) = setup().await;
    let client = reqwest::Client::new();
    let ballots = app.url(&format!(
        "/api/v1/branches/northfield/disputes/{id}/ballots"
    ));
    let res = client
        .post(&ballots)
        .bearer_auth(&token)
        .json(
            &json!({"kind": "statutory", "title": "Re-ballot", "opened": "2024-02-12",
                      "closed": "2024-03-08", "entitled": 22, "cast": 20, "yes": 20, "no": 0,
                      "result_to_employer": "2024-03-11"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let periods = app.url(&format!(
        "/api/v1/branches/northfield/disputes/{id}/action-periods"
    ));
    let first: Value = client
        .post(&periods)
        .bearer_auth(&token)
        .json(
            &json!({"kind": "strike", "starts": "2024-04-15", "ends": "2024-04-26",
                      "called_out": 15, "notice_received": "2024-03-28"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(first["days"], 10);
    assert_eq!(first["notice"]["notice_received_by"], "2024-04-01");
    assert_eq!(first["inside_mandate"], true);
    assert!(first["warnings"].as_array().unwrap().is_empty(), "{first}");

    // Late notice, and a bank holiday counted as a strike day.
    let res = client
        .post(&periods)
        .bearer_auth(&token)
        .json(
            &json!({"kind": "strike", "starts": "2024-05-13", "ends": "2024-06-01",
                      "called_out": 15, "notice_received": "2024-05-06",
                      "holidays_as_strike": "2024-05-27"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let second: Value = res.json().await.unwrap();
    assert_eq!(second["notice"]["notice_received_by"], "2024-04-29");
    assert_eq!(second["days"], 15);
    assert_eq!(second["cumulative_strike_days"], 25);
    assert!(
        second["rule"].as_str().unwrap().contains("2024-05-27"),
        "{second}"
    );
    let codes: Vec<&str> = second["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"notice-too-late"), "{codes:?}");

    // Past the mandate (ends 7 Sep 2024).
    let third: Value = client
        .post(&periods)
        .bearer_auth(&token)
        .json(
            &json!({"kind": "strike", "starts": "2024-09-16", "ends": "2024-09-20",
                      "called_out": 15, "notice_received": "2024-08-30"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(third["inside_mandate"], false, "{third}");
    assert!(
        third["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "mandate-expired"),
        "{third}"
    );

    let res = client
        .post(&periods)
        .bearer_auth(&token)
        .json(
            &json!({"kind": "strike", "starts": "2024-05-13", "ends": "2024-05-17",
                      "called_out": 15, "holidays_as_strike": "2024-05-14"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"]["field"], "holidays_as_strike");

    let view: Value = client
        .get(app.url(&format!(
            "/api/v1/branches/northfield/disputes/{id}?as_of=2024-05-01"
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view["headline"]["days_so_far"]["value"], "10");
    assert_eq!(view["headline"]["mandate_last_day"]["value"], "2024-09-07");
    assert_eq!(view["headline"]["next_notice"]["value"], "2024-04-29");
    assert!(view["headline"]["mandate_last_day"]["working"]
        .as_str()
        .unwrap()
        .contains("6 months"));
    assert_eq!(view["impact"]["strike_days"]["value"], "30");
    assert_eq!(view["impact"]["striker_days"]["value"], "450");
}

#[tokio::test]
async fn another_branch_cannot_see_or_write_a_dispute() {
    let (app, _token, id) = setup().await;
    let south = app.branch("southgate").await;
    app.user(&south, "other@example.org", Role::Organiser).await;
    let other = app.api_token("other@example.org").await;
    let client = reqwest::Client::new();
    for path in [
        format!("/api/v1/branches/northfield/disputes/{id}"),
        format!("/api/v1/branches/southgate/disputes/{id}"),
    ] {
        let res = client
            .get(app.url(&path))
            .bearer_auth(&other)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{path}");
    }
    let res = client
        .post(app.url(&format!(
            "/api/v1/branches/southgate/disputes/{id}/timeline"
        )))
        .bearer_auth(&other)
        .json(&json!({"dated": "2024-01-01", "kind": "note", "title": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let doc: Value = client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/v1/branches/{branch}/disputes/{id}/action-periods"].is_object());
}

#[tokio::test]
async fn steps_are_marked_done_and_claims_change_status() {
    let (app, token, id) = setup().await;
    let client = reqwest::Client::new();
    let ballot: Value = client
        .post(app.url(&format!(
            "/api/v1/branches/northfield/disputes/{id}/ballots"
        )))
        .bearer_auth(&token)
        .json(
            &json!({"kind": "statutory", "title": "Ballot", "opened": "2023-08-07",
                      "closed": "2023-08-31", "entitled": 19}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        ballot["assessment"].is_null(),
        "no answer before the result"
    );
    let step = ballot["steps"][0]["id"].as_i64().unwrap();
    assert_eq!(
        ballot["steps"][0]["due"], "2023-07-31",
        "notice of ballot by the 7th day before opening"
    );
    let mark = |done: &'static str| {
        client
            .post(app.url(&format!("/api/v1/branches/northfield/ballot-steps/{step}")))
            .bearer_auth(&token)
            .json(&json!({ "done": done }))
            .send()
    };
    assert_eq!(mark("2023-07-28").await.unwrap().status(), 204);
    let res = mark("28/07/2023").await.unwrap();
    assert_eq!(res.status(), 422);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"]["field"], "done");
    let ballots: Value = client
        .get(app.url(&format!(
            "/api/v1/branches/northfield/disputes/{id}/ballots"
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ballots[0]["steps"][0]["done"], "2023-07-28");

    let result: Value = client
        .post(app.url(&format!(
            "/api/v1/branches/northfield/ballots/{}/result",
            ballot["ballot"]["id"]
        )))
        .bearer_auth(&token)
        .json(&json!({"cast": 15, "yes": 15, "no": 0, "result_to_employer": "2023-09-01"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(result["assessment"]["turnout_percent"], json!(78.95));

    let claim: Value = client
        .post(app.url(&format!("/api/v1/branches/northfield/disputes/{id}/claims")))
        .bearer_auth(&token)
        .json(&json!({"kind": "offer", "dated": "2024-05-17", "summary": "5%", "status": "tabled"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let status_url = app.url(&format!(
        "/api/v1/branches/northfield/disputes/{id}/claims/{}/status",
        claim["id"]
    ));
    let res = client
        .post(&status_url)
        .bearer_auth(&token)
        .json(&json!({"status": "rejected"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let res = client
        .post(&status_url)
        .bearer_auth(&token)
        .json(&json!({"status": "sulking"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let view: Value = client
        .get(app.url(&format!("/api/v1/branches/northfield/disputes/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view["claims"][0]["status"], "rejected");
}

#[tokio::test]
async fn one_off_holidays_from_settings_change_the_strike_day_count() {
    let app = TestApp::spawn_with(|s| {
        s.extra_holidays = vec![picket_domain::ExtraHoliday::new(
            chrono::NaiveDate::from_ymd_opt(2024, 4, 17).unwrap(),
            "Proclaimed holiday",
            vec![picket_domain::Division::EnglandAndWales],
        )];
    })
    .await;
    let north = app.branch("northfield").await;
    app.user(&north, "org@example.org", Role::Organiser).await;
    let token = app.api_token("org@example.org").await;
    let client = reqwest::Client::new();
    let created: Value = client
        .post(app.url("/api/v1/branches/northfield/disputes"))
        .bearer_auth(&token)
        .json(&json!({"title": "Pay", "employer": "Council", "nation": "england", "status": "balloting"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().unwrap();
    let period: Value = client
        .post(app.url(&format!("/api/v1/branches/northfield/disputes/{id}/action-periods")))
        .bearer_auth(&token)
        .json(&json!({"kind": "strike", "starts": "2024-04-15", "ends": "2024-04-26", "called_out": 15}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        period["days"], 9,
        "ten weekdays less the proclaimed holiday: {period}"
    );
}

#[test]
fn settings_refuse_bad_holidays_and_overrides_naming_the_key() {
    let ok = picket_web::Settings::from_toml(
        "[[extra_holidays]]\ndate = \"2026-06-15\"\nname = \"World Cup holiday\"\ndivisions = [\"scotland\"]\n\
         [law.ni_mandate_weeks]\nvalue = 6\nreason = \"Counsel's advice of 1 May 2026\"\n",
    )
    .unwrap();
    assert_eq!(ok.extra_holidays.len(), 1);
    assert!(ok.law.ni_mandate_weeks.is_some());
    let err = picket_web::Settings::from_toml("[[extra_holidays]]\ndate = \"1990-01-01\"\nname = \"Too early\"\ndivisions = [\"scotland\"]\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("extra_holidays"), "{err}");
    let err = picket_web::Settings::from_toml("[law.ni_mandate_weeks]\nvalue = 6\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("law") && err.contains("reason"), "{err}");
}
