//! Contract tests for the correspondence log.

use crate::contract::disputes::{create_dispute, unit};
use crate::contract::Setup;
use crate::disputes::NewDispute;
use crate::prelude::*;
use crate::StoreError;
use chrono::{NaiveDate, Utc};
use picket_domain::correspondence::{LetterInput, LetterStatus, NewLetter, ShownStatus};
use picket_domain::disputes::DisputeStatus;
use picket_domain::{Division, Nation};
use std::sync::Arc;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A letter sent by registered post on 3 May 2024, for tests.
pub fn letter(counterpart: &str, reply_by: Option<NaiveDate>) -> NewLetter {
    NewLetter::parse(&LetterInput {
        direction: "sent",
        counterpart,
        subject: "Unsafe caseloads",
        channel: "registered-post",
        sent_on: Some(day(2024, 5, 3)),
        proof: "AB123456789GB",
        reply_by,
        status: "",
        notes: "",
    })
    .expect("valid letter")
}

fn new_dispute() -> NewDispute {
    NewDispute {
        title: "Caseloads".into(),
        employer: "A council".into(),
        nation: Nation::England,
        status: DisputeStatus::InAction,
        summary: String::new(),
    }
}

/// Letters are kept per dispute; the overdue list is what awaits a reply past its date; a
/// reminder is marked once (again only after the reply-by date changes); a letter goes on the
/// public timeline once; another dispute or branch finds and changes nothing.
pub async fn letters_are_logged_and_reminded_once(store: Arc<dyn Store>) {
    let branch = store
        .setup_branch(
            &"letters-a".parse().unwrap(),
            "A",
            Division::EnglandAndWales,
        )
        .await
        .unwrap()
        .id;
    let stranger = store
        .setup_branch(
            &"letters-b".parse().unwrap(),
            "B",
            Division::EnglandAndWales,
        )
        .await
        .unwrap()
        .id;
    let dispute = create_dispute(&*store, branch, &new_dispute())
        .await
        .unwrap()
        .id;
    let other = create_dispute(&*store, branch, &new_dispute())
        .await
        .unwrap()
        .id;

    let regulator = unit!(store, |w| w.add_letter(
        branch,
        dispute,
        &letter("Care Quality Commission", Some(day(2024, 5, 31)))
    ))
    .unwrap();
    let agency = unit!(store, |w| w.add_letter(
        branch,
        dispute,
        &letter("Swift Staffing Ltd", Some(day(2024, 6, 14)))
    ))
    .unwrap();
    let no_reply = unit!(store, |w| w.add_letter(
        branch,
        dispute,
        &letter("The Mayor", None)
    ))
    .unwrap();
    let r = unit!(store, |w| w.add_letter(
        stranger,
        dispute,
        &letter("X", None)
    ));
    assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");

    assert_eq!(store.letters(branch, dispute).await.unwrap().len(), 3);
    assert!(store.letters(branch, other).await.unwrap().is_empty());
    assert!(matches!(
        store.letter(branch, other, regulator).await,
        Err(StoreError::NotFound)
    ));
    let got = store.letter(branch, dispute, regulator).await.unwrap();
    assert_eq!(
        got.letter,
        letter("Care Quality Commission", Some(day(2024, 5, 31)))
    );
    assert_eq!(got.shown_status(day(2024, 6, 1)), ShownStatus::Overdue);

    let overdue = |d| {
        let store = store.clone();
        async move {
            store
                .overdue_letters(branch, d)
                .await
                .unwrap()
                .iter()
                .map(|l| l.id)
                .collect::<Vec<_>>()
        }
    };
    assert!(
        overdue(day(2024, 5, 31)).await.is_empty(),
        "due on the day is not yet overdue"
    );
    assert_eq!(overdue(day(2024, 6, 1)).await, [regulator]);
    assert_eq!(overdue(day(2024, 7, 1)).await, [regulator, agency]);
    assert!(store
        .overdue_letters(stranger, day(2024, 7, 1))
        .await
        .unwrap()
        .is_empty());

    let to_remind = |d| {
        let store = store.clone();
        async move {
            store
                .letters_to_remind(d)
                .await
                .unwrap()
                .iter()
                .map(|l| l.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(to_remind(day(2024, 6, 1)).await, [regulator]);
    let now = Utc::now();
    assert!(unit!(store, |w| w.mark_reminded(branch, regulator, now)).unwrap());
    assert!(
        !unit!(store, |w| w.mark_reminded(branch, regulator, now)).unwrap(),
        "once"
    );
    assert!(!unit!(store, |w| w.mark_reminded(stranger, agency, now)).unwrap());
    assert!(to_remind(day(2024, 6, 1)).await.is_empty());
    // A new reply-by date is a new deadline: the organisers will be told again when it passes.
    unit!(store, |w| w.update_letter(
        branch,
        dispute,
        regulator,
        &letter("Care Quality Commission", Some(day(2024, 6, 10)))
    ))
    .unwrap();
    assert!(to_remind(day(2024, 6, 5)).await.is_empty());
    assert_eq!(to_remind(day(2024, 6, 11)).await, [regulator]);

    let r = unit!(store, |w| w.set_letter_status(
        branch,
        other,
        agency,
        LetterStatus::Answered
    ));
    assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
    unit!(store, |w| w.set_letter_status(
        branch,
        dispute,
        agency,
        LetterStatus::RefusedAtReception
    ))
    .unwrap();
    let got = store.letter(branch, dispute, agency).await.unwrap();
    assert_eq!(
        got.shown_status(day(2024, 7, 1)),
        ShownStatus::Recorded(LetterStatus::RefusedAtReception)
    );
    assert_eq!(overdue(day(2024, 7, 1)).await, [regulator]);

    let r = unit!(store, |w| w.put_letter_on_timeline(branch, other, no_reply));
    assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
    let entry = unit!(store, |w| w
        .put_letter_on_timeline(branch, dispute, no_reply))
    .unwrap();
    assert_eq!(
        unit!(store, |w| w
            .put_letter_on_timeline(branch, dispute, no_reply))
        .unwrap(),
        entry
    );
    let public = store.timeline(branch, dispute, true).await.unwrap();
    assert_eq!(public.len(), 1);
    assert_eq!(public[0].id, entry);
    assert_eq!(public[0].title, "Letter to The Mayor: Unsafe caseloads");
    assert_eq!(public[0].dated, day(2024, 5, 3));
    assert_eq!(
        store
            .letter(branch, dispute, no_reply)
            .await
            .unwrap()
            .timeline_entry,
        Some(entry)
    );
}
