//! Striker-days lost in a period of action, with the formula used: from participation records
//! where a rep or organiser entered them, else the members called out × the days counted.
//!
//! Daily records count for their days; a whole-period record stands for the counted days
//! without one; with no records at all, every member called out counts. A record for a day the
//! period does not count changes nothing.

use chrono::NaiveDate;
use std::fmt::Write as _;

/// How many members took part: on `day`, or over the whole period when `day` is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    /// The strike day, or `None` for the whole period.
    pub day: Option<NaiveDate>,
    /// How many took part.
    pub took_part: u32,
}

/// Which formula gave a period's striker-days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Members called out × days: no records.
    CalledOut,
    /// From participation records (daily, or a whole-period record for the rest).
    Participation,
    /// Daily records for some days, the members called out for the rest.
    ParticipationAndCalledOut,
}

impl Source {
    /// Its stable name: `called-out`, `participation`, `participation-and-called-out`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::CalledOut => "called-out",
            Source::Participation => "participation",
            Source::ParticipationAndCalledOut => "participation-and-called-out",
        }
    }
}

/// A period's striker-days lost and how they were worked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrikerDays {
    /// The figure.
    pub total: u64,
    /// Its working, e.g. "20 called out × 5 days = 100".
    pub working: String,
    /// The formula used.
    pub source: Source,
}

/// A whole number with thousands separators: 4050 → "4,050".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Striker-days lost over the `counted` days of a period that called out `called_out`
/// members, given its participation `records`.
pub fn striker_days(counted: &[NaiveDate], called_out: u32, records: &[Count]) -> StrikerDays {
    let n_days = u64::try_from(counted.len()).unwrap_or(u64::MAX);
    let whole = records.iter().find(|r| r.day.is_none());
    let mut daily: Vec<&Count> = records
        .iter()
        .filter(|r| r.day.is_some_and(|d| counted.contains(&d)))
        .collect();
    daily.sort_by_key(|r| r.day);
    // One count per day: the last given for a day stands.
    daily.dedup_by(|later, earlier| {
        let same = later.day == earlier.day;
        if same {
            *earlier = *later;
        }
        same
    });
    let (fallback, words) = match whole {
        Some(w) => (u64::from(w.took_part), "took part (period record)"),
        None => (u64::from(called_out), "called out"),
    };
    if daily.is_empty() {
        let total = fallback * n_days;
        return StrikerDays {
            total,
            working: format!("{fallback} {words} × {n_days} days = {}", thousands(total)),
            source: if whole.is_some() {
                Source::Participation
            } else {
                Source::CalledOut
            },
        };
    }
    let recorded: u64 = daily.iter().map(|r| u64::from(r.took_part)).sum();
    let terms: Vec<String> = daily.iter().map(|r| r.took_part.to_string()).collect();
    let rest = n_days - u64::try_from(daily.len()).unwrap_or(n_days);
    let total = recorded + fallback * rest;
    let mut working = format!(
        "took part on {} recorded days: {}",
        daily.len(),
        terms.join(" + ")
    );
    if rest > 0 {
        let _ = write!(
            working,
            "; plus {fallback} {words} × {rest} days without a daily record"
        );
    }
    let _ = write!(working, " = {}", thousands(total));
    StrikerDays {
        total,
        working,
        source: if rest > 0 && whole.is_none() {
            Source::ParticipationAndCalledOut
        } else {
            Source::Participation
        },
    }
}
