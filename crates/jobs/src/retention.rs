//! Retention: the daily pass that forgets what Picket no longer needs, and the same pass on
//! demand (`picket retention run [--dry-run]`).
//!
//! The kinds of record and their SQL are the store's [`RULES`]; the days come from the
//! `[retention]` settings; 0 keeps a kind for ever.

use chrono::{DateTime, Duration, Utc};
use picket_store::retention::{run_entry, RetentionRule, RULES};
use picket_store::Store;
use std::future::Future;

/// Days each kind is kept (0 keeps for ever), in [`RULES`] order.
pub type RetentionPolicy = Vec<(&'static RetentionRule, i64)>;

/// The policy with every kind at its default.
pub fn default_policy() -> RetentionPolicy {
    RULES.iter().map(|r| (r, r.default_days)).collect()
}

/// What one pass did (or, dry, would do) to one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindOutcome {
    /// The kind.
    pub rule: &'static RetentionRule,
    /// Days kept (0: for ever).
    pub days: i64,
    /// Records removed or cleared (would be, dry); `None` when kept for ever.
    pub count: Option<u64>,
}

/// Applies `policy` as of `now`; with `dry_run` only counts. A real pass writes one audit
/// entry with the counts, in the same transaction as the deletions.
pub async fn run_retention(
    store: &dyn Store,
    policy: &[(&'static RetentionRule, i64)],
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<Vec<KindOutcome>, picket_store::StoreError> {
    let active: Vec<(&RetentionRule, DateTime<Utc>)> = policy
        .iter()
        .filter(|(_, days)| *days > 0)
        .map(|(rule, days)| (*rule, now - Duration::days(*days)))
        .collect();
    let counts = if dry_run {
        let mut counts = Vec::with_capacity(active.len());
        for (rule, cutoff) in &active {
            counts.push(store.retention_due(rule, *cutoff).await?);
        }
        counts
    } else {
        // The deletions and the run's audit entry commit together.
        let mut work = store.begin().await?;
        let counts = work.apply_retention(&active).await?;
        work.audit(run_entry(&active, &counts)).await?;
        work.commit().await?;
        counts
    };
    let mut counts = counts.into_iter();
    Ok(policy
        .iter()
        .map(|(rule, days)| KindOutcome {
            rule,
            days: *days,
            count: if *days > 0 { counts.next() } else { None },
        })
        .collect())
}

/// Runs retention at once and then every `every` until `stop` resolves.
pub async fn retention_loop(
    store: std::sync::Arc<dyn Store>,
    policy: RetentionPolicy,
    every: std::time::Duration,
    stop: impl Future<Output = ()>,
) {
    tokio::pin!(stop);
    loop {
        match run_retention(&*store, &policy, Utc::now(), false).await {
            Ok(outcomes) => {
                let done: u64 = outcomes.iter().filter_map(|o| o.count).sum();
                tracing::info!(records = done, "retention pass done");
            }
            Err(e) => tracing::warn!(error = %e, "retention pass failed"),
        }
        tokio::select! {
            _ = &mut stop => break,
            _ = tokio::time::sleep(every) => {}
        }
    }
}
