//! Validated value types: parse once at the edge, then trust the type.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Why a value was refused. The message names what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// The email address is not plausible.
    #[error("`{0}` is not an email address: it needs one @ with text either side and a dot in the domain")]
    Email(String),
    /// The email address holds a NUL, a control character or a space.
    #[error("the email address {0}")]
    EmailText(crate::text::TextError),
    /// The slug has characters outside a-z, 0-9 and hyphen, or the wrong length.
    #[error("`{0}` is not a valid slug: use 2 to 40 lower-case letters, digits and hyphens, starting with a letter")]
    Slug(String),
    /// The slug would collide with one of Picket's own routes.
    #[error("the slug `{0}` is reserved for Picket's own pages; choose another")]
    ReservedSlug(String),
    /// The division is not one Picket knows.
    #[error("unknown division `{0}`: expected england-and-wales, scotland or northern-ireland")]
    Division(String),
}

/// An email address, trimmed and with its domain lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Email {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let bad = || ValueError::Email(s.to_string());
        // Never echo a NUL or a control character back: say what it is instead.
        crate::text::single_line(s, 254).map_err(ValueError::EmailText)?;
        if s.chars().any(char::is_whitespace) {
            return Err(bad());
        }
        let (local, domain) = s.rsplit_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || local.contains('@')
            || domain.len() < 3
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
        {
            return Err(bad());
        }
        Ok(Email(format!("{local}@{}", domain.to_ascii_lowercase())))
    }
}

impl TryFrom<String> for Email {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses a calendar date written exactly `YYYY-MM-DD`: a four-digit year, a two-digit month
/// and a two-digit day (surrounding spaces ignored). Anything looser (`2025-1-6`,
/// `+002025-01-01`, `20250106`) is not a date here, whatever chrono's own parser would take.
pub fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.trim().as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) {
        return None;
    }
    if !digits(8..10) {
        return None;
    }
    let number =
        |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    let year = i32::try_from(number(0..4)).ok()?;
    NaiveDate::from_ymd_opt(year, number(5..7), number(8..10))
}

/// Parses a calendar date written the British way, `DD/MM/YYYY` (as spreadsheets write it,
/// the day and month may have one digit: `1/3/2024`); the year always has four digits.
pub fn parse_uk_date(s: &str) -> Option<NaiveDate> {
    let mut parts = s.trim().split('/');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    let all_digits = |p: &str| p.bytes().all(|c| c.is_ascii_digit());
    if parts.next().is_some()
        || !(1..=2).contains(&day.len())
        || !(1..=2).contains(&month.len())
        || year.len() != 4
        || ![day, month, year].into_iter().all(all_digits)
    {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

/// Path segments Picket uses itself; a branch may not take one as its slug.
pub const RESERVED_SLUGS: &[&str] = &[
    "api",
    "login",
    "logout",
    "assets",
    "admin",
    "healthz",
    "static",
    "dashboard",
    "account",
    "settings",
    "branches",
    "feeds",
    "embed",
    "magic",
    "auth",
    "public",
    "favicon.ico",
    "robots.txt",
    "new",
    "edit",
    "me",
    "members",
    "users",
    "docs",
    "help",
];

/// A URL-safe short name for a branch or record, e.g. `barnet`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Slug {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let ok_len = (2..=40).contains(&s.len());
        let ok_chars = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        let ok_start = s.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        if !(ok_len && ok_chars && ok_start) || s.ends_with('-') {
            return Err(ValueError::Slug(s.to_string()));
        }
        if RESERVED_SLUGS.contains(&s) {
            return Err(ValueError::ReservedSlug(s.to_string()));
        }
        Ok(Slug(s.to_string()))
    }
}

impl TryFrom<String> for Slug {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Slug> for String {
    fn from(s: Slug) -> String {
        s.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The legal jurisdiction a branch's members work in, which decides bank holidays and
/// which statute applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Division {
    /// England and Wales share a bank-holiday calendar.
    EnglandAndWales,
    /// Scotland.
    Scotland,
    /// Northern Ireland: TUA16 and ERA25 do not apply.
    NorthernIreland,
}

impl Division {
    /// Every division.
    pub const ALL: [Division; 3] = [
        Division::EnglandAndWales,
        Division::Scotland,
        Division::NorthernIreland,
    ];

    /// The stable name used in the database and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Division::EnglandAndWales => "england-and-wales",
            Division::Scotland => "scotland",
            Division::NorthernIreland => "northern-ireland",
        }
    }

    /// A name for people.
    pub fn label(self) -> &'static str {
        match self {
            Division::EnglandAndWales => "England and Wales",
            Division::Scotland => "Scotland",
            Division::NorthernIreland => "Northern Ireland",
        }
    }
}

impl FromStr for Division {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Division::ALL
            .into_iter()
            .find(|d| d.as_str() == s.trim())
            .ok_or_else(|| ValueError::Division(s.to_string()))
    }
}

impl fmt::Display for Division {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_lowercases_domain_and_rejects_junk() {
        let e: Email = " Ana@Example.ORG ".parse().unwrap();
        assert_eq!(e.as_str(), "Ana@example.org");
        for bad in [
            "",
            "no-at",
            "@x.org",
            "a@b",
            "a b@c.org",
            "a@.org",
            "a@org.",
        ] {
            assert!(bad.parse::<Email>().is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn email_refuses_nul_and_control_characters_without_echoing_them() {
        for bad in ["a\u{0}@b.org", "a@b.org\u{0}", "a\u{1b}@b.org", "a@b\n.org"] {
            let err = bad.parse::<Email>().unwrap_err();
            assert!(
                matches!(err, ValueError::EmailText(_)),
                "{bad:?} gave {err:?}"
            );
            assert!(!err.to_string().contains('\u{0}'));
        }
        assert!(ValueError::EmailText(crate::text::TextError::Nul)
            .to_string()
            .starts_with("the email address contains a NUL character"));
    }

    #[test]
    fn dates_are_read_strictly() {
        let d = NaiveDate::from_ymd_opt(2025, 1, 6).unwrap();
        assert_eq!(parse_iso_date("2025-01-06"), Some(d));
        assert_eq!(parse_iso_date(" 2025-01-06 "), Some(d));
        for loose in [
            "2025-1-6",
            "2025-01-6",
            "+002025-01-01",
            "+2025-01-01",
            "-2025-01-01",
            "20250106",
            "2025/01/06",
            "2025-02-30",
            "2025-13-01",
            "２０２５-01-06",
            "",
        ] {
            assert_eq!(parse_iso_date(loose), None, "{loose:?}");
        }
        assert_eq!(parse_uk_date("06/01/2025"), Some(d));
        assert_eq!(parse_uk_date("6/1/2025"), Some(d));
        for loose in [
            "06/01/25",
            "06/01/+2025",
            "006/01/2025",
            "31/02/2025",
            "06-01-2025",
            "1/2/3/2025",
        ] {
            assert_eq!(parse_uk_date(loose), None, "{loose:?}");
        }
    }

    #[test]
    fn slug_refuses_reserved_route_names() {
        assert_eq!(
            "api".parse::<Slug>().unwrap_err(),
            ValueError::ReservedSlug("api".into())
        );
        assert!("login".parse::<Slug>().is_err());
        assert!("assets".parse::<Slug>().is_err());
        assert!("barnet".parse::<Slug>().is_ok());
        assert!("Barnet".parse::<Slug>().is_err());
        assert!("9lives".parse::<Slug>().is_err());
        assert!("trailing-".parse::<Slug>().is_err());
    }

    #[test]
    fn division_parses_only_known_names() {
        assert_eq!("scotland".parse::<Division>().unwrap(), Division::Scotland);
        assert!("wales".parse::<Division>().is_err());
    }
}
