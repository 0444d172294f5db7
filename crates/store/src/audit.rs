//! The audit log: who did what, when, to which record.

use crate::*;
use async_trait::async_trait;
use picket_domain::BranchId;

/// The audit log: who did what, when, to which record.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends to the audit log.
    async fn audit(&self, entry: NewAuditEntry) -> StoreResult<()>;
    /// A branch's audit entries, newest first.
    async fn audit_entries(
        &self,
        branch: Option<BranchId>,
        page: PageRequest,
    ) -> StoreResult<Page<AuditEntry>>;
}
