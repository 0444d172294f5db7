//! Counting working days and strike days over a range of dates.

use super::{check_year, Calendar, CalendarError, Holiday};
use crate::values::Division;
use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;
use std::collections::BTreeMap;

/// A day left out of a count, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Excluded {
    /// The day.
    pub date: NaiveDate,
    /// "Saturday", "Sunday" or the bank holiday's name.
    pub reason: String,
}

/// Working days in a range: weekdays that are not bank holidays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkingDays {
    /// How many working days, both ends included.
    pub working_days: u32,
    /// Every day of the range that was not counted, in date order.
    pub excluded: Vec<Excluded>,
}

/// Strike days in a range under the branch's counting rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StrikeDayCount {
    /// How many strike days, both ends included.
    pub days: u32,
    /// The counting rule in words, e.g. "weekdays less England and Wales bank holidays".
    pub rule: String,
    /// Every day of the range that was not counted, in date order.
    pub excluded: Vec<Excluded>,
}

fn check_range(from: NaiveDate, to: NaiveDate) -> Result<(), CalendarError> {
    check_year("from", from.year())?;
    check_year("to", to.year())?;
    if to < from {
        return Err(CalendarError::RangeReversed { from, to });
    }
    Ok(())
}

impl Calendar {
    /// The division's holidays between `from` and `to` inclusive, by date.
    pub fn holidays_between(
        &self,
        division: Division,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Holiday>, CalendarError> {
        check_range(from, to)?;
        let mut out = Vec::new();
        for year in from.year()..=to.year() {
            out.extend(
                self.holidays(division, year)?
                    .into_iter()
                    .filter(|h| h.date >= from && h.date <= to),
            );
        }
        Ok(out)
    }

    /// Walks the range, counting weekdays that are not holidays (or that are holidays listed
    /// in `counted`), and listing the rest.
    fn count(
        &self,
        division: Division,
        from: NaiveDate,
        to: NaiveDate,
        counted: &[NaiveDate],
    ) -> Result<(u32, Vec<Excluded>), CalendarError> {
        let holidays: BTreeMap<NaiveDate, String> = self
            .holidays_between(division, from, to)?
            .into_iter()
            .map(|h| (h.date, h.name))
            .collect();
        let mut days = 0;
        let mut excluded = Vec::new();
        for date in from.iter_days().take_while(|d| *d <= to) {
            let reason = match date.weekday() {
                Weekday::Sat => Some("Saturday".to_string()),
                Weekday::Sun => Some("Sunday".to_string()),
                _ => holidays
                    .get(&date)
                    .filter(|_| !counted.contains(&date))
                    .cloned(),
            };
            match reason {
                Some(reason) => excluded.push(Excluded { date, reason }),
                None => days += 1,
            }
        }
        Ok((days, excluded))
    }

    /// Working days from `from` to `to`, both included: weekdays less the division's bank
    /// holidays.
    pub fn working_days(
        &self,
        division: Division,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<WorkingDays, CalendarError> {
        let (working_days, excluded) = self.count(division, from, to, &[])?;
        Ok(WorkingDays {
            working_days,
            excluded,
        })
    }

    /// Strike days from `from` to `to`, both included: weekdays less the division's bank
    /// holidays, except the holidays the branch counts as strike days (each must be a bank
    /// holiday within the range).
    pub fn strike_days(
        &self,
        division: Division,
        from: NaiveDate,
        to: NaiveDate,
        holidays_counted_as_strike: &[NaiveDate],
    ) -> Result<StrikeDayCount, CalendarError> {
        check_range(from, to)?;
        let holidays = self.holidays_between(division, from, to)?;
        let mut counted: Vec<&Holiday> = Vec::new();
        for &date in holidays_counted_as_strike {
            let h = holidays.iter().find(|h| h.date == date).ok_or(
                CalendarError::NotAHolidayInRange {
                    date,
                    division: division.label(),
                    from,
                    to,
                },
            )?;
            if !counted.contains(&h) {
                counted.push(h);
            }
        }
        counted.sort();
        let (days, excluded) = self.count(division, from, to, holidays_counted_as_strike)?;
        let mut rule = format!("weekdays less {} bank holidays", division.label());
        if !counted.is_empty() {
            let list: Vec<String> = counted
                .iter()
                .map(|h| format!("{} ({})", h.date, h.name))
                .collect();
            let tail = if counted.len() == 1 {
                "is counted as a strike day"
            } else {
                "are counted as strike days"
            };
            rule.push_str(&format!(", except that {} {tail}", list.join(", ")));
        }
        Ok(StrikeDayCount {
            days,
            rule,
            excluded,
        })
    }
}
