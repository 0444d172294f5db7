//! Contract tests for disputes, ballots and periods of action.

use crate::contract::Setup;
use crate::disputes::Dispute;
use crate::disputes::{
    BallotResult, NewActionPeriod, NewBallot, NewClaim, NewDispute, NewParty, NewStep,
    NewTimelineEvent,
};
use crate::prelude::*;
use crate::{StoreError, StoreResult};
use chrono::NaiveDate;
use picket_domain::bargaining::HandFigure;
use picket_domain::disputes::{
    ActionKind, BallotKind, ClaimKind, ClaimStatus, DisputeStatus, EventKind, PartyKind,
};
use picket_domain::{BallotStepId, BranchId, DisputeId, Division, Nation};
use std::sync::Arc;

/// Runs one write in a unit of its own and commits it: `unit!(store, |w| w.add_party(..))`.
macro_rules! unit {
    ($store:expr, |$w:ident| $call:expr) => {
        async {
            let mut $w = $store.begin().await?;
            let out = $call.await?;
            $w.commit().await?;
            Ok::<_, $crate::StoreError>(out)
        }
        .await
    };
}
pub(crate) use unit;

/// Creates a dispute in a unit of its own, for tests that need one.
pub(crate) async fn create_dispute(
    store: &dyn Store,
    branch: BranchId,
    new: &NewDispute,
) -> StoreResult<Dispute> {
    unit!(store, |w| w.create_dispute(branch, new))
}

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
        .setup_branch(&"disp-a".parse().unwrap(), "A", Division::EnglandAndWales)
        .await
        .unwrap();
    let made = create_dispute(&*store, b.id, &dispute("Pay"))
        .await
        .unwrap();
    assert_eq!(made.nation, Nation::England);
    let id = made.id;
    let mut edit = dispute("Pay and staffing");
    edit.status = DisputeStatus::InAction;
    let edited = unit!(store, |w| w.update_dispute(b.id, id, &edit)).unwrap();
    assert_eq!(edited.title, "Pay and staffing");
    assert_eq!(edited.status, DisputeStatus::InAction);
    assert_eq!(store.disputes(b.id).await.unwrap().len(), 1);
    assert_eq!(store.dispute(b.id, id).await.unwrap(), edited);

    let chief = NewParty {
        kind: PartyKind::DecisionMaker,
        name: "Chief Executive".into(),
        detail: "Council".into(),
        email: Some("chief@council.example".into()),
        address: None,
        headcount: None,
    };
    let party = unit!(store, |w| w.add_party(b.id, id, &chief)).unwrap();
    let parties = store.parties(b.id, id).await.unwrap();
    assert_eq!(
        (parties[0].id, parties[0].email.as_deref()),
        (party, Some("chief@council.example"))
    );

    let offer = NewClaim {
        kind: ClaimKind::Offer,
        dated: d("2024-05-17"),
        summary: "5%".into(),
        status: ClaimStatus::Tabled,
    };
    let claim = unit!(store, |w| w.add_claim(b.id, id, &offer)).unwrap();
    unit!(store, |w| w.set_claim_status(
        b.id,
        id,
        claim,
        ClaimStatus::Rejected
    ))
    .unwrap();
    assert_eq!(
        store.claims(b.id, id).await.unwrap()[0].status,
        ClaimStatus::Rejected
    );

    for (date, public) in [("2023-05-18", true), ("2023-03-10", false)] {
        let entry = NewTimelineEvent {
            dated: d(date),
            kind: EventKind::Meeting,
            title: format!("meeting {date}"),
            outcome: String::new(),
            public,
        };
        unit!(store, |w| w.add_event(b.id, id, &entry)).unwrap();
    }
    let all = store.timeline(b.id, id, false).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].dated, d("2023-03-10"), "by date");
    let public = store.timeline(b.id, id, true).await.unwrap();
    assert_eq!(public.len(), 1);
    assert!(public[0].public);
    let publish = NewTimelineEvent {
        dated: d("2023-03-10"),
        kind: EventKind::Meeting,
        title: "Meeting with the Executive Director".into(),
        outcome: "No agreement".into(),
        public: true,
    };
    unit!(store, |w| w.update_event(b.id, id, all[0].id, &publish)).unwrap();
    let public = store.timeline(b.id, id, true).await.unwrap();
    assert_eq!(public.len(), 2, "published");
    assert_eq!(public[0].outcome, "No agreement");

    unit!(store, |w| w.add_rate(
        b.id,
        id,
        "service-user contacts",
        1000
    ))
    .unwrap();
    assert_eq!(
        store.rates(b.id, id).await.unwrap()[0].per_worker_day_hundredths,
        1000
    );

    let new_ballot = NewBallot {
        kind: BallotKind::Statutory,
        title: "Strike ballot".into(),
        opened: d("2023-08-01"),
        closed: d("2023-08-31"),
        entitled: Some(HandFigure::new(19, "members not yet imported")),
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
    };
    let ballot = unit!(store, |w| w.create_ballot(b.id, id, &new_ballot)).unwrap();
    assert_eq!(ballot.result, None);
    assert_eq!(store.ballot(b.id, id, ballot.id).await.unwrap(), ballot);
    assert_eq!(store.ballot_dispute(b.id, ballot.id).await.unwrap(), id);
    let result = BallotResult {
        cast: 15,
        yes: 15,
        no: 0,
        spoiled: 0,
    };
    let recorded = unit!(store, |w| w.record_ballot_result(
        b.id,
        id,
        ballot.id,
        result,
        Some(d("2023-09-01"))
    ))
    .unwrap();
    assert_eq!(recorded.result, Some(result));
    assert_eq!(recorded.result_to_employer, Some(d("2023-09-01")));
    let steps = store.steps(b.id, id, ballot.id).await.unwrap();
    assert_eq!(steps[0].due, Some(d("2023-07-25")));
    assert_eq!(store.step_dispute(b.id, steps[0].id).await.unwrap(), id);
    unit!(store, |w| w.mark_step(
        b.id,
        id,
        steps[0].id,
        Some(d("2023-07-20"))
    ))
    .unwrap();
    assert_eq!(
        store.steps(b.id, id, ballot.id).await.unwrap()[0].done,
        Some(d("2023-07-20"))
    );
    let question = unit!(store, |w| w.add_question(
        b.id,
        id,
        ballot.id,
        "Considered leaving?",
        "Yes",
        10000
    ))
    .unwrap();
    let questions = store.questions(b.id, id, ballot.id).await.unwrap();
    assert_eq!(
        (questions.len(), questions[0].id, questions[0].ballot_id),
        (1, question, ballot.id)
    );

    let new_period = NewActionPeriod {
        ballot_id: Some(ballot.id),
        kind: ActionKind::Strike,
        starts: d("2024-05-13"),
        ends: d("2024-06-01"),
        teams: "All three teams".into(),
        called_out: Some(HandFigure::new(20, "members not yet imported")),
        notice_received: Some(d("2024-04-29")),
        holidays_as_strike: vec![d("2024-05-27")],
    };
    let period = unit!(store, |w| w.create_action_period(b.id, id, &new_period)).unwrap();
    assert_eq!(period.holidays_as_strike, vec![d("2024-05-27")]);
    assert_eq!(period.ballot_id, Some(ballot.id));
    assert_eq!(
        store.action_periods(b.id, id).await.unwrap(),
        vec![period.clone()]
    );
    assert_eq!(
        store.action_period(b.id, id, period.id).await.unwrap(),
        period
    );
    unit!(store, |w| w.set_period_holidays(b.id, id, period.id, &[])).unwrap();
    assert!(store.action_periods(b.id, id).await.unwrap()[0]
        .holidays_as_strike
        .is_empty());
}

/// Another branch neither lists nor finds nor writes to a dispute; a write refused leaves
/// nothing behind.
pub async fn disputes_are_scoped_to_their_branch(store: Arc<dyn Store>) {
    let a = store
        .setup_branch(&"disp-b".parse().unwrap(), "B", Division::EnglandAndWales)
        .await
        .unwrap();
    let other = store
        .setup_branch(&"disp-c".parse().unwrap(), "C", Division::Scotland)
        .await
        .unwrap();
    let made = create_dispute(&*store, a.id, &dispute("Pay"))
        .await
        .unwrap();
    assert!(store.disputes(other.id).await.unwrap().is_empty());
    assert!(matches!(
        store.dispute(other.id, made.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        unit!(store, |w| w.update_dispute(
            other.id,
            made.id,
            &dispute("x")
        )),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.dispute(a.id, DisputeId(made.id.0 + 1000)).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.step_dispute(a.id, BallotStepId(i64::MAX)).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.dispute(a.id, made.id).await.unwrap().title, "Pay");
}
