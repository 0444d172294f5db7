//! The desk's timed work against a real store: campaign letters reach their targets through
//! the outbox (Reply-To the supporter, the hourly limit held, each signature once), digests
//! once a day, and organisers told once of an overdue reply.

use chrono::{Duration, NaiveDate, Utc};
use picket_domain::eactions::{NewTarget, Signer};
use picket_domain::Role;
use picket_jobs::eactions::{deliver, remind_overdue};
use picket_jobs::{OutboxWorker, WorkerConfig};
use picket_mail::MemoryMailer;
use picket_store::contract::eactions::{campaign, signer, with_campaign};
use picket_store::contract::Setup;
use picket_store::eactions::{NewSignature, SignOutcome};
use picket_store::prelude::*;
use picket_test_support::test_db;
use std::sync::Arc;

fn worker(store: Arc<dyn Store>, mailer: Arc<MemoryMailer>) -> OutboxWorker {
    OutboxWorker::new(
        store,
        mailer,
        WorkerConfig {
            worker_id: "test".into(),
            base_backoff: std::time::Duration::ZERO,
            ..WorkerConfig::default()
        },
    )
}

async fn sign(store: &dyn Store, signature: NewSignature) {
    let mut w = store.begin().await.unwrap();
    let out = w.sign_batch(&[signature]).await.unwrap();
    assert!(matches!(out[0], Ok(SignOutcome::Signed { .. })), "{out:?}");
    w.commit().await.unwrap();
}

#[tokio::test]
async fn letters_go_to_each_target_once_within_the_hourly_limit() {
    let db = test_db().await;
    let store = db.dyn_store();
    let mailer = Arc::new(MemoryMailer::new());
    let new = campaign("each-signature", 2, false);
    let (branch, dispute, eaction) = with_campaign(&*store, "letters", &new).await;
    let target = NewTarget::parse(
        "Dr Jo Bloggs",
        "Chief Executive",
        "ceo@council.example",
        new.delivery,
    )
    .unwrap();
    let mut w = store.begin().await.unwrap();
    w.add_target(branch, dispute, eaction, &target)
        .await
        .unwrap();
    w.commit().await.unwrap();
    let aicha = Signer::parse(
        "Aïcha O'Brien",
        "aicha@example.org",
        "sw1a 1aa",
        "Fund the service.",
        500,
    )
    .unwrap();
    for s in [aicha, signer(2), signer(3)] {
        sign(
            &*store,
            NewSignature {
                branch,
                dispute,
                eaction,
                signer: s,
                consent: None,
                confirmation: None,
            },
        )
        .await;
    }

    let now = Utc::now();
    assert_eq!(deliver(&*store, now).await.unwrap().letters, 2);
    assert_eq!(
        deliver(&*store, now).await.unwrap().letters,
        0,
        "the hour's two are used"
    );
    let worker = worker(store.clone(), mailer.clone());
    assert_eq!(worker.run_once().await.unwrap().sent, 2);
    let sent = mailer.take();
    assert_eq!(sent[0].to, "Dr Jo Bloggs <ceo@council.example>");
    assert_eq!(
        sent[0].reply_to.as_deref(),
        Some("Aïcha O'Brien <aicha@example.org>")
    );
    assert_eq!(sent[0].subject, "Settle the dispute");
    assert_eq!(
        sent[0].text,
        "Dear Chief Executive,\n\nFund the service.\n\nAïcha O'Brien, SW1A 1AA"
    );
    assert_eq!(
        sent[1].reply_to.as_deref(),
        Some("Supporter 2 <supporter2@example.org>")
    );

    assert_eq!(
        deliver(&*store, now + Duration::hours(2))
            .await
            .unwrap()
            .letters,
        1
    );
    assert_eq!(
        deliver(&*store, now + Duration::hours(4))
            .await
            .unwrap()
            .letters,
        0,
        "each signature once"
    );
    worker.run_once().await.unwrap();
    assert_eq!(mailer.take().len(), 1);
    assert_eq!(store.outbox_counts().await.unwrap().sent, 3);
}

#[tokio::test]
async fn a_worker_that_dies_while_sending_a_letter_never_sends_it_again() {
    let db = test_db().await;
    let store = db.dyn_store();
    let new = campaign("each-signature", 10, false);
    let (branch, dispute, eaction) = with_campaign(&*store, "dies", &new).await;
    let target = NewTarget::parse("Dr Jo Bloggs", "", "ceo@council.example", new.delivery).unwrap();
    let mut w = store.begin().await.unwrap();
    w.add_target(branch, dispute, eaction, &target)
        .await
        .unwrap();
    w.commit().await.unwrap();
    sign(
        &*store,
        NewSignature {
            branch,
            dispute,
            eaction,
            signer: signer(1),
            consent: None,
            confirmation: None,
        },
    )
    .await;
    assert_eq!(deliver(&*store, Utc::now()).await.unwrap().letters, 1);

    // A worker claims the letter, says it is sending, and dies before it can say it sent.
    let now = Utc::now();
    let jobs = store
        .claim_jobs("dying", now, now + Duration::seconds(1), 10)
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);
    assert!(jobs[0].send_once);
    assert!(store.start_sending(jobs[0].id, "dying", now).await.unwrap());
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;

    let mailer = Arc::new(MemoryMailer::new());
    let stats = worker(store.clone(), mailer.clone())
        .run_once()
        .await
        .unwrap();
    assert_eq!(stats.claimed, 0);
    assert!(mailer.sent().is_empty(), "no second copy");
    assert_eq!(store.outbox_counts().await.unwrap().failed, 1);
    assert_eq!(
        deliver(&*store, Utc::now()).await.unwrap().letters,
        0,
        "and not queued again"
    );
}

#[tokio::test]
async fn a_digest_goes_once_a_day_without_addresses() {
    let db = test_db().await;
    let store = db.dyn_store();
    let mailer = Arc::new(MemoryMailer::new());
    let new = campaign("daily-digest", 0, false);
    let (branch, dispute, eaction) = with_campaign(&*store, "digest", &new).await;
    let target = NewTarget::parse("Dr Jo Bloggs", "", "ceo@council.example", new.delivery).unwrap();
    let mut w = store.begin().await.unwrap();
    w.add_target(branch, dispute, eaction, &target)
        .await
        .unwrap();
    w.commit().await.unwrap();
    for n in 1..=2 {
        sign(
            &*store,
            NewSignature {
                branch,
                dispute,
                eaction,
                signer: signer(n),
                consent: None,
                confirmation: None,
            },
        )
        .await;
    }
    let now = Utc::now();
    assert_eq!(deliver(&*store, now).await.unwrap().digests, 1);
    assert_eq!(deliver(&*store, now).await.unwrap().digests, 0);
    worker(store.clone(), mailer.clone())
        .run_once()
        .await
        .unwrap();
    let sent = mailer.take();
    assert_eq!(sent.len(), 1);
    let day = picket_domain::eactions::long_date(now.date_naive());
    assert_eq!(
        sent[0].subject,
        format!("Settle the dispute (2 people, {day})")
    );
    assert!(
        sent[0]
            .text
            .contains("- Supporter 1, M1 1AE\n- Supporter 2, M1 1AE\n"),
        "{}",
        sent[0].text
    );
    assert!(
        !sent[0].text.contains("@example.org"),
        "no supporter's address in a digest"
    );
    assert!(!sent[0].text.contains("{name}"));
    assert_eq!(sent[0].reply_to, None);
}

#[tokio::test]
async fn organisers_are_told_once_when_a_reply_is_overdue() {
    let db = test_db().await;
    let store = db.dyn_store();
    let (branch, dispute, _) =
        with_campaign(&*store, "overdue", &campaign("count-only", 0, false)).await;
    for (email, role) in [
        ("organiser@branch.example", Role::Organiser),
        ("rep@branch.example", Role::Rep),
    ] {
        store
            .setup_branch_user(&email.parse().unwrap(), "Someone", None, branch, role)
            .await
            .unwrap();
    }
    let letter = picket_store::contract::correspondence::letter(
        "Care Quality Commission",
        NaiveDate::from_ymd_opt(2024, 5, 31),
    );
    let mut w = store.begin().await.unwrap();
    w.add_letter(branch, dispute, &letter).await.unwrap();
    w.commit().await.unwrap();

    let now = Utc::now();
    assert_eq!(remind_overdue(&*store, now).await.unwrap(), 1);
    assert_eq!(remind_overdue(&*store, now).await.unwrap(), 0, "once");
    let mailer = Arc::new(MemoryMailer::new());
    worker(store.clone(), mailer.clone())
        .run_once()
        .await
        .unwrap();
    let sent = mailer.take();
    assert_eq!(sent.len(), 1, "organisers only");
    assert_eq!(sent[0].to, "Someone <organiser@branch.example>");
    assert_eq!(sent[0].subject, "No reply yet from Care Quality Commission");
    assert!(
        sent[0].text.contains("on 3 May 2024") && sent[0].text.contains("by 31 May 2024"),
        "{}",
        sent[0].text
    );
}

#[tokio::test]
async fn retention_forgets_signers_of_a_closed_campaign_and_delivery_skips_them() {
    let db = test_db().await;
    let store = db.dyn_store();
    let new = campaign("each-signature", 10, false);
    let (branch, dispute, eaction) = with_campaign(&*store, "retained", &new).await;
    let target = NewTarget::parse("Dr Jo Bloggs", "", "ceo@council.example", new.delivery).unwrap();
    let mut w = store.begin().await.unwrap();
    w.add_target(branch, dispute, eaction, &target)
        .await
        .unwrap();
    w.commit().await.unwrap();
    for (n, consent) in [(1, None), (2, Some("Keep me in touch.".to_string()))] {
        sign(
            &*store,
            NewSignature {
                branch,
                dispute,
                eaction,
                signer: signer(n),
                consent,
                confirmation: None,
            },
        )
        .await;
    }
    let mut w = store.begin().await.unwrap();
    w.set_eaction_open(branch, dispute, eaction, false)
        .await
        .unwrap();
    w.commit().await.unwrap();

    let policy = picket_jobs::retention::default_policy();
    let supporters = |outcomes: &[picket_jobs::retention::KindOutcome]| {
        outcomes
            .iter()
            .find(|o| o.rule.kind == "supporters")
            .and_then(|o| o.count)
    };
    let soon = picket_jobs::retention::run_retention(&*store, &policy, Utc::now(), false)
        .await
        .unwrap();
    assert_eq!(supporters(&soon), Some(0), "closed today: kept");
    let later = Utc::now() + Duration::days(181);
    let done = picket_jobs::retention::run_retention(&*store, &policy, later, false)
        .await
        .unwrap();
    assert_eq!(
        supporters(&done),
        Some(1),
        "the one who agreed to contact stays"
    );
    assert_eq!(
        store
            .signature_counts(branch, dispute, eaction)
            .await
            .unwrap()
            .confirmed,
        2,
        "the count holds"
    );

    // The letters not yet sent go for those whose details remain, and the pass does not fail.
    assert_eq!(deliver(&*store, Utc::now()).await.unwrap().letters, 1);
    let mailer = Arc::new(MemoryMailer::new());
    worker(store.clone(), mailer.clone())
        .run_once()
        .await
        .unwrap();
    let sent = mailer.take();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].reply_to.as_deref(),
        Some("Supporter 2 <supporter2@example.org>")
    );
}
