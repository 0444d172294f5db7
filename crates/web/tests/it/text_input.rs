//! One rule for every field people type, over HTTP on the engine under test: a NUL (which
//! PostgreSQL cannot store), a control character, a line break in a field of one line and a
//! direction override in a public name are each refused with a 4xx that says what is wrong,
//! never a 5xx, through every way text comes in (the wall's form and API, moderation, sign-in,
//! member search, every dispute field, picket places, teams, users, the import mapping, and
//! the path itself); and ordinary text with several lines still goes in where a field takes
//! them.

use picket_domain::Role;
use picket_test_support::{extract_csrf, Api, TestApp};
use serde_json::{json, Value};

/// What one request got back.
struct Outcome {
    what: String,
    status: u16,
    body: String,
}

/// The expectations broken so far; the test lists them all at the end.
#[derive(Default)]
struct Table {
    failures: Vec<String>,
    checked: usize,
}

impl Table {
    /// A 4xx whose body says `phrase` (and, for the API, names `field` when given).
    fn refused(&mut self, o: Outcome, phrase: &str, field: Option<&str>) {
        self.checked += 1;
        let field_ok = field.is_none_or(|f| o.body.contains(&format!("\"field\":\"{f}\"")));
        if !(400..500).contains(&o.status) || !o.body.contains(phrase) || !field_ok {
            self.failures.push(format!(
                "{}: expected a 4xx saying {phrase:?}{}, got {} {}",
                o.what,
                field.map(|f| format!(" naming {f}")).unwrap_or_default(),
                o.status,
                o.body.chars().take(300).collect::<String>()
            ));
        }
    }

    /// A 2xx or a redirect.
    fn accepted(&mut self, o: Outcome) {
        self.checked += 1;
        if !(200..400).contains(&o.status) {
            self.failures.push(format!(
                "{}: expected success, got {} {}",
                o.what,
                o.status,
                o.body.chars().take(300).collect::<String>()
            ));
        }
    }
}

async fn api_call(api: &Api, what: String, method: &str, path: &str, body: Value) -> Outcome {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let (status, body) = api.call(method, path, &body).await;
    Outcome {
        what,
        status,
        body: body.to_string(),
    }
}

async fn get(client: &reqwest::Client, app: &TestApp, what: &str, path: &str) -> Outcome {
    let r = client.get(app.url(path)).send().await.unwrap();
    Outcome {
        what: what.into(),
        status: r.status().as_u16(),
        body: r.text().await.unwrap(),
    }
}

/// Posts a form to `path` with the CSRF token of the page at `page`.
async fn form(
    client: &reqwest::Client,
    app: &TestApp,
    what: &str,
    page: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> Outcome {
    let html = client.get(app.url(page)).send().await.unwrap();
    let html = html.text().await.unwrap();
    let mut all: Vec<(&str, String)> = fields.iter().map(|(k, v)| (*k, v.to_string())).collect();
    if let Some(token) = extract_csrf(&html) {
        all.push(("csrf_token", token));
    }
    if let Some(stamp) = field_value(&html, "stamp") {
        all.push(("stamp", stamp));
    }
    let r = client.post(app.url(path)).form(&all).send().await.unwrap();
    Outcome {
        what: what.into(),
        status: r.status().as_u16(),
        body: r.text().await.unwrap(),
    }
}

fn field_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    Some(html[start..start + html[start..].find('"')?].to_string())
}

/// The fields of every dispute record the API takes, with a valid body to vary.
fn dispute_records(dispute: i64, survey: i64) -> Vec<(String, Value, Vec<&'static str>)> {
    let d = format!("/api/v1/branches/alpha/disputes/{dispute}");
    vec![
        (
            "/api/v1/branches/alpha/disputes".into(),
            json!({"title": "Pay", "employer": "Council", "nation": "england", "status": "balloting", "summary": "Why"}),
            vec!["title", "employer", "summary"],
        ),
        (
            format!("{d}/parties"),
            json!({"kind": "decision-maker", "name": "Chief Executive", "detail": "CEO", "email": "ceo@council.example", "address": "Town Hall"}),
            vec!["name", "detail", "email", "address"],
        ),
        (
            format!("{d}/claims"),
            json!({"kind": "claim", "dated": "2024-05-17", "summary": "5%", "status": "tabled"}),
            vec!["summary"],
        ),
        (
            format!("{d}/timeline"),
            json!({"dated": "2024-01-01", "kind": "meeting", "title": "Talks", "outcome": "None"}),
            vec!["title", "outcome"],
        ),
        (
            format!("{d}/rates"),
            json!({"label": "visits", "per_worker_day": 10}),
            vec!["label"],
        ),
        (
            format!("{d}/ballots"),
            json!({"kind": "consultative", "title": "Ballot", "opened": "2023-08-07", "closed": "2023-08-31", "entitled": 19, "entitled_reason": "members not yet imported"}),
            vec!["title"],
        ),
        (
            format!("/api/v1/branches/alpha/ballots/{survey}/questions"),
            json!({"question": "Accept?", "answer": "No", "percent": 80}),
            vec!["question", "answer"],
        ),
        (
            format!("{d}/action-periods"),
            json!({"kind": "asos", "starts": "2024-04-15", "ends": "2024-04-26", "called_out": 15, "called_out_reason": "members not yet imported", "teams": "North"}),
            vec!["teams"],
        ),
    ]
}

#[tokio::test]
async fn nul_control_and_direction_characters_are_refused_everywhere_text_comes_in() {
    let app = TestApp::spawn_with(|s| {
        s.wall.min_fill_secs = 0;
        s.wall.posts_per_ip_per_hour = 1000;
    })
    .await;
    let alpha = app.branch("alpha").await;
    app.user(&alpha, "org@example.org", Role::Admin).await;
    let api = app.api(&app.api_token("org@example.org").await);
    let public = app.public_api();
    let org = app.client();
    app.login(&org, "org@example.org").await;
    let mut t = Table::default();
    const NUL: &str = "NUL character";
    const CONTROL: &str = "control character";

    // The wall: the API and the form, anonymous.
    let wall = "/api/v1/branches/alpha/wall";
    let post = |name: &str, organisation: &str, message: &str| json!({"name": name, "organisation": organisation, "kind": "resident", "message": message});
    for (what, body, phrase, field) in [
        (
            "wall API name NUL",
            post("w\0", "", "Solidarity"),
            NUL,
            None,
        ),
        ("wall API message NUL", post("W", "", "hi\0"), NUL, None),
        (
            "wall API organisation NUL",
            post("W", "Un\0", "hi"),
            NUL,
            None,
        ),
        (
            "wall API name U+202E",
            post("evil\u{202E}gnp", "", "Solidarity"),
            "U+202E",
            Some("name"),
        ),
        (
            "wall API organisation U+202E",
            post("W", "Un\u{202E}ite", "Solidarity"),
            "U+202E",
            Some("organisation"),
        ),
        (
            "wall API name ESC",
            post("W\u{1b}[31m", "", "Solidarity"),
            CONTROL,
            Some("name"),
        ),
        (
            "wall API message ESC",
            post("W", "", "hi\u{1b}"),
            CONTROL,
            Some("message"),
        ),
        (
            "wall API name newline",
            post("W\nX", "", "Solidarity"),
            "one line",
            Some("name"),
        ),
    ] {
        // Each its own words, so that none is refused as a duplicate instead.
        let mut body = body;
        body["message"] = json!(format!("{} ({what})", body["message"].as_str().unwrap()));
        t.refused(
            api_call(&public, what.into(), "POST", wall, body).await,
            phrase,
            field,
        );
    }
    t.accepted(
        api_call(
            &public,
            "wall API message with lines".into(),
            "POST",
            wall,
            post("Riverside", "", "Line one\r\nLine two\n\tand a tab"),
        )
        .await,
    );
    let visitor = app.client();
    for (what, name, phrase) in [
        ("wall form name NUL", "w\0", NUL),
        ("wall form name U+202E", "evil\u{202E}gnp", "U+202E"),
        ("wall form name ESC", "w\u{1b}", CONTROL),
    ] {
        let message = format!("Solidarity ({what})");
        let fields = [
            ("name", name),
            ("kind", "resident"),
            ("message", message.as_str()),
        ];
        let o = form(&visitor, &app, what, "/alpha/wall", "/alpha/wall", &fields).await;
        t.refused(o, phrase, None);
    }
    let fields = [
        ("name", "Form poster"),
        ("kind", "resident"),
        ("message", "One\r\nTwo"),
    ];
    t.accepted(
        form(
            &visitor,
            &app,
            "wall form lines",
            "/alpha/wall",
            "/alpha/wall",
            &fields,
        )
        .await,
    );

    // Moderation edits.
    let id = app
        .store()
        .wall_messages(alpha.id, Default::default(), Default::default())
        .await
        .unwrap()
        .items[0]
        .id;
    let moderation = format!("/api/v1/branches/alpha/wall/{id}/moderation");
    for (what, text, phrase, field) in [
        ("moderation edit NUL", "fixed\0", NUL, None),
        ("moderation edit BEL", "fixed\u{7}", CONTROL, Some("text")),
    ] {
        let body = json!({"action": "edit", "text": text});
        t.refused(
            api_call(&api, what.into(), "POST", &moderation, body).await,
            phrase,
            field,
        );
    }
    let body = json!({"action": "edit", "text": "Fixed\r\nwith lines"});
    t.accepted(
        api_call(
            &api,
            "moderation edit lines".into(),
            "POST",
            &moderation,
            body,
        )
        .await,
    );

    // Paths and queries.
    let nobody = app.client();
    t.refused(
        get(&nobody, &app, "page path %00", "/al%00pha/wall").await,
        "nothing here",
        None,
    );
    t.refused(
        get(
            &nobody,
            &app,
            "API path %00",
            "/api/v1/branches/al%00pha/wall",
        )
        .await,
        "nothing here",
        None,
    );
    let search = "/alpha/members?reason=organising&q=%00";
    t.refused(
        get(&org, &app, "member search page q=%00", search).await,
        NUL,
        None,
    );
    let (status, body) = api
        .get("/api/v1/branches/alpha/members?reason=organising&q=%00")
        .await;
    t.refused(
        Outcome {
            what: "member search API q=%00".into(),
            status,
            body: body.to_string(),
        },
        NUL,
        None,
    );
    let (status, body) = api
        .get("/api/v1/branches/alpha/members?reason=organising&q=a%1Bb")
        .await;
    t.refused(
        Outcome {
            what: "member search API q ESC".into(),
            status,
            body: body.to_string(),
        },
        CONTROL,
        Some("q"),
    );

    // Sign-in.
    let stranger = app.client();
    let fields = [("email", "org\0@example.org"), ("password", "x")];
    t.refused(
        form(
            &stranger,
            &app,
            "sign-in email NUL",
            "/login",
            "/login",
            &fields,
        )
        .await,
        NUL,
        None,
    );

    // A form body sent under another type (the edge lets multipart through to the import).
    let token = app.csrf_token(&stranger, "/login").await;
    let r = stranger
        .post(app.url("/login"))
        .header("content-type", "multipart/form-data; boundary=x")
        .body(format!(
            "csrf_token={token}&email=org%00@example.org&password=x"
        ))
        .send()
        .await
        .unwrap();
    let o = Outcome {
        what: "sign-in form sent as multipart".into(),
        status: r.status().as_u16(),
        body: r.text().await.unwrap(),
    };
    t.refused(o, NUL, None);

    // Every text field of every dispute record, through the API.
    let (status, dispute) = api
        .post(
            "/api/v1/branches/alpha/disputes",
            &json!({"title": "Pay", "employer": "Council", "nation": "england", "status": "balloting"}),
        )
        .await;
    assert_eq!(status, 201, "{dispute}");
    let dispute = dispute["id"].as_i64().unwrap();
    let ballots = format!("/api/v1/branches/alpha/disputes/{dispute}/ballots");
    let (status, survey) = api
        .post(
            &ballots,
            &json!({"kind": "survey", "title": "Survey", "opened": "2023-08-07", "closed": "2023-08-31", "entitled": 19, "entitled_reason": "members not yet imported"}),
        )
        .await;
    assert_eq!(status, 201, "{survey}");
    let survey = survey["ballot"]["id"]
        .as_i64()
        .or(survey["id"].as_i64())
        .unwrap();
    for (path, valid, fields) in dispute_records(dispute, survey) {
        for field in fields {
            for (bad, phrase, named) in [("x\0y", NUL, None), ("x\u{1b}y", CONTROL, Some(field))] {
                let mut body = valid.clone();
                body[field] = json!(bad);
                let what = format!("POST {path} {field}={bad:?}");
                t.refused(
                    api_call(&api, what, "POST", &path, body).await,
                    phrase,
                    named,
                );
            }
        }
        t.accepted(api_call(&api, format!("POST {path} valid"), "POST", &path, valid).await);
    }
    let d = format!("/api/v1/branches/alpha/disputes/{dispute}");
    for (path, body, field, phrase) in [
        (
            "/api/v1/branches/alpha/disputes".to_string(),
            json!({"title": "Pay\r\nBEGIN:VEVENT", "employer": "Council", "nation": "england", "status": "balloting"}),
            "title",
            "one line",
        ),
        (
            format!("{d}/parties"),
            json!({"kind": "decision-maker", "name": "Team\u{202E}A"}),
            "name",
            "U+202E",
        ),
    ] {
        let what = format!("POST {path} {field} {phrase}");
        t.refused(
            api_call(&api, what, "POST", &path, body).await,
            phrase,
            Some(field),
        );
    }
    let body = json!({"title": "Pay", "employer": "Council", "nation": "england", "status": "balloting",
                      "summary": "First line.\r\nSecond line.\n\n\tIndented."});
    t.accepted(
        api_call(
            &api,
            "dispute summary with lines".into(),
            "POST",
            "/api/v1/branches/alpha/disputes",
            body,
        )
        .await,
    );
    let body =
        json!({"dated": "2024-01-01", "kind": "note", "title": "Talks", "outcome": "One\nTwo"});
    t.accepted(
        api_call(
            &api,
            "timeline outcome with lines".into(),
            "POST",
            &format!("{d}/timeline"),
            body,
        )
        .await,
    );

    // Picket places, teams and users, through their pages.
    let pickets = format!("/alpha/disputes/{dispute}/pickets");
    for (what, place, address, phrase) in [
        ("picket place NUL", "Gate\0", "", NUL),
        ("picket place U+202E", "Gate\u{202E}", "", "U+202E"),
        ("picket address ESC", "Gate", "1 High St\u{1b}", CONTROL),
    ] {
        let fields = [("place", place), ("address", address), ("times", "7am")];
        t.refused(
            form(&org, &app, what, &pickets, &pickets, &fields).await,
            phrase,
            None,
        );
    }
    let fields = [
        ("place", "Main gate"),
        ("address", "1 High St\r\nTown"),
        ("times", "7am"),
    ];
    t.accepted(
        form(
            &org,
            &app,
            "picket address with lines",
            &pickets,
            &pickets,
            &fields,
        )
        .await,
    );
    let teams = "/alpha/members/teams";
    for (what, name, phrase) in [
        ("team name NUL", "North\0", NUL),
        ("team name U+202E", "North\u{202E}", "U+202E"),
        ("team name ESC", "North\u{1b}", CONTROL),
    ] {
        t.refused(
            form(&org, &app, what, teams, teams, &[("name", name)]).await,
            phrase,
            None,
        );
    }
    let users = "/alpha/admin/users";
    for (what, name, phrase) in [
        ("user name NUL", "Ana\0", NUL),
        ("user name U+202E", "Ana\u{202E}", "U+202E"),
    ] {
        let fields = [
            ("email", "ana@example.org"),
            ("display_name", name),
            ("role", "member"),
        ];
        t.refused(
            form(&org, &app, what, users, users, &fields).await,
            phrase,
            None,
        );
    }

    // The import's column mapping (a multipart form, which the import checks itself).
    let token = app.csrf_token(&org, "/alpha/members/import").await;
    let upload = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .text("mapping", "No\0=membership_number")
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"No,name\nA1,Ana\n".to_vec())
                .file_name("members.csv")
                .mime_str("text/csv")
                .unwrap(),
        );
    let r = org
        .post(app.url("/alpha/members/import"))
        .multipart(upload)
        .send()
        .await
        .unwrap();
    let o = Outcome {
        what: "import mapping NUL".into(),
        status: r.status().as_u16(),
        body: r.text().await.unwrap(),
    };
    t.refused(o, NUL, None);

    assert!(
        t.failures.is_empty(),
        "{} of {} checks failed:\n{}",
        t.failures.len(),
        t.checked,
        t.failures.join("\n")
    );
}
