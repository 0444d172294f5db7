//! Disputes: the named states and kinds a dispute's records take, parsed once at the edge.

use serde::{Deserialize, Serialize};

/// A closed set of stable names: every value, its stored name and a label for people.
pub trait Named: Sized + Copy + 'static {
    /// Every value, in display order.
    const ALL: &'static [Self];
    /// The stored, stable name.
    fn as_str(self) -> &'static str;
    /// A name for people.
    fn label(self) -> &'static str;
    /// Parses a stored name.
    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s.trim())
    }
    /// The stored names joined for an error message.
    fn expected() -> String {
        Self::ALL
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Where a dispute stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DisputeStatus {
    /// Building the claim.
    Preparing,
    /// A ballot is out.
    Balloting,
    /// Action is on.
    InAction,
    /// Action suspended.
    Suspended,
    /// Settled.
    Settled,
    /// Closed.
    Closed,
}

impl DisputeStatus {
    /// Whether the dispute shows on public pages: not while it is being prepared.
    pub fn is_public(self) -> bool {
        self != DisputeStatus::Preparing
    }
}

impl Named for DisputeStatus {
    const ALL: &'static [Self] = &[
        Self::Preparing,
        Self::Balloting,
        Self::InAction,
        Self::Suspended,
        Self::Settled,
        Self::Closed,
    ];
    fn as_str(self) -> &'static str {
        match self {
            Self::Preparing => "preparing",
            Self::Balloting => "balloting",
            Self::InAction => "in-action",
            Self::Suspended => "suspended",
            Self::Settled => "settled",
            Self::Closed => "closed",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Preparing => "Preparing",
            Self::Balloting => "Balloting",
            Self::InAction => "In action",
            Self::Suspended => "Suspended",
            Self::Settled => "Settled",
            Self::Closed => "Closed",
        }
    }
}

/// A party to a dispute. (The teams in the bargaining unit are the branch's teams: see
/// [`crate::bargaining`].)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartyKind {
    /// A person who decides for the employer (a later target of letters).
    DecisionMaker,
}

impl Named for PartyKind {
    const ALL: &'static [Self] = &[Self::DecisionMaker];
    fn as_str(self) -> &'static str {
        match self {
            Self::DecisionMaker => "decision-maker",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::DecisionMaker => "Decision-maker",
        }
    }
}

/// A claim by the union or an offer by the employer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimKind {
    /// The union's claim.
    Claim,
    /// The employer's offer.
    Offer,
}

impl Named for ClaimKind {
    const ALL: &'static [Self] = &[Self::Claim, Self::Offer];
    fn as_str(self) -> &'static str {
        match self {
            Self::Claim => "claim",
            Self::Offer => "offer",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Claim => "Claim",
            Self::Offer => "Offer",
        }
    }
}

/// Where a claim or offer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimStatus {
    /// On the table.
    Tabled,
    /// Rejected.
    Rejected,
    /// Withdrawn.
    Withdrawn,
    /// Accepted.
    Accepted,
}

impl Named for ClaimStatus {
    const ALL: &'static [Self] = &[
        Self::Tabled,
        Self::Rejected,
        Self::Withdrawn,
        Self::Accepted,
    ];
    fn as_str(self) -> &'static str {
        match self {
            Self::Tabled => "tabled",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
            Self::Accepted => "accepted",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Tabled => "Tabled",
            Self::Rejected => "Rejected",
            Self::Withdrawn => "Withdrawn",
            Self::Accepted => "Accepted",
        }
    }
}

/// What a timeline entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    /// A meeting.
    Meeting,
    /// An email or letter.
    Letter,
    /// An offer.
    Offer,
    /// A failure to agree.
    FailureToAgree,
    /// Acas.
    Acas,
    /// A ballot.
    Ballot,
    /// A notice.
    Notice,
    /// Action.
    Action,
    /// Press.
    Press,
    /// A note.
    Note,
}

impl Named for EventKind {
    const ALL: &'static [Self] = &[
        Self::Meeting,
        Self::Letter,
        Self::Offer,
        Self::FailureToAgree,
        Self::Acas,
        Self::Ballot,
        Self::Notice,
        Self::Action,
        Self::Press,
        Self::Note,
    ];
    fn as_str(self) -> &'static str {
        match self {
            Self::Meeting => "meeting",
            Self::Letter => "letter",
            Self::Offer => "offer",
            Self::FailureToAgree => "failure-to-agree",
            Self::Acas => "acas",
            Self::Ballot => "ballot",
            Self::Notice => "notice",
            Self::Action => "action",
            Self::Press => "press",
            Self::Note => "note",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Meeting => "Meeting",
            Self::Letter => "Email or letter",
            Self::Offer => "Offer",
            Self::FailureToAgree => "Failure to agree",
            Self::Acas => "Acas",
            Self::Ballot => "Ballot",
            Self::Notice => "Notice",
            Self::Action => "Action",
            Self::Press => "Press",
            Self::Note => "Note",
        }
    }
}

/// What sort of ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BallotKind {
    /// A statutory ballot for industrial action: the law engine applies.
    Statutory,
    /// A consultative (indicative) ballot.
    Consultative,
    /// A survey of members, with several questions.
    Survey,
}

impl Named for BallotKind {
    const ALL: &'static [Self] = &[Self::Statutory, Self::Consultative, Self::Survey];
    fn as_str(self) -> &'static str {
        match self {
            Self::Statutory => "statutory",
            Self::Consultative => "consultative",
            Self::Survey => "survey",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Statutory => "Statutory ballot",
            Self::Consultative => "Consultative ballot",
            Self::Survey => "Survey",
        }
    }
}

/// What sort of industrial action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionKind {
    /// Strike.
    Strike,
    /// Action short of strike.
    Asos,
}

impl Named for ActionKind {
    const ALL: &'static [Self] = &[Self::Strike, Self::Asos];
    fn as_str(self) -> &'static str {
        match self {
            Self::Strike => "strike",
            Self::Asos => "asos",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Strike => "Strike",
            Self::Asos => "Action short of strike",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in EventKind::ALL {
            assert_eq!(EventKind::parse(s.as_str()), Some(*s));
        }
        assert_eq!(
            DisputeStatus::parse("in-action"),
            Some(DisputeStatus::InAction)
        );
        assert_eq!(ClaimStatus::parse("nope"), None);
        assert!(BallotKind::expected().contains("survey"));
        assert!(!DisputeStatus::Preparing.is_public());
        assert!(DisputeStatus::InAction.is_public());
    }
}
