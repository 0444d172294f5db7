//! The outbox worker against a real store (the backend this run selects) and the memory mailer.

use picket_jobs::{queue_email, OutboxWorker, WorkerConfig};
use picket_mail::{MemoryMailer, OutgoingEmail};
use picket_store::Store;
use picket_test_support::test_db;
use std::sync::Arc;
use std::time::Duration;

fn email(to: &str) -> OutgoingEmail {
    OutgoingEmail {
        to: to.into(),
        subject: "Picket shift reminder".into(),
        text: "See you at 7".into(),
        html: None,
        reply_to: None,
        list_unsubscribe: None,
    }
}

/// Queues `email` in a unit of its own.
async fn queue(store: &dyn Store, email: &OutgoingEmail, key: Option<&str>, max_attempts: u32) {
    let mut work = store.begin().await.unwrap();
    queue_email(&mut *work, email, key.map(Into::into), max_attempts)
        .await
        .unwrap();
    work.commit().await.unwrap();
}

fn config() -> WorkerConfig {
    WorkerConfig {
        worker_id: "test".into(),
        base_backoff: Duration::ZERO,
        ..WorkerConfig::default()
    }
}

#[tokio::test]
async fn delivers_once_even_when_queued_twice() {
    let db = test_db().await;
    let mailer = Arc::new(MemoryMailer::default());
    let store = db.dyn_store();
    queue(&*store, &email("a@example.org"), Some("k1"), 3).await;
    queue(&*store, &email("a@example.org"), Some("k1"), 3).await;
    let worker = OutboxWorker::new(store.clone(), mailer.clone(), config());
    let stats = worker.run_once().await.unwrap();
    assert_eq!((stats.claimed, stats.sent), (1, 1));
    assert_eq!(worker.run_once().await.unwrap().claimed, 0);
    assert_eq!(mailer.sent().len(), 1);
    assert_eq!(store.outbox_counts().await.unwrap().sent, 1);
}

#[tokio::test]
async fn retries_temporary_failures_then_gives_up_at_the_limit() {
    let db = test_db().await;
    let mailer = Arc::new(MemoryMailer::default());
    let store = db.dyn_store();
    queue(&*store, &email("b@example.org"), None, 3).await;
    let worker = OutboxWorker::new(store.clone(), mailer.clone(), config());

    mailer.fail_next(1);
    let first = worker.run_once().await.unwrap();
    assert_eq!((first.retrying, first.sent), (1, 0));
    let second = worker.run_once().await.unwrap();
    assert_eq!(second.sent, 1, "retried after the back-off and delivered");
    assert_eq!(mailer.sent().len(), 1);

    queue(&*store, &email("c@example.org"), None, 2).await;
    mailer.fail_next(5);
    assert_eq!(worker.run_once().await.unwrap().retrying, 1);
    assert_eq!(worker.run_once().await.unwrap().given_up, 1);
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!((counts.sent, counts.failed, counts.pending), (1, 1, 0));
}
