//! Newtype identifiers, so a branch id can never be passed where a user id is expected, nor a
//! ballot's id where a dispute's is.
//!
//! Each is a transparent `i64`: it reads and writes as a plain number in JSON, in URL paths
//! and in the database, and the compiler keeps one kind from standing in for another.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            utoipa::ToSchema,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The number as stored.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }
    };
}

id_type!(
    /// A branch: the unit every branch-owned record belongs to.
    BranchId
);
id_type!(
    /// A login account.
    UserId
);
id_type!(
    /// A dispute or campaign.
    DisputeId
);
id_type!(
    /// A decision-maker or team named in a dispute.
    PartyId
);
id_type!(
    /// A claim or offer in a dispute.
    ClaimId
);
id_type!(
    /// An entry on a dispute's timeline.
    TimelineEntryId
);
id_type!(
    /// An impact rate (what a day of action costs the employer).
    RateId
);
id_type!(
    /// A ballot (statutory or indicative).
    BallotId
);
id_type!(
    /// A survey question asked with a ballot.
    QuestionId
);
id_type!(
    /// A step on a statutory ballot's checklist.
    BallotStepId
);
id_type!(
    /// A period of industrial action.
    PeriodId
);
id_type!(
    /// A day's participation record within a period of action.
    ParticipationId
);
id_type!(
    /// A member on the branch's register.
    MemberId
);
id_type!(
    /// A team (workplace group) members belong to.
    TeamId
);
id_type!(
    /// A message on the solidarity wall.
    WallMessageId
);
id_type!(
    /// A picket location.
    PicketLocationId
);
id_type!(
    /// An entrance at a picket site, where shifts stand.
    PicketEntranceId
);
id_type!(
    /// A picket shift: an entrance, a day and hours.
    PicketShiftId
);
id_type!(
    /// A place taken on a picket shift (a sign-up, a waiting-list place or a walk-up).
    PicketSignupId
);
id_type!(
    /// A run of the members import.
    ImportRunId
);
id_type!(
    /// A member's single-use sign-in link.
    MagicLinkId
);
id_type!(
    /// An entry in a member's consent history.
    ConsentId
);
id_type!(
    /// An API token.
    ApiTokenId
);
id_type!(
    /// An account in a branch's fund ledger.
    FundAccountId
);
id_type!(
    /// A transaction in a branch's fund ledger.
    FundTransactionId
);
id_type!(
    /// A donation to a branch's fund.
    DonationId
);
id_type!(
    /// An application for a hardship grant.
    HardshipGrantId
);
id_type!(
    /// A strike pay run.
    PayRunId
);
id_type!(
    /// A payment of strike pay owed to a member.
    PaymentId
);
id_type!(
    /// One entry of what a member did on a strike day.
    StrikeDayId
);
id_type!(
    /// An employer's request to release strikers for emergency cover.
    ReleaseRequestId
);
id_type!(
    /// An email waiting in the outbox.
    OutboxJobId
);
id_type!(
    /// An e-action or petition.
    EactionId
);
id_type!(
    /// A target of an e-action (a decision-maker, or someone added for the campaign).
    TargetId
);
id_type!(
    /// A supporter's signature on an e-action or petition.
    SignatureId
);
id_type!(
    /// An entry in the correspondence log.
    LetterId
);
id_type!(
    /// A report to the strike-breaking monitor.
    ReportId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_and_write_as_plain_numbers() {
        let id: DisputeId = serde_json::from_str("42").unwrap();
        assert_eq!(id, DisputeId(42));
        assert_eq!(serde_json::to_string(&id).unwrap(), "42");
        assert_eq!("7".parse::<BallotId>().unwrap(), BallotId(7));
        assert!("7a".parse::<BallotId>().is_err());
        assert!(serde_json::from_str::<DisputeId>("\"42\"").is_err());
    }
}
