//! The strike fund: ledger accounts with kept balances, transactions that never change
//! (a correction is a reversal), and donations, each posting its transaction in the same
//! unit of work.
//!
//! The database refuses an unbalanced or incomplete transaction and any change to a posted
//! one by itself (see migration `0014_strike_fund.sql`); the domain's
//! [`BalancedTransaction`] refuses it first, with a message that says what to fix.

use crate::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use picket_domain::fund::{
    AccountCode, AccountKind, BalancedTransaction, DonationMethod, Donor, DonorKind, NewDonation,
    Restriction, TransactionKind,
};
use picket_domain::{
    BranchId, DonationId, FundAccountId, FundTransactionId, Pence, UserId, WallMessageId,
};
use serde::Serialize;

/// An account of a branch's fund, with its kept balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundAccount {
    /// Its id.
    pub id: FundAccountId,
    /// Its short code, unique in the branch.
    pub code: AccountCode,
    /// Its name for people.
    pub name: String,
    /// Asset, income, expense or liability.
    pub kind: AccountKind,
    /// The sum of its lines (debits positive, credits negative).
    pub balance: Pence,
    /// How many lines it has.
    pub line_count: u64,
}

impl FundAccount {
    /// The balance as people read it: an asset or expense as its debit balance, income or a
    /// liability as its credit balance.
    pub fn shown_balance(&self) -> Pence {
        Pence::from_pence(self.balance.pence() * self.kind.normal_sign())
    }
}

/// An account to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFundAccount {
    /// Its code.
    pub code: AccountCode,
    /// Its name (checked with `fund::ledger::account_name`).
    pub name: String,
    /// Its kind.
    pub kind: AccountKind,
}

/// One line of a posted transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundLine {
    /// The account.
    pub account_id: FundAccountId,
    /// The account's code.
    pub account_code: String,
    /// The account's kind.
    pub account_kind: AccountKind,
    /// Signed pence: debit positive, credit negative.
    pub amount: Pence,
}

/// A posted transaction with its lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundTransaction {
    /// Its id.
    pub id: FundTransactionId,
    /// The day the money moved.
    pub day: NaiveDate,
    /// Why it was made.
    pub kind: TransactionKind,
    /// What it was.
    pub memo: String,
    /// The transaction this one reverses.
    pub reverses: Option<FundTransactionId>,
    /// Who posted it.
    pub posted_by: Option<UserId>,
    /// When it was posted.
    pub posted_at: DateTime<Utc>,
    /// Its lines, in order.
    pub lines: Vec<FundLine>,
}

/// One line of an account's statement, with the balance after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementLine {
    /// The transaction.
    pub transaction_id: FundTransactionId,
    /// The day the money moved.
    pub day: NaiveDate,
    /// Why it was made.
    pub kind: TransactionKind,
    /// What it was.
    pub memo: String,
    /// Signed pence on this account: debit positive, credit negative.
    pub amount: Pence,
    /// The account's balance (debits positive) once this line was posted.
    pub balance_after: Pence,
}

/// A recorded donation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Donation {
    /// Its id.
    pub id: DonationId,
    /// Who gave.
    pub donor: Donor,
    /// How much.
    pub amount: Pence,
    /// The day it was received.
    pub received: NaiveDate,
    /// How it came.
    pub method: DonationMethod,
    /// The wall message that came with it.
    pub wall_message: Option<WallMessageId>,
    /// What it may be spent on.
    pub restriction: Option<Restriction>,
    /// The ledger transaction it posted.
    pub transaction_id: FundTransactionId,
}

/// A donor named in public, because they agreed to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedDonor {
    /// An organisation or a person.
    pub kind: DonorKind,
    /// Their name.
    pub name: String,
    /// What they gave in all.
    pub amount: Pence,
}

/// What the public may read of the donations: totals, and the names of only those donors
/// who agreed to be named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RaisedSoFar {
    /// Every donation added up.
    pub total: Pence,
    /// How many donations.
    pub donations: u64,
    /// The donors who agreed to be named, largest total first.
    pub named: Vec<NamedDonor>,
}

/// Reading the fund. Every method takes the branch: another branch's record is
/// [`StoreError::NotFound`](crate::StoreError::NotFound).
#[async_trait]
pub trait FundStore: Send + Sync {
    /// The branch's accounts, by kind then code.
    async fn fund_accounts(&self, branch: BranchId) -> StoreResult<Vec<FundAccount>>;
    /// One account with its balance: one row read, whatever its history.
    async fn fund_account(&self, branch: BranchId, id: FundAccountId) -> StoreResult<FundAccount>;
    /// One account found by its code.
    async fn fund_account_by_code(&self, branch: BranchId, code: &str) -> StoreResult<FundAccount>;
    /// One transaction with its lines.
    async fn fund_transaction(
        &self,
        branch: BranchId,
        id: FundTransactionId,
    ) -> StoreResult<FundTransaction>;
    /// The transaction that reverses this one, if it has been reversed.
    async fn fund_reversal_of(
        &self,
        branch: BranchId,
        id: FundTransactionId,
    ) -> StoreResult<Option<FundTransactionId>>;
    /// Up to `limit` transactions with their lines, in the order they were posted, starting
    /// after `after`: the journal, a page at a time.
    async fn fund_journal(
        &self,
        branch: BranchId,
        after: Option<FundTransactionId>,
        limit: u32,
    ) -> StoreResult<Vec<FundTransaction>>;
    /// A page of an account's lines, newest first, each with the balance after it: the
    /// balance is worked back from the kept one, never by adding up history.
    async fn fund_statement(
        &self,
        branch: BranchId,
        account: FundAccountId,
        page: crate::PageRequest,
    ) -> StoreResult<crate::Page<StatementLine>>;
    /// How many transactions the branch's ledger holds.
    async fn fund_transaction_count(&self, branch: BranchId) -> StoreResult<u64>;
    /// The branch's donations, newest first.
    async fn donations(&self, branch: BranchId) -> StoreResult<Vec<Donation>>;
    /// The public "raised so far": no name of a donor who did not agree to be named.
    async fn raised_so_far(&self, branch: BranchId) -> StoreResult<RaisedSoFar>;
}

/// Changing the fund, within a [`UnitOfWork`](crate::UnitOfWork); the caller writes the
/// audit entry in the same unit.
#[async_trait]
pub trait FundWrites: Send {
    /// Adds the standard accounts (`fund::ledger::STANDARD_ACCOUNTS`) the branch lacks.
    async fn ensure_fund_accounts(&mut self, branch: BranchId) -> StoreResult<()>;
    /// Adds an account; a code already used in the branch is
    /// [`StoreError::Conflict`](crate::StoreError::Conflict).
    async fn add_fund_account(
        &mut self,
        branch: BranchId,
        account: &NewFundAccount,
    ) -> StoreResult<FundAccountId>;
    /// Posts a balanced transaction and moves the balances of its accounts. An account not
    /// the branch's is [`StoreError::NotFound`](crate::StoreError::NotFound).
    async fn post_fund_transaction(
        &mut self,
        branch: BranchId,
        transaction: &BalancedTransaction,
        posted_by: Option<UserId>,
    ) -> StoreResult<FundTransactionId>;
    /// Posts the reversal of a transaction, dated `day`, with the reason. A transaction
    /// already reversed, or itself a reversal, is
    /// [`StoreError::Conflict`](crate::StoreError::Conflict)`("reversal")`.
    async fn reverse_fund_transaction(
        &mut self,
        branch: BranchId,
        id: FundTransactionId,
        day: NaiveDate,
        reason: &str,
        posted_by: Option<UserId>,
    ) -> StoreResult<FundTransactionId>;
    /// Records a donation and posts its transaction (adding the standard accounts first if
    /// need be). A wall message not the branch's is
    /// [`StoreError::NotFound`](crate::StoreError::NotFound).
    async fn record_donation(
        &mut self,
        branch: BranchId,
        donation: &NewDonation,
        recorded_by: Option<UserId>,
    ) -> StoreResult<(DonationId, FundTransactionId)>;
}
