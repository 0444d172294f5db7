//! The turnout drive: members say their paper arrived or that they voted (never how); a rep
//! sees only the teams they represent, with how many more votes clear the 50% turnout and
//! the 40% support rule where it applies, and who to chase with their phone number (audited);
//! organisers remind members who have not said they voted, at most once every N days.

use crate::pickets_fixture::{line, team_member};
use picket_domain::disputes::BallotKind;
use picket_domain::turnout::TurnoutReport;
use picket_store::contract::member_writes;
use picket_store::disputes::{Ballot, NewBallot};
use picket_test_support::BodyText;
use serde_json::json;

async fn ballot(l: &crate::pickets_fixture::Line, kind: BallotKind) -> Ballot {
    let store = l.app.store();
    picket_test_support::in_unit!(store, |w| w.create_ballot(
        l.branch.id,
        l.dispute,
        &NewBallot {
            kind,
            title: "Ballot for strike action".into(),
            opened: "2025-11-03".parse().unwrap(),
            closed: "2025-12-01".parse().unwrap(),
            entitled: Some(picket_domain::bargaining::HandFigure::new(
                6,
                "members not yet imported"
            )),
            ips: Some(picket_domain::law::IpsCategory::Health),
            welsh_devolved: false,
            extension_agreed: false,
            result: None,
            result_to_employer: None,
            steps: Vec::new(),
        },
    ))
    .unwrap()
}

#[tokio::test]
async fn reps_see_their_teams_against_the_thresholds_and_who_to_chase() {
    let l = line().await;
    let store = l.app.store();
    let duty = member_writes::create_team(&*store, l.branch.id, "Duty team", Some("Civic Centre"))
        .await
        .unwrap();
    let night = member_writes::create_team(&*store, l.branch.id, "Night team", None)
        .await
        .unwrap();
    let rep = store.user_by_email("rep@example.org").await.unwrap();
    member_writes::set_rep_teams(&*store, l.branch.id, rep.id, &[duty.id])
        .await
        .unwrap();
    let mut duty_members = Vec::new();
    for (n, name) in [
        ("D1", "Dee One"),
        ("D2", "Dee Two"),
        ("D3", "Dee Three"),
        ("D4", "Dee Four"),
    ] {
        duty_members.push(team_member(&l, n, name, duty.id).await);
    }
    team_member(&l, "X1", "Nia Night", night.id).await;
    let b = ballot(&l, BallotKind::Statutory).await;
    for (member, what) in [
        (duty_members[0], TurnoutReport::PaperArrived),
        (duty_members[1], TurnoutReport::Voted),
    ] {
        picket_test_support::in_unit!(store, |w| w.report_turnout(
            l.branch.id,
            b.id,
            member,
            what,
            chrono::Utc::now()
        ))
        .unwrap();
    }
    let base = format!(
        "/api/v1/branches/north/disputes/{}/ballots/{}/turnout",
        l.dispute, b.id
    );
    let ana = l.app.api(&l.app.api_token("ana@example.org").await);
    let (s, e) = ana
        .post(&format!("{base}/report"), &json!({"report": "yes"}))
        .await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("report")));
    let (s, _) = ana
        .post(&format!("{base}/report"), &json!({"report": "voted"}))
        .await;
    assert_eq!(s, 204);
    let (s, _) = ana.get(&base).await;
    assert_eq!(s, 403, "members do not see the teams");

    let rep_api = l.app.api(&l.app.api_token("rep@example.org").await);
    let (s, st) = rep_api.get(&base).await;
    assert_eq!(s, 200, "{st}");
    let teams = st["teams"].as_array().unwrap();
    assert_eq!(teams.len(), 1, "only the team the rep represents: {st}");
    assert_eq!(teams[0]["team"], "Duty team");
    assert_eq!(teams[0]["entitled"], 4);
    assert_eq!(teams[0]["said_voted"], 1);
    assert_eq!(teams[0]["paper_arrived"], 2);
    assert_eq!(teams[0]["turnout_needed"], 2, "50% of 4");
    assert_eq!(teams[0]["more_for_turnout"], 1);
    assert_eq!(teams[0]["support_needed"], 2, "40% of 4, rounded up");
    assert!(st["turnout_rule"].as_str().unwrap().contains("50%"), "{st}");
    assert!(st["support_rule"].as_str().unwrap().contains("40%"), "{st}");

    let searched = l.audited("member.search").await;
    let (_, chase) = rep_api.get(&format!("{base}/chase")).await;
    let names: Vec<&str> = chase
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "{chase}");
    assert!(!names.contains(&"Dee Two") && !names.contains(&"Nia Night"));
    assert_eq!(chase[0]["phone"], "07700 900123");
    let (_, papers) = rep_api
        .get(&format!("{base}/chase?list=paper_not_arrived"))
        .await;
    assert_eq!(papers.as_array().unwrap().len(), 2, "{papers}");
    assert_eq!(
        l.audited("member.search").await,
        searched + 2,
        "each list read is audited"
    );

    let org = l.app.api(&l.app.api_token("org@example.org").await);
    let (s, e) = org
        .call(
            reqwest::Method::PUT,
            &format!("{base}/settings"),
            &json!({"reminder_every_days": 0}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (422, Some("reminder_every_days"))
    );
    let (s, _) = org
        .call(
            reqwest::Method::PUT,
            &format!("{base}/settings"),
            &json!({"reminder_every_days": 5}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, sent) = rep_api.post(&format!("{base}/reminders"), &json!({})).await;
    assert_eq!(s, 403, "organisers send reminders: {sent}");
    let (s, sent) = org.post(&format!("{base}/reminders"), &json!({})).await;
    assert_eq!(s, 200, "{sent}");
    assert_eq!(
        sent["queued"], 5,
        "Ben, three of the duty team and the night team: {sent}"
    );
    let (s, e) = org.post(&format!("{base}/reminders"), &json!({})).await;
    assert_eq!(s, 409);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("less than 5 days ago"),
        "{e}"
    );
    let mail = l.mail_to("d3@example.org", "Have you voted?").await;
    assert!(mail.text.contains("Dee Three") && !mail.text.to_lowercase().contains("how you voted"));
    assert!(l
        .mail_to("ben@example.org", "Have you voted?")
        .await
        .text
        .contains("Ben Okafor"));

    // The page, linked from the rota: the member's buttons, the rep's table and lists.
    let client = l.signed_in("rep@example.org").await;
    let page = format!("/north/disputes/{}/ballots/{}/turnout", l.dispute, b.id);
    let rota = client.get(l.app.url(&l.page("/shifts"))).body_text().await;
    assert!(rota.contains(&format!("href=\"{page}\"")), "{rota}");
    let html = client.get(l.app.url(&page)).body_text().await;
    assert!(
        html.contains("Duty team") && !html.contains("Night team"),
        "{html}"
    );
    let chase_page = client
        .get(l.app.url(&format!("{page}/chase?list=not_voted")))
        .body_text()
        .await;
    assert!(chase_page.contains("Dee Three") && chase_page.contains("tel:07700"));
    let me = l.signed_in("ben@example.org").await;
    let r = l
        .form(&me, &page, &page, &[("action", "paper_arrived")])
        .await;
    let html = r.text().await.unwrap();
    assert!(html.contains("You said your paper arrived"), "{html}");
}

#[tokio::test]
async fn the_drive_is_for_statutory_ballots_only() {
    let l = line().await;
    let b = ballot(&l, BallotKind::Consultative).await;
    let rep = l.app.api(&l.app.api_token("rep@example.org").await);
    let (s, e) = rep
        .get(&format!(
            "/api/v1/branches/north/disputes/{}/ballots/{}/turnout",
            l.dispute, b.id
        ))
        .await;
    assert_eq!(s, 409);
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("statutory"));
}
