//! Contract tests for picket sites and shifts.

use crate::contract::disputes::{create_dispute, unit};
use crate::contract::member_writes::create_member;
use crate::contract::Setup;
use crate::disputes::NewDispute;
use crate::prelude::*;
use crate::shifts::{NewShift, SignUp, SignUpOutcome, SignupStatus, Who};
use crate::StoreError;
use chrono::{Duration, NaiveDate, NaiveTime, Utc};
use picket_domain::disputes::DisputeStatus;
use picket_domain::members::MemberDetails;
use picket_domain::pickets::shifts::ShiftTimes;
use picket_domain::pickets::signups::{Place, SignUpRefusal, Supporter};
use picket_domain::pickets::sites::SiteDetails;
use picket_domain::pickets::PicketPlace;
use picket_domain::{BranchId, DisputeId, Division, Nation, PicketEntranceId, PicketShiftId};
use std::sync::Arc;

pub(crate) fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("test time")
}

/// A day far enough ahead that its shifts have not started.
pub(crate) fn ahead(days: i64) -> NaiveDate {
    Utc::now().date_naive() + Duration::days(days)
}

pub(crate) fn shift_at(entrance: PicketEntranceId, day: NaiveDate, capacity: u32) -> NewShift {
    NewShift {
        entrance,
        times: ShiftTimes {
            day,
            starts: t(8, 0),
            ends: t(12, 30),
        },
        capacity,
        open_to_supporters: true,
        notes: "Bring a flask".into(),
    }
}

/// A branch, a dispute and a site with two entrances, for shift tests.
pub(crate) async fn picket_line(
    store: &dyn Store,
    slug: &str,
) -> (BranchId, DisputeId, Vec<PicketEntranceId>) {
    let b = store
        .setup_branch(&slug.parse().unwrap(), "Branch", Division::EnglandAndWales)
        .await
        .unwrap();
    let dispute = create_dispute(
        store,
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
    .unwrap()
    .id;
    let site =
        SiteDetails::parse("Civic Centre", "1 High St", "", "", &["Front", "Car park"]).unwrap();
    let id = unit!(store, |w| w.add_picket_site(b.id, dispute, &site)).unwrap();
    let sites = store.picket_sites(b.id, dispute).await.unwrap();
    let site = sites.iter().find(|s| s.id == id).unwrap();
    (b.id, dispute, site.entrances.iter().map(|e| e.id).collect())
}

async fn add_one(
    store: &dyn Store,
    branch: BranchId,
    dispute: DisputeId,
    new: NewShift,
) -> PicketShiftId {
    let ids = unit!(store, |w| w.add_picket_shifts(branch, dispute, &[new]))
        .unwrap()
        .unwrap();
    ids[0]
}

async fn sign(
    store: &dyn Store,
    branch: BranchId,
    dispute: DisputeId,
    request: SignUp<'_>,
) -> SignUpOutcome {
    unit!(store, |w| w.sign_up(branch, dispute, &request)).unwrap()
}

/// Sites keep their entrances; old-style locations are sites with one entrance; shifts are
/// refused when they overlap at an entrance, and all of a batch or none is stored.
pub async fn picket_sites_and_shifts_are_kept_per_dispute(store: Arc<dyn Store>) {
    let (branch, dispute, doors) = picket_line(&*store, "shifts-a").await;
    let (other, theirs, _) = picket_line(&*store, "shifts-b").await;
    // A location added the old way is a site with one entrance.
    let place = PicketPlace::parse("Depot", "", "7am to 10am", "").unwrap();
    let depot = unit!(store, |w| w.add_picket_location(branch, dispute, &place)).unwrap();
    let sites = store.picket_sites(branch, dispute).await.unwrap();
    assert_eq!(sites.len(), 2);
    let depot_site = sites.iter().find(|s| s.id == depot).unwrap();
    assert_eq!(depot_site.details.entrances, ["Main entrance"]);
    assert_eq!(depot_site.details.place.times, "7am to 10am");
    assert_eq!(sites[0].details.entrances, ["Front", "Car park"]);
    assert!(store.picket_sites(other, dispute).await.unwrap().is_empty());

    let day = ahead(10);
    let batch = [
        shift_at(doors[0], day, 6),
        shift_at(doors[1], day, 6),
        shift_at(doors[0], day + Duration::days(1), 6),
    ];
    let ids = unit!(store, |w| w.add_picket_shifts(branch, dispute, &batch))
        .unwrap()
        .unwrap();
    assert_eq!(ids.len(), 3);
    // An overlapping shift at the same entrance, in a batch: refused, nothing of it stored.
    let mut late = shift_at(doors[0], day, 6);
    late.times.starts = t(12, 0);
    late.times.ends = t(14, 0);
    let fine = shift_at(doors[1], day + Duration::days(2), 6);
    let refused: Result<_, StoreError> = async {
        let mut w = store.begin().await?;
        let out = w
            .add_picket_shifts(branch, dispute, &[fine.clone(), late.clone()])
            .await?;
        if out.is_ok() {
            w.commit().await?;
        }
        Ok(out)
    }
    .await;
    let err = refused.unwrap().unwrap_err();
    assert!(
        err.message
            .contains("overlaps another at the same entrance"),
        "{err}"
    );
    assert_eq!(
        store
            .picket_shifts(branch, dispute, None, None)
            .await
            .unwrap()
            .len(),
        3
    );
    // Touching ends are fine; capacity 0 and an end before the start are refused.
    let mut after = shift_at(doors[0], day, 6);
    after.times.starts = t(12, 30);
    after.times.ends = t(15, 0);
    add_one(&*store, branch, dispute, after).await;
    let zero = unit!(store, |w| w.add_picket_shifts(
        branch,
        dispute,
        &[shift_at(doors[1], ahead(20), 0)]
    ))
    .unwrap()
    .unwrap_err();
    assert_eq!(zero.field, "capacity");
    let mut backwards = shift_at(doors[1], ahead(20), 6);
    backwards.times.ends = t(7, 0);
    let err = unit!(store, |w| w.add_picket_shifts(
        branch,
        dispute,
        &[backwards.clone()]
    ))
    .unwrap()
    .unwrap_err();
    assert_eq!(err.field, "ends");
    // Another branch's dispute, or another dispute's entrance: not found.
    assert!(matches!(
        unit!(store, |w| w.add_picket_shifts(
            other,
            dispute,
            &[shift_at(doors[0], ahead(30), 6)]
        )),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        unit!(store, |w| w.add_picket_shifts(
            branch,
            theirs,
            &[shift_at(doors[0], ahead(30), 6)]
        )),
        Err(StoreError::NotFound)
    ));

    let listed = store
        .picket_shifts(branch, dispute, Some(day), Some(day))
        .await
        .unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[0].site_name, "Civic Centre");
    assert_eq!(listed[0].entrance_name, "Front");
    assert_eq!((listed[0].capacity, listed[0].taken), (6, 0));
    assert_eq!(listed[0].notes, "Bring a flask");
    assert!(listed[0].starts_at < listed[0].ends_at);
    assert!(matches!(
        store.picket_shift(other, dispute, ids[0]).await,
        Err(StoreError::NotFound)
    ));

    // Moving onto another shift's time is refused; elsewhere it moves.
    let mut onto = ShiftTimes {
        day,
        starts: t(9, 0),
        ends: t(10, 0),
    };
    let refused = unit!(store, |w| w
        .move_picket_shift(branch, dispute, ids[2], None, onto))
    .unwrap()
    .unwrap_err();
    assert!(refused.message.contains("overlaps"), "{refused}");
    onto.day = day + Duration::days(5);
    unit!(store, |w| w
        .move_picket_shift(branch, dispute, ids[2], None, onto))
    .unwrap()
    .unwrap();
    assert_eq!(
        store
            .picket_shift(branch, dispute, ids[2])
            .await
            .unwrap()
            .times,
        onto
    );

    // An entrance with shifts cannot be dropped from the site; a new one can be added.
    let keep_one = SiteDetails::parse("Civic Centre", "1 High St", "", "", &["Front"]).unwrap();
    assert!(matches!(
        unit!(store, |w| w.update_picket_site(
            branch,
            dispute,
            sites[0].id,
            &keep_one
        )),
        Err(StoreError::Conflict(_))
    ));
    let more = SiteDetails::parse(
        "Civic Centre",
        "1 High St",
        "",
        "Toilets in the library",
        &["front", "Car park", "Side gate"],
    )
    .unwrap();
    unit!(store, |w| w.update_picket_site(
        branch,
        dispute,
        sites[0].id,
        &more
    ))
    .unwrap();
    let site = store.picket_sites(branch, dispute).await.unwrap().remove(0);
    assert_eq!(site.details.entrances, ["front", "Car park", "Side gate"]);
    assert_eq!(site.entrances[0].id, doors[0]);
    assert_eq!(site.details.notes, "Toilets in the library");
    assert!(matches!(
        unit!(store, |w| w.update_picket_site(
            other,
            dispute,
            sites[0].id,
            &more
        )),
        Err(StoreError::NotFound)
    ));

    // A supervisor is a member of the branch; another branch's member is not found.
    let ana = create_member(
        &*store,
        branch,
        &MemberDetails::new("S1".parse().unwrap(), "Ana"),
        None,
    )
    .await
    .unwrap();
    let stranger = create_member(
        &*store,
        other,
        &MemberDetails::new("S1".parse().unwrap(), "Bo"),
        None,
    )
    .await
    .unwrap();
    unit!(store, |w| w.set_shift_supervisor(
        branch,
        dispute,
        ids[0],
        Some(ana.id)
    ))
    .unwrap();
    assert_eq!(
        store
            .picket_shift(branch, dispute, ids[0])
            .await
            .unwrap()
            .supervisor,
        Some(ana.id)
    );
    assert!(matches!(
        unit!(store, |w| w.set_shift_supervisor(
            branch,
            dispute,
            ids[0],
            Some(stranger.id)
        )),
        Err(StoreError::NotFound)
    ));
    unit!(store, |w| w
        .set_shift_supervisor(branch, dispute, ids[0], None))
    .unwrap();
    assert_eq!(
        store
            .picket_shift(branch, dispute, ids[0])
            .await
            .unwrap()
            .supervisor,
        None
    );
}

/// Members and supporters sign up; duplicates, started, cancelled and full shifts are refused;
/// a cancelled place passes to the waiting list in the same unit; attendance adds up.
pub async fn shift_sign_ups_respect_capacity_and_the_waiting_list(store: Arc<dyn Store>) {
    let (branch, dispute, doors) = picket_line(&*store, "signups-a").await;
    let (other, _, _) = picket_line(&*store, "signups-b").await;
    let day = ahead(3);
    let shift = add_one(&*store, branch, dispute, shift_at(doors[0], day, 2)).await;
    let ana = create_member(
        &*store,
        branch,
        &MemberDetails::new("A1".parse().unwrap(), "Ana"),
        None,
    )
    .await
    .unwrap();
    let stranger = create_member(
        &*store,
        other,
        &MemberDetails::new("A1".parse().unwrap(), "Bo"),
        None,
    )
    .await
    .unwrap();
    let now = Utc::now();
    let req = |who| SignUp {
        shift,
        who,
        waiting_list: false,
        now,
    };
    // The read before the write: nothing refuses Ana yet.
    assert_eq!(
        store
            .sign_up_refusal(branch, dispute, &req(Who::Member(ana.id)))
            .await
            .unwrap(),
        None
    );
    let first = sign(&*store, branch, dispute, req(Who::Member(ana.id))).await;
    let SignUpOutcome::Done {
        id: ana_place,
        place: Place::Taken,
    } = first
    else {
        panic!("{first:?}");
    };
    assert_eq!(
        sign(&*store, branch, dispute, req(Who::Member(ana.id))).await,
        SignUpOutcome::Refused {
            reason: SignUpRefusal::Duplicate
        }
    );
    assert!(matches!(
        unit!(store, |w| w.sign_up(
            branch,
            dispute,
            &req(Who::Member(stranger.id))
        )),
        Err(StoreError::NotFound)
    ));
    let sam = Supporter::parse("Sam", "sam@example.org", "").unwrap();
    let SignUpOutcome::Done {
        place: Place::Taken,
        ..
    } = sign(&*store, branch, dispute, req(Who::Supporter(&sam))).await
    else {
        panic!("Sam gets the last place");
    };
    let sam_again = Supporter::parse("Samuel", "SAM@example.org", "").unwrap();
    assert_eq!(
        sign(&*store, branch, dispute, req(Who::Supporter(&sam_again))).await,
        SignUpOutcome::Refused {
            reason: SignUpRefusal::Duplicate
        }
    );
    let kim = Supporter::parse("Kim", "", "07700 900123").unwrap();
    // The reads give the refusals the write would, without it: a second sign-up, a full
    // shift; the waiting list is left to the write.
    let refusal = |r| {
        let store = store.clone();
        async move { store.sign_up_refusal(branch, dispute, &r).await.unwrap() }
    };
    assert_eq!(
        refusal(req(Who::Supporter(&sam_again))).await,
        Some(SignUpRefusal::Duplicate)
    );
    assert_eq!(
        refusal(req(Who::Supporter(&kim))).await,
        Some(SignUpRefusal::Full)
    );
    assert_eq!(
        refusal(SignUp {
            waiting_list: true,
            ..req(Who::Supporter(&kim))
        })
        .await,
        None
    );
    assert_eq!(
        sign(&*store, branch, dispute, req(Who::Supporter(&kim))).await,
        SignUpOutcome::Refused {
            reason: SignUpRefusal::Full
        }
    );
    let waiting = sign(
        &*store,
        branch,
        dispute,
        SignUp {
            waiting_list: true,
            ..req(Who::Supporter(&kim))
        },
    )
    .await;
    let SignUpOutcome::Done {
        id: kim_place,
        place: Place::Waiting,
    } = waiting
    else {
        panic!("{waiting:?}");
    };
    let counted = store.picket_shift(branch, dispute, shift).await.unwrap();
    assert_eq!((counted.taken, counted.waiting), (2, 1));
    // After the start, no sign-ups.
    let later = SignUp {
        now: counted.starts_at,
        ..req(Who::Supporter(&kim))
    };
    assert_eq!(
        store
            .sign_up_refusal(branch, dispute, &later)
            .await
            .unwrap(),
        Some(SignUpRefusal::Started)
    );
    assert_eq!(
        sign(&*store, branch, dispute, later).await,
        SignUpOutcome::Refused {
            reason: SignUpRefusal::Started
        }
    );

    // Someone else cannot cancel Ana's place; Ana can, and Kim moves up in the same unit.
    assert!(matches!(
        unit!(store, |w| w.cancel_signup(
            branch,
            dispute,
            ana_place,
            Some(stranger.id),
            now
        )),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        unit!(store, |w| w
            .cancel_signup(other, dispute, ana_place, None, now)),
        Err(StoreError::NotFound)
    ));
    let cancelled = unit!(store, |w| w.cancel_signup(
        branch,
        dispute,
        ana_place,
        Some(ana.id),
        now
    ))
    .unwrap();
    let promoted = cancelled.promoted.expect("Kim moves up");
    assert_eq!(
        (promoted.id, promoted.status),
        (kim_place, SignupStatus::Taken)
    );
    assert_eq!(promoted.phone.as_deref(), Some("07700 900123"));
    assert!(matches!(
        unit!(store, |w| w
            .cancel_signup(branch, dispute, ana_place, None, now)),
        Err(StoreError::NotFound)
    ));
    let (b, d, by_link) = store.signup_for_link(kim_place).await.unwrap();
    assert_eq!((b, d, by_link.name.as_str()), (branch, dispute, "Kim"));
    // Ana can sign up again after cancelling (the waiting list, as the shift is full).
    let again = sign(
        &*store,
        branch,
        dispute,
        SignUp {
            waiting_list: true,
            ..req(Who::Member(ana.id))
        },
    )
    .await;
    assert!(
        matches!(
            again,
            SignUpOutcome::Done {
                place: Place::Waiting,
                ..
            }
        ),
        "{again:?}"
    );
    assert_eq!(
        store
            .member_shifts(branch, ana.id, day)
            .await
            .unwrap()
            .len(),
        1
    );

    // On the day: present, and a walk-up.
    let places = store.shift_signups(branch, dispute, shift).await.unwrap();
    let names: Vec<_> = places.iter().map(|p| (p.name.as_str(), p.status)).collect();
    assert_eq!(
        names,
        [
            ("Sam", SignupStatus::Taken),
            ("Kim", SignupStatus::Taken),
            ("Ana", SignupStatus::Waiting)
        ]
    );
    unit!(store, |w| w.mark_present(
        branch,
        dispute,
        places[0].id,
        true,
        now
    ))
    .unwrap();
    assert!(matches!(
        unit!(store, |w| w.mark_present(
            branch,
            dispute,
            places[2].id,
            true,
            now
        )),
        Err(StoreError::NotFound)
    ));
    let walk = unit!(store, |w| w.add_walk_up(branch, dispute, shift, "Lee", now)).unwrap();
    assert!(matches!(
        unit!(store, |w| w.add_walk_up(other, dispute, shift, "Lee", now)),
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .picket_signup(branch, dispute, walk)
            .await
            .unwrap()
            .status,
        SignupStatus::WalkUp
    );
    let seen = store.picket_attendance(branch, dispute).await.unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (
            seen[0].day,
            seen[0].shifts,
            seen[0].places,
            seen[0].signed_up,
            seen[0].present,
            seen[0].walk_ups
        ),
        (day, 1, 2, 2, 1, 1)
    );

    // The reminder list has everyone with a place and an email address.
    let due = store.reminders_due(day).await.unwrap();
    let mine: Vec<_> = due.iter().filter(|r| r.branch_id == branch).collect();
    assert_eq!(mine.len(), 1, "Sam has an email address; Kim a phone only");
    assert_eq!(mine[0].signup.email.as_deref(), Some("sam@example.org"));
    assert_eq!(mine[0].dispute_title, "Pay");

    // A cancelled shift takes no sign-ups and returns those on it, for the email.
    let told = unit!(store, |w| w
        .cancel_picket_shift(branch, dispute, shift, now))
    .unwrap();
    assert_eq!(told.len(), 3);
    assert_eq!(
        sign(&*store, branch, dispute, req(Who::Supporter(&sam_again))).await,
        SignUpOutcome::Refused {
            reason: SignUpRefusal::Cancelled
        }
    );
    assert!(store
        .reminders_due(day)
        .await
        .unwrap()
        .iter()
        .all(|r| r.branch_id != branch));
    // Members-only shifts refuse supporters.
    let mut closed = shift_at(doors[1], day, 6);
    closed.open_to_supporters = false;
    let closed = add_one(&*store, branch, dispute, closed).await;
    assert_eq!(
        sign(
            &*store,
            branch,
            dispute,
            SignUp {
                shift: closed,
                ..req(Who::Supporter(&sam))
            }
        )
        .await,
        SignUpOutcome::Refused {
            reason: SignUpRefusal::MembersOnly
        }
    );

    // A member's calendar key moves on when reset.
    assert_eq!(store.feed_generation(branch, ana.id).await.unwrap(), 0);
    assert_eq!(
        unit!(store, |w| w.reset_feed_key(branch, ana.id)).unwrap(),
        1
    );
    assert_eq!(
        unit!(store, |w| w.reset_feed_key(branch, ana.id)).unwrap(),
        2
    );
    assert_eq!(store.feed_generation(branch, ana.id).await.unwrap(), 2);
    assert!(matches!(
        unit!(store, |w| w.reset_feed_key(other, ana.id)),
        Err(StoreError::NotFound)
    ));
}

/// Hundreds of concurrent sign-ups for a shift of 6 take exactly 6 places; the rest are told
/// it is full, or join the waiting list when they asked to.
pub async fn shift_capacity_holds_under_concurrent_sign_ups(store: Arc<dyn Store>) {
    let (branch, dispute, doors) = picket_line(&*store, "burst").await;
    let shift = add_one(&*store, branch, dispute, shift_at(doors[0], ahead(2), 6)).await;
    let mut tasks = Vec::new();
    for i in 0..300 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let who = Supporter::parse(&format!("Supporter {i}"), &format!("s{i}@example.org"), "")
                .unwrap();
            let request = SignUp {
                shift,
                who: Who::Supporter(&who),
                waiting_list: i % 2 == 0,
                now: Utc::now(),
            };
            unit!(store, |w| w.sign_up(branch, dispute, &request)).unwrap()
        }));
    }
    let (mut taken, mut waiting, mut full) = (0, 0, 0);
    for task in tasks {
        match task.await.unwrap() {
            SignUpOutcome::Done {
                place: Place::Taken,
                ..
            } => taken += 1,
            SignUpOutcome::Done {
                place: Place::Waiting,
                ..
            } => waiting += 1,
            SignUpOutcome::Refused {
                reason: SignUpRefusal::Full,
            } => full += 1,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(taken, 6);
    assert_eq!(taken + waiting + full, 300);
    let stored = store.picket_shift(branch, dispute, shift).await.unwrap();
    assert_eq!((stored.taken, stored.waiting), (6, waiting));
}
