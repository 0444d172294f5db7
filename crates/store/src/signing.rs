//! Group commit for signatures: many supporters signing at once share transactions.
//!
//! A commit that must reach the disk costs the same for one row as for a hundred, so a burst
//! of signatures written one per transaction is held to the disk's pace. The
//! [`SignatureWriter`] queues each signature on a channel; a few writer tasks each take
//! whatever is waiting (up to [`WriterConfig::max_batch`]), write it in one unit of work with
//! [`EactionWrites::sign_batch`](crate::EactionWrites::sign_batch), commit, and only then
//! answer each caller. A caller told [`SignOutcome::Signed`] has a signature that is on disk.
//!
//! With one writer (SQLite), a crowd signing as fast as it is answered would split in two
//! halves taking turns, each waiting out the other's commit: the writer answers one batch
//! and at once takes the few that were waiting meanwhile. So after a commit the writer
//! expects the batch it answered plus those that were waiting, and waits up to
//! [`WriterConfig::gather`] (1 ms on SQLite) for them before it writes; a lone signature
//! after a quiet spell is written at once.
//!
//! Each campaign whose count went up is announced (`eaction.signed`, for its live count) after
//! the batch's callers are answered, by a task of its own that gathers what the batches
//! counted and announces each campaign at most every 100 ms: on PostgreSQL an announcement is
//! a `NOTIFY`, a transaction of its own, so one per batch would cost a burst as much again.
//!
//! Nothing one supporter sends can fail the others' commit: each signature is checked before
//! it is queued, and the batch handles a repeated email row by row. Should a batch fail all
//! the same (the database went away, say), each of its signatures is tried again in a unit of
//! its own, so only the ones that fail alone report an error.

use crate::eactions::{NewSignature, SignOutcome};
use crate::{Backend, Store, StoreError, StoreEvent, StoreResult};
use std::sync::Arc;
use std::time::Duration;
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
    /// How long a writer may wait for the signatures it expects (see the module's
    /// documentation) before it writes what it has. Zero: never wait.
    pub gather: Duration,
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
            gather: match backend {
                Backend::Sqlite => Duration::from_millis(1),
                Backend::Postgres => Duration::ZERO,
            },
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
        let (announcer, announcements) = mpsc::unbounded_channel();
        tokio::spawn(announce_counts(store.clone(), announcements));
        for _ in 0..config.writers.max(1) {
            tokio::spawn(write_batches(
                store.clone(),
                receiver.clone(),
                announcer.clone(),
                config.max_batch.max(1),
                config.gather,
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

/// One writer task: takes what is waiting (and what it expects, for up to `gather`), writes
/// it, answers, and again.
async fn write_batches(
    store: Arc<dyn Store>,
    receiver: Arc<Mutex<mpsc::Receiver<(NewSignature, Reply)>>>,
    announcer: mpsc::UnboundedSender<Vec<(i64, i64)>>,
    max_batch: usize,
    gather: Duration,
) {
    let mut expected = 0;
    loop {
        let mut batch = Vec::new();
        {
            // One task gathers at a time; it lets go before it writes, so another can gather
            // the next batch while this one commits.
            let mut receiver = receiver.lock().await;
            if receiver.recv_many(&mut batch, max_batch).await == 0 {
                return;
            }
            let until = tokio::time::Instant::now() + gather;
            while batch.len() < expected.min(max_batch) {
                let room = max_batch - batch.len();
                match tokio::time::timeout_at(until, receiver.recv_many(&mut batch, room)).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        }
        let (signatures, replies): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
        match write(&store, &signatures).await {
            Ok(outcomes) => {
                let counted = counted(&signatures, &outcomes);
                let waiting = receiver.try_lock().map_or(0, |r| r.len());
                expected = if gather.is_zero() {
                    0
                } else {
                    signatures.len() + waiting
                };
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    // A caller that gave up waiting is no reason to stop.
                    let _ = reply.send(outcome);
                }
                // Announced after the answers, so no supporter waits for it.
                let _ = announcer.send(counted);
            }
            Err(e) => {
                tracing::warn!(error = %e, signatures = signatures.len(), "a batch of signatures failed; writing each alone");
                for (signature, reply) in signatures.into_iter().zip(replies) {
                    let alone = std::slice::from_ref(&signature);
                    match write(&store, alone).await {
                        Ok(mut outcomes) => {
                            let counted = counted(alone, &outcomes);
                            let _ = reply.send(outcomes.pop().unwrap_or(Err(StoreError::NotFound)));
                            let _ = announcer.send(counted);
                        }
                        Err(e) => {
                            let _ = reply.send(Err(e));
                        }
                    }
                }
            }
        }
    }
}

/// The topic of the event a campaign's count changed by: `{"branch":1,"eaction":2}`.
pub const SIGNED: &str = "eaction.signed";

/// Writes a batch in one unit of work and commits it.
async fn write(
    store: &Arc<dyn Store>,
    batch: &[NewSignature],
) -> StoreResult<Vec<StoreResult<SignOutcome>>> {
    let mut work = store.begin().await?;
    let outcomes = work.sign_batch(batch).await?;
    work.commit().await?;
    Ok(outcomes)
}

/// The campaigns (branch, campaign) whose count a committed batch raised, each once.
fn counted(batch: &[NewSignature], outcomes: &[StoreResult<SignOutcome>]) -> Vec<(i64, i64)> {
    let mut counted: Vec<(i64, i64)> = batch
        .iter()
        .zip(outcomes)
        .filter(|(_, o)| matches!(o, Ok(SignOutcome::Signed { .. })))
        .map(|(s, _)| (s.branch.0, s.eaction.0))
        .collect();
    counted.sort_unstable();
    counted.dedup();
    counted
}

/// How often, at most, the campaigns whose counts went up are announced: a burst of batches
/// makes one event a campaign per interval, not one per batch (on PostgreSQL each event is a
/// `NOTIFY`, a transaction of its own, and each wakes every process's listener).
const ANNOUNCE_EVERY: Duration = Duration::from_millis(100);

/// Announces the campaigns the writers' committed batches counted: the first at once, then
/// whatever came in meanwhile, each campaign once, at most every [`ANNOUNCE_EVERY`]. Ends when
/// the writers have stopped and everything they sent is announced.
async fn announce_counts(
    store: Arc<dyn Store>,
    mut counted: mpsc::UnboundedReceiver<Vec<(i64, i64)>>,
) {
    while let Some(first) = counted.recv().await {
        let mut due: std::collections::BTreeSet<(i64, i64)> = first.into_iter().collect();
        while let Ok(more) = counted.try_recv() {
            due.extend(more);
        }
        if due.is_empty() {
            continue;
        }
        announce(&store, due).await;
        tokio::time::sleep(ANNOUNCE_EVERY).await;
    }
}

/// Tells open pages' live counts that `counted` campaigns went up. The signatures are stored
/// already; a page that misses the event catches up on its next poll.
async fn announce(store: &Arc<dyn Store>, counted: impl IntoIterator<Item = (i64, i64)>) {
    for (branch, eaction) in counted {
        let event = StoreEvent {
            topic: SIGNED.into(),
            payload: format!("{{\"branch\":{branch},\"eaction\":{eaction}}}"),
        };
        if let Err(e) = store.publish(event).await {
            tracing::warn!(error = %e, "an event could not be published after its change was stored");
        }
    }
}
