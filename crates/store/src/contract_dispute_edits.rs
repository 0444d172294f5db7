//! Contract tests for editing and deleting a dispute's records, and for participation records.

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
use picket_domain::{BranchId, Division, Nation};
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
        entitled: 19,
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

fn period(ballot_id: Option<i64>, starts: &str, ends: &str) -> NewActionPeriod {
    NewActionPeriod {
        ballot_id,
        kind: ActionKind::Strike,
        starts: d(starts),
        ends: d(ends),
        teams: "All teams".into(),
        called_out: 20,
        notice_received: None,
        holidays_as_strike: Vec::new(),
    }
}

async fn setup(store: &Arc<dyn Store>, slug: &str) -> (BranchId, i64) {
    let b = store
        .create_branch(&slug.parse().unwrap(), "E", Division::EnglandAndWales)
        .await
        .unwrap();
    let dispute = store
        .create_dispute(
            b.id,
            &NewDispute {
                title: "Pay".into(),
                employer: "A council".into(),
                nation: Nation::England,
                status: DisputeStatus::InAction,
                summary: String::new(),
            },
        )
        .await
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

    let p = store.add_party(b, id, &party("A. Person")).await.unwrap();
    let mut changed = party("B. Person");
    changed.kind = PartyKind::Team;
    changed.email = None;
    changed.headcount = Some(12);
    store.update_party(b, id, p, &changed).await.unwrap();
    let parties = store.parties(b, id).await.unwrap();
    assert_eq!(
        (
            parties[0].name.as_str(),
            parties[0].headcount,
            parties[0].email.clone()
        ),
        ("B. Person", Some(12), None)
    );
    store.delete_party(b, id, p).await.unwrap();
    assert!(store.parties(b, id).await.unwrap().is_empty());
    assert!(missing(store.delete_party(b, id, p).await), "gone");

    let claim = NewClaim {
        kind: ClaimKind::Claim,
        dated: d("2023-03-01"),
        summary: "Retention payment".into(),
        status: ClaimStatus::Tabled,
    };
    let c = store.add_claim(b, id, &claim).await.unwrap();
    let offer = NewClaim {
        kind: ClaimKind::Offer,
        dated: d("2024-05-17"),
        summary: "5%".into(),
        status: ClaimStatus::Rejected,
    };
    store.update_claim(b, id, c, &offer).await.unwrap();
    let claims = store.claims(b, id).await.unwrap();
    assert_eq!(
        (claims[0].kind, claims[0].dated, claims[0].status),
        (ClaimKind::Offer, d("2024-05-17"), ClaimStatus::Rejected)
    );
    store.delete_claim(b, id, c).await.unwrap();
    assert!(store.claims(b, id).await.unwrap().is_empty());

    let e = store
        .add_event(
            b,
            id,
            &NewTimelineEvent {
                dated: d("2023-05-18"),
                kind: EventKind::Note,
                title: "t".into(),
                outcome: String::new(),
                public: false,
            },
        )
        .await
        .unwrap();
    store.delete_event(b, id, e).await.unwrap();
    assert!(store.timeline(b, id, false).await.unwrap().is_empty());

    let r = store.add_rate(b, id, "contacts", 1000).await.unwrap();
    store.update_rate(b, id, r, "visits", 250).await.unwrap();
    let rates = store.rates(b, id).await.unwrap();
    assert_eq!(
        (rates[0].label.as_str(), rates[0].per_worker_day_hundredths),
        ("visits", 250)
    );
    store.delete_rate(b, id, r).await.unwrap();
    assert!(store.rates(b, id).await.unwrap().is_empty());

    let made = store
        .create_ballot(
            b,
            id,
            &ballot("Strike ballot", &["Notice of ballot", "Sample paper"]),
        )
        .await
        .unwrap();
    let steps = store.steps(b, made.id).await.unwrap();
    store
        .mark_step(b, steps[0].id, Some(d("2023-07-20")))
        .await
        .unwrap();
    let mut edit = ballot("Re-ballot", &["Notice of ballot", "Scrutineer"]);
    edit.closed = d("2023-09-01");
    edit.result = Some(BallotResult {
        cast: 15,
        yes: 15,
        no: 0,
        spoiled: 0,
    });
    let edited = store.update_ballot(b, id, made.id, &edit).await.unwrap();
    assert_eq!(edited.title, "Re-ballot");
    assert_eq!(edited.closed, d("2023-09-01"));
    assert_eq!(edited.result.map(|r| r.yes), Some(15));
    let steps = store.steps(b, made.id).await.unwrap();
    let names: Vec<(&str, Option<NaiveDate>)> =
        steps.iter().map(|s| (s.name.as_str(), s.done)).collect();
    assert_eq!(
        names,
        vec![
            ("Notice of ballot", Some(d("2023-07-20"))),
            ("Scrutineer", None)
        ]
    );
    let q = store
        .add_question(b, made.id, "Considered leaving?", "Yes", 10000)
        .await
        .unwrap();
    store.delete_question(b, id, q).await.unwrap();
    assert!(store.questions(b, made.id).await.unwrap().is_empty());

    let ap = store
        .create_action_period(b, id, &period(Some(made.id), "2024-05-13", "2024-05-17"))
        .await
        .unwrap();
    let mut longer = period(Some(made.id), "2024-05-13", "2024-06-01");
    longer.called_out = 18;
    longer.holidays_as_strike = vec![d("2024-05-27")];
    let got = store.update_period(b, id, ap.id, &longer).await.unwrap();
    assert_eq!(
        (got.ends, got.called_out, got.holidays_as_strike.clone()),
        (d("2024-06-01"), 18, vec![d("2024-05-27")])
    );
    store.delete_ballot(b, id, made.id).await.unwrap();
    assert!(store.ballots(b, id).await.unwrap().is_empty());
    assert_eq!(
        store.action_periods(b, id).await.unwrap()[0].ballot_id,
        None,
        "the period no longer names the deleted ballot"
    );
    store.delete_period(b, id, ap.id).await.unwrap();
    assert!(store.action_periods(b, id).await.unwrap().is_empty());
}

/// Edits and deletes name the dispute and the branch: a record of another dispute or branch
/// is not found and stays as it was.
pub async fn dispute_edits_are_scoped(store: Arc<dyn Store>) {
    let (b, id) = setup(&store, "edit-b").await;
    let (other, other_dispute) = setup(&store, "edit-c").await;
    let p = store.add_party(b, id, &party("A. Person")).await.unwrap();
    let r = store.add_rate(b, id, "contacts", 1000).await.unwrap();
    let made = store
        .create_ballot(b, id, &ballot("B", &["x"]))
        .await
        .unwrap();
    let ap = store
        .create_action_period(b, id, &period(None, "2024-05-13", "2024-05-17"))
        .await
        .unwrap();
    for (branch, dispute) in [(other, id), (b, other_dispute), (other, other_dispute)] {
        assert!(missing(
            store.update_party(branch, dispute, p, &party("X")).await
        ));
        assert!(missing(store.delete_party(branch, dispute, p).await));
        assert!(missing(store.update_rate(branch, dispute, r, "x", 1).await));
        assert!(missing(store.delete_rate(branch, dispute, r).await));
        assert!(missing(
            store
                .update_ballot(branch, dispute, made.id, &ballot("X", &[]))
                .await
        ));
        assert!(missing(store.delete_ballot(branch, dispute, made.id).await));
        assert!(missing(
            store
                .update_period(
                    branch,
                    dispute,
                    ap.id,
                    &period(None, "2024-05-13", "2024-05-14")
                )
                .await
        ));
        assert!(missing(store.delete_period(branch, dispute, ap.id).await));
        assert!(missing(
            store
                .record_participation(branch, dispute, ap.id, None, 3, None)
                .await
        ));
    }
    // A period may not name another dispute's ballot.
    let theirs = store
        .create_ballot(other, other_dispute, &ballot("Theirs", &[]))
        .await
        .unwrap();
    assert!(missing(
        store
            .update_period(
                b,
                id,
                ap.id,
                &period(Some(theirs.id), "2024-05-13", "2024-05-17")
            )
            .await
    ));
    assert_eq!(store.parties(b, id).await.unwrap()[0].name, "A. Person");
    assert_eq!(store.steps(b, made.id).await.unwrap().len(), 1);
    assert_eq!(
        store.action_periods(b, id).await.unwrap()[0].ends,
        d("2024-05-17")
    );
}

/// Participation is kept per period and day (or for the whole period); a new count for the
/// same day replaces the old; shortening or deleting a period drops records it no longer has.
pub async fn participation_is_recorded_per_day_or_period(store: Arc<dyn Store>) {
    let (b, id) = setup(&store, "edit-d").await;
    let ap = store
        .create_action_period(b, id, &period(None, "2024-05-13", "2024-05-17"))
        .await
        .unwrap();
    store
        .record_participation(b, id, ap.id, None, 18, None)
        .await
        .unwrap();
    store
        .record_participation(b, id, ap.id, Some(d("2024-05-16")), 17, None)
        .await
        .unwrap();
    let replaced = store
        .record_participation(b, id, ap.id, Some(d("2024-05-16")), 16, None)
        .await
        .unwrap();
    store
        .record_participation(b, id, ap.id, None, 19, None)
        .await
        .unwrap();
    let all = store.participation(b, id).await.unwrap();
    let got: Vec<(Option<NaiveDate>, u32)> = all.iter().map(|p| (p.day, p.took_part)).collect();
    assert_eq!(got, vec![(None, 19), (Some(d("2024-05-16")), 16)]);
    assert_eq!(all[1].id, replaced);

    // Shortening the period drops the daily record outside it, not the whole-period one.
    store
        .update_period(b, id, ap.id, &period(None, "2024-05-13", "2024-05-15"))
        .await
        .unwrap();
    assert_eq!(store.participation(b, id).await.unwrap().len(), 1);
    let one = store.participation(b, id).await.unwrap()[0].id;
    assert!(missing(store.delete_participation(b, id + 1000, one).await));
    store.delete_participation(b, id, one).await.unwrap();
    assert!(store.participation(b, id).await.unwrap().is_empty());

    store
        .record_participation(b, id, ap.id, Some(d("2024-05-14")), 5, None)
        .await
        .unwrap();
    store.delete_period(b, id, ap.id).await.unwrap();
    assert!(store.participation(b, id).await.unwrap().is_empty());
}
