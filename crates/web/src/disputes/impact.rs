//! A dispute's impact figures, each with its formula: strike days, striker-days lost (from
//! participation records where a rep or organiser entered them, else members called out ×
//! days) and the organiser's rate estimates.

use super::view::{hundredths_text, thousands, Figure, PeriodView};
use chrono::NaiveDate;
use picket_domain::calendar::Excluded;
use picket_domain::disputes::ActionKind;
use picket_domain::impact::{self, Count, StrikerDays};
use picket_store::dispute_edits::Participation;
use picket_store::disputes::{ActionPeriod, ImpactRate};
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
    /// Striker-days lost up to that day, summed over strike periods, each period from its
    /// participation records when there are any, else members called out × days.
    pub striker_days: Figure,
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

/// Striker-days lost in a period (the rule is the domain's [`impact::striker_days`]).
pub fn striker_days(
    period: &ActionPeriod,
    excluded: &[Excluded],
    records: &[Participation],
) -> StrikerDays {
    let counts: Vec<Count> = records
        .iter()
        .map(|r| Count {
            day: r.day,
            took_part: r.took_part,
        })
        .collect();
    impact::striker_days(&counted_days(period, excluded), period.called_out, &counts)
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
                lost: impact::striker_days(&counted, p.period.called_out, &counts),
            }
        })
        .collect();
    let days: u32 = strikes.iter().map(|p| p.days).sum();
    let striker_days: u64 = strikes.iter().map(|p| p.lost.total).sum();
    let day_terms: Vec<String> = strikes.iter().map(|p| p.days.to_string()).collect();
    let striker_terms: Vec<String> = strikes
        .iter()
        .map(|p| match p.lost.source.as_str() {
            "called-out" => format!("{} × {}", p.view.period.called_out, p.days),
            _ => format!("{} (participation records)", thousands(p.lost.total)),
        })
        .collect();
    let from_records = strikes
        .iter()
        .filter(|p| p.lost.source.as_str() != "called-out")
        .count();
    let formula = match from_records {
        0 => "members called out × strike days, per period".to_string(),
        n if n == strikes.len() => "from participation records, per period".to_string(),
        n => format!(
            "from participation records for {n} of {} periods, else members called out × strike days",
            strikes.len()
        ),
    };
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
                "{formula}: {}",
                joined(&striker_terms, &thousands(striker_days))
            ),
        },
        estimates,
    }
}
