//! Picket shift email: reminders the day before, once each, and the emails of a change to a
//! shift queued in the unit that makes it.

use chrono::{Duration, NaiveTime, Utc};
use picket_domain::disputes::DisputeStatus;
use picket_domain::members::MemberDetails;
use picket_domain::pickets::london;
use picket_domain::pickets::shifts::ShiftTimes;
use picket_domain::pickets::signups::Supporter;
use picket_domain::pickets::sites::SiteDetails;
use picket_domain::{BranchId, DisputeId, Division, Nation, PicketShiftId};
use picket_jobs::pickets::{
    link_secret, queue_promotion, queue_reminders, queue_shift_change, Links, ShiftChange,
    CANCEL_PURPOSE,
};
use picket_jobs::{OutboxWorker, WorkerConfig};
use picket_mail::MemoryMailer;
use picket_store::contract::Setup;
use picket_store::disputes::NewDispute;
use picket_store::prelude::*;
use picket_store::shifts::{link_token_matches, NewShift, Shift, SignUp, SignUpOutcome, Who};
use picket_test_support::test_db;
use std::sync::Arc;

async fn tomorrows_shift(store: &dyn Store) -> (BranchId, DisputeId, PicketShiftId) {
    let branch = store
        .setup_branch(
            &"remind".parse().unwrap(),
            "Branch",
            Division::EnglandAndWales,
        )
        .await
        .unwrap();
    let mut w = store.begin().await.unwrap();
    let dispute = w
        .create_dispute(
            branch.id,
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
    let site = SiteDetails::parse("Civic Centre", "1 High St", "", "", &[]).unwrap();
    let site = w.add_picket_site(branch.id, dispute, &site).await.unwrap();
    w.commit().await.unwrap();
    let entrance = store.picket_sites(branch.id, dispute).await.unwrap()[0]
        .entrances
        .iter()
        .find(|_| true)
        .map(|e| e.id)
        .unwrap();
    let _ = site;
    let tomorrow = london::to_local(Utc::now()).date() + Duration::days(1);
    let mut w = store.begin().await.unwrap();
    let ids = w
        .add_picket_shifts(
            branch.id,
            dispute,
            &[NewShift {
                entrance,
                times: ShiftTimes {
                    day: tomorrow,
                    starts: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
                    ends: NaiveTime::from_hms_opt(12, 30, 0).unwrap(),
                },
                capacity: 3,
                open_to_supporters: true,
                notes: "a flask and warm gloves".into(),
            }],
        )
        .await
        .unwrap()
        .unwrap();
    w.commit().await.unwrap();
    (branch.id, dispute, ids[0])
}

async fn sign(
    store: &dyn Store,
    branch: BranchId,
    dispute: DisputeId,
    request: SignUp<'_>,
) -> SignUpOutcome {
    let mut w = store.begin().await.unwrap();
    let out = w.sign_up(branch, dispute, &request).await.unwrap();
    w.commit().await.unwrap();
    out
}

#[tokio::test]
async fn reminders_go_once_to_everyone_with_a_place_and_changes_are_emailed_with_the_change() {
    let db = test_db().await;
    let store = db.dyn_store();
    let (branch, dispute, shift) = tomorrows_shift(&*store).await;
    let mut details = MemberDetails::new("M1".parse().unwrap(), "Ana Rees");
    details.email = Some("ana@example.org".parse().unwrap());
    let mut w = store.begin().await.unwrap();
    let ana = w.create_member(branch, &details, None).await.unwrap();
    w.commit().await.unwrap();
    let sam = Supporter::parse("Sam", "sam@example.org", "").unwrap();
    let kim = Supporter::parse("Kim", "", "07700 900123").unwrap();
    let lee = Supporter::parse("Lee", "lee@example.org", "").unwrap();
    let now = Utc::now();
    for who in [
        Who::Member(ana.id),
        Who::Supporter(&sam),
        Who::Supporter(&kim),
        Who::Supporter(&lee),
    ] {
        sign(
            &*store,
            branch,
            dispute,
            SignUp {
                shift,
                who,
                waiting_list: true,
                now,
            },
        )
        .await;
    }
    let links = Links {
        public_url: "https://picket.example/".into(),
        secret: link_secret(&*store).await.unwrap(),
    };
    assert_eq!(
        links.secret,
        link_secret(&*store).await.unwrap(),
        "made once"
    );

    // Ana and Sam have places and addresses; Kim (a place, a phone only) and Lee (waiting)
    // get no reminder. A second run queues nothing new.
    assert_eq!(queue_reminders(&*store, &links, now).await.unwrap(), 2);
    queue_reminders(&*store, &links, now).await.unwrap();
    assert_eq!(store.outbox_counts().await.unwrap().pending, 2);
    let mailer = Arc::new(MemoryMailer::new());
    let worker = OutboxWorker::new(store.clone(), mailer.clone(), WorkerConfig::default());
    worker.run_once().await.unwrap();
    let sent = mailer.take();
    assert_eq!(sent.len(), 2);
    let to_ana = sent.iter().find(|e| e.to == "ana@example.org").unwrap();
    assert!(
        to_ana
            .subject
            .starts_with("Picket tomorrow: 08:00–12:30 on "),
        "{}",
        to_ana.subject
    );
    assert!(to_ana.text.contains("Dear Ana Rees,"));
    assert!(to_ana
        .text
        .contains("Civic Centre (Main entrance), 1 High St"));
    assert!(to_ana
        .text
        .contains("What to bring: a flask and warm gloves"));
    let link = to_ana
        .text
        .lines()
        .find(|l| l.starts_with("https://picket.example/remind/pickets/places/"))
        .expect("a cancel link");
    let (path, token) = link.split_once("/cancel?token=").unwrap();
    let place: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    assert!(link_token_matches(
        &links.secret,
        CANCEL_PURPOSE,
        place,
        0,
        token
    ));

    // Sam cancels: Lee moves up, and Lee's email is queued in the same unit.
    let places = store.shift_signups(branch, dispute, shift).await.unwrap();
    let sams = places.iter().find(|p| p.name == "Sam").unwrap();
    let before = store.picket_shift(branch, dispute, shift).await.unwrap();
    let mut w = store.begin().await.unwrap();
    let cancelled = w
        .cancel_signup(branch, dispute, sams.id, None, now)
        .await
        .unwrap();
    let lee_place = cancelled.promoted.expect("Lee moves up");
    assert!(
        queue_promotion(&mut *w, &links, "remind", "Pay", &before, &lee_place)
            .await
            .unwrap()
    );
    w.commit().await.unwrap();
    worker.run_once().await.unwrap();
    let sent = mailer.take();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "lee@example.org");
    assert!(sent[0].text.contains("first on the waiting list"));

    // A move that is not committed sends nothing; a committed cancellation tells everyone
    // with an address.
    let mut w = store.begin().await.unwrap();
    let to = ShiftTimes {
        day: before.times.day + Duration::days(1),
        ..before.times
    };
    let told = w
        .move_picket_shift(branch, dispute, shift, None, to)
        .await
        .unwrap()
        .unwrap();
    let after = Shift {
        times: to,
        ..before.clone()
    };
    queue_shift_change(
        &mut *w,
        &links,
        "remind",
        "Pay",
        &before,
        &told,
        ShiftChange::Moved { to: &after },
    )
    .await
    .unwrap();
    drop(w);
    assert_eq!(store.outbox_counts().await.unwrap().pending, 0);
    let mut w = store.begin().await.unwrap();
    let told = w
        .cancel_picket_shift(branch, dispute, shift, now)
        .await
        .unwrap();
    let queued = queue_shift_change(
        &mut *w,
        &links,
        "remind",
        "Pay",
        &before,
        &told,
        ShiftChange::Cancelled,
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    assert_eq!(queued, 2, "Ana and Lee have addresses; Kim a phone only");
    worker.run_once().await.unwrap();
    let sent = mailer.take();
    assert_eq!(sent.len(), 2);
    assert!(sent
        .iter()
        .all(|e| e.subject.starts_with("Picket shift cancelled")));
    // Nobody is reminded of a cancelled shift.
    assert_eq!(queue_reminders(&*store, &links, now).await.unwrap(), 0);
}
