//! Contract tests: the behaviour every backend must show. Each is a plain async function over
//! a fresh, migrated store; `picket-test-support` runs them all against SQLite and PostgreSQL.

use crate::prelude::*;
use crate::{NewAuditEntry, NewOutboxEmail, PageRequest, StoreError, StoreResult};
use chrono::{Duration, Utc};
use picket_domain::{Division, Email, Role, Slug};
use std::collections::HashSet;
use std::sync::Arc;

mod auth;
mod bargaining;
pub mod correspondence;
pub mod directory_writes;
mod dispute_edits;
mod dispute_scope;
mod disputes;
pub mod eactions;
mod fund;
mod hardship;
mod member_data;
mod member_edits;
mod member_scoping;
pub mod member_writes;
mod members;
mod monitor;
mod pickets;
mod retention;
mod shift_changes;
pub mod shifts;
mod strike_days;
mod strike_pay;
mod supporters;
mod turnout;
mod unit;
mod wall;

pub use auth::*;
pub use bargaining::*;
pub use correspondence::*;
pub use directory_writes::Setup;
pub use dispute_edits::*;
pub use dispute_scope::*;
pub use disputes::*;
pub use eactions::*;
pub use fund::*;
pub use hardship::*;
pub use member_data::*;
pub use member_edits::*;
pub use member_scoping::*;
pub use members::*;
pub use monitor::*;
pub use pickets::*;
pub use retention::*;
pub use shift_changes::*;
pub use shifts::*;
pub use strike_days::*;
pub use strike_pay::*;
pub use supporters::*;
pub use turnout::*;
pub use unit::*;
pub use wall::*;

fn slug(s: &str) -> Slug {
    s.parse().expect("test slug")
}

fn email(s: &str) -> Email {
    s.parse().expect("test email")
}

/// Branch slugs are unique and looked up exactly.
pub async fn branches_are_unique_by_slug(store: Arc<dyn Store>) {
    let a = store
        .setup_branch(
            &slug("northfield"),
            "Northfield Branch",
            Division::EnglandAndWales,
        )
        .await
        .unwrap();
    assert_eq!(a.slug, "northfield");
    assert_eq!(a.division, Division::EnglandAndWales);
    let again = store
        .setup_branch(&slug("northfield"), "Another", Division::Scotland)
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict("branch slug"))),
        "{again:?}"
    );
    store
        .setup_branch(&slug("antrim"), "Antrim Branch", Division::NorthernIreland)
        .await
        .unwrap();
    let found = store.branch_by_slug("northfield").await.unwrap();
    assert_eq!(found, a);
    assert!(matches!(
        store.branch_by_slug("nowhere").await,
        Err(StoreError::NotFound)
    ));
    let names: Vec<_> = store
        .list_branches()
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.name)
        .collect();
    assert_eq!(names, ["Antrim Branch", "Northfield Branch"]);
}

/// Emails are unique regardless of case, and found regardless of case.
pub async fn users_are_unique_by_email_ignoring_case(store: Arc<dyn Store>) {
    let u = store
        .setup_user(&email("ana@example.org"), "Ana", Some("hash1"))
        .await
        .unwrap();
    let dup = store
        .setup_user(&email("ANA@example.org"), "Ana Again", None)
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict("email"))), "{dup:?}");
    let found = store.user_by_email("Ana@EXAMPLE.org").await.unwrap();
    assert_eq!(found.id, u.id);
    assert_eq!(found.password_hash.as_deref(), Some("hash1"));
    let mut work = store.begin().await.unwrap();
    work.change_password(u.id, "hash2", None).await.unwrap();
    work.commit().await.unwrap();
    assert_eq!(
        store
            .user_by_id(u.id)
            .await
            .unwrap()
            .password_hash
            .as_deref(),
        Some("hash2")
    );
    assert!(matches!(
        store.user_by_email("nobody@example.org").await,
        Err(StoreError::NotFound)
    ));
}

/// Roles are per branch, a second grant replaces the first, and a branch's directory lists
/// only its own users, a page at a time.
pub async fn memberships_are_scoped_per_branch(store: Arc<dyn Store>) {
    let a = store
        .setup_branch(&slug("branch-a"), "A", Division::EnglandAndWales)
        .await
        .unwrap();
    let b = store
        .setup_branch(&slug("branch-b"), "B", Division::Scotland)
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        let u = store
            .setup_user(
                &email(&format!("u{i}@example.org")),
                &format!("User {i}"),
                None,
            )
            .await
            .unwrap();
        store
            .setup_membership(u.id, a.id, Role::Member)
            .await
            .unwrap();
        ids.push(u.id);
    }
    store
        .setup_membership(ids[0], a.id, Role::Organiser)
        .await
        .unwrap();
    store
        .setup_membership(ids[0], b.id, Role::Rep)
        .await
        .unwrap();

    let mine = store.memberships_of(ids[0]).await.unwrap();
    assert_eq!(mine.len(), 2);
    assert_eq!((mine[0].branch.id, mine[0].role), (a.id, Role::Organiser));
    assert_eq!((mine[1].branch.id, mine[1].role), (b.id, Role::Rep));

    let first = store
        .branch_users(a.id, PageRequest::new(1, 2))
        .await
        .unwrap();
    assert_eq!((first.total, first.pages(), first.items.len()), (5, 3, 2));
    assert!(first.has_next());
    let last = store
        .branch_users(a.id, PageRequest::new(3, 2))
        .await
        .unwrap();
    assert_eq!(last.items.len(), 1);
    assert!(!last.has_next());
    assert_eq!(last.items[0].user.display_name, "User 4");

    let in_b = store
        .branch_users(b.id, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(in_b.total, 1);
    assert_eq!(in_b.items[0].user.id, ids[0]);
    assert_eq!(in_b.items[0].role, Role::Rep);
}

/// A session finds its user until it expires or is deleted.
pub async fn sessions_expire_and_end(store: Arc<dyn Store>) {
    let u = store
        .setup_user(&email("s@example.org"), "S", None)
        .await
        .unwrap();
    let now = Utc::now();
    store
        .create_session("live", u.id, now + Duration::hours(1))
        .await
        .unwrap();
    store
        .create_session("old", u.id, now - Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(store.session_user("live", now).await.unwrap().id, u.id);
    assert!(matches!(
        store.session_user("old", now).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.session_user("unknown", now).await,
        Err(StoreError::NotFound)
    ));
    store.delete_session("live").await.unwrap();
    assert!(matches!(
        store.session_user("live", now).await,
        Err(StoreError::NotFound)
    ));
}

/// API tokens are found by hash only.
pub async fn api_tokens_resolve_to_their_user(store: Arc<dyn Store>) {
    let u = store
        .setup_user(&email("t@example.org"), "T", None)
        .await
        .unwrap();
    let token = crate::contract::auth::create_token(&*store, u.id, "laptop", "abc123", None)
        .await
        .unwrap();
    assert_eq!(token.name, "laptop");
    assert_eq!(
        store.api_token_user("abc123", Utc::now()).await.unwrap().id,
        u.id
    );
    assert!(matches!(
        store.api_token_user("abc124", Utc::now()).await,
        Err(StoreError::NotFound)
    ));
    let dup = crate::contract::auth::create_token(&*store, u.id, "again", "abc123", None).await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
}

/// Login failures count per key within a window and clear on success.
pub async fn login_failures_count_within_window(store: Arc<dyn Store>) {
    let now = Utc::now();
    fail(&store, &["email:x", "ip:y"], now - Duration::minutes(30)).await;
    fail(&store, &["email:x", "ip:y"], now).await;
    fail(&store, &["email:x"], now).await;
    let since = now - Duration::minutes(15);
    assert_eq!(
        store.login_failures_since("email:x", since).await.unwrap(),
        2
    );
    assert_eq!(store.login_failures_since("ip:y", since).await.unwrap(), 1);
    store.clear_login_failures("email:x").await.unwrap();
    assert_eq!(
        store.login_failures_since("email:x", since).await.unwrap(),
        0
    );
    assert_eq!(store.login_failures_since("ip:y", since).await.unwrap(), 1);
}

/// Counts one failed attempt under each of `keys` at `at`, with limits too high to refuse it.
pub(crate) async fn fail(store: &Arc<dyn Store>, keys: &[&str], at: chrono::DateTime<Utc>) {
    let limits: Vec<crate::AttemptLimit<'_>> = keys
        .iter()
        .map(|key| crate::AttemptLimit { key, max: u64::MAX })
        .collect();
    let counted = store
        .take_attempt(&limits, at - Duration::minutes(15), at)
        .await
        .unwrap();
    assert!(matches!(counted, crate::Attempt::Counted(_)), "{counted:?}");
}

/// The audit log reads newest first and filters by branch.
pub async fn audit_log_filters_by_branch(store: Arc<dyn Store>) {
    let a = store
        .setup_branch(&slug("audit-a"), "A", Division::EnglandAndWales)
        .await
        .unwrap();
    let b = store
        .setup_branch(&slug("audit-b"), "B", Division::EnglandAndWales)
        .await
        .unwrap();
    let u = store
        .setup_user(&email("aud@example.org"), "Aud", None)
        .await
        .unwrap();
    for (branch, action) in [(a.id, "one"), (b.id, "two"), (a.id, "three")] {
        store
            .audit(NewAuditEntry {
                actor: Some(u.id),
                branch: Some(branch),
                action: action.into(),
                ..Default::default()
            })
            .await
            .unwrap();
    }
    let in_a = store
        .audit_entries(Some(a.id), PageRequest::default())
        .await
        .unwrap();
    let actions: Vec<_> = in_a.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["three", "one"]);
    assert_eq!(
        in_a.items[0].actor_email.as_deref(),
        Some("aud@example.org")
    );
    let all = store
        .audit_entries(None, PageRequest::new(1, 2))
        .await
        .unwrap();
    assert_eq!((all.total, all.items.len()), (3, 2));
}

fn outbox_email(key: Option<&str>) -> NewOutboxEmail {
    NewOutboxEmail {
        idempotency_key: key.map(str::to_string),
        payload: "{}".into(),
        max_attempts: 3,
        run_after: Utc::now() - Duration::seconds(1),
        send_once: false,
    }
}

/// Queuing is idempotent by key; a claimed job is leased, completed, retried or given up.
pub async fn outbox_claims_with_a_lease(store: Arc<dyn Store>) {
    let first = store
        .enqueue_email(outbox_email(Some("welcome:1")))
        .await
        .unwrap();
    let again = store
        .enqueue_email(outbox_email(Some("welcome:1")))
        .await
        .unwrap();
    assert_eq!(first, again, "the same idempotency key queues once");
    store.enqueue_email(outbox_email(None)).await.unwrap();
    store.enqueue_email(outbox_email(None)).await.unwrap();

    let now = Utc::now();
    let lease = now + Duration::seconds(60);
    let jobs = store.claim_jobs("w1", now, lease, 10).await.unwrap();
    assert_eq!(jobs.len(), 3);
    assert!(jobs.iter().all(|j| j.attempts == 1));
    assert!(
        store
            .claim_jobs("w2", now, lease, 10)
            .await
            .unwrap()
            .is_empty(),
        "leased jobs are not claimed twice"
    );

    store.complete_job(jobs[0].id, "w1", now).await.unwrap();
    store
        .fail_job(
            jobs[1].id,
            "w1",
            "421 try later",
            Some(now + Duration::seconds(30)),
        )
        .await
        .unwrap();
    store
        .fail_job(jobs[2].id, "w1", "550 no such user", None)
        .await
        .unwrap();
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!((counts.pending, counts.sent, counts.failed), (1, 1, 1));

    assert!(
        store
            .claim_jobs("w2", now, lease, 10)
            .await
            .unwrap()
            .is_empty(),
        "not due before its retry time"
    );
    let later = now + Duration::seconds(31);
    let retried = store
        .claim_jobs("w2", later, later + Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(retried.len(), 1);
    assert_eq!((retried[0].id, retried[0].attempts), (jobs[1].id, 2));

    // w2 dies holding the lease: once it lapses the job is due again.
    let after_lease = later + Duration::seconds(61);
    let reclaimed = store
        .claim_jobs("w3", after_lease, after_lease + Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!((reclaimed[0].id, reclaimed[0].attempts), (jobs[1].id, 3));
    // w3 dies too, on the last permitted attempt: the job is given up, not retried forever.
    let end = after_lease + Duration::seconds(61);
    assert!(store
        .claim_jobs("w4", end, end + Duration::seconds(60), 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.outbox_counts().await.unwrap().failed, 2);
}

/// Concurrent claimers never receive the same job.
pub async fn outbox_claims_are_exclusive_under_concurrency(store: Arc<dyn Store>) {
    for _ in 0..40 {
        store.enqueue_email(outbox_email(None)).await.unwrap();
    }
    let mut tasks = Vec::new();
    for w in 0..4 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let now = Utc::now();
                let jobs = store
                    .claim_jobs(&format!("w{w}"), now, now + Duration::seconds(60), 3)
                    .await
                    .unwrap();
                if jobs.is_empty() {
                    break mine;
                }
                mine.extend(jobs.into_iter().map(|j| j.id));
            }
        }));
    }
    let mut seen = HashSet::new();
    let mut total = 0;
    for t in tasks {
        for id in t.await.unwrap() {
            total += 1;
            assert!(seen.insert(id), "job {id} was claimed twice");
        }
    }
    assert_eq!(total, 40);
}

/// Adding a user to a branch creates the account once and sets the role; with the welcome
/// email in the same unit, a missing branch leaves neither a user nor an email.
pub async fn adding_a_branch_user_is_atomic(store: Arc<dyn Store>) {
    let a = store
        .setup_branch(&slug("atomic"), "A", Division::Scotland)
        .await
        .unwrap();
    let mut work = store.begin().await.unwrap();
    let (u, created) = work
        .add_branch_user(&email("new@example.org"), "New", Some("h"), a.id, Role::Rep)
        .await
        .unwrap();
    work.enqueue_email(outbox_email(Some("welcome:new")))
        .await
        .unwrap();
    work.commit().await.unwrap();
    assert!(created);
    let (again, created) = store
        .setup_branch_user(
            &email("NEW@example.org"),
            "Ignored",
            None,
            a.id,
            Role::Organiser,
        )
        .await
        .unwrap();
    assert_eq!((again.id, created), (u.id, false));
    assert_eq!(
        store.memberships_of(u.id).await.unwrap()[0].role,
        Role::Organiser
    );
    assert_eq!(store.outbox_counts().await.unwrap().pending, 1);

    let missing: StoreResult<()> = async {
        let mut work = store.begin().await?;
        work.enqueue_email(outbox_email(None)).await?;
        work.add_branch_user(
            &email("ghost@example.org"),
            "Ghost",
            None,
            picket_domain::BranchId(999_999),
            Role::Member,
        )
        .await?;
        work.commit().await
    }
    .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
    assert!(
        matches!(
            store.user_by_email("ghost@example.org").await,
            Err(StoreError::NotFound)
        ),
        "no half-written user"
    );
    assert_eq!(
        store.outbox_counts().await.unwrap().pending,
        1,
        "no stray email"
    );
}

/// An instance secret is created once and then always the same.
pub async fn instance_secrets_are_created_once(store: Arc<dyn Store>) {
    let first = store.instance_secret("ip-hash", "aaa").await.unwrap();
    let second = store.instance_secret("ip-hash", "bbb").await.unwrap();
    assert_eq!((first.as_str(), second.as_str()), ("aaa", "aaa"));
    assert_eq!(store.instance_secret("other", "ccc").await.unwrap(), "ccc");
}

/// Every contract test, by name, for runners that loop over them.
#[macro_export]
macro_rules! for_each_contract_test {
    ($m:ident) => {
        $m!(branches_are_unique_by_slug);
        $m!(users_are_unique_by_email_ignoring_case);
        $m!(memberships_are_scoped_per_branch);
        $m!(sessions_expire_and_end);
        $m!(api_tokens_resolve_to_their_user);
        $m!(api_tokens_expire_and_are_revoked);
        $m!(password_changes_end_other_sessions);
        $m!(login_failures_count_within_window);
        $m!(attempts_are_limited_atomically);
        $m!(audit_log_filters_by_branch);
        $m!(outbox_claims_with_a_lease);
        $m!(outbox_claims_are_exclusive_under_concurrency);
        $m!(adding_a_branch_user_is_atomic);
        $m!(role_changes_respect_the_role_replaced);
        $m!(published_events_reach_subscribers);
        $m!(wall_posts_are_moderated_and_scoped);
        $m!(wall_edits_counts_and_purge);
        $m!(wall_pledges_are_followed_up);
        $m!(wall_feed_is_newest_approved_first);
        $m!(wall_limits_are_checked_as_a_post_is_stored);
        $m!(wall_limits_hold_under_a_parallel_burst);
        $m!(wall_moderation_reports_what_it_changed);
        $m!(picket_locations_are_kept_per_dispute);
        $m!(picket_sites_and_shifts_are_kept_per_dispute);
        $m!(shift_sign_ups_respect_capacity_and_the_waiting_list);
        $m!(shift_capacity_holds_under_concurrent_sign_ups);
        $m!(shift_capacity_changes_move_up_the_waiting_list);
        $m!(shift_capacity_changes_hold_under_concurrent_sign_ups);
        $m!(shifts_move_to_another_entrance);
        $m!(retention_forgets_supporters_on_past_shifts);
        $m!(turnout_drive_counts_what_members_say);
        $m!(a_failed_step_leaves_nothing_of_the_change);
        $m!(a_committed_unit_keeps_everything_and_publishes_after);
        $m!(instance_secrets_are_created_once);
        $m!(disputes_keep_their_records);
        $m!(disputes_are_scoped_to_their_branch);
        $m!(dispute_records_are_edited_and_deleted);
        $m!(dispute_edits_are_scoped);
        $m!(dispute_records_are_refused_elsewhere);
        $m!(participation_is_recorded_per_day_or_period);
        $m!(members_are_kept_per_branch);
        $m!(member_search_filters_and_pages);
        $m!(rep_teams_are_replaced_within_the_branch);
        $m!(member_import_upserts_by_number);
        $m!(member_import_is_all_or_nothing);
        $m!(member_import_runs_record_their_outcome);
        $m!(abandoned_import_runs_are_marked_failed);
        $m!(member_records_are_refused_through_another_branch);
        $m!(sign_in_links_work_once_and_expire);
        $m!(sign_in_links_respect_passwords_and_roles);
        $m!(own_details_and_consent_history);
        $m!(subject_records_and_erasure);
        $m!(own_data_is_refused_through_another_branch_or_member);
        $m!(audit_search_filters_by_actor_and_action);
        $m!(retention_rules_forget_what_is_past);
        $m!(fund_ledger_keeps_balances_and_reverses);
        $m!(fund_postings_in_parallel_are_whole);
        $m!(donations_post_to_the_ledger_and_name_only_who_agreed);
        $m!(strike_days_keep_both_entries_and_refuse_the_uncalled);
        $m!(release_requests_record_the_decision);
        $m!(strike_pay_runs_pay_each_day_once);
        $m!(strike_pay_runs_settle_entries_and_count_earlier_days);
        $m!(strike_pay_statements_and_account_statements_add_up);
        $m!(hardship_grants_are_decided_paid_and_forgotten);
        $m!(eactions_are_kept_with_their_targets);
        $m!(signatures_sign_once_with_their_consent);
        $m!(signatures_wait_for_confirmation);
        $m!(consent_is_withdrawn_by_its_link_and_counted);
        $m!(retention_forgets_supporters_of_closed_campaigns);
        $m!(group_commit_keeps_every_acknowledged_signature);
        $m!(delivery_claims_each_signature_once);
        $m!(send_once_email_is_never_sent_twice);
        $m!(letters_are_logged_and_reminded_once);
        $m!(strikebreaking_reports_link_their_letters);
        $m!(member_edits_are_checked_and_scoped);
        $m!(email_changes_wait_for_their_link);
        $m!(the_bargaining_unit_counts_members_in_the_disputes_teams);
    };
}

/// A published event reaches this process's subscribers.
pub async fn published_events_reach_subscribers(store: Arc<dyn Store>) {
    let mut events = store.subscribe();
    let event = crate::StoreEvent {
        topic: "wall.approved".into(),
        payload: "{\"branch\":1,\"id\":2}".into(),
    };
    store.publish(event.clone()).await.unwrap();
    let got = tokio::time::timeout(std::time::Duration::from_secs(10), events.recv())
        .await
        .expect("the event arrives")
        .unwrap();
    assert_eq!(got, event);
}
