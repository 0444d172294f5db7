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

/// CPU time (user and system) this process has used, in seconds, from `/proc/self/stat`
/// (0 where there is no `/proc`): the load a benchmark's client puts on the machine.
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are the 14th and 15th fields of the line: 12th and 13th after ')'.
    (ticks(11) + ticks(12)) / 100.0
}

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
