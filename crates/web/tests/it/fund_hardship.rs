//! Members apply for hardship grants themselves, from their page and over JSON: the reason is
//! seen by the treasurer, the organisers and the member, no one else; the treasurer decides
//! and pays; a member applies at most three times a day. And the fund's bad input on the
//! treasurer's pages: a clear message, what was typed kept, nothing posted.

use crate::fund_fixture::Fund;
use picket_test_support::BodyText;
use serde_json::json;

#[tokio::test]
async fn a_member_applies_for_hardship_from_their_page_and_the_treasurer_decides() {
    let f = Fund::new().await;
    let ana = f.session("member@example.org").await;
    let me = ana.get(f.app.url("/northfield/me")).body_text().await;
    assert!(me.contains("Apply for a hardship grant"), "{me}");
    assert!(me.contains(r#"name="viewport""#));

    // Bad input: named, what was typed kept, nothing recorded.
    for (amount, reason, words) in [
        ("0", "Rent due", "more than £0.00"),
        ("-20", "Rent due", "without a minus"),
        ("20.505", "Rent due", "at most two digits"),
        ("20", " ", "why the grant is needed"),
    ] {
        let r = f
            .form(
                &ana,
                "/northfield/me",
                "/northfield/me/hardship",
                &[("amount", amount), ("reason", reason)],
            )
            .await;
        assert_eq!(r.status(), 422, "{amount} {reason}");
        let html = r.text().await.unwrap();
        assert!(html.contains(words), "{words}: {html}");
        assert!(html.contains(&format!(r#"value="{amount}""#)), "{html}");
    }
    let t = f.api("treasurer@example.org").await;
    let (_, list) = t.get(&f.path("/fund/hardship")).await;
    assert_eq!(list["applications"], json!([]), "nothing recorded");

    let r = f
        .form(
            &ana,
            "/northfield/me",
            "/northfield/me/hardship",
            &[("amount", "150"), ("reason", "Rent due this week")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let me = ana.get(f.app.url("/northfield/me")).body_text().await;
    assert!(me.contains("£150.00"), "{me}");
    assert!(
        me.contains("Rent due this week"),
        "the member sees their own reason"
    );
    assert!(me.contains("Waiting for the treasurer"));

    // The treasurer and organisers see the reason; another member and a rep do not.
    let (_, list) = t.get(&f.path("/fund/hardship")).await;
    assert_eq!(
        list["applications"][0]["grant"]["reason"],
        "Rent due this week"
    );
    assert_eq!(list["applications"][0]["name"], "Ana Rees");
    let grant = list["applications"][0]["grant"]["id"].as_i64().unwrap();
    let org = f.session("organiser@example.org").await;
    let html = org
        .get(f.app.url("/northfield/fund/hardship"))
        .body_text()
        .await;
    assert!(html.contains("Rent due this week"), "{html}");
    let ben = f.api("other@example.org").await;
    let (status, own) = ben.get(&f.path("/me/hardship")).await;
    assert_eq!(status, 200);
    assert_eq!(own["applications"], json!([]));
    let ben_page = f.session("other@example.org").await;
    let html = ben_page.get(f.app.url("/northfield/me")).body_text().await;
    assert!(!html.contains("Rent due this week"));
    let rep = f.api("rep@example.org").await;
    let (status, body) = rep.get(&f.path("/fund/hardship")).await;
    assert_eq!(status, 403);
    assert!(!body.to_string().contains("Rent due"));

    // Over JSON too, and at most three a day.
    let member = f.api("member@example.org").await;
    let (status, body) = member
        .post(
            &f.path("/me/hardship"),
            &json!({"amount": "0.001", "reason": "Food"}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "amount");
    for _ in 0..2 {
        let (status, body) = member
            .post(
                &f.path("/me/hardship"),
                &json!({"amount": "30.00", "reason": "Food"}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, body) = member
        .post(
            &f.path("/me/hardship"),
            &json!({"amount": "30.00", "reason": "Food"}),
        )
        .await;
    assert_eq!(status, 429, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("at most 3 hardship grants a day"));
    let (_, own) = member.get(&f.path("/me/hardship")).await;
    assert_eq!(own["applications"].as_array().unwrap().len(), 3);
    assert_eq!(own["applications"][2]["reason"], "Rent due this week");

    // The treasurer grants and pays from the bank; the member sees it paid.
    let (status, _) = t
        .post(
            &f.path("/fund/donations"),
            &json!({"donor_kind": "organisation", "donor_name": "Eastmoor", "amount": "500",
                    "received": "2024-05-03", "method": "bank-transfer"}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = t
        .post(
            &f.path(&format!("/fund/hardship/{grant}/decision")),
            &json!({"decision": "grant"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = t
        .post(
            &f.path(&format!("/fund/hardship/{grant}/payment")),
            &json!({"from": "bank"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, own) = member.get(&f.path("/me/hardship")).await;
    assert_eq!(own["applications"][2]["status"], "paid");
    let me = ana.get(f.app.url("/northfield/me")).body_text().await;
    assert!(me.contains("Granted and paid"), "{me}");
    // And in the member's own data export.
    let export = ana
        .get(f.app.url("/northfield/me/data.json"))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(
        export["hardship_applications"][2]["reason"],
        "Rent due this week"
    );

    // Audited, and the audit entry never holds the reason.
    let audit = f
        .app
        .store()
        .audit_entries(Some(f.branch.id), picket_store::PageRequest::new(1, 100))
        .await
        .unwrap();
    let applied: Vec<_> = audit
        .items
        .iter()
        .filter(|e| e.action == "fund.hardship.apply")
        .collect();
    assert_eq!(applied.len(), 3);
    assert!(applied
        .iter()
        .all(|e| !e.detail.clone().unwrap_or_default().contains("Rent")));
}

#[tokio::test]
async fn bad_input_on_the_treasurers_pages_names_the_fault_and_posts_nothing() {
    let f = Fund::new().await;
    let d = f.dispute;
    let t = f.session("treasurer@example.org").await;

    // Zero and negative donations.
    for (amount, words) in [("0", "more than £0.00"), ("-5", "without a minus")] {
        let r = f
            .form(
                &t,
                "/northfield/fund/donations",
                "/northfield/fund/donations",
                &[
                    ("donor_kind", "person"),
                    ("donor_name", "A Giver"),
                    ("amount", amount),
                    ("received", "2024-05-03"),
                    ("method", "cash"),
                ],
            )
            .await;
        assert_eq!(r.status(), 422, "{amount}");
        let html = r.text().await.unwrap();
        assert!(html.contains(words), "{words}: {html}");
        assert!(html.contains(&format!(r#"value="{amount}""#)));
    }
    assert_eq!(f.transactions().await, 0);

    // A day the member worked is never paid: the policy cannot count it, and a run pays it
    // nothing, saying so.
    let pay = format!("/northfield/disputes/{d}/strike-pay");
    let r = f
        .form(
            &t,
            &pay,
            &format!("{pay}/policy"),
            &[
                ("rate", "flat"),
                ("daily", "30.00"),
                ("counts", "on-strike"),
                ("counts", "working"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("A day a member worked is never paid"),
        "{html}"
    );
    let r = f
        .form(
            &t,
            &pay,
            &format!("{pay}/policy"),
            &[
                ("rate", "flat"),
                ("daily", "30.00"),
                ("counts", "on-strike"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let api = f.api("treasurer@example.org").await;
    let (status, _) = api
        .post(
            &format!("/api/v1/branches/northfield/disputes/{d}/strike-days"),
            &json!({"day": "2024-05-13", "entries": [{"member": f.ana.0, "status": "on-strike"},
                                                     {"member": f.ben.0, "status": "working"}]}),
        )
        .await;
    assert_eq!(status, 200);

    // Dates outside the dispute.
    let r = f
        .form(
            &t,
            &pay,
            &format!("{pay}/runs"),
            &[("first", "2024-05-13"), ("last", "2024-06-28")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("28 June 2024 is outside"), "{html}");
    assert!(html.contains(r#"value="2024-06-28""#), "{html}");

    let made = f
        .form(
            &t,
            &pay,
            &format!("{pay}/runs"),
            &[("first", "2024-05-13"), ("last", "2024-05-17")],
        )
        .await;
    assert_eq!(made.status(), 303);
    let run = made.headers()["location"].to_str().unwrap().to_string();
    let html = t.get(f.app.url(&run)).body_text().await;
    assert!(html.contains("Working is not paid"), "{html}");
    let r = f.form(&t, &run, &format!("{run}/approve"), &[]).await;
    assert_eq!(r.status(), 303);
    let before = f.transactions().await;

    // A payment larger than what is owed (Ana is owed £30.00).
    let r = f
        .form(
            &t,
            "/northfield/fund/strike-pay",
            "/northfield/fund/strike-pay/payments",
            &[
                ("member", &f.ana.0.to_string()),
                ("amount", "30.01"),
                ("paid_on", "2024-05-20"),
                ("from", "bank"),
            ],
        )
        .await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("more than the £30.00"), "{html}");
    assert!(html.contains(r#"value="30.01""#), "{html}");
    assert_eq!(f.transactions().await, before, "nothing posted");

    // A status for someone not in a team called out, entered by the treasurer.
    let grid = format!("/northfield/disputes/{d}/strike-days?day=2024-05-14");
    let r = f
        .form(
            &t,
            &grid,
            &format!("/northfield/disputes/{d}/strike-days"),
            &[
                ("day", "2024-05-14"),
                (&format!("m{}", f.ana.0), "on-strike"),
                (&format!("m{}", f.cy.0), "on-strike"),
            ],
        )
        .await;
    assert!(
        r.status() == 409 || r.status() == 422,
        "refused: {}",
        r.status()
    );
    let html = r.text().await.unwrap();
    assert!(html.contains("not in a team called out"), "{html}");
    let (_, days) = api
        .get(&format!(
            "/api/v1/branches/northfield/disputes/{d}/strike-days?day=2024-05-14"
        ))
        .await;
    assert_eq!(days["days"], json!([]), "nothing recorded");

    // Hardship recorded by the treasurer: more than two decimal places.
    let (status, body) = api
        .post(
            &f.path("/fund/hardship"),
            &json!({"member": f.ben.0.to_string(), "amount": "10.999", "reason": "Rent", "applied_on": "2024-05-10"}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("at most two digits"));
}
