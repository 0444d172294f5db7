//! Group commit for signatures: many supporters signing at once share transactions.
//!
//! A commit that must reach the disk costs the same for one row as for a hundred, so a burst
//! of signatures written one per transaction is held to the disk's pace. The
//! [`SignatureWriter`] queues each signature on a channel; a few writer tasks each take
//! whatever is waiting (up to [`WriterConfig::max_batch`]), write it in one unit of work with
//! [`EactionWrites::sign_batch`](crate::EactionWrites::sign_batch), commit, and only then
//! answer each caller. A caller told [`SignOutcome::Signed`] has a signature that is on disk.
//!
//! Nothing one supporter sends can fail the others' commit: each signature is checked before
//! it is queued, and the batch handles a repeated email row by row. Should a batch fail all
//! the same (the database went away, say), each of its signatures is tried again in a unit of
//! its own, so only the ones that fail alone report an error.

use crate::eactions::{NewSignature, SignOutcome};
use crate::{Backend, Store, StoreError, StoreEvent, StoreResult};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Mutex};

/// How the writer batches.
#[derive(Debug, Clone, Copy)]
pub struct WriterConfig {
    /// The most signatures in one transaction.
    pub max_batch: usize,
    /// Writer tasks, each committing its own batches (SQLite writes one at a time however
    /// many there are; PostgreSQL commits several at once).
    pub writers: usize,
    /// Signatures that may wait for a writer before callers wait to queue theirs.
    pub queue: usize,
}

impl WriterConfig {
    /// The usual settings for an engine: SQLite has one writer (a second would only wait for
    /// the first's lock, in SQLite's busy handler, which sleeps); PostgreSQL has four, so
    /// one batch gathers while others commit.
    pub fn for_backend(backend: Backend) -> Self {
        Self {
            max_batch: 512,
            writers: match backend {
                Backend::Sqlite => 1,
                Backend::Postgres => 4,
            },
            queue: 8192,
        }
    }
}

type Reply = oneshot::Sender<StoreResult<SignOutcome>>;

/// Writes signatures in shared transactions and acknowledges each after its commit. Cheap to
/// clone; the writer tasks stop when the last clone is dropped, after finishing what is queued.
#[derive(Clone)]
pub struct SignatureWriter {
    queue: mpsc::Sender<(NewSignature, Reply)>,
}

impl SignatureWriter {
    /// Starts the writer tasks over `store` on the current Tokio runtime.
    pub fn start(store: Arc<dyn Store>, config: WriterConfig) -> SignatureWriter {
        let (queue, receiver) = mpsc::channel(config.queue.max(1));
        let receiver = Arc::new(Mutex::new(receiver));
        for _ in 0..config.writers.max(1) {
            tokio::spawn(write_batches(
                store.clone(),
                receiver.clone(),
                config.max_batch.max(1),
            ));
        }
        SignatureWriter { queue }
    }

    /// Writes one signature; returns once the transaction holding it has committed.
    pub async fn sign(&self, signature: NewSignature) -> StoreResult<SignOutcome> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send((signature, reply))
            .await
            .map_err(|_| StoreError::Unavailable("the signature writer has stopped".into()))?;
        answer.await.map_err(|_| {
            StoreError::Unavailable("the signature writer stopped before answering".into())
        })?
    }
}

/// One writer task: takes what is waiting, writes it, answers, and again.
async fn write_batches(
    store: Arc<dyn Store>,
    receiver: Arc<Mutex<mpsc::Receiver<(NewSignature, Reply)>>>,
    max_batch: usize,
) {
    loop {
        let mut batch = Vec::new();
        {
            // One task gathers at a time; it lets go before it writes, so another can gather
            // the next batch while this one commits.
            let mut receiver = receiver.lock().await;
            if receiver.recv_many(&mut batch, max_batch).await == 0 {
                return;
            }
        }
        let (signatures, replies): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
        match write(&store, &signatures).await {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    // A caller that gave up waiting is no reason to stop.
                    let _ = reply.send(outcome);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, signatures = signatures.len(), "a batch of signatures failed; writing each alone");
                for (signature, reply) in signatures.into_iter().zip(replies) {
                    let outcome = match write(&store, std::slice::from_ref(&signature)).await {
                        Ok(mut outcomes) => outcomes.pop().unwrap_or(Err(StoreError::NotFound)),
                        Err(e) => Err(e),
                    };
                    let _ = reply.send(outcome);
                }
            }
        }
    }
}

/// The topic of the event a campaign's count changed by: `{"branch":1,"eaction":2}`.
pub const SIGNED: &str = "eaction.signed";

/// Writes a batch in one unit of work and commits it; each campaign whose count went up is
/// announced once, after the commit, for open pages' live counts.
async fn write(
    store: &Arc<dyn Store>,
    batch: &[NewSignature],
) -> StoreResult<Vec<StoreResult<SignOutcome>>> {
    let mut work = store.begin().await?;
    let outcomes = work.sign_batch(batch).await?;
    let mut counted: Vec<(i64, i64)> = batch
        .iter()
        .zip(&outcomes)
        .filter(|(_, o)| matches!(o, Ok(SignOutcome::Signed { .. })))
        .map(|(s, _)| (s.branch.0, s.eaction.0))
        .collect();
    counted.sort_unstable();
    counted.dedup();
    for (branch, eaction) in counted {
        work.publish(StoreEvent {
            topic: SIGNED.into(),
            payload: format!("{{\"branch\":{branch},\"eaction\":{eaction}}}"),
        });
    }
    work.commit().await?;
    Ok(outcomes)
}
