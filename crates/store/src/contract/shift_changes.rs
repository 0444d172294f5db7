//! Contract tests for changing a shift after people signed up: its capacity (the waiting list
//! moves up, never below the places taken, also under concurrent sign-ups), a move to another
//! entrance, and retention forgetting supporters' contact details once the shift is long past.

use crate::contract::disputes::unit;
use crate::contract::retention::apply;
use crate::contract::shifts::{ahead, picket_line, shift_at, t};
use crate::prelude::*;
use crate::retention::rule_named;
use crate::shifts::{SignUp, SignUpOutcome, SignupStatus, Who};
use crate::StoreError;
use chrono::{Duration, Utc};
use picket_domain::pickets::shifts::ShiftTimes;
use picket_domain::pickets::signups::{Place, Supporter};
use picket_domain::{BranchId, DisputeId, PicketShiftId};
use std::sync::Arc;

async fn supporter(
    store: &dyn Store,
    branch: BranchId,
    dispute: DisputeId,
    shift: PicketShiftId,
    i: usize,
) -> SignUpOutcome {
    let who =
        Supporter::parse(&format!("Supporter {i}"), &format!("s{i}@example.org"), "").unwrap();
    let request = SignUp {
        shift,
        who: Who::Supporter(&who),
        waiting_list: true,
        now: Utc::now(),
    };
    unit!(store, |w| w.sign_up(branch, dispute, &request)).unwrap()
}

/// Raising a capacity moves the first on the waiting list up, in the order they joined, to
/// fill the new places; lowering it below the places taken (or to 0) is refused and changes
/// nothing; through another branch or dispute it is not found.
pub async fn shift_capacity_changes_move_up_the_waiting_list(store: Arc<dyn Store>) {
    let (branch, dispute, doors) = picket_line(&*store, "capacity").await;
    let (other, _, _) = picket_line(&*store, "capacity-b").await;
    let shift = unit!(store, |w| w.add_picket_shifts(
        branch,
        dispute,
        &[shift_at(doors[0], ahead(4), 2)]
    ))
    .unwrap()
    .unwrap()[0];
    for i in 0..6 {
        supporter(&*store, branch, dispute, shift, i).await;
    }
    let stored = store.picket_shift(branch, dispute, shift).await.unwrap();
    assert_eq!((stored.taken, stored.waiting), (2, 4));

    let refused = unit!(store, |w| w.set_shift_capacity(
        branch,
        dispute,
        shift,
        1,
        Utc::now()
    ))
    .unwrap()
    .unwrap_err();
    assert_eq!(refused.field, "capacity");
    assert!(
        refused.message.contains("2 people already have a place"),
        "{refused}"
    );
    assert!(unit!(store, |w| w.set_shift_capacity(
        branch,
        dispute,
        shift,
        0,
        Utc::now()
    ))
    .unwrap()
    .is_err());
    assert!(matches!(
        unit!(store, |w| w.set_shift_capacity(
            other,
            dispute,
            shift,
            9,
            Utc::now()
        )),
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .picket_shift(branch, dispute, shift)
            .await
            .unwrap()
            .capacity,
        2,
        "refusals change nothing"
    );

    let promoted = unit!(store, |w| w.set_shift_capacity(
        branch,
        dispute,
        shift,
        4,
        Utc::now()
    ))
    .unwrap()
    .unwrap();
    let names: Vec<&str> = promoted.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["Supporter 2", "Supporter 3"],
        "first come, first served"
    );
    assert!(promoted.iter().all(|p| p.status == SignupStatus::Taken));
    assert_eq!(promoted[0].email.as_deref(), Some("s2@example.org"));
    let stored = store.picket_shift(branch, dispute, shift).await.unwrap();
    assert_eq!((stored.capacity, stored.taken, stored.waiting), (4, 4, 2));

    // More places than people waiting: all move up, the rest stay free.
    let promoted = unit!(store, |w| w.set_shift_capacity(
        branch,
        dispute,
        shift,
        10,
        Utc::now()
    ))
    .unwrap()
    .unwrap();
    assert_eq!(promoted.len(), 2);
    let stored = store.picket_shift(branch, dispute, shift).await.unwrap();
    assert_eq!((stored.capacity, stored.taken, stored.waiting), (10, 6, 0));
    // Lowered to exactly the places taken: allowed, nobody moves.
    assert!(unit!(store, |w| w.set_shift_capacity(
        branch,
        dispute,
        shift,
        6,
        Utc::now()
    ))
    .unwrap()
    .unwrap()
    .is_empty());
}

/// Capacity raised while sign-ups arrive: nobody is ever over capacity, and nobody waits while
/// a place is free.
pub async fn shift_capacity_changes_hold_under_concurrent_sign_ups(store: Arc<dyn Store>) {
    let (branch, dispute, doors) = picket_line(&*store, "capacity-burst").await;
    let shift = unit!(store, |w| w.add_picket_shifts(
        branch,
        dispute,
        &[shift_at(doors[0], ahead(3), 2)]
    ))
    .unwrap()
    .unwrap()[0];
    let mut tasks = Vec::new();
    for i in 0..120 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            if i % 20 == 10 {
                let capacity = 2 + u32::try_from(i / 20).unwrap() * 4;
                let changed = unit!(store, |w| w.set_shift_capacity(
                    branch,
                    dispute,
                    shift,
                    capacity,
                    Utc::now()
                ))
                .unwrap();
                // A raise that came after more places were taken may be refused; never an error.
                drop(changed);
            } else {
                match supporter(&*store, branch, dispute, shift, i).await {
                    SignUpOutcome::Done { .. } => {}
                    other => panic!("{other:?}"),
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let stored = store.picket_shift(branch, dispute, shift).await.unwrap();
    assert!(stored.taken <= stored.capacity, "{stored:?}");
    assert!(
        stored.waiting == 0 || stored.taken == stored.capacity,
        "nobody waits while a place is free: {stored:?}"
    );
    assert_eq!(stored.taken + stored.waiting, 114);
    let places = store.shift_signups(branch, dispute, shift).await.unwrap();
    let taken = places
        .iter()
        .filter(|p| p.status == SignupStatus::Taken)
        .count();
    assert_eq!(u32::try_from(taken).unwrap(), stored.taken);
}

/// A shift moves to another entrance of the dispute (and its site), refused onto an overlap
/// there or onto an entrance of another dispute.
pub async fn shifts_move_to_another_entrance(store: Arc<dyn Store>) {
    let (branch, dispute, doors) = picket_line(&*store, "moves").await;
    let (_, _, their_doors) = picket_line(&*store, "moves-b").await;
    let day = ahead(6);
    let ids = unit!(store, |w| w.add_picket_shifts(
        branch,
        dispute,
        &[shift_at(doors[0], day, 4), shift_at(doors[1], day, 4)]
    ))
    .unwrap()
    .unwrap();
    supporter(&*store, branch, dispute, ids[0], 1).await;
    let later = ShiftTimes::new(day, t(13, 0), t(15, 0)).unwrap();
    let refused = unit!(store, |w| w.move_picket_shift(
        branch,
        dispute,
        ids[0],
        Some(doors[1]),
        ShiftTimes::new(day, t(9, 0), t(10, 0)).unwrap()
    ))
    .unwrap()
    .unwrap_err();
    assert!(refused.message.contains("overlaps"), "{refused}");
    let refused = unit!(store, |w| w.move_picket_shift(
        branch,
        dispute,
        ids[0],
        Some(their_doors[0]),
        later
    ))
    .unwrap()
    .unwrap_err();
    assert_eq!(refused.field, "entrance");
    let told = unit!(store, |w| w.move_picket_shift(
        branch,
        dispute,
        ids[0],
        Some(doors[1]),
        later
    ))
    .unwrap()
    .unwrap();
    assert_eq!(told.len(), 1, "the one signed up is told");
    let moved = store.picket_shift(branch, dispute, ids[0]).await.unwrap();
    assert_eq!((moved.entrance_id, moved.times), (doors[1], later));
    assert_eq!(moved.entrance_name, "Car park");
    assert_eq!(moved.taken, 1, "places move with the shift");
}

/// Once a shift is past the retention period, its supporters' and walk-ups' names, emails
/// and phones are cleared; members' places, the counts and presence stay.
pub async fn retention_forgets_supporters_on_past_shifts(store: Arc<dyn Store>) {
    let (branch, dispute, doors) = picket_line(&*store, "forget").await;
    let past = Utc::now().date_naive() - Duration::days(200);
    let ids = unit!(store, |w| w.add_picket_shifts(
        branch,
        dispute,
        &[shift_at(doors[0], past, 3), shift_at(doors[0], ahead(2), 3)]
    ))
    .unwrap()
    .unwrap();
    // Signed up "before" the old shift: the sign-up's own clock is the request's.
    for (i, shift) in ids.iter().enumerate() {
        let who =
            Supporter::parse(&format!("Supporter {i}"), "sam@example.org", "07700 900456").unwrap();
        let request = SignUp {
            shift: *shift,
            who: Who::Supporter(&who),
            waiting_list: false,
            now: Utc::now() - Duration::days(300),
        };
        let done = unit!(store, |w| w.sign_up(branch, dispute, &request)).unwrap();
        assert!(
            matches!(
                done,
                SignUpOutcome::Done {
                    place: Place::Taken,
                    ..
                }
            ),
            "{done:?}"
        );
    }
    unit!(store, |w| w.add_walk_up(
        branch,
        dispute,
        ids[0],
        "Jo Walker",
        Utc::now()
    ))
    .unwrap();

    let rule = rule_named("picket_supporters").expect("a retention rule for picket supporters");
    let cutoff = Utc::now() - Duration::days(90);
    assert_eq!(store.retention_due(rule, cutoff).await.unwrap(), 2);
    assert_eq!(apply(&*store, &[(rule, cutoff)]).await, vec![2]);
    assert_eq!(
        store.retention_due(rule, cutoff).await.unwrap(),
        0,
        "once only"
    );

    let old = store.shift_signups(branch, dispute, ids[0]).await.unwrap();
    assert_eq!(old.len(), 2, "the places stay, to be counted");
    assert!(old
        .iter()
        .all(|p| p.name.is_empty() && p.email.is_none() && p.phone.is_none()));
    let stored = store.picket_shift(branch, dispute, ids[0]).await.unwrap();
    assert_eq!(stored.taken, 1);
    let new = store.shift_signups(branch, dispute, ids[1]).await.unwrap();
    assert_eq!(
        new[0].email.as_deref(),
        Some("sam@example.org"),
        "a shift to come keeps them"
    );
    assert_eq!(new[0].name, "Supporter 1");
}
