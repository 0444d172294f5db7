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
    let config = PoolConfig {
        url: url.to_string(),
        max_connections: max_connections.max(1),
        connect_timeout: Duration::from_secs(10),
    };
    let pool = open_pool(&config, INIT).await?;
    Ok(SqlStore::new(pool, Backend::Postgres))
}

/// Connects and migrates: what `picket serve` does at start.
pub async fn connect(url: &str, max_connections: u32) -> StoreResult<SqlStore> {
    let store = open(url, max_connections).await?;
    migrate(store.pool(), &MIGRATOR).await?;
    Ok(store)
}

/// Applies pending migrations.
pub async fn run_migrations(store: &SqlStore) -> StoreResult<()> {
    migrate(store.pool(), &MIGRATOR).await
}
