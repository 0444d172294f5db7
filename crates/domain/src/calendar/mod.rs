//! Bank holidays and working days for each division of the United Kingdom.
//!
//! Holidays are computed from rules (see `LAW.md`): fixed days, first and last Mondays,
//! Easter by the computus, substitute days for holidays at a weekend, and the one-off
//! changes made by proclamation. Later one-offs come from settings as [`ExtraHoliday`]s.
//! Bank holidays count for working days and strike days, never for statutory notice
//! periods, which are calendar days.

mod count;
mod rules;

pub use count::{Excluded, StrikeDayCount, WorkingDays};
pub use rules::easter_sunday;

use crate::values::Division;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The first year the calendar covers.
pub const FIRST_YEAR: i32 = 1995;
/// The last year the calendar covers.
pub const LAST_YEAR: i32 = 2100;

/// Why the calendar could not answer. Each message starts with the field to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// A year (or a date's year) is outside 1995–2100.
    #[error("{field}: the year {year} is outside the years Picket's calendar covers ({FIRST_YEAR} to {LAST_YEAR})")]
    YearOutOfRange {
        /// The input field that held the year.
        field: &'static str,
        /// The year given.
        year: i32,
    },
    /// A date range ends before it starts.
    #[error("to: the range ends ({to}) before it starts ({from})")]
    RangeReversed {
        /// The first day asked for.
        from: NaiveDate,
        /// The last day asked for.
        to: NaiveDate,
    },
    /// An extra holiday from settings is unusable.
    #[error("extra_holidays[{index}].{field}: {message}")]
    Extra {
        /// Its position in the list given to [`Calendar::new`].
        index: usize,
        /// The field to fix.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A day to count as a strike day is not a bank holiday within the range.
    #[error("holidays_counted_as_strike: {date} is not a {division} bank holiday between {from} and {to}")]
    NotAHolidayInRange {
        /// The day given.
        date: NaiveDate,
        /// The division's name for people.
        division: &'static str,
        /// The first day of the range.
        from: NaiveDate,
        /// The last day of the range.
        to: NaiveDate,
    },
}

/// One bank holiday as observed (substitute days already applied).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Holiday {
    /// The day off, always Monday to Friday.
    pub date: NaiveDate,
    /// Its name, e.g. "Boxing Day (substitute day)".
    pub name: String,
}

/// A one-off bank holiday announced by proclamation, taken from settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtraHoliday {
    /// The day off; must be a weekday in 1995–2100.
    pub date: NaiveDate,
    /// Its name, e.g. "Bank holiday for the coronation of King Charles III".
    pub name: String,
    /// Where it applies; at least one division.
    pub divisions: Vec<Division>,
    /// When the proclamation moves a regular holiday rather than adding one: the observed
    /// date of the holiday it replaces (as [`Calendar::holidays`] lists it).
    #[serde(default)]
    pub replaces: Option<NaiveDate>,
}

impl ExtraHoliday {
    /// An additional holiday (not a move) in the given divisions.
    pub fn new(date: NaiveDate, name: impl Into<String>, divisions: Vec<Division>) -> Self {
        ExtraHoliday {
            date,
            name: name.into(),
            divisions,
            replaces: None,
        }
    }
}

/// The bank-holiday calendar: the rules plus any one-offs from settings.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    extra: Vec<ExtraHoliday>,
}

/// Checks a year is within the covered range, naming the field if not.
pub(crate) fn check_year(field: &'static str, year: i32) -> Result<(), CalendarError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(CalendarError::YearOutOfRange { field, year })
    }
}

impl Calendar {
    /// A calendar with one-off holidays from settings. Each must be a weekday within
    /// 1995–2100, have a name and at least one division, replace a holiday that exists (if
    /// it replaces one) and not fall on a day that is already a holiday.
    pub fn new(extra: Vec<ExtraHoliday>) -> Result<Self, CalendarError> {
        for (index, e) in extra.iter().enumerate() {
            let bad = |field: &'static str, message: String| CalendarError::Extra {
                index,
                field,
                message,
            };
            if check_year("date", e.date.year()).is_err() {
                return Err(bad(
                    "date",
                    format!("{} is outside {FIRST_YEAR} to {LAST_YEAR}", e.date),
                ));
            }
            if rules::is_weekend(e.date) {
                return Err(bad(
                    "date",
                    format!(
                        "{} is a {}; a bank holiday falls on a weekday",
                        e.date,
                        e.date.format("%A")
                    ),
                ));
            }
            if e.name.trim().is_empty() {
                return Err(bad("name", "give the holiday a name".into()));
            }
            if e.divisions.is_empty() {
                return Err(bad("divisions", "name at least one division".into()));
            }
            if let Some(r) = e.replaces {
                if r.year() != e.date.year() {
                    return Err(bad(
                        "replaces",
                        format!("{r} is not in the same year as {}", e.date),
                    ));
                }
            }
        }
        let calendar = Calendar { extra };
        // Build every affected year once so that clashes are reported now, not later.
        for (index, e) in calendar.extra.iter().enumerate() {
            for &division in &e.divisions {
                calendar
                    .build(division, e.date.year())
                    .map_err(|(field, message)| CalendarError::Extra {
                        index,
                        field,
                        message,
                    })?;
            }
        }
        Ok(calendar)
    }

    /// The one-off holidays this calendar was given.
    pub fn extra(&self) -> &[ExtraHoliday] {
        &self.extra
    }

    /// The year's holidays; on a clash with an extra, the extra's field and what is wrong.
    fn build(&self, division: Division, year: i32) -> Result<Vec<Holiday>, (&'static str, String)> {
        let mut list = rules::with_substitutes(rules::natural_holidays(division, year));
        let extras = self
            .extra
            .iter()
            .filter(|e| e.date.year() == year && e.divisions.contains(&division));
        for e in extras.clone() {
            if let Some(r) = e.replaces {
                let before = list.len();
                list.retain(|(d, _)| *d != r);
                if list.len() == before {
                    return Err((
                        "replaces",
                        format!("{r} is not a {} bank holiday", division.label()),
                    ));
                }
            }
        }
        for e in extras {
            if let Some((_, name)) = list.iter().find(|(d, _)| *d == e.date) {
                return Err((
                    "date",
                    format!(
                        "{} is already a {} bank holiday ({name})",
                        e.date,
                        division.label()
                    ),
                ));
            }
            list.push((e.date, e.name.trim().to_string()));
        }
        list.sort();
        Ok(list
            .into_iter()
            .map(|(date, name)| Holiday { date, name })
            .collect())
    }

    /// The division's bank holidays in `year`, sorted by date.
    pub fn holidays(&self, division: Division, year: i32) -> Result<Vec<Holiday>, CalendarError> {
        check_year("year", year)?;
        // `new` already built every year an extra touches, so this cannot fail.
        Ok(self.build(division, year).unwrap_or_default())
    }

    /// The holiday on `date` in the division, if there is one.
    pub fn holiday_on(
        &self,
        division: Division,
        date: NaiveDate,
    ) -> Result<Option<Holiday>, CalendarError> {
        check_year("date", date.year())?;
        Ok(self
            .holidays(division, date.year())?
            .into_iter()
            .find(|h| h.date == date))
    }

    /// Whether `date` is a bank holiday in the division.
    pub fn is_bank_holiday(
        &self,
        division: Division,
        date: NaiveDate,
    ) -> Result<bool, CalendarError> {
        Ok(self.holiday_on(division, date)?.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn extra_on_existing_holiday_is_refused_with_field() {
        let err = Calendar::new(vec![ExtraHoliday::new(
            d(2024, 12, 25),
            "Extra",
            vec![Division::Scotland],
        )])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "extra_holidays[0].date: 2024-12-25 is already a Scotland bank holiday (Christmas Day)"
        );
    }

    #[test]
    fn extra_can_move_a_holiday() {
        let cal = Calendar::new(vec![ExtraHoliday {
            date: d(2030, 5, 10),
            name: "Early May bank holiday (moved)".into(),
            divisions: Division::ALL.to_vec(),
            replaces: Some(d(2030, 5, 6)),
        }])
        .unwrap();
        let h = cal.holidays(Division::EnglandAndWales, 2030).unwrap();
        assert!(h.iter().all(|h| h.date != d(2030, 5, 6)));
        assert!(h.iter().any(|h| h.date == d(2030, 5, 10)));
        let err = Calendar::new(vec![ExtraHoliday {
            date: d(2030, 5, 10),
            name: "x".into(),
            divisions: vec![Division::Scotland],
            replaces: Some(d(2030, 5, 7)),
        }])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "extra_holidays[0].replaces: 2030-05-07 is not a Scotland bank holiday"
        );
    }
}
