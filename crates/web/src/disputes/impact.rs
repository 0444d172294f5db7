//! A dispute's impact figures, each with its formula: strike days, striker-days lost (from
//! participation records where a rep or organiser entered them, else members called out ×
//! days) and the organiser's rate estimates.

use super::view::{hundredths_text, thousands, Figure, PeriodView};
use chrono::NaiveDate;
use picket_domain::calendar::Excluded;
use picket_domain::disputes::ActionKind;
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
    /// Strike days in all periods.
    pub strike_days: Figure,
    /// Striker-days lost, summed over strike periods, each period from its participation
    /// records when there are any, else members called out × days.
    pub striker_days: Figure,
    /// Estimates from rates.
    pub estimates: Vec<Estimate>,
}

/// A period's striker-days lost and how they were worked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrikerDays {
    /// The figure.
    pub total: u64,
    /// Its working.
    pub working: String,
    /// `called-out`, `participation` or `participation-and-called-out`.
    pub source: &'static str,
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

/// Striker-days lost in a period. Daily records count for their days; a whole-period record
/// stands for the days without one; with no records at all, every member called out counts.
pub fn striker_days(
    period: &ActionPeriod,
    excluded: &[Excluded],
    records: &[Participation],
) -> StrikerDays {
    let days = counted_days(period, excluded);
    let n_days = u64::try_from(days.len()).unwrap_or(u64::MAX);
    let whole = records.iter().find(|r| r.day.is_none());
    let daily: Vec<&Participation> = records
        .iter()
        .filter(|r| r.day.is_some_and(|d| days.contains(&d)))
        .collect();
    let (fallback, fallback_words) = match whole {
        Some(w) => (u64::from(w.took_part), "took part (period record)"),
        None => (u64::from(period.called_out), "called out"),
    };
    if daily.is_empty() {
        let total = fallback * n_days;
        return StrikerDays {
            total,
            working: format!(
                "{fallback} {fallback_words} × {n_days} days = {}",
                thousands(total)
            ),
            source: if whole.is_some() {
                "participation"
            } else {
                "called-out"
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
        working.push_str(&format!(
            "; plus {fallback} {fallback_words} × {rest} days without a daily record"
        ));
    }
    working.push_str(&format!(" = {}", thousands(total)));
    StrikerDays {
        total,
        working,
        source: if rest > 0 && whole.is_none() {
            "participation-and-called-out"
        } else {
            "participation"
        },
    }
}

fn joined(terms: &[String], total: &str) -> String {
    if terms.is_empty() {
        "No strike periods recorded".to_string()
    } else {
        format!("{} = {total}", terms.join(" + "))
    }
}

/// The dispute's impact from its periods (strikes only) and rates.
pub fn impact(periods: &[PeriodView], rates: &[ImpactRate]) -> Impact {
    let strikes: Vec<&PeriodView> = periods
        .iter()
        .filter(|p| p.period.kind == ActionKind::Strike)
        .collect();
    let days: u32 = strikes.iter().map(|p| p.days).sum();
    let striker_days: u64 = strikes.iter().map(|p| p.striker_days).sum();
    let day_terms: Vec<String> = strikes.iter().map(|p| p.days.to_string()).collect();
    let striker_terms: Vec<String> = strikes
        .iter()
        .map(|p| match p.striker_days_source.as_str() {
            "called-out" => format!("{} × {}", p.period.called_out, p.days),
            _ => format!("{} (participation records)", thousands(p.striker_days)),
        })
        .collect();
    let from_records = strikes
        .iter()
        .filter(|p| p.striker_days_source != "called-out")
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn period() -> ActionPeriod {
        ActionPeriod {
            id: 1,
            dispute_id: 1,
            ballot_id: None,
            kind: ActionKind::Strike,
            starts: d("2024-05-13"),
            ends: d("2024-05-19"),
            teams: String::new(),
            called_out: 20,
            notice_received: None,
            holidays_as_strike: Vec::new(),
        }
    }

    fn weekend() -> Vec<Excluded> {
        ["2024-05-18", "2024-05-19"]
            .map(|s| Excluded {
                date: d(s),
                reason: "weekend".into(),
            })
            .to_vec()
    }

    fn record(day: Option<&str>, took_part: u32) -> Participation {
        Participation {
            id: 1,
            dispute_id: 1,
            period_id: 1,
            day: day.map(d),
            took_part,
            entered_at: Utc::now(),
        }
    }

    #[test]
    fn without_records_everyone_called_out_counts() {
        let s = striker_days(&period(), &weekend(), &[]);
        assert_eq!(s.total, 100);
        assert_eq!(s.source, "called-out");
        assert_eq!(s.working, "20 called out × 5 days = 100");
    }

    #[test]
    fn a_period_record_stands_for_every_day() {
        let s = striker_days(&period(), &weekend(), &[record(None, 17)]);
        assert_eq!(s.total, 85);
        assert_eq!(s.source, "participation");
    }

    #[test]
    fn daily_records_count_their_days_and_the_rest_falls_back() {
        let recs = [
            record(Some("2024-05-13"), 18),
            record(Some("2024-05-14"), 16),
        ];
        let s = striker_days(&period(), &weekend(), &recs);
        assert_eq!(s.total, 18 + 16 + 20 * 3);
        assert_eq!(s.source, "participation-and-called-out");
        assert!(s.working.contains("18 + 16"), "{}", s.working);
        let mut with_whole = recs.to_vec();
        with_whole.push(record(None, 15));
        let s = striker_days(&period(), &weekend(), &with_whole);
        assert_eq!(s.total, 18 + 16 + 15 * 3);
        assert_eq!(s.source, "participation");
        // A record for a day the period does not count is ignored.
        let s = striker_days(&period(), &weekend(), &[record(Some("2024-05-18"), 9)]);
        assert_eq!(s.total, 100);
    }
}
