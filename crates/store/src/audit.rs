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
    /// A branch's audit entries matching `filter`, newest first.
    async fn audit_search(
        &self,
        branch: BranchId,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AuditEntry>>;
}

/// Which audit entries to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this actor.
    pub actor: Option<picket_domain::UserId>,
    /// Only actions starting with this (`member.` for every member action).
    pub action_prefix: Option<String>,
}
