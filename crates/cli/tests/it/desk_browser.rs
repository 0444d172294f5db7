//! The dispute desk in Debian's Chromium, on a phone-width window, over the demo's dispute
//! (the seeds' dates and figures) served by `picket demo` on the backend under test: an
//! organiser signs in, sees the days on strike so far, the mandate's last day and the next
//! notice deadline on the desk's overview, each with its working one tap away, and a form of the
//! action room with a wrong field comes back with the message and everything typed.

use crate::support::picket;
use fantoccini::{Client, Locator};
use picket_test_support::db::fresh_url;
use picket_test_support::Browser;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

/// `picket demo` on a fresh database; stopped when dropped.
struct Demo {
    child: Child,
    base: String,
    desk: String,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn demo(database_url: &str) -> Demo {
    let mut child = picket()
        .args([
            "demo",
            "--addr",
            "127.0.0.1:0",
            "--database-url",
            database_url,
        ])
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the demo");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut base = String::new();
    let mut desk = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(url) = line.strip_prefix("Picket demo: ") {
            base = url.to_string();
        }
        if let Some(rest) = line.strip_prefix("Dispute desk: ") {
            desk = rest.split_whitespace().next().unwrap().to_string();
            break;
        }
    }
    assert!(
        !base.is_empty() && !desk.is_empty(),
        "the demo printed its addresses"
    );
    // Keep reading stdout so the demo never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Demo { child, base, desk }
}

async fn text(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

async fn value(c: &Client, id: &str) -> String {
    c.find(Locator::Id(id))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

#[tokio::test]
async fn an_organiser_reads_the_desk_figures_with_their_working_and_a_bad_form_keeps_what_was_typed(
) {
    let (url, _dir) = fresh_url().await;
    let demo = demo(&url);
    let browser = Browser::start().await;
    let c = &browser.client;

    browser
        .sign_in(
            &format!("{}/login", demo.base),
            "organiser@picket.example",
            "picket-demo-2024",
        )
        .await;
    c.wait().for_element(Locator::Css("main h1")).await.unwrap();

    // The figures as they stood on 1 May 2024, each with its working.
    c.goto(&demo.desk).await.unwrap();
    c.wait()
        .for_element(Locator::Id("days-so-far"))
        .await
        .unwrap();
    assert_eq!(text(c, "#days-so-far .figure-value").await, "37");
    // The working is one tap away.
    for figure in ["days-so-far", "mandate", "next-notice"] {
        browser
            .click(Locator::Css(&format!("#{figure} summary")))
            .await;
    }
    let working = text(c, "#days-so-far .working").await;
    assert!(
        working.contains("10 (15 April 2024 to 26 April 2024)"),
        "{working}"
    );
    assert!(
        working.contains("weekdays less England and Wales bank holidays"),
        "{working}"
    );
    assert_eq!(text(c, "#mandate .figure-value").await, "7 September 2024");
    let working = text(c, "#mandate .working").await;
    assert!(
        working.contains("90.91% turnout") && working.contains("6 months"),
        "{working}"
    );
    assert_eq!(text(c, "#next-notice .figure-value").await, "29 April 2024");
    let working = text(c, "#next-notice .working").await;
    assert!(
        working.contains("14 days") && working.contains("13 May 2024"),
        "{working}"
    );
    // A phone-width window: the page itself does not scroll sideways.
    let fits = c
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth + 1;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(fits, serde_json::json!(true), "the desk fits 390px");

    // A period with a wrong number, added in the action room, comes back with the message and
    // what was typed.
    browser
        .click(Locator::Css(".rooms a[href*='/action']"))
        .await;
    c.wait()
        .for_element(Locator::Css(".rooms a[aria-current=page][href*='/action']"))
        .await
        .unwrap();
    let summary = c.find(Locator::Css("#periods-form summary")).await.unwrap();
    c.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![serde_json::to_value(&summary).unwrap()],
    )
    .await
    .unwrap();
    summary.click().await.unwrap();
    c.execute(
        "document.getElementById('periods-starts').value = '2024-07-08';\
         document.getElementById('periods-ends').value = '2024-07-12';",
        vec![],
    )
    .await
    .unwrap();
    for (id, typed) in [
        ("periods-teams", "Both community teams"),
        ("periods-called_out", "twenty"),
    ] {
        browser.type_into(Locator::Id(id), typed).await;
    }
    let submit = c
        .find(Locator::Css("#periods-form button[type=submit]"))
        .await
        .unwrap();
    c.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![serde_json::to_value(&submit).unwrap()],
    )
    .await
    .unwrap();
    submit.click().await.unwrap();
    let alert = c
        .wait()
        .for_element(Locator::Css("#periods-form .alert.error"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(alert, "Members called out: “twenty” is not a whole number.");
    assert_eq!(value(c, "periods-called_out").await, "twenty");
    assert_eq!(value(c, "periods-teams").await, "Both community teams");
    assert_eq!(value(c, "periods-starts").await, "2024-07-08");
    assert_eq!(value(c, "periods-ends").await, "2024-07-12");
    let invalid = c
        .find(Locator::Id("periods-called_out"))
        .await
        .unwrap()
        .attr("aria-invalid")
        .await
        .unwrap();
    assert_eq!(invalid.as_deref(), Some("true"));
    let open = c
        .find(Locator::Id("periods-form"))
        .await
        .unwrap()
        .attr("open")
        .await
        .unwrap();
    assert!(open.is_some(), "the failed form is shown open");
    browser.close().await;
}

/// The page's height and whether each hand-figure input shows, in `c`'s window.
async fn unit_layout(c: &Client) -> (u64, u64, Vec<bool>) {
    let measured = c
        .execute(
            "return [window.innerWidth, document.documentElement.scrollHeight,
               [...document.querySelectorAll('#called-out input[name=figure], #entitled input[name=figure]')]
                 .map(e => e.checkVisibility())];",
            vec![],
        )
        .await
        .unwrap();
    let shown = measured[2]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_bool().unwrap())
        .collect();
    (
        measured[0].as_u64().unwrap(),
        measured[1].as_u64().unwrap(),
        shown,
    )
}

#[tokio::test]
async fn the_unit_room_folds_each_figure_form_so_a_phone_scrolls_less() {
    let (url, _dir) = fresh_url().await;
    let demo = demo(&url);
    let browser = Browser::start().await;
    let c = &browser.client;
    picket_test_support::browser::phone(c).await;
    browser
        .sign_in(
            &format!("{}/login", demo.base),
            "organiser@picket.example",
            "picket-demo-2024",
        )
        .await;
    c.wait().for_element(Locator::Css("main h1")).await.unwrap();
    c.goto(&demo.desk.replacen("/desk", "/unit", 1))
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("entitled")).await.unwrap();

    let (width, folded, shown) = unit_layout(c).await;
    assert_eq!(width, 390);
    assert!(shown.len() >= 6, "a form for each period and ballot");
    assert!(shown.iter().all(|s| !s), "folded: {shown:?}");
    // One tap opens a figure's form.
    browser
        .click(Locator::Css("#called-out details summary"))
        .await;
    assert!(unit_layout(c).await.2[0], "the first form opens");
    c.execute(
        "document.querySelectorAll('details').forEach(d => d.open = true);",
        vec![],
    )
    .await
    .unwrap();
    let (_, open, _) = unit_layout(c).await;
    eprintln!("the unit room at 390 px: {folded} px with its figure forms folded, {open} px open");
    // Folded, the page is at least a third shorter than with every form open.
    assert!(folded * 3 < open * 2, "{folded} px folded, {open} px open");
}
