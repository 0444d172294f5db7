//! Dates as people read them: one style, "1 May 2024", everywhere a person reads a date
//! (pages, emails, posters, the human text of feeds and of the law engine's warnings).
//!
//! Machines keep ISO 8601: the API, the value of a date input, iCalendar, Atom timestamps
//! and CSV. Those format the date themselves (`NaiveDate`'s `Display` is ISO) and never come
//! here.

use chrono::{DateTime, NaiveDate, Utc};

/// "1 May 2024": the day without a leading zero, the month's full name, the year.
pub fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// "Wednesday 1 May 2024": [`long_date`] with the day of the week, for a date a person acts on.
pub fn long_date_with_day(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

/// "1 May 2024 at 14:05 UTC": an instant in the same style, to the minute.
pub fn long_date_time(at: DateTime<Utc>) -> String {
    at.format("%-d %B %Y at %H:%M UTC").to_string()
}

/// "1 to 3 May 2024", "30 April to 2 May 2024", "30 December 2024 to 3 January 2025", or
/// one date when both ends are the same day.
pub fn date_range(starts: NaiveDate, ends: NaiveDate) -> String {
    use chrono::Datelike;
    if starts == ends {
        long_date(starts)
    } else if starts.year() == ends.year() && starts.month() == ends.month() {
        format!("{} to {}", starts.format("%-d"), long_date(ends))
    } else if starts.year() == ends.year() {
        format!("{} to {}", starts.format("%-d %B"), long_date(ends))
    } else {
        format!("{} to {}", long_date(starts), long_date(ends))
    }
}

/// Rewrites every ISO date (`2024-05-01`) in `text` as [`long_date`], leaving anything that
/// only looks like one (`2024-13-40`, a longer run of digits) as it was. For sentences built
/// by code that writes dates with `Display` before they are shown to a person.
pub fn humanise_iso_dates(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i + 10 <= bytes.len() {
        let digit_before = i > 0 && bytes[i - 1].is_ascii_digit();
        let digit_after = bytes.get(i + 10).is_some_and(u8::is_ascii_digit);
        let shape = bytes[i..i + 10].iter().enumerate().all(|(k, b)| {
            if k == 4 || k == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
        if shape && !digit_before && !digit_after {
            if let Some(d) = crate::values::parse_iso_date(&text[i..i + 10]) {
                out.push_str(&text[copied..i]);
                out.push_str(&long_date(d));
                i += 10;
                copied = i;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn one_style() {
        assert_eq!(long_date(d(2024, 5, 1)), "1 May 2024");
        assert_eq!(long_date(d(2026, 12, 2)), "2 December 2026");
        assert_eq!(long_date_with_day(d(2024, 5, 1)), "Wednesday 1 May 2024");
        let at = Utc.with_ymd_and_hms(2024, 5, 1, 9, 5, 0).unwrap();
        assert_eq!(long_date_time(at), "1 May 2024 at 09:05 UTC");
    }

    #[test]
    fn ranges_say_each_part_once() {
        assert_eq!(date_range(d(2024, 5, 1), d(2024, 5, 1)), "1 May 2024");
        assert_eq!(date_range(d(2024, 5, 1), d(2024, 5, 3)), "1 to 3 May 2024");
        assert_eq!(
            date_range(d(2024, 4, 30), d(2024, 5, 2)),
            "30 April to 2 May 2024"
        );
        assert_eq!(
            date_range(d(2024, 12, 30), d(2025, 1, 3)),
            "30 December 2024 to 3 January 2025"
        );
    }

    #[test]
    fn iso_dates_in_sentences_become_long_dates() {
        assert_eq!(
            humanise_iso_dates(
                "The action starts on 2026-12-07 but the mandate ended on 2026-06-30."
            ),
            "The action starts on 7 December 2026 but the mandate ended on 30 June 2026."
        );
        assert_eq!(humanise_iso_dates("2024-02-30 stays"), "2024-02-30 stays");
        assert_eq!(humanise_iso_dates("12024-01-011"), "12024-01-011");
        assert_eq!(humanise_iso_dates("née 2024-01-01é"), "née 1 January 2024é");
        assert_eq!(humanise_iso_dates(""), "");
    }
}
