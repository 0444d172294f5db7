//! The strike fund over JSON, on the backend the suite runs on: a donation, strike days, a
//! policy, a pay run with its working, approval, payment and the CSV payment file; every
//! kind of bad input refused with a clear message and nothing posted; and who may do what.

use crate::fund_fixture::{may, Fund};
use serde_json::json;

#[tokio::test]
async fn the_treasurer_pays_strikers_for_the_days_they_struck_and_bad_input_posts_nothing() {
    let f = Fund::new().await;
    let t = f.api("treasurer@example.org").await;
    let rep = f.api("rep@example.org").await;
    let d = f.dispute;

    // Donations: bad amounts are named and nothing is posted.
    for (amount, words) in [
        ("0", "more than £0.00"),
        ("-5", "without a minus"),
        ("12.345", "at most two digits"),
    ] {
        let (status, body) = t
            .post(
                &f.path("/fund/donations"),
                &json!({"donor_kind": "organisation", "donor_name": "Eastmoor", "amount": amount,
                        "received": "2024-05-03", "method": "bank-transfer"}),
            )
            .await;
        assert_eq!(status, 422, "{amount}: {body}");
        assert_eq!(body["error"]["field"], "amount");
        assert!(
            body["error"]["message"].as_str().unwrap().contains(words),
            "{body}"
        );
    }
    assert_eq!(f.transactions().await, 0, "nothing posted");
    let (status, _) = t
        .post(
            &f.path("/fund/donations"),
            &json!({"donor_kind": "organisation", "donor_name": "Eastmoor", "may_be_named": true,
                    "amount": "250.00", "received": "2024-05-03", "method": "bank-transfer"}),
        )
        .await;
    assert_eq!(status, 201);

    // Participation: the rep enters the duty team's days.
    let (status, body) = rep
        .post(
            &format!("/api/v1/branches/northfield/disputes/{d}/strike-days"),
            &json!({"day": "2024-05-13", "entries": [
                {"member": f.ana.0, "status": "on-strike"}, {"member": f.ben.0, "status": "working"}]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["recorded"], 2);
    for day in ["2024-05-14", "2024-05-15"] {
        let (status, _) = rep
            .post(
                &format!("/api/v1/branches/northfield/disputes/{d}/strike-days"),
                &json!({"day": day, "entries": [{"member": f.ana.0, "status": "on-strike"},
                                                {"member": f.ben.0, "status": "on-strike"}]}),
            )
            .await;
        assert_eq!(status, 200);
    }
    // Someone not in a team called out, or a day outside the dispute: refused, nothing kept.
    let (status, body) = t
        .post(
            &format!("/api/v1/branches/northfield/disputes/{d}/strike-days"),
            &json!({"day": "2024-05-16", "entries": [{"member": f.ana.0, "status": "on-strike"},
                                                     {"member": f.cy.0, "status": "on-strike"}]}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("not in a team called out"));
    let (status, body) = t
        .post(
            &format!("/api/v1/branches/northfield/disputes/{d}/strike-days"),
            &json!({"day": "2024-06-03", "entries": [{"member": f.ana.0, "status": "on-strike"}]}),
        )
        .await;
    assert_eq!(status, 422);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("outside the dispute"));
    let (_, days) = t
        .get(&format!(
            "/api/v1/branches/northfield/disputes/{d}/strike-days?day=2024-05-16"
        ))
        .await;
    assert_eq!(
        days["days"].as_array().unwrap().len(),
        0,
        "nothing recorded"
    );

    // The policy: a working day is never paid.
    let policy = format!("/api/v1/branches/northfield/disputes/{d}/strike-pay/policy");
    let (status, body) = t
        .call(
            reqwest::Method::PUT,
            &policy,
            &json!({"rate": "flat", "daily": "30.00", "counts": ["on-strike", "working"]}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["field"], "counts");
    let (status, body) = t
        .call(
            reqwest::Method::PUT,
            &policy,
            &json!({"rate": "flat", "daily": "30.00", "counts": ["on-strike"]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["policy"]["daily"], "30.00");

    // A run outside the dispute is refused; one over its days shows the working.
    let runs = format!("/api/v1/branches/northfield/disputes/{d}/strike-pay/runs");
    let (status, body) = t
        .post(&runs, &json!({"first": "2024-05-13", "last": "2024-06-30"}))
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["field"], "last");
    let (status, body) = t
        .post(&runs, &json!({"first": "2024-05-13", "last": "2024-05-17"}))
        .await;
    assert_eq!(status, 201);
    let run = body["id"].as_i64().unwrap();
    let (status, body) = t.get(&format!("{runs}/{run}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["run"]["total"],
        3 * 3000 + 2 * 3000,
        "3 days for Ana, 2 for Ben"
    );
    let ana = body["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "Ana Rees")
        .unwrap();
    assert_eq!(ana["total"], 9000);
    assert!(ana["days"][0]["working"]
        .as_str()
        .unwrap()
        .contains("flat rate £30.00"));
    let ben = body["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "Ben Okafor")
        .unwrap();
    assert_eq!(
        ben["days"][0]["amount"], 0,
        "the day Ben worked is not paid"
    );

    // A rep cannot approve; the treasurer approves once.
    let (status, _) = rep
        .post(&format!("{runs}/{run}/approval"), &json!(null))
        .await;
    assert_eq!(status, 403);
    let (status, body) = t
        .post(&format!("{runs}/{run}/approval"), &json!(null))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = t
        .post(&format!("{runs}/{run}/approval"), &json!(null))
        .await;
    assert_eq!(status, 409);
    // A second run over the same days pays nothing again.
    let (_, body) = t
        .post(&runs, &json!({"first": "2024-05-13", "last": "2024-05-17"}))
        .await;
    let (_, again) = t.get(&format!("{runs}/{}", body["id"])).await;
    assert_eq!(again["run"]["total"], 0);

    // Payments: more than owed is refused and nothing posted.
    let before = f.transactions().await;
    let (status, body) = t
        .post(
            &f.path("/fund/strike-pay/payments"),
            &json!({"member": f.ana.0.to_string(), "amount": "90.01", "paid_on": "2024-05-20", "from": "bank"}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("more than the £90.00"));
    assert_eq!(f.transactions().await, before);
    let (status, _) = t
        .post(
            &f.path("/fund/strike-pay/payments"),
            &json!({"member": f.ana.0.to_string(), "amount": "50.00", "paid_on": "2024-05-20", "from": "bank"}),
        )
        .await;
    assert_eq!(status, 201);
    let (_, owed) = t.get(&f.path("/fund/strike-pay")).await;
    let ana = owed["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "Ana Rees")
        .unwrap();
    assert_eq!(ana["owed"]["owed"], 4000);

    // The payment file: what is still owed, through the CSV-safe writer.
    let token = f.app.api_token("treasurer@example.org").await;
    let csv = reqwest::Client::new()
        .get(f.app.url(&f.path("/fund/strike-pay/payments.csv")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    assert!(
        text.contains(&format!("{},N1,Ana Rees,40.00,Strike pay", f.ana.0)),
        "{text}"
    );
    assert!(
        text.contains(&format!("{},N2,Ben Okafor,60.00,Strike pay", f.ben.0)),
        "{text}"
    );

    // Balances and the summary agree with what was posted.
    let (_, accounts) = t.get(&f.path("/fund/accounts")).await;
    assert_eq!(accounts["held"], 25_000 - 5_000);
    let (_, summary) = t.get(&f.path("/fund/summary")).await;
    assert_eq!(summary["strike_pay_approved"], 15_000);
    assert_eq!(summary["strike_pay_paid"], 5_000);
    assert_eq!(summary["strike_pay_owed"], 10_000);
    assert_eq!(summary["donations"], 25_000);
    let bank = accounts["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "bank")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (status, statement) = t
        .get(&f.path(&format!("/fund/accounts/{bank}/statement")))
        .await;
    assert_eq!(status, 200);
    assert_eq!(statement["lines"][0]["amount"], -5_000, "newest first");
    assert_eq!(statement["lines"][0]["balance_after"], 20_000);
    assert_eq!(statement["lines"][1]["balance_after"], 25_000);

    // The member sees their own statement, and only their own.
    let member = f.api("member@example.org").await;
    let (status, own) = member.get(&f.path("/me/strike-pay")).await;
    assert_eq!(status, 200);
    assert_eq!(own["statement"]["due"], 9_000);
    assert_eq!(own["statement"]["paid"], 5_000);
    assert_eq!(own["statement"]["owed"], 4_000);
    assert_eq!(own["statement"]["member_id"], f.ana.0);
    for path in ["/fund/strike-pay", "/fund/accounts", "/fund/summary"] {
        let (status, _) = member.get(&f.path(path)).await;
        assert_eq!(status, 403, "{path}");
    }
    let (status, _) = member.get(&format!("{runs}/{run}")).await;
    assert_eq!(status, 403, "a member cannot read others' pay");
    let _ = may(1);
}

#[tokio::test]
async fn reps_cannot_post_money_organisers_only_read_and_hardship_reasons_stay_with_the_fund() {
    let f = Fund::new().await;
    let rep = f.api("rep@example.org").await;
    let org = f.api("organiser@example.org").await;
    let t = f.api("treasurer@example.org").await;
    let member = f.api("member@example.org").await;
    let donation = json!({"donor_kind": "person", "donor_name": "A. Donor", "amount": "10",
                          "received": "2024-05-03", "method": "cash"});
    for api in [&rep, &org, &member] {
        let (status, _) = api.post(&f.path("/fund/donations"), &donation).await;
        assert_eq!(status, 403);
    }
    let (status, _) = org.get(&f.path("/fund/donations")).await;
    assert_eq!(status, 200, "organisers see the fund");
    let (status, _) = rep.get(&f.path("/fund/donations")).await;
    assert_eq!(status, 403);

    // Hardship: applied, granted, paid from the restricted fund.
    let (status, _) = t
        .post(
            &f.path("/fund/donations"),
            &json!({"donor_kind": "organisation", "donor_name": "Harbourside", "amount": "150",
                    "received": "2024-05-03", "method": "bank-transfer", "restriction": "hardship"}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, body) = t
        .post(
            &f.path("/fund/hardship"),
            &json!({"member": f.ben.0.to_string(), "amount": "0.00", "reason": "Rent", "applied_on": "2024-05-10"}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = t
        .post(
            &f.path("/fund/hardship"),
            &json!({"member": f.ben.0.to_string(), "amount": "120.00", "reason": "Rent arrears", "applied_on": "2024-05-10"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let grant = body["id"].as_i64().unwrap();
    let (status, list) = org.get(&f.path("/fund/hardship")).await;
    assert_eq!(status, 200);
    assert_eq!(list["applications"][0]["grant"]["reason"], "Rent arrears");
    for api in [&rep, &member] {
        let (status, body) = api.get(&f.path("/fund/hardship")).await;
        assert_eq!(status, 403);
        assert!(!body.to_string().contains("Rent arrears"));
    }
    let (status, _) = org
        .post(
            &f.path(&format!("/fund/hardship/{grant}/decision")),
            &json!({"decision": "grant"}),
        )
        .await;
    assert_eq!(status, 403, "organisers do not post money");
    let (status, _) = t
        .post(
            &f.path(&format!("/fund/hardship/{grant}/decision")),
            &json!({"decision": "grant"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = t
        .post(
            &f.path(&format!("/fund/hardship/{grant}/decision")),
            &json!({"decision": "refuse"}),
        )
        .await;
    assert_eq!(status, 409, "decided once");
    let (status, body) = t
        .post(
            &f.path(&format!("/fund/hardship/{grant}/payment")),
            &json!({"from": "hardship-fund"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, summary) = t.get(&f.path("/fund/summary")).await;
    assert_eq!(summary["hardship_fund"], 15_000 - 12_000);
    assert_eq!(summary["hardship_granted"], 12_000);
    assert_eq!(summary["hardship_owed"], 0);

    // Release requests: a rep records one and grants it; the day is settled as released.
    let d = f.dispute;
    let (status, body) = rep
        .post(
            &format!("/api/v1/branches/northfield/disputes/{d}/release-requests"),
            &json!({"day": "2024-05-14", "asked_by": "Duty manager", "asked_on": "2024-05-13",
                    "cover": "One social worker for the crisis line"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let request = body["id"].as_i64().unwrap();
    let (status, _) = member
        .get(&format!(
            "/api/v1/branches/northfield/disputes/{d}/release-requests"
        ))
        .await;
    assert_eq!(status, 403);
    let (status, body) = rep
        .post(
            &format!(
                "/api/v1/branches/northfield/disputes/{d}/release-requests/{request}/decision"
            ),
            &json!({"decision": "grant", "member": f.ana.0.to_string()}),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    let (_, days) = rep
        .get(&format!(
            "/api/v1/branches/northfield/disputes/{d}/strike-days"
        ))
        .await;
    assert_eq!(days["days"][0]["settled"], "released");
    assert_eq!(days["days"][0]["member_id"], f.ana.0);
}
