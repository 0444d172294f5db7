//! Two Picket processes on one PostgreSQL database: an event one publishes reaches the other.
//! (SQLite serves one process, so this is PostgreSQL's alone; it runs in both test passes.)

use picket_store::prelude::*;
use picket_store::StoreEvent;
use std::time::Duration;

#[tokio::test]
async fn an_event_published_by_one_process_reaches_another() {
    let admin = std::env::var("PICKET_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string());
    let first = picket_store_postgres::open(&admin, 2)
        .await
        .expect("PostgreSQL at PICKET_TEST_POSTGRES_URL");
    let second = picket_store_postgres::open(&admin, 2).await.unwrap();
    picket_store_postgres::start_listener(&admin, second.event_sender())
        .await
        .unwrap();
    let mut received = second.subscribe();
    let event = StoreEvent {
        topic: format!("test.{}", std::process::id()),
        payload: "{\"id\":7}".into(),
    };
    first.publish(event.clone()).await.unwrap();
    loop {
        let got = tokio::time::timeout(Duration::from_secs(10), received.recv())
            .await
            .expect("the event crosses processes within 10 s")
            .unwrap();
        // Other test processes may publish on the same server; wait for ours.
        if got == event {
            break;
        }
    }
}
