//! The strike fund's pages: the rep's day grid and conflicts with a member's own
//! declaration, the treasurer's forms (a refused form keeps what was typed), the pay run with
//! its working, the member's own statement and export, and the public "raised so far", which
//! names only donors who agreed.

use crate::fund_fixture::Fund;
use picket_test_support::BodyText;
use serde_json::json;

#[tokio::test]
async fn a_rep_enters_a_day_a_member_declares_theirs_and_the_rep_settles_the_conflict() {
    let f = Fund::new().await;
    let d = f.dispute;
    let grid = format!("/northfield/disputes/{d}/strike-days?day=2024-05-13");
    let rep = f.session("rep@example.org").await;
    let html = rep.get(f.app.url(&grid)).body_text().await;
    assert!(
        html.contains("Ana Rees") && html.contains("Ben Okafor"),
        "{html}"
    );
    assert!(
        !html.contains("Cy Morgan"),
        "not called out, not in the rep's team"
    );
    assert!(html.contains(r#"name="viewport""#));
    let saved = f
        .form(
            &rep,
            &grid,
            &format!("/northfield/disputes/{d}/strike-days"),
            &[
                ("day", "2024-05-13"),
                (&format!("m{}", f.ana.0), "on-strike"),
                (&format!("m{}", f.ben.0), "on-strike"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    // Someone outside the rep's teams: not found, nothing recorded.
    let refused = f
        .form(
            &rep,
            &grid,
            &format!("/northfield/disputes/{d}/strike-days"),
            &[
                ("day", "2024-05-14"),
                (&format!("m{}", f.cy.0), "on-strike"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 404);

    // Ben says he worked that day: a conflict for the rep. A day that is no strike day is
    // refused on his page, with what he typed kept.
    let ben = f.session("other@example.org").await;
    let refused = f
        .form(
            &ben,
            "/northfield/me",
            "/northfield/me/strike-days",
            &[("day", "2024-06-03"), ("status", "sick")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("3 June 2024 is not a strike day"), "{html}");
    assert!(html.contains(r#"value="2024-06-03""#));
    assert!(html.contains(r#"value="sick" selected"#));
    let declared = f
        .form(
            &ben,
            "/northfield/me",
            "/northfield/me/strike-days",
            &[("day", "2024-05-13"), ("status", "working")],
        )
        .await;
    assert_eq!(declared.status(), 303);
    let me = ben.get(f.app.url("/northfield/me")).body_text().await;
    assert!(me.contains("Your declaration differs"), "{me}");
    let html = rep.get(f.app.url(&grid)).body_text().await;
    assert!(
        html.contains("the member declared <em>Working</em>"),
        "{html}"
    );
    let settled = f
        .form(
            &rep,
            &grid,
            &format!("/northfield/disputes/{d}/strike-days/settle"),
            &[
                ("member", &f.ben.0.to_string()),
                ("day", "2024-05-13"),
                ("status", "working"),
            ],
        )
        .await;
    assert_eq!(settled.status(), 303);
    let html = rep.get(f.app.url(&grid)).body_text().await;
    assert!(html.contains("None: every member"), "{html}");

    // A member cannot open the grid; a rep sees the way to the strike days, not the money.
    let member = f.session("member@example.org").await;
    let r = member.get(f.app.url(&grid)).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r = member
        .get(f.app.url("/northfield/fund"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let html = rep.get(f.app.url("/northfield/fund")).body_text().await;
    assert!(html.contains("Who struck on which day"), "{html}");
    assert!(!html.contains("Balances") && !html.contains("Strike pay policy"));
    let r = rep
        .get(f.app.url("/northfield/fund/donations"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn the_treasurer_records_pays_and_members_see_their_own_and_the_public_sees_totals() {
    let f = Fund::new().await;
    let d = f.dispute;
    let t = f.session("treasurer@example.org").await;

    // A refused donation keeps what was typed, and names the fault.
    let bad = f
        .form(
            &t,
            "/northfield/fund/donations",
            "/northfield/fund/donations",
            &[
                ("donor_kind", "person"),
                ("donor_name", "Private Giver"),
                ("amount", "12.345"),
                ("received", "2024-05-03"),
                ("method", "cash"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(html.contains("at most two digits of pence"), "{html}");
    assert!(html.contains(r#"value="12.345""#) && html.contains(r#"value="Private Giver""#));
    assert_eq!(f.transactions().await, 0);
    for (kind, name, named, amount) in [
        ("person", "Private Giver", "", "20.00"),
        (
            "organisation",
            "Eastmoor Local Government Branch",
            "on",
            "250.00",
        ),
    ] {
        let r = f
            .form(
                &t,
                "/northfield/fund/donations",
                "/northfield/fund/donations",
                &[
                    ("donor_kind", kind),
                    ("donor_name", name),
                    ("may_be_named", named),
                    ("amount", amount),
                    ("received", "2024-05-03"),
                    ("method", "bank-transfer"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
    }

    // The public campaign page: the total, the named donor only.
    f.app.publish_periods(&f.branch, d).await;
    let public = reqwest::get(f.app.url(&format!("/northfield/disputes/{d}")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(public.contains("£270.00"), "{public}");
    assert!(public.contains("Eastmoor Local Government Branch"));
    assert!(
        !public.contains("Private Giver"),
        "an unnamed donor stays unnamed"
    );

    // Policy and a pay run through the forms; the run shows each member's working.
    let pay = format!("/northfield/disputes/{d}/strike-pay");
    let bad = f
        .form(
            &t,
            &pay,
            &format!("{pay}/policy"),
            &[
                ("rate", "share"),
                ("share_percent", "50"),
                ("cap", "-1"),
                ("counts", "on-strike"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(html.contains("without a minus"), "{html}");
    assert!(html.contains(r#"value="-1""#));
    let ok = f
        .form(
            &t,
            &pay,
            &format!("{pay}/policy"),
            &[
                ("rate", "share"),
                ("share_percent", "50"),
                ("cap", "50.00"),
                ("counts", "on-strike"),
            ],
        )
        .await;
    assert_eq!(ok.status(), 303);
    let api = f.api("treasurer@example.org").await;
    let (status, _) = api
        .post(
            &format!("/api/v1/branches/northfield/disputes/{d}/strike-days"),
            &json!({"day": "2024-05-13", "entries": [{"member": f.ana.0, "status": "on-strike"}]}),
        )
        .await;
    assert_eq!(status, 200);
    let made = f
        .form(
            &t,
            &pay,
            &format!("{pay}/runs"),
            &[("first", "2024-05-13"), ("last", "2024-05-17")],
        )
        .await;
    assert_eq!(made.status(), 303);
    let run_page = made.headers()["location"].to_str().unwrap().to_string();
    let html = t.get(f.app.url(&run_page)).body_text().await;
    assert!(
        html.contains("50.00% of £120.00 is £60.00, capped at £50.00"),
        "{html}"
    );
    let approved = f
        .form(&t, &run_page, &format!("{run_page}/approve"), &[])
        .await;
    assert_eq!(approved.status(), 303);
    let again = f
        .form(&t, "/northfield/fund", &format!("{run_page}/approve"), &[])
        .await;
    assert_eq!(again.status(), 409);
    assert!(again.text().await.unwrap().contains("approved already"));

    // The organiser reads but cannot approve or pay.
    let org = f.session("organiser@example.org").await;
    let html = org
        .get(f.app.url("/northfield/fund/strike-pay"))
        .body_text()
        .await;
    assert!(
        html.contains("Ana Rees") && html.contains("£50.00"),
        "{html}"
    );
    assert!(!html.contains("Record a payment"));
    let r = f
        .form(
            &org,
            "/northfield/fund/strike-pay",
            "/northfield/fund/strike-pay/payments",
            &[
                ("member", &f.ana.0.to_string()),
                ("amount", "1.00"),
                ("paid_on", "2024-05-20"),
            ],
        )
        .await;
    assert_eq!(r.status(), 403);
    let csv = org
        .get(f.app.url("/northfield/fund/strike-pay/payments.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 403);

    // The member's own page and export show their statement; another member's do not.
    let ana = f.session("member@example.org").await;
    let me = ana.get(f.app.url("/northfield/me")).body_text().await;
    assert!(
        me.contains("Strike pay approved <strong>£50.00</strong>"),
        "{me}"
    );
    let export = ana
        .get(f.app.url("/northfield/me/data.json"))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(export["strike_pay"]["statement"]["due"], 5_000);
    let ben = f.session("other@example.org").await;
    let me = ben.get(f.app.url("/northfield/me")).body_text().await;
    assert!(
        me.contains("Strike pay approved <strong>£0.00</strong>"),
        "{me}"
    );
    let r = ben.get(f.app.url(&run_page)).send().await.unwrap();
    assert_eq!(r.status(), 403);

    // The fund pages render for the treasurer.
    for page in [
        "/northfield/fund",
        "/northfield/fund/summary",
        "/northfield/fund/hardship",
        "/northfield/fund/donations",
    ] {
        let r = t.get(f.app.url(page)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{page}");
    }
    let summary = t
        .get(f.app.url("/northfield/fund/summary"))
        .body_text()
        .await;
    assert!(
        summary.contains("£270.00") && !summary.contains("Ana Rees"),
        "{summary}"
    );
    let releases = t
        .get(f.app.url(&format!("/northfield/disputes/{d}/releases")))
        .send()
        .await
        .unwrap();
    assert_eq!(releases.status(), 200);
}
