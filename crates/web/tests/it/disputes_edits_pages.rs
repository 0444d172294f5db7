//! Editing and deleting a dispute's records by form: each record's page is filled from what
//! is stored, comes back with the message and what was typed when a field is wrong, saves
//! and deletes (organisers only), each going back to the desk's room that lists it; reps record
//! participation from the action room.

use picket_domain::Role;
use picket_test_support::{BodyText, TestApp};

struct Desk {
    app: TestApp,
    client: reqwest::Client,
    /// `/northfield/disputes/{id}`
    base: String,
}

impl Desk {
    async fn new(who: Role) -> Desk {
        let app = TestApp::spawn().await;
        let north = app.branch("northfield").await;
        app.user(&north, "org@example.org", Role::Organiser).await;
        app.user(&north, "someone@example.org", who).await;
        let client = app.client();
        app.login(&client, "org@example.org").await;
        let mut desk = Desk {
            app,
            client,
            base: String::new(),
        };
        let res = desk
            .post(
                "/northfield/disputes",
                "/northfield/disputes",
                &[
                    ("title", "Recruitment and retention payment"),
                    ("employer", "Northfield Borough Council"),
                    ("nation", "england"),
                    ("status", "in-action"),
                ],
            )
            .await;
        assert_eq!(res.status(), 303);
        let location = res.headers()["location"].to_str().unwrap();
        desk.base = location.trim_end_matches("/desk").to_string();
        desk
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

    /// The desk's room at `path` (`action`, `ballots`, `parties`…).
    async fn room(&self, path: &str) -> String {
        self.get(&format!("{}/{path}", self.base)).await.1
    }

    /// The first "Edit or delete" link to `/items/{kind}/…` in the room at `path`.
    async fn edit_link(&self, path: &str, kind: &str) -> String {
        let html = self.room(path).await;
        let marker = format!("{}/items/{kind}/", self.base);
        let start = html
            .find(&marker)
            .unwrap_or_else(|| panic!("no {kind} link"));
        let end = html[start..].find('"').unwrap() + start;
        html[start..end].to_string()
    }
}

#[tokio::test]
async fn a_party_is_edited_with_the_form_kept_on_error_and_deleted() {
    let d = Desk::new(Role::Member).await;
    let desk = format!("{}/desk", d.base);
    let res = d
        .post(
            &desk,
            &format!("{}/parties", d.base),
            &[
                ("kind", "decision-maker"),
                ("name", "A. Chief"),
                ("detail", "Chief Executive"),
                ("email", "ce@example.org"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let item = d.edit_link("parties", "party").await;
    let (status, html) = d.get(&item).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("value=\"A. Chief\""),
        "filled from the record"
    );
    assert!(html.contains("value=\"ce@example.org\""));

    let res = d
        .post(
            &item,
            &item,
            &[
                ("kind", "decision-maker"),
                ("name", "B. Interim"),
                ("detail", "Interim Chief Executive"),
                ("email", "not-an-email"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("Email:"), "the message names the field");
    assert!(
        html.contains("value=\"not-an-email\""),
        "what was typed is kept"
    );
    assert!(html.contains("value=\"B. Interim\""));
    assert!(html.contains("aria-invalid=\"true\""));

    let res = d
        .post(
            &item,
            &item,
            &[
                ("kind", "decision-maker"),
                ("name", "B. Interim"),
                ("detail", "Interim Chief Executive"),
                ("email", "interim@example.org"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .ends_with("/parties?done=saved"));
    let html = d.room("parties").await;
    assert!(html.contains("B. Interim") && !html.contains("A. Chief"));

    // Someone who is only a member may not open or post the form.
    let member = d.app.client();
    d.app.login(&member, "someone@example.org").await;
    let res = member.get(d.app.url(&item)).send().await.unwrap();
    assert_eq!(res.status(), 403);

    let res = d.post(&item, &format!("{item}/delete"), &[]).await;
    assert_eq!(res.status(), 303, "asked first");
    assert!(d.room("parties").await.contains("B. Interim"));
    let res = d
        .post(&item, &format!("{item}/delete"), &[("confirm", "yes")])
        .await;
    assert_eq!(res.status(), 303);
    assert!(!d.room("parties").await.contains("B. Interim"));
    let (status, _) = d.get(&item).await;
    assert_eq!(status, 404, "gone");
}

#[tokio::test]
async fn a_period_and_a_ballot_are_edited_by_form() {
    let d = Desk::new(Role::Member).await;
    let desk = format!("{}/desk", d.base);
    let res = d
        .post(
            &desk,
            &format!("{}/ballots", d.base),
            &[
                ("kind", "statutory"),
                ("title", "Strike ballot"),
                ("opened", "2023-08-07"),
                ("closed", "2023-08-31"),
                ("entitled", "19"),
                ("entitled_reason", "members not yet imported"),
                ("cast", "15"),
                ("yes", "15"),
                ("no", "0"),
                ("result_to_employer", "2023-09-01"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = d
        .post(
            &desk,
            &format!("{}/periods", d.base),
            &[
                ("kind", "strike"),
                ("starts", "2023-10-02"),
                ("ends", "2023-10-06"),
                ("called_out", "15"),
                ("called_out_reason", "members not yet imported"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);

    let period = d.edit_link("action", "period").await;
    let (_, html) = d.get(&period).await;
    assert!(html.contains("value=\"2023-10-06\""));
    let typed = [
        ("kind", "strike"),
        ("starts", "2023-10-02"),
        ("ends", "2023-10-13"),
        ("called_out", "fifteen"),
    ];
    let res = d.post(&period, &period, &typed).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("Members called out: “fifteen” is not a whole number."));
    assert!(html.contains("value=\"fifteen\"") && html.contains("value=\"2023-10-13\""));
    let res = d
        .post(
            &period,
            &period,
            &[
                ("kind", "strike"),
                ("starts", "2023-10-02"),
                ("ends", "2023-10-13"),
                ("called_out", "12"),
                ("called_out_reason", "members not yet imported"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let html = d.room("action").await;
    assert!(html.contains("120 striker-days"), "12 × 10 days");

    let ballot = d.edit_link("ballots", "ballot").await;
    let (_, html) = d.get(&ballot).await;
    assert!(html.contains("value=\"Strike ballot\""));
    let res = d
        .post(
            &ballot,
            &ballot,
            &[
                ("kind", "statutory"),
                ("title", "Strike ballot"),
                ("opened", "2023-08-07"),
                ("closed", "2023-08-31"),
                ("entitled", "19"),
                ("entitled_reason", "members not yet imported"),
                ("cast", "9"),
                ("yes", "9"),
                ("no", "0"),
                ("result_to_employer", "2023-09-01"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert!(
        d.room("ballots").await.contains("Gives no mandate"),
        "47% turnout"
    );
}

#[tokio::test]
async fn a_rep_records_participation_from_the_action_room() {
    let d = Desk::new(Role::Rep).await;
    let desk = format!("{}/action", d.base);
    let res = d
        .post(
            &desk,
            &format!("{}/periods", d.base),
            &[
                ("kind", "strike"),
                ("starts", "2023-10-02"),
                ("ends", "2023-10-10"),
                ("called_out", "15"),
                ("called_out_reason", "members not yet imported"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let rep = d.app.client();
    d.app.login(&rep, "someone@example.org").await;
    let html = rep.get(d.app.url(&desk)).body_text().await;
    assert!(html.contains("Record how many took part"));
    let period_id = {
        let marker = "name=\"period_id\"><option value=\"";
        let start = html.find(marker).unwrap() + marker.len();
        html[start..start + html[start..].find('"').unwrap()].to_string()
    };
    let token = d.app.csrf_token(&rep, &desk).await;
    let post = |fields: Vec<(&'static str, String)>| {
        let mut form = vec![
            ("csrf_token", token.clone()),
            ("period_id", period_id.clone()),
        ];
        form.extend(fields);
        rep.post(d.app.url(&format!("{}/participation", d.base)))
            .form(&form)
            .send()
    };
    let res = post(vec![
        ("day", "2023-10-07".into()),
        ("took_part", "14".into()),
    ])
    .await
    .unwrap();
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("day:") && html.contains("Saturday"),
        "a weekend is no strike day"
    );
    assert!(html.contains("value=\"2023-10-07\"") && html.contains("value=\"14\""));
    let res = post(vec![("day", String::new()), ("took_part", "14".into())])
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .ends_with("/action?done=saved"));
    let html = d.room("action").await;
    assert!(html.contains("Whole period: 14 took part"));
    assert!(html.contains("98 striker-days: 14 took part (period record) × 7 days = 98"));
    assert!(d
        .room("impact")
        .await
        .contains("from the counts of who took part typed in"));
    // The rep is not an organiser: the other desk forms are refused.
    let res = rep
        .post(d.app.url(&format!("{}/rates", d.base)))
        .form(&[
            ("csrf_token", token.as_str()),
            ("label", "x"),
            ("per_worker_day", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}
