//! Picket's domain: the types, validation and rules of a union branch's dispute desk.
//!
//! Nothing here performs IO. Values are parsed once at the edge (`Email`, `Slug`, `Role` …)
//! and carried as validated types from then on.

pub mod ids;
pub mod role;
pub mod values;

pub use ids::{BranchId, UserId};
pub use role::Role;
pub use values::{Division, Email, Slug, ValueError};
