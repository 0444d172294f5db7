//! Donations: who gave, how much, when and how, whether the money is restricted to one use,
//! and whether the donor agreed to be named in public.
//!
//! A donation posts one ledger transaction: the money into the account it arrived in (or, if
//! restricted to hardship, into the restricted hardship fund, kept apart from the rest), and
//! the same amount to donation income (restricted income for a restricted donation).

use super::ledger::LedgerError;
use crate::disputes::Named;
use crate::text::{self, TextError};
use crate::{Pence, WallMessageId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Who gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DonorKind {
    /// Another branch, a trades council, a union, a campaign group.
    Organisation,
    /// A person.
    Person,
}

impl Named for DonorKind {
    const ALL: &'static [Self] = &[Self::Organisation, Self::Person];
    fn as_str(self) -> &'static str {
        match self {
            Self::Organisation => "organisation",
            Self::Person => "person",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Organisation => "Organisation",
            Self::Person => "Person",
        }
    }
}

/// How the money came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DonationMethod {
    /// A bank transfer.
    BankTransfer,
    /// A cheque paid in.
    Cheque,
    /// Cash (a bucket collection, a fundraiser).
    Cash,
    /// An online fundraising page, paid out to the bank.
    Online,
}

impl DonationMethod {
    /// The code of the account the money arrives in, when it is not restricted.
    pub fn account_code(self) -> &'static str {
        match self {
            DonationMethod::Cash => "cash",
            _ => "bank",
        }
    }
}

impl Named for DonationMethod {
    const ALL: &'static [Self] = &[Self::BankTransfer, Self::Cheque, Self::Cash, Self::Online];
    fn as_str(self) -> &'static str {
        match self {
            Self::BankTransfer => "bank-transfer",
            Self::Cheque => "cheque",
            Self::Cash => "cash",
            Self::Online => "online",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::BankTransfer => "Bank transfer",
            Self::Cheque => "Cheque",
            Self::Cash => "Cash",
            Self::Online => "Online fundraiser",
        }
    }
}

/// What the money may be spent on, when the donor said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Restriction {
    /// Hardship grants only: kept in the restricted hardship fund.
    Hardship,
}

impl Restriction {
    /// The codes of the asset and income accounts restricted money is kept in.
    pub fn account_codes(self) -> (&'static str, &'static str) {
        match self {
            Restriction::Hardship => ("hardship-fund", "donations-hardship"),
        }
    }
}

impl Named for Restriction {
    const ALL: &'static [Self] = &[Self::Hardship];
    fn as_str(self) -> &'static str {
        match self {
            Self::Hardship => "hardship",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Hardship => "Hardship only",
        }
    }
}

/// The donor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Donor {
    /// An organisation or a person.
    pub kind: DonorKind,
    /// Their name (checked: one line, 1 to 120 characters).
    pub name: String,
    /// Whether they agreed to be named in public.
    pub may_be_named: bool,
}

/// A donation ready to be recorded: every field checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDonation {
    /// Who gave.
    pub donor: Donor,
    /// How much: more than nothing.
    pub amount: Pence,
    /// The day it was received.
    pub received: NaiveDate,
    /// How it came.
    pub method: DonationMethod,
    /// The wall message that came with it, if any.
    pub wall_message: Option<WallMessageId>,
    /// What it may be spent on, if the donor said.
    pub restriction: Option<Restriction>,
}

/// Why a donation was refused. Each message says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DonationError {
    /// No donor name.
    #[error("Give the donor's name (an organisation or a person).")]
    NameMissing,
    /// The donor's name is not acceptable text.
    #[error("The donor's name {0}.")]
    Name(TextError),
    /// Zero or less.
    #[error("Give an amount of more than £0.00.")]
    NotPositive,
    /// A day in the future.
    #[error("The day it was received cannot be in the future.")]
    InFuture,
    /// The transaction it would post is refused.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl NewDonation {
    /// Checks a donation; `today` is the latest day it may have been received.
    #[expect(
        clippy::too_many_arguments,
        reason = "one argument per field of the form"
    )]
    pub fn new(
        kind: DonorKind,
        name: &str,
        may_be_named: bool,
        amount: Pence,
        received: NaiveDate,
        method: DonationMethod,
        wall_message: Option<WallMessageId>,
        restriction: Option<Restriction>,
        today: NaiveDate,
    ) -> Result<Self, DonationError> {
        let name = text::name(name, 120).map_err(DonationError::Name)?;
        if name.is_empty() {
            return Err(DonationError::NameMissing);
        }
        if amount <= Pence::ZERO {
            return Err(DonationError::NotPositive);
        }
        if received > today {
            return Err(DonationError::InFuture);
        }
        Ok(Self {
            donor: Donor {
                kind,
                name,
                may_be_named,
            },
            amount,
            received,
            method,
            wall_message,
            restriction,
        })
    }

    /// The codes of the accounts this donation posts to: (debited asset, credited income).
    pub fn account_codes(&self) -> (&'static str, &'static str) {
        match self.restriction {
            Some(r) => r.account_codes(),
            None => (self.method.account_code(), "donations"),
        }
    }

    /// The description of its ledger transaction: names the donor only if they agreed.
    pub fn memo(&self) -> String {
        let who = if self.donor.may_be_named {
            self.donor.name.as_str()
        } else {
            match self.donor.kind {
                DonorKind::Organisation => "an organisation",
                DonorKind::Person => "a person",
            }
        };
        let memo = format!("Donation from {who}");
        memo.chars().take(super::ledger::MEMO_MAX).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 5, n).unwrap()
    }

    fn donation(
        name: &str,
        pence: i64,
        named: bool,
        r: Option<Restriction>,
    ) -> Result<NewDonation, DonationError> {
        NewDonation::new(
            DonorKind::Organisation,
            name,
            named,
            Pence::from_pence(pence),
            d(1),
            DonationMethod::BankTransfer,
            None,
            r,
            d(2),
        )
    }

    #[test]
    fn a_donation_needs_a_name_an_amount_and_a_past_day() {
        assert!(donation("Eastfield Branch", 25_000, true, None).is_ok());
        assert_eq!(
            donation(" ", 100, true, None),
            Err(DonationError::NameMissing)
        );
        assert_eq!(
            donation("X", 0, true, None),
            Err(DonationError::NotPositive)
        );
        assert_eq!(
            donation("X", -1, true, None),
            Err(DonationError::NotPositive)
        );
        let future = NewDonation::new(
            DonorKind::Person,
            "X",
            false,
            Pence::from_pence(1),
            d(3),
            DonationMethod::Cash,
            None,
            None,
            d(2),
        );
        assert_eq!(future, Err(DonationError::InFuture));
    }

    #[test]
    fn restricted_money_goes_to_its_own_accounts() {
        let open = donation("A", 100, true, None).unwrap();
        assert_eq!(open.account_codes(), ("bank", "donations"));
        let kept = donation("A", 100, true, Some(Restriction::Hardship)).unwrap();
        assert_eq!(
            kept.account_codes(),
            ("hardship-fund", "donations-hardship")
        );
    }

    #[test]
    fn the_memo_names_only_a_donor_who_agreed() {
        assert_eq!(
            donation("Eastfield Branch", 100, true, None)
                .unwrap()
                .memo(),
            "Donation from Eastfield Branch"
        );
        assert_eq!(
            donation("Eastfield Branch", 100, false, None)
                .unwrap()
                .memo(),
            "Donation from an organisation"
        );
    }
}
