//! Reading and writing the values every table shares: instants as Unix seconds, calendar
//! dates as ISO text, flags as 0/1, counts, named states, and the "no row means not found"
//! rule of scoped statements. Each model's own mapping (`dispute_row`, `member_from_row`, …)
//! sits with its queries and is built from these.

use crate::{StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use picket_domain::disputes::Named;
use sqlx::any::AnyRow;
use sqlx::Row;

pub(crate) fn to_secs(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

pub(crate) fn from_secs(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
}

/// A stored value that does not parse: the database was edited by hand or is corrupt.
pub(crate) fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(
        format!("stored {what} `{value}` is not valid").into(),
    ))
}

/// `NotFound` when a statement changed no row: what it was to change is not there (or is
/// another branch's).
pub(crate) fn found(done: &sqlx::any::AnyQueryResult) -> StoreResult<()> {
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Parses a stored name of a [`Named`] set.
pub(crate) fn named<T: Named>(row: &AnyRow, column: &str) -> StoreResult<T> {
    let s: String = row.try_get(column)?;
    T::parse(&s).ok_or_else(|| corrupt(column, &s))
}

/// Parses a stored calendar date.
pub(crate) fn date(row: &AnyRow, column: &str) -> StoreResult<NaiveDate> {
    let s: String = row.try_get(column)?;
    s.parse().map_err(|_| corrupt(column, &s))
}

/// Parses a stored calendar date that may be absent.
pub(crate) fn opt_date(row: &AnyRow, column: &str) -> StoreResult<Option<NaiveDate>> {
    let s: Option<String> = row.try_get(column)?;
    s.map(|s| s.parse().map_err(|_| corrupt(column, &s)))
        .transpose()
}

/// Reads a stored count.
pub(crate) fn count32(row: &AnyRow, column: &str) -> StoreResult<u32> {
    let n: i64 = row.try_get(column)?;
    u32::try_from(n).map_err(|_| corrupt(column, &n.to_string()))
}

/// The id a scoped statement gave (an `INSERT … SELECT … RETURNING id`, or a lookup), or
/// `NotFound` when the row it selects from is not the branch's and the dispute's.
pub(crate) fn found_id<T>(id: Option<i64>, wrap: fn(i64) -> T) -> StoreResult<T> {
    id.map(wrap).ok_or(StoreError::NotFound)
}

/// A flag as stored (0 or 1).
pub(crate) fn flag(b: bool) -> i64 {
    i64::from(b)
}

/// A calendar date as stored (ISO text).
pub(crate) fn date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// A stored ISO date that may be absent.
pub(crate) fn parse_date(text: Option<String>) -> StoreResult<Option<NaiveDate>> {
    text.map(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| corrupt("date", &t)))
        .transpose()
}

/// Parses a stored text column into its type (a nation, a role, a membership number…).
pub(crate) fn parsed<T: std::str::FromStr>(row: &AnyRow, column: &str) -> StoreResult<T> {
    let s: String = row.try_get(column)?;
    s.parse().map_err(|_| corrupt(column, &s))
}

/// Reads a stored flag (0 or 1).
pub(crate) fn is_set(row: &AnyRow, column: &str) -> StoreResult<bool> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}
