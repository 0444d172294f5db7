//! Money: an amount held as whole pence, and the one parser for amounts people type in pounds.
//!
//! Amounts are stored and sent over the API as integer pence; [`Pence`] keeps that
//! representation (serde reads and writes the bare integer) and adds the parsing and the
//! formatting, so no caller does `/ 100` arithmetic of its own.
//!
//! # What the parser accepts
//!
//! Surrounding spaces are trimmed and one leading `£` is allowed. Then:
//! - pounds as digits: `12`, `0`, `007`;
//! - optionally commas as thousands separators, only in the right places: `1,250` and
//!   `1,000,000` but not `1,25` or `,100` or `1,2,3`;
//! - optionally a point and one or two digits of pence: `12.5` is £12.50, `12.50`, `12.05`;
//!   a trailing point (`12.`) is read as whole pounds;
//! - a point with no pounds before it (`.5`, `.05`) is read as pence only (50p, 5p): there is
//!   no other way to read it.
//!
//! It refuses empty text, a lone point, more than two digits of pence (`12.345`), signs
//! (`-3`, `+3`), letters and other symbols, and amounts too large to count in 64-bit pence.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An amount of money in whole pence. Amounts people type are never negative; a `Pence` made
/// with [`Pence::from_pence`] may be, and then reads `-£1.50`.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Pence(i64);

/// Why typed text is not an amount of money. Each message says what to write instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Nothing was typed.
    #[error("Give an amount in pounds, like 12.50.")]
    Empty,
    /// A minus or plus sign: amounts here are never negative.
    #[error("Give the amount without a minus or plus sign, like 12.50.")]
    Sign,
    /// More than two digits after the point.
    #[error("Give at most two digits of pence after the point, like 12.50.")]
    TooManyDecimals,
    /// Commas not between groups of three digits.
    #[error("Use commas only between thousands, like 1,250.00, or leave them out.")]
    Commas,
    /// Letters or other characters that are not part of an amount.
    #[error("Give an amount in pounds using only digits, like 12.50.")]
    NotAnAmount,
    /// Too large to count.
    #[error("The amount is too large.")]
    TooLarge,
}

impl Pence {
    /// Nothing.
    pub const ZERO: Pence = Pence(0);

    /// An amount of this many pence.
    pub const fn from_pence(pence: i64) -> Pence {
        Pence(pence)
    }

    /// The amount in pence, as stored.
    pub const fn pence(self) -> i64 {
        self.0
    }

    /// The sum, or `None` if it is too large to count.
    pub fn checked_add(self, other: Pence) -> Option<Pence> {
        self.0.checked_add(other.0).map(Pence)
    }

    /// Parses an amount typed by a person in pounds (see the module documentation for the
    /// rules): `12`, `12.5`, `12.50`, `£1,250.00`, ` 12 `.
    pub fn parse(text: &str) -> Result<Pence, MoneyError> {
        let text = text.trim();
        let text = text.strip_prefix('£').unwrap_or(text);
        if text.is_empty() {
            return Err(MoneyError::Empty);
        }
        if text.starts_with(['-', '+', '−']) {
            return Err(MoneyError::Sign);
        }
        if !text
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        {
            return Err(MoneyError::NotAnAmount);
        }
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        if frac.contains(',') {
            return Err(MoneyError::Commas);
        }
        if frac.contains('.') || (whole.is_empty() && frac.is_empty()) {
            return Err(MoneyError::NotAnAmount);
        }
        if frac.len() > 2 {
            return Err(MoneyError::TooManyDecimals);
        }
        let digits = thousands(whole).ok_or(MoneyError::Commas)?;
        let pounds: i64 = if digits.is_empty() {
            0
        } else {
            digits.parse().map_err(|_| MoneyError::TooLarge)?
        };
        let pence: i64 = match frac.len() {
            0 => 0,
            1 => i64::from(frac.as_bytes()[0] - b'0') * 10,
            _ => i64::from(frac.as_bytes()[0] - b'0') * 10 + i64::from(frac.as_bytes()[1] - b'0'),
        };
        pounds
            .checked_mul(100)
            .and_then(|p| p.checked_add(pence))
            .map(Pence)
            .ok_or(MoneyError::TooLarge)
    }

    /// The amount as a plain decimal for forms, exports and re-import: `1250.00`, `0.05`
    /// (no `£`, no commas).
    pub fn decimal(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// The digits of the pounds part with its thousands commas removed, or `None` if the commas
/// are misplaced. The pounds part is known to hold only digits and commas.
fn thousands(whole: &str) -> Option<String> {
    if !whole.contains(',') {
        return Some(whole.to_string());
    }
    let mut groups = whole.split(',');
    let first = groups.next()?;
    if first.is_empty() || first.len() > 3 {
        return None;
    }
    let mut digits = first.to_string();
    for group in groups {
        if group.len() != 3 {
            return None;
        }
        digits.push_str(group);
    }
    Some(digits)
}

impl FromStr for Pence {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Pence::parse(s)
    }
}

impl From<Pence> for i64 {
    fn from(p: Pence) -> i64 {
        p.0
    }
}

/// Reads as people write money: `£1,250.00`, `£0.05`, `-£3.00`.
impl fmt::Display for Pence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let pounds = (abs / 100).to_string();
        let mut grouped = String::with_capacity(pounds.len() + pounds.len() / 3);
        for (i, c) in pounds.chars().enumerate() {
            if i > 0 && (pounds.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "{sign}£{grouped}.{:02}", abs % 100)
    }
}

#[cfg(test)]
mod tests;
