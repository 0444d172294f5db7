//! The bank-holiday rules as data: the regular holidays of each division, Easter by the
//! computus, the one-off changes made by proclamation, and the substitute-day rule.

use crate::values::Division;
use chrono::{Datelike, Days, NaiveDate, Weekday};

const EW: Division = Division::EnglandAndWales;
const SC: Division = Division::Scotland;
const NI: Division = Division::NorthernIreland;
const ALL: &[Division] = &[EW, SC, NI];

/// How a regular holiday's date is found in a given year.
#[derive(Debug, Clone, Copy)]
enum When {
    /// The same day every year.
    Fixed { month: u32, day: u32 },
    /// The first Monday of the month.
    FirstMonday { month: u32 },
    /// The last Monday of the month.
    LastMonday { month: u32 },
    /// So many days after Easter Sunday (negative: before).
    Easter { offset: i64 },
}

/// One regular holiday: its name, its date rule, where it applies and since when.
#[derive(Debug, Clone, Copy)]
struct Rule {
    name: &'static str,
    when: When,
    divisions: &'static [Division],
    /// The first year the holiday exists (St Andrew's Day became a bank holiday in 2007).
    first_year: i32,
}

/// Names of the regular holidays (also used by the one-off table to say which one moved).
pub(crate) const EARLY_MAY: &str = "Early May bank holiday";
pub(crate) const SPRING: &str = "Spring bank holiday";

const RULES: &[Rule] = &[
    Rule {
        name: "New Year's Day",
        when: When::Fixed { month: 1, day: 1 },
        divisions: ALL,
        first_year: 0,
    },
    Rule {
        name: "2nd January",
        when: When::Fixed { month: 1, day: 2 },
        divisions: &[SC],
        first_year: 0,
    },
    Rule {
        name: "St Patrick's Day",
        when: When::Fixed { month: 3, day: 17 },
        divisions: &[NI],
        first_year: 0,
    },
    Rule {
        name: "Good Friday",
        when: When::Easter { offset: -2 },
        divisions: ALL,
        first_year: 0,
    },
    Rule {
        name: "Easter Monday",
        when: When::Easter { offset: 1 },
        divisions: &[EW, NI],
        first_year: 0,
    },
    Rule {
        name: EARLY_MAY,
        when: When::FirstMonday { month: 5 },
        divisions: ALL,
        first_year: 0,
    },
    Rule {
        name: SPRING,
        when: When::LastMonday { month: 5 },
        divisions: ALL,
        first_year: 0,
    },
    Rule {
        name: "Battle of the Boyne (Orangemen's Day)",
        when: When::Fixed { month: 7, day: 12 },
        divisions: &[NI],
        first_year: 0,
    },
    Rule {
        name: "Summer bank holiday",
        when: When::FirstMonday { month: 8 },
        divisions: &[SC],
        first_year: 0,
    },
    Rule {
        name: "Summer bank holiday",
        when: When::LastMonday { month: 8 },
        divisions: &[EW, NI],
        first_year: 0,
    },
    Rule {
        // St Andrew's Day Bank Holiday (Scotland) Act 2007.
        name: "St Andrew's Day",
        when: When::Fixed { month: 11, day: 30 },
        divisions: &[SC],
        first_year: 2007,
    },
    Rule {
        name: "Christmas Day",
        when: When::Fixed { month: 12, day: 25 },
        divisions: ALL,
        first_year: 0,
    },
    Rule {
        name: "Boxing Day",
        when: When::Fixed { month: 12, day: 26 },
        divisions: ALL,
        first_year: 0,
    },
];

/// A one-off change made by royal proclamation.
#[derive(Debug, Clone, Copy)]
enum Change {
    /// A regular holiday (named) moved to another day, perhaps renamed.
    Move {
        holiday: &'static str,
        to: (u32, u32),
        name: &'static str,
    },
    /// An extra holiday.
    Add { on: (u32, u32), name: &'static str },
}

/// One-off changes in the years Picket covers. Every one of these applied in all three
/// divisions. Later ones come from settings (`ExtraHoliday`).
const ONE_OFFS: &[(i32, Change)] = &[
    (
        1995,
        Change::Move {
            holiday: EARLY_MAY,
            to: (5, 8),
            name: "Early May bank holiday (VE Day)",
        },
    ),
    (
        1999,
        Change::Add {
            on: (12, 31),
            name: "Millennium celebrations",
        },
    ),
    (
        2002,
        Change::Move {
            holiday: SPRING,
            to: (6, 4),
            name: SPRING,
        },
    ),
    (
        2002,
        Change::Add {
            on: (6, 3),
            name: "Queen's Golden Jubilee",
        },
    ),
    (
        2011,
        Change::Add {
            on: (4, 29),
            name: "Royal wedding",
        },
    ),
    (
        2012,
        Change::Move {
            holiday: SPRING,
            to: (6, 4),
            name: SPRING,
        },
    ),
    (
        2012,
        Change::Add {
            on: (6, 5),
            name: "Queen's Diamond Jubilee",
        },
    ),
    (
        2020,
        Change::Move {
            holiday: EARLY_MAY,
            to: (5, 8),
            name: "Early May bank holiday (VE Day)",
        },
    ),
    (
        2022,
        Change::Move {
            holiday: SPRING,
            to: (6, 2),
            name: SPRING,
        },
    ),
    (
        2022,
        Change::Add {
            on: (6, 3),
            name: "Platinum Jubilee bank holiday",
        },
    ),
    (
        2022,
        Change::Add {
            on: (9, 19),
            name: "Bank holiday for the State Funeral of Queen Elizabeth II",
        },
    ),
    (
        2023,
        Change::Add {
            on: (5, 8),
            name: "Bank holiday for the coronation of King Charles III",
        },
    ),
];

/// Easter Sunday in the Gregorian calendar, by the Anonymous Gregorian algorithm
/// (Meeus/Jones/Butcher). `None` for years before 1583 (no Gregorian Easter) or after 9999.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    if !(1583..=9999).contains(&year) {
        return None;
    }
    let y = year;
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // Month is always 3 or 4 and day 1..=31: the conversions cannot fail.
    NaiveDate::from_ymd_opt(y, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// Whether a day is a Saturday or Sunday.
pub(crate) fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn ymd(year: i32, (month, day): (u32, u32)) -> NaiveDate {
    // The tables hold only real calendar days.
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

fn first_monday(year: i32, month: u32) -> NaiveDate {
    let first = ymd(year, (month, 1));
    let ahead = (7 - first.weekday().num_days_from_monday()) % 7;
    first + Days::new(u64::from(ahead))
}

fn last_monday(year: i32, month: u32) -> NaiveDate {
    let next = if month == 12 {
        ymd(year + 1, (1, 1))
    } else {
        ymd(year, (month + 1, 1))
    };
    let last = next.pred_opt().unwrap_or(next);
    last - Days::new(u64::from(last.weekday().num_days_from_monday()))
}

fn date_of(when: When, year: i32) -> NaiveDate {
    match when {
        When::Fixed { month, day } => ymd(year, (month, day)),
        When::FirstMonday { month } => first_monday(year, month),
        When::LastMonday { month } => last_monday(year, month),
        When::Easter { offset } => {
            // Callers check the year range first, so Easter always exists here.
            let easter = easter_sunday(year).unwrap_or(NaiveDate::MIN);
            if offset >= 0 {
                easter + Days::new(offset.unsigned_abs())
            } else {
                easter - Days::new(offset.unsigned_abs())
            }
        }
    }
}

/// The division's holidays in `year` before substitute days: each with the day it falls on
/// (possibly a weekend) and its name, one-offs applied, sorted by date.
pub(crate) fn natural_holidays(division: Division, year: i32) -> Vec<(NaiveDate, String)> {
    let mut out: Vec<(NaiveDate, String)> = RULES
        .iter()
        .filter(|r| r.divisions.contains(&division) && year >= r.first_year)
        .map(|r| (date_of(r.when, year), r.name.to_string()))
        .collect();
    for (_, change) in ONE_OFFS.iter().filter(|(y, _)| *y == year) {
        match *change {
            Change::Move { holiday, to, name } => {
                if let Some(slot) = out.iter_mut().find(|(_, n)| n == holiday) {
                    *slot = (ymd(year, to), name.to_string());
                }
            }
            Change::Add { on, name } => out.push((ymd(year, on), name.to_string())),
        }
    }
    out.sort();
    out
}

/// Applies the substitute-day rule: a holiday at a weekend moves to the next weekday that is
/// not already a holiday. Weekday holidays keep their day; weekend ones are placed in date
/// order (so Christmas on a Saturday takes Monday 27 and Boxing Day Tuesday 28).
pub(crate) fn with_substitutes(natural: Vec<(NaiveDate, String)>) -> Vec<(NaiveDate, String)> {
    let (mut placed, weekend): (Vec<_>, Vec<_>) =
        natural.into_iter().partition(|(d, _)| !is_weekend(*d));
    for (date, name) in weekend {
        let mut day = date;
        while is_weekend(day) || placed.iter().any(|(d, _)| *d == day) {
            day = day.succ_opt().unwrap_or(day);
        }
        placed.push((day, format!("{name} (substitute day)")));
    }
    placed.sort();
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn monday_rules() {
        assert_eq!(first_monday(2024, 5), d(2024, 5, 6));
        assert_eq!(last_monday(2024, 5), d(2024, 5, 27));
        assert_eq!(last_monday(2024, 12), d(2024, 12, 30));
        assert_eq!(first_monday(2023, 5), d(2023, 5, 1));
    }

    #[test]
    fn christmas_at_weekend_takes_27_and_28() {
        let subs = with_substitutes(vec![
            (d(2021, 12, 25), "Christmas Day".into()),
            (d(2021, 12, 26), "Boxing Day".into()),
        ]);
        assert_eq!(
            subs[0],
            (d(2021, 12, 27), "Christmas Day (substitute day)".into())
        );
        assert_eq!(
            subs[1],
            (d(2021, 12, 28), "Boxing Day (substitute day)".into())
        );
    }
}
