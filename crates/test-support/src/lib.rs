//! Test helpers: fresh databases on either backend, a running Picket to talk to, a real
//! browser, and the `picket` binary run as a person runs it.
//!
//! The backend comes from `PICKET_TEST_BACKEND` (`sqlite`, the default, or `postgres`), so the
//! whole suite runs once per backend. PostgreSQL tests create a throwaway database on the
//! server at `PICKET_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`),
//! which is dropped when the test's [`TestDb`] (or [`db::DatabaseGuard`]) is.

pub mod app;
pub mod browser;
pub mod cli;
pub mod db;

pub use app::{extract_csrf, test_settings, Api, BodyText, TestApp, TEST_PASSWORD};
pub use browser::Browser;
pub use cli::Picket;
pub use db::{test_backend, test_db, TestDb};
pub use picket_store::StoreError;

/// Runs one store write in a unit of work of its own and commits it, for setting up a test:
/// `in_unit!(store, |w| w.create_dispute(branch, &new))` gives the write's result.
#[macro_export]
macro_rules! in_unit {
    ($store:expr, |$w:ident| $call:expr) => {
        async {
            let mut $w = $store.begin().await?;
            let out = $call.await?;
            $w.commit().await?;
            Ok::<_, $crate::StoreError>(out)
        }
        .await
    };
}
