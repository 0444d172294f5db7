//! Campaign email through the real outbox worker and the real SMTP transport to a real SMTP
//! server process (aiosmtpd), checked as it arrives: the headers, a supporter's non-ASCII
//! name encoded as the standard says, Reply-To, the digest, retries after a 4xx reply, and a
//! connection cut mid-send that never becomes a second copy.

use crate::smtp_sink::{Received, SmtpSink};
use chrono::Utc;
use picket_domain::eactions::{NewTarget, Signer};
use picket_domain::{BranchId, DisputeId, EactionId};
use picket_jobs::eactions::deliver;
use picket_jobs::{OutboxWorker, PassStats, WorkerConfig};
use picket_mail::{SmtpMailer, SmtpSettings, SmtpTls};
use picket_store::contract::eactions::{campaign, with_campaign};
use picket_store::eactions::{NewSignature, SignOutcome};
use picket_store::prelude::*;
use picket_test_support::test_db;
use std::sync::Arc;

/// The branch's sending address, as `[mail] from` sets it.
const FROM: &str = "Eastside Care Branch <branch@union.example>";

fn smtp_worker(store: Arc<dyn Store>, sink: &SmtpSink) -> OutboxWorker {
    let settings = SmtpSettings {
        port: Some(sink.port),
        tls: SmtpTls::None,
        timeout_secs: 10,
        ..SmtpSettings::new("127.0.0.1", FROM)
    };
    OutboxWorker::new(
        store,
        Arc::new(SmtpMailer::new(&settings).expect("smtp mailer")),
        WorkerConfig {
            worker_id: "smtp-test".into(),
            base_backoff: std::time::Duration::ZERO,
            ..WorkerConfig::default()
        },
    )
}

fn sian() -> Signer {
    Signer::parse(
        "Siân Ó Dálaigh",
        "sian@example.org",
        "cf10 1aa",
        "Diolch — pay the carers.",
        500,
    )
    .unwrap()
}

/// A campaign delivering by `delivery` to one target at `target_address`, signed by Siân.
async fn signed_campaign(
    store: &dyn Store,
    name: &str,
    delivery: &str,
    target_address: &str,
) -> (BranchId, DisputeId, EactionId) {
    let new = campaign(delivery, 10, false);
    let (branch, dispute, eaction) = with_campaign(store, name, &new).await;
    let target = NewTarget::parse(
        "Dr Jo Bloggs",
        "Chief Executive",
        target_address,
        new.delivery,
    )
    .unwrap();
    let mut w = store.begin().await.unwrap();
    w.add_target(branch, dispute, eaction, &target)
        .await
        .unwrap();
    let out = w
        .sign_batch(&[NewSignature {
            branch,
            dispute,
            eaction,
            signer: sian(),
            consent: None,
            confirmation: None,
        }])
        .await
        .unwrap();
    assert!(matches!(out[0], Ok(SignOutcome::Signed { .. })), "{out:?}");
    w.commit().await.unwrap();
    (branch, dispute, eaction)
}

/// The header section of a message as it travelled: before the first blank line.
fn header_section(m: &Received) -> &str {
    m.raw.split("\r\n\r\n").next().unwrap_or_default()
}

#[tokio::test]
async fn a_letter_arrives_from_the_branch_with_reply_to_the_supporter_encoded() {
    let db = test_db().await;
    let store = db.dyn_store();
    let sink = SmtpSink::start();
    signed_campaign(
        &*store,
        "smtp-letter",
        "each-signature",
        "ceo@council.example",
    )
    .await;
    assert_eq!(deliver(&*store, Utc::now()).await.unwrap().letters, 1);
    let stats = smtp_worker(store.clone(), &sink).run_once().await.unwrap();
    assert_eq!(stats.sent, 1, "{stats:?}");

    let received = sink.received();
    assert_eq!(received.len(), 1);
    let m = &received[0];
    assert_eq!(m.from.as_deref(), Some(FROM));
    assert_eq!(m.mail_from.as_deref(), Some("branch@union.example"));
    assert_eq!(m.to.as_deref(), Some("Dr Jo Bloggs <ceo@council.example>"));
    assert_eq!(
        m.rcpt_tos,
        ["ceo@council.example"],
        "Reply-To is no recipient"
    );
    assert_eq!(
        m.reply_to.as_deref(),
        Some("Siân Ó Dálaigh <sian@example.org>"),
        "{}",
        m.raw
    );
    assert_eq!(m.subject.as_deref(), Some("Settle the dispute"));
    assert_eq!(
        m.text_body().as_deref(),
        Some("Dear Chief Executive,\n\nDiolch — pay the carers.\n\nSiân Ó Dálaigh, CF10 1AA")
    );
    assert_eq!(m.charsets, [Some("utf-8".to_string())]);
    // The name travels as an RFC 2047 encoded word: the header section itself is ASCII.
    let headers = header_section(m);
    assert!(headers.is_ascii(), "{headers}");
    assert!(
        headers.to_ascii_lowercase().contains("reply-to: =?utf-8?"),
        "{headers}"
    );
    assert_eq!(
        m.list_unsubscribe, None,
        "a letter to a decision-maker is no mailing list"
    );
    assert!(m.date_valid && m.message_id.is_some(), "{headers}");
    assert!(m.defects.is_empty(), "{:?}", m.defects);
    assert!(m.crlf_only);
}

#[tokio::test]
async fn a_daily_digest_arrives_with_names_and_postcodes_and_no_addresses() {
    let db = test_db().await;
    let store = db.dyn_store();
    let sink = SmtpSink::start();
    signed_campaign(
        &*store,
        "smtp-digest",
        "daily-digest",
        "ceo@council.example",
    )
    .await;
    let now = Utc::now();
    assert_eq!(deliver(&*store, now).await.unwrap().digests, 1);
    smtp_worker(store.clone(), &sink).run_once().await.unwrap();

    let received = sink.received();
    assert_eq!(received.len(), 1);
    let m = &received[0];
    let day = picket_domain::eactions::long_date(now.date_naive());
    assert_eq!(
        m.subject.as_deref(),
        Some(format!("Settle the dispute (1 person, {day})").as_str())
    );
    assert_eq!(m.from.as_deref(), Some(FROM));
    assert_eq!(
        m.reply_to, None,
        "a digest speaks for many: no one Reply-To"
    );
    let text = m.text_body().unwrap();
    assert!(
        text.contains("- Siân Ó Dálaigh, CF10 1AA: \"Diolch — pay the carers.\""),
        "{text}"
    );
    assert!(!text.contains("@example.org"), "{text}");
    assert!(header_section(m).is_ascii());
    assert!(m.defects.is_empty(), "{:?}", m.defects);
}

#[tokio::test]
async fn a_letter_refused_for_now_is_sent_again_and_arrives_once() {
    let db = test_db().await;
    let store = db.dyn_store();
    let sink = SmtpSink::start();
    // The test server answers 451 the first time it sees a "busy" address.
    signed_campaign(
        &*store,
        "smtp-busy",
        "each-signature",
        "busy-ceo@council.example",
    )
    .await;
    deliver(&*store, Utc::now()).await.unwrap();
    let worker = smtp_worker(store.clone(), &sink);

    let first = worker.run_once().await.unwrap();
    assert_eq!((first.sent, first.retrying), (0, 1), "{first:?}");
    assert!(sink.received().is_empty());
    let second = worker.run_once().await.unwrap();
    assert_eq!(second.sent, 1, "{second:?}");
    assert_eq!(worker.run_once().await.unwrap(), PassStats::default());

    let received = sink.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].rcpt_tos, ["busy-ceo@council.example"]);
    assert_eq!(
        received[0].reply_to.as_deref(),
        Some("Siân Ó Dálaigh <sian@example.org>")
    );
    assert_eq!(store.outbox_counts().await.unwrap().sent, 1);
}

#[tokio::test]
async fn a_connection_cut_after_the_letter_went_never_sends_it_again() {
    let db = test_db().await;
    let store = db.dyn_store();
    let sink = SmtpSink::start();
    // The test server records a message to a "drop" address, then hangs up before it says
    // it took it: the worker cannot know the letter arrived.
    signed_campaign(
        &*store,
        "smtp-drop",
        "each-signature",
        "drop-ceo@council.example",
    )
    .await;
    deliver(&*store, Utc::now()).await.unwrap();
    let worker = smtp_worker(store.clone(), &sink);

    let stats = worker.run_once().await.unwrap();
    assert_eq!((stats.sent, stats.given_up), (0, 1), "{stats:?}");
    assert_eq!(sink.received().len(), 1, "it did arrive");
    assert_eq!(worker.run_once().await.unwrap().claimed, 0);
    assert_eq!(
        deliver(&*store, Utc::now()).await.unwrap().letters,
        0,
        "nor is it queued again"
    );
    assert_eq!(sink.received().len(), 1, "one copy, never two");
    assert_eq!(store.outbox_counts().await.unwrap().failed, 1);
}
