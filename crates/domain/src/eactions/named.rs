//! The named kinds of campaign and delivery.

use crate::disputes::Named;
use serde::{Deserialize, Serialize};

/// What supporters sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionKind {
    /// A letter emailed (or handed in) to the targets in each supporter's name.
    Email,
    /// A statement with a list of names, handed in.
    Petition,
}

impl Named for ActionKind {
    const ALL: &'static [Self] = &[Self::Email, Self::Petition];
    fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Petition => "petition",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Email => "Email campaign",
            Self::Petition => "Petition",
        }
    }
}

/// How a campaign's signatures reach its targets, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeliveryKind {
    /// One email per supporter per target, throttled per target.
    EachSignature,
    /// One email a day per target.
    DailyDigest,
    /// Counted only, for a hand-in.
    CountOnly,
}

impl Named for DeliveryKind {
    const ALL: &'static [Self] = &[Self::EachSignature, Self::DailyDigest, Self::CountOnly];
    fn as_str(self) -> &'static str {
        match self {
            Self::EachSignature => "each-signature",
            Self::DailyDigest => "daily-digest",
            Self::CountOnly => "count-only",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::EachSignature => "One email per supporter to each target",
            Self::DailyDigest => "A daily digest to each target",
            Self::CountOnly => "Count only, for a hand-in",
        }
    }
}
