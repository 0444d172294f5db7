//! Test helpers: fresh databases on either backend, a running Picket to talk to, and a real
//! browser.
//!
//! The backend comes from `PICKET_TEST_BACKEND` (`sqlite`, the default, or `postgres`), so the
//! whole suite runs once per backend. PostgreSQL tests create a throwaway database on the
//! server at `PICKET_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`).

pub mod app;
pub mod browser;
pub mod cli;
pub mod db;

pub use app::{extract_csrf, test_settings, Api, BodyText, TestApp, TEST_PASSWORD};
pub use browser::Browser;
pub use cli::Picket;
pub use db::{test_backend, test_db, TestDb};
