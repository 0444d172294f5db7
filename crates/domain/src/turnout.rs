//! The turnout drive during a statutory ballot: what members say ("my ballot paper arrived",
//! "I have voted", never how they voted), and how many more votes a team needs for the ballot
//! to clear the thresholds the law engine says are in force (the turnout rule, and the
//! important-public-services support rule where it applies).

use crate::law::{assess_ballot, BallotInput, IpsCategory, LawOverrides, Nation};
use chrono::NaiveDate;
use serde::Serialize;

/// What a member says about their ballot paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TurnoutReport {
    /// "My ballot paper arrived."
    PaperArrived,
    /// "I have voted." (Implies the paper arrived.)
    Voted,
}

impl TurnoutReport {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            TurnoutReport::PaperArrived => "paper_arrived",
            TurnoutReport::Voted => "voted",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::PaperArrived, Self::Voted]
            .into_iter()
            .find(|r| r.as_str() == s.trim())
    }
}

/// A threshold the drive works towards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    /// The threshold in words.
    pub name: String,
    /// The percentage of those entitled required.
    pub percent: u32,
    /// The provision.
    pub provision: String,
}

/// The thresholds in force for a ballot, by the law engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Targets {
    /// The turnout rule (none where no turnout threshold applies).
    pub turnout: Option<Target>,
    /// The support rule in important public services, where it applies.
    pub support: Option<Target>,
}

/// The ballot the drive is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DriveBallot {
    /// Where the members work.
    pub nation: Nation,
    /// Its opening day (decides the regime).
    pub opened: NaiveDate,
    /// Its closing day.
    pub closed: NaiveDate,
    /// The important public services category, if set.
    pub ips: Option<IpsCategory>,
    /// At a devolved Welsh public authority.
    pub welsh_devolved: bool,
}

/// Asks the law engine which thresholds are in force for `ballot`.
pub fn targets(ballot: &DriveBallot, overrides: &LawOverrides) -> Result<Targets, crate::LawError> {
    // A result where everyone voted Yes lists every test in force.
    let answer = assess_ballot(
        &BallotInput {
            nation: ballot.nation,
            opened: ballot.opened,
            closed: ballot.closed,
            entitled: 1,
            cast: 1,
            yes: 1,
            no: 0,
            spoiled: 0,
            ips: ballot.ips,
            welsh_devolved_authority: ballot.welsh_devolved,
        },
        overrides,
    )?;
    let find = |prefix: &str| {
        answer
            .thresholds
            .iter()
            .find(|t| t.name.starts_with(prefix))
            .map(|t| Target {
                name: t.name.clone(),
                percent: t.required_percent.round() as u32,
                provision: t.provision.clone(),
            })
    };
    Ok(Targets {
        turnout: find("Turnout"),
        support: find("Support"),
    })
}

/// The smallest count of `entitled` that reaches `percent`.
fn needed(entitled: u32, percent: u32) -> u32 {
    let product = u64::from(entitled) * u64::from(percent);
    u32::try_from(product.div_ceil(100)).unwrap_or(u32::MAX)
}

/// Where a team (or the whole ballot) stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Members entitled to vote.
    pub entitled: u32,
    /// Members who say they have voted.
    pub said_voted: u32,
    /// Members who say their paper arrived (or that they voted).
    pub paper_arrived: u32,
    /// Votes needed to reach the turnout threshold (`None` where none applies).
    pub turnout_needed: Option<u32>,
    /// How many more must vote to clear it (0 once cleared).
    pub more_for_turnout: Option<u32>,
    /// Yes votes needed for the support rule, where it applies: the drive cannot count Yes
    /// votes, so this is the number of members who must vote Yes, shown for planning.
    pub support_needed: Option<u32>,
}

/// How far a group of members is from the thresholds.
pub fn progress(entitled: u32, said_voted: u32, paper_arrived: u32, targets: &Targets) -> Progress {
    let turnout_needed = targets
        .turnout
        .as_ref()
        .map(|t| needed(entitled, t.percent));
    Progress {
        entitled,
        said_voted,
        paper_arrived,
        turnout_needed,
        more_for_turnout: turnout_needed.map(|n| n.saturating_sub(said_voted)),
        support_needed: targets
            .support
            .as_ref()
            .map(|t| needed(entitled, t.percent)),
    }
}

/// The most days an organiser may set between reminders.
pub const MAX_REMINDER_DAYS: u32 = 60;

/// Checks the number of days between reminders to members who have not said they voted.
pub fn reminder_days(raw: &str) -> Result<u32, String> {
    match raw.trim().parse::<u32>() {
        Ok(n) if (1..=MAX_REMINDER_DAYS).contains(&n) => Ok(n),
        _ => Err(format!(
            "Give the days between reminders as a whole number from 1 to {MAX_REMINDER_DAYS}, e.g. 3."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn ballot(opened: NaiveDate, ips: Option<IpsCategory>) -> DriveBallot {
        DriveBallot {
            nation: Nation::England,
            opened,
            closed: opened + chrono::Duration::days(28),
            ips,
            welsh_devolved: false,
        }
    }

    #[test]
    fn the_law_engine_decides_which_thresholds_the_drive_aims_for() {
        let none = LawOverrides::default();
        let t = targets(&ballot(d(2024, 5, 1), None), &none).unwrap();
        assert_eq!(t.turnout.as_ref().unwrap().percent, 50);
        assert!(
            t.support.is_none(),
            "social work is not an important public service"
        );
        let ips = targets(&ballot(d(2024, 5, 1), Some(IpsCategory::Health)), &none).unwrap();
        assert_eq!(ips.support.unwrap().percent, 40);
        // Repealed for ballots opened from 18 Feb 2026; the turnout rule stays.
        let later = targets(&ballot(d(2026, 3, 1), Some(IpsCategory::Health)), &none).unwrap();
        assert!(later.support.is_none());
        assert!(later.turnout.is_some());
        let before = targets(&ballot(d(2016, 5, 1), None), &none).unwrap();
        assert!(before.turnout.is_none());
    }

    #[test]
    fn progress_counts_what_is_still_needed() {
        let t = targets(
            &ballot(d(2024, 5, 1), Some(IpsCategory::Health)),
            &LawOverrides::default(),
        )
        .unwrap();
        let p = progress(41, 12, 30, &t);
        assert_eq!(p.turnout_needed, Some(21));
        assert_eq!(p.more_for_turnout, Some(9));
        assert_eq!(p.support_needed, Some(17));
        assert_eq!(progress(10, 7, 7, &t).more_for_turnout, Some(0));
        assert_eq!(progress(0, 0, 0, &t).turnout_needed, Some(0));
        assert_eq!(reminder_days("3"), Ok(3));
        assert!(reminder_days("0").is_err());
        assert!(reminder_days("x").is_err());
        assert_eq!(TurnoutReport::parse("voted"), Some(TurnoutReport::Voted));
    }
}
