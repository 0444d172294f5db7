//! Periods "beginning with" a day, in weeks or calendar months, with a safe reading where a
//! month has no matching day.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;
use std::fmt;

/// A length of time as the statute states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "unit", content = "count", rename_all = "lowercase")]
pub enum Period {
    /// So many weeks.
    Weeks(u32),
    /// So many calendar months.
    Months(u32),
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Period::Weeks(1) => f.write_str("1 week"),
            Period::Weeks(n) => write!(f, "{n} weeks"),
            Period::Months(1) => f.write_str("1 month"),
            Period::Months(n) => write!(f, "{n} months"),
        }
    }
}

impl Period {
    /// The last day of the period beginning with `start` (so `start` is its first day):
    /// six months beginning with 15 Sep 2023 end on 14 Mar 2024; four weeks beginning with
    /// Thursday 31 Aug 2023 end on Wednesday 27 Sep 2023.
    ///
    /// When `start` has no matching day that many months on (31 Aug plus six months), the
    /// answer is the earlier of the possible readings, and the second value says so for the
    /// answer's assumptions.
    pub fn last_day_beginning_with(self, start: NaiveDate) -> (NaiveDate, Option<String>) {
        match self {
            Period::Weeks(n) => {
                let days = u64::from(n) * 7;
                let last = start
                    .checked_add_days(Days::new(days.saturating_sub(1)))
                    .unwrap_or(NaiveDate::MAX);
                (last, None)
            }
            Period::Months(n) => {
                // chrono clamps to the month's last day when the day does not exist.
                let target = start
                    .checked_add_months(Months::new(n))
                    .unwrap_or(NaiveDate::MAX);
                let last = target.pred_opt().unwrap_or(target);
                if target.day() == start.day() {
                    return (last, None);
                }
                let note = format!(
                    "{self} beginning with {start} would end the day before {}-{:02}-{:02}, \
                     a day that does not exist; Picket takes the earlier reading, {last}, \
                     rather than {target}.",
                    target.year(),
                    target.month(),
                    start.day()
                );
                (last, Some(note))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn six_months_beginning_with_is_inclusive() {
        assert_eq!(
            Period::Months(6).last_day_beginning_with(d(2023, 9, 15)),
            (d(2024, 3, 14), None)
        );
        assert_eq!(
            Period::Weeks(4).last_day_beginning_with(d(2023, 8, 31)).0,
            d(2023, 9, 27)
        );
    }

    #[test]
    fn month_end_takes_the_earlier_reading_and_says_so() {
        let (last, note) = Period::Months(6).last_day_beginning_with(d(2023, 8, 31));
        assert_eq!(last, d(2024, 2, 28));
        let note = note.unwrap();
        assert!(note.contains("2024-02-31"), "{note}");
        assert!(note.contains("rather than 2024-02-29"), "{note}");
    }
}
