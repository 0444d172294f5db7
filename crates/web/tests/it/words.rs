//! Words and dates for people, over HTTP on the demo-like data: every page a person reads
//! writes dates one way ("1 May 2024"; ISO only in input values and `<time datetime>`),
//! a form's validation message names the field by its label, the audit log reads as
//! sentences with the names of the people concerned, and the dashboard leads to the
//! moderation queue and the offers to follow up.

use crate::demo::{self, Demo, MEMBER, ORGANISER, REP};
use picket_test_support::{extract_csrf, TestApp};

/// The text a person sees on an HTML page: tags (and so their attributes: input values,
/// `<time datetime>`) left out, and the contents of scripts, styles and text areas too.
pub fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push(' ');
        rest = &rest[open..];
        let close = rest.find('>').map_or(rest.len(), |i| i + 1);
        let tag = rest[1..close.saturating_sub(1).max(1)].to_ascii_lowercase();
        rest = &rest[close..];
        for hidden in ["script", "style", "textarea"] {
            if tag == hidden || tag.starts_with(&format!("{hidden} ")) {
                let end = format!("</{hidden}>");
                let at = rest.to_ascii_lowercase().find(&end).unwrap_or(rest.len());
                rest = &rest[(at + end.len()).min(rest.len())..];
            }
        }
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ").replace("&amp;", "&")
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Dates written in a style other than "1 May 2024": ISO (`2024-05-01`), a leading zero
/// (`02 December 2026`) or a shortened month (`2 Dec 2026`).
pub fn odd_dates(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let b = text.as_bytes();
    for i in 0..b.len().saturating_sub(9) {
        let w = &b[i..i + 10];
        let iso = w.iter().enumerate().all(|(k, c)| {
            if k == 4 || k == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
        let before = i > 0 && b[i - 1].is_ascii_digit();
        let after = b.get(i + 10).is_some_and(u8::is_ascii_digit);
        if iso && !before && !after {
            found.push(String::from_utf8_lossy(w).into_owned());
        }
    }
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || ",.;:()·".contains(c))
        .filter(|w| !w.is_empty())
        .collect();
    for pair in words.windows(2) {
        let (day, month) = (pair[0], pair[1]);
        if !(1..=2).contains(&day.len()) || !day.bytes().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let full = MONTHS.contains(&month);
        let short = !full
            && MONTHS
                .iter()
                .any(|m| month.len() >= 3 && m.starts_with(month) && month.len() < m.len());
        if short || (full && day.starts_with('0')) {
            found.push(format!("{day} {month}"));
        }
    }
    found
}

#[test]
fn the_scanner_finds_each_odd_style_and_passes_ours() {
    assert!(
        odd_dates("Strike on 1 May 2024, 2 December 2026 and Wednesday 3 January 2024.").is_empty()
    );
    assert_eq!(odd_dates("from 2024-09-07 on"), ["2024-09-07"]);
    assert_eq!(odd_dates("02 December 2026"), ["02 December"]);
    assert_eq!(odd_dates("2 Dec 2026"), ["2 Dec"]);
    assert_eq!(odd_dates("member 12 may"), Vec::<String>::new());
    let html = r#"<p>On <time datetime="2024-05-01">1 May 2024</time></p><input type="date" value="2024-05-01"><script>var d="2024-01-01"</script><textarea>2024-02-02</textarea>"#;
    assert!(
        odd_dates(&visible_text(html)).is_empty(),
        "{}",
        visible_text(html)
    );
    assert_eq!(
        odd_dates(&visible_text("<td>2024-05-01</td>")),
        ["2024-05-01"]
    );
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let r = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status(), 200, "GET {path}");
    r.text().await.unwrap()
}

async fn signed_in(app: &TestApp, email: &str) -> reqwest::Client {
    let client = app.client();
    app.login(&client, email).await;
    client
}

/// Every page of `paths`, read by `client`, with the odd dates each shows.
async fn scan(app: &TestApp, client: &reqwest::Client, paths: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    for path in paths {
        let html = page(app, client, path).await;
        let odd = odd_dates(&visible_text(&html));
        if !odd.is_empty() {
            problems.push(format!("{path}: {odd:?}"));
        }
    }
    problems
}

#[tokio::test]
async fn every_page_writes_dates_for_people() {
    let Demo {
        app,
        dispute,
        member,
        message,
        ..
    } = demo::seed().await;
    let d = format!("/northfield/disputes/{dispute}");
    let public: Vec<String> = [
        "/".to_string(),
        "/northfield".into(),
        d.clone(),
        format!("{d}/poster"),
        "/northfield/wall".into(),
        format!("/northfield/wall/{message}"),
        "/northfield/embed/wall".into(),
    ]
    .into();
    let rooms = |query: &'static str| {
        let d = d.clone();
        picket_web::disputes::rooms::ROOMS
            .iter()
            .map(move |(path, _)| format!("{d}/{path}{query}"))
    };
    let organiser: Vec<String> = [
        "/dashboard".to_string(),
        "/account".into(),
        "/account/tokens".into(),
        "/northfield/disputes".into(),
    ]
    .into_iter()
    .chain(rooms(""))
    .chain(rooms("?as_of=2024-04-20"))
    .chain([
        format!("{d}/pickets"),
        "/northfield/members?reason=casework".into(),
        format!("/northfield/members/{member}?reason=casework"),
        "/northfield/members/audit".into(),
        "/northfield/members/teams".into(),
        "/northfield/members/import".into(),
        "/northfield/wall/moderate".into(),
        "/northfield/wall/pledges".into(),
        "/northfield/admin/users".into(),
    ])
    .collect();
    let mut problems = scan(&app, &app.client(), &public).await;
    problems.extend(scan(&app, &signed_in(&app, ORGANISER.0).await, &organiser).await);
    let rep: Vec<String> = rooms("")
        .chain(["/northfield/members?reason=casework".into()])
        .collect();
    problems.extend(scan(&app, &signed_in(&app, REP.0).await, &rep).await);
    let own = [
        "/northfield/me".to_string(),
        "/northfield/me/data.html".into(),
    ];
    problems.extend(scan(&app, &signed_in(&app, MEMBER.0).await, &own).await);
    assert!(
        problems.is_empty(),
        "dates not written as \"1 May 2024\":\n{}",
        problems.join("\n")
    );
}

#[tokio::test]
async fn a_refused_form_names_the_field_by_its_label() {
    let Demo { app, dispute, .. } = demo::seed().await;
    let client = signed_in(&app, ORGANISER.0).await;
    let action = format!("/northfield/disputes/{dispute}/action");
    let html = page(&app, &client, &action).await;
    let csrf = extract_csrf(&html).unwrap();
    let period_id = html
        .split("name=\"period_id\"><option value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a period to choose")
        .to_string();
    let r = client
        .post(app.url(&format!("/northfield/disputes/{dispute}/participation")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("period_id", period_id.as_str()),
            ("day", ""),
            ("took_part", "lots"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let text = visible_text(&r.text().await.unwrap());
    assert!(
        text.contains("Members who took part: “lots” is not a whole number."),
        "{text}"
    );
    assert!(!text.contains("took_part"), "no machine name on the page");

    // The API keeps its code and the field's machine name.
    let (status, body) = app
        .api(&app.api_token(ORGANISER.0).await)
        .post(
            &format!("/api/v1/branches/northfield/disputes/{dispute}/action-periods"),
            &serde_json::json!({"kind": "strike", "starts": "2024-06-03", "ends": "2024-06-04",
                                "called_out": "fifteen"}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "validation");
    assert_eq!(body["error"]["field"], "called_out", "{body}");
}

#[tokio::test]
async fn the_audit_log_reads_as_sentences_with_names() {
    let Demo { app, .. } = demo::seed().await;
    let client = signed_in(&app, ORGANISER.0).await;
    let text = visible_text(&page(&app, &client, "/northfield/members/audit").await);
    assert!(
        text.contains(&format!(
            "{} viewed the record of {}",
            ORGANISER.1, MEMBER.1
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{} started the dispute “Mental health social workers”",
            ORGANISER.1
        )),
        "{text}"
    );
    assert!(
        !text.contains("member.view") && !text.contains("member:"),
        "{text}"
    );
    // The filter still takes the codes.
    let only_views = visible_text(
        &page(
            &app,
            &client,
            "/northfield/members/audit?action=member.view",
        )
        .await,
    );
    assert!(only_views.contains("viewed the record of"), "{only_views}");
    assert!(!only_views.contains("started the dispute"), "{only_views}");
    // … and names the chosen kind in words, with no code among the choices a person reads.
    let html = page(
        &app,
        &client,
        "/northfield/members/audit?action=member.view",
    )
    .await;
    assert!(
        html.contains(r#"<option value="member.view" selected>Member records viewed</option>"#),
        "{html}"
    );
    assert!(!visible_text(&html).contains("member.view"), "{html}");
}

#[tokio::test]
async fn the_dashboard_leads_to_the_queue_and_the_offers() {
    let Demo { app, .. } = demo::seed().await;
    let organiser = signed_in(&app, ORGANISER.0).await;
    let html = page(&app, &organiser, "/dashboard").await;
    assert!(
        html.contains("href=\"/northfield/wall/moderate\""),
        "{html}"
    );
    assert!(html.contains("href=\"/northfield/wall/pledges\""), "{html}");
    let text = visible_text(&html);
    assert!(text.contains("2 messages wait"), "{text}");
    assert!(text.contains("1 open"), "{text}");
    // A member is not shown what only organisers may open.
    let member = signed_in(&app, MEMBER.0).await;
    let html = page(&app, &member, "/dashboard").await;
    assert!(
        !html.contains("/wall/moderate") && !html.contains("/wall/pledges"),
        "{html}"
    );
}
