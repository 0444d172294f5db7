//! The strike fund's new pages in Debian's Chromium with a phone's screen (390×844 device
//! metrics): the form for a transaction by hand, a transaction with its reversal form, an
//! account's statement with its "Reverse this transaction" buttons, and a member's own page
//! with the hardship application form all fit the screen with no word broken.

use crate::disputes_rooms_browser::misfits;
use crate::fund_fixture::Fund;
use crate::support::phone;
use fantoccini::Locator;
use picket_test_support::{Browser, TEST_PASSWORD};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn the_fund_pages_fit_a_phone() {
    let f = Fund::new().await;
    let t = f.api("treasurer@example.org").await;
    let (status, _) = t
        .post(
            &f.path("/fund/donations"),
            &json!({"donor_kind": "organisation", "donor_name": "Eastmoor Local Government Branch",
                    "amount": "250", "received": "2024-05-03", "method": "bank-transfer"}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, made) = t
        .post(
            &f.path("/fund/transactions"),
            &json!({"day": "2024-05-04", "memo": "Cash float for the picket line",
                    "lines": [{"account": "cash", "debit": "40.00"}, {"account": "bank", "credit": "40.00"}]}),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let (_, accounts) = t.get(&f.path("/fund/accounts")).await;
    let bank = accounts["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "bank")
        .unwrap()["id"]
        .clone();
    let member = f.api("member@example.org").await;
    let (status, _) = member
        .post(
            &f.path("/me/hardship"),
            &json!({"amount": "150.00", "reason": "Rent due this week after ten strike days"}),
        )
        .await;
    assert_eq!(status, 201);

    let browser = Browser::start().await;
    let c = &browser.client;
    phone(c).await;
    let mut problems = Vec::new();
    for (email, pages) in [
        (
            "treasurer@example.org",
            vec![
                "/northfield/fund/transactions/new".to_string(),
                format!("/northfield/fund/transactions/{}", made["id"]),
                format!("/northfield/fund/accounts/{bank}"),
            ],
        ),
        ("member@example.org", vec!["/northfield/me".to_string()]),
    ] {
        browser
            .sign_in(&f.app.url("/login"), email, TEST_PASSWORD)
            .await;
        c.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("main h1"))
            .await
            .unwrap();
        for page in pages {
            c.goto(&f.app.url(&page)).await.unwrap();
            c.wait()
                .at_most(Duration::from_secs(10))
                .for_element(Locator::Css("main h1"))
                .await
                .unwrap();
            for p in misfits(c).await {
                problems.push(format!("{page}: {p}"));
            }
        }
        c.delete_all_cookies().await.unwrap();
    }
    browser.close().await;
    assert!(
        problems.is_empty(),
        "{} problem(s) at 390 px:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
