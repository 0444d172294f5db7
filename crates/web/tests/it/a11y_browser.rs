//! Accessibility in Debian's Chromium: axe-core (from the npm registry, installed by
//! `scripts/test` for the tests only and never served by Picket) runs over every page a person
//! sees, public, member, rep and organiser, on the demo-like data, at a phone's width and a
//! laptop's, and the test fails on any serious or critical violation, listing each. A second
//! test presses Tab through a page and checks that every control it reaches shows where the
//! focus is.

use crate::demo::{self, Demo, MEMBER, ORGANISER, REP};
use fantoccini::{key::Key, Client};
use picket_test_support::{Browser, TestApp, TEST_PASSWORD};

/// axe-core's script: `PICKET_AXE_JS`, else the one `scripts/test` put in its cache.
pub(crate) fn axe_source() -> String {
    let path = std::env::var("PICKET_AXE_JS").unwrap_or_else(|_| {
        let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
        let dir = std::path::PathBuf::from(home).join(".cache/picket/axe");
        std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("axe-core-") && n.ends_with(".min.js"))
            })
            .max()
            .unwrap_or_else(|| dir.join("axe-core.min.js"))
            .display()
            .to_string()
    });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("axe-core is not at {path} ({e}): scripts/test installs it from the npm registry")
    })
}

/// Runs axe on the open page; returns its serious and critical violations, one line each.
pub(crate) async fn violations(c: &Client, axe: &str) -> Vec<String> {
    c.execute(&format!("{axe}\n;return typeof window.axe;"), vec![])
        .await
        .expect("inject axe-core");
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {resultTypes: ['violations']})
               .then(r => done(r.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' — ' +
                   v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(', '))))
               .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .expect("run axe-core");
    found
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .collect()
}

/// Opens each of `paths` at each width and collects what axe finds.
async fn check(c: &Client, app: &TestApp, axe: &str, who: &str, paths: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    for (width, height) in [(390, 844), (1280, 900)] {
        c.set_window_size(width, height).await.unwrap();
        for path in paths {
            c.goto(&app.url(path)).await.unwrap();
            for v in violations(c, axe).await {
                problems.push(format!("{who} {path} at {width} px: {v}"));
            }
        }
    }
    problems
}

async fn sign_in_as(browser: &Browser, app: &TestApp, email: &str) {
    browser.client.delete_all_cookies().await.unwrap();
    browser
        .sign_in(&app.url("/login"), email, TEST_PASSWORD)
        .await;
}

/// A campaign with a target, a signature and a reply, an overdue letter and a strike-breaking
/// report linked to it, on the demo's dispute; returns the campaign's id.
async fn eactions_of(app: &TestApp, dispute: i64) -> i64 {
    let api = app.api(&app.api_token(ORGANISER.0).await);
    let d = format!("/api/v1/branches/northfield/disputes/{dispute}");
    let body = serde_json::json!({"kind": "email", "title": "Write to the Chief Executive", "subject": "Safe caseloads",
        "body": "Dear Chief Executive,\n\n{own_words}\n\n{name}", "delivery": "count-only", "own_words_max": 300, "open": true});
    let (_, e) = api.post(&format!("{d}/eactions"), &body).await;
    let eaction = e["id"].as_i64().expect("a campaign");
    let (_, t) = api
        .post(
            &format!("{d}/eactions/{eaction}/targets"),
            &serde_json::json!({"name": "Dr Jo Bloggs", "role": "Chief Executive"}),
        )
        .await;
    let today = chrono::Utc::now().date_naive().to_string();
    api.call(
        reqwest::Method::PUT,
        &format!("{d}/eactions/{eaction}/targets/{}/reply", t["id"]),
        &serde_json::json!({"received_on": today, "summary": "Declines to meet"}),
    )
    .await;
    app.public_api().post(&format!("{d}/eactions/{eaction}/signatures"), &serde_json::json!({"name": "Ana Rees", "email": "ana.rees@example.org", "postcode": "M1 1AE"})).await;
    let (_, l) = api.post(&format!("{d}/letters"), &serde_json::json!({"direction": "sent", "counterpart": "Swift Staffing Ltd", "subject": "Covering strikers' work", "channel": "registered-post", "sent_on": "2024-05-03", "reply_by": "2024-05-17"})).await;
    let (_, r) = api.post(&format!("{d}/reports"), &serde_json::json!({"who": "Swift Staffing Ltd", "service": "Duty rota", "learned_on": "2024-05-02"})).await;
    api.post(
        &format!("{d}/reports/{}/letters", r["id"]),
        &serde_json::json!({"letter_id": l["id"]}),
    )
    .await;
    eaction
}

#[tokio::test]
async fn no_page_has_a_serious_accessibility_fault() {
    let axe = axe_source();
    let Demo {
        app,
        dispute,
        member,
        message,
        ..
    } = demo::seed().await;
    let d = format!("/northfield/disputes/{dispute}");
    let eaction = eactions_of(&app, dispute).await;
    let browser = Browser::start().await;
    let c = &browser.client;

    let public: Vec<String> = vec![
        "/".into(),
        "/login".into(),
        "/northfield".into(),
        d.clone(),
        format!("{d}/poster"),
        "/northfield/wall".into(),
        format!("/northfield/wall/{message}"),
        "/northfield/embed/wall".into(),
        "/northfield/me/login".into(),
        format!("{d}/actions/{eaction}"),
        "/nowhere-at-all".into(),
    ];
    let mut problems = check(c, &app, &axe, "visitor", &public).await;

    sign_in_as(&browser, &app, MEMBER.0).await;
    let own: Vec<String> = vec!["/northfield/me".into(), "/dashboard".into()];
    problems.extend(check(c, &app, &axe, "member", &own).await);

    sign_in_as(&browser, &app, REP.0).await;
    let rooms = || {
        picket_web::disputes::rooms::ROOMS
            .iter()
            .map(|(path, _)| format!("{d}/{path}"))
    };
    let rep: Vec<String> = ["/dashboard".to_string()]
        .into_iter()
        .chain(rooms())
        .chain(["/northfield/members?reason=casework".into()])
        .collect();
    problems.extend(check(c, &app, &axe, "rep", &rep).await);

    sign_in_as(&browser, &app, ORGANISER.0).await;
    let organiser: Vec<String> = [
        "/dashboard".to_string(),
        "/account".into(),
        "/account/password".into(),
        "/account/tokens".into(),
        "/admin".into(),
        "/northfield/admin/users".into(),
        "/northfield/disputes".into(),
    ]
    .into_iter()
    .chain(rooms())
    .chain([
        format!("{d}/pickets"),
        format!("{d}/items/ballot/1"),
        format!("{d}/periods/1/publish"),
        format!("{d}/items/period/1/delete"),
        "/northfield/members".into(),
        "/northfield/members?reason=casework".into(),
        format!("/northfield/members/{member}?reason=casework"),
        format!("/northfield/members/{member}/subject-access"),
        format!("/northfield/members/{member}/erase"),
        "/northfield/members/audit".into(),
        "/northfield/members/teams".into(),
        "/northfield/members/import".into(),
        "/northfield/wall/moderate".into(),
        "/northfield/wall/pledges".into(),
        format!("{d}/actions"),
        format!("{d}/actions/{eaction}/manage"),
        format!("{d}/actions/{eaction}/handin"),
        format!("{d}/letters"),
        format!("{d}/monitor"),
        "/northfield/letters/overdue".into(),
    ])
    .collect();
    problems.extend(check(c, &app, &axe, "organiser", &organiser).await);
    browser.close().await;
    assert!(
        problems.is_empty(),
        "axe-core found {} serious or critical problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[tokio::test]
async fn the_keyboard_reaches_every_control_with_a_visible_focus_ring() {
    let Demo { app, dispute, .. } = demo::seed().await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.set_window_size(1280, 900).await.unwrap();
    sign_in_as(&browser, &app, ORGANISER.0).await;
    for path in [
        "/northfield/wall".to_string(),
        format!("/northfield/disputes/{dispute}/desk"),
        format!("/northfield/disputes/{dispute}/action"),
    ] {
        c.goto(&app.url(&path)).await.unwrap();
        let controls = c
            .execute(
                "return [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex=\"-1\"])')]
                   .filter(e => !e.disabled && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden').length;",
                vec![],
            )
            .await
            .unwrap()
            .as_u64()
            .unwrap();
        let mut seen = 0;
        let mut unmarked = Vec::new();
        c.find(fantoccini::Locator::Css("body")).await.unwrap();
        for _ in 0..(controls + 5) {
            c.active_element()
                .await
                .unwrap()
                .send_keys(&Key::Tab.to_string())
                .await
                .unwrap();
            let r = c
                .execute(
                    "const e = document.activeElement;
                     if (!e || e === document.body) return null;
                     const s = getComputedStyle(e);
                     const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== 'none');
                     return [e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + (e.textContent || e.name || '').trim().slice(0, 30), ring];",
                    vec![],
                )
                .await
                .unwrap();
            let Some(pair) = r.as_array() else { continue };
            seen += 1;
            if pair[1] != serde_json::Value::Bool(true) {
                unmarked.push(pair[0].as_str().unwrap_or_default().to_string());
            }
        }
        assert!(seen >= 5, "{path}: Tab reached only {seen} controls");
        assert!(
            unmarked.is_empty(),
            "{path}: controls that show no focus ring when reached by Tab:\n{}",
            unmarked.join("\n")
        );
    }
    browser.close().await;
}
