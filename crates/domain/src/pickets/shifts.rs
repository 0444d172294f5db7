//! Picket shifts: an entrance, a day, a start and an end in UK clock time, and how many people
//! it takes. The capacity defaults to the law engine's guide number of pickets per entrance;
//! an organiser may set more and is shown the law engine's warning. One step plans shifts for
//! every strike day of a period of action, by the desk's own counting rule (weekdays less the
//! bank holidays of the branch's division, except the holidays the period counts as strike
//! days: [`Calendar::strike_days`]).

use crate::calendar::Calendar;
use crate::law::{picketing_rules, LawOverrides, Nation};
use crate::values::Division;
use chrono::{NaiveDate, NaiveTime};
use serde::Serialize;

/// The capacity used when the law engine has no guide number.
pub const FALLBACK_CAPACITY: u32 = 6;
/// The largest capacity a shift may have.
pub const MAX_CAPACITY: u32 = 500;
/// The most shifts one planning step creates.
pub const MAX_PLANNED: usize = 2000;

/// A shift refused, naming the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ShiftError {
    /// The field at fault: `day`, `starts`, `ends`, `capacity` or `entrance`.
    pub field: &'static str,
    /// What to fix, in plain words.
    pub message: String,
}

fn refuse(field: &'static str, message: impl Into<String>) -> ShiftError {
    ShiftError {
        field,
        message: message.into(),
    }
}

/// A date as people read it: "1 May 2024".
pub fn date_words(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

/// A clock time as people read it on a rota: "08:00".
pub fn time_words(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// Parses "8:00", "08:00" or "0800".
pub fn parse_time(field: &'static str, s: &str) -> Result<NaiveTime, ShiftError> {
    let s = s.trim();
    NaiveTime::parse_from_str(s, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(s, "%H%M"))
        .map_err(|_| {
            refuse(
                field,
                format!(
                    "Give the time as hours and minutes, e.g. 08:00 (not \"{}\").",
                    s.chars().take(20).collect::<String>()
                ),
            )
        })
}

/// When a shift stands: its day, start and end in UK clock time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ShiftTimes {
    /// The day.
    pub day: NaiveDate,
    /// When it starts.
    pub starts: NaiveTime,
    /// When it ends (later the same day).
    pub ends: NaiveTime,
}

impl ShiftTimes {
    /// Checks that the shift ends after it starts, on the same day.
    pub fn new(day: NaiveDate, starts: NaiveTime, ends: NaiveTime) -> Result<Self, ShiftError> {
        if ends <= starts {
            return Err(refuse(
                "ends",
                format!(
                    "The shift ends ({}) before it starts ({}): make the end later than the start.",
                    time_words(ends),
                    time_words(starts)
                ),
            ));
        }
        Ok(Self { day, starts, ends })
    }

    /// Whether two shifts on the same day share any time (touching ends do not).
    pub fn overlaps(&self, other: &ShiftTimes) -> bool {
        self.day == other.day && self.starts < other.ends && other.starts < self.ends
    }

    /// "08:00–12:30 on 1 May 2024".
    pub fn words(&self) -> String {
        format!(
            "{}–{} on {}",
            time_words(self.starts),
            time_words(self.ends),
            date_words(self.day)
        )
    }
}

/// The first of `existing` that `new` overlaps, as a refusal naming it.
pub fn check_overlap(new: &ShiftTimes, existing: &[ShiftTimes]) -> Result<(), ShiftError> {
    match existing.iter().find(|e| e.overlaps(new)) {
        Some(e) => Err(refuse(
            "starts",
            format!(
                "This shift overlaps another at the same entrance ({}): change its times, or choose another entrance.",
                e.words()
            ),
        )),
        None => Ok(()),
    }
}

/// Refuses a shift whose start (in UK clock time, as `starts_at`) is not after `now`: a
/// shift is added or moved only to a time still to come.
pub fn check_to_come(
    times: &ShiftTimes,
    starts_at: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ShiftError> {
    if starts_at <= now {
        return Err(refuse(
            "day",
            format!(
                "{} is already past: choose a day and start still to come.",
                times.words()
            ),
        ));
    }
    Ok(())
}

/// Checks a new capacity for a shift on which `taken` places are taken: at least 1, and not
/// below the places taken (people are not dropped from a shift by a number).
pub fn check_new_capacity(capacity: u32, taken: u32) -> Result<(), ShiftError> {
    if capacity == 0 {
        return Err(refuse(
            "capacity",
            "A shift must take at least one person: set the capacity to 1 or more.",
        ));
    }
    if capacity < taken {
        return Err(refuse(
            "capacity",
            format!(
                "{} on this shift, so the capacity cannot be less than {taken}. Cancel places first if fewer are needed.",
                if taken == 1 {
                    "1 person already has a place".to_string()
                } else {
                    format!("{taken} people already have a place")
                }
            ),
        ));
    }
    Ok(())
}

/// A shift's capacity, checked against the law engine's guide number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Capacity {
    /// How many people the shift takes.
    pub places: u32,
    /// The guide number of pickets per entrance, if the law engine records one.
    pub guide: Option<u32>,
    /// Where the guide comes from.
    pub guide_source: String,
    /// The warning to show when the capacity is above the guide.
    pub warning: Option<String>,
}

/// The capacity of a shift at one entrance on `day`: `asked` if given (at least 1), else the
/// law engine's guide number (else [`FALLBACK_CAPACITY`]). Above the guide, the answer
/// carries the law engine's warning; it is allowed.
pub fn capacity(
    nation: Nation,
    day: NaiveDate,
    overrides: &LawOverrides,
    asked: Option<u32>,
) -> Result<Capacity, ShiftError> {
    let rules =
        picketing_rules(nation, day, overrides).map_err(|e| refuse("day", e.to_string()))?;
    let guide = rules.pickets_per_entrance;
    let places = match asked {
        Some(0) => {
            return Err(refuse(
                "capacity",
                "A shift must take at least one person: set the capacity to 1 or more.",
            ))
        }
        Some(n) if n > MAX_CAPACITY => {
            return Err(refuse(
                "capacity",
                format!("A shift can take at most {MAX_CAPACITY} people: split it between entrances or shifts."),
            ))
        }
        Some(n) => n,
        None => guide.unwrap_or(FALLBACK_CAPACITY),
    };
    let warning = guide.filter(|g| places > *g).map(|g| {
        format!(
            "{places} people is more than the guide of {g} pickets per entrance ({}). The guide is not law, but police and courts read it; larger numbers are better organised as a rally away from the entrance.",
            rules.pickets_per_entrance_source
        )
    });
    Ok(Capacity {
        places,
        guide,
        guide_source: rules.pickets_per_entrance_source,
        warning,
    })
}

/// What a planning step asks for: the same hours at each entrance on every strike day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRequest<'a> {
    /// The branch's bank-holiday division.
    pub division: Division,
    /// The period's first day.
    pub from: NaiveDate,
    /// The period's last day.
    pub to: NaiveDate,
    /// Bank holidays the period counts as strike days.
    pub holidays_as_strike: &'a [NaiveDate],
    /// When each shift starts.
    pub starts: NaiveTime,
    /// When each shift ends.
    pub ends: NaiveTime,
    /// How many entrances (shifts per day).
    pub entrances: usize,
}

/// The days of a plan, and the days it left out with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// Each strike day's times, in date order (one shift per entrance on each).
    pub days: Vec<ShiftTimes>,
    /// Days of the period that are not strike days, and why ("Saturday", a bank holiday).
    pub skipped: Vec<(NaiveDate, String)>,
    /// The counting rule in words.
    pub rule: String,
}

/// Plans shifts for every strike day of a period, by the desk's counting rule.
pub fn plan(calendar: &Calendar, req: &PlanRequest<'_>) -> Result<Plan, ShiftError> {
    let times = ShiftTimes::new(req.from, req.starts, req.ends)?;
    if req.entrances == 0 {
        return Err(refuse(
            "entrance",
            "Choose at least one entrance for the shifts.",
        ));
    }
    let count = calendar
        .strike_days(req.division, req.from, req.to, req.holidays_as_strike)
        .map_err(|e| refuse("day", e.to_string()))?;
    let days: Vec<ShiftTimes> = req
        .from
        .iter_days()
        .take_while(|d| *d <= req.to)
        .filter(|d| !count.excluded.iter().any(|x| x.date == *d))
        .map(|day| ShiftTimes { day, ..times })
        .collect();
    if days.len().saturating_mul(req.entrances) > MAX_PLANNED {
        return Err(refuse(
            "day",
            format!(
                "That would make more than {MAX_PLANNED} shifts at once: plan a shorter period."
            ),
        ));
    }
    Ok(Plan {
        days,
        skipped: count
            .excluded
            .into_iter()
            .map(|x| (x.date, x.reason))
            .collect(),
        rule: count.rule,
    })
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
    fn a_new_capacity_keeps_everyone_with_a_place_and_a_shift_is_set_to_come() {
        assert!(check_new_capacity(4, 4).is_ok() && check_new_capacity(9, 4).is_ok());
        let err = check_new_capacity(3, 4).unwrap_err();
        assert_eq!(err.field, "capacity");
        assert!(
            err.message.contains("4 people already have a place"),
            "{err}"
        );
        assert!(check_new_capacity(0, 0)
            .unwrap_err()
            .message
            .contains("at least one"));
        let times = ShiftTimes::new(d(2024, 5, 1), t(8, 0), t(12, 30)).unwrap();
        let at = chrono::DateTime::from_timestamp(1_714_546_800, 0).unwrap();
        assert!(check_to_come(&times, at, at - chrono::Duration::seconds(1)).is_ok());
        let err = check_to_come(&times, at, at).unwrap_err();
        assert!(err.message.contains("1 May 2024 is already past"), "{err}");
    }

    #[test]
    fn a_shift_ends_after_it_starts_and_overlaps_are_named() {
        let err = ShiftTimes::new(d(2024, 5, 1), t(12, 30), t(8, 0)).unwrap_err();
        assert_eq!(err.field, "ends");
        assert!(
            err.message
                .contains("ends (08:00) before it starts (12:30)"),
            "{err}"
        );
        assert!(ShiftTimes::new(d(2024, 5, 1), t(8, 0), t(8, 0)).is_err());
        let morning = ShiftTimes::new(d(2024, 5, 1), t(8, 0), t(12, 30)).unwrap();
        let noon = ShiftTimes::new(d(2024, 5, 1), t(12, 30), t(15, 0)).unwrap();
        let late_morning = ShiftTimes::new(d(2024, 5, 1), t(10, 0), t(13, 0)).unwrap();
        let next_day = ShiftTimes::new(d(2024, 5, 2), t(10, 0), t(13, 0)).unwrap();
        assert!(check_overlap(&noon, &[morning]).is_ok());
        assert!(check_overlap(&next_day, &[morning]).is_ok());
        let err = check_overlap(&late_morning, &[noon, morning]).unwrap_err();
        assert!(
            err.message.contains("08:00–12:30 on 1 May 2024")
                || err.message.contains("12:30–15:00 on 1 May 2024"),
            "{err}"
        );
        assert_eq!(parse_time("starts", "8:00").unwrap(), t(8, 0));
        assert_eq!(parse_time("starts", "1230").unwrap(), t(12, 30));
        assert_eq!(parse_time("starts", "noon").unwrap_err().field, "starts");
    }

    #[test]
    fn capacity_defaults_to_the_guide_and_warns_above_it() {
        let none = LawOverrides::default();
        let c = capacity(Nation::England, d(2024, 5, 1), &none, None).unwrap();
        assert_eq!((c.places, c.guide, c.warning.clone()), (6, Some(6), None));
        let more = capacity(Nation::England, d(2024, 5, 1), &none, Some(10)).unwrap();
        assert_eq!(more.places, 10);
        assert!(more
            .warning
            .unwrap()
            .contains("guide of 6 pickets per entrance"));
        let zero = capacity(Nation::England, d(2024, 5, 1), &none, Some(0)).unwrap_err();
        assert_eq!(zero.field, "capacity");
        assert!(zero.message.contains("at least one person"));
        // Northern Ireland records no guide: the fallback, and no warning.
        let ni = capacity(Nation::NorthernIreland, d(2024, 5, 1), &none, Some(9)).unwrap();
        assert_eq!((ni.guide, ni.warning), (None, None));
    }

    #[test]
    fn a_plan_skips_weekends_and_bank_holidays_unless_counted() {
        let calendar = Calendar::new(Vec::new()).unwrap();
        // Fri 3 May to Tue 7 May 2024: Mon 6 May is the Early May bank holiday.
        let req = PlanRequest {
            division: Division::EnglandAndWales,
            from: d(2024, 5, 3),
            to: d(2024, 5, 7),
            holidays_as_strike: &[],
            starts: t(8, 0),
            ends: t(12, 30),
            entrances: 2,
        };
        let p = plan(&calendar, &req).unwrap();
        let days: Vec<NaiveDate> = p.days.iter().map(|s| s.day).collect();
        assert_eq!(days, [d(2024, 5, 3), d(2024, 5, 7)]);
        assert_eq!(p.skipped.len(), 3);
        assert!(p
            .skipped
            .iter()
            .any(|(day, why)| *day == d(2024, 5, 6) && why.contains("May")));
        let counted = [d(2024, 5, 6)];
        let p = plan(
            &calendar,
            &PlanRequest {
                holidays_as_strike: &counted,
                ..req.clone()
            },
        )
        .unwrap();
        assert_eq!(p.days.len(), 3);
        let bad = plan(
            &calendar,
            &PlanRequest {
                starts: t(13, 0),
                ..req.clone()
            },
        )
        .unwrap_err();
        assert_eq!(bad.field, "ends");
        assert_eq!(
            plan(
                &calendar,
                &PlanRequest {
                    entrances: 0,
                    ..req
                }
            )
            .unwrap_err()
            .field,
            "entrance"
        );
    }
}
