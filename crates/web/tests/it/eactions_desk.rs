//! The organisers' side of campaigns, the correspondence log and the strike-breaking monitor,
//! in pages and over the API: forms refused with the typed values kept and nothing stored,
//! replies, the hand-in (CSV with formulas neutralised, a printable list without email
//! addresses), the overdue list, Regulation 7's dates on a report, and who may see what.

use crate::eactions_public::{campaign, follow};
use picket_domain::Role;
use picket_test_support::{BodyText, TestApp};
use serde_json::json;

async fn signed_in(app: &TestApp, email: &str) -> reqwest::Client {
    let client = app.client();
    app.login(&client, email).await;
    client
}

#[tokio::test]
async fn organisers_create_campaigns_record_replies_and_hand_in() {
    let app = TestApp::spawn().await;
    let (api, dispute, eaction) = campaign(&app, json!({})).await;
    let client = signed_in(&app, "org@example.org").await;
    let base = format!("/northfield/disputes/{dispute}/actions");

    // A new campaign refused: the form comes back with what was typed, nothing stored.
    let csrf = app.csrf_token(&client, &base).await;
    let r = client
        .post(app.url(&base))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("kind", "email"),
            ("title", "To the council leader"),
            ("subject", "Hello {nmae}"),
            ("body", "Dear leader"),
            ("delivery", "count-only"),
            ("per_hour", "30"),
            ("own_words_max", "0"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Only {name}, {postcode} and {own_words}"),
        "{html}"
    );
    assert!(
        html.contains("value=\"To the council leader\""),
        "the title is kept"
    );
    let (_, list) = api
        .get(&format!(
            "/api/v1/branches/northfield/disputes/{dispute}/eactions"
        ))
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1, "nothing stored: {list}");

    let r = client
        .post(app.url(&base))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("kind", "petition"),
            ("title", "Safe staffing petition"),
            ("body", "We call for safe staffing."),
            ("delivery", "count-only"),
            ("per_hour", ""),
            ("own_words_max", "0"),
            ("open", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .ends_with("/manage"));
    assert!(follow(&app, &client, r)
        .await
        .contains("Safe staffing petition"));

    // Signatures, one of them a name a spreadsheet would run.
    for (name, email) in [
        ("=HYPERLINK(\"x\")", "eve@example.org"),
        ("Gwen Hughes", "gwen@example.org"),
    ] {
        let (status, _) = app
            .public_api()
            .post(&format!("/api/v1/branches/northfield/disputes/{dispute}/eactions/{eaction}/signatures"), &json!({"name": name, "email": email, "postcode": "NP20 1AA", "consent": email.starts_with("gwen")}))
            .await;
        assert_eq!(status, 201);
    }
    let csv = client
        .get(app.url(&format!("{base}/{eaction}/handin.csv")))
        .body_text()
        .await;
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("name,email,postcode,own_words,signed_at,consent")
    );
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"x\"\")\",eve@example.org,NP20 1AA"),
        "{csv}"
    );
    assert!(
        csv.contains("Gwen Hughes,gwen@example.org,NP20 1AA"),
        "{csv}"
    );
    assert!(
        csv.contains(picket_domain::eactions::DEFAULT_CONSENT_WORDING),
        "consent recorded with its wording: {csv}"
    );
    let printable = client
        .get(app.url(&format!("{base}/{eaction}/handin")))
        .body_text()
        .await;
    assert!(printable.contains("Gwen Hughes") && printable.contains("NP20 1AA"));
    assert!(
        !printable.contains("@example.org"),
        "no email addresses on the printable list"
    );
    let (_, sigs) = api
        .get(&format!(
            "/api/v1/branches/northfield/disputes/{dispute}/eactions/{eaction}/signatures"
        ))
        .await;
    assert_eq!(sigs.as_array().unwrap().len(), 2);

    // A reply dated before the campaign opened is refused; a good one shows on the public page.
    let (_, detail) = api
        .get(&format!(
            "/api/v1/branches/northfield/disputes/{dispute}/eactions/{eaction}"
        ))
        .await;
    let target = detail["targets"][0]["id"].as_i64().unwrap();
    let reply_url = format!("{base}/{eaction}/targets/{target}/reply");
    let csrf = app
        .csrf_token(&client, &format!("{base}/{eaction}/manage"))
        .await;
    let r = client
        .post(app.url(&reply_url))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("received_on", "2001-01-01"),
            ("summary", "No comment"),
            ("text", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("before the campaign began") && html.contains("No comment"),
        "{html}"
    );
    let today = chrono::Utc::now().date_naive().to_string();
    let r = client
        .post(app.url(&reply_url))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("received_on", today.as_str()),
            ("summary", "Refuses to meet"),
            ("text", "Dear branch, no."),
        ])
        .send()
        .await
        .unwrap();
    assert!(follow(&app, &client, r)
        .await
        .contains("The reply is recorded"));
    let public = app
        .client()
        .get(app.url(&format!("{base}/{eaction}")))
        .body_text()
        .await;
    assert!(
        public.contains("Replied on") && public.contains("Refuses to meet"),
        "{public}"
    );
    let (_, detail) = api
        .get(&format!(
            "/api/v1/branches/northfield/disputes/{dispute}/eactions/{eaction}"
        ))
        .await;
    assert_eq!(detail["targets"][0]["reply_text"], "Dear branch, no.");
}

#[tokio::test]
async fn the_log_flags_overdue_replies_and_refuses_a_reply_by_before_sending() {
    let app = TestApp::spawn().await;
    let (api, dispute, _) = campaign(&app, json!({})).await;
    let letters = format!("/api/v1/branches/northfield/disputes/{dispute}/letters");
    let (status, r) = api
        .post(&letters, &json!({"direction": "sent", "counterpart": "Care Quality Commission", "subject": "Unsafe caseloads", "channel": "registered-post", "sent_on": "2024-05-03", "reply_by": "2024-05-01"}))
        .await;
    assert_eq!(
        (status, r["error"]["field"].as_str()),
        (422, Some("reply_by")),
        "{r}"
    );
    assert!(r["error"]["message"]
        .as_str()
        .unwrap()
        .contains("before the day the letter was sent"));
    let (_, all) = api.get(&letters).await;
    assert!(all.as_array().unwrap().is_empty(), "nothing stored");

    let (status, r) = api
        .post(&letters, &json!({"direction": "sent", "counterpart": "Care Quality Commission", "subject": "Unsafe caseloads", "channel": "registered-post", "sent_on": "2024-05-03", "proof": "AB123456789GB", "reply_by": "2024-05-31"}))
        .await;
    assert_eq!(status, 201, "{r}");
    let letter = r["id"].as_i64().unwrap();
    let (_, overdue) = api.get("/api/v1/branches/northfield/letters/overdue").await;
    assert_eq!(overdue[0]["id"].as_i64(), Some(letter), "{overdue}");
    assert_eq!(overdue[0]["shown_status"], "overdue");

    let client = signed_in(&app, "org@example.org").await;
    let page = client
        .get(app.url("/northfield/letters/overdue"))
        .body_text()
        .await;
    assert!(
        page.contains("Care Quality Commission") && page.contains("31 May 2024"),
        "{page}"
    );
    let log = format!("/northfield/disputes/{dispute}/letters");
    let csrf = app.csrf_token(&client, &log).await;
    let r = client
        .post(app.url(&format!("{log}/{letter}/status")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("status", "refused-at-reception"),
        ])
        .send()
        .await
        .unwrap();
    assert!(follow(&app, &client, r)
        .await
        .contains("Where the letter stands is changed"));
    let (_, overdue) = api.get("/api/v1/branches/northfield/letters/overdue").await;
    assert!(overdue.as_array().unwrap().is_empty(), "{overdue}");
    let html = client.get(app.url(&log)).body_text().await;
    assert!(html.contains("Refused at reception"), "{html}");

    // A refused form keeps what was typed.
    let r = client
        .post(app.url(&log))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("direction", "sent"),
            ("counterpart", "Swift Staffing Ltd"),
            ("subject", "Covering strikers' work"),
            ("channel", "email"),
            ("sent_on", "2024-05-08"),
            ("reply_by", "2024-05-07"),
            ("status", "awaiting"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("7 May 2024") && html.contains("value=\"Swift Staffing Ltd\""),
        "{html}"
    );

    let (status, _) = api
        .post(&format!("{letters}/{letter}/timeline"), &json!({}))
        .await;
    assert_eq!(status, 204);
    let (_, timeline) = api
        .get(&format!(
            "/api/v1/branches/northfield/disputes/{dispute}/timeline"
        ))
        .await;
    assert!(
        timeline.to_string().contains("Care Quality Commission"),
        "{timeline}"
    );
}

#[tokio::test]
async fn a_report_links_its_letters_and_gives_regulation_7s_dates() {
    let app = TestApp::spawn().await;
    let (api, dispute, _) = campaign(&app, json!({})).await;
    let d = format!("/api/v1/branches/northfield/disputes/{dispute}");
    let (status, r) = api.post(&format!("{d}/reports"), &json!({"who": "Swift Staffing Ltd", "service": "Approved mental health professional rota", "learned_on": "2023-08-01", "evidence": "Seen on the rota."})).await;
    assert_eq!(status, 201, "{r}");
    let report = r["id"].as_i64().unwrap();
    let (_, l) = api.post(&format!("{d}/letters"), &json!({"direction": "sent", "counterpart": "Swift Staffing Ltd", "subject": "Please withdraw", "channel": "email", "sent_on": "2023-08-02"})).await;
    let letter = l["id"].as_i64().unwrap();
    assert_eq!(
        api.post(
            &format!("{d}/reports/{report}/letters"),
            &json!({"letter_id": letter})
        )
        .await
        .0,
        204
    );
    assert_eq!(
        api.post(
            &format!("{d}/reports/{report}/outcome"),
            &json!({"outcome": "withdrew"})
        )
        .await
        .0,
        204
    );
    let (status, r) = api
        .post(
            &format!("{d}/reports/{report}/outcome"),
            &json!({"outcome": "maybe"}),
        )
        .await;
    assert_eq!(
        (status, r["error"]["field"].as_str()),
        (422, Some("outcome"))
    );
    let (_, reports) = api.get(&format!("{d}/reports")).await;
    let r = &reports[0];
    assert_eq!(r["outcome"], "withdrew");
    assert_eq!(r["letters"][0]["subject"], "Please withdraw");
    let periods = r["regulation7"].as_array().unwrap();
    assert_eq!(periods[0]["from"], "2023-08-01");
    assert_eq!(periods[0]["until"], "2023-08-09");
    assert_eq!(periods[0]["in_force"], false);
    assert_eq!(periods[1]["from"], "2023-08-10");
    assert_eq!(periods[1]["in_force"], true);
    assert!(r["regulation7_notes"].to_string().contains("not a finding"));

    let client = signed_in(&app, "org@example.org").await;
    let page = client
        .get(app.url(&format!("/northfield/disputes/{dispute}/monitor")))
        .body_text()
        .await;
    assert!(
        page.contains("From 1 August 2023 to 9 August 2023, the ban was revoked"),
        "{page}"
    );
    assert!(page.contains("Please withdraw") && page.contains("Withdrew"));
}

#[tokio::test]
async fn the_public_and_members_see_only_what_is_theirs() {
    let app = TestApp::spawn().await;
    let (api, dispute, eaction) = campaign(&app, json!({})).await;
    let north = app.store().branch_by_slug("northfield").await.unwrap();
    app.user(&north, "mem@example.org", Role::Member).await;
    let (_, _) = api.post(&format!("/api/v1/branches/northfield/disputes/{dispute}/letters"), &json!({"direction": "sent", "counterpart": "Regulator Secret Office", "subject": "Caseloads", "channel": "letter", "sent_on": "2024-05-03"})).await;

    // The public: no log, no monitor, no desk pages, no signatures.
    let anon = app.client();
    for path in [
        format!("/northfield/disputes/{dispute}/letters"),
        format!("/northfield/disputes/{dispute}/monitor"),
        format!("/northfield/disputes/{dispute}/actions"),
        format!("/northfield/disputes/{dispute}/actions/{eaction}/handin.csv"),
        "/northfield/letters/overdue".to_string(),
    ] {
        let r = anon.get(app.url(&path)).send().await.unwrap();
        let body = r.text().await.unwrap();
        assert!(!body.contains("Regulator Secret Office"), "{path}");
        assert!(!body.contains("Sign out"), "{path}: not signed in");
    }
    for path in [
        format!("/api/v1/branches/northfield/disputes/{dispute}/letters"),
        format!("/api/v1/branches/northfield/disputes/{dispute}/reports"),
        format!("/api/v1/branches/northfield/disputes/{dispute}/eactions/{eaction}/signatures"),
    ] {
        assert_eq!(app.public_api().get(&path).await.0, 401, "{path}");
    }

    // A member reads the log but changes nothing and takes no hand-in.
    let member = signed_in(&app, "mem@example.org").await;
    let log = member
        .get(app.url(&format!("/northfield/disputes/{dispute}/letters")))
        .body_text()
        .await;
    assert!(log.contains("Regulator Secret Office"));
    assert!(!log.contains("Record a letter"), "no form for a member");
    let r = member
        .get(app.url(&format!(
            "/northfield/disputes/{dispute}/actions/{eaction}/handin.csv"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let mapi = app.api(&app.api_token("mem@example.org").await);
    let (status, _) = mapi
        .post(
            &format!("/api/v1/branches/northfield/disputes/{dispute}/reports"),
            &json!({"who": "A", "service": "B", "learned_on": "2024-05-01"}),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = mapi
        .get(&format!(
            "/api/v1/branches/northfield/disputes/{dispute}/eactions/{eaction}/signatures"
        ))
        .await;
    assert_eq!(status, 403);
}
