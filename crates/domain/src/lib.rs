//! Picket's domain: the types, validation and rules of a union branch's dispute desk.
//!
//! Nothing here performs IO. Values are parsed once at the edge (`Email`, `Slug`, `Role` …)
//! and carried as validated types from then on.

pub mod bargaining;
pub mod calendar;
pub mod correspondence;
pub mod csv_safe;
pub mod dates;
pub mod disputes;
pub mod eactions;
pub mod fund;
pub mod ids;
pub mod impact;
pub mod law;
pub mod member_data;
pub mod members;
pub mod money;
pub mod monitor;
pub mod pickets;
pub mod postcode;
pub mod role;
pub mod strike_days;
pub mod text;
pub mod turnout;
pub mod values;
pub mod wall;

pub use calendar::{Calendar, CalendarError, ExtraHoliday, Holiday};
pub use ids::*;
pub use law::{LawError, LawOverrides, Nation};
pub use money::{MoneyError, Pence};
pub use postcode::{Postcode, PostcodeError};
pub use role::Role;
pub use text::TextError;
pub use values::{parse_iso_date, parse_uk_date, Division, Email, Slug, ValueError};
