//! The PostgreSQL backend: the scale-out engine, for a region or a whole union with several
//! stateless `picket serve` processes behind a load balancer.
//!
//! The SQL itself is shared ([`picket_store::sql::SqlStore`]); this crate carries
//! PostgreSQL's migrations and the connection settings.

use picket_store::sql::{migrate, open_pool, PoolConfig, SqlStore};
use picket_store::{Backend, StoreResult};
use sqlx::migrate::Migrator;
use std::time::Duration;

/// PostgreSQL's migrations, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Settings applied to every connection: times are UTC, and no statement runs forever.
const INIT: &[&str] = &["SET TIME ZONE 'UTC'", "SET statement_timeout = '30s'"];

/// Whether `url` names a PostgreSQL database.
pub fn handles(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Connects without migrating.
pub async fn open(url: &str, max_connections: u32) -> StoreResult<SqlStore> {
    open_with(url, max_connections, false).await
}

async fn open_with(url: &str, max_connections: u32, warm: bool) -> StoreResult<SqlStore> {
    let config = PoolConfig {
        url: url.to_string(),
        max_connections: max_connections.max(1),
        connect_timeout: Duration::from_secs(10),
        warm,
        backend: Backend::Postgres,
    };
    let pool = open_pool(&config, INIT).await?;
    Ok(SqlStore::new(pool, Backend::Postgres))
}

/// Opens and migrates, keeping every connection open and ready for the public forms'
/// statements ([`PoolConfig::warm`](picket_store::sql::PoolConfig::warm)): what `picket
/// serve` does at start.
pub async fn connect_to_serve(url: &str, max_connections: u32) -> StoreResult<SqlStore> {
    let store = open_with(url, max_connections, true).await?;
    migrate(store.pool(), &MIGRATOR).await?;
    store.warm_connections().await?;
    Ok(store)
}

/// Opens and migrates (for commands and tests; a server uses [`connect_to_serve`]).
pub async fn connect(url: &str, max_connections: u32) -> StoreResult<SqlStore> {
    let store = open(url, max_connections).await?;
    migrate(store.pool(), &MIGRATOR).await?;
    Ok(store)
}

/// Applies pending migrations.
pub async fn run_migrations(store: &SqlStore) -> StoreResult<()> {
    migrate(store.pool(), &MIGRATOR).await
}

/// Listens for events every process publishes (`NOTIFY picket_events`) and hands them to this
/// process's subscribers. Returns once listening, so nothing published afterwards is missed;
/// the listener then reconnects after a lost connection and runs until the runtime stops.
/// `picket serve` starts one; commands that do not serve pages need none.
pub async fn start_listener(
    url: &str,
    sender: tokio::sync::broadcast::Sender<picket_store::StoreEvent>,
) -> StoreResult<tokio::task::JoinHandle<()>> {
    let first = connect_listener(url)
        .await
        .map_err(|e| picket_store::StoreError::Unavailable(e.to_string()))?;
    let url = url.to_string();
    Ok(tokio::spawn(async move {
        let mut listener = Some(first);
        loop {
            if let Some(l) = listener.take() {
                if let Err(e) = forward(l, &sender).await {
                    tracing::warn!(error = %e, "event listener lost its connection; reconnecting");
                }
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
            match connect_listener(&url).await {
                Ok(l) => listener = Some(l),
                Err(e) => tracing::warn!(error = %e, "event listener cannot reconnect yet"),
            }
        }
    }))
}

async fn connect_listener(url: &str) -> Result<sqlx::postgres::PgListener, sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect(url).await?;
    listener
        .listen(picket_store::events::NOTIFY_CHANNEL)
        .await?;
    Ok(listener)
}

async fn forward(
    mut listener: sqlx::postgres::PgListener,
    sender: &tokio::sync::broadcast::Sender<picket_store::StoreEvent>,
) -> Result<(), sqlx::Error> {
    loop {
        let notification = listener.recv().await?;
        match serde_json::from_str::<picket_store::StoreEvent>(notification.payload()) {
            // Nobody subscribed is fine.
            Ok(event) => drop(sender.send(event)),
            Err(e) => tracing::warn!(error = %e, "ignored a malformed event"),
        }
    }
}
