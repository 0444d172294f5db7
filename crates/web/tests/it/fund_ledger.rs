//! The ledger by hand: the treasurer posts a transaction of lines that balance and reverses
//! one with a reason, once, on the pages and over JSON; bad input is named, what was typed is
//! kept and nothing is posted; organisers see but cannot post. And the desk's striker-days
//! from the per-member records of who struck, with the rule shown.

use crate::fund_fixture::Fund;
use picket_test_support::BodyText;
use serde_json::json;

#[tokio::test]
async fn the_treasurer_posts_by_hand_and_reverses_once_with_a_reason() {
    let f = Fund::new().await;
    let t = f.session("treasurer@example.org").await;
    let new = "/northfield/fund/transactions/new";
    let html = t.get(f.app.url(new)).body_text().await;
    assert!(html.contains("Post a transaction by hand"), "{html}");
    assert!(
        html.contains(r#"<option value="bank">Bank</option>"#),
        "{html}"
    );

    // Bad input: each refused with a message, what was typed kept, nothing posted.
    for (fields, words) in [
        (
            vec![
                ("account_1", "bank"),
                ("debit_1", "40.00"),
                ("account_2", "cash"),
                ("credit_2", "39.99"),
            ],
            "do not balance",
        ),
        (
            vec![
                ("account_1", "bank"),
                ("debit_1", "40.005"),
                ("account_2", "cash"),
                ("credit_2", "40.005"),
            ],
            "Line 1: ",
        ),
        (
            vec![
                ("account_1", "bank"),
                ("debit_1", "0"),
                ("account_2", "cash"),
                ("credit_2", "0"),
            ],
            "more than £0.00",
        ),
        (
            vec![
                ("account_1", "bank"),
                ("debit_1", "-4"),
                ("account_2", "cash"),
                ("credit_2", "-4"),
            ],
            "without a minus",
        ),
        (
            vec![("account_1", "bank"), ("debit_1", "40.00")],
            "at least two lines",
        ),
        (
            vec![
                ("account_1", "bank"),
                ("debit_1", "5"),
                ("credit_1", "5"),
                ("account_2", "cash"),
                ("credit_2", "5"),
            ],
            "not both",
        ),
        (
            vec![
                ("account_1", "nowhere"),
                ("debit_1", "5"),
                ("account_2", "cash"),
                ("credit_2", "5"),
            ],
            "choose one of the fund",
        ),
    ] {
        let mut body = vec![("day", "2024-05-03"), ("memo", "Cash banked")];
        body.extend(fields.iter().copied());
        let r = f
            .form(&t, new, "/northfield/fund/transactions", &body)
            .await;
        assert_eq!(r.status(), 422, "{fields:?}");
        let html = r.text().await.unwrap();
        assert!(html.contains(words), "{words}: {html}");
        assert!(
            html.contains(r#"value="Cash banked""#),
            "what was typed is kept"
        );
        assert!(
            html.contains(&format!(r#"value="{}""#, fields[1].1)),
            "{html}"
        );
    }
    let r = f
        .form(
            &t,
            new,
            "/northfield/fund/transactions",
            &[
                ("day", "2999-01-01"),
                ("memo", "Cash banked"),
                ("account_1", "bank"),
                ("debit_1", "40"),
                ("account_2", "cash"),
                ("credit_2", "40"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("1 January 2999 is after today"));
    assert_eq!(f.transactions().await, 0, "nothing posted");

    // A good one: posted, shown with its lines.
    let r = f
        .form(
            &t,
            new,
            "/northfield/fund/transactions",
            &[
                ("day", "2024-05-03"),
                ("memo", "Cash banked"),
                ("account_1", "bank"),
                ("debit_1", "40.00"),
                ("account_2", "cash"),
                ("credit_2", "40"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = r.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(f.transactions().await, 1);
    let html = t.get(f.app.url(&page)).body_text().await;
    assert!(
        html.contains("Cash banked") && html.contains("£40.00"),
        "{html}"
    );
    assert!(html.contains("Reverse this transaction"));

    // The statement offers the reversal; the organiser sees the lines but no button.
    let api = f.api("treasurer@example.org").await;
    let (_, accounts) = api.get(&f.path("/fund/accounts")).await;
    let bank = accounts["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "bank")
        .unwrap()["id"]
        .clone();
    let statement = format!("/northfield/fund/accounts/{bank}");
    let html = t.get(f.app.url(&statement)).body_text().await;
    assert!(html.contains("Reverse this transaction"), "{html}");
    let org = f.session("organiser@example.org").await;
    let html = org.get(f.app.url(&statement)).body_text().await;
    assert!(
        html.contains("Cash banked") && !html.contains("Reverse this transaction"),
        "{html}"
    );
    let html = org.get(f.app.url(&page)).body_text().await;
    assert!(
        html.contains("Cash banked") && !html.contains("Why it is reversed"),
        "{html}"
    );
    let r = org.get(f.app.url(new)).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let html = org.get(f.app.url("/northfield/fund")).body_text().await;
    assert!(!html.contains("Post a transaction by hand"));
    let r = f
        .form(
            &org,
            &page,
            &format!("{page}/reverse"),
            &[("reason", "Mine"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), 403);

    // Reversing asks for a reason and the confirmation; then once only.
    let reverse = format!("{page}/reverse");
    let r = f
        .form(&t, &page, &reverse, &[("reason", "Entered twice")])
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Tick the box to confirm"), "{html}");
    assert!(html.contains(r#"value="Entered twice""#));
    let r = f
        .form(&t, &page, &reverse, &[("reason", " "), ("confirm", "yes")])
        .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Give the reason for the reversal"));
    assert_eq!(f.transactions().await, 1, "nothing posted");
    let r = f
        .form(
            &t,
            &page,
            &reverse,
            &[("reason", "Entered twice"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let reversal = r.headers()["location"].to_str().unwrap().to_string();
    let html = t.get(f.app.url(&reversal)).body_text().await;
    assert!(html.contains("Reversal: Entered twice"), "{html}");
    let html = t.get(f.app.url(&page)).body_text().await;
    assert!(
        html.contains("Reversed by") && !html.contains("Why it is reversed"),
        "{html}"
    );
    let r = f
        .form(
            &t,
            "/northfield/fund",
            &reverse,
            &[("reason", "Again"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("reversed already"));
    assert_eq!(f.transactions().await, 2);
    let (_, accounts) = api.get(&f.path("/fund/accounts")).await;
    assert_eq!(accounts["held"], 0);

    // Audited.
    let audit = f
        .app
        .store()
        .audit_entries(Some(f.branch.id), picket_store::PageRequest::new(1, 50))
        .await
        .unwrap();
    let actions: Vec<String> = audit.items.into_iter().map(|e| e.action).collect();
    assert!(
        actions.iter().any(|a| a == "fund.transaction.post"),
        "{actions:?}"
    );
    assert!(
        actions.iter().any(|a| a == "fund.transaction.reverse"),
        "{actions:?}"
    );
}

#[tokio::test]
async fn transactions_by_hand_over_json() {
    let f = Fund::new().await;
    let t = f.api("treasurer@example.org").await;
    let org = f.api("organiser@example.org").await;
    // The accounts exist once the fund has any money.
    let (status, _) = t
        .post(
            &f.path("/fund/donations"),
            &json!({"donor_kind": "organisation", "donor_name": "Eastmoor", "amount": "100",
                    "received": "2024-05-03", "method": "cash"}),
        )
        .await;
    assert_eq!(status, 201);
    let good = json!({"day": "2024-05-04", "memo": "Cash banked",
        "lines": [{"account": "bank", "debit": "60.00"}, {"account": "cash", "credit": "60.00"}]});
    for (body, field, words) in [
        (
            json!({"day": "2024-05-04", "memo": "x", "lines": [{"account": "bank", "debit": "60.00"}, {"account": "cash", "credit": "6"}]}),
            "lines",
            "do not balance",
        ),
        (
            json!({"day": "2024-05-04", "memo": "x", "lines": [{"account": "bank", "debit": "6.001"}, {"account": "cash", "credit": "6.001"}]}),
            "lines",
            "two digits",
        ),
        (
            json!({"day": "2024-05-04", "memo": "x", "lines": [{"account": "bank", "debit": "0.00"}, {"account": "cash", "credit": "0"}]}),
            "lines",
            "more than £0.00",
        ),
        (
            json!({"day": "4 May", "memo": "x", "lines": []}),
            "day",
            "YYYY-MM-DD",
        ),
        (
            json!({"day": "2024-05-04", "memo": "", "lines": [{"account": "bank", "debit": "6"}, {"account": "cash", "credit": "6"}]}),
            "memo",
            "Say what the transaction was",
        ),
    ] {
        let (status, answer) = t.post(&f.path("/fund/transactions"), &body).await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert_eq!(answer["error"]["field"], field, "{answer}");
        assert!(
            answer["error"]["message"].as_str().unwrap().contains(words),
            "{answer}"
        );
    }
    assert_eq!(f.transactions().await, 1, "nothing posted");
    let (status, _) = org.post(&f.path("/fund/transactions"), &good).await;
    assert_eq!(status, 403, "organisers do not post money");
    let (status, made) = t.post(&f.path("/fund/transactions"), &good).await;
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_i64().unwrap();
    let (status, one) = org.get(&f.path(&format!("/fund/transactions/{id}"))).await;
    assert_eq!(status, 200, "organisers see it");
    assert_eq!(one["transaction"]["lines"][0]["amount"], 6_000);
    assert_eq!(one["transaction"]["lines"][1]["amount"], -6_000);
    assert_eq!(one["reversed_by"], json!(null));

    let reversal = f.path(&format!("/fund/transactions/{id}/reversal"));
    let (status, _) = org.post(&reversal, &json!({"reason": "Wrong"})).await;
    assert_eq!(status, 403);
    let (status, body) = t.post(&reversal, &json!({"reason": ""})).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["field"], "reason");
    let (status, undo) = t
        .post(&reversal, &json!({"reason": "Banked at the other branch"}))
        .await;
    assert_eq!(status, 201, "{undo}");
    let (_, one) = t.get(&f.path(&format!("/fund/transactions/{id}"))).await;
    assert_eq!(one["reversed_by"], undo["id"]);
    let (status, body) = t.post(&reversal, &json!({"reason": "Again"})).await;
    assert_eq!(status, 409, "{body}");
    let (status, _) = t
        .post(
            &f.path(&format!("/fund/transactions/{}/reversal", undo["id"])),
            &json!({"reason": "Undo"}),
        )
        .await;
    assert_eq!(status, 409, "a reversal is not reversed");
    assert_eq!(f.transactions().await, 3);
    let (status, _) = t.get(&f.path("/fund/transactions/99999")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_desk_counts_striker_days_from_who_struck_when_recorded() {
    let f = Fund::new().await;
    let d = f.dispute;
    let org = f.api("organiser@example.org").await;
    let view = format!("/api/v1/branches/northfield/disputes/{d}");
    // No per-member records: the count the branch typed (2 called out × 5 days).
    let (status, v) = org.get(&format!("{view}?as_of=2024-05-17")).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["impact"]["striker_days"]["value"], "10");
    assert_eq!(v["impact"]["striker_days_basis"], "counts");
    assert_eq!(v["headline"]["striker_days_basis"], "counts");
    assert_eq!(v["periods"][0]["striker_days_source"], "called-out");

    // Records: Ana on strike and Ben working on the 13th, both out on the 14th, and a
    // conflict on the 15th that is not counted until settled.
    let days = format!("{view}/strike-days");
    for (day, ana, ben) in [
        ("2024-05-13", "on-strike", "working"),
        ("2024-05-14", "on-strike", "on-strike"),
        ("2024-05-15", "on-strike", "on-strike"),
    ] {
        let (status, body) = org
            .post(&days, &json!({"day": day, "entries": [{"member": f.ana.0, "status": ana}, {"member": f.ben.0, "status": ben}]}))
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let member = f.api("other@example.org").await;
    let (status, _) = member
        .post(
            &f.path("/me/strike-days"),
            &json!({"day": "2024-05-15", "status": "sick"}),
        )
        .await;
    assert_eq!(status, 204);

    let (_, v) = org.get(&format!("{view}?as_of=2024-05-15")).await;
    assert_eq!(v["impact"]["striker_days"]["value"], "4", "1 + 2 + 1");
    assert_eq!(v["impact"]["striker_days_basis"], "member-records");
    assert_eq!(v["headline"]["striker_days"]["value"], "4");
    let working = v["impact"]["striker_days"]["working"].as_str().unwrap();
    assert!(
        working.contains("members recorded as on strike on 3 days: 1 + 2 + 1"),
        "{working}"
    );
    assert!(working.contains("not counting 1 member-day"), "{working}");
    // The rest of the period from the count typed: 4 + 2 × 2.
    let (_, v) = org.get(&format!("{view}?as_of=2024-05-17")).await;
    assert_eq!(v["impact"]["striker_days"]["value"], "8");
    assert_eq!(
        v["impact"]["striker_days_basis"],
        "member-records-and-counts"
    );
    assert_eq!(
        v["periods"][0]["striker_days_source"],
        "member-records-and-counts"
    );
    assert_eq!(v["periods"][0]["striker_days"], 8);

    // The desk's overview and impact room say which rule applied, in words.
    let s = f.session("organiser@example.org").await;
    let html = s
        .get(
            f.app
                .url(&format!("/northfield/disputes/{d}/desk?as_of=2024-05-15")),
        )
        .body_text()
        .await;
    assert!(html.contains("Striker-days lost so far"), "{html}");
    assert!(html.contains("record of each strike day"), "{html}");
    let html = s
        .get(
            f.app
                .url(&format!("/northfield/disputes/{d}/impact?as_of=2024-05-17")),
        )
        .body_text()
        .await;
    assert!(html.contains("for days with no member recorded"), "{html}");
    assert!(
        html.contains("members recorded as on strike on 3 days"),
        "{html}"
    );
}
