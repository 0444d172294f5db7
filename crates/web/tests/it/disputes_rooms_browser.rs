//! The dispute desk in rooms, in Debian's Chromium with a phone's screen (390×844 device
//! metrics): every room of the desk fits the screen with nothing breaking inside a word, its
//! details open or closed; and the branch secretary's journey works end to end: the moderation
//! queue found from the dashboard, a period of action added from the action room in a few key
//! presses, kept private while the law checks warn, then published on the warnings page.

use crate::demo::{self, Demo, ORGANISER};
use crate::support::phone;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use picket_test_support::{Browser, TEST_PASSWORD};
use picket_web::disputes::rooms::ROOMS;
use std::time::Duration;

/// What does not fit a phone's screen on the open page: the page or a box in it scrolling
/// sideways, an element whose right edge shows past the screen's, a word broken across two
/// lines, a rule that breaks words anywhere.
pub(crate) async fn misfits(c: &Client) -> Vec<String> {
    let found = c
        .execute(
            r#"
            const vw = window.innerWidth;
            const out = [];
            const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
              (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '');
            if (vw !== 390) out.push('the screen is ' + vw + ' px wide, not 390');
            if (document.documentElement.scrollWidth > vw)
              out.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' px');
            // How far right an element shows: its box, cut by any ancestor that clips.
            const shown = e => {
              let right = e.getBoundingClientRect().right;
              for (let a = e.parentElement; a; a = a.parentElement) {
                if (getComputedStyle(a).overflowX !== 'visible')
                  right = Math.min(right, a.getBoundingClientRect().right);
              }
              return right;
            };
            for (const e of document.querySelectorAll('body *')) {
              const r = e.getBoundingClientRect();
              if (r.width === 0 && r.height === 0) continue;
              const s = getComputedStyle(e);
              if (shown(e) > vw + 0.5) out.push(name(e) + ' reaches ' + Math.round(r.right) + ' px');
              if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && e.scrollWidth > e.clientWidth + 1)
                out.push(name(e) + ' scrolls sideways: ' + e.scrollWidth + ' px in ' + e.clientWidth);
              if (s.wordBreak === 'break-all') out.push(name(e) + ' breaks words anywhere');
            }
            const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            while (walk.nextNode()) {
              const t = walk.currentNode;
              // Text for screen readers only (a box of a pixel or less) is never seen.
              const box = t.parentElement.getBoundingClientRect();
              if (box.width <= 1 || box.height <= 1 || box.right < 0) continue;
              const words = /[\p{L}\p{N}]{2,}/gu;
              let m;
              while ((m = words.exec(t.textContent))) {
                const range = document.createRange();
                range.setStart(t, m.index);
                range.setEnd(t, m.index + m[0].length);
                const lines = new Set([...range.getClientRects()]
                  .filter(r => r.width > 0).map(r => Math.round(r.top)));
                if (lines.size > 1) out.push('"' + m[0] + '" is broken in ' + name(t.parentElement));
              }
            }
            return out;"#,
            vec![],
        )
        .await
        .expect("measure the page");
    found
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .collect()
}

/// Opens every `<details>` of the page.
async fn open_details(c: &Client) {
    c.execute(
        "document.querySelectorAll('details').forEach(d => d.open = true);",
        vec![],
    )
    .await
    .expect("open the details");
}

async fn wait_for(c: &Client, css: &str) -> fantoccini::elements::Element {
    let found = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await;
    match found {
        Ok(e) => e,
        Err(e) => panic!("no {css} on {:?}: {e}", c.current_url().await),
    }
}

#[tokio::test]
async fn every_room_of_the_desk_fits_a_phone_and_breaks_no_word() {
    let Demo { app, dispute, .. } = demo::seed().await;
    let browser = Browser::start().await;
    let c = &browser.client;
    phone(c).await;
    browser
        .sign_in(&app.url("/login"), ORGANISER.0, TEST_PASSWORD)
        .await;
    wait_for(c, "main h1").await;
    let mut problems = Vec::new();
    for (path, label) in ROOMS {
        for query in ["", "?as_of=2024-04-19"] {
            let url = format!("/northfield/disputes/{dispute}/{path}{query}");
            c.goto(&app.url(&url)).await.unwrap();
            let current = wait_for(c, ".rooms [aria-current=page]").await;
            assert_eq!(current.text().await.unwrap(), *label, "{url}");
            for p in misfits(c).await {
                problems.push(format!("{url}: {p}"));
            }
            open_details(c).await;
            for p in misfits(c).await {
                problems.push(format!("{url} with its details open: {p}"));
            }
        }
    }
    browser.close().await;
    assert!(
        problems.is_empty(),
        "{} problem(s) at 390 px:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Presses Tab from the top of the page just opened until the focus is inside `css`; the presses it
/// took, or `None` after `most`.
async fn tabs_to(c: &Client, css: &str, most: usize) -> Option<usize> {
    for presses in 1..=most {
        c.active_element()
            .await
            .unwrap()
            .send_keys(&Key::Tab.to_string())
            .await
            .unwrap();
        let inside = c
            .execute(
                "return !!document.activeElement.closest(arguments[0]);",
                vec![serde_json::json!(css)],
            )
            .await
            .unwrap();
        if inside == serde_json::Value::Bool(true) {
            return Some(presses);
        }
    }
    None
}

async fn public_text(c: &Client, app: &picket_test_support::TestApp, dispute: i64) -> String {
    c.goto(&app.url(&format!("/northfield/disputes/{dispute}")))
        .await
        .unwrap();
    wait_for(c, "main h1").await.text().await.unwrap();
    c.find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_branch_secretary_runs_the_desk_from_a_phone() {
    let Demo { app, dispute, .. } = demo::seed().await;
    let browser = Browser::start().await;
    let c = &browser.client;
    phone(c).await;
    browser
        .sign_in(&app.url("/login"), ORGANISER.0, TEST_PASSWORD)
        .await;

    // The moderation queue, from the dashboard.
    wait_for(c, "#moderation-northfield")
        .await
        .click()
        .await
        .unwrap();
    wait_for(c, "main h1").await;
    assert_eq!(
        c.current_url().await.unwrap().path(),
        "/northfield/wall/moderate"
    );
    // And from the desk's overview, which says what waits.
    let desk = format!("/northfield/disputes/{dispute}/desk");
    c.goto(&app.url(&desk)).await.unwrap();
    let waiting = wait_for(c, "#todo").await.text().await.unwrap();
    let store = app.store();
    let branch = store.branch_by_slug("northfield").await.unwrap();
    let pending = store.wall_counts(branch.id).await.unwrap().pending;
    assert!(pending > 0, "the demo has messages waiting");
    assert!(
        waiting.contains(&format!("Wall messages to moderate {pending} waiting")),
        "{waiting}"
    );
    assert!(waiting.contains("Offers to follow up 1 open"), "{waiting}");
    browser.click(Locator::Id("todo-moderation")).await;
    wait_for(c, "main h1").await;
    assert_eq!(
        c.current_url().await.unwrap().path(),
        "/northfield/wall/moderate"
    );
    c.goto(&app.url(&desk)).await.unwrap();
    wait_for(c, "#todo").await;
    assert!(misfits(c).await.is_empty(), "{:?}", misfits(c).await);

    // The action room, from the rooms navigation; its add form a few presses of Tab away.
    browser
        .click(Locator::Css(".rooms a[href$='/action']"))
        .await;
    wait_for(c, "#periods-form").await;
    assert!(c.current_url().await.unwrap().path().ends_with("/action"));
    let presses = tabs_to(c, "#periods-form", 15).await;
    assert!(
        presses.is_some(),
        "the add form is more than 15 presses of Tab from the top of the action room"
    );
    // Enter opens the form; a strike after the mandate ran out, with notice received late.
    let summary = c.active_element().await.unwrap();
    assert_eq!(summary.tag_name().await.unwrap(), "summary");
    summary.send_keys(&Key::Enter.to_string()).await.unwrap();
    let starts = wait_for(c, "#periods-starts").await;
    assert!(starts.is_displayed().await.unwrap(), "the form opened");
    c.execute(
        "document.getElementById('periods-starts').value = '2026-12-07';
         document.getElementById('periods-ends').value = '2026-12-11';
         document.getElementById('periods-notice_received').value = '2026-12-01';",
        vec![],
    )
    .await
    .unwrap();
    browser
        .type_into(
            Locator::Id("periods-teams"),
            "Community Mental Health North",
        )
        .await;
    browser
        .type_into(Locator::Id("periods-called_out"), "15")
        .await;
    browser
        .type_into(
            Locator::Id("periods-called_out_reason"),
            &format!("members not yet imported{}", Key::Enter),
        )
        .await;

    // It stays private, and the room says so with the way to the warnings.
    let notice = wait_for(c, "#desk-notice.warn").await;
    assert!(notice
        .text()
        .await
        .unwrap()
        .contains("it is not on the public page"));
    assert!(c.current_url().await.unwrap().path().ends_with("/action"));
    let card = c
        .find(Locator::XPath(
            "//article[contains(@class, 'period')][.//h3[contains(., '7 December 2026')]]",
        ))
        .await
        .expect("the new period's card");
    let card_text = card.text().await.unwrap();
    assert!(
        card_text.contains("Not public: law warnings"),
        "{card_text}"
    );
    let warnings = card
        .find(Locator::Css(".warnings"))
        .await
        .expect("the card lists the warnings")
        .text()
        .await
        .unwrap();
    assert!(
        warnings.contains("The notice was received on 1 December 2026, too late"),
        "a notice warning: {warnings}"
    );
    assert!(misfits(c).await.is_empty(), "{:?}", misfits(c).await);
    let review = c
        .find(Locator::Css("#desk-notice a"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .expect("a link to the warnings");
    assert!(
        !public_text(c, &app, dispute)
            .await
            .contains("7 to 11 December 2026"),
        "kept off the public page"
    );

    // Confirmed on the warnings page, it is public.
    c.goto(&app.url(&review)).await.unwrap();
    let warnings = wait_for(c, "#publish-warnings").await.text().await.unwrap();
    assert!(warnings.contains("too late"), "{warnings}");
    assert!(misfits(c).await.is_empty(), "{:?}", misfits(c).await);
    browser.click(Locator::Id("publish-confirm")).await;
    browser
        .click(Locator::Css("#publish-form button[type=submit]"))
        .await;
    let notice = wait_for(c, "#desk-notice.ok").await;
    assert!(notice
        .text()
        .await
        .unwrap()
        .contains("now on the public page"));
    assert!(c.current_url().await.unwrap().path().ends_with("/action"));
    assert!(
        public_text(c, &app, dispute)
            .await
            .contains("7 to 11 December 2026"),
        "on the public page"
    );
    browser.close().await;
}
