//! Contract tests for participation per member and release requests.

use crate::contract::disputes::unit;
use crate::contract::member_writes::{create_member, create_team};
use crate::contract::Setup;
use crate::disputes::{NewActionPeriod, NewDispute};
use crate::prelude::*;
use crate::strike_days::{DayEntry, NewReleaseRequest, ReleaseDecision};
use crate::StoreError;
use chrono::NaiveDate;
use picket_domain::bargaining::HandFigure;
use picket_domain::disputes::{ActionKind, DisputeStatus};
use picket_domain::members::MemberDetails;
use picket_domain::strike_days::{DayOutcome, DaySource, DayStatus};
use picket_domain::{BranchId, DisputeId, Division, MemberId, Nation, PeriodId};
use std::sync::Arc;

fn d(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 5, n).expect("a day in May 2024")
}

/// A dispute with a period of action from 13 to 17 May 2024 calling out `teams` (text), the
/// branch's team "Duty Team" as the dispute's team, and members: one per team name given in `members`
/// (`None` for no team).
pub(crate) async fn strike_setup(
    store: &Arc<dyn Store>,
    slug: &str,
    teams: &str,
    members: &[Option<&str>],
) -> (BranchId, DisputeId, PeriodId, Vec<MemberId>) {
    let b = store
        .setup_branch(&slug.parse().unwrap(), "S", Division::EnglandAndWales)
        .await
        .unwrap()
        .id;
    let dispute = unit!(store, |w| w.create_dispute(
        b,
        &NewDispute {
            title: "Staffing".into(),
            employer: "A council".into(),
            nation: Nation::England,
            status: DisputeStatus::InAction,
            summary: String::new(),
        },
    ))
    .unwrap()
    .id;
    let period = unit!(store, |w| w.create_action_period(
        b,
        dispute,
        &NewActionPeriod {
            ballot_id: None,
            kind: ActionKind::Strike,
            starts: d(13),
            ends: d(17),
            teams: teams.into(),
            called_out: Some(HandFigure::new(6, "members not yet imported")),
            notice_received: None,
            holidays_as_strike: Vec::new(),
        }
    ))
    .unwrap()
    .id;
    let mut ids = Vec::new();
    let mut made: Vec<(String, picket_domain::TeamId)> = Vec::new();
    for (i, team) in members.iter().enumerate() {
        let team_id = match team {
            None => None,
            Some(name) => match made.iter().find(|(n, _)| n == name) {
                Some((_, id)) => Some(*id),
                None => {
                    let t = create_team(&**store, b, name, None).await.unwrap();
                    made.push(((*name).to_string(), t.id));
                    Some(t.id)
                }
            },
        };
        let mut details = MemberDetails::new(
            format!("{slug}-{i}").parse().unwrap(),
            format!("Member {i}"),
        );
        details.daily_pay_pence = Some(10_000 + 1_000 * i as i64);
        ids.push(
            create_member(&**store, b, &details, team_id)
                .await
                .unwrap()
                .id,
        );
    }
    let duty = match made.iter().find(|(n, _)| n == "Duty Team") {
        Some((_, id)) => *id,
        None => {
            create_team(&**store, b, "Duty Team", None)
                .await
                .unwrap()
                .id
        }
    };
    unit!(store, |w| w.set_dispute_teams(b, dispute, &[duty])).unwrap();
    (b, dispute, period, ids)
}

fn entry(member: MemberId, day: u32, status: DayStatus) -> DayEntry {
    DayEntry {
        member,
        day: d(day),
        status,
    }
}

/// Reps enter days in bulk, members declare their own; both are kept, a disagreement shows
/// as a conflict until a rep settles it; a member not called out or a day outside the
/// period is refused and nothing of the batch is kept; other branches see nothing.
pub async fn strike_days_keep_both_entries_and_refuse_the_uncalled(store: Arc<dyn Store>) {
    let (b, dispute, period, m) = strike_setup(
        &store,
        "days-a",
        "North CMHT, South CMHT",
        &[
            Some("North CMHT"),
            Some("south cmht"),
            Some("Duty Team"),
            None,
        ],
    )
    .await;
    let grid = [
        entry(m[0], 13, DayStatus::OnStrike),
        entry(m[1], 13, DayStatus::OnStrike),
        entry(m[0], 14, DayStatus::Working),
    ];
    let n = unit!(store, |w| w.record_strike_days(
        b,
        dispute,
        period,
        DaySource::Rep,
        &grid,
        None
    ))
    .unwrap();
    assert_eq!(n, 3);
    unit!(store, |w| w.record_strike_days(
        b,
        dispute,
        period,
        DaySource::Member,
        &[
            entry(m[0], 14, DayStatus::OnStrike),
            entry(m[1], 13, DayStatus::OnStrike)
        ],
        None
    ))
    .unwrap();
    let days = store.member_days(b, dispute, period).await.unwrap();
    let outcome = |member: MemberId, day: u32| {
        days.iter()
            .find(|x| x.member_id == member && x.day == d(day))
            .map(|x| x.outcome)
    };
    assert_eq!(
        outcome(m[0], 13),
        Some(DayOutcome::Known {
            status: DayStatus::OnStrike
        })
    );
    assert_eq!(
        outcome(m[1], 13),
        Some(DayOutcome::Known {
            status: DayStatus::OnStrike
        })
    );
    assert_eq!(
        outcome(m[0], 14),
        Some(DayOutcome::Conflict {
            rep: DayStatus::Working,
            member: DayStatus::OnStrike
        })
    );
    // Added up for the desk: two on strike on the 13th; the 14th is a conflict, not counted.
    let tallied = |t: Vec<crate::strike_days::DayTally>| {
        t.iter()
            .map(|t| (t.period_id, t.day, t.on_strike, t.conflicts))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        tallied(store.strike_day_tallies(b, dispute).await.unwrap()),
        vec![(period, d(13), 2, 0), (period, d(14), 0, 1)]
    );
    // A rep settles it; both original entries stay.
    unit!(store, |w| w.record_strike_days(
        b,
        dispute,
        period,
        DaySource::Settled,
        &[entry(m[0], 14, DayStatus::OnStrike)],
        None
    ))
    .unwrap();
    assert_eq!(
        tallied(store.strike_day_tallies(b, dispute).await.unwrap()),
        vec![(period, d(13), 2, 0), (period, d(14), 1, 0)]
    );
    let other = BranchId(b.0 + 1);
    assert!(store
        .strike_day_tallies(other, dispute)
        .await
        .unwrap()
        .is_empty());
    let mine = store.days_of_member(b, m[0]).await.unwrap();
    let settled = mine.iter().find(|x| x.day == d(14)).unwrap();
    assert_eq!(
        (settled.rep, settled.member, settled.outcome.status()),
        (
            Some(DayStatus::Working),
            Some(DayStatus::OnStrike),
            Some(DayStatus::OnStrike)
        )
    );

    // Duty Team is a party of the dispute, but this period names its own teams.
    for refused in [
        vec![
            entry(m[1], 15, DayStatus::OnStrike),
            entry(m[2], 15, DayStatus::OnStrike),
        ],
        vec![entry(m[3], 15, DayStatus::OnStrike)],
        vec![entry(m[1], 18, DayStatus::OnStrike)],
    ] {
        let r = unit!(store, |w| w.record_strike_days(
            b,
            dispute,
            period,
            DaySource::Rep,
            &refused,
            None
        ));
        assert!(matches!(r, Err(StoreError::Refused(_))), "{r:?}");
    }
    let r = unit!(store, |w| w.record_strike_days(
        b,
        dispute,
        period,
        DaySource::Rep,
        &[entry(m[2], 15, DayStatus::OnStrike)],
        None
    ));
    let Err(StoreError::Refused(why)) = r else {
        panic!("{r:?}")
    };
    assert!(why.contains("not in a team called out"), "{why}");
    assert!(!why.contains("Member 2"), "no names in messages: {why}");
    let r = unit!(store, |w| w.record_strike_days(
        b,
        dispute,
        period,
        DaySource::Rep,
        &[entry(m[1], 18, DayStatus::OnStrike)],
        None
    ));
    let Err(StoreError::Refused(why)) = r else {
        panic!("{r:?}")
    };
    assert!(
        why.contains("18 May 2024 is outside the period of action (13 May 2024 to 17 May 2024)"),
        "{why}"
    );
    assert!(
        store
            .member_days(b, dispute, period)
            .await
            .unwrap()
            .iter()
            .all(|x| x.day != d(15)),
        "nothing of a refused batch is kept"
    );

    // Another branch: the period is not found, its members cannot be recorded here.
    let (other, other_dispute, other_period, theirs) =
        strike_setup(&store, "days-b", "", &[Some("Duty Team")]).await;
    assert!(matches!(
        store.member_days(other, dispute, period).await,
        Err(StoreError::NotFound)
    ));
    let r = unit!(store, |w| w.record_strike_days(
        b,
        dispute,
        period,
        DaySource::Rep,
        &[entry(theirs[0], 13, DayStatus::OnStrike)],
        None
    ));
    assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
    // With no teams in the period's text, the dispute's teams are called out.
    unit!(store, |w| w.record_strike_days(
        other,
        other_dispute,
        other_period,
        DaySource::Rep,
        &[entry(theirs[0], 13, DayStatus::Sick)],
        None
    ))
    .unwrap();
    assert!(store.days_of_member(b, theirs[0]).await.unwrap().is_empty());
}

/// A release request is recorded, then granted (naming who was released, whose day becomes
/// "released") or refused, once.
pub async fn release_requests_record_the_decision(store: Arc<dyn Store>) {
    let (b, dispute, period, m) =
        strike_setup(&store, "release", "", &[Some("Duty Team"), Some("Other")]).await;
    let ask = |day: u32| NewReleaseRequest {
        day: d(day),
        asked_by: "Service manager".into(),
        asked_on: d(10),
        cover: "One AMHP for a Mental Health Act assessment".into(),
    };
    let first = unit!(store, |w| w.add_release_request(
        b,
        dispute,
        period,
        &ask(14),
        None
    ))
    .unwrap();
    let second = unit!(store, |w| w.add_release_request(
        b,
        dispute,
        period,
        &ask(15),
        None
    ))
    .unwrap();
    let outside = unit!(store, |w| w.add_release_request(
        b,
        dispute,
        period,
        &ask(20),
        None
    ));
    assert!(
        matches!(outside, Err(StoreError::Refused(_))),
        "{outside:?}"
    );
    // The member named must be called out.
    let r = unit!(store, |w| w.decide_release_request(
        b,
        dispute,
        first,
        Some(m[1]),
        None
    ));
    assert!(matches!(r, Err(StoreError::Refused(_))), "{r:?}");
    unit!(store, |w| w.decide_release_request(
        b,
        dispute,
        first,
        Some(m[0]),
        None
    ))
    .unwrap();
    unit!(store, |w| w
        .decide_release_request(b, dispute, second, None, None))
    .unwrap();
    let again = unit!(store, |w| w
        .decide_release_request(b, dispute, second, None, None));
    assert!(
        matches!(again, Err(StoreError::Conflict("decision"))),
        "{again:?}"
    );
    let requests = store.release_requests(b, dispute).await.unwrap();
    let got: Vec<(ReleaseDecision, Option<MemberId>)> =
        requests.iter().map(|r| (r.decision, r.released)).collect();
    assert_eq!(
        got,
        [
            (ReleaseDecision::Granted, Some(m[0])),
            (ReleaseDecision::Refused, None)
        ]
    );
    assert_eq!(
        requests[0].cover,
        "One AMHP for a Mental Health Act assessment"
    );
    let day = store.days_of_member(b, m[0]).await.unwrap();
    assert_eq!(day[0].outcome.status(), Some(DayStatus::Released));
    assert!(store
        .release_requests(BranchId(999_999), dispute)
        .await
        .unwrap()
        .is_empty());
}
