//! The outbox: email queued in the same transaction as the change that causes it, delivered by a worker.

use crate::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// The outbox: email queued in the same transaction as the change that causes it, delivered by a worker.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Queues an email; a repeated `idempotency_key` is ignored and returns the first job's id.
    async fn enqueue_email(&self, email: NewOutboxEmail) -> StoreResult<i64>;
    /// Claims up to `limit` due jobs for `worker` until `lease_until`. Jobs whose lease lapsed
    /// (a worker died) are due again.
    async fn claim_jobs(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxJob>>;
    /// Says that a claimed `send_once` job is about to be handed to the mail server; `false`
    /// when the worker's claim has lapsed (another worker may have it: do not send). Should
    /// the worker die now, the job is given up when its lease runs out, never sent again.
    async fn start_sending(&self, id: i64, worker: &str, now: DateTime<Utc>) -> StoreResult<bool>;
    /// Marks a claimed job sent.
    async fn complete_job(&self, id: i64, worker: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Records a failed attempt: retried at `retry_at`, or given up when `retry_at` is `None`.
    async fn fail_job(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> StoreResult<()>;
    /// Counts jobs by status, for operators and tests.
    async fn outbox_counts(&self) -> StoreResult<OutboxCounts>;
}
