//! The outbox worker: delivers queued email.
//!
//! Features write an email into the outbox in the same transaction as the change that causes
//! it. The worker claims due jobs with a lease (so any number of workers, in any number of
//! processes, never send one job twice at once), sends each through the [`Mailer`], and on a
//! temporary failure retries with exponential back-off until the job's maximum attempts.
//! A permanent failure (the server refused the address) is given up at once, and so is an
//! email queued "send once" whose connection broke after the conversation began (the server
//! may have taken it; a second copy is the worse outcome).
//!
//! The [`retention`] pass, run daily by `picket serve`, lives here too.

pub mod eactions;
pub mod pickets;
pub mod retention;

use anyhow::Context;
use chrono::Utc;
use picket_domain::OutboxJobId;
use picket_mail::{Mailer, OutgoingEmail};
use picket_store::{NewOutboxEmail, Store, UnitOfWork};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// How the worker paces itself.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// This worker's name in lease records (host and process id by default).
    pub worker_id: String,
    /// Pause between polls when the outbox is empty.
    pub poll_interval: Duration,
    /// How long a claim is held before another worker may take the job.
    pub lease: Duration,
    /// Jobs claimed per poll.
    pub batch: u32,
    /// Wait before the first retry; doubled for each further attempt.
    pub base_backoff: Duration,
    /// The longest wait between retries.
    pub max_backoff: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            worker_id: format!("worker-{}", std::process::id()),
            poll_interval: Duration::from_secs(5),
            lease: Duration::from_secs(120),
            batch: 20,
            base_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(6 * 3600),
        }
    }
}

/// The wait before retrying after `attempt` failed attempts: `base × 2^(attempt−1)`, capped.
pub fn backoff(attempt: u32, base: Duration, max: Duration) -> Duration {
    let factor = 2_u32.saturating_pow(attempt.saturating_sub(1).min(30));
    base.saturating_mul(factor).min(max)
}

/// What one pass over the outbox did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassStats {
    /// Jobs claimed.
    pub claimed: usize,
    /// Delivered.
    pub sent: usize,
    /// Failed and scheduled for a retry.
    pub retrying: usize,
    /// Failed for good.
    pub given_up: usize,
}

/// Delivers outbox jobs.
pub struct OutboxWorker {
    store: Arc<dyn Store>,
    mailer: Arc<dyn Mailer>,
    config: WorkerConfig,
}

impl OutboxWorker {
    /// A worker over this store and mailer.
    pub fn new(store: Arc<dyn Store>, mailer: Arc<dyn Mailer>, config: WorkerConfig) -> Self {
        Self {
            store,
            mailer,
            config,
        }
    }

    /// Claims one batch of due jobs and tries each once.
    pub async fn run_once(&self) -> anyhow::Result<PassStats> {
        let now = Utc::now();
        let lease = chrono::Duration::from_std(self.config.lease).context("lease too long")?;
        let jobs = self
            .store
            .claim_jobs(&self.config.worker_id, now, now + lease, self.config.batch)
            .await
            .context("claiming outbox jobs")?;
        let mut stats = PassStats {
            claimed: jobs.len(),
            ..PassStats::default()
        };
        for job in jobs {
            // An email that must not arrive twice is marked as being handed over first: should
            // this worker die during the send, it is given up rather than sent again.
            if job.send_once
                && !self
                    .store
                    .start_sending(job.id, &self.config.worker_id, Utc::now())
                    .await
                    .context("marking an email as being sent")?
            {
                continue;
            }
            // An email that must not arrive twice is given up, too, when the connection broke
            // after the conversation began: the server may have it already.
            let outcome = match serde_json::from_str::<OutgoingEmail>(&job.payload) {
                Ok(email) => self.mailer.send(&email).await.map_err(|e| {
                    let give_up = e.is_permanent() || (job.send_once && e.may_have_arrived());
                    (give_up, e.to_string())
                }),
                Err(e) => Err((true, format!("unreadable outbox payload: {e}"))),
            };
            match outcome {
                Ok(()) => {
                    self.store
                        .complete_job(job.id, &self.config.worker_id, Utc::now())
                        .await?;
                    stats.sent += 1;
                }
                Err((permanent, message)) => {
                    let retry_at = (!permanent && job.attempts < job.max_attempts).then(|| {
                        let wait = backoff(
                            job.attempts,
                            self.config.base_backoff,
                            self.config.max_backoff,
                        );
                        Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default()
                    });
                    // Job ids only: the message may name the recipient.
                    tracing::warn!(
                        job = job.id,
                        attempt = job.attempts,
                        permanent,
                        "email delivery failed"
                    );
                    if retry_at.is_some() {
                        stats.retrying += 1;
                    } else {
                        stats.given_up += 1;
                    }
                    self.store
                        .fail_job(job.id, &self.config.worker_id, &message, retry_at)
                        .await?;
                }
            }
        }
        Ok(stats)
    }

    /// Polls until `shutdown` resolves, finishing the batch in hand first.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tracing::info!(worker = %self.config.worker_id, mailer = %self.mailer.describe(), "outbox worker started");
        tokio::pin!(shutdown);
        loop {
            let pause = match self.run_once().await {
                Ok(stats) if stats.claimed as u32 >= self.config.batch => Duration::ZERO,
                Ok(_) => self.config.poll_interval,
                Err(e) => {
                    tracing::error!(error = %e, "outbox pass failed");
                    self.config.poll_interval
                }
            };
            tokio::select! {
                _ = &mut shutdown => break,
                _ = tokio::time::sleep(pause) => {}
            }
        }
        tracing::info!("outbox worker stopped");
    }
}

/// Queues `email` in `work`, the change that causes it: it is sent only if the change is
/// committed. A repeated `idempotency_key` queues it only once.
pub async fn queue_email(
    work: &mut dyn UnitOfWork,
    email: &OutgoingEmail,
    idempotency_key: Option<String>,
    max_attempts: u32,
) -> anyhow::Result<OutboxJobId> {
    queue(work, email, idempotency_key, max_attempts, false).await
}

/// [`queue_email`] for an email that must never arrive twice (a supporter's letter to a
/// target): should a worker die while handing it to the mail server, it is given up rather
/// than sent again. A failure the server reports is still retried.
pub async fn queue_email_once(
    work: &mut dyn UnitOfWork,
    email: &OutgoingEmail,
    idempotency_key: String,
    max_attempts: u32,
) -> anyhow::Result<OutboxJobId> {
    queue(work, email, Some(idempotency_key), max_attempts, true).await
}

async fn queue(
    work: &mut dyn UnitOfWork,
    email: &OutgoingEmail,
    idempotency_key: Option<String>,
    max_attempts: u32,
    send_once: bool,
) -> anyhow::Result<OutboxJobId> {
    let payload = serde_json::to_string(email).context("serialising email")?;
    Ok(work
        .enqueue_email(NewOutboxEmail {
            idempotency_key,
            payload,
            max_attempts,
            run_after: Utc::now(),
            send_once,
        })
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let base = Duration::from_secs(30);
        let max = Duration::from_secs(600);
        assert_eq!(backoff(1, base, max), Duration::from_secs(30));
        assert_eq!(backoff(2, base, max), Duration::from_secs(60));
        assert_eq!(backoff(3, base, max), Duration::from_secs(120));
        assert_eq!(backoff(10, base, max), max);
        assert_eq!(backoff(u32::MAX, base, max), max);
    }
}
