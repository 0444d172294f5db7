//! Contract tests: every record of a dispute is read and written through its dispute and its
//! branch. Through another dispute of the same branch, or through another branch, each read
//! finds nothing and each write is refused with `NotFound` and changes nothing.

use crate::contract::disputes::{create_dispute, unit};
use crate::contract::Setup;
use crate::disputes::{
    BallotResult, NewActionPeriod, NewBallot, NewClaim, NewDispute, NewParty, NewStep,
    NewTimelineEvent,
};
use crate::prelude::*;
use crate::StoreError;
use chrono::NaiveDate;
use picket_domain::bargaining::HandFigure;
use picket_domain::disputes::{
    ActionKind, BallotKind, ClaimKind, ClaimStatus, DisputeStatus, EventKind, PartyKind,
};
use picket_domain::{BranchId, DisputeId, Division, Nation};
use std::sync::Arc;

fn d(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

fn missing<T: std::fmt::Debug>(what: &str, r: Result<T, StoreError>) {
    assert!(matches!(r, Err(StoreError::NotFound)), "{what}: {r:?}");
}

fn new_dispute() -> NewDispute {
    NewDispute {
        title: "Pay".into(),
        employer: "A council".into(),
        nation: Nation::England,
        status: DisputeStatus::InAction,
        summary: String::new(),
    }
}

fn party() -> NewParty {
    NewParty {
        kind: PartyKind::DecisionMaker,
        name: "A. Person".into(),
        detail: "Chief Executive".into(),
        email: None,
        address: None,
        headcount: None,
    }
}

fn claim() -> NewClaim {
    NewClaim {
        kind: ClaimKind::Claim,
        dated: d("2023-03-01"),
        summary: "Retention payment".into(),
        status: ClaimStatus::Tabled,
    }
}

fn entry() -> NewTimelineEvent {
    NewTimelineEvent {
        dated: d("2023-05-18"),
        kind: EventKind::Note,
        title: "A note".into(),
        outcome: String::new(),
        public: false,
    }
}

fn ballot() -> NewBallot {
    NewBallot {
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
    }
}

fn period(ballot_id: Option<picket_domain::BallotId>) -> NewActionPeriod {
    NewActionPeriod {
        ballot_id,
        kind: ActionKind::Strike,
        starts: d("2024-05-13"),
        ends: d("2024-05-17"),
        teams: "All teams".into(),
        called_out: Some(HandFigure::new(20, "members not yet imported")),
        notice_received: None,
        holidays_as_strike: Vec::new(),
    }
}

/// Each record of a dispute (the dispute, parties, claims, timeline entries, rates, ballots,
/// their steps and questions, periods of action and participation) is refused through another
/// dispute and another branch, for reads and writes, and is left as it was.
pub async fn dispute_records_are_refused_elsewhere(store: Arc<dyn Store>) {
    let mut branches = Vec::new();
    for slug in ["scope-a", "scope-b"] {
        let b = store
            .setup_branch(&slug.parse().unwrap(), "S", Division::EnglandAndWales)
            .await
            .unwrap();
        branches.push(b.id);
    }
    let (a, b) = (branches[0], branches[1]);
    let one = create_dispute(&*store, a, &new_dispute()).await.unwrap().id;
    let two = create_dispute(&*store, a, &new_dispute()).await.unwrap().id;
    let theirs = create_dispute(&*store, b, &new_dispute()).await.unwrap().id;

    let p = unit!(store, |w| w.add_party(a, one, &party())).unwrap();
    let c = unit!(store, |w| w.add_claim(a, one, &claim())).unwrap();
    let e = unit!(store, |w| w.add_event(a, one, &entry())).unwrap();
    let r = unit!(store, |w| w.add_rate(a, one, "contacts", 1000)).unwrap();
    let bal = unit!(store, |w| w.create_ballot(a, one, &ballot()))
        .unwrap()
        .id;
    let q = unit!(store, |w| w.add_question(a, one, bal, "Safe?", "No", 8100)).unwrap();
    let step = store.steps(a, one, bal).await.unwrap()[0].id;
    let ap = unit!(store, |w| w.create_action_period(a, one, &period(None)))
        .unwrap()
        .id;
    let rec = unit!(store, |w| w
        .record_participation(a, one, ap, None, 12, None))
    .unwrap();
    let theirs_ballot = unit!(store, |w| w.create_ballot(b, theirs, &ballot()))
        .unwrap()
        .id;

    // The branch-level lookups see only the branch's own ballots and steps.
    missing("ballot_dispute", store.ballot_dispute(b, bal).await);
    missing("step_dispute", store.step_dispute(b, step).await);

    let result = BallotResult {
        cast: 15,
        yes: 15,
        no: 0,
        spoiled: 0,
    };
    let wrong: [(&str, BranchId, DisputeId); 3] = [
        ("another dispute", a, two),
        ("another branch", b, one),
        ("another branch's dispute", b, theirs),
    ];
    for (place, br, dis) in wrong {
        let at = |what: &str| format!("{what} through {place}");
        // Reads.
        if br != a {
            missing(&at("dispute"), store.dispute(br, one).await.map(|_| ()));
            missing(
                &at("dispute edit"),
                unit!(store, |w| w.update_dispute(br, one, &new_dispute())),
            );
        }
        assert!(
            store.parties(br, dis).await.unwrap().is_empty(),
            "{}",
            at("parties")
        );
        assert!(
            store.claims(br, dis).await.unwrap().is_empty(),
            "{}",
            at("claims")
        );
        assert!(
            store.timeline(br, dis, false).await.unwrap().is_empty(),
            "{}",
            at("timeline")
        );
        assert!(
            store.rates(br, dis).await.unwrap().is_empty(),
            "{}",
            at("rates")
        );
        assert!(
            store
                .ballots(br, dis)
                .await
                .unwrap()
                .iter()
                .all(|x| x.id != bal),
            "{}",
            at("ballots")
        );
        missing(&at("ballot"), store.ballot(br, dis, bal).await);
        assert!(
            store.steps(br, dis, bal).await.unwrap().is_empty(),
            "{}",
            at("steps")
        );
        assert!(
            store.questions(br, dis, bal).await.unwrap().is_empty(),
            "{}",
            at("questions")
        );
        assert!(
            store.action_periods(br, dis).await.unwrap().is_empty(),
            "{}",
            at("periods")
        );
        missing(&at("period"), store.action_period(br, dis, ap).await);
        assert!(
            store.participation(br, dis).await.unwrap().is_empty(),
            "{}",
            at("participation")
        );

        // Writes through the dispute: adding to it.
        if br != a || dis != two {
            missing(
                &at("add party"),
                unit!(store, |w| w.add_party(br, one, &party())),
            );
            missing(
                &at("add claim"),
                unit!(store, |w| w.add_claim(br, one, &claim())),
            );
            missing(
                &at("add entry"),
                unit!(store, |w| w.add_event(br, one, &entry())),
            );
            missing(
                &at("add rate"),
                unit!(store, |w| w.add_rate(br, one, "x", 1)),
            );
            missing(
                &at("add ballot"),
                unit!(store, |w| w.create_ballot(br, one, &ballot())),
            );
            missing(
                &at("add period"),
                unit!(store, |w| w.create_action_period(br, one, &period(None))),
            );
        }
        // Writes to each record.
        missing(
            &at("claim status"),
            unit!(store, |w| w.set_claim_status(
                br,
                dis,
                c,
                ClaimStatus::Accepted
            )),
        );
        missing(
            &at("entry edit"),
            unit!(store, |w| w.update_event(br, dis, e, &entry())),
        );
        missing(
            &at("result"),
            unit!(store, |w| w
                .record_ballot_result(br, dis, bal, result, None)),
        );
        missing(
            &at("question"),
            unit!(store, |w| w.add_question(br, dis, bal, "q", "a", 1)),
        );
        missing(
            &at("step"),
            unit!(store, |w| w.mark_step(br, dis, step, Some(d("2023-07-20")))),
        );
        missing(
            &at("holidays"),
            unit!(store, |w| w.set_period_holidays(
                br,
                dis,
                ap,
                &[d("2024-05-27")]
            )),
        );
        missing(
            &at("party edit"),
            unit!(store, |w| w.update_party(br, dis, p, &party())),
        );
        missing(
            &at("party delete"),
            unit!(store, |w| w.delete_party(br, dis, p)),
        );
        missing(
            &at("claim edit"),
            unit!(store, |w| w.update_claim(br, dis, c, &claim())),
        );
        missing(
            &at("claim delete"),
            unit!(store, |w| w.delete_claim(br, dis, c)),
        );
        missing(
            &at("entry delete"),
            unit!(store, |w| w.delete_event(br, dis, e)),
        );
        missing(
            &at("rate edit"),
            unit!(store, |w| w.update_rate(br, dis, r, "x", 1)),
        );
        missing(
            &at("rate delete"),
            unit!(store, |w| w.delete_rate(br, dis, r)),
        );
        missing(
            &at("ballot edit"),
            unit!(store, |w| w.update_ballot(br, dis, bal, &ballot())),
        );
        missing(
            &at("ballot delete"),
            unit!(store, |w| w.delete_ballot(br, dis, bal)),
        );
        missing(
            &at("question delete"),
            unit!(store, |w| w.delete_question(br, dis, q)),
        );
        missing(
            &at("period edit"),
            unit!(store, |w| w.update_period(br, dis, ap, &period(None))),
        );
        missing(
            &at("period delete"),
            unit!(store, |w| w.delete_period(br, dis, ap)),
        );
        missing(
            &at("participation"),
            unit!(store, |w| w
                .record_participation(br, dis, ap, None, 1, None)),
        );
        missing(
            &at("participation delete"),
            unit!(store, |w| w.delete_participation(br, dis, rec)),
        );
    }
    // A period may not name another dispute's ballot, on creation or edit.
    missing(
        "their ballot",
        unit!(store, |w| w.create_action_period(
            a,
            one,
            &period(Some(theirs_ballot))
        )),
    );
    missing(
        "their ballot",
        unit!(store, |w| w.update_period(
            a,
            one,
            ap,
            &period(Some(theirs_ballot))
        )),
    );

    // Everything is as it was.
    assert_eq!(store.parties(a, one).await.unwrap()[0].name, "A. Person");
    assert_eq!(
        store.claims(a, one).await.unwrap()[0].status,
        ClaimStatus::Tabled
    );
    assert_eq!(store.timeline(a, one, false).await.unwrap().len(), 1);
    assert_eq!(store.rates(a, one).await.unwrap()[0].label, "contacts");
    let kept = store.ballot(a, one, bal).await.unwrap();
    assert_eq!((kept.title.as_str(), kept.result), ("Strike ballot", None));
    assert_eq!(store.steps(a, one, bal).await.unwrap()[0].done, None);
    assert_eq!(store.questions(a, one, bal).await.unwrap()[0].id, q);
    let kept = store.action_period(a, one, ap).await.unwrap();
    assert!(kept.holidays_as_strike.is_empty());
    assert_eq!(store.participation(a, one).await.unwrap()[0].id, rec);
    assert_eq!(store.ballot_dispute(a, bal).await.unwrap(), one);
    assert_eq!(store.step_dispute(a, step).await.unwrap(), one);
    assert_eq!(store.dispute(a, one).await.unwrap().title, "Pay");
    assert!(store.parties(a, two).await.unwrap().is_empty());
}
