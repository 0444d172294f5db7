//! The strike calendar cannot be rewritten by what is typed into a dispute: titles and claims
//! with line breaks, bare CRs, other control characters and iCalendar's own separators stay
//! text in one property, and Python's `icalendar` reads them back as they were typed (line
//! breaks as LF, other control characters gone).

use crate::support;
use picket_domain::disputes::{ActionKind, ClaimKind, ClaimStatus, DisputeStatus};
use picket_domain::Nation;
use picket_store::disputes::{NewActionPeriod, NewClaim, NewDispute};
use picket_test_support::TestApp;

/// Serves a dispute titled `title` with the claim `claim` and two periods of action; returns
/// the strike calendar as Python's `icalendar` reads it, and the raw document.
async fn calendar_for(title: &str, claim: &str) -> (serde_json::Value, String) {
    let app = TestApp::spawn().await;
    let branch = app.branch("north").await;
    let store = app.store();
    let dispute = picket_test_support::in_unit!(store, |w| w.create_dispute(
        branch.id,
        &NewDispute {
            title: title.into(),
            employer: "Northfield Borough Council".into(),
            nation: Nation::England,
            status: DisputeStatus::InAction,
            summary: "Summary".into(),
        },
    ))
    .unwrap();
    picket_test_support::in_unit!(store, |w| w.add_claim(
        branch.id,
        dispute.id,
        &NewClaim {
            kind: ClaimKind::Claim,
            dated: "2024-05-01".parse().unwrap(),
            summary: claim.into(),
            status: ClaimStatus::Tabled,
        },
    ))
    .unwrap();
    for (starts, ends) in [("2024-05-20", "2024-05-24"), ("2024-06-03", "2024-06-04")] {
        picket_test_support::in_unit!(store, |w| w.create_action_period(
            branch.id,
            dispute.id,
            &NewActionPeriod {
                ballot_id: None,
                kind: ActionKind::Strike,
                starts: starts.parse().unwrap(),
                ends: ends.parse().unwrap(),
                teams: "Duty".into(),
                called_out: Some(picket_domain::bargaining::HandFigure::new(
                    10,
                    "members not yet imported"
                )),
                notice_received: None,
                holidays_as_strike: Vec::new(),
            },
        ))
        .unwrap();
    }
    app.publish_periods(&branch, dispute.id).await;
    let body = reqwest::get(app.url(&format!("/north/disputes/{}/strikes.ics", dispute.id)))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let raw = String::from_utf8(body.to_vec()).unwrap();
    (support::validate("ical.py", &body), raw)
}

/// What a typed value reads as in the calendar: line breaks as LF, other controls gone.
fn as_read(typed: &str) -> String {
    typed
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

#[tokio::test]
async fn a_title_with_calendar_lines_stays_one_summary() {
    let titles = [
        "BEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT",
        "Pay claim\rX-INJECTED:1",
        "Pay\nEND:VCALENDAR",
        "Grades; A, B \\ C: and a very long title that must be folded across several lines of the document",
        "Bell\u{7} and escape\u{1b}[31m and NEL\u{85}done",
    ];
    for title in titles {
        // The calendar carries the claim's first line (where a bare CR does not end it).
        let claim = format!("Claim; for, {title}\rBEGIN:VALARM");
        let first_line = claim
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap();
        let (doc, raw) = calendar_for(title, &claim).await;
        let events = doc["events"].as_array().unwrap();
        assert_eq!(events.len(), 2, "{title:?}: {raw}");
        assert_eq!(
            raw.matches("\r\nBEGIN:VEVENT\r\n").count(),
            2,
            "{title:?}: {raw}"
        );
        assert!(!raw.contains("\r\nBEGIN:VALARM"), "{raw}");
        assert!(!raw.contains("\r\nX-INJECTED"), "{raw}");
        let expected = as_read(title);
        for event in events {
            assert_eq!(event["summary"], format!("Strike: {expected}"), "{raw}");
            assert!(
                event["description"]
                    .as_str()
                    .unwrap()
                    .contains(&as_read(first_line)),
                "{raw}"
            );
        }
        let name = format!("north branch: {expected}");
        assert_eq!(doc["name"], name, "X-WR-CALNAME: {raw}");
        assert_eq!(doc["rfc7986_name"], name, "NAME: {raw}");
        assert_eq!(doc["description"], as_read(first_line), "{raw}");
    }
}
