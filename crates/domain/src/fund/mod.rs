//! The strike fund: a double-entry ledger in integer pence, and what is posted to it
//! (donations so far).
//!
//! - [`ledger`]: accounts and their kinds, balanced transactions, reversals;
//! - [`donations`]: a donation and the ledger transaction it posts;
//! - [`strike_pay`]: a dispute's strike pay policy and each member's entitlement;
//! - [`hardship`]: applications for hardship grants.
//!
//! What each member did on each strike day, which strike pay is computed from, is
//! [`crate::strike_days`].
//!
//! Amounts on a ledger line are signed pence: a debit is positive and a credit negative, so
//! the lines of every transaction add up to zero. That is also hledger's convention, so an
//! export writes the numbers as they are.

pub mod donations;
pub mod hardship;
pub mod ledger;
pub mod strike_pay;

pub use donations::{DonationError, DonationMethod, Donor, DonorKind, NewDonation, Restriction};
pub use ledger::{
    AccountCode, AccountKind, BalancedTransaction, LedgerError, Posting, TransactionKind,
};
