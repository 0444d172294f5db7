//! Contract tests for editing and deleting a dispute's records, and for participation records.

use crate::contract::disputes::unit;
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
use picket_domain::{BallotId, BranchId, DisputeId, Division, Nation};
use std::sync::Arc;

fn d(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

fn party(name: &str) -> NewParty {
    NewParty {
        kind: PartyKind::DecisionMaker,
        name: name.into(),
        detail: "Chief Executive".into(),
        email: Some("ce@example.org".into()),
        address: None,
        headcount: None,
    }
}

fn ballot(title: &str, steps: &[&str]) -> NewBallot {
    NewBallot {
        kind: BallotKind::Statutory,
        title: title.into(),
        opened: d("2023-08-01"),
        closed: d("2023-08-31"),
        entitled: Some(HandFigure::new(19, "members not yet imported")),
        ips: None,
        welsh_devolved: false,
        extension_agreed: false,
        result: None,
        result_to_employer: None,
        steps: steps
            .iter()
            .map(|s| NewStep {
                name: (*s).into(),
                due: Some(d("2023-07-25")),
                provision: "s.226A".into(),
            })
            .collect(),
    }
}

fn period(ballot_id: Option<BallotId>, starts: &str, ends: &str) -> NewActionPeriod {
    NewActionPeriod {
        ballot_id,
        kind: ActionKind::Strike,
        starts: d(starts),
        ends: d(ends),
        teams: "All teams".into(),
        called_out: Some(HandFigure::new(20, "members not yet imported")),
        notice_received: None,
        holidays_as_strike: Vec::new(),
    }
}

async fn setup(store: &Arc<dyn Store>, slug: &str) -> (BranchId, DisputeId) {
    let b = store
        .setup_branch(&slug.parse().unwrap(), "E", Division::EnglandAndWales)
        .await
        .unwrap();
    let dispute = unit!(store, |w| w.create_dispute(
        b.id,
        &NewDispute {
            title: "Pay".into(),
            employer: "A council".into(),
            nation: Nation::England,
            status: DisputeStatus::InAction,
            summary: String::new(),
        },
    ))
    .unwrap();
    (b.id, dispute.id)
}

fn missing<T: std::fmt::Debug>(r: Result<T, StoreError>) -> bool {
    matches!(r, Err(StoreError::NotFound))
}

/// Parties, claims, timeline entries, rates, ballots, questions and periods can be edited and
/// deleted; a ballot's edit keeps its done steps by name; deleting a ballot frees its periods.
pub async fn dispute_records_are_edited_and_deleted(store: Arc<dyn Store>) {
    let (b, id) = setup(&store, "edit-a").await;

    let p = unit!(store, |w| w.add_party(b, id, &party("A. Person"))).unwrap();
    let mut changed = party("B. Person");
    changed.email = None;
    changed.headcount = Some(12);
    unit!(store, |w| w.update_party(b, id, p, &changed)).unwrap();
    let parties = store.parties(b, id).await.unwrap();
    assert_eq!(
        (
            parties[0].name.as_str(),
            parties[0].headcount,
            parties[0].email.clone()
        ),
        ("B. Person", Some(12), None)
    );
    unit!(store, |w| w.delete_party(b, id, p)).unwrap();
    assert!(store.parties(b, id).await.unwrap().is_empty());
    assert!(missing(unit!(store, |w| w.delete_party(b, id, p))), "gone");

    let claim = NewClaim {
        kind: ClaimKind::Claim,
        dated: d("2023-03-01"),
        summary: "Retention payment".into(),
        status: ClaimStatus::Tabled,
    };
    let c = unit!(store, |w| w.add_claim(b, id, &claim)).unwrap();
    let offer = NewClaim {
        kind: ClaimKind::Offer,
        dated: d("2024-05-17"),
        summary: "5%".into(),
        status: ClaimStatus::Rejected,
    };
    unit!(store, |w| w.update_claim(b, id, c, &offer)).unwrap();
    let claims = store.claims(b, id).await.unwrap();
    assert_eq!(
        (claims[0].kind, claims[0].dated, claims[0].status),
        (ClaimKind::Offer, d("2024-05-17"), ClaimStatus::Rejected)
    );
    unit!(store, |w| w.delete_claim(b, id, c)).unwrap();
    assert!(store.claims(b, id).await.unwrap().is_empty());

    let e = unit!(store, |w| w.add_event(
        b,
        id,
        &NewTimelineEvent {
            dated: d("2023-05-18"),
            kind: EventKind::Note,
            title: "t".into(),
            outcome: String::new(),
            public: false,
        },
    ))
    .unwrap();
    unit!(store, |w| w.delete_event(b, id, e)).unwrap();
    assert!(store.timeline(b, id, false).await.unwrap().is_empty());

    let r = unit!(store, |w| w.add_rate(b, id, "contacts", 1000)).unwrap();
    unit!(store, |w| w.update_rate(b, id, r, "visits", 250)).unwrap();
    let rates = store.rates(b, id).await.unwrap();
    assert_eq!(
        (rates[0].label.as_str(), rates[0].per_worker_day_hundredths),
        ("visits", 250)
    );
    unit!(store, |w| w.delete_rate(b, id, r)).unwrap();
    assert!(store.rates(b, id).await.unwrap().is_empty());

    let made = unit!(store, |w| w.create_ballot(
        b,
        id,
        &ballot("Strike ballot", &["Notice of ballot", "Sample paper"]),
    ))
    .unwrap();
    let steps = store.steps(b, id, made.id).await.unwrap();
    unit!(store, |w| w.mark_step(
        b,
        id,
        steps[0].id,
        Some(d("2023-07-20"))
    ))
    .unwrap();
    let mut edit = ballot("Re-ballot", &["Notice of ballot", "Scrutineer"]);
    edit.closed = d("2023-09-01");
    edit.result = Some(BallotResult {
        cast: 15,
        yes: 15,
        no: 0,
        spoiled: 0,
    });
    let edited = unit!(store, |w| w.update_ballot(b, id, made.id, &edit)).unwrap();
    assert_eq!(edited.title, "Re-ballot");
    assert_eq!(edited.closed, d("2023-09-01"));
    assert_eq!(edited.result.map(|r| r.yes), Some(15));
    let steps = store.steps(b, id, made.id).await.unwrap();
    let names: Vec<(&str, Option<NaiveDate>)> =
        steps.iter().map(|s| (s.name.as_str(), s.done)).collect();
    assert_eq!(
        names,
        vec![
            ("Notice of ballot", Some(d("2023-07-20"))),
            ("Scrutineer", None)
        ]
    );
    let q = unit!(store, |w| w.add_question(
        b,
        id,
        made.id,
        "Considered leaving?",
        "Yes",
        10000
    ))
    .unwrap();
    unit!(store, |w| w.delete_question(b, id, q)).unwrap();
    assert!(store.questions(b, id, made.id).await.unwrap().is_empty());

    let ap = unit!(store, |w| w.create_action_period(
        b,
        id,
        &period(Some(made.id), "2024-05-13", "2024-05-17")
    ))
    .unwrap();
    let mut longer = period(Some(made.id), "2024-05-13", "2024-06-01");
    longer.called_out = Some(HandFigure::new(18, "members not yet imported"));
    longer.holidays_as_strike = vec![d("2024-05-27")];
    let got = unit!(store, |w| w.update_period(b, id, ap.id, &longer)).unwrap();
    assert_eq!(
        (got.ends, got.called_out, got.holidays_as_strike.clone()),
        (d("2024-06-01"), 18, vec![d("2024-05-27")])
    );
    unit!(store, |w| w.delete_ballot(b, id, made.id)).unwrap();
    assert!(store.ballots(b, id).await.unwrap().is_empty());
    assert_eq!(
        store.action_periods(b, id).await.unwrap()[0].ballot_id,
        None,
        "the period no longer names the deleted ballot"
    );
    unit!(store, |w| w.delete_period(b, id, ap.id)).unwrap();
    assert!(store.action_periods(b, id).await.unwrap().is_empty());
}

/// Edits and deletes name the dispute and the branch: a record of another dispute or branch
/// is not found and stays as it was.
pub async fn dispute_edits_are_scoped(store: Arc<dyn Store>) {
    let (b, id) = setup(&store, "edit-b").await;
    let (other, other_dispute) = setup(&store, "edit-c").await;
    let p = unit!(store, |w| w.add_party(b, id, &party("A. Person"))).unwrap();
    let r = unit!(store, |w| w.add_rate(b, id, "contacts", 1000)).unwrap();
    let made = unit!(store, |w| w.create_ballot(b, id, &ballot("B", &["x"]))).unwrap();
    let ap = unit!(store, |w| w.create_action_period(
        b,
        id,
        &period(None, "2024-05-13", "2024-05-17")
    ))
    .unwrap();
    for (branch, dispute) in [(other, id), (b, other_dispute), (other, other_dispute)] {
        assert!(missing(unit!(store, |w| w.update_party(
            branch,
            dispute,
            p,
            &party("X")
        ))));
        assert!(missing(unit!(store, |w| w.delete_party(branch, dispute, p))));
        assert!(missing(
            unit!(store, |w| w.update_rate(branch, dispute, r, "x", 1))
        ));
        assert!(missing(unit!(store, |w| w.delete_rate(branch, dispute, r))));
        assert!(missing(unit!(store, |w| w.update_ballot(
            branch,
            dispute,
            made.id,
            &ballot("X", &[])
        ))));
        assert!(missing(
            unit!(store, |w| w.delete_ballot(branch, dispute, made.id))
        ));
        assert!(missing(unit!(store, |w| w.update_period(
            branch,
            dispute,
            ap.id,
            &period(None, "2024-05-13", "2024-05-14")
        ))));
        assert!(missing(
            unit!(store, |w| w.delete_period(branch, dispute, ap.id))
        ));
        assert!(missing(unit!(store, |w| w
            .record_participation(branch, dispute, ap.id, None, 3, None))));
    }
    // A period may not name another dispute's ballot.
    let theirs = unit!(store, |w| w.create_ballot(
        other,
        other_dispute,
        &ballot("Theirs", &[])
    ))
    .unwrap();
    assert!(missing(unit!(store, |w| w.update_period(
        b,
        id,
        ap.id,
        &period(Some(theirs.id), "2024-05-13", "2024-05-17")
    ))));
    assert_eq!(store.parties(b, id).await.unwrap()[0].name, "A. Person");
    assert_eq!(store.steps(b, id, made.id).await.unwrap().len(), 1);
    assert_eq!(
        store.action_periods(b, id).await.unwrap()[0].ends,
        d("2024-05-17")
    );
}

/// Participation is kept per period and day (or for the whole period); a new count for the
/// same day replaces the old; shortening or deleting a period drops records it no longer has.
pub async fn participation_is_recorded_per_day_or_period(store: Arc<dyn Store>) {
    let (b, id) = setup(&store, "edit-d").await;
    let ap = unit!(store, |w| w.create_action_period(
        b,
        id,
        &period(None, "2024-05-13", "2024-05-17")
    ))
    .unwrap();
    unit!(store, |w| w
        .record_participation(b, id, ap.id, None, 18, None))
    .unwrap();
    unit!(store, |w| w.record_participation(
        b,
        id,
        ap.id,
        Some(d("2024-05-16")),
        17,
        None
    ))
    .unwrap();
    let replaced = unit!(store, |w| w.record_participation(
        b,
        id,
        ap.id,
        Some(d("2024-05-16")),
        16,
        None
    ))
    .unwrap();
    unit!(store, |w| w
        .record_participation(b, id, ap.id, None, 19, None))
    .unwrap();
    let all = store.participation(b, id).await.unwrap();
    let got: Vec<(Option<NaiveDate>, u32)> = all.iter().map(|p| (p.day, p.took_part)).collect();
    assert_eq!(got, vec![(None, 19), (Some(d("2024-05-16")), 16)]);
    assert_eq!(all[1].id, replaced);

    // Shortening the period drops the daily record outside it, not the whole-period one.
    unit!(store, |w| w.update_period(
        b,
        id,
        ap.id,
        &period(None, "2024-05-13", "2024-05-15")
    ))
    .unwrap();
    assert_eq!(store.participation(b, id).await.unwrap().len(), 1);
    let one = store.participation(b, id).await.unwrap()[0].id;
    assert!(missing(unit!(store, |w| w.delete_participation(
        b,
        DisputeId(id.0 + 1000),
        one
    ))));
    unit!(store, |w| w.delete_participation(b, id, one)).unwrap();
    assert!(store.participation(b, id).await.unwrap().is_empty());

    unit!(store, |w| w.record_participation(
        b,
        id,
        ap.id,
        Some(d("2024-05-14")),
        5,
        None
    ))
    .unwrap();
    unit!(store, |w| w.delete_period(b, id, ap.id)).unwrap();
    assert!(store.participation(b, id).await.unwrap().is_empty());
}
