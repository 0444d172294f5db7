//! The unit of work over one write transaction.

use super::SqlStore;
use crate::events::{EventStore, StoreEvent};
use crate::{NewAuditEntry, NewOutboxEmail, StoreResult, UnitOfWork};
use async_trait::async_trait;
use picket_domain::OutboxJobId;

/// A change in progress: the transaction its writes go into, and the events to publish once
/// it commits.
pub struct SqlWork {
    pub(crate) tx: sqlx::Transaction<'static, sqlx::Any>,
    pub(crate) store: SqlStore,
    events: Vec<StoreEvent>,
}

impl SqlWork {
    pub(crate) async fn begin(store: &SqlStore) -> StoreResult<Self> {
        Ok(Self {
            tx: store.begin_write().await?,
            store: store.clone(),
            events: Vec::new(),
        })
    }

    /// The transaction's connection, for the statements of a change.
    pub(crate) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }
}

#[async_trait]
impl UnitOfWork for SqlWork {
    async fn audit(&mut self, entry: NewAuditEntry) -> StoreResult<()> {
        super::audit::audit_on(self.conn(), entry).await
    }

    async fn enqueue_email(&mut self, email: NewOutboxEmail) -> StoreResult<OutboxJobId> {
        super::outbox::enqueue_email_on(self.conn(), email)
            .await
            .map(OutboxJobId)
    }

    fn publish(&mut self, event: StoreEvent) {
        self.events.push(event);
    }

    async fn commit(self: Box<Self>) -> StoreResult<()> {
        let SqlWork { tx, store, events } = *self;
        tx.commit().await?;
        for event in events {
            // The change is stored; a page that misses the event catches up on its next poll.
            if let Err(e) = store.publish(event).await {
                tracing::warn!(error = %e, "an event could not be published after its change was stored");
            }
        }
        Ok(())
    }
}
