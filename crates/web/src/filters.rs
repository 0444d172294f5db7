//! Askama filters for what people read. A template that uses one brings them in with
//! `use crate::filters;` beside its struct.
//!
//! - `{{ d|date }}`: a calendar date as "1 May 2024", an instant as "1 May 2024 at 14:05 UTC";
//! - `{{ d|day_date }}`: "Wednesday 1 May 2024";
//! - `{{ text|dates }}`: a sentence built with ISO dates (the law engine's working, say) with
//!   each one written as "1 May 2024".
//!
//! Dates in the value of an `<input type=date>` and in `<time datetime>` stay ISO: write them
//! there without a filter.
//!
//! askama calls every filter as a fallible function, so each returns a `Result`.

use chrono::{DateTime, NaiveDate, Utc};
use picket_domain::dates::{humanise_iso_dates, long_date, long_date_time, long_date_with_day};

/// A value that is shown to people as a date.
pub trait ShownDate {
    /// The value in Picket's one date style.
    fn shown(&self) -> String;
    /// The value with the day of the week, where it has one.
    fn shown_with_day(&self) -> String {
        self.shown()
    }
}

impl ShownDate for NaiveDate {
    fn shown(&self) -> String {
        long_date(*self)
    }
    fn shown_with_day(&self) -> String {
        long_date_with_day(*self)
    }
}

impl ShownDate for DateTime<Utc> {
    fn shown(&self) -> String {
        long_date_time(*self)
    }
}

impl<T: ShownDate + ?Sized> ShownDate for &T {
    fn shown(&self) -> String {
        (**self).shown()
    }
    fn shown_with_day(&self) -> String {
        (**self).shown_with_day()
    }
}

/// `{{ d|date }}`: "1 May 2024" (or "1 May 2024 at 14:05 UTC" for an instant).
pub fn date<T: ShownDate>(value: T, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(value.shown())
}

/// `{{ d|day_date }}`: "Wednesday 1 May 2024".
pub fn day_date<T: ShownDate>(value: T, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(value.shown_with_day())
}

/// `{{ text|dates }}`: the text with every ISO date in it written as "1 May 2024".
pub fn dates<T: std::fmt::Display>(text: T, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(humanise_iso_dates(&text.to_string()))
}
