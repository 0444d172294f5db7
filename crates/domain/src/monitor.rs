//! The strike-breaking monitor: reports of agencies or contractors covering strikers' work,
//! what became of each after the branch wrote to them, and what the law table says about the
//! ban on supplying agency workers to do a striker's work — facts, not a verdict.

use crate::disputes::Named;
use crate::eactions::long_date;
use crate::law::{self, Jurisdiction, Nation, AGENCY_BAN};
use crate::text::{self, TextKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Longest name of the agency or contractor.
pub const MAX_WHO: usize = 150;
/// Longest description of the service covered.
pub const MAX_SERVICE: usize = 300;
/// Longest evidence.
pub const MAX_EVIDENCE: usize = 5_000;

/// What came of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Not known yet.
    Unknown,
    /// The agency or contractor withdrew.
    Withdrew,
    /// They carry on covering the work.
    Continuing,
}

impl Named for Outcome {
    const ALL: &'static [Self] = &[Self::Unknown, Self::Withdrew, Self::Continuing];
    fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Withdrew => "withdrew",
            Self::Continuing => "continuing",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Unknown => "Not known yet",
            Self::Withdrew => "Withdrew",
            Self::Continuing => "Continuing",
        }
    }
}

/// A report refused, naming the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ReportError {
    /// The field at fault.
    pub field: &'static str,
    /// What to fix.
    pub message: String,
}

fn refuse(field: &'static str, message: impl Into<String>) -> ReportError {
    ReportError {
        field,
        message: message.into(),
    }
}

fn typed(
    field: &'static str,
    label: &str,
    kind: TextKind,
    value: &str,
    max: usize,
) -> Result<String, ReportError> {
    text::check(kind, value, max).map_err(|e| refuse(field, e.message(label)))
}

/// A report of strike-breaking, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewReport {
    /// The agency or contractor.
    pub who: String,
    /// The service or work they cover.
    pub service: String,
    /// The day the branch learned of it.
    pub learned_on: NaiveDate,
    /// What shows it (what was seen, by whom, documents).
    pub evidence: String,
    /// What came of it.
    pub outcome: Outcome,
}

impl NewReport {
    /// Checks what an organiser typed; an empty outcome is "not known yet".
    pub fn parse(
        who: &str,
        service: &str,
        learned_on: Option<NaiveDate>,
        evidence: &str,
        outcome: &str,
    ) -> Result<NewReport, ReportError> {
        let who = typed(
            "who",
            "The agency or contractor",
            TextKind::Name,
            who,
            MAX_WHO,
        )?;
        if who.is_empty() {
            return Err(refuse("who", "Name the agency or contractor."));
        }
        let service = typed(
            "service",
            "The service",
            TextKind::SingleLine,
            service,
            MAX_SERVICE,
        )?;
        if service.is_empty() {
            return Err(refuse(
                "service",
                "Say which service or work they are covering.",
            ));
        }
        let learned_on = learned_on.ok_or_else(|| {
            refuse(
                "learned_on",
                "Give the day the branch learned of it, e.g. 1 May 2024.",
            )
        })?;
        let evidence = typed(
            "evidence",
            "The evidence",
            TextKind::MultiLine,
            evidence,
            MAX_EVIDENCE,
        )?;
        let outcome = match outcome.trim() {
            "" => Outcome::Unknown,
            o => Outcome::parse(o).ok_or_else(|| {
                refuse(
                    "outcome",
                    "Choose the outcome: unknown, withdrew or continuing.",
                )
            })?,
        };
        Ok(NewReport {
            who,
            service,
            learned_on,
            evidence,
            outcome,
        })
    }
}

/// One stretch of time in which Regulation 7 stood one way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Regulation7Period {
    /// First day of the stretch that falls within the days asked about.
    pub from: NaiveDate,
    /// Last day of it within the days asked about.
    pub until: NaiveDate,
    /// Whether the ban applied.
    pub in_force: bool,
    /// The provision as the law table cites it.
    pub provision: String,
    /// The stretch as a sentence, with dates as people read them.
    pub sentence: String,
}

/// What the law table says about Regulation 7 over some days: each stretch with whether the
/// ban applied, and the notes that go with it. It is a record of the law, not a judgement
/// of whether what was reported breaks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Regulation7Facts {
    /// The stretches, in order (empty where the table has no answer).
    pub periods: Vec<Regulation7Period>,
    /// What every reading rests on, and what the facts do not decide.
    pub notes: Vec<String>,
}

/// The note every answer carries: the facts are not a verdict.
pub const NOT_A_VERDICT: &str = "These are the dates the law table records, not a finding: whether what was reported is \"supply\" of a worker (an outsourced service may be argued not to be) is for argument and, in the end, for a court.";

/// What the law table says about Regulation 7 of the Conduct of Employment Agencies and
/// Employment Businesses Regulations 2003 for the days `from` to `until` in `nation`.
pub fn regulation7_facts(
    nation: Nation,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Regulation7Facts, law::LawError> {
    let (from, until) = if from <= until {
        (from, until)
    } else {
        (until, from)
    };
    // The same checks and assumptions as the law engine's answer for the first day.
    let first = law::agency_supply_ban(nation, from)?;
    law::agency_supply_ban(nation, until)?;
    let mut notes = first.assumptions;
    if nation.jurisdiction() == Jurisdiction::NorthernIreland {
        notes.push(NOT_A_VERDICT.to_string());
        return Ok(Regulation7Facts {
            periods: Vec::new(),
            notes,
        });
    }
    let periods = AGENCY_BAN
        .iter()
        .filter_map(|row| {
            let start = row.from.map_or(from, |f| f.max(from));
            let end = row.until.map_or(until, |u| u.min(until));
            (start <= end).then(|| {
                let state = if row.in_force {
                    "the ban on supplying agency workers to do a striker's work applied"
                } else {
                    "the ban was revoked and did not apply"
                };
                Regulation7Period {
                    from: start,
                    until: end,
                    in_force: row.in_force,
                    provision: row.provision.to_string(),
                    sentence: if start == end {
                        format!("On {}, {state} ({}).", long_date(start), row.provision)
                    } else {
                        format!(
                            "From {} to {}, {state} ({}).",
                            long_date(start),
                            long_date(end),
                            row.provision
                        )
                    },
                }
            })
        })
        .collect();
    notes.push(NOT_A_VERDICT.to_string());
    Ok(Regulation7Facts { periods, notes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_report_is_checked() {
        let r = NewReport::parse(
            "Swift Staffing Ltd",
            "Approved mental health professional rota",
            Some(day(2024, 5, 7)),
            "Seen on the rota.",
            "",
        )
        .unwrap();
        assert_eq!(r.outcome, Outcome::Unknown);
        for (who, service, learned, outcome, field) in [
            ("", "x", Some(day(2024, 5, 7)), "", "who"),
            ("A", "", Some(day(2024, 5, 7)), "", "service"),
            ("A", "x", None, "", "learned_on"),
            ("A", "x", Some(day(2024, 5, 7)), "maybe", "outcome"),
        ] {
            assert_eq!(
                NewReport::parse(who, service, learned, "", outcome)
                    .unwrap_err()
                    .field,
                field
            );
        }
        assert_eq!(
            NewReport::parse("A", "x", Some(day(2024, 5, 7)), "", "withdrew")
                .unwrap()
                .outcome,
            Outcome::Withdrew
        );
    }

    #[test]
    fn the_facts_follow_the_law_table_across_the_revocation_and_the_quashing() {
        let facts = regulation7_facts(Nation::England, day(2022, 7, 1), day(2024, 5, 7)).unwrap();
        let shape: Vec<_> = facts
            .periods
            .iter()
            .map(|p| (p.from, p.until, p.in_force))
            .collect();
        assert_eq!(
            shape,
            [
                (day(2022, 7, 1), day(2022, 7, 20), true),
                (day(2022, 7, 21), day(2023, 8, 9), false),
                (day(2023, 8, 10), day(2024, 5, 7), true),
            ]
        );
        assert!(
            facts.periods[1]
                .sentence
                .starts_with("From 21 July 2022 to 9 August 2023, the ban was revoked"),
            "{}",
            facts.periods[1].sentence
        );
        assert!(facts.periods[2].provision.contains("EWHC 1781"));
        assert!(facts.notes.iter().any(|n| n.contains("not a finding")));
    }

    #[test]
    fn one_day_in_force_and_none_recorded_for_northern_ireland() {
        let facts = regulation7_facts(Nation::Wales, day(2024, 5, 7), day(2024, 5, 7)).unwrap();
        assert_eq!(facts.periods.len(), 1);
        assert!(facts.periods[0].in_force);
        assert!(facts.periods[0]
            .sentence
            .starts_with("On 7 May 2024, the ban on supplying agency workers"));
        let ni =
            regulation7_facts(Nation::NorthernIreland, day(2024, 5, 7), day(2024, 5, 7)).unwrap();
        assert!(ni.periods.is_empty());
        assert!(ni.notes.iter().any(|n| n.contains("Northern Ireland")));
    }
}
