//! Contract tests for the unit of work: a change, its audit entry, its email and its event
//! are kept together or not at all.

use crate::contract::Setup;
use crate::disputes::NewDispute;
use crate::prelude::*;
use crate::{NewAuditEntry, NewOutboxEmail, PageRequest, StoreError, StoreEvent, StoreResult};
use chrono::{Duration, Utc};
use picket_domain::disputes::DisputeStatus;
use picket_domain::pickets::PicketPlace;
use picket_domain::{BranchId, DisputeId, Division, Nation, PicketLocationId};
use std::sync::Arc;
use tokio::sync::broadcast::error::TryRecvError;

async fn branch_and_dispute(store: &dyn Store, slug: &str) -> (BranchId, DisputeId) {
    let branch = store
        .setup_branch(&slug.parse().unwrap(), "Unit", Division::EnglandAndWales)
        .await
        .unwrap();
    let new = NewDispute {
        title: "Pay".into(),
        employer: "A council".into(),
        nation: Nation::England,
        status: DisputeStatus::InAction,
        summary: String::new(),
    };
    let dispute = crate::contract::disputes::create_dispute(store, branch.id, &new)
        .await
        .unwrap();
    (branch.id, dispute.id)
}

fn gate() -> PicketPlace {
    PicketPlace::parse("Main gate", "1 High Street", "7am", "").expect("valid")
}

fn entry(branch: BranchId, action: &str) -> NewAuditEntry {
    NewAuditEntry {
        actor: None,
        branch: Some(branch),
        action: action.into(),
        subject: Some("picket-location:1".into()),
        detail: None,
        request_id: None,
    }
}

fn email(key: &str) -> NewOutboxEmail {
    NewOutboxEmail {
        idempotency_key: Some(key.into()),
        payload: "{}".into(),
        max_attempts: 3,
        run_after: Utc::now() - Duration::seconds(1),
        send_once: false,
    }
}

fn event(topic: &str) -> StoreEvent {
    StoreEvent {
        topic: topic.into(),
        payload: "{}".into(),
    }
}

async fn audit_actions(store: &dyn Store, branch: BranchId) -> Vec<String> {
    store
        .audit_entries(Some(branch), PageRequest::new(1, 100))
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.action)
        .collect()
}

/// When a step after the change fails, nothing of the unit is left: not the change, not its
/// audit entry, not its email, and its event is never published.
pub async fn a_failed_step_leaves_nothing_of_the_change(store: Arc<dyn Store>) {
    let (branch, dispute) = branch_and_dispute(&*store, "unit-fails").await;
    let pending = store.outbox_counts().await.unwrap().pending;
    let mut events = store.subscribe();

    let failed: StoreResult<()> = async {
        let mut w = store.begin().await?;
        w.add_picket_location(branch, dispute, &gate()).await?;
        w.audit(entry(branch, "dispute.picket.add")).await?;
        w.enqueue_email(email("unit:fails")).await?;
        w.publish(event("unit.fails"));
        // A later step of the same change fails: nothing of it may be kept.
        w.delete_picket_location(branch, dispute, PicketLocationId(i64::MAX))
            .await?;
        w.commit().await
    }
    .await;
    assert!(matches!(failed, Err(StoreError::NotFound)), "{failed:?}");

    assert!(
        store
            .picket_locations(branch, dispute)
            .await
            .unwrap()
            .is_empty(),
        "the change was rolled back"
    );
    assert!(
        audit_actions(&*store, branch).await.is_empty(),
        "no audit entry for a change that did not happen"
    );
    assert_eq!(
        store.outbox_counts().await.unwrap().pending,
        pending,
        "no email for a change that did not happen"
    );
    assert!(
        matches!(events.try_recv(), Err(TryRecvError::Empty)),
        "no event for a change that did not happen"
    );

    // A unit dropped without a commit keeps nothing either.
    let mut work = store.begin().await.unwrap();
    work.add_picket_location(branch, dispute, &gate())
        .await
        .unwrap();
    work.audit(entry(branch, "dispute.picket.add"))
        .await
        .unwrap();
    drop(work);
    assert!(store
        .picket_locations(branch, dispute)
        .await
        .unwrap()
        .is_empty());
    assert!(audit_actions(&*store, branch).await.is_empty());

    // The email's key was never used, so the same change made again queues it once.
    let mut w = store.begin().await.unwrap();
    w.enqueue_email(email("unit:fails")).await.unwrap();
    w.commit().await.unwrap();
    assert_eq!(store.outbox_counts().await.unwrap().pending, pending + 1);
}

/// A committed unit keeps the change, its audit entry and its email together; its event is
/// published only once the change can be read; an email key queued by two changes is sent once.
pub async fn a_committed_unit_keeps_everything_and_publishes_after(store: Arc<dyn Store>) {
    let (branch, dispute) = branch_and_dispute(&*store, "unit-commits").await;
    let pending = store.outbox_counts().await.unwrap().pending;
    let mut events = store.subscribe();

    let mut work = store.begin().await.unwrap();
    let id = work
        .add_picket_location(branch, dispute, &gate())
        .await
        .unwrap();
    work.audit(entry(branch, "dispute.picket.add"))
        .await
        .unwrap();
    let job = work.enqueue_email(email("unit:commits")).await.unwrap();
    work.publish(event("unit.commits"));
    // Before the commit no one else sees any of it.
    assert!(store
        .picket_locations(branch, dispute)
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(events.try_recv(), Err(TryRecvError::Empty)));
    work.commit().await.unwrap();

    let got = tokio::time::timeout(std::time::Duration::from_secs(10), events.recv())
        .await
        .expect("the event arrives after the commit")
        .unwrap();
    assert_eq!(got.topic, "unit.commits");
    let listed = store.picket_locations(branch, dispute).await.unwrap();
    assert_eq!(listed.iter().map(|l| l.id).collect::<Vec<_>>(), vec![id]);
    assert_eq!(
        audit_actions(&*store, branch).await,
        vec!["dispute.picket.add".to_string()]
    );
    assert_eq!(store.outbox_counts().await.unwrap().pending, pending + 1);

    // The same email queued by a second change is the same job: it is sent once.
    let mut w = store.begin().await.unwrap();
    let again = w.enqueue_email(email("unit:commits")).await.unwrap();
    w.commit().await.unwrap();
    assert_eq!(again, job);
    assert_eq!(store.outbox_counts().await.unwrap().pending, pending + 1);
}
