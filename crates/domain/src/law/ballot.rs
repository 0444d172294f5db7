//! Assessing a ballot: thresholds, mandate and the statutory steps around it.

use super::overrides::{Assumptions, LawOverrides, Resolve};
use super::period::Period;
use super::table::{caveats, regime_on, Regime, WELSH_DEVOLVED_EXEMPTION};
use super::{check_date, IpsCategory, LawError, Nation};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// A ballot's dates and result, as the organiser enters them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotInput {
    /// Where the members work.
    pub nation: Nation,
    /// The opening day (decides the regime).
    pub opened: NaiveDate,
    /// The closing day, "the date of the ballot".
    pub closed: NaiveDate,
    /// Members entitled to vote.
    pub entitled: u32,
    /// Votes cast, spoiled papers included.
    pub cast: u32,
    /// Yes votes.
    pub yes: u32,
    /// No votes.
    pub no: u32,
    /// Spoiled papers.
    pub spoiled: u32,
    /// Set when most of those entitled are normally engaged in important public services.
    #[serde(default)]
    pub ips: Option<IpsCategory>,
    /// Set when the employer is a devolved Welsh public authority (Wales only).
    #[serde(default)]
    pub welsh_devolved_authority: bool,
}

impl BallotInput {
    /// Checks dates and figures are possible; errors name the field to fix.
    pub fn validate(&self) -> Result<(), LawError> {
        check_date("opened", self.opened)?;
        check_date("closed", self.closed)?;
        if self.closed < self.opened {
            return Err(LawError::ClosedBeforeOpened {
                opened: self.opened,
                closed: self.closed,
            });
        }
        if self.entitled == 0 {
            return Err(LawError::NoneEntitled);
        }
        if self.cast > self.entitled {
            return Err(LawError::CastExceedsEntitled {
                cast: self.cast,
                entitled: self.entitled,
            });
        }
        let sum = u64::from(self.yes) + u64::from(self.no) + u64::from(self.spoiled);
        if sum != u64::from(self.cast) {
            return Err(LawError::VotesDoNotAddUp {
                yes: self.yes,
                no: self.no,
                spoiled: self.spoiled,
                sum,
                cast: self.cast,
            });
        }
        if self.welsh_devolved_authority && self.nation != Nation::Wales {
            return Err(LawError::WelshFlagOutsideWales {
                nation: self.nation.label(),
            });
        }
        Ok(())
    }
}

/// One test the result must pass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Threshold {
    /// What is tested, in words.
    pub name: String,
    /// The percentage required.
    pub required_percent: f64,
    /// The percentage achieved, to 2 decimal places.
    pub actual_percent: f64,
    /// Whether it was met (decided on whole numbers, not the rounded percentage).
    pub met: bool,
    /// The provision.
    pub provision: String,
}

/// One statutory step around the ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// What must be done.
    pub name: String,
    /// The last day for it, where the law gives one.
    pub deadline: Option<NaiveDate>,
    /// The provision.
    pub provision: String,
}

/// What the law makes of a ballot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BallotAssessment {
    /// The regime, chosen by the opening day.
    pub regime: String,
    /// Votes cast as a percentage of those entitled, to 2 decimal places.
    pub turnout_percent: f64,
    /// Yes votes as a percentage of votes cast.
    pub yes_percent_of_cast: f64,
    /// Yes votes as a percentage of those entitled.
    pub yes_percent_of_entitled: f64,
    /// Every test in force, majority first.
    pub thresholds: Vec<Threshold>,
    /// Whether every test was met.
    pub valid_mandate: bool,
    /// The last day of the mandate (see the assumptions for whether action must start or
    /// take place by then); `None` without a valid mandate.
    pub mandate_last_day: Option<NaiveDate>,
    /// The last day if the employer agrees to the longer period, where the regime allows it.
    pub mandate_last_day_with_extension: Option<NaiveDate>,
    /// The statutory steps, with deadlines where the law sets them.
    pub steps: Vec<Step>,
    /// Every unconfirmed figure, override and reading the answer rests on.
    pub assumptions: Vec<String>,
}

/// `part` as a percentage of `whole`, rounded half up to 2 decimal places (0 if `whole` is 0).
pub(crate) fn percent(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    let (part, whole) = (u64::from(part), u64::from(whole));
    let hundredths = (2 * part * 10_000 + whole) / (2 * whole);
    // Whole hundredths of a percent up to 10,000 convert to f64 exactly.
    hundredths as f64 / 100.0
}

fn days_before(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_sub_days(Days::new(u64::from(days)))
        .unwrap_or(date)
}

fn describe_percent(p: &Option<u32>) -> String {
    match p {
        Some(p) => format!("a {p}% turnout threshold"),
        None => "no turnout threshold".into(),
    }
}

fn thresholds(
    input: &BallotInput,
    regime: &Regime,
    overrides: &LawOverrides,
    assumptions: &mut Assumptions,
) -> Vec<Threshold> {
    let rules = &regime.rules;
    let decided = u64::from(input.yes) + u64::from(input.no);
    let mut out = vec![Threshold {
        name: "Majority: more Yes than No votes".into(),
        required_percent: 50.0,
        actual_percent: percent(input.yes, u32::try_from(decided).unwrap_or(u32::MAX)),
        met: input.yes > input.no,
        provision: rules.majority.provision.into(),
    }];
    if let Some(p) = rules
        .turnout_percent
        .resolve(overrides, describe_percent, assumptions)
    {
        out.push(Threshold {
            name: format!("Turnout: at least {p}% of those entitled voted"),
            required_percent: f64::from(p),
            actual_percent: percent(input.cast, input.entitled),
            met: u64::from(input.cast) * 100 >= u64::from(input.entitled) * u64::from(p),
            provision: rules.turnout_percent.provision.into(),
        });
    }
    let support = rules.ips_support_percent.resolve(
        overrides,
        |p| match p {
            Some(p) => format!("a {p}% support threshold"),
            None => "no support threshold".into(),
        },
        assumptions,
    );
    if let (Some(p), Some(category)) = (support, input.ips) {
        let exempt = WELSH_DEVOLVED_EXEMPTION.nation == input.nation
            && input.welsh_devolved_authority
            && WELSH_DEVOLVED_EXEMPTION.covers(input.opened);
        assumptions.push(format!(
            "The organiser says most of those entitled to vote are normally engaged in important public services ({}).",
            category.label()
        ));
        if exempt {
            assumptions.push(format!(
                "The organiser says the employer is a devolved Welsh public authority, so the {p}% support threshold does not apply ({}).",
                WELSH_DEVOLVED_EXEMPTION.provision
            ));
        } else {
            if input.welsh_devolved_authority {
                assumptions.push(format!(
                    "The ballot opened before {}, when the exemption for devolved Welsh public authorities began ({}), so the {p}% support threshold applies.",
                    WELSH_DEVOLVED_EXEMPTION.from, WELSH_DEVOLVED_EXEMPTION.provision
                ));
            }
            out.push(Threshold {
                name: format!(
                    "Support in important public services: Yes votes from at least {p}% of those entitled"
                ),
                required_percent: f64::from(p),
                actual_percent: percent(input.yes, input.entitled),
                met: u64::from(input.yes) * 100 >= u64::from(input.entitled) * u64::from(p),
                provision: rules.ips_support_percent.provision.into(),
            });
        }
    }
    out
}

fn steps(input: &BallotInput, regime: &Regime, assumptions: &mut Assumptions) -> Vec<Step> {
    let r = &regime.rules;
    let notice =
        r.ballot_notice_days
            .resolve(&LawOverrides::default(), |d| d.to_string(), assumptions);
    let sample =
        r.sample_paper_days
            .resolve(&LawOverrides::default(), |d| d.to_string(), assumptions);
    let limit = r.scrutineer_when_more_than.resolve(
        &LawOverrides::default(),
        |d| d.to_string(),
        assumptions,
    );
    let mut out = vec![
        Step {
            name: format!(
                "Notice of the ballot received by the employer by the {} day before the opening day, giving {}",
                ordinal(notice),
                r.ballot_notice_content
            ),
            deadline: Some(days_before(input.opened, notice)),
            provision: r.ballot_notice_days.provision.into(),
        },
        Step {
            name: format!(
                "A sample voting paper received by the employer by the {} day before the opening day",
                ordinal(sample)
            ),
            deadline: Some(days_before(input.opened, sample)),
            provision: r.sample_paper_days.provision.into(),
        },
    ];
    out.push(if input.entitled > limit {
        Step {
            name: format!(
                "Appoint an independent scrutineer before the ballot opens (more than {limit} entitled to vote)"
            ),
            deadline: Some(days_before(input.opened, 1)),
            provision: r.scrutineer_when_more_than.provision.into(),
        }
    } else {
        Step {
            name: format!(
                "No independent scrutineer needed ({limit} or fewer entitled to vote)"
            ),
            deadline: None,
            provision: r.scrutineer_when_more_than.provision.into(),
        }
    });
    out.push(Step {
        name: format!(
            "Tell everyone entitled to vote the result as soon as reasonably practicable: {}",
            r.result_to_members.value
        ),
        deadline: None,
        provision: r.result_to_members.provision.into(),
    });
    out.push(Step {
        name: format!(
            "Tell the employer the result as soon as reasonably practicable: {}",
            r.result_to_employer.value
        ),
        deadline: None,
        provision: r.result_to_employer.provision.into(),
    });
    out.push(Step {
        name: "Notice of industrial action: received by the employer after it is told the result and by the deadline before the first day of action (the rule in force on the day it is received applies)".into(),
        deadline: None,
        provision: r.action_notice_days.provision.into(),
    });
    out
}

/// "1st", "2nd", "3rd", "7th" …
pub(crate) fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The mandate's last day, with and without the employer's agreement, for a ballot closed
/// on `closed` under `regime`.
pub(crate) fn mandate_days(
    closed: NaiveDate,
    regime: &Regime,
    overrides: &LawOverrides,
    assumptions: &mut Assumptions,
) -> (NaiveDate, Option<NaiveDate>) {
    let m = &regime.rules.mandate;
    let describe = |p: &Period| format!("a mandate of {p} beginning with the closing day");
    let length = m.length.resolve(overrides, describe, assumptions);
    let (last, note) = length.last_day_beginning_with(closed);
    if let Some(note) = note {
        assumptions.push(note);
    }
    let longer = m.by_agreement.resolve(
        overrides,
        |p| match p {
            Some(p) => format!("up to {p} by agreement with the employer"),
            None => "no extension by agreement".into(),
        },
        assumptions,
    );
    let extended = longer.map(|p| {
        let (day, note) = p.last_day_beginning_with(closed);
        if let Some(note) = note {
            assumptions.push(note);
        }
        day
    });
    (last, extended)
}

/// Assesses a ballot under the regime in force on its opening day.
pub fn assess_ballot(
    input: &BallotInput,
    overrides: &LawOverrides,
) -> Result<BallotAssessment, LawError> {
    overrides.validate()?;
    input.validate()?;
    let jurisdiction = input.nation.jurisdiction();
    let regime = regime_on(jurisdiction, input.opened);
    let mut assumptions = Assumptions::default();
    for note in caveats(jurisdiction, input.opened) {
        assumptions.push(note);
    }
    let thresholds = thresholds(input, regime, overrides, &mut assumptions);
    let valid_mandate = thresholds.iter().all(|t| t.met);
    let (mandate_last_day, mandate_last_day_with_extension) = if valid_mandate {
        let (last, extended) = mandate_days(input.closed, regime, overrides, &mut assumptions);
        (Some(last), extended)
    } else {
        (None, None)
    };
    let steps = steps(input, regime, &mut assumptions);
    Ok(BallotAssessment {
        regime: regime.name.into(),
        turnout_percent: percent(input.cast, input.entitled),
        yes_percent_of_cast: percent(input.yes, input.cast),
        yes_percent_of_entitled: percent(input.yes, input.entitled),
        thresholds,
        valid_mandate,
        mandate_last_day,
        mandate_last_day_with_extension,
        steps,
        assumptions: assumptions.into_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rounds_half_up_exactly() {
        assert_eq!(percent(15, 19), 78.95);
        assert_eq!(percent(1, 3), 33.33);
        assert_eq!(percent(2, 3), 66.67);
        assert_eq!(percent(1, 8), 12.5);
        assert_eq!(percent(0, 0), 0.0);
        assert_eq!(percent(7, 7), 100.0);
    }

    #[test]
    fn ordinals() {
        assert_eq!(ordinal(3), "3rd");
        assert_eq!(ordinal(7), "7th");
        assert_eq!(ordinal(14), "14th");
        assert_eq!(ordinal(21), "21st");
        assert_eq!(ordinal(12), "12th");
    }
}
