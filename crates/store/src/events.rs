//! Events shared by every process on one database: a newly approved wall message on one
//! `picket serve` must reach the open pages served by all of them.
//!
//! On PostgreSQL an event travels by `NOTIFY` and each process's listener hands it to local
//! subscribers; on SQLite (one process) it goes straight to them.

use crate::StoreResult;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// The PostgreSQL channel every Picket process listens on.
pub const NOTIFY_CHANNEL: &str = "picket_events";

/// An event: a topic (e.g. `wall.approved`) and a small JSON payload (ids, not content:
/// `NOTIFY` payloads are limited to 8000 bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreEvent {
    /// What happened.
    pub topic: String,
    /// Which record, as JSON.
    pub payload: String,
}

/// Publishing and receiving events across processes.
#[async_trait]
pub trait EventStore: Send + Sync {
    /// Sends an event to every process sharing the database, this one included.
    async fn publish(&self, event: StoreEvent) -> StoreResult<()>;
    /// Events from every process, from now on.
    fn subscribe(&self) -> tokio::sync::broadcast::Receiver<StoreEvent>;
}
