//! Database factories for both backends.

use picket_store::sql::SqlStore;
use picket_store::{Backend, Store};
use sqlx::Connection;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use tempfile::TempDir;

/// The backend this test run uses, from `PICKET_TEST_BACKEND`.
pub fn test_backend() -> Backend {
    match std::env::var("PICKET_TEST_BACKEND").as_deref() {
        Ok("postgres") => Backend::Postgres,
        Ok("sqlite") | Err(_) => Backend::Sqlite,
        Ok(other) => panic!("PICKET_TEST_BACKEND must be sqlite or postgres, not `{other}`"),
    }
}

/// The PostgreSQL server the tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("PICKET_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// A fresh, migrated database that lives as long as this value.
pub struct TestDb {
    /// The store over it.
    pub store: Arc<SqlStore>,
    /// Its URL, for a second process or a reopen.
    pub url: String,
    _dir: Option<TempDir>,
}

impl TestDb {
    /// The store as the trait object the application uses.
    pub fn dyn_store(&self) -> Arc<dyn Store> {
        self.store.clone()
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh database on an empty file or a new PostgreSQL database, migrated.
pub async fn test_db() -> TestDb {
    test_db_on(test_backend()).await
}

/// A fresh, migrated database on `backend`, whatever this run selects (for tests that move
/// data between the engines; PostgreSQL is the one at `PICKET_TEST_POSTGRES_URL`).
pub async fn test_db_on(backend: Backend) -> TestDb {
    let (url, dir) = fresh_url_on(backend).await;
    let store = match backend {
        Backend::Sqlite => picket_store_sqlite::connect(&url, 4).await,
        Backend::Postgres => picket_store_postgres::connect(&url, 4).await,
    }
    .unwrap_or_else(|e| panic!("opening the test database failed: {e}"));
    if backend == Backend::Postgres {
        // As `picket serve` does: events published by any process reach this one.
        picket_store_postgres::start_listener(&url, store.event_sender())
            .await
            .unwrap_or_else(|e| panic!("listening for events failed: {e}"));
    }
    TestDb {
        store: Arc::new(store),
        url,
        _dir: dir,
    }
}

/// A URL for a database that exists but holds nothing yet (no migrations), and the directory
/// that must outlive it on SQLite.
pub async fn fresh_url() -> (String, Option<TempDir>) {
    fresh_url_on(test_backend()).await
}

/// [`fresh_url`] on `backend`, whatever this run selects.
pub async fn fresh_url_on(backend: Backend) -> (String, Option<TempDir>) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}", dir.path().join("picket.db").display());
            (url, Some(dir))
        }
        Backend::Postgres => (create_postgres_database().await, None),
    }
}

async fn create_postgres_database() -> String {
    sqlx::any::install_default_drivers();
    let admin = postgres_admin_url();
    let name = format!(
        "picket_t_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        chrono_free_nanos()
    );
    let mut conn = sqlx::AnyConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "PostgreSQL tests need a server at PICKET_TEST_POSTGRES_URL ({}): {e}",
                redact(&admin)
            )
        });
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let _ = conn.close().await;
    let mut url = url::Url::parse(&admin).expect("PICKET_TEST_POSTGRES_URL is a URL");
    url.set_path(&name);
    url.to_string()
}

fn chrono_free_nanos() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
}

fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            u.to_string()
        }
        Err(_) => "(not a URL)".into(),
    }
}
