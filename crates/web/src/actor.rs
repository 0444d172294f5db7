//! Who makes a change, for the audit entry written with it.

use crate::extract::CurrentUser;
use picket_store::{Branch, NewAuditEntry};

/// A signed-in user changing something of their branch.
pub struct Actor<'a> {
    /// The signed-in user.
    pub user: &'a CurrentUser,
    /// Their branch.
    pub branch: &'a Branch,
    /// The request.
    pub request_id: Option<String>,
}

impl Actor<'_> {
    /// The audit entry for `action` on `subject` (ids only, never names), to be written in the
    /// change's unit of work.
    pub fn entry(&self, action: &str, subject: impl Into<String>) -> NewAuditEntry {
        NewAuditEntry {
            actor: Some(self.user.user.id),
            branch: Some(self.branch.id),
            action: action.into(),
            subject: Some(subject.into()),
            detail: None,
            request_id: self.request_id.clone(),
        }
    }
}
