//! Striker-days lost in a period of action, with the formula used: from the per-member
//! records of who struck on which day where a strike day has any, else from the counts a rep or
//! organiser typed in, else the members called out × the days counted.
//!
//! A day with per-member records counts the members whose status that day is on strike (a
//! conflict between a rep's entry and the member's own is not counted until a rep settles it).
//! For the other days, daily counts count for their days; a whole-period count stands for the
//! counted days without one; with no counts at all, every member called out counts. A record
//! for a day the period does not count changes nothing.

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
    /// Every counted day from the per-member records of who struck.
    MemberRecords,
    /// Per-member records for some days, the counts (or the members called out) for the rest.
    MemberRecordsAndCounts,
}

impl Source {
    /// Its stable name: `called-out`, `participation`, `participation-and-called-out`,
    /// `member-records`, `member-records-and-counts`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::CalledOut => "called-out",
            Source::Participation => "participation",
            Source::ParticipationAndCalledOut => "participation-and-called-out",
            Source::MemberRecords => "member-records",
            Source::MemberRecordsAndCounts => "member-records-and-counts",
        }
    }

    /// Whether any day came from the per-member records.
    pub fn uses_member_records(self) -> bool {
        matches!(self, Source::MemberRecords | Source::MemberRecordsAndCounts)
    }
}

/// One strike day's per-member records, added up: how many members were on strike that day
/// and how many days are still a conflict between a rep's entry and the member's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberTally {
    /// The strike day.
    pub day: NaiveDate,
    /// Members whose status that day is on strike.
    pub on_strike: u32,
    /// Members whose day is in conflict, not counted until settled.
    pub conflicts: u32,
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

/// Striker-days lost over the `counted` days of a period, from the per-member `tallies` on the
/// days that have any, and [`striker_days`] (the typed counts, else the members called out)
/// on the rest.
pub fn striker_days_with_members(
    counted: &[NaiveDate],
    called_out: u32,
    records: &[Count],
    tallies: &[MemberTally],
) -> StrikerDays {
    let recorded: Vec<&MemberTally> = counted
        .iter()
        .filter_map(|d| tallies.iter().find(|t| t.day == *d))
        .collect();
    if recorded.is_empty() {
        return striker_days(counted, called_out, records);
    }
    let rest: Vec<NaiveDate> = counted
        .iter()
        .copied()
        .filter(|d| !recorded.iter().any(|t| t.day == *d))
        .collect();
    let from_members: u64 = recorded.iter().map(|t| u64::from(t.on_strike)).sum();
    let conflicts: u64 = recorded.iter().map(|t| u64::from(t.conflicts)).sum();
    let terms: Vec<String> = recorded.iter().map(|t| t.on_strike.to_string()).collect();
    let days = recorded.len();
    let mut working = format!(
        "members recorded as on strike on {days} {}: {}",
        if days == 1 { "day" } else { "days" },
        terms.join(" + ")
    );
    if conflicts > 0 {
        let _ = write!(
            working,
            " (not counting {conflicts} member-{} where a rep's entry and the member's own differ, until a rep settles {})",
            if conflicts == 1 { "day" } else { "days" },
            if conflicts == 1 { "it" } else { "them" }
        );
    }
    let mut total = from_members;
    let source = if rest.is_empty() {
        Source::MemberRecords
    } else {
        let others = striker_days(&rest, called_out, records);
        total += others.total;
        let _ = write!(
            working,
            "; plus, for the {} {} with no member recorded, {}",
            rest.len(),
            if rest.len() == 1 { "day" } else { "days" },
            others.working
        );
        Source::MemberRecordsAndCounts
    };
    let _ = write!(working, " = {}", thousands(total));
    StrikerDays {
        total,
        working,
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 5, n).unwrap()
    }

    fn tally(n: u32, on_strike: u32, conflicts: u32) -> MemberTally {
        MemberTally {
            day: day(n),
            on_strike,
            conflicts,
        }
    }

    #[test]
    fn member_records_count_who_struck_and_the_counts_stand_for_the_rest() {
        let counted = [day(13), day(14), day(15)];
        let none = striker_days_with_members(&counted, 20, &[], &[]);
        assert_eq!(none.total, 60);
        assert_eq!(none.source, Source::CalledOut);

        let all = striker_days_with_members(
            &counted,
            20,
            &[],
            &[tally(13, 12, 0), tally(14, 11, 1), tally(15, 10, 0)],
        );
        assert_eq!(all.total, 33);
        assert_eq!(all.source, Source::MemberRecords);
        assert!(all.working.contains("12 + 11 + 10"), "{}", all.working);
        assert!(
            all.working.contains("not counting 1 member-day"),
            "{}",
            all.working
        );

        let some = striker_days_with_members(
            &counted,
            20,
            &[Count {
                day: Some(day(15)),
                took_part: 17,
            }],
            &[tally(13, 12, 0), tally(30, 99, 0)],
        );
        // 12 from the records; 17 typed for the 15th; 20 called out on the 14th.
        assert_eq!(some.total, 12 + 17 + 20);
        assert_eq!(some.source, Source::MemberRecordsAndCounts);
        assert!(some.working.ends_with("= 49"), "{}", some.working);
    }
}
