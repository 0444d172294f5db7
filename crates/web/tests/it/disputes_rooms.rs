//! The desk in rooms over HTTP: every room answers members with the rooms navigation (the day
//! asked for kept on each link), a form goes back to its own room whether it saves or fails,
//! and the overview lists what needs doing, the periods kept off the public page and the next
//! deadlines, each linked to where it is done.

use picket_domain::Role;
use picket_test_support::{BodyText, TestApp};
use picket_web::disputes::rooms::ROOMS;

struct Desk {
    app: TestApp,
    client: reqwest::Client,
    base: String,
}

impl Desk {
    async fn new() -> Desk {
        let app = TestApp::spawn().await;
        let north = app.branch("northfield").await;
        app.user(&north, "org@example.org", Role::Organiser).await;
        app.user(&north, "mem@example.org", Role::Member).await;
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

    async fn post(&self, action: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.app.csrf_token(&self.client, "/dashboard").await;
        let mut form: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        form.extend_from_slice(fields);
        self.client
            .post(self.app.url(action))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    async fn room(&self, path: &str) -> String {
        self.client
            .get(self.app.url(&format!("{}/{path}", self.base)))
            .body_text()
            .await
    }
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn every_room_answers_with_the_navigation_and_keeps_the_day() {
    let d = Desk::new().await;
    let member = d.app.client();
    d.app.login(&member, "mem@example.org").await;
    for (path, label) in ROOMS {
        let url = d.app.url(&format!("{}/{path}?as_of=2024-02-23", d.base));
        let res = member.get(&url).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let html = res.text().await.unwrap();
        assert!(
            html.contains(&format!(
                "href=\"{}/{path}?as_of=2024-02-23\" aria-current=\"page\">{label}</a>",
                d.base
            )),
            "{path}: the room shown is marked"
        );
        for (other, _) in ROOMS {
            assert!(
                html.contains(&format!("href=\"{}/{other}?as_of=2024-02-23\"", d.base)),
                "{path} links {other} on the same day"
            );
        }
        assert!(
            !html.contains(&format!("<form method=\"post\" action=\"{}", d.base)),
            "{path}: a member is shown no form that changes the dispute"
        );
    }
    let anonymous = d.app.client();
    let res = anonymous
        .get(d.app.url(&format!("{}/action", d.base)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "the rooms need signing in");
}

#[tokio::test]
async fn a_form_goes_back_to_its_room_saved_or_refused() {
    let d = Desk::new().await;
    for (form, fields, room) in [
        (
            "timeline",
            vec![
                ("dated", "2024-01-05"),
                ("kind", "meeting"),
                ("title", "Talks"),
            ],
            "timeline",
        ),
        (
            "rates",
            vec![("label", "service-user contacts"), ("per_worker_day", "10")],
            "impact",
        ),
        (
            "claims",
            vec![
                ("kind", "offer"),
                ("dated", "2024-01-05"),
                ("summary", "Two per cent"),
                ("status", "tabled"),
            ],
            "parties",
        ),
    ] {
        let res = d.post(&format!("{}/{form}", d.base), &fields).await;
        assert_eq!(res.status(), 303, "{form}");
        assert_eq!(
            location(&res),
            format!("{}/{room}?done=saved", d.base),
            "{form}"
        );
    }
    assert!(d.room("impact").await.contains("service-user contacts"));
    assert!(d.room("parties").await.contains("Two per cent"));

    // Refused: the room again, with the message and what was typed, in its form.
    let res = d
        .post(
            &format!("{}/rates", d.base),
            &[("label", "home visits"), ("per_worker_day", "lots")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("aria-current=\"page\">Impact</a>"),
        "the impact room"
    );
    assert!(html.contains("value=\"lots\"") && html.contains("value=\"home visits\""));
    assert!(html.contains("id=\"rates-form\" open"), "the form is open");
}

#[tokio::test]
async fn the_overview_lists_what_needs_doing_and_the_next_deadlines() {
    let d = Desk::new().await;
    let res = d
        .post(
            &format!("{}/ballots", d.base),
            &[
                ("kind", "statutory"),
                ("title", "Strike ballot"),
                ("opened", "2024-02-12"),
                ("closed", "2024-03-08"),
                ("entitled", "19"),
                ("cast", "15"),
                ("yes", "14"),
                ("no", "1"),
                ("result_to_employer", "2024-03-11"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    // A period with no notice recorded yet: private (the law checks warn) and a notice to send.
    let res = d
        .post(
            &format!("{}/periods", d.base),
            &[
                ("kind", "strike"),
                ("starts", "2024-04-15"),
                ("ends", "2024-04-26"),
                ("called_out", "15"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let to = location(&res);
    assert!(
        to.starts_with(&format!("{}/action?done=period-private&period=", d.base)),
        "{to}"
    );
    let period = to.rsplit('=').next().unwrap().to_string();

    let html = d.room("desk?as_of=2024-03-20").await;
    let action = format!("{}/action#period-{period}", d.base);
    let todo = html.split("id=\"todo\"").nth(1).expect("what needs doing");
    let todo = todo.split("</section>").next().unwrap();
    assert!(
        todo.contains(&format!("<a href=\"{action}\">Notice of the strike 15 to 26 April 2024</a> to send: the employer must receive it by <strong>1 April 2024</strong>")),
        "{todo}"
    );
    assert!(todo.contains("href=\"/northfield/wall/moderate\""));
    assert!(todo.contains("href=\"/northfield/wall/pledges\""));
    let warnings = html.split("id=\"warnings\"").nth(1).expect("kept private");
    assert!(warnings.contains(&format!("{}/periods/{period}/publish", d.base)));
    let deadlines = html.split("id=\"deadlines\"").nth(1).expect("deadlines");
    let notice = deadlines.find("1 April 2024").expect("the notice deadline");
    let starts = deadlines.find("15 April 2024").expect("the first day");
    let mandate = deadlines
        .find("Last day of the mandate from &quot;Strike ballot&quot;")
        .or_else(|| deadlines.find("Last day of the mandate from &#34;Strike ballot&#34;"))
        .expect("the mandate's last day");
    assert!(notice < starts && starts < mandate, "soonest first");

    // Once the notice is recorded in time, there is nothing to send and nothing kept back.
    let item = format!("{}/items/period/{period}", d.base);
    let res = d
        .post(
            &item,
            &[
                ("kind", "strike"),
                ("starts", "2024-04-15"),
                ("ends", "2024-04-26"),
                ("called_out", "15"),
                ("notice_received", "2024-03-25"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("{}/action?done=saved", d.base));
    let html = d.room("desk?as_of=2024-03-20").await;
    assert!(html.contains("No notice of action to send."));
    assert!(!html.contains("id=\"warnings\""));
}
