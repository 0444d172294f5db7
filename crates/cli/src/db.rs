//! The one place that names a concrete backend: the database URL decides which.

use anyhow::Context;
use picket_store::sql::SqlStore;
use picket_store::StoreError;
use picket_web::settings::redact_url;
use picket_web::Settings;

/// Opens the configured database and applies migrations.
pub async fn open_and_migrate(settings: &Settings) -> anyhow::Result<SqlStore> {
    open_url(
        settings.database_url.expose(),
        settings.database_max_connections,
    )
    .await
}

/// Opens a database by URL and applies migrations.
pub async fn open_url(url: &str, max_connections: u32) -> anyhow::Result<SqlStore> {
    open(url, max_connections, false).await
}

/// [`open_url`] for a server: on PostgreSQL every connection is opened at start, kept, and
/// has the public forms' statements ready before the first crowd.
pub async fn open_to_serve(url: &str, max_connections: u32) -> anyhow::Result<SqlStore> {
    open(url, max_connections, true).await
}

async fn open(url: &str, max_connections: u32, serve: bool) -> anyhow::Result<SqlStore> {
    let result = if picket_store_sqlite::handles(url) {
        picket_store_sqlite::connect(url, max_connections).await
    } else if picket_store_postgres::handles(url) {
        match serve {
            true => picket_store_postgres::connect_to_serve(url, max_connections).await,
            false => picket_store_postgres::connect(url, max_connections).await,
        }
    } else {
        return Err(crate::usage(format!(
            "`database_url` must start with sqlite:// or postgres://, not `{}`",
            redact_url(url)
        )));
    };
    result
        .map_err(|e| match e {
            StoreError::Unavailable(why) => {
                anyhow::anyhow!("cannot reach the database at {}: {why}", redact_url(url))
            }
            other => anyhow::Error::new(other),
        })
        .with_context(|| format!("opening the database {}", redact_url(url)))
}

/// On PostgreSQL, starts listening for events other processes publish (live wall updates
/// across several `picket serve` processes). SQLite serves one process and needs nothing.
pub async fn start_events(url: &str, store: &SqlStore) -> anyhow::Result<()> {
    if picket_store_postgres::handles(url) {
        picket_store_postgres::start_listener(url, store.event_sender())
            .await
            .map_err(|e| anyhow::anyhow!("listening for events on {}: {e}", redact_url(url)))?;
    }
    Ok(())
}
