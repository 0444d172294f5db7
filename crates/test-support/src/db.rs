//! Database factories for both backends.

use picket_store::sql::SqlStore;
use picket_store::{Backend, Store};
use sqlx::Connection;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tempfile::TempDir;
use tokio::task::JoinHandle;

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

/// A fresh, migrated database that lives as long as this value: dropping it closes its pool
/// and removes the database (the SQLite file's directory, or the PostgreSQL database).
pub struct TestDb {
    /// The store over it.
    pub store: Arc<SqlStore>,
    /// Its URL, for a second process or a reopen.
    pub url: String,
    listener: Option<JoinHandle<()>>,
    _guard: DatabaseGuard,
}

impl TestDb {
    /// The store as the trait object the application uses.
    pub fn dyn_store(&self) -> Arc<dyn Store> {
        self.store.clone()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(listener) = self.listener.take() {
            listener.abort();
        }
        // Closing marks the pool closed at once, so nothing takes a connection from it again;
        // the returned future would only wait for connections still in use, and the database's
        // removal ends those.
        drop(self.store.pool().close());
    }
}

/// Keeps a fresh database for as long as it lives: an SQLite file's temporary directory, or a
/// PostgreSQL database, which is dropped with it (ending any connection still open to it),
/// so a test leaves nothing behind however it ends. `scripts/test` drops the databases of
/// test processes that were killed before they could.
pub struct DatabaseGuard {
    place: Place,
}

enum Place {
    Sqlite { _dir: TempDir },
    Postgres { admin: String, name: String },
}

impl Drop for DatabaseGuard {
    fn drop(&mut self) {
        if let Place::Postgres { admin, name } = &self.place {
            drop_postgres_database(admin.clone(), name.clone());
        }
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
    let (url, guard) = fresh_url_on(backend).await;
    let store = match backend {
        Backend::Sqlite => picket_store_sqlite::connect(&url, 4).await,
        Backend::Postgres => picket_store_postgres::connect(&url, 4).await,
    }
    .unwrap_or_else(|e| panic!("opening the test database failed: {e}"));
    let listener = match backend {
        Backend::Sqlite => None,
        // As `picket serve` does: events published by any process reach this one.
        Backend::Postgres => Some(
            picket_store_postgres::start_listener(&url, store.event_sender())
                .await
                .unwrap_or_else(|e| panic!("listening for events failed: {e}")),
        ),
    };
    TestDb {
        store: Arc::new(store),
        url,
        listener,
        _guard: guard,
    }
}

/// A URL for a database that exists but holds nothing yet (no migrations), and the guard it
/// lives as long as.
pub async fn fresh_url() -> (String, DatabaseGuard) {
    fresh_url_on(test_backend()).await
}

/// [`fresh_url`] on `backend`, whatever this run selects.
pub async fn fresh_url_on(backend: Backend) -> (String, DatabaseGuard) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}", dir.path().join("picket.db").display());
            let place = Place::Sqlite { _dir: dir };
            (url, DatabaseGuard { place })
        }
        Backend::Postgres => {
            let (url, admin, name) = create_postgres_database().await;
            let place = Place::Postgres { admin, name };
            (url, DatabaseGuard { place })
        }
    }
}

/// Creates a database on the server at [`postgres_admin_url`]; returns its URL, the admin URL
/// and its name.
async fn create_postgres_database() -> (String, String, String) {
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
    (url.to_string(), admin, name)
}

/// Drops a test's PostgreSQL database, ending whatever is still connected to it. It runs on a
/// thread of its own, waited for, since a value being dropped cannot wait on the test's
/// runtime. It never fails the test: a database it cannot drop is reported and left to
/// `scripts/test`.
fn drop_postgres_database(admin: String, name: String) {
    let statement = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    let dropped = std::thread::spawn(move || -> anyhow::Result<()> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(async {
            tokio::time::timeout(Duration::from_secs(60), async {
                let mut conn = sqlx::AnyConnection::connect(&admin).await?;
                sqlx::query(&statement).execute(&mut conn).await?;
                conn.close().await?;
                anyhow::Ok(())
            })
            .await?
        })
    })
    .join();
    match dropped {
        Ok(Ok(())) => {}
        Ok(Err(e)) => eprintln!("the test database {name} was not dropped: {e}"),
        Err(_) => {
            eprintln!("the test database {name} was not dropped: the dropping thread panicked")
        }
    }
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
