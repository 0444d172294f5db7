//! Strike pay: a dispute's policy, pay runs computed per member and day with the working,
//! approval posting the liability, and payments clearing it. A day is never paid twice: the
//! days an approved run pays are kept under the key (member, day), and a second approval of
//! the same run, or of another run over a day already paid, is refused by the database.

use crate::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use picket_domain::fund::strike_pay::PayPolicy;
use picket_domain::strike_days::DayStatus;
use picket_domain::{
    BranchId, DisputeId, FundTransactionId, MemberId, PayRunId, PaymentId, Pence, UserId,
};
use serde::Serialize;

/// Whether a run has been approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PayRunStatus {
    /// Computed, waiting for a treasurer.
    Draft,
    /// Approved: its liability is posted.
    Approved,
}

/// One member's day in a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayRunLine {
    /// The member.
    pub member_id: MemberId,
    /// The day.
    pub day: NaiveDate,
    /// Its status, when known and settled.
    pub status: Option<DayStatus>,
    /// What the branch pays for it.
    pub amount: Pence,
    /// How the amount was found.
    pub working: String,
}

/// A pay run with every line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayRun {
    /// Its id.
    pub id: PayRunId,
    /// Its dispute.
    pub dispute_id: DisputeId,
    /// The first day it covers.
    pub first_day: NaiveDate,
    /// The last day it covers.
    pub last_day: NaiveDate,
    /// Draft or approved.
    pub status: PayRunStatus,
    /// What it pays in all.
    pub total: Pence,
    /// Who approved it.
    pub approved_by: Option<UserId>,
    /// When.
    pub approved_at: Option<DateTime<Utc>>,
    /// The ledger transaction its approval posted.
    pub transaction_id: Option<FundTransactionId>,
    /// Every member's days, by member then day.
    pub lines: Vec<PayRunLine>,
}

/// A day an approved run pays a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaidDay {
    /// The day.
    pub day: NaiveDate,
    /// What the branch pays for it.
    pub amount: Pence,
    /// The run that approved it.
    pub run_id: PayRunId,
}

/// A payment of strike pay to a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StrikePayPayment {
    /// Its id.
    pub id: PaymentId,
    /// The member paid.
    pub member_id: MemberId,
    /// How much.
    pub amount: Pence,
    /// The day it was paid.
    pub paid_on: NaiveDate,
    /// Its ledger transaction.
    pub transaction_id: FundTransactionId,
}

/// One member's strike pay: every day approved, every payment, and what is still owed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StrikePayStatement {
    /// The member.
    pub member_id: MemberId,
    /// The days approved runs pay, by day.
    pub days: Vec<PaidDay>,
    /// The payments made, by day.
    pub payments: Vec<StrikePayPayment>,
    /// Approved pay in all.
    pub due: Pence,
    /// Paid in all.
    pub paid: Pence,
    /// Still owed.
    pub owed: Pence,
}

/// What one member is owed: approved pay less payments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberOwed {
    /// The member.
    pub member_id: MemberId,
    /// Approved pay in all.
    pub due: Pence,
    /// Paid in all.
    pub paid: Pence,
    /// Still owed.
    pub owed: Pence,
}

/// Reading strike pay.
#[async_trait]
pub trait StrikePayStore: Send + Sync {
    /// A dispute's policy, if it has one.
    async fn pay_policy(
        &self,
        branch: BranchId,
        dispute: DisputeId,
    ) -> StoreResult<Option<PayPolicy>>;
    /// One run with its lines.
    async fn pay_run(&self, branch: BranchId, id: PayRunId) -> StoreResult<PayRun>;
    /// What a member is owed: approved pay less payments.
    async fn strike_pay_owed(&self, branch: BranchId, member: MemberId) -> StoreResult<Pence>;
    /// A dispute's runs, newest first, without their lines.
    async fn pay_runs(&self, branch: BranchId, dispute: DisputeId) -> StoreResult<Vec<PayRun>>;
    /// One member's strike pay statement.
    async fn strike_pay_statement(
        &self,
        branch: BranchId,
        member: MemberId,
    ) -> StoreResult<StrikePayStatement>;
    /// Every member with approved strike pay, by member: what each was due, was paid and
    /// is still owed.
    async fn strike_pay_balances(&self, branch: BranchId) -> StoreResult<Vec<MemberOwed>>;
}

/// Changing strike pay, within a [`UnitOfWork`](crate::UnitOfWork).
#[async_trait]
pub trait StrikePayWrites: Send {
    /// Sets (or replaces) a dispute's policy.
    async fn set_pay_policy(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        policy: &PayPolicy,
        by: Option<UserId>,
    ) -> StoreResult<()>;
    /// Computes a draft run over `first..=last` from the participation records, every
    /// member's days with their working. A dispute with no policy, or days in the wrong
    /// order, is [`StoreError::Refused`](crate::StoreError::Refused).
    async fn create_pay_run(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        first: NaiveDate,
        last: NaiveDate,
        by: Option<UserId>,
    ) -> StoreResult<PayRunId>;
    /// Approves a draft run dated `day`: posts strike pay expense against strike pay owed
    /// and marks its days paid. A run already approved is
    /// [`StoreError::Conflict`](crate::StoreError::Conflict)`("approval")`; a day another
    /// run paid meanwhile is `Conflict("paid day")`, and nothing is posted.
    async fn approve_pay_run(
        &mut self,
        branch: BranchId,
        id: PayRunId,
        day: NaiveDate,
        by: Option<UserId>,
    ) -> StoreResult<Option<FundTransactionId>>;
    /// Pays a member some of what they are owed from the asset account `from` (a code:
    /// `bank`, `cash`). More than they are owed, or nothing, is
    /// [`StoreError::Refused`](crate::StoreError::Refused).
    async fn pay_strike_pay(
        &mut self,
        branch: BranchId,
        member: MemberId,
        amount: Pence,
        day: NaiveDate,
        from: &str,
        by: Option<UserId>,
    ) -> StoreResult<PaymentId>;
}
