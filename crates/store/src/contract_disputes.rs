//! Contract tests for disputes, ballots and periods of action.

use crate::disputes::{
    BallotResult, NewActionPeriod, NewBallot, NewClaim, NewDispute, NewParty, NewStep,
    NewTimelineEvent,
};
use crate::prelude::*;
use crate::StoreError;
use chrono::NaiveDate;
use picket_domain::disputes::{
    ActionKind, BallotKind, ClaimKind, ClaimStatus, DisputeStatus, EventKind, PartyKind,
};
use picket_domain::{Division, Nation};
use std::sync::Arc;

fn d(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

fn dispute(title: &str) -> NewDispute {
    NewDispute {
        title: title.into(),
        employer: "A London borough council".into(),
        nation: Nation::England,
        status: DisputeStatus::Balloting,
        summary: "Recruitment and retention".into(),
    }
}

/// A dispute keeps its parties, claims, timeline (public and private), rates, ballots with
/// steps and questions, and periods of action; edits stick.
pub async fn disputes_keep_their_records(store: Arc<dyn Store>) {
    let b = store
        .create_branch(&"disp-a".parse().unwrap(), "A", Division::EnglandAndWales)
        .await
        .unwrap();
    let made = store.create_dispute(b.id, &dispute("Pay")).await.unwrap();
    assert_eq!(made.nation, Nation::England);
    let mut edit = dispute("Pay and staffing");
    edit.status = DisputeStatus::InAction;
    let edited = store.update_dispute(b.id, made.id, &edit).await.unwrap();
    assert_eq!(edited.title, "Pay and staffing");
    assert_eq!(edited.status, DisputeStatus::InAction);
    assert_eq!(store.disputes(b.id).await.unwrap().len(), 1);

    store
        .add_party(
            b.id,
            made.id,
            &NewParty {
                kind: PartyKind::Team,
                name: "Mental Health Team North".into(),
                detail: "North office".into(),
                email: None,
                address: None,
                headcount: Some(11),
            },
        )
        .await
        .unwrap();
    let parties = store.parties(b.id, made.id).await.unwrap();
    assert_eq!(parties[0].headcount, Some(11));

    let claim = store
        .add_claim(
            b.id,
            made.id,
            &NewClaim {
                kind: ClaimKind::Offer,
                dated: d("2024-05-17"),
                summary: "5%".into(),
                status: ClaimStatus::Tabled,
            },
        )
        .await
        .unwrap();
    // Only through its own dispute.
    assert!(matches!(
        store
            .set_claim_status(b.id, made.id + 1, claim, ClaimStatus::Rejected)
            .await,
        Err(StoreError::NotFound)
    ));
    store
        .set_claim_status(b.id, made.id, claim, ClaimStatus::Rejected)
        .await
        .unwrap();
    assert_eq!(
        store.claims(b.id, made.id).await.unwrap()[0].status,
        ClaimStatus::Rejected
    );

    for (date, public) in [("2023-05-18", true), ("2023-03-10", false)] {
        store
            .add_event(
                b.id,
                made.id,
                &NewTimelineEvent {
                    dated: d(date),
                    kind: EventKind::Meeting,
                    title: format!("meeting {date}"),
                    outcome: String::new(),
                    public,
                },
            )
            .await
            .unwrap();
    }
    let all = store.timeline(b.id, made.id, false).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].dated, d("2023-03-10"), "by date");
    let public = store.timeline(b.id, made.id, true).await.unwrap();
    assert_eq!(public.len(), 1);
    assert!(public[0].public);
    let publish = NewTimelineEvent {
        dated: d("2023-03-10"),
        kind: EventKind::Meeting,
        title: "Meeting with the Executive Director".into(),
        outcome: "No agreement".into(),
        public: true,
    };
    // Only through its own dispute.
    assert!(matches!(
        store
            .update_event(b.id, made.id + 1, all[0].id, &publish)
            .await,
        Err(StoreError::NotFound)
    ));
    store
        .update_event(b.id, made.id, all[0].id, &publish)
        .await
        .unwrap();
    let public = store.timeline(b.id, made.id, true).await.unwrap();
    assert_eq!(public.len(), 2, "published");
    assert_eq!(public[0].outcome, "No agreement");

    store
        .add_rate(b.id, made.id, "service-user contacts", 1000)
        .await
        .unwrap();
    assert_eq!(
        store.rates(b.id, made.id).await.unwrap()[0].per_worker_day_hundredths,
        1000
    );

    let ballot = store
        .create_ballot(
            b.id,
            made.id,
            &NewBallot {
                kind: BallotKind::Statutory,
                title: "Strike ballot".into(),
                opened: d("2023-08-01"),
                closed: d("2023-08-31"),
                entitled: 19,
                ips: None,
                welsh_devolved: false,
                extension_agreed: false,
                result: None,
                result_to_employer: None,
                steps: vec![NewStep {
                    name: "Notice of ballot".into(),
                    due: Some(d("2023-07-25")),
                    provision: "s.226A".into(),
                }],
            },
        )
        .await
        .unwrap();
    assert_eq!(ballot.result, None);
    let result = BallotResult {
        cast: 15,
        yes: 15,
        no: 0,
        spoiled: 0,
    };
    let recorded = store
        .record_ballot_result(b.id, ballot.id, result, Some(d("2023-09-01")))
        .await
        .unwrap();
    assert_eq!(recorded.result, Some(result));
    assert_eq!(recorded.result_to_employer, Some(d("2023-09-01")));
    let steps = store.steps(b.id, ballot.id).await.unwrap();
    assert_eq!(steps[0].due, Some(d("2023-07-25")));
    store
        .mark_step(b.id, steps[0].id, Some(d("2023-07-20")))
        .await
        .unwrap();
    assert_eq!(
        store.steps(b.id, ballot.id).await.unwrap()[0].done,
        Some(d("2023-07-20"))
    );
    store
        .add_question(b.id, ballot.id, "Considered leaving?", "Yes", 10000)
        .await
        .unwrap();
    assert_eq!(store.questions(b.id, ballot.id).await.unwrap().len(), 1);

    let period = store
        .create_action_period(
            b.id,
            made.id,
            &NewActionPeriod {
                ballot_id: Some(ballot.id),
                kind: ActionKind::Strike,
                starts: d("2024-05-13"),
                ends: d("2024-06-01"),
                teams: "All three teams".into(),
                called_out: 20,
                notice_received: Some(d("2024-04-29")),
                holidays_as_strike: vec![d("2024-05-27")],
            },
        )
        .await
        .unwrap();
    assert_eq!(period.holidays_as_strike, vec![d("2024-05-27")]);
    assert_eq!(
        store.action_periods(b.id, made.id).await.unwrap(),
        vec![period.clone()]
    );
    store
        .set_period_holidays(b.id, period.id, &[])
        .await
        .unwrap();
    assert!(store.action_periods(b.id, made.id).await.unwrap()[0]
        .holidays_as_strike
        .is_empty());
    let other = store
        .create_branch(&"disp-z".parse().unwrap(), "Z", Division::EnglandAndWales)
        .await
        .unwrap();
    assert!(matches!(
        store.set_period_holidays(other.id, period.id, &[]).await,
        Err(StoreError::NotFound)
    ));
}

/// Another branch neither lists nor finds nor writes to a dispute, its ballots or its steps.
pub async fn disputes_are_scoped_to_their_branch(store: Arc<dyn Store>) {
    let a = store
        .create_branch(&"disp-b".parse().unwrap(), "B", Division::EnglandAndWales)
        .await
        .unwrap();
    let other = store
        .create_branch(&"disp-c".parse().unwrap(), "C", Division::Scotland)
        .await
        .unwrap();
    let made = store.create_dispute(a.id, &dispute("Pay")).await.unwrap();
    assert!(store.disputes(other.id).await.unwrap().is_empty());
    assert!(matches!(
        store.dispute(other.id, made.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.update_dispute(other.id, made.id, &dispute("x")).await,
        Err(StoreError::NotFound)
    ));
    let event = NewTimelineEvent {
        dated: d("2023-05-18"),
        kind: EventKind::Note,
        title: "n".into(),
        outcome: String::new(),
        public: true,
    };
    assert!(matches!(
        store.add_event(other.id, made.id, &event).await,
        Err(StoreError::NotFound)
    ));
    store.add_event(a.id, made.id, &event).await.unwrap();
    assert!(store
        .timeline(other.id, made.id, false)
        .await
        .unwrap()
        .is_empty());
    let new_ballot = NewBallot {
        kind: BallotKind::Survey,
        title: "Survey".into(),
        opened: d("2023-05-01"),
        closed: d("2023-05-10"),
        entitled: 20,
        ips: None,
        welsh_devolved: false,
        extension_agreed: false,
        result: None,
        result_to_employer: None,
        steps: vec![NewStep {
            name: "x".into(),
            due: None,
            provision: String::new(),
        }],
    };
    assert!(matches!(
        store.create_ballot(other.id, made.id, &new_ballot).await,
        Err(StoreError::NotFound)
    ));
    let ballot = store
        .create_ballot(a.id, made.id, &new_ballot)
        .await
        .unwrap();
    assert!(matches!(
        store.ballot(other.id, ballot.id).await,
        Err(StoreError::NotFound)
    ));
    let step = store.steps(a.id, ballot.id).await.unwrap()[0].id;
    assert!(matches!(
        store.mark_step(other.id, step, Some(d("2023-05-01"))).await,
        Err(StoreError::NotFound)
    ));
    assert!(store.steps(other.id, ballot.id).await.unwrap().is_empty());
    assert!(matches!(
        store.add_question(other.id, ballot.id, "q", "a", 1).await,
        Err(StoreError::NotFound)
    ));
}
