//! Picket's web layer: server-rendered pages, the JSON API under `/api/v1`, sessions, CSRF,
//! security headers, and the application builder.
//!
//! Handlers are thin: they parse input, check access, and call the store and domain. Page and
//! API handlers for the same thing call the same code.

pub mod account;
pub mod api;
pub mod app;
pub mod assets;
pub mod cache;
pub mod campaign;
pub mod disputes;
pub mod eactions;
pub mod error;
pub mod extract;
pub mod filters;
pub mod fund;
pub mod ical_text;
pub mod member_data;
pub mod members;
pub mod pages;
pub mod pickets;
pub mod recent;
pub mod security;
pub mod server;
pub mod settings;
pub mod state;
pub mod throttle;
pub mod wall;
pub mod words;

pub use app::App;
pub use error::AppError;
pub use settings::Settings;
pub use state::AppState;
