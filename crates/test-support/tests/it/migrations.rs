//! Migrations: applied once, and a database from a newer Picket is refused.

use picket_store::sql::SqlStore;
use picket_store::{Backend, StoreError};
use picket_test_support::{db::fresh_url, test_backend};

fn newest_known() -> i64 {
    let migrator = match test_backend() {
        Backend::Sqlite => &picket_store_sqlite::MIGRATOR,
        Backend::Postgres => &picket_store_postgres::MIGRATOR,
    };
    migrator.iter().map(|m| m.version).max().unwrap_or(0)
}

async fn connect(url: &str) -> Result<SqlStore, StoreError> {
    match test_backend() {
        Backend::Sqlite => picket_store_sqlite::connect(url, 2).await,
        Backend::Postgres => picket_store_postgres::connect(url, 2).await,
    }
}

#[tokio::test]
async fn migrating_twice_is_harmless_and_a_newer_schema_is_refused() {
    let (url, _dir) = fresh_url().await;
    let store = connect(&url).await.expect("first start migrates");
    let version = picket_store::sql::schema_version(store.pool())
        .await
        .unwrap();
    assert_eq!(version, Some(newest_known()));
    store.close().await;
    let store = connect(&url)
        .await
        .expect("second start finds nothing to do");

    // A later Picket applied migration 99 to this database.
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99, 'from the future', TRUE, $1, 1)",
    )
    .bind(vec![0_u8])
    .execute(store.pool())
    .await
    .expect("record a future migration");
    store.close().await;
    match connect(&url).await {
        Err(StoreError::SchemaTooNew { found: 99, known }) if known == newest_known() => {}
        Err(other) => panic!("expected SchemaTooNew, got {other}"),
        Ok(_) => panic!("a database from a newer Picket was accepted"),
    }
}
