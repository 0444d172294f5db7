//! The one SQL implementation of [`Store`](crate::Store), shared by both backends.
//!
//! Queries use `$n` placeholders, integer ids, `BIGINT` Unix seconds for instants and ISO
//! `TEXT` for calendar dates, so the same text runs on SQLite and PostgreSQL through sqlx's
//! `Any` driver. Where the engines differ (row locking) the [`Backend`] decides.

mod archive;
mod audit;
mod auth;
mod ballots;
mod bargaining;
mod correspondence;
mod decode;
mod directory;
mod dispute_edits;
mod disputes;
mod eaction_signing;
mod eactions;
mod events;
mod fund;
mod hardship;
mod member_data;
mod member_edits;
mod members;
mod members_import;
mod monitor;
mod outbox;
mod pickets;
mod retention;
mod shifts;
mod signups;
mod sites;
mod strike_days;
mod strike_pay;
mod turnout;
mod unit;
mod wall;

pub use unit::SqlWork;

pub(crate) use decode::{corrupt, count, found, from_secs, to_secs};

use crate::{Backend, StoreError, StoreResult};
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::AnyPool;
use std::time::Duration;

/// A store over an `Any` pool connected to SQLite or PostgreSQL.
#[derive(Clone)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
    events: tokio::sync::broadcast::Sender<crate::events::StoreEvent>,
}

impl SqlStore {
    /// Wraps a pool already connected and migrated by a backend crate.
    pub fn new(pool: AnyPool, backend: Backend) -> Self {
        Self {
            pool,
            backend,
            events: tokio::sync::broadcast::channel(1024).0,
        }
    }

    /// Where a backend's listener delivers events that arrived from other processes.
    pub fn event_sender(&self) -> tokio::sync::broadcast::Sender<crate::events::StoreEvent> {
        self.events.clone()
    }

    /// The pool, for backend crates (backups, listeners) and tests.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes fails outright
    /// when another connection wrote in between, whatever the busy timeout.
    pub async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Makes the write transactions that name the same `key` in `space` take turns until
    /// each ends, so a limit counted inside one of them cannot be raced by another. SQLite
    /// needs nothing more: [`Self::begin_write`] already holds its one write lock. PostgreSQL
    /// takes a transaction-scoped advisory lock on the pair; take them in the same order
    /// everywhere (lowest `space` first) so two transactions never wait on each other.
    pub(crate) async fn take_turn(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        space: TurnSpace,
        key: &str,
    ) -> StoreResult<()> {
        self.take_turns(tx, space, &[key]).await
    }

    /// [`Self::take_turn`] for several keys of one space at once, taken in the order of their
    /// lock numbers (the same for every caller, so two callers sharing keys cannot deadlock).
    pub(crate) async fn take_turns(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        space: TurnSpace,
        keys: &[&str],
    ) -> StoreResult<()> {
        if self.backend != Backend::Postgres {
            return Ok(());
        }
        let mut locks: Vec<i32> = keys.iter().map(|key| turn_lock(key)).collect();
        locks.sort_unstable();
        locks.dedup();
        for lock in locks {
            // Wrapped in a count: sqlx's Any driver cannot decode PostgreSQL's `void`.
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM (SELECT pg_advisory_xact_lock($1, $2)) AS turn",
            )
            .bind(space as i32)
            .bind(lock)
            .fetch_one(&mut **tx)
            .await?;
        }
        Ok(())
    }

    /// Opens every connection the pool may hold and runs the public forms' statements on each
    /// (see [`PoolConfig::warm`]), so the first crowd after a start finds them ready. Called
    /// after migrating: connections opened before it found no tables to prepare against. An
    /// error here is a statement that no longer fits the schema.
    pub async fn warm_connections(&self) -> StoreResult<()> {
        let mut held = Vec::new();
        for _ in 0..self.pool.options().get_max_connections() {
            let mut conn = self.pool.acquire().await?;
            signups::warm_up(&mut conn, self.backend).await?;
            held.push(conn);
        }
        Ok(())
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// `INSERT INTO {table} (…)` from the rows of a JSON array of objects bound as `$1`:
/// `columns` names each column (the objects' key) and its PostgreSQL type. However many rows
/// a batch has, the statement's text is the same, so each connection prepares it once and the
/// database parses and plans it once; a multi-row `VALUES` list is a new statement for every
/// count of rows (thousands of bound values for the database to parse each time). On SQLite
/// the `SELECT` ends in `WHERE true`, so an `ON CONFLICT` after it is read as the upsert's.
/// Bind the rows with [`json_rows`].
pub(crate) fn insert_json_rows(backend: Backend, table: &str, columns: &[(&str, &str)]) -> String {
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let names = names.join(", ");
    let source = match backend {
        Backend::Postgres => {
            let types: Vec<String> = columns
                .iter()
                .map(|(name, ty)| format!("{name} {ty}"))
                .collect();
            format!(
                "SELECT {names} FROM jsonb_to_recordset($1::jsonb) AS r({})",
                types.join(", ")
            )
        }
        Backend::Sqlite => {
            let values: Vec<String> = columns
                .iter()
                .map(|(name, _)| format!("json_extract(value, '$.{name}')"))
                .collect();
            format!("SELECT {} FROM json_each($1) WHERE true", values.join(", "))
        }
    };
    format!("INSERT INTO {table} ({names}) {source}")
}

/// The rows for [`insert_json_rows`], as the one value to bind.
pub(crate) fn json_rows(rows: Vec<serde_json::Value>) -> String {
    serde_json::Value::Array(rows).to_string()
}

/// Appends `rows` groups of `columns` placeholders to a multi-row `VALUES` list:
/// `($1, $2), ($3, $4)` on PostgreSQL, `(?, ?), (?, ?)` on SQLite. SQLite finds a numbered
/// `$n` parameter by name among those already seen, which grows with the square of their
/// count: with thousands to a statement, numbered placeholders made its multi-row writes
/// tens of times slower. The statement must bind nothing else.
pub(crate) fn push_value_rows(sql: &mut String, rows: usize, columns: usize, backend: Backend) {
    use std::fmt::Write as _;
    sql.reserve(rows * columns * 6);
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..columns {
            if c > 0 {
                sql.push_str(", ");
            }
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => {
                    let _ = write!(sql, "${}", r * columns + c + 1);
                }
            }
        }
        sql.push(')');
    }
}

/// The lock number of a key within its space: the first four bytes of its SHA-256.
fn turn_lock(key: &str) -> i32 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(key.as_bytes());
    i32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// The kinds of key that [`SqlStore::take_turn`] serialises on, in the order they are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TurnSpace {
    /// The keys a sign-in or sign-in link attempt is counted under (account, address, pair).
    Attempt = 0,
    /// Posts from one hashed address (the wall's rate limit).
    WallAddress = 1,
    /// The same words on one wall (the wall's duplicate check).
    WallContent = 2,
    /// What one member is owed in strike pay (a payment checked against it).
    StrikePayOwed = 3,
    /// A campaign's target (the delivery job's hourly count).
    EactionTarget = 4,
}

/// How a backend crate wants its pool.
#[derive(Debug, Clone)]
pub struct PoolConfig {
    /// Connection URL (`sqlite://…` or `postgres://…`).
    pub url: String,
    /// Most connections held open.
    pub max_connections: u32,
    /// How long to wait for the database at start before giving up.
    pub connect_timeout: Duration,
    /// For a server: every connection is opened at once and kept, and each runs the public
    /// forms' statements when it opens ([`SqlStore::warm_connections`]).
    pub warm: bool,
    /// The engine, for the statements a warm connection runs.
    pub backend: Backend,
}

/// Opens a pool, running `init` (pragmas, settings) on every new connection.
pub async fn open_pool(config: &PoolConfig, init: &'static [&'static str]) -> StoreResult<AnyPool> {
    sqlx::any::install_default_drivers();
    let (warm, backend) = (config.warm, config.backend);
    let mut options = AnyPoolOptions::new()
        .max_connections(config.max_connections)
        .acquire_timeout(config.connect_timeout);
    if warm {
        options = options
            .min_connections(config.max_connections)
            .idle_timeout(None);
    }
    options
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                for statement in init {
                    sqlx::query(statement).execute(&mut *conn).await?;
                }
                if warm {
                    warm_up(conn, backend).await;
                }
                Ok(())
            })
        })
        .connect(&config.url)
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))
}

/// Runs on `conn` the statements a crowd on a public form runs (matching nothing), so they
/// are prepared before the crowd comes. A failure is no reason to refuse the connection (a
/// database not yet migrated has no tables to prepare them against).
async fn warm_up(conn: &mut sqlx::AnyConnection, backend: Backend) {
    if let Err(e) = signups::warm_up(conn, backend).await {
        tracing::debug!(error = %e, "a new connection could not prepare the public forms' statements");
    }
}

/// Applies `migrator` to the pool, first refusing a database migrated by a newer Picket.
pub async fn migrate(pool: &AnyPool, migrator: &Migrator) -> StoreResult<()> {
    let known = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    // The table is absent on a fresh database; any error here means "nothing applied yet".
    let found: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(pool)
        .await
        .unwrap_or(None);
    if let Some(found) = found {
        if found > known {
            return Err(StoreError::SchemaTooNew { found, known });
        }
    }
    migrator
        .run(pool)
        .await
        .map_err(|e| StoreError::Migrate(e.to_string()))
}

/// The newest schema version recorded in the database, if any.
pub async fn schema_version(pool: &AnyPool) -> StoreResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
            .fetch_one(pool)
            .await?,
    )
}

pub use members_import::REPORT_CHANGES;
pub use outbox::enqueue_email_on;

#[async_trait::async_trait]
impl crate::Store for SqlStore {
    fn backend(&self) -> Backend {
        self.backend
    }

    async fn begin(&self) -> StoreResult<Box<dyn crate::UnitOfWork>> {
        Ok(Box::new(SqlWork::begin(self).await?))
    }

    async fn health(&self) -> StoreResult<()> {
        let one: i64 = sqlx::query_scalar("SELECT 1").fetch_one(&self.pool).await?;
        debug_assert_eq!(one, 1);
        Ok(())
    }
}
