//! The SQLite backend: the embedded default. One file, write-ahead logging, foreign keys on.
//!
//! The SQL itself is shared ([`picket_store::sql::SqlStore`]); this crate opens the file with
//! the right pragmas and carries SQLite's migrations.

use picket_store::sql::{migrate, open_pool, PoolConfig, SqlStore};
use picket_store::{Backend, StoreError, StoreResult};
use sqlx::migrate::Migrator;
use std::time::Duration;

/// SQLite's migrations, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Pragmas applied to every connection: WAL lets readers run beside the one writer, and a
/// busy timeout makes concurrent writers wait instead of failing. `synchronous = FULL` makes
/// SQLite sync the write-ahead log at every commit, so a write Picket has acknowledged (a
/// wall post, a ledger entry, an import) survives a power cut; `NORMAL` in WAL mode may lose
/// the last commits then, which a strike fund cannot accept.
const INIT: &[&str] = &[
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 10000",
];

/// Whether `url` names a SQLite database.
pub fn handles(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// Opens (creating if absent) the SQLite database at `url` without migrating it.
pub async fn open(url: &str, max_connections: u32) -> StoreResult<SqlStore> {
    let url = with_create_mode(url);
    let config = PoolConfig {
        url,
        max_connections: max_connections.max(1),
        connect_timeout: Duration::from_secs(10),
        warm: false,
        backend: Backend::Sqlite,
    };
    let pool = open_pool(&config, INIT).await?;
    Ok(SqlStore::new(pool, Backend::Sqlite))
}

/// Opens and migrates: what `picket serve` does at start. (A SQLite connection prepares a
/// statement in microseconds and has no server process to start, so unlike PostgreSQL's
/// `connect_to_serve` nothing is opened ahead.)
pub async fn connect(url: &str, max_connections: u32) -> StoreResult<SqlStore> {
    let store = open(url, max_connections).await?;
    migrate(store.pool(), &MIGRATOR).await?;
    Ok(store)
}

/// Applies pending migrations.
pub async fn run_migrations(store: &SqlStore) -> StoreResult<()> {
    migrate(store.pool(), &MIGRATOR).await
}

/// `sqlite://PATH` opens read-write and creates the file if it is absent, unless the URL
/// already says how to open it.
fn with_create_mode(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// Refuses URLs that are not SQLite's.
pub fn check_url(url: &str) -> StoreResult<()> {
    if handles(url) {
        Ok(())
    } else {
        Err(StoreError::Unavailable(format!(
            "`{}` is not a sqlite:// URL",
            url.split('?').next().unwrap_or_default()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_mode_is_added_once() {
        assert_eq!(with_create_mode("sqlite://a.db"), "sqlite://a.db?mode=rwc");
        assert_eq!(
            with_create_mode("sqlite://a.db?mode=ro"),
            "sqlite://a.db?mode=ro"
        );
        assert_eq!(
            with_create_mode("sqlite://a.db?cache=shared"),
            "sqlite://a.db?cache=shared&mode=rwc"
        );
    }
}
