//! The law engine: ballots, mandates, notices, picketing and the protected period under
//! each regime of `LAW.md`.
//!
//! The rules are data: a table of regimes with the days they start and end ([`regimes`]),
//! each holding every figure with the provision behind it. A question picks the regime in
//! force on the date that decides it (the ballot's opening day, the day notice is received,
//! the picketing day, the first day of action) and reads the figure from the table. Figures
//! that could not be confirmed are marked so, appear in every answer's `assumptions`, and
//! can be changed by an organiser through [`LawOverrides`] with a recorded reason.
//!
//! Picket informs; it is not legal advice.

mod action;
mod ballot;
mod data;
mod notice;
mod overrides;
mod period;
mod picketing;
mod table;

pub use action::{action_check, ActionCheck, ActionPlan, ActionWarning, ActionWarningCode};
pub use ballot::{assess_ballot, BallotAssessment, BallotInput, Step, Threshold};
pub use notice::{notice_deadline, NoticeAnswer};
pub use overrides::{LawOverrides, Override, OverrideKey};
pub use period::Period;
pub use picketing::{
    agency_supply_ban, picketing_rules, protected_period, AgencyBanAnswer, PicketingAnswer,
    ProtectedPeriodAnswer,
};
pub use table::{
    regime_on, regimes, AgencyBanPeriod, Exemption, Figure, MandateKind, MandateRule, Regime,
    RegimeId, Rules, Unconfirmed, AGENCY_BAN, WELSH_DEVOLVED_EXEMPTION,
};

use crate::values::Division;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The first year the law tables answer for.
pub const FIRST_YEAR: i32 = 1995;
/// The last year the law tables answer for.
pub const LAST_YEAR: i32 = 2100;

/// Why the law engine refused a question. Each message starts with the field to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LawError {
    /// A date outside 1995–2100.
    #[error("{field}: {date} is outside the years Picket's law tables cover ({FIRST_YEAR} to {LAST_YEAR})")]
    DateOutOfRange {
        /// The input field.
        field: &'static str,
        /// The date given.
        date: NaiveDate,
    },
    /// The ballot closed before it opened.
    #[error("closed: the ballot closed ({closed}) before it opened ({opened})")]
    ClosedBeforeOpened {
        /// The opening day.
        opened: NaiveDate,
        /// The closing day.
        closed: NaiveDate,
    },
    /// Nobody was entitled to vote.
    #[error("entitled: no one was entitled to vote; a ballot needs at least one voter")]
    NoneEntitled,
    /// More votes than voters.
    #[error("cast: {cast} votes were cast but only {entitled} members were entitled to vote")]
    CastExceedsEntitled {
        /// Votes cast.
        cast: u32,
        /// Members entitled to vote.
        entitled: u32,
    },
    /// Yes, No and spoiled papers do not add up to the votes cast.
    #[error(
        "cast: Yes ({yes}) + No ({no}) + spoiled ({spoiled}) = {sum}, not the {cast} votes cast"
    )]
    VotesDoNotAddUp {
        /// Yes votes.
        yes: u32,
        /// No votes.
        no: u32,
        /// Spoiled papers.
        spoiled: u32,
        /// Their total.
        sum: u64,
        /// Votes cast.
        cast: u32,
    },
    /// The Welsh devolved-authority flag on a ballot outside Wales.
    #[error("welsh_devolved_authority: only a ballot in Wales can be at a devolved Welsh public authority (this ballot is in {nation})")]
    WelshFlagOutsideWales {
        /// The ballot's nation, for people.
        nation: &'static str,
    },
    /// Industrial action that ends before it starts.
    #[error("action_to: the action ends ({to}) before it starts ({from})")]
    ActionEndsBeforeStart {
        /// First day of action.
        from: NaiveDate,
        /// Last day of action.
        to: NaiveDate,
    },
    /// The employer was told the result before the ballot closed.
    #[error("result_to_employer: the employer was told the result ({told}) before the ballot closed ({closed})")]
    ResultBeforeClose {
        /// The day the employer was told.
        told: NaiveDate,
        /// The closing day.
        closed: NaiveDate,
    },
    /// An override is missing its reason or has an impossible value.
    #[error("overrides.{field}: {message}")]
    Override {
        /// The override's field name.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A nation name Picket does not know.
    #[error("nation: unknown nation `{0}`: expected england, wales, scotland or northern-ireland")]
    UnknownNation(String),
    /// A category of important public services Picket does not know.
    #[error("ips: `{0}` is not a category of important public services: expected health, education-under-17, fire, transport, border-security or nuclear-decommissioning (social work and social care are not important public services)")]
    UnknownIps(String),
}

/// Checks a date is within the years the tables cover.
pub(crate) fn check_date(field: &'static str, date: NaiveDate) -> Result<(), LawError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
        Ok(())
    } else {
        Err(LawError::DateOutOfRange { field, date })
    }
}

/// Which body of statute applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Jurisdiction {
    /// England, Wales and Scotland: TULRCA 1992 and its amendments.
    GreatBritain,
    /// Northern Ireland: the Trade Union and Labour Relations (Northern Ireland) Order 1995.
    NorthernIreland,
}

/// The nation the members work in: decides the statute, the Welsh exemption and the
/// bank-holiday division.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Nation {
    /// England.
    England,
    /// Wales.
    Wales,
    /// Scotland.
    Scotland,
    /// Northern Ireland.
    NorthernIreland,
}

impl Nation {
    /// Every nation.
    pub const ALL: [Nation; 4] = [
        Nation::England,
        Nation::Wales,
        Nation::Scotland,
        Nation::NorthernIreland,
    ];

    /// The stable name: "england", "wales", "scotland" or "northern-ireland".
    pub fn as_str(self) -> &'static str {
        match self {
            Nation::England => "england",
            Nation::Wales => "wales",
            Nation::Scotland => "scotland",
            Nation::NorthernIreland => "northern-ireland",
        }
    }

    /// A name for people.
    pub fn label(self) -> &'static str {
        match self {
            Nation::England => "England",
            Nation::Wales => "Wales",
            Nation::Scotland => "Scotland",
            Nation::NorthernIreland => "Northern Ireland",
        }
    }

    /// The statute that applies.
    pub fn jurisdiction(self) -> Jurisdiction {
        match self {
            Nation::NorthernIreland => Jurisdiction::NorthernIreland,
            _ => Jurisdiction::GreatBritain,
        }
    }

    /// The bank-holiday division.
    pub fn division(self) -> Division {
        match self {
            Nation::England | Nation::Wales => Division::EnglandAndWales,
            Nation::Scotland => Division::Scotland,
            Nation::NorthernIreland => Division::NorthernIreland,
        }
    }
}

impl FromStr for Nation {
    type Err = LawError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Nation::ALL
            .into_iter()
            .find(|n| n.as_str() == s.trim())
            .ok_or_else(|| LawError::UnknownNation(s.to_string()))
    }
}

impl fmt::Display for Nation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The categories of important public services (TULRCA 1992 s.226(2D)). Social work and
/// social care are not among them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IpsCategory {
    /// Ambulance, A&E, high-dependency and intensive care, emergency psychiatric care,
    /// obstetrics and midwifery.
    Health,
    /// Education of those aged under 17.
    EducationUnder17,
    /// Fire services.
    Fire,
    /// Transport services.
    Transport,
    /// Border security.
    BorderSecurity,
    /// Decommissioning of nuclear installations and management of radioactive waste.
    NuclearDecommissioning,
}

impl IpsCategory {
    /// Every category.
    pub const ALL: [IpsCategory; 6] = [
        IpsCategory::Health,
        IpsCategory::EducationUnder17,
        IpsCategory::Fire,
        IpsCategory::Transport,
        IpsCategory::BorderSecurity,
        IpsCategory::NuclearDecommissioning,
    ];

    /// The stable name, e.g. "education-under-17".
    pub fn as_str(self) -> &'static str {
        match self {
            IpsCategory::Health => "health",
            IpsCategory::EducationUnder17 => "education-under-17",
            IpsCategory::Fire => "fire",
            IpsCategory::Transport => "transport",
            IpsCategory::BorderSecurity => "border-security",
            IpsCategory::NuclearDecommissioning => "nuclear-decommissioning",
        }
    }

    /// A name for people.
    pub fn label(self) -> &'static str {
        match self {
            IpsCategory::Health => "health services",
            IpsCategory::EducationUnder17 => "education of those aged under 17",
            IpsCategory::Fire => "fire services",
            IpsCategory::Transport => "transport services",
            IpsCategory::BorderSecurity => "border security",
            IpsCategory::NuclearDecommissioning => {
                "nuclear decommissioning and radioactive waste management"
            }
        }
    }
}

impl FromStr for IpsCategory {
    type Err = LawError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IpsCategory::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or_else(|| LawError::UnknownIps(s.to_string()))
    }
}

impl fmt::Display for IpsCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
