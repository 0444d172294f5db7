//! Contract tests for the bargaining unit: a dispute's teams are the branch's teams, and its
//! figures are counted from the member records in them on a day unless typed by hand.

use crate::contract::disputes::{create_dispute, unit};
use crate::contract::member_writes::{create_member, create_team};
use crate::contract::Setup;
use crate::disputes::{NewActionPeriod, NewBallot, NewDispute};
use crate::prelude::*;
use crate::StoreError;
use chrono::NaiveDate;
use picket_domain::bargaining::{Basis, HandFigure};
use picket_domain::disputes::{ActionKind, BallotKind, DisputeStatus};
use picket_domain::members::MemberDetails;
use picket_domain::{Division, MemberId, Nation};
use std::sync::Arc;

fn d(s: &str) -> NaiveDate {
    s.parse().expect("an ISO date")
}

/// The dispute's teams are chosen from the branch's; members are counted by team on a day
/// from their membership dates; periods and ballots use the count unless a hand figure with
/// its reason is set; another branch's team is refused with nothing changed, and another
/// branch finds nothing.
pub async fn the_bargaining_unit_counts_members_in_the_disputes_teams(store: Arc<dyn Store>) {
    let a = store
        .setup_branch(&"unit-a".parse().unwrap(), "A", Division::EnglandAndWales)
        .await
        .unwrap()
        .id;
    let b = store
        .setup_branch(&"unit-b".parse().unwrap(), "B", Division::EnglandAndWales)
        .await
        .unwrap()
        .id;
    let dispute = create_dispute(
        &*store,
        a,
        &NewDispute {
            title: "Staffing".into(),
            employer: "A council".into(),
            nation: Nation::England,
            status: DisputeStatus::InAction,
            summary: String::new(),
        },
    )
    .await
    .unwrap()
    .id;
    let north = create_team(&*store, a, "North", None).await.unwrap().id;
    let south = create_team(&*store, a, "South", None).await.unwrap().id;
    let duty = create_team(&*store, a, "Duty", None).await.unwrap().id;
    let elsewhere = create_team(&*store, b, "Elsewhere", None).await.unwrap().id;
    // (name, team, joined, left)
    let people = [
        ("Nia", Some(north), Some("2024-01-01"), None),
        ("Ned", Some(north), None, None),
        ("Noor", Some(north), None, Some("2024-03-01")),
        ("Sam", Some(south), None, None),
        ("Dee", Some(duty), None, None),
        ("Zed", None, None, None),
    ];
    let mut ids: Vec<MemberId> = Vec::new();
    for (i, (name, team, joined, left)) in people.iter().enumerate() {
        let details = MemberDetails::new(format!("U{i}").parse().unwrap(), *name);
        let id = create_member(&*store, a, &details, *team).await.unwrap().id;
        unit!(store, |w| w.set_membership_dates(
            a,
            id,
            joined.map(d),
            left.map(d)
        ))
        .unwrap();
        ids.push(id);
    }
    let refused = unit!(store, |w| w.set_membership_dates(
        a,
        ids[0],
        Some(d("2024-05-01")),
        Some(d("2024-05-01"))
    ));
    assert!(
        matches!(refused, Err(StoreError::Refused(_))),
        "{refused:?}"
    );

    let change = unit!(store, |w| w.set_dispute_teams(a, dispute, &[south, north])).unwrap();
    assert_eq!(change.added, ["North", "South"]);
    assert!(change.removed.is_empty());

    let counts = |day: &'static str| {
        let store = store.clone();
        async move {
            store
                .unit_teams(a, dispute, d(day))
                .await
                .unwrap()
                .into_iter()
                .map(|t| (t.team.name, t.members))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        counts("2023-12-01").await,
        [("North".to_string(), 2), ("South".to_string(), 1)],
        "Nia had not joined"
    );
    assert_eq!(counts("2024-02-01").await[0], ("North".to_string(), 3));
    assert_eq!(
        counts("2024-03-01").await[0],
        ("North".to_string(), 2),
        "Noor left on 1 March"
    );
    let members = store
        .unit_members(a, dispute, d("2024-03-01"))
        .await
        .unwrap();
    let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["Ned", "Nia", "Sam"]);
    assert_eq!(members[2].team_id, south);

    // Another branch's team is refused and nothing changes.
    let refused = unit!(store, |w| w.set_dispute_teams(
        a,
        dispute,
        &[duty, elsewhere]
    ));
    assert!(
        matches!(refused, Err(StoreError::Refused(_))),
        "{refused:?}"
    );
    assert_eq!(counts("2024-02-01").await.len(), 2);

    // A period counted on its first day; a hand figure wins, with its reason; cleared, counted.
    let period = unit!(store, |w| w.create_action_period(
        a,
        dispute,
        &NewActionPeriod {
            ballot_id: None,
            kind: ActionKind::Strike,
            starts: d("2024-02-05"),
            ends: d("2024-02-09"),
            teams: String::new(),
            called_out: None,
            notice_received: None,
            holidays_as_strike: Vec::new(),
        }
    ))
    .unwrap();
    assert_eq!(period.called_out, 4);
    assert_eq!(
        period.called_out_basis,
        Basis::Counted {
            as_of: d("2024-02-05")
        }
    );
    let hand = HandFigure::new(15, "members not yet imported");
    let typed = unit!(store, |w| w.set_called_out_figure(
        a,
        dispute,
        period.id,
        Some(&hand)
    ))
    .unwrap();
    assert_eq!(typed.called_out, 15);
    assert_eq!(
        typed.called_out_basis,
        Basis::Hand {
            reason: "members not yet imported".into()
        }
    );
    assert_eq!(
        store.action_period(a, dispute, period.id).await.unwrap(),
        typed
    );
    unit!(store, |w| w
        .set_called_out_figure(a, dispute, period.id, None))
    .unwrap();

    // A ballot counted on its opening day.
    let ballot = unit!(store, |w| w.create_ballot(
        a,
        dispute,
        &NewBallot {
            kind: BallotKind::Statutory,
            title: "Strike ballot".into(),
            opened: d("2023-12-01"),
            closed: d("2023-12-29"),
            entitled: None,
            ips: None,
            welsh_devolved: false,
            extension_agreed: false,
            result: None,
            result_to_employer: None,
            steps: Vec::new(),
        }
    ))
    .unwrap();
    assert_eq!(ballot.entitled, 3);
    let typed = unit!(store, |w| w.set_entitled_figure(
        a,
        dispute,
        ballot.id,
        Some(&HandFigure::new(19, "members not yet imported"))
    ))
    .unwrap();
    assert_eq!((typed.entitled, typed.entitled_basis.is_hand()), (19, true));

    // Taking North off the unit changes the counts.
    let change = unit!(store, |w| w.set_dispute_teams(a, dispute, &[south, duty])).unwrap();
    assert_eq!(
        (change.added, change.removed),
        (vec!["Duty".to_string()], vec!["North".to_string()])
    );
    assert_eq!(
        store
            .action_period(a, dispute, period.id)
            .await
            .unwrap()
            .called_out,
        2
    );

    // Another branch finds nothing.
    assert!(matches!(
        store.unit_teams(b, dispute, d("2024-01-01")).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.unit_members(b, dispute, d("2024-01-01")).await,
        Err(StoreError::NotFound)
    ));
    for r in [
        unit!(store, |w| w.set_dispute_teams(b, dispute, &[elsewhere])).map(|_| ()),
        unit!(store, |w| w.set_called_out_figure(
            b,
            dispute,
            period.id,
            Some(&hand)
        ))
        .map(|_| ()),
        unit!(store, |w| w
            .set_entitled_figure(b, dispute, ballot.id, None))
        .map(|_| ()),
        unit!(store, |w| w.set_membership_dates(b, ids[0], None, None)),
    ] {
        assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
    }
}
