//! Hardship grants: applications, the treasurer's decision (a grant posts hardship expense
//! against hardship owed), and payment (clearing what is owed from an asset account). The
//! reason is cleared by retention after the decision; the ledger is kept.

use crate::StoreResult;
use async_trait::async_trait;
use chrono::NaiveDate;
use picket_domain::fund::hardship::NewHardshipApplication;
use picket_domain::{BranchId, FundTransactionId, HardshipGrantId, MemberId, Pence, UserId};
use serde::Serialize;

/// A hardship application as it stands. The reason is for the treasurer and organisers only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HardshipGrant {
    /// Its id.
    pub id: HardshipGrantId,
    /// Who applied.
    pub member_id: MemberId,
    /// How much.
    pub amount: Pence,
    /// Why; `None` once retention has cleared it.
    pub reason: Option<String>,
    /// When they applied.
    pub applied_on: NaiveDate,
    /// `pending`, `granted` or `refused`.
    pub decision: String,
    /// The transaction the grant posted.
    pub transaction_id: Option<FundTransactionId>,
    /// The transaction that paid it.
    pub paid_transaction_id: Option<FundTransactionId>,
}

/// Reading hardship grants.
#[async_trait]
pub trait HardshipStore: Send + Sync {
    /// The branch's applications, newest first.
    async fn hardship_grants(&self, branch: BranchId) -> StoreResult<Vec<HardshipGrant>>;
    /// One member's own applications, newest first.
    async fn hardship_grants_of(
        &self,
        branch: BranchId,
        member: MemberId,
    ) -> StoreResult<Vec<HardshipGrant>>;
}

/// Changing hardship grants, within a [`UnitOfWork`](crate::UnitOfWork).
#[async_trait]
pub trait HardshipWrites: Send {
    /// Records an application, pending. A member not the branch's is
    /// [`StoreError::NotFound`](crate::StoreError::NotFound).
    async fn apply_for_hardship(
        &mut self,
        branch: BranchId,
        application: &NewHardshipApplication,
        by: Option<UserId>,
    ) -> StoreResult<HardshipGrantId>;
    /// Decides a pending application; a grant posts hardship grants (expense) against
    /// hardship owed, dated `day`. Decided already:
    /// [`StoreError::Conflict`](crate::StoreError::Conflict)`("decision")`.
    async fn decide_hardship(
        &mut self,
        branch: BranchId,
        id: HardshipGrantId,
        grant: bool,
        day: NaiveDate,
        by: Option<UserId>,
    ) -> StoreResult<Option<FundTransactionId>>;
    /// Pays a granted application from the asset account `from` (a code such as
    /// `hardship-fund` or `bank`). Not granted, or paid already:
    /// [`StoreError::Refused`](crate::StoreError::Refused).
    async fn pay_hardship(
        &mut self,
        branch: BranchId,
        id: HardshipGrantId,
        day: NaiveDate,
        from: &str,
        by: Option<UserId>,
    ) -> StoreResult<FundTransactionId>;
}
