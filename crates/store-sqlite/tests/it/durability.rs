//! SQLite commits durably: every connection the store's pool hands out runs in WAL mode with
//! `synchronous = FULL` (2), so an acknowledged write survives a power cut.

use picket_store_sqlite::open;

#[tokio::test]
async fn every_pooled_connection_syncs_each_commit() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("picket.db").display());
    let connections = 4;
    let store = open(&url, connections).await.unwrap();
    // Hold them all at once, so each is a different connection of the pool.
    let mut held = Vec::new();
    for _ in 0..connections {
        held.push(store.pool().acquire().await.unwrap());
    }
    for (i, conn) in held.iter_mut().enumerate() {
        let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        assert_eq!(synchronous, 2, "connection {i}: synchronous is not FULL");
        let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        assert_eq!(journal, "wal", "connection {i}");
    }
}
