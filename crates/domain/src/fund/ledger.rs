//! The ledger's rules: accounts of four kinds, transactions of two or more lines that add up
//! to zero, and the reversal that is the only way to correct one.
//!
//! A [`BalancedTransaction`] can only be made balanced: [`BalancedTransaction::new`] refuses
//! fewer than two lines, a line of nothing and lines that do not add up to zero (counting
//! without overflow). The store writes one as it is; the database refuses an unbalanced one
//! again on its own.

use crate::disputes::Named;
use crate::text::{self, TextError};
use crate::{FundAccountId, Pence};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What an account holds. The kind decides the sign of its usual balance and the top-level
/// name in an hledger journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountKind {
    /// Money the branch has: bank, cash, the restricted hardship fund.
    Asset,
    /// Money coming in: donations, fundraising.
    Income,
    /// Money going out: strike pay, hardship grants.
    Expense,
    /// Money owed: strike pay approved but not yet paid.
    Liability,
}

impl AccountKind {
    /// `1` for the kinds whose balance is usually a debit (assets, expenses), `-1` for the
    /// others: multiplied by a stored balance it gives the amount people expect to read.
    pub fn normal_sign(self) -> i64 {
        match self {
            AccountKind::Asset | AccountKind::Expense => 1,
            AccountKind::Income | AccountKind::Liability => -1,
        }
    }

    /// The top-level account name in an hledger journal.
    pub fn hledger_root(self) -> &'static str {
        match self {
            AccountKind::Asset => "assets",
            AccountKind::Income => "income",
            AccountKind::Expense => "expenses",
            AccountKind::Liability => "liabilities",
        }
    }
}

impl Named for AccountKind {
    const ALL: &'static [Self] = &[Self::Asset, Self::Income, Self::Expense, Self::Liability];
    fn as_str(self) -> &'static str {
        match self {
            Self::Asset => "asset",
            Self::Income => "income",
            Self::Expense => "expense",
            Self::Liability => "liability",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Asset => "Asset",
            Self::Income => "Income",
            Self::Expense => "Expense",
            Self::Liability => "Liability",
        }
    }
}

/// Why a transaction was made: kept with it, so a statement can say what each line was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TransactionKind {
    /// Entered by the treasurer (opening balances, bank charges, transfers).
    Manual,
    /// A donation received.
    Donation,
    /// A strike pay run approved: the pay owed.
    StrikePay,
    /// A payment clearing what is owed.
    Payment,
    /// A hardship grant.
    Hardship,
    /// The reversal of an earlier transaction.
    Reversal,
}

impl Named for TransactionKind {
    const ALL: &'static [Self] = &[
        Self::Manual,
        Self::Donation,
        Self::StrikePay,
        Self::Payment,
        Self::Hardship,
        Self::Reversal,
    ];
    fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Donation => "donation",
            Self::StrikePay => "strike-pay",
            Self::Payment => "payment",
            Self::Hardship => "hardship",
            Self::Reversal => "reversal",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Manual => "Entered by hand",
            Self::Donation => "Donation",
            Self::StrikePay => "Strike pay",
            Self::Payment => "Payment",
            Self::Hardship => "Hardship grant",
            Self::Reversal => "Reversal",
        }
    }
}

/// An account's short code, unique in its branch: lower-case letters, digits and hyphens,
/// 1 to 40 of them, starting with a letter (`bank`, `strike-pay-owed`). It is the last part
/// of the account's name in an hledger journal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountCode(String);

impl AccountCode {
    /// The code as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for AccountCode {
    type Err = LedgerError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let ok = (1..=40).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Ok(AccountCode(s.to_string()))
        } else {
            Err(LedgerError::AccountCode)
        }
    }
}

impl TryFrom<String> for AccountCode {
    type Error = LedgerError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<AccountCode> for String {
    fn from(code: AccountCode) -> String {
        code.0
    }
}

impl fmt::Display for AccountCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One line of a transaction: an amount to an account, a debit when positive and a credit
/// when negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posting {
    /// The account.
    pub account: FundAccountId,
    /// Signed pence: debit positive, credit negative; never zero.
    pub amount: Pence,
}

impl Posting {
    /// A debit of `amount` to `account`.
    pub fn debit(account: FundAccountId, amount: Pence) -> Posting {
        Posting { account, amount }
    }

    /// A credit of `amount` to `account`.
    pub fn credit(account: FundAccountId, amount: Pence) -> Posting {
        Posting {
            account,
            amount: Pence::from_pence(-amount.pence()),
        }
    }
}

/// Why a transaction or an account was refused. Each message says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// Fewer than two lines.
    #[error(
        "A transaction needs at least two lines: where the money came from and where it went."
    )]
    TooFewLines,
    /// A line of nothing.
    #[error("Every line of a transaction needs an amount other than zero.")]
    ZeroLine,
    /// The lines do not add up to zero.
    #[error("The lines do not balance: the debits and the credits differ by {by}.")]
    Unbalanced {
        /// By how much the debits exceed the credits.
        by: Pence,
    },
    /// The amounts are too large to add up.
    #[error("The amounts are too large.")]
    TooLarge,
    /// An amount of money that must be more than nothing was not.
    #[error("Give an amount of more than £0.00.")]
    NotPositive,
    /// The description is not acceptable text.
    #[error("The description {0}.")]
    Memo(TextError),
    /// The reason for a reversal is missing or not acceptable text.
    #[error("Give the reason for the reversal (at most 500 characters, on one line).")]
    Reason,
    /// An account code that is not lower-case letters, digits and hyphens.
    #[error("An account code is 1 to 40 lower-case letters, digits and hyphens, starting with a letter, like strike-pay-owed.")]
    AccountCode,
    /// An account with no name.
    #[error("Give the account a name, like Bank.")]
    AccountNameMissing,
    /// An account name that is not acceptable text.
    #[error("The account name {0}.")]
    AccountName(TextError),
}

/// The longest description of a transaction, in characters.
pub const MEMO_MAX: usize = 200;

/// A transaction that is known to balance: two or more lines, none of nothing, adding up to
/// zero. The only way to make one is [`BalancedTransaction::new`] (or its shorthands).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalancedTransaction {
    day: NaiveDate,
    memo: String,
    kind: TransactionKind,
    postings: Vec<Posting>,
}

impl BalancedTransaction {
    /// Checks the lines and the description; refuses a transaction that does not balance.
    pub fn new(
        day: NaiveDate,
        kind: TransactionKind,
        memo: &str,
        postings: Vec<Posting>,
    ) -> Result<Self, LedgerError> {
        let memo = text::single_line(memo, MEMO_MAX).map_err(LedgerError::Memo)?;
        if postings.len() < 2 {
            return Err(LedgerError::TooFewLines);
        }
        let mut sum = Pence::ZERO;
        for p in &postings {
            if p.amount == Pence::ZERO {
                return Err(LedgerError::ZeroLine);
            }
            sum = sum.checked_add(p.amount).ok_or(LedgerError::TooLarge)?;
        }
        if sum != Pence::ZERO {
            return Err(LedgerError::Unbalanced { by: sum });
        }
        Ok(Self {
            day,
            memo,
            kind,
            postings,
        })
    }

    /// Money moved from `from` (credited) to `to` (debited): `amount` must be more than nothing.
    pub fn transfer(
        day: NaiveDate,
        kind: TransactionKind,
        memo: &str,
        to: FundAccountId,
        from: FundAccountId,
        amount: Pence,
    ) -> Result<Self, LedgerError> {
        if amount <= Pence::ZERO {
            return Err(LedgerError::NotPositive);
        }
        Self::new(
            day,
            kind,
            memo,
            vec![Posting::debit(to, amount), Posting::credit(from, amount)],
        )
    }

    /// The reversal of a transaction whose lines were `original`: every line negated, dated
    /// `day`, described by the reason (which must be given).
    pub fn reversal(
        day: NaiveDate,
        reason: &str,
        original: &[Posting],
    ) -> Result<Self, LedgerError> {
        let reason = text::single_line(reason, 500).map_err(|_| LedgerError::Reason)?;
        if reason.is_empty() {
            return Err(LedgerError::Reason);
        }
        let memo: String = format!("Reversal: {reason}")
            .chars()
            .take(MEMO_MAX)
            .collect();
        let negated = original
            .iter()
            .map(|p| {
                p.amount
                    .pence()
                    .checked_neg()
                    .map(|a| Posting {
                        account: p.account,
                        amount: Pence::from_pence(a),
                    })
                    .ok_or(LedgerError::TooLarge)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(day, TransactionKind::Reversal, &memo, negated)
    }

    /// The day the money moved.
    pub fn day(&self) -> NaiveDate {
        self.day
    }

    /// What it was.
    pub fn memo(&self) -> &str {
        &self.memo
    }

    /// Why it was made.
    pub fn kind(&self) -> TransactionKind {
        self.kind
    }

    /// Its lines, in the order given.
    pub fn postings(&self) -> &[Posting] {
        &self.postings
    }
}

/// Checks an account's name: one line, 1 to 100 characters.
pub fn account_name(name: &str) -> Result<String, LedgerError> {
    let name = text::name(name, 100).map_err(LedgerError::AccountName)?;
    if name.is_empty() {
        return Err(LedgerError::AccountNameMissing);
    }
    Ok(name)
}

/// The accounts every branch's fund starts with: code, name, kind. Donations, strike pay and
/// hardship grants post to these; a treasurer may add more.
pub const STANDARD_ACCOUNTS: &[(&str, &str, AccountKind)] = &[
    ("bank", "Bank", AccountKind::Asset),
    ("cash", "Cash", AccountKind::Asset),
    (
        "hardship-fund",
        "Hardship fund (restricted)",
        AccountKind::Asset,
    ),
    ("donations", "Donations", AccountKind::Income),
    (
        "donations-hardship",
        "Donations for hardship (restricted)",
        AccountKind::Income,
    ),
    ("strike-pay", "Strike pay", AccountKind::Expense),
    ("hardship-grants", "Hardship grants", AccountKind::Expense),
    ("strike-pay-owed", "Strike pay owed", AccountKind::Liability),
    (
        "hardship-owed",
        "Hardship grants owed",
        AccountKind::Liability,
    ),
];

#[cfg(test)]
mod tests;
