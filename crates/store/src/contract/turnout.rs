//! Contract tests for the turnout drive.

use crate::contract::disputes::{create_dispute, unit};
use crate::contract::member_writes::{create_member, create_team};
use crate::contract::Setup;
use crate::disputes::{NewBallot, NewDispute};
use crate::prelude::*;
use crate::turnout::{ChaseList, ReminderTurn, DEFAULT_REMINDER_DAYS};
use crate::StoreError;
use chrono::{Duration, NaiveDate, Utc};
use picket_domain::disputes::{BallotKind, DisputeStatus};
use picket_domain::members::{MemberDetails, Phone};
use picket_domain::turnout::TurnoutReport;
use picket_domain::{Division, Nation};
use std::sync::Arc;

fn ballot(kind: BallotKind) -> NewBallot {
    NewBallot {
        kind,
        title: "Strike ballot".into(),
        opened: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
        closed: NaiveDate::from_ymd_opt(2026, 2, 2).unwrap(),
        entitled: None,
        ips: None,
        welsh_devolved: false,
        extension_agreed: false,
        result: None,
        result_to_employer: None,
        steps: Vec::new(),
    }
}

/// Members say their paper arrived or that they voted; counts per team, the chase lists and
/// a rep's narrower view follow; the reminder throttle lets one reminder through per period;
/// another branch's ballot or member is not found.
pub async fn turnout_drive_counts_what_members_say(store: Arc<dyn Store>) {
    let b = store
        .setup_branch(&"turnout-a".parse().unwrap(), "A", Division::Scotland)
        .await
        .unwrap();
    let other = store
        .setup_branch(&"turnout-b".parse().unwrap(), "B", Division::Scotland)
        .await
        .unwrap();
    let new = NewDispute {
        title: "Pay".into(),
        employer: "A council".into(),
        nation: Nation::Scotland,
        status: DisputeStatus::Balloting,
        summary: String::new(),
    };
    let dispute = create_dispute(&*store, b.id, &new).await.unwrap().id;
    let statutory = unit!(store, |w| w.create_ballot(
        b.id,
        dispute,
        &ballot(BallotKind::Statutory)
    ))
    .unwrap()
    .id;
    let survey = unit!(store, |w| w.create_ballot(
        b.id,
        dispute,
        &ballot(BallotKind::Survey)
    ))
    .unwrap()
    .id;
    let east = create_team(&*store, b.id, "East", Some("Civic Centre"))
        .await
        .unwrap();
    let west = create_team(&*store, b.id, "West", None).await.unwrap();
    let mut members = Vec::new();
    for (i, (name, team)) in [
        ("Ana", Some(east.id)),
        ("Bo", Some(east.id)),
        ("Cy", Some(west.id)),
        ("Di", None),
    ]
    .into_iter()
    .enumerate()
    {
        let mut details = MemberDetails::new(format!("T{i}").parse().unwrap(), name);
        details.phone = Some("07700 900123".parse::<Phone>().unwrap());
        members.push(
            create_member(&*store, b.id, &details, team)
                .await
                .unwrap()
                .id,
        );
    }
    let stranger = create_member(
        &*store,
        other.id,
        &MemberDetails::new("T9".parse().unwrap(), "Zed"),
        None,
    )
    .await
    .unwrap()
    .id;
    let now = Utc::now();
    let say = |member, report| {
        let store = store.clone();
        async move {
            unit!(store, |w| w
                .report_turnout(b.id, statutory, member, report, now))
        }
    };
    say(members[0], TurnoutReport::PaperArrived).await.unwrap();
    say(members[0], TurnoutReport::Voted).await.unwrap();
    say(members[1], TurnoutReport::PaperArrived).await.unwrap();
    say(members[2], TurnoutReport::Voted).await.unwrap();
    // Saying it twice changes nothing; a paper arriving after a vote keeps the vote.
    say(members[2], TurnoutReport::PaperArrived).await.unwrap();
    assert!(matches!(
        say(stranger, TurnoutReport::Voted).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        unit!(store, |w| w.report_turnout(
            b.id,
            survey,
            members[0],
            TurnoutReport::Voted,
            now
        )),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        unit!(store, |w| w.report_turnout(
            other.id,
            statutory,
            stranger,
            TurnoutReport::Voted,
            now
        )),
        Err(StoreError::NotFound)
    ));

    let teams = store.turnout_by_team(b.id, statutory, None).await.unwrap();
    let seen: Vec<_> = teams
        .iter()
        .map(|t| {
            (
                t.team_name.as_deref(),
                t.entitled,
                t.said_voted,
                t.paper_arrived,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (Some("East"), 2, 1, 2),
            (Some("West"), 1, 1, 1),
            (None, 1, 0, 0)
        ]
    );
    assert_eq!(teams[0].workplace.as_deref(), Some("Civic Centre"));
    let mine = store
        .turnout_by_team(b.id, statutory, Some(&[east.id]))
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert!(store
        .turnout_by_team(b.id, statutory, Some(&[]))
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        store.turnout_by_team(other.id, statutory, None).await,
        Err(StoreError::NotFound)
    ));

    let chase = store
        .turnout_chase_list(b.id, statutory, ChaseList::NotVoted, None)
        .await
        .unwrap();
    let names: Vec<_> = chase
        .iter()
        .map(|c| (c.name.as_str(), c.paper_arrived))
        .collect();
    assert_eq!(names, [("Bo", true), ("Di", false)]);
    assert_eq!(chase[0].phone.as_deref(), Some("07700 900123"));
    let no_paper = store
        .turnout_chase_list(
            b.id,
            statutory,
            ChaseList::PaperNotArrived,
            Some(&[east.id, west.id]),
        )
        .await
        .unwrap();
    assert!(no_paper.is_empty());
    assert_eq!(
        store
            .own_turnout(b.id, statutory, members[2])
            .await
            .unwrap(),
        (true, true)
    );
    assert_eq!(
        store
            .own_turnout(b.id, statutory, members[3])
            .await
            .unwrap(),
        (false, false)
    );

    // Reminders: at most one per period, whoever asks.
    let settings = store.turnout_settings(b.id, statutory).await.unwrap();
    assert_eq!(
        (settings.reminder_every_days, settings.last_reminder_at),
        (DEFAULT_REMINDER_DAYS, None)
    );
    unit!(store, |w| w.set_turnout_reminder_days(b.id, statutory, 2)).unwrap();
    assert_eq!(
        unit!(store, |w| w.take_turnout_reminder(b.id, statutory, now)).unwrap(),
        ReminderTurn::Taken
    );
    let soon = unit!(store, |w| w.take_turnout_reminder(
        b.id,
        statutory,
        now + Duration::days(1)
    ))
    .unwrap();
    let ReminderTurn::TooSoon(next) = soon else {
        panic!("{soon:?}");
    };
    assert_eq!(next.timestamp(), (now + Duration::days(2)).timestamp());
    assert_eq!(
        unit!(store, |w| w.take_turnout_reminder(
            b.id,
            statutory,
            now + Duration::days(2)
        ))
        .unwrap(),
        ReminderTurn::Taken
    );
    assert!(matches!(
        unit!(store, |w| w.take_turnout_reminder(other.id, statutory, now)),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        unit!(store, |w| w
            .set_turnout_reminder_days(other.id, statutory, 2)),
        Err(StoreError::NotFound)
    ));
}
