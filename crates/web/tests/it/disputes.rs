//! Disputes' pages: opening a dispute and adding to its timeline by form, forms shown again with
//! the message and what was typed, the public page showing only the public timeline, another
//! branch getting 404, and the desk showing strike days with the counting rule.

use picket_domain::Role;
use picket_store::PageRequest;
use picket_test_support::{extract_csrf, BodyText, TestApp};

async fn organiser() -> (TestApp, reqwest::Client) {
    let app = TestApp::spawn().await;
    let north = app.branch("northfield").await;
    app.user(&north, "org@example.org", Role::Organiser).await;
    app.user(&north, "mem@example.org", Role::Member).await;
    let client = app.client();
    app.login(&client, "org@example.org").await;
    (app, client)
}

async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let token = app.csrf_token(client, page).await;
    let mut form: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
    form.extend_from_slice(fields);
    client
        .post(app.url(action))
        .form(&form)
        .send()
        .await
        .unwrap()
}

async fn open_dispute(app: &TestApp, client: &reqwest::Client) -> String {
    let res = post(
        app,
        client,
        "/northfield/disputes",
        "/northfield/disputes",
        &[
            ("title", "Recruitment and retention payment"),
            ("employer", "Northfield Borough Council"),
            ("nation", "england"),
            ("status", "balloting"),
            ("summary", "Ten per cent for mental health social workers."),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    res.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn a_dispute_and_its_timeline_are_made_by_form_and_the_public_page_shows_only_public_entries()
{
    let (app, client) = organiser().await;
    let desk = open_dispute(&app, &client).await;
    assert!(desk.ends_with("/desk"), "{desk}");
    let base = desk.trim_end_matches("/desk").to_string();
    for (title, public) in [
        ("Failure to Agree registered", "on"),
        ("Private strategy meeting with the regional officer", ""),
    ] {
        let mut fields = vec![
            ("dated", "2023-05-18"),
            ("kind", "failure-to-agree"),
            ("title", title),
        ];
        if !public.is_empty() {
            fields.push(("public", public));
        }
        let res = post(&app, &client, &desk, &format!("{base}/timeline"), &fields).await;
        assert_eq!(res.status(), 303, "{title}");
    }
    let html = client
        .get(app.url(&format!("{base}/timeline")))
        .body_text()
        .await;
    assert!(
        html.contains("Failure to Agree registered") && html.contains("Private strategy meeting")
    );

    // Bad input: the form comes back with the message and what was typed.
    let res = post(
        &app,
        &client,
        &desk,
        &format!("{base}/timeline"),
        &[
            ("dated", "1990-02-30x"),
            ("kind", "meeting"),
            ("title", "Typed by hand"),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Date: “1990-02-30x” is not a date"),
        "the message names the field by its label"
    );
    assert!(
        html.contains("value=\"1990-02-30x\""),
        "what was typed is kept"
    );
    assert!(html.contains("value=\"Typed by hand\""));
    assert!(html.contains("aria-invalid=\"true\""));

    let res = post(
        &app,
        &client,
        &desk,
        &format!("{base}/ballots"),
        &[
            ("kind", "statutory"),
            ("title", "Strike ballot"),
            ("opened", "2023-08-07"),
            ("closed", "2023-08-31"),
            ("entitled", "19"),
            ("cast", "25"),
            ("yes", "25"),
            ("no", "0"),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("cast: 25 votes were cast but only 19"),
        "names the field"
    );
    assert!(html.contains("value=\"25\""));

    // The public page: public entries only, no member data, no sign-in needed.
    let anonymous = app.client();
    let public = anonymous.get(app.url(&base)).send().await.unwrap();
    assert_eq!(public.status(), 200);
    let html = public.text().await.unwrap();
    assert!(html.contains("Failure to Agree registered"));
    assert!(!html.contains("Private strategy meeting"));
    assert!(!html.contains("org@example.org") && !html.contains("mem@example.org"));
    let branch = anonymous.get(app.url("/northfield")).body_text().await;
    assert!(branch.contains("Recruitment and retention payment"));

    // The desk needs membership; members read but cannot write.
    assert_eq!(
        anonymous.get(app.url(&desk)).send().await.unwrap().status(),
        303
    );
    let member = app.client();
    app.login(&member, "mem@example.org").await;
    assert_eq!(
        member.get(app.url(&desk)).send().await.unwrap().status(),
        200
    );
    let res = post(
        &app,
        &member,
        &desk,
        &format!("{base}/timeline"),
        &[("dated", "2023-05-18"), ("kind", "note"), ("title", "x")],
    )
    .await;
    assert_eq!(res.status(), 403);

    let audit = app
        .store()
        .audit_entries(None, PageRequest::default())
        .await
        .unwrap();
    assert!(audit.items.iter().any(|e| e.action == "dispute.create"));
    assert!(audit
        .items
        .iter()
        .any(|e| e.action == "dispute.timeline.add"));
}

#[tokio::test]
async fn another_branch_gets_404_for_the_desk_and_the_public_page_under_its_own_slug() {
    let (app, client) = organiser().await;
    let desk = open_dispute(&app, &client).await;
    let id = desk.split('/').nth(3).unwrap().to_string();
    // A dispute still being prepared has no public page.
    let res = post(
        &app,
        &client,
        &desk,
        &format!("/northfield/disputes/{id}/edit"),
        &[
            ("title", "Secret plans"),
            ("employer", "Council"),
            ("nation", "england"),
            ("status", "preparing"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let anonymous = app.client();
    assert_eq!(
        anonymous
            .get(app.url(&format!("/northfield/disputes/{id}")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let branch_page = anonymous.get(app.url("/northfield")).body_text().await;
    assert!(!branch_page.contains("Secret plans"));
    assert!(
        client
            .get(app.url(&desk))
            .body_text()
            .await
            .contains("Secret plans"),
        "edited"
    );
    let south = app.branch("southgate").await;
    app.user(&south, "other@example.org", Role::Organiser).await;
    let other = app.client();
    app.login(&other, "other@example.org").await;
    assert_eq!(
        other.get(app.url(&desk)).send().await.unwrap().status(),
        404
    );
    let theirs = format!("/southgate/disputes/{id}");
    assert_eq!(
        other.get(app.url(&theirs)).send().await.unwrap().status(),
        404
    );
    assert_eq!(
        other
            .get(app.url(&format!("{theirs}/desk")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let token = app.csrf_token(&other, "/dashboard").await;
    let res = other
        .post(app.url(&format!("{theirs}/timeline")))
        .form(&[
            ("csrf_token", token.as_str()),
            ("dated", "2024-01-01"),
            ("kind", "note"),
            ("title", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn the_desk_shows_cumulative_strike_days_with_the_rule_and_the_next_notice_deadline() {
    let (app, client) = organiser().await;
    let desk = open_dispute(&app, &client).await;
    let base = desk.trim_end_matches("/desk").to_string();
    let res = post(
        &app,
        &client,
        &desk,
        &format!("{base}/ballots"),
        &[
            ("kind", "statutory"),
            ("title", "Re-ballot"),
            ("opened", "2024-02-12"),
            ("closed", "2024-03-08"),
            ("entitled", "22"),
            ("cast", "20"),
            ("yes", "20"),
            ("no", "0"),
            ("result_to_employer", "2024-03-11"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    for (starts, ends, holidays) in [
        ("2024-04-15", "2024-04-26", ""),
        ("2024-05-13", "2024-06-01", "2024-05-27"),
    ] {
        let res = post(
            &app,
            &client,
            &desk,
            &format!("{base}/periods"),
            &[
                ("kind", "strike"),
                ("starts", starts),
                ("ends", ends),
                ("called_out", "15"),
                ("holidays_as_strike", holidays),
            ],
        )
        .await;
        assert_eq!(res.status(), 303, "{starts}");
    }
    // Marking a day that is not a bank holiday names the field and keeps what was typed.
    let html = client
        .get(app.url(&format!("{base}/action")))
        .body_text()
        .await;
    let marker = "name=\"period_id\"><option value=\"";
    let start = html.find(marker).expect("holidays form") + marker.len();
    let first_period = html[start..].split('"').next().unwrap().to_string();
    let res = post(
        &app,
        &client,
        &desk,
        &format!("{base}/holidays"),
        &[
            ("period_id", &first_period),
            ("holidays_as_strike", "2024-04-17"),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Bank holidays to count as strike days: 17 April 2024 is not a"),
        "names the field"
    );
    assert!(html.contains("value=\"2024-04-17\""));
    let res = post(
        &app,
        &client,
        &desk,
        &format!("{base}/rates"),
        &[("label", "service-user contacts"), ("per_worker_day", "10")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let room = |path: &str| {
        let url = app.url(&format!("{base}/{path}?as_of=2024-05-01"));
        let client = client.clone();
        async move { client.get(url).body_text().await }
    };
    let html = room("desk").await;
    assert!(
        html.contains("10 (15 April 2024 to 26 April 2024) = 10"),
        "days so far with working"
    );
    assert!(html.contains("7 September 2024"), "mandate's last day");
    assert!(html.contains("29 April 2024"), "next notice deadline");
    assert!(
        html.contains("/action?as_of=2024-05-01\""),
        "the rooms keep the day"
    );
    let csrf = extract_csrf(&html);
    assert!(csrf.is_some());
    let html = room("action").await;
    assert!(
        html.contains("except that 27 May 2024 (Spring bank holiday) is counted as a strike day"),
        "rule shown"
    );
    assert!(
        html.contains("-total\">25 strike days</dd>"),
        "cumulative strike days"
    );
    assert!(
        html.contains(
            "No notice of action is recorded: the employer must receive it by 1 April 2024"
        ),
        "warnings shown"
    );
    // Impact as of the day too: the 10 strike days before 1 May 2024, 15 called out.
    let html = room("impact").await;
    assert!(html.contains("150 striker-days × 10 service-user contacts per worker per day = 1,500"));
}

#[tokio::test]
async fn each_desk_form_keeps_what_was_typed_when_it_fails() {
    let (app, client) = organiser().await;
    let desk = open_dispute(&app, &client).await;
    let base = desk.trim_end_matches("/desk").to_string();

    // A ticked box stays ticked.
    let res = post(
        &app,
        &client,
        &desk,
        &format!("{base}/timeline"),
        &[
            ("dated", "not a date"),
            ("kind", "meeting"),
            ("title", "Kept"),
            ("public", "on"),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains(r#"<input type="checkbox" name="public" value="on" checked>"#),
        "the public box is still ticked"
    );

    // A form naming one of the dispute's ballots keeps the ballot chosen and the figures typed.
    let res = post(
        &app,
        &client,
        &desk,
        &format!("{base}/ballots"),
        &[
            ("kind", "consultative"),
            ("title", "Consultation"),
            ("opened", "2023-05-02"),
            ("closed", "2023-05-12"),
            ("entitled", "20"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let html = client
        .get(app.url(&format!("{base}/ballots")))
        .body_text()
        .await;
    let marker = r#"id="result-ballot_id" name="ballot_id"><option value=""#;
    let at = html.find(marker).expect("the result form lists the ballot") + marker.len();
    let ballot = &html[at..at + html[at..].find('"').unwrap()];
    let res = post(
        &app,
        &client,
        &desk,
        &format!("{base}/result"),
        &[
            ("ballot_id", ballot),
            ("cast", "lots"),
            ("yes", "12"),
            ("no", "3"),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Votes cast: “lots”"),
        "the message names the field by its label"
    );
    assert!(html.contains(r#"value="lots""#) && html.contains(r#"value="12""#));
    assert!(
        html.contains(&format!(
            r#"<option value="{ballot}" selected>Consultation"#
        )),
        "the ballot is still chosen"
    );

    // A ballot of another dispute is not this desk's to change.
    let other = open_dispute(&app, &client).await;
    let other_base = other.trim_end_matches("/desk").to_string();
    let res = post(
        &app,
        &client,
        &other,
        &format!("{other_base}/result"),
        &[
            ("ballot_id", ballot),
            ("cast", "15"),
            ("yes", "12"),
            ("no", "3"),
        ],
    )
    .await;
    assert_eq!(res.status(), 404);
    // And a form the desk does not have is not found.
    let res = post(&app, &client, &desk, &format!("{base}/nonsense"), &[]).await;
    assert_eq!(res.status(), 404);
}
