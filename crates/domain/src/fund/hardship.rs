//! Hardship grants: a member applies for an amount with a reason, the treasurer decides, and
//! a grant is posted and then paid. The reason is seen only by the treasurer and organisers,
//! and is deleted after the `[retention]` period (`hardship_reasons_days`); the ledger stays.

use crate::text::{self, TextError};
use crate::{MemberId, Pence};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest reason, in characters.
pub const REASON_MAX: usize = 2000;

/// An application ready to be recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewHardshipApplication {
    /// Who applies.
    pub member: MemberId,
    /// How much: more than nothing.
    pub amount: Pence,
    /// Why (several lines).
    pub reason: String,
    /// The day they applied.
    pub applied_on: NaiveDate,
}

/// Why an application was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HardshipError {
    /// Zero or less.
    #[error("Give an amount of more than £0.00.")]
    NotPositive,
    /// No reason.
    #[error("Say briefly why the grant is needed.")]
    ReasonMissing,
    /// The reason is not acceptable text.
    #[error("The reason {0}.")]
    Reason(TextError),
    /// A day in the future.
    #[error("The day of the application cannot be in the future.")]
    InFuture,
}

impl NewHardshipApplication {
    /// Checks an application; `today` is the latest day it may be dated.
    pub fn new(
        member: MemberId,
        amount: Pence,
        reason: &str,
        applied_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<Self, HardshipError> {
        if amount <= Pence::ZERO {
            return Err(HardshipError::NotPositive);
        }
        let reason = text::multi_line(reason, REASON_MAX).map_err(HardshipError::Reason)?;
        if reason.is_empty() {
            return Err(HardshipError::ReasonMissing);
        }
        if applied_on > today {
            return Err(HardshipError::InFuture);
        }
        Ok(Self {
            member,
            amount,
            reason,
            applied_on,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 5, n).unwrap()
    }

    #[test]
    fn an_application_needs_an_amount_a_reason_and_a_past_day() {
        let ok = NewHardshipApplication::new(
            MemberId(1),
            Pence::from_pence(20_000),
            " Rent\r\ndue ",
            d(1),
            d(2),
        )
        .unwrap();
        assert_eq!(ok.reason, "Rent\ndue");
        let new = |pence, reason, day| {
            NewHardshipApplication::new(MemberId(1), Pence::from_pence(pence), reason, d(day), d(2))
        };
        assert_eq!(new(0, "Rent", 1), Err(HardshipError::NotPositive));
        assert_eq!(new(1, "  ", 1), Err(HardshipError::ReasonMissing));
        assert_eq!(new(1, "Rent", 3), Err(HardshipError::InFuture));
        assert!(matches!(
            new(1, "a\u{0}b", 1),
            Err(HardshipError::Reason(_))
        ));
    }
}
