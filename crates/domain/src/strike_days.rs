//! Participation per member: for each strike day, what each member called out did, as a rep
//! entered it and as the member declared it, and how a disagreement is settled.
//!
//! Both entries are kept. Where they agree, or only one was made, that is the day's status;
//! where they differ, the day is a conflict until a rep settles it, and the settled status
//! wins from then on. Strike pay counts only a day with a status and no open conflict.

use crate::disputes::Named;
use serde::{Deserialize, Serialize};

/// What a member did on a strike day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DayStatus {
    /// On strike.
    OnStrike,
    /// Worked.
    Working,
    /// Released by the branch to provide emergency cover the employer asked for.
    Released,
    /// On leave.
    OnLeave,
    /// Off sick.
    Sick,
    /// Not employed on that day.
    NotEmployed,
}

impl Named for DayStatus {
    const ALL: &'static [Self] = &[
        Self::OnStrike,
        Self::Working,
        Self::Released,
        Self::OnLeave,
        Self::Sick,
        Self::NotEmployed,
    ];
    fn as_str(self) -> &'static str {
        match self {
            Self::OnStrike => "on-strike",
            Self::Working => "working",
            Self::Released => "released",
            Self::OnLeave => "on-leave",
            Self::Sick => "sick",
            Self::NotEmployed => "not-employed",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::OnStrike => "On strike",
            Self::Working => "Working",
            Self::Released => "Released",
            Self::OnLeave => "On leave",
            Self::Sick => "Sick",
            Self::NotEmployed => "Not employed",
        }
    }
}

/// Who made an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DaySource {
    /// A rep (or organiser) entered it, usually in bulk for a team.
    Rep,
    /// The member declared it.
    Member,
    /// A rep settled a conflict between the two.
    Settled,
}

impl Named for DaySource {
    const ALL: &'static [Self] = &[Self::Rep, Self::Member, Self::Settled];
    fn as_str(self) -> &'static str {
        match self {
            Self::Rep => "rep",
            Self::Member => "member",
            Self::Settled => "settled",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Rep => "Entered by a rep",
            Self::Member => "Declared by the member",
            Self::Settled => "Settled by a rep",
        }
    }
}

/// A member's day as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum DayOutcome {
    /// Nothing entered.
    Unknown,
    /// The day's status.
    Known {
        /// The status.
        status: DayStatus,
    },
    /// The rep and the member disagree and no rep has settled it.
    Conflict {
        /// What the rep entered.
        rep: DayStatus,
        /// What the member declared.
        member: DayStatus,
    },
}

impl DayOutcome {
    /// Settles the entries of one member's day: a settled entry wins; otherwise agreeing or
    /// single entries give the status, and differing ones a conflict.
    pub fn of(
        rep: Option<DayStatus>,
        member: Option<DayStatus>,
        settled: Option<DayStatus>,
    ) -> Self {
        match (settled, rep, member) {
            (Some(status), _, _) => DayOutcome::Known { status },
            (None, Some(rep), Some(member)) if rep != member => {
                DayOutcome::Conflict { rep, member }
            }
            (None, Some(status), _) | (None, None, Some(status)) => DayOutcome::Known { status },
            (None, None, None) => DayOutcome::Unknown,
        }
    }

    /// The status, when known and not in conflict.
    pub fn status(self) -> Option<DayStatus> {
        match self {
            DayOutcome::Known { status } => Some(status),
            _ => None,
        }
    }
}

/// The teams named in a period's "teams called out" text: split at commas, semicolons, line
/// breaks and " and ", trimmed, empty parts dropped.
pub fn teams_named(text: &str) -> Vec<String> {
    text.split([',', ';', '\n'])
        .flat_map(|part| part.split(" and "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether a member of `team` is called out, given the period's teams text and the teams
/// named as parties of the dispute: the period's list when it names any, else the
/// dispute's. Names match ignoring case and surrounding spaces.
pub fn team_called_out(period_teams: &str, dispute_teams: &[String], team: &str) -> bool {
    let listed = teams_named(period_teams);
    let team = team.trim();
    let matches = |name: &String| name.trim().eq_ignore_ascii_case(team);
    if listed.is_empty() {
        dispute_teams.iter().any(matches)
    } else {
        listed.iter().any(matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DayStatus::*;

    #[test]
    fn agreeing_or_single_entries_give_the_status_and_differing_ones_a_conflict() {
        assert_eq!(DayOutcome::of(None, None, None), DayOutcome::Unknown);
        assert_eq!(
            DayOutcome::of(Some(OnStrike), None, None).status(),
            Some(OnStrike)
        );
        assert_eq!(DayOutcome::of(None, Some(Sick), None).status(), Some(Sick));
        assert_eq!(
            DayOutcome::of(Some(OnStrike), Some(OnStrike), None).status(),
            Some(OnStrike)
        );
        let conflict = DayOutcome::of(Some(Working), Some(OnStrike), None);
        assert_eq!(
            conflict,
            DayOutcome::Conflict {
                rep: Working,
                member: OnStrike
            }
        );
        assert_eq!(conflict.status(), None);
        assert_eq!(
            DayOutcome::of(Some(Working), Some(OnStrike), Some(OnStrike)).status(),
            Some(OnStrike)
        );
    }

    #[test]
    fn teams_called_out_come_from_the_period_or_else_the_dispute() {
        assert_eq!(
            teams_named("North CMHT, South CMHT and Crisis team; \n"),
            ["North CMHT", "South CMHT", "Crisis team"]
        );
        let dispute = vec!["Duty team".to_string()];
        assert!(team_called_out(
            "North CMHT, south cmht",
            &dispute,
            "South CMHT"
        ));
        assert!(!team_called_out("North CMHT", &dispute, "Duty team"));
        assert!(team_called_out("", &dispute, " duty TEAM "));
        assert!(!team_called_out("", &[], "Duty team"));
    }

    #[test]
    fn statuses_round_trip() {
        for s in DayStatus::ALL {
            assert_eq!(DayStatus::parse(s.as_str()), Some(*s));
        }
        for s in DaySource::ALL {
            assert_eq!(DaySource::parse(s.as_str()), Some(*s));
        }
    }
}
