//! Contract tests for retention: each rule finds exactly the records past its cutoff, and
//! applying them deletes or clears those alone, with one audit entry of the counts.

use crate::contract::wall::{moderate, submit};
use crate::contract::Setup;
use crate::prelude::*;
use crate::retention::{rule_named, run_entry, RetentionRule, RULES};
use crate::wall::{Moderation, NewWallMessage, WallPostLimits, WallStatus};
use crate::{NewOutboxEmail, PageRequest, StoreError};
use chrono::{DateTime, Duration, Utc};
use picket_domain::wall::{duplicate_key, validate, WallLimits, WallSubmission};
use picket_domain::{BranchId, Division, Email, Role, WallMessageId};
use std::collections::BTreeMap;
use std::sync::Arc;

async fn wall_post(
    store: &dyn Store,
    branch: BranchId,
    text: &str,
    consent: bool,
) -> WallMessageId {
    let submission = WallSubmission {
        name: "A supporter".into(),
        kind: "resident".into(),
        message: text.into(),
        email: Some("supporter@example.org".into()),
        consent,
        ..Default::default()
    };
    submit(
        store,
        NewWallMessage {
            branch,
            post: validate(&submission, None, None, &WallLimits::default()).expect("valid post"),
            content_key: duplicate_key(text),
            ip_hash: format!("ip-{text}"),
            status: WallStatus::Pending,
        },
        WallPostLimits::NONE,
    )
    .await
    .unwrap()
    .id()
    .expect("stored")
}

/// Applies `plan` in a unit with the run's audit entry, as the retention job does.
pub(crate) async fn apply(store: &dyn Store, plan: &[(&RetentionRule, DateTime<Utc>)]) -> Vec<u64> {
    let mut work = store.begin().await.unwrap();
    let counts = work.apply_retention(plan).await.unwrap();
    work.audit(run_entry(plan, &counts)).await.unwrap();
    work.commit().await.unwrap();
    counts
}

fn rule(kind: &str) -> &'static crate::retention::RetentionRule {
    rule_named(kind).unwrap_or_else(|| panic!("a retention rule `{kind}`"))
}

/// Every kind finds what is past its cutoff and nothing newer; applying the rules removes
/// (or, for wall contact details, clears) exactly those and audits the counts.
pub async fn retention_rules_forget_what_is_past(store: Arc<dyn Store>) {
    let now = Utc::now();
    let past = now - Duration::days(1);
    let future = now + Duration::seconds(30);
    let branch = store
        .setup_branch(&"keep".parse().unwrap(), "Keep", Division::EnglandAndWales)
        .await
        .unwrap();
    let email: Email = "mod@example.org".parse().unwrap();
    let (moderator, _) = store
        .setup_branch_user(&email, "Mod", None, branch.id, Role::Organiser)
        .await
        .unwrap();

    // The wall: one rejected post, two approved (with and without consent), one pending.
    let rejected = wall_post(&*store, branch.id, "rejected words", true).await;
    let approved_no_consent = wall_post(&*store, branch.id, "approved no consent", false).await;
    let approved_consent = wall_post(&*store, branch.id, "approved with consent", true).await;
    let pending_no_consent = wall_post(&*store, branch.id, "pending no consent", false).await;
    for (id, action) in [
        (rejected, Moderation::Reject),
        (approved_no_consent, Moderation::Approve),
        (approved_consent, Moderation::Approve),
    ] {
        moderate(&*store, branch.id, id, &action, moderator.id)
            .await
            .unwrap();
    }
    // Sessions: one expired three days ago, one live.
    store
        .create_session("old-session", moderator.id, now - Duration::days(3))
        .await
        .unwrap();
    store
        .create_session("live-session", moderator.id, now + Duration::days(1))
        .await
        .unwrap();
    // Login failures: one now, one ten days old (counted last: counting tidies failures a
    // day older than the one counted).
    crate::contract::fail(&store, &["key-a"], now).await;
    crate::contract::fail(&store, &["key-a"], now - Duration::days(10)).await;
    // Outbox: one sent long ago, one sent now, one still pending.
    for key in ["old", "new", "waiting"] {
        store
            .enqueue_email(NewOutboxEmail {
                idempotency_key: Some(key.into()),
                payload: "{}".into(),
                max_attempts: 3,
                run_after: now - Duration::days(60),
                send_once: false,
            })
            .await
            .unwrap();
    }
    let jobs = store
        .claim_jobs("w", now, now + Duration::minutes(5), 2)
        .await
        .unwrap();
    assert_eq!(jobs.len(), 2);
    store
        .complete_job(jobs[0].id, "w", now - Duration::days(40))
        .await
        .unwrap();
    store.complete_job(jobs[1].id, "w", now).await.unwrap();
    let audit_before = store
        .audit_entries(None, PageRequest::new(1, 200))
        .await
        .unwrap()
        .total;

    // What is due, changing nothing.
    let due = |kind: &'static str, cutoff| {
        let store = store.clone();
        async move { store.retention_due(rule(kind), cutoff).await.unwrap() }
    };
    assert_eq!(due("wall_rejected", past).await, 0, "posted just now");
    assert_eq!(due("wall_rejected", future).await, 1);
    assert_eq!(
        due("wall_contact", future).await,
        2,
        "no consent, with email"
    );
    assert_eq!(due("sessions", past).await, 1);
    assert_eq!(due("login_failures", past).await, 1);
    assert_eq!(due("audit", past).await, 0);
    assert_eq!(due("audit", future).await, audit_before);
    assert_eq!(due("outbox_sent", past).await, 1);
    assert_eq!(
        due("outbox_sent", future).await,
        2,
        "pending mail is never due"
    );
    assert_eq!(store.wall_counts(branch.id).await.unwrap().rejected, 1);

    // Apply every rule; audit with a past cutoff, so it keeps today's entries.
    let cutoffs: BTreeMap<&str, _> = [
        ("wall_rejected", future),
        ("wall_contact", future),
        ("sessions", past),
        ("login_failures", past),
        ("audit", past),
        ("outbox_sent", past),
    ]
    .into_iter()
    .collect();
    let plan: Vec<_> = RULES
        .iter()
        .map(|r| (r, cutoffs.get(r.kind).copied().unwrap_or(past)))
        .collect();
    let counts = apply(&*store, &plan).await;
    let by_kind: BTreeMap<&str, u64> = RULES.iter().map(|r| r.kind).zip(counts).collect();
    assert_eq!(by_kind["wall_rejected"], 1);
    assert_eq!(by_kind["wall_contact"], 2);
    assert_eq!(by_kind["sessions"], 1);
    assert_eq!(by_kind["login_failures"], 1);
    assert_eq!(by_kind["audit"], 0);
    assert_eq!(by_kind["outbox_sent"], 1);

    assert!(matches!(
        store.wall_message(branch.id, rejected).await,
        Err(StoreError::NotFound)
    ));
    let cleared = store
        .wall_message(branch.id, approved_no_consent)
        .await
        .unwrap();
    assert_eq!(cleared.email, None, "contact details cleared");
    assert_eq!(cleared.status, WallStatus::Approved, "the message stays");
    assert_eq!(
        store
            .wall_message(branch.id, pending_no_consent)
            .await
            .unwrap()
            .email,
        None
    );
    assert_eq!(
        store
            .wall_message(branch.id, approved_consent)
            .await
            .unwrap()
            .email
            .as_deref(),
        Some("supporter@example.org"),
        "consent given: kept"
    );
    assert!(store.session_user("live-session", now).await.is_ok());
    assert_eq!(
        store
            .login_failures_since("key-a", now - Duration::days(30))
            .await
            .unwrap(),
        1
    );
    let outbox = store.outbox_counts().await.unwrap();
    assert_eq!((outbox.sent, outbox.pending), (1, 1));

    // Nothing more is due once applied, and the run is audited with its counts.
    assert_eq!(due("wall_contact", future).await, 0);
    assert_eq!(due("sessions", past).await, 0);
    let audit = store
        .audit_entries(None, PageRequest::new(1, 200))
        .await
        .unwrap();
    assert_eq!(audit.total, audit_before + 1);
    let run = &audit.items[0];
    assert_eq!(run.action, "retention.run");
    let detail = run.detail.as_deref().unwrap_or_default();
    for expected in [
        "wall_rejected=1",
        "wall_contact=2",
        "sessions=1",
        "audit=0",
        "outbox_sent=1",
    ] {
        assert!(detail.contains(expected), "{expected} in `{detail}`");
    }

    // Audit entries older than the cutoff go too.
    let counts = apply(&*store, &[(rule("audit"), future)]).await;
    assert_eq!(counts, vec![audit_before + 1]);
    let left = store
        .audit_entries(None, PageRequest::new(1, 200))
        .await
        .unwrap();
    assert_eq!(left.total, 1, "only the new run's own entry is left");
    assert_eq!(
        left.items[0].detail.as_deref(),
        Some(format!("audit={}", audit_before + 1).as_str())
    );
}
