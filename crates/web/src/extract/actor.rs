//! Who makes a change, for the audit entry written with it: a user acting in their branch
//! ([`Actor`]), or someone changing an account ([`AccountActor`]).

use crate::extract::CurrentUser;
use picket_domain::UserId;
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

/// Someone changing an account (a password, an API token, its sessions): a signed-in user, or
/// the command line.
#[derive(Debug, Clone)]
pub struct AccountActor {
    /// The signed-in user acting (`None`: the command line).
    pub user: Option<UserId>,
    /// The request's id, if it came over HTTP.
    pub request_id: Option<String>,
}

impl AccountActor {
    /// The command line.
    pub fn command_line() -> Self {
        Self {
            user: None,
            request_id: None,
        }
    }

    /// A signed-in user, over HTTP.
    pub fn signed_in(user: &CurrentUser, request_id: Option<String>) -> Self {
        Self {
            user: Some(user.user.id),
            request_id,
        }
    }

    /// The audit entry for `action` on `subject` with `detail` (ids only, never names), which
    /// says so when the command line acted; to be written in the change's unit of work.
    pub fn entry(
        &self,
        action: &str,
        subject: impl Into<String>,
        detail: impl Into<String>,
    ) -> NewAuditEntry {
        let via = if self.user.is_some() {
            ""
        } else {
            " (command line)"
        };
        NewAuditEntry {
            actor: self.user,
            branch: None,
            action: action.into(),
            subject: Some(subject.into()),
            detail: Some(format!("{}{via}", detail.into())),
            request_id: self.request_id.clone(),
        }
    }
}
