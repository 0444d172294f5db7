//! Disputes over the JSON API: ballots with the law engine's answer, validation naming the
//! field, periods of action with notice deadlines, warnings and strike-day counts.

use picket_domain::Role;
use picket_test_support::{Api, TestApp};
use serde_json::{json, Value};

/// An app with an organiser of northfield, their API, and a dispute of theirs.
async fn setup() -> (TestApp, Api, i64) {
    let app = TestApp::spawn().await;
    let north = app.branch("northfield").await;
    app.user(&north, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.api_token("org@example.org").await);
    let id = create_dispute(&api).await;
    (app, api, id)
}

async fn create_dispute(api: &Api) -> i64 {
    let (status, created) = api
        .post(
            "/api/v1/branches/northfield/disputes",
            &json!({"title": "Recruitment and retention", "employer": "Borough council",
                    "nation": "england", "status": "balloting"}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    created["id"].as_i64().expect("dispute id")
}

#[tokio::test]
async fn a_ballot_is_assessed_and_bad_figures_name_their_field() {
    let (_app, api, id) = setup().await;
    let url = format!("/api/v1/branches/northfield/disputes/{id}/ballots");
    let (status, ballot) = api
        .post(
            &url,
            &json!({"kind": "statutory", "title": "Strike ballot", "opened": "2023-08-07",
                    "closed": "2023-08-31", "entitled": 19, "entitled_reason": "members not yet imported", "cast": 15, "yes": 15, "no": 0,
                    "result_to_employer": "2023-09-01"}),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(ballot["assessment"]["turnout_percent"], json!(78.95));
    assert_eq!(ballot["assessment"]["valid_mandate"], json!(true));
    assert_eq!(
        ballot["assessment"]["mandate_last_day"],
        json!("2024-02-28")
    );
    assert!(ballot["steps"].as_array().unwrap().len() >= 3, "{ballot}");

    let (_, list) = api.get(&url).await;
    assert_eq!(list[0]["assessment"]["turnout_percent"], json!(78.95));

    for (body, field) in [
        (
            json!({"kind": "statutory", "title": "x", "opened": "2023-08-07", "closed": "2023-08-31",
                "entitled": 19, "entitled_reason": "members not yet imported", "cast": 20, "yes": 20, "no": 0}),
            "cast",
        ),
        (
            json!({"kind": "statutory", "title": "x", "opened": "2023-08-07", "closed": "2023-08-01",
                "entitled": 19, "entitled_reason": "members not yet imported"}),
            "closed",
        ),
        (
            json!({"kind": "statutory", "title": "x", "opened": "2023-08-07", "closed": "2023-08-31",
                "entitled": 19, "entitled_reason": "members not yet imported", "cast": 15, "yes": 10, "no": 3, "spoiled": 1}),
            "cast",
        ),
        (
            json!({"kind": "statutory", "title": "x", "opened": "1990-08-07", "closed": "2023-08-31",
                "entitled": 19, "entitled_reason": "members not yet imported"}),
            "opened",
        ),
        (
            json!({"kind": "referendum", "title": "x", "opened": "2023-08-07", "closed": "2023-08-31",
                "entitled": 19, "entitled_reason": "members not yet imported"}),
            "kind",
        ),
    ] {
        let (status, err) = api.post(&url, &body).await;
        assert_eq!(status, 422, "{body}");
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
    let (status, err) = api.post_raw(&url, "{not json").await;
    assert_eq!(status, 422);
    assert_eq!(err["error"]["field"], "body");
}

#[tokio::test]
async fn periods_carry_notice_deadlines_warnings_and_cumulative_strike_days() {
    let (_app, api, id) = setup().await;
    let (status, _) = api
        .post(
            &format!("/api/v1/branches/northfield/disputes/{id}/ballots"),
            &json!({"kind": "statutory", "title": "Re-ballot", "opened": "2024-02-12",
                    "closed": "2024-03-08", "entitled": 22, "entitled_reason": "members not yet imported", "cast": 20, "yes": 20, "no": 0,
                    "result_to_employer": "2024-03-11"}),
        )
        .await;
    assert_eq!(status, 201);
    let periods = format!("/api/v1/branches/northfield/disputes/{id}/action-periods");
    let (_, first) = api
        .post(
            &periods,
            &json!({"kind": "strike", "starts": "2024-04-15", "ends": "2024-04-26",
                    "called_out": 15, "called_out_reason": "members not yet imported", "notice_received": "2024-03-28"}),
        )
        .await;
    assert_eq!(first["days"], 10);
    assert_eq!(first["notice"]["notice_received_by"], "2024-04-01");
    assert_eq!(first["inside_mandate"], true);
    assert!(first["warnings"].as_array().unwrap().is_empty(), "{first}");

    // Late notice, and a bank holiday counted as a strike day.
    let (status, second) = api
        .post(
            &periods,
            &json!({"kind": "strike", "starts": "2024-05-13", "ends": "2024-06-01",
                    "called_out": 15, "called_out_reason": "members not yet imported", "notice_received": "2024-05-06",
                    "holidays_as_strike": ["2024-05-27"]}),
        )
        .await;
    assert_eq!(status, 201);
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
    let (_, third) = api
        .post(
            &periods,
            &json!({"kind": "strike", "starts": "2024-09-16", "ends": "2024-09-20",
                    "called_out": 15, "called_out_reason": "members not yet imported", "notice_received": "2024-08-30"}),
        )
        .await;
    assert_eq!(third["inside_mandate"], false, "{third}");
    assert!(
        third["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "mandate-expired"),
        "{third}"
    );

    let (status, err) = api
        .post(
            &periods,
            &json!({"kind": "strike", "starts": "2024-05-13", "ends": "2024-05-17",
                    "called_out": 15, "called_out_reason": "members not yet imported", "holidays_as_strike": ["2024-05-14"]}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(err["error"]["field"], "holidays_as_strike");

    let (_, view) = api
        .get(&format!(
            "/api/v1/branches/northfield/disputes/{id}?as_of=2024-05-01"
        ))
        .await;
    assert_eq!(view["headline"]["days_so_far"]["value"], "10");
    assert_eq!(view["headline"]["mandate_last_day"]["value"], "2024-09-07");
    assert_eq!(view["headline"]["next_notice"]["value"], "2024-04-29");
    assert!(view["headline"]["mandate_last_day"]["working"]
        .as_str()
        .unwrap()
        .contains("6 months"));
    // Impact as of 1 May 2024 too: the 10 strike days before it, 15 called out.
    assert_eq!(view["impact"]["strike_days"]["value"], "10");
    assert_eq!(view["impact"]["striker_days"]["value"], "150");
}

#[tokio::test]
async fn another_branch_cannot_see_or_write_a_dispute() {
    let (app, _api, id) = setup().await;
    let south = app.branch("southgate").await;
    app.user(&south, "other@example.org", Role::Organiser).await;
    let other = app.api(&app.api_token("other@example.org").await);
    for path in [
        format!("/api/v1/branches/northfield/disputes/{id}"),
        format!("/api/v1/branches/southgate/disputes/{id}"),
    ] {
        assert_eq!(other.get(&path).await.0, 404, "{path}");
    }
    let (status, _) = other
        .post(
            &format!("/api/v1/branches/southgate/disputes/{id}/timeline"),
            &json!({"dated": "2024-01-01", "kind": "note", "title": "x"}),
        )
        .await;
    assert_eq!(status, 404);
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/v1/branches/{branch}/disputes/{id}/action-periods"].is_object());
}

#[tokio::test]
async fn steps_are_marked_done_and_claims_change_status() {
    let (_app, api, id) = setup().await;
    let (_, ballot) = api
        .post(
            &format!("/api/v1/branches/northfield/disputes/{id}/ballots"),
            &json!({"kind": "statutory", "title": "Ballot", "opened": "2023-08-07",
                    "closed": "2023-08-31", "entitled": 19, "entitled_reason": "members not yet imported"}),
        )
        .await;
    assert!(
        ballot["assessment"].is_null(),
        "no answer before the result"
    );
    let step = ballot["steps"][0]["id"].as_i64().unwrap();
    assert_eq!(
        ballot["steps"][0]["due"], "2023-07-31",
        "notice of ballot by the 7th day before opening"
    );
    let step_url = format!("/api/v1/branches/northfield/ballot-steps/{step}");
    assert_eq!(
        api.post(&step_url, &json!({"done": "2023-07-28"})).await.0,
        204
    );
    let (status, err) = api.post(&step_url, &json!({"done": "28/07/2023"})).await;
    assert_eq!(status, 422);
    assert_eq!(err["error"]["field"], "done");
    let (_, ballots) = api
        .get(&format!(
            "/api/v1/branches/northfield/disputes/{id}/ballots"
        ))
        .await;
    assert_eq!(ballots[0]["steps"][0]["done"], "2023-07-28");

    let (_, result) = api
        .post(
            &format!(
                "/api/v1/branches/northfield/ballots/{}/result",
                ballot["ballot"]["id"]
            ),
            &json!({"cast": 15, "yes": 15, "no": 0, "result_to_employer": "2023-09-01"}),
        )
        .await;
    assert_eq!(result["assessment"]["turnout_percent"], json!(78.95));

    let (_, claim) = api
        .post(
            &format!("/api/v1/branches/northfield/disputes/{id}/claims"),
            &json!({"kind": "offer", "dated": "2024-05-17", "summary": "5%", "status": "tabled"}),
        )
        .await;
    let status_url = format!(
        "/api/v1/branches/northfield/disputes/{id}/claims/{}/status",
        claim["id"]
    );
    assert_eq!(
        api.post(&status_url, &json!({"status": "rejected"}))
            .await
            .0,
        204
    );
    assert_eq!(
        api.post(&status_url, &json!({"status": "sulking"})).await.0,
        422
    );
    let (_, view) = api
        .get(&format!("/api/v1/branches/northfield/disputes/{id}"))
        .await;
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
    let api = app.api(&app.api_token("org@example.org").await);
    let id = create_dispute(&api).await;
    let (_, period) = api
        .post(
            &format!("/api/v1/branches/northfield/disputes/{id}/action-periods"),
            &json!({"kind": "strike", "starts": "2024-04-15", "ends": "2024-04-26", "called_out": 15, "called_out_reason": "members not yet imported"}),
        )
        .await;
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

/// The type a property of a body schema is documented with (`["integer", "null"]` reads
/// `integer`).
fn documented_type(doc: &Value, schema: &str, property: &str) -> String {
    let p = &doc["components"]["schemas"][schema]["properties"][property];
    let p = match p.get("$ref").and_then(Value::as_str) {
        Some(r) => &doc["components"]["schemas"][r.rsplit('/').next().unwrap()],
        None => p,
    };
    match &p["type"] {
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or_default()
            .to_string(),
        other => other.as_str().unwrap_or_default().to_string(),
    }
}

#[tokio::test]
async fn bodies_take_typed_values_and_a_wrong_type_names_its_field() {
    let (app, api, id) = setup().await;
    let base = format!("/api/v1/branches/northfield/disputes/{id}");
    let period = json!({"kind": "strike", "starts": "2024-05-13", "ends": "2024-05-17",
                        "called_out": 15, "called_out_reason": "members not yet imported", "notice_received": "2024-04-26"});
    let (status, made) = api.post(&format!("{base}/action-periods"), &period).await;
    assert_eq!(status, 201, "{made}");
    let entry = json!({"dated": "2024-01-15", "kind": "meeting", "title": "Talks"});
    let ballot = json!({"kind": "survey", "title": "Survey", "opened": "2024-01-08",
                        "closed": "2024-01-19", "entitled": 20, "entitled_reason": "members not yet imported"});
    let with = |body: &Value, key: &str, value: Value| {
        let mut body = body.clone();
        body[key] = value;
        body
    };
    for (path, body, field) in [
        (
            "action-periods",
            with(&period, "called_out", json!("15")),
            "called_out",
        ),
        (
            "action-periods",
            with(&period, "ballot_id", json!("3")),
            "ballot_id",
        ),
        (
            "action-periods",
            with(&period, "holidays_as_strike", json!("2024-05-14")),
            "holidays_as_strike",
        ),
        ("timeline", with(&entry, "public", json!("on")), "public"),
        (
            "ballots",
            with(&ballot, "entitled", json!("20")),
            "entitled",
        ),
        (
            "ballots",
            with(&ballot, "welsh_devolved", json!(1)),
            "welsh_devolved",
        ),
        (
            "rates",
            json!({"label": "visits", "per_worker_day": "2.5"}),
            "per_worker_day",
        ),
        (
            "parties",
            json!({"kind": "decision-maker", "name": "Duty", "headcount": "11"}),
            "headcount",
        ),
    ] {
        let (status, err) = api.post(&format!("{base}/{path}"), &body).await;
        assert_eq!(status, 422, "{body}: {err}");
        assert_eq!(err["error"]["code"], "validation", "{err}");
        assert_eq!(err["error"]["field"], field, "{body}: {err}");
        let message = err["error"]["message"].as_str().unwrap().to_lowercase();
        assert!(message.starts_with(&format!("{field}: ")), "{message}");
    }
    // A body that is not an object names the body.
    let (status, err) = api.post(&format!("{base}/timeline"), &json!([1, 2])).await;
    assert_eq!(
        (status, err["error"]["field"].clone()),
        (422, json!("body"))
    );
    // Nothing was stored by the refused bodies.
    let (_, view) = api.get(&base).await;
    assert_eq!(view["periods"].as_array().unwrap().len(), 1, "{view}");
    assert!(view["timeline"].as_array().unwrap().is_empty());
    assert!(view["ballots"].as_array().unwrap().is_empty());

    // The document gives each field its type.
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for (schema, property, kind) in [
        ("PeriodBody", "called_out", "integer"),
        ("PeriodBody", "ballot_id", "integer"),
        ("PeriodBody", "starts", "string"),
        ("PeriodBody", "holidays_as_strike", "array"),
        ("EventBody", "public", "boolean"),
        ("BallotBody", "entitled", "integer"),
        ("BallotBody", "welsh_devolved", "boolean"),
        ("RateBody", "per_worker_day", "number"),
        ("ResultBody", "cast", "integer"),
        ("ParticipationBody", "took_part", "integer"),
    ] {
        assert_eq!(
            documented_type(&doc, schema, property),
            kind,
            "{schema}.{property}: {}",
            doc["components"]["schemas"][schema]
        );
    }
}
