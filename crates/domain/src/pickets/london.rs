//! Clock time in the United Kingdom (the `Europe/London` zone): Greenwich Mean Time, and
//! British Summer Time (one hour ahead) from 01:00 UTC on the last Sunday of March to
//! 01:00 UTC on the last Sunday of October, the rule since 1996. Shifts are typed in local
//! time; instants are kept in UTC.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};

/// The zone's name in iCalendar and the IANA database.
pub const TZID: &str = "Europe/London";

/// The last Sunday of `month` in `year`.
fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .unwrap_or(NaiveDate::MAX);
    let mut day = next.pred_opt().unwrap_or(next);
    while day.weekday() != Weekday::Sun {
        day = day.pred_opt().unwrap_or(day);
    }
    day
}

/// When summer time starts and ends in `year`, as UTC instants.
fn summer(year: i32) -> (NaiveDateTime, NaiveDateTime) {
    let one = NaiveTime::from_hms_opt(1, 0, 0).unwrap_or_default();
    (
        last_sunday(year, 3).and_time(one),
        last_sunday(year, 10).and_time(one),
    )
}

/// The offset from UTC in force at `instant`: 0 or 1 hour.
pub fn offset_at(instant: DateTime<Utc>) -> Duration {
    let utc = instant.naive_utc();
    let (from, to) = summer(utc.year());
    if utc >= from && utc < to {
        Duration::hours(1)
    } else {
        Duration::zero()
    }
}

/// The UTC instant of a wall-clock time in the UK. A time that does not exist (the hour
/// skipped in March) is read as the summer time an hour later; a time that happens twice
/// (the hour repeated in October) is read as the first, in summer time.
pub fn to_utc(day: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let local = day.and_time(time);
    // Try summer time first: right unless that instant is outside summer.
    let as_summer = (local - Duration::hours(1)).and_utc();
    if offset_at(as_summer) == Duration::hours(1) {
        return as_summer;
    }
    let as_winter = local.and_utc();
    if offset_at(as_winter).is_zero() {
        return as_winter;
    }
    // In the skipped hour: the clocks say an hour more.
    as_summer
}

/// The wall-clock time in the UK at `instant`.
pub fn to_local(instant: DateTime<Utc>) -> NaiveDateTime {
    instant.naive_utc() + offset_at(instant)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn summer_time_is_an_hour_ahead_between_the_last_sundays_of_march_and_october() {
        assert_eq!(last_sunday(2026, 3), d(2026, 3, 29));
        assert_eq!(last_sunday(2026, 10), d(2026, 10, 25));
        // Winter: 08:00 local is 08:00 UTC.
        assert_eq!(
            to_utc(d(2026, 12, 14), t(8, 0)).naive_utc(),
            d(2026, 12, 14).and_time(t(8, 0))
        );
        // Summer: 08:00 local is 07:00 UTC.
        assert_eq!(
            to_utc(d(2026, 6, 1), t(8, 0)).naive_utc(),
            d(2026, 6, 1).and_time(t(7, 0))
        );
        // The skipped hour reads as summer time; the repeated hour as its first.
        assert_eq!(
            to_utc(d(2026, 3, 29), t(1, 30)).naive_utc(),
            d(2026, 3, 29).and_time(t(0, 30))
        );
        assert_eq!(
            to_utc(d(2026, 10, 25), t(1, 30)).naive_utc(),
            d(2026, 10, 25).and_time(t(0, 30))
        );
        assert_eq!(
            to_utc(d(2026, 10, 25), t(2, 30)).naive_utc(),
            d(2026, 10, 25).and_time(t(2, 30))
        );
        for (day, time) in [(d(2026, 6, 1), t(8, 0)), (d(2026, 1, 5), t(12, 30))] {
            assert_eq!(to_local(to_utc(day, time)), day.and_time(time));
        }
    }
}
