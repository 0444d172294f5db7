//! A dispute's impact figures, each with its formula: strike days, striker-days lost (from
//! the per-member records of who struck on which day where a day has any, else the counts a
//! rep or organiser typed in, else members called out × days) and the organiser's rate
//! estimates.

use super::view::{hundredths_text, thousands, Figure, PeriodView};
use chrono::NaiveDate;
use picket_domain::calendar::Excluded;
use picket_domain::disputes::ActionKind;
use picket_domain::impact::{self, Count, MemberTally, StrikerDays};
use picket_store::dispute_edits::Participation;
use picket_store::disputes::{ActionPeriod, ImpactRate};
use picket_store::strike_days::DayTally;
use serde::Serialize;
use utoipa::ToSchema;

/// An impact estimate from an organiser-set rate.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Estimate {
    /// What is estimated, e.g. "service-user contacts".
    pub label: String,
    /// The figure and its formula.
    pub figure: Figure,
}

/// The dispute's impact.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Impact {
    /// Strike days in all periods, up to the day the figures are for.
    pub strike_days: Figure,
    /// Striker-days lost up to that day, summed over strike periods: each strike day from the
    /// per-member records of who struck when it has any, else from the counts typed in, else
    /// members called out × days. The working says which rule applied.
    pub striker_days: Figure,
    /// Which rule gave `striker_days`: `member-records` (every strike day from the
    /// per-member records), `counts` (none: typed counts or members called out), or
    /// `member-records-and-counts` (some days each way).
    pub striker_days_basis: String,
    /// Estimates from rates.
    pub estimates: Vec<Estimate>,
}

/// The days a period counts: every day from its first to its last not in `excluded`.
fn counted_days(period: &ActionPeriod, excluded: &[Excluded]) -> Vec<NaiveDate> {
    period
        .starts
        .iter_days()
        .take_while(|d| *d <= period.ends)
        .filter(|d| !excluded.iter().any(|x| x.date == *d))
        .collect()
}

/// A period's per-member tallies, for the domain's rule.
fn member_tallies(tallies: &[DayTally]) -> Vec<MemberTally> {
    tallies
        .iter()
        .map(|t| MemberTally {
            day: t.day,
            on_strike: t.on_strike,
            conflicts: t.conflicts,
        })
        .collect()
}

/// Striker-days lost in a period (the rule is the domain's
/// [`impact::striker_days_with_members`]), given its typed counts and the tallies of its
/// per-member records.
pub fn striker_days(
    period: &ActionPeriod,
    excluded: &[Excluded],
    records: &[Participation],
    tallies: &[DayTally],
) -> StrikerDays {
    let counts: Vec<Count> = records
        .iter()
        .map(|r| Count {
            day: r.day,
            took_part: r.took_part,
        })
        .collect();
    impact::striker_days_with_members(
        &counted_days(period, excluded),
        period.called_out,
        &counts,
        &member_tallies(tallies),
    )
}

fn joined(terms: &[String], total: &str) -> String {
    if terms.is_empty() {
        "No strike periods recorded".to_string()
    } else {
        format!("{} = {total}", terms.join(" + "))
    }
}

/// A strike period's share of the impact up to a day: its strike days on or before `as_of`
/// and the striker-days lost on them.
struct Share<'a> {
    view: &'a PeriodView,
    days: u32,
    lost: StrikerDays,
}

/// Each period counted from the per-member records, with its working: ". 13 May 2024 to
/// 17 May 2024: members recorded as on strike …".
fn member_workings(strikes: &[Share]) -> String {
    strikes
        .iter()
        .filter(|p| p.lost.source.uses_member_records())
        .map(|p| {
            format!(
                ". {} to {}: {}",
                p.view.period.starts, p.view.period.ends, p.lost.working
            )
        })
        .collect()
}

/// Which rule gave the striker-days: its machine code for the API and its words for people.
fn rule(strikes: &[Share]) -> (&'static str, String) {
    let n = strikes.len();
    let members = strikes
        .iter()
        .filter(|p| p.lost.source == impact::Source::MemberRecords)
        .count();
    let mixed = strikes
        .iter()
        .filter(|p| p.lost.source == impact::Source::MemberRecordsAndCounts)
        .count();
    let typed = strikes
        .iter()
        .filter(|p| !p.lost.source.uses_member_records())
        .filter(|p| p.lost.source != impact::Source::CalledOut)
        .count();
    if members + mixed == 0 {
        let words = match typed {
            0 => "members called out × strike days, per period".to_string(),
            t if t == n => "from the counts of who took part typed in, per period".to_string(),
            t => format!(
                "from the counts of who took part typed in for {t} of {n} periods, else members called out × strike days"
            ),
        };
        return ("counts", words);
    }
    if members == n {
        return (
            "member-records",
            "counted from each member's record of each strike day: the members recorded as on strike, day by day".to_string(),
        );
    }
    (
        "member-records-and-counts",
        format!(
            "counted from each member's record of each strike day where there are any ({} of {n} periods, in full or in part); \
             for days with no member recorded, from the counts typed in, else members called out × strike days",
            members + mixed
        ),
    )
}

/// The dispute's impact as of a day, from its periods (strikes only, the days on or before
/// `as_of`) and rates, like every other figure on the desk.
pub fn impact(periods: &[PeriodView], rates: &[ImpactRate], as_of: NaiveDate) -> Impact {
    let strikes: Vec<Share> = periods
        .iter()
        .filter(|p| p.period.kind == ActionKind::Strike && p.period.starts <= as_of)
        .map(|p| {
            let counted: Vec<NaiveDate> = counted_days(&p.period, &p.excluded)
                .into_iter()
                .filter(|d| *d <= as_of)
                .collect();
            let counts: Vec<Count> = p
                .participation
                .iter()
                .filter(|r| r.day.is_none_or(|d| d <= as_of))
                .map(|r| Count {
                    day: r.day,
                    took_part: r.took_part,
                })
                .collect();
            Share {
                view: p,
                days: u32::try_from(counted.len()).unwrap_or(u32::MAX),
                lost: impact::striker_days_with_members(
                    &counted,
                    p.period.called_out,
                    &counts,
                    &member_tallies(&p.tallies),
                ),
            }
        })
        .collect();
    let days: u32 = strikes.iter().map(|p| p.days).sum();
    let striker_days: u64 = strikes.iter().map(|p| p.lost.total).sum();
    let day_terms: Vec<String> = strikes.iter().map(|p| p.days.to_string()).collect();
    let striker_terms: Vec<String> = strikes
        .iter()
        .map(|p| {
            if p.lost.source.uses_member_records() {
                format!("{} (members recorded)", thousands(p.lost.total))
            } else if p.lost.source == impact::Source::CalledOut {
                format!("{} × {}", p.view.period.called_out, p.days)
            } else {
                format!("{} (counts typed in)", thousands(p.lost.total))
            }
        })
        .collect();
    let (basis, formula) = rule(&strikes);
    let estimates = rates
        .iter()
        .map(|r| {
            let total =
                i64::try_from(striker_days).unwrap_or(i64::MAX / 200) * r.per_worker_day_hundredths;
            Estimate {
                label: r.label.clone(),
                figure: Figure {
                    value: hundredths_text(total),
                    working: format!(
                        "{} striker-days × {} {} per worker per day = {}",
                        thousands(striker_days),
                        hundredths_text(r.per_worker_day_hundredths),
                        r.label,
                        hundredths_text(total)
                    ),
                },
            }
        })
        .collect();
    Impact {
        strike_days: Figure {
            value: days.to_string(),
            working: joined(&day_terms, &days.to_string()),
        },
        striker_days: Figure {
            value: thousands(striker_days),
            working: format!(
                "{formula}: {}{}",
                joined(&striker_terms, &thousands(striker_days)),
                member_workings(&strikes)
            ),
        },
        striker_days_basis: basis.into(),
        estimates,
    }
}
