//! Nothing unlawful goes public by accident: a period of action whose law checks fail stays
//! off the public page, feed and poster until an organiser confirms each warning; deleting
//! asks first; the desk's impact honours "as of" (the seeds' 27 days, 405 striker-days and
//! 4,050 contacts as of 23 February 2024).

use picket_domain::Role;
use picket_store::PageRequest;
use picket_test_support::{Api, TestApp};
use serde_json::{json, Value};

/// An app with an organiser of northfield signed in by form and by API, and a dispute in
/// action (so its public page exists).
struct Setup {
    app: TestApp,
    client: reqwest::Client,
    api: Api,
    id: i64,
}

impl Setup {
    async fn new() -> Setup {
        let app = TestApp::spawn().await;
        let north = app.branch("northfield").await;
        app.user(&north, "org@example.org", Role::Organiser).await;
        let api = app.api(&app.api_token("org@example.org").await);
        let (status, created) = api
            .post(
                "/api/v1/branches/northfield/disputes",
                &json!({"title": "Recruitment and retention", "employer": "Borough council",
                        "nation": "england", "status": "in-action"}),
            )
            .await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_i64().unwrap();
        let client = app.client();
        app.login(&client, "org@example.org").await;
        Setup {
            app,
            client,
            api,
            id,
        }
    }

    fn base(&self) -> String {
        format!("/northfield/disputes/{}", self.id)
    }

    async fn post(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.app.csrf_token(&self.client, page).await;
        let mut form: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        form.extend_from_slice(fields);
        self.client
            .post(self.app.url(action))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    async fn get(&self, path: &str) -> (u16, String) {
        let res = self.client.get(self.app.url(path)).send().await.unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    /// The public calendar feed, as anyone gets it.
    async fn public_feed(&self) -> String {
        let res = reqwest::get(self.app.url(&format!("{}/strikes.ics", self.base())))
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        res.text().await.unwrap()
    }

    async fn periods(&self) -> Value {
        let (status, list) = self
            .api
            .get(&format!(
                "/api/v1/branches/northfield/disputes/{}/action-periods",
                self.id
            ))
            .await;
        assert_eq!(status, 200);
        list
    }
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn a_period_with_warnings_stays_private_until_an_organiser_confirms_each_warning() {
    let s = Setup::new().await;
    let desk = format!("{}/desk", s.base());
    // No ballot at all: the law checks say there is no mandate.
    let res = s
        .post(
            &desk,
            &format!("{}/periods", s.base()),
            &[
                ("kind", "strike"),
                ("starts", "2026-12-07"),
                ("ends", "2026-12-11"),
                ("called_out", "15"),
                ("notice_received", "2026-12-01"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let to = location(&res);
    assert!(to.contains("done=period-private"), "{to}");
    let (_, html) = s.get(&to).await;
    assert!(html.contains("not on the public page"), "the desk says so");
    assert!(html.contains("Not public: law warnings"));
    assert!(
        !s.public_feed().await.contains("20261207"),
        "not in the feed"
    );
    let (_, public) = s.get(&s.base()).await;
    assert!(
        !public.contains("7 to 11 December 2026"),
        "not on the public page"
    );

    let period = s.periods().await[0]["period"]["id"].as_i64().unwrap();
    let publish = format!("{}/periods/{period}/publish", s.base());
    let (status, page) = s.get(&publish).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("No statutory ballot"),
        "each warning is listed"
    );
    let codes = page
        .split("name=\"warnings\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    assert_eq!(codes, "no-ballot");

    // Without the box ticked nothing changes.
    let res = s.post(&publish, &publish, &[("warnings", &codes)]).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("Tick the box"));
    assert_eq!(s.periods().await[0]["public"], json!(false));
    // A confirmation of other warnings than the period has now is refused.
    let res = s
        .post(
            &publish,
            &publish,
            &[("warnings", "notice-too-late"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(s.periods().await[0]["public"], json!(false));

    let res = s
        .post(
            &publish,
            &publish,
            &[("warnings", &codes), ("confirm", "yes")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert!(location(&res).contains("done=published"));
    assert_eq!(s.periods().await[0]["public"], json!(true));
    assert!(s.public_feed().await.contains("20261207"), "now public");
    let (_, public) = s.get(&s.base()).await;
    assert!(
        public.contains("7 to 11 December 2026"),
        "on the public page"
    );
    let entries = s
        .app
        .store()
        .audit_entries(None, PageRequest::new(1, 50))
        .await
        .unwrap()
        .items;
    let entry = entries
        .iter()
        .find(|e| e.action == "action.publish")
        .expect("the confirmation is audited");
    let detail = entry.detail.clone().unwrap_or_default();
    assert!(
        detail.contains("no-ballot"),
        "with what it overrode: {detail}"
    );

    // A change to the period clears the confirmation.
    let (status, view) = s
        .api
        .call(
            reqwest::Method::PUT,
            &format!(
                "/api/v1/branches/northfield/disputes/{}/action-periods/{period}",
                s.id
            ),
            &json!({"kind": "strike", "starts": "2026-12-07", "ends": "2026-12-10",
                    "called_out": 15, "notice_received": "2026-12-01"}),
        )
        .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["public"], json!(false));
}

#[tokio::test]
async fn the_api_publishes_only_what_names_every_warning_and_can_take_it_back() {
    let s = Setup::new().await;
    let periods = format!(
        "/api/v1/branches/northfield/disputes/{}/action-periods",
        s.id
    );
    // A live mandate and notice in time: no warning, public at once.
    let (status, _) = s
        .api
        .post(
            &format!("/api/v1/branches/northfield/disputes/{}/ballots", s.id),
            &json!({"kind": "statutory", "title": "Re-ballot", "opened": "2024-02-12",
                    "closed": "2024-03-08", "entitled": 22, "cast": 20, "yes": 20, "no": 0,
                    "result_to_employer": "2024-03-11"}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, lawful) = s
        .api
        .post(
            &periods,
            &json!({"kind": "strike", "starts": "2024-04-15", "ends": "2024-04-26",
                    "called_out": 15, "notice_received": "2024-03-28"}),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(lawful["warnings"], json!([]), "{lawful}");
    assert_eq!(lawful["public"], json!(true));

    // Past the mandate, with no notice recorded: private.
    let (status, late) = s
        .api
        .post(
            &periods,
            &json!({"kind": "strike", "starts": "2024-09-16", "ends": "2024-09-20",
                    "called_out": 15}),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(late["public"], json!(false));
    let codes: Vec<String> = late["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap().to_string())
        .collect();
    assert!(codes.len() >= 2, "{codes:?}");
    let publication = format!("{periods}/{}/publication", late["period"]["id"]);

    let (status, body) = s
        .api
        .post(&publication, &json!({"despite": [codes[0]]}))
        .await;
    assert_eq!(status, 422, "one warning left unconfirmed: {body}");
    assert_eq!(body["error"]["field"], json!("despite"));
    let (status, body) = s.api.post(&publication, &json!({"despite": "all"})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], json!("despite"));

    let (status, view) = s.api.post(&publication, &json!({"despite": codes})).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["public"], json!(true));
    let (status, view) = s
        .api
        .call(reqwest::Method::DELETE, &publication, &Value::Null)
        .await;
    assert_eq!(status, 200);
    assert_eq!(view["public"], json!(false));
}

#[tokio::test]
async fn deleting_a_period_asks_first_and_says_what_was_deleted() {
    let s = Setup::new().await;
    let (status, _) = s
        .api
        .post(
            &format!(
                "/api/v1/branches/northfield/disputes/{}/action-periods",
                s.id
            ),
            &json!({"kind": "strike", "starts": "2026-12-07", "ends": "2026-12-11",
                    "called_out": 15}),
        )
        .await;
    assert_eq!(status, 201);
    let period = s.periods().await[0]["period"]["id"].as_i64().unwrap();
    let item = format!("{}/items/period/{period}", s.base());
    let delete = format!("{item}/delete");

    // A post without the answer is sent to the question; nothing is deleted.
    let res = s.post(&item, &delete, &[]).await;
    assert_eq!(res.status(), 303);
    assert!(location(&res).ends_with(&delete));
    assert_eq!(s.periods().await.as_array().unwrap().len(), 1);

    let (status, question) = s.get(&delete).await;
    assert_eq!(status, 200);
    assert!(question.contains("Delete a period of action?"));
    assert!(question.contains("Strike: 7 to 11 December 2026"));

    let res = s.post(&delete, &delete, &[("confirm", "yes")]).await;
    assert_eq!(res.status(), 303);
    let to = location(&res);
    assert!(to.contains("done=deleted-period"), "{to}");
    let (_, desk) = s.get(&to).await;
    assert!(desk.contains("Deleted the period of action"));
    assert!(!desk.contains(">Saved.<"));
    assert_eq!(s.periods().await, json!([]));
}

#[tokio::test]
async fn impact_honours_as_of_and_gives_the_seeds_figures() {
    let s = Setup::new().await;
    let d = format!("/api/v1/branches/northfield/disputes/{}", s.id);
    // The seeds' strike days before April 2024: 1 + 1 + 5 × 5 = 27, 15 called out.
    for (starts, ends) in [
        ("2023-10-04", "2023-10-04"),
        ("2023-10-11", "2023-10-11"),
        ("2023-10-16", "2023-10-20"),
        ("2023-11-06", "2023-11-10"),
        ("2023-12-04", "2023-12-08"),
        ("2024-01-15", "2024-01-19"),
        ("2024-02-19", "2024-02-23"),
        ("2024-04-15", "2024-04-26"),
    ] {
        let (status, body) = s
            .api
            .post(
                &format!("{d}/action-periods"),
                &json!({"kind": "strike", "starts": starts, "ends": ends, "called_out": 15}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, body) = s
        .api
        .post(
            &format!("{d}/rates"),
            &json!({"label": "service-user contacts", "per_worker_day": 10}),
        )
        .await;
    assert_eq!(status, 201, "{body}");

    for as_of in ["2024-02-23", "2024-03-31"] {
        let (status, view) = s.api.get(&format!("{d}?as_of={as_of}")).await;
        assert_eq!(status, 200);
        assert_eq!(view["headline"]["days_so_far"]["value"], json!("27"));
        assert_eq!(
            view["impact"]["strike_days"]["value"],
            json!("27"),
            "{as_of}"
        );
        assert_eq!(view["impact"]["striker_days"]["value"], json!("405"));
        assert_eq!(
            view["impact"]["estimates"][0]["figure"]["value"],
            json!("4,050")
        );
    }
    // Part of a period counts up to the day: 27 + 3 days of the April strike.
    let (_, view) = s.api.get(&format!("{d}?as_of=2024-04-17")).await;
    assert_eq!(view["impact"]["strike_days"]["value"], json!("30"));
    assert_eq!(view["impact"]["striker_days"]["value"], json!("450"));
    // And the desk's impact room shows the same.
    let (_, desk) = s
        .get(&format!("{}/impact?as_of=2024-02-23", s.base()))
        .await;
    assert!(desk.contains("4,050"), "the desk's impact as of the day");
}
