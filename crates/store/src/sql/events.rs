//! Events: `NOTIFY` on PostgreSQL, straight to local subscribers on SQLite.

use super::SqlStore;
use crate::events::{EventStore, StoreEvent, NOTIFY_CHANNEL};
use crate::{Backend, StoreError, StoreResult};
use async_trait::async_trait;

#[async_trait]
impl EventStore for SqlStore {
    async fn publish(&self, event: StoreEvent) -> StoreResult<()> {
        match self.backend {
            Backend::Sqlite => {
                // No subscriber is fine: nobody has the page open.
                let _ = self.events.send(event);
            }
            Backend::Postgres => {
                let text = serde_json::to_string(&event)
                    .map_err(|e| StoreError::Migrate(e.to_string()))?;
                sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(NOTIFY_CHANNEL)
                    .bind(text)
                    .execute(self.pool())
                    .await?;
            }
        }
        Ok(())
    }

    fn subscribe(&self) -> tokio::sync::broadcast::Receiver<StoreEvent> {
        self.events.subscribe()
    }
}
