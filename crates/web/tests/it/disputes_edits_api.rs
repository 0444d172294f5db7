//! Editing and deleting a dispute's records over the JSON API (audited, organisers only, 422
//! naming the field), marking bank holidays as strike days one at a time, and participation
//! records changing the striker-days with the formula shown.

use picket_domain::Role;
use picket_store::PageRequest;
use picket_test_support::TestApp;
use reqwest::Method;
use serde_json::{json, Value};

struct Api {
    app: TestApp,
    token: String,
    dispute: i64,
}

impl Api {
    async fn new() -> Api {
        let app = TestApp::spawn().await;
        let north = app.branch("northfield").await;
        app.user(&north, "org@example.org", Role::Organiser).await;
        let token = app.api_token("org@example.org").await;
        let mut api = Api {
            app,
            token,
            dispute: 0,
        };
        let (status, made) = api
            .send(
                Method::POST,
                "",
                json!({"title": "Recruitment and retention", "employer": "Borough council",
                       "nation": "england", "status": "in-action"}),
            )
            .await;
        assert_eq!(status, 201, "{made}");
        api.dispute = made["id"].as_i64().unwrap();
        api
    }

    /// Sends to `/api/v1/branches/northfield/disputes{/id}{path}` as `token`.
    async fn send_as(&self, token: &str, method: Method, path: &str, body: Value) -> (u16, Value) {
        let base = if self.dispute == 0 {
            "/api/v1/branches/northfield/disputes".to_string()
        } else {
            format!("/api/v1/branches/northfield/disputes/{}", self.dispute)
        };
        self.app
            .api(token)
            .call(method, &format!("{base}{path}"), &body)
            .await
    }

    async fn send(&self, method: Method, path: &str, body: Value) -> (u16, Value) {
        self.send_as(&self.token.clone(), method, path, body).await
    }

    async fn view(&self) -> Value {
        self.send(Method::GET, "", Value::Null).await.1
    }

    async fn created(&self, path: &str, body: Value) -> i64 {
        let (status, v) = self.send(Method::POST, path, body).await;
        assert_eq!(status, 201, "{path}: {v}");
        v["id"]
            .as_i64()
            .or(v["ballot"]["id"].as_i64())
            .or(v["period"]["id"].as_i64())
            .unwrap()
    }

    async fn refused(&self, method: Method, path: &str, body: Value, field: &str) {
        let (status, err) = self.send(method, path, body).await;
        assert_eq!(status, 422, "{path}: {err}");
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
}

#[tokio::test]
async fn parties_claims_timeline_and_rates_are_edited_and_deleted() {
    let api = Api::new().await;
    let party = api
        .created(
            "/parties",
            json!({"kind": "decision-maker", "name": "A. Chief", "detail": "Chief Executive",
                   "email": "ce@example.org"}),
        )
        .await;
    let (status, _) = api
        .send(
            Method::PUT,
            &format!("/parties/{party}"),
            json!({"kind": "decision-maker", "name": "B. Chief", "detail": "Interim Chief Executive",
                   "email": "interim@example.org", "address": "Town Hall"}),
        )
        .await;
    assert_eq!(status, 204);
    api.refused(
        Method::PUT,
        &format!("/parties/{party}"),
        json!({"kind": "decision-maker", "name": "B. Chief", "email": "not an email"}),
        "email",
    )
    .await;
    let view = api.view().await;
    assert_eq!(view["parties"][0]["name"], "B. Chief");
    assert_eq!(view["parties"][0]["email"], "interim@example.org");
    assert_eq!(view["parties"][0]["address"], "Town Hall");

    let claim = api
        .created(
            "/claims",
            json!({"kind": "claim", "dated": "2023-03-01", "summary": "Retention payment", "status": "tabled"}),
        )
        .await;
    let (status, _) = api
        .send(
            Method::PUT,
            &format!("/claims/{claim}"),
            json!({"kind": "offer", "dated": "2024-05-17", "summary": "5%", "status": "rejected"}),
        )
        .await;
    assert_eq!(status, 204);
    api.refused(
        Method::PUT,
        &format!("/claims/{claim}"),
        json!({"kind": "offer", "dated": "2024-02-30", "summary": "5%", "status": "rejected"}),
        "dated",
    )
    .await;
    let event = api
        .created(
            "/timeline",
            json!({"dated": "2023-05-18", "kind": "meeting", "title": "Meeting"}),
        )
        .await;
    let rate = api
        .created(
            "/rates",
            json!({"label": "service-user contacts", "per_worker_day": 10}),
        )
        .await;
    let (status, _) = api
        .send(
            Method::PUT,
            &format!("/rates/{rate}"),
            json!({"label": "home visits", "per_worker_day": 2.5}),
        )
        .await;
    assert_eq!(status, 204);
    api.refused(
        Method::PUT,
        &format!("/rates/{rate}"),
        json!({"label": "home visits", "per_worker_day": "lots"}),
        "per_worker_day",
    )
    .await;
    let view = api.view().await;
    assert_eq!(view["claims"][0]["kind"], "offer");
    assert_eq!(view["claims"][0]["status"], "rejected");
    assert_eq!(view["rates"][0]["per_worker_day_hundredths"], 250);
    assert_eq!(view["impact"]["estimates"][0]["label"], "home visits");

    // A member reads but may not change or delete.
    let north = api.app.store().branch_by_slug("northfield").await.unwrap();
    api.app
        .user(&north, "member@example.org", Role::Member)
        .await;
    let member = api.app.api_token("member@example.org").await;
    let (status, _) = api
        .send_as(
            &member,
            Method::DELETE,
            &format!("/parties/{party}"),
            Value::Null,
        )
        .await;
    assert_eq!(status, 403);

    for path in [
        format!("/parties/{party}"),
        format!("/claims/{claim}"),
        format!("/timeline/{event}"),
        format!("/rates/{rate}"),
    ] {
        let (status, _) = api.send(Method::DELETE, &path, Value::Null).await;
        assert_eq!(status, 204, "{path}");
        let (status, _) = api.send(Method::DELETE, &path, Value::Null).await;
        assert_eq!(status, 404, "{path} is gone");
    }
    let view = api.view().await;
    for list in ["parties", "claims", "timeline", "rates"] {
        assert!(view[list].as_array().unwrap().is_empty(), "{list}: {view}");
    }
    let actions: Vec<String> = api
        .app
        .store()
        .audit_entries(None, PageRequest::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in [
        "dispute.party.edit",
        "dispute.party.delete",
        "dispute.claim.edit",
        "dispute.claim.delete",
        "dispute.timeline.delete",
        "dispute.rate.edit",
        "dispute.rate.delete",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
}

#[tokio::test]
async fn ballots_questions_and_periods_are_edited_and_deleted() {
    let api = Api::new().await;
    let ballot = api
        .created(
            "/ballots",
            json!({"kind": "statutory", "title": "Strike ballot", "opened": "2023-08-07",
                   "closed": "2023-08-31", "entitled": 19, "entitled_reason": "members not yet imported", "cast": 15, "yes": 15, "no": 0,
                   "result_to_employer": "2023-09-01"}),
        )
        .await;
    // A turnout below half gives no mandate: the answer follows the edit.
    let (status, edited) = api
        .send(
            Method::PUT,
            &format!("/ballots/{ballot}"),
            json!({"kind": "statutory", "title": "Strike ballot", "opened": "2023-08-07",
                   "closed": "2023-08-31", "entitled": 19, "entitled_reason": "members not yet imported", "cast": 9, "yes": 9, "no": 0,
                   "result_to_employer": "2023-09-01"}),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["assessment"]["valid_mandate"], false);
    assert_eq!(edited["assessment"]["turnout_percent"], json!(47.37));
    api.refused(
        Method::PUT,
        &format!("/ballots/{ballot}"),
        json!({"kind": "statutory", "title": "Strike ballot", "opened": "2023-08-07",
               "closed": "2023-08-31", "entitled": 19, "entitled_reason": "members not yet imported", "cast": 25, "yes": 25, "no": 0}),
        "cast",
    )
    .await;
    let (status, q) = api
        .app
        .api(&api.token)
        .post(
            &format!("/api/v1/branches/northfield/ballots/{ballot}/questions"),
            &json!({"question": "Considered leaving?", "answer": "Yes", "percent": 100}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = api
        .send(
            Method::DELETE,
            &format!("/questions/{}", q["id"]),
            Value::Null,
        )
        .await;
    assert_eq!(status, 204);

    let period = api
        .created(
            "/action-periods",
            json!({"kind": "strike", "starts": "2024-04-15", "ends": "2024-04-19", "called_out": 15, "called_out_reason": "members not yet imported"}),
        )
        .await;
    let (status, view) = api
        .send(
            Method::PUT,
            &format!("/action-periods/{period}"),
            json!({"kind": "strike", "starts": "2024-04-15", "ends": "2024-04-26", "called_out": 12, "called_out_reason": "members not yet imported",
                   "ballot_id": ballot}),
        )
        .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["days"], 10);
    assert_eq!(view["striker_days"], 120);
    assert_eq!(view["period"]["ballot_id"], ballot);
    api.refused(
        Method::PUT,
        &format!("/action-periods/{period}"),
        json!({"kind": "strike", "starts": "2024-04-15", "ends": "2024-04-01", "called_out": 12, "called_out_reason": "members not yet imported"}),
        "ends",
    )
    .await;
    let (status, _) = api
        .send(Method::DELETE, &format!("/ballots/{ballot}"), Value::Null)
        .await;
    assert_eq!(status, 204);
    let view = api.view().await;
    assert!(view["ballots"].as_array().unwrap().is_empty());
    assert_eq!(view["periods"][0]["period"]["ballot_id"], Value::Null);
    let (status, _) = api
        .send(
            Method::DELETE,
            &format!("/action-periods/{period}"),
            Value::Null,
        )
        .await;
    assert_eq!(status, 204);
    assert!(api.view().await["periods"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_bank_holiday_is_marked_and_unmarked_as_a_strike_day() {
    let api = Api::new().await;
    let period = api
        .created(
            "/action-periods",
            json!({"kind": "strike", "starts": "2024-05-13", "ends": "2024-06-01", "called_out": 10, "called_out_reason": "members not yet imported"}),
        )
        .await;
    let holiday = format!("/action-periods/{period}/strike-holidays/2024-05-27");
    assert_eq!(api.view().await["periods"][0]["days"], 14);
    let (status, marked) = api.send(Method::PUT, &holiday, Value::Null).await;
    assert_eq!(status, 200, "{marked}");
    assert_eq!(marked["days"], 15);
    assert_eq!(
        marked["period"]["holidays_as_strike"],
        json!(["2024-05-27"])
    );
    assert!(marked["rule"].as_str().unwrap().contains("2024-05-27"));
    // Marking twice is harmless.
    let (_, again) = api.send(Method::PUT, &holiday, Value::Null).await;
    assert_eq!(again["days"], 15);
    assert_eq!(api.view().await["impact"]["strike_days"]["value"], "15");
    let (status, unmarked) = api.send(Method::DELETE, &holiday, Value::Null).await;
    assert_eq!(status, 200);
    assert_eq!(unmarked["days"], 14);
    assert_eq!(unmarked["striker_days"], 140);

    for day in ["2024-05-14", "2024-08-26", "2024-13-01"] {
        api.refused(
            Method::PUT,
            &format!("/action-periods/{period}/strike-holidays/{day}"),
            Value::Null,
            "date",
        )
        .await;
    }
    let (status, _) = api
        .send(
            Method::PUT,
            &format!("/action-periods/{}/strike-holidays/2024-05-27", period + 99),
            Value::Null,
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn participation_records_change_the_striker_days_and_say_so() {
    let api = Api::new().await;
    let period = api
        .created(
            "/action-periods",
            json!({"kind": "strike", "starts": "2024-04-15", "ends": "2024-04-19", "called_out": 20, "called_out_reason": "members not yet imported"}),
        )
        .await;
    let north = api.app.store().branch_by_slug("northfield").await.unwrap();
    api.app.user(&north, "rep@example.org", Role::Rep).await;
    api.app
        .user(&north, "member@example.org", Role::Member)
        .await;
    let rep = api.app.api_token("rep@example.org").await;
    let member = api.app.api_token("member@example.org").await;
    let path = format!("/action-periods/{period}/participation");

    let view = api.view().await;
    assert_eq!(view["periods"][0]["striker_days"], 100);
    assert_eq!(view["periods"][0]["striker_days_source"], "called-out");
    assert!(view["impact"]["striker_days"]["working"]
        .as_str()
        .unwrap()
        .starts_with("members called out × strike days"));

    let (status, _) = api
        .send_as(&member, Method::POST, &path, json!({"took_part": 5}))
        .await;
    assert_eq!(status, 403, "members do not record participation");
    let (status, whole) = api
        .send_as(&rep, Method::POST, &path, json!({"took_part": 18}))
        .await;
    assert_eq!(status, 201, "{whole}");
    let view = api.view().await;
    assert_eq!(view["periods"][0]["striker_days"], 90);
    assert_eq!(view["periods"][0]["striker_days_source"], "participation");
    assert_eq!(view["impact"]["striker_days"]["value"], "90");
    assert!(view["impact"]["striker_days"]["working"]
        .as_str()
        .unwrap()
        .starts_with("from the counts of who took part typed in"));
    assert_eq!(view["impact"]["striker_days_basis"], "counts");

    let (status, day) = api
        .send_as(
            &rep,
            Method::POST,
            &path,
            json!({"day": "2024-04-15", "took_part": 20}),
        )
        .await;
    assert_eq!(status, 201);
    let view = api.view().await;
    assert_eq!(view["periods"][0]["striker_days"], 20 + 18 * 4);
    assert!(view["periods"][0]["striker_days_working"]
        .as_str()
        .unwrap()
        .contains("18 took part (period record) × 4 days"));

    for (body, field) in [
        (json!({"took_part": 21}), "took_part"),
        (json!({"took_part": "many"}), "took_part"),
        (json!({"day": "2024-04-20", "took_part": 3}), "day"),
        (json!({"day": "2024-04-22", "took_part": 3}), "day"),
        (json!({"day": "15/04/2024", "took_part": 3}), "day"),
    ] {
        let (status, err) = api.send_as(&rep, Method::POST, &path, body.clone()).await;
        assert_eq!(status, 422, "{body}: {err}");
        assert_eq!(err["error"]["field"], field, "{err}");
    }

    let (status, _) = api
        .send_as(
            &rep,
            Method::DELETE,
            &format!("/participation/{}", day["id"]),
            Value::Null,
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = api
        .send_as(
            &rep,
            Method::DELETE,
            &format!("/participation/{}", whole["id"]),
            Value::Null,
        )
        .await;
    assert_eq!(status, 204);
    let view = api.view().await;
    assert_eq!(view["periods"][0]["striker_days"], 100);
    assert_eq!(view["periods"][0]["striker_days_source"], "called-out");
}

#[tokio::test]
async fn the_openapi_document_lists_the_edits() {
    let api = Api::new().await;
    let (_, doc) = api.app.api(&api.token).get("/api/v1/openapi.json").await;
    let ops: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|p| p.as_object().unwrap().values())
        .filter_map(|o| o["operationId"].as_str())
        .collect();
    for op in [
        "updateParty",
        "deleteParty",
        "updateClaim",
        "deleteClaim",
        "deleteTimelineEntry",
        "updateImpactRate",
        "deleteImpactRate",
        "updateBallot",
        "deleteBallot",
        "deleteSurveyQuestion",
        "updateActionPeriod",
        "deleteActionPeriod",
        "markHolidayAsStrikeDay",
        "unmarkHolidayAsStrikeDay",
        "recordParticipation",
        "deleteParticipation",
    ] {
        assert!(ops.contains(&op), "{op} missing from {ops:?}");
    }
}
