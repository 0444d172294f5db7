//! Row models returned by the store.

use chrono::{DateTime, Utc};
use picket_domain::{ApiTokenId, BranchId, Division, Role, UserId};
use serde::Serialize;

/// A union branch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Branch {
    /// Its id.
    pub id: BranchId,
    /// Its URL name.
    pub slug: String,
    /// Its name for people.
    pub name: String,
    /// The jurisdiction its members work in.
    pub division: Division,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A login account.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// The address it signs in with.
    pub email: String,
    /// The name shown to colleagues.
    pub display_name: String,
    /// The argon2id hash, if the user has a password.
    #[serde(skip)]
    pub password_hash: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Personal data stays out of logs and panics.
        f.debug_struct("User")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// A user's role in one branch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Membership {
    /// The branch.
    pub branch: Branch,
    /// The role held there.
    pub role: Role,
}

/// A user as listed in a branch's directory of users.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct BranchUser {
    /// The user.
    pub user: User,
    /// Their role in the branch.
    pub role: Role,
}

impl std::fmt::Debug for BranchUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BranchUser")
            .field("user", &self.user)
            .field("role", &self.role)
            .finish()
    }
}

/// An API token's public facts (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    /// Its id.
    pub id: ApiTokenId,
    /// The owner.
    pub user_id: UserId,
    /// The label given at creation.
    pub name: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was last used, if ever.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiToken {
    /// Whether it still works at `now`: not revoked and not expired.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }
}

/// An audit entry to append.
#[derive(Debug, Clone, Default)]
pub struct NewAuditEntry {
    /// Who acted, if anyone was signed in.
    pub actor: Option<UserId>,
    /// The branch concerned, if any.
    pub branch: Option<BranchId>,
    /// What happened, e.g. `login.failed`, `user.add`.
    pub action: String,
    /// What it concerned, e.g. `user:12` (ids, not names).
    pub subject: Option<String>,
    /// Why, or further detail free of personal data.
    pub detail: Option<String>,
    /// The request it came from.
    pub request_id: Option<String>,
}

/// A stored audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Its id.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who acted.
    pub actor: Option<UserId>,
    /// The actor's email at reading time, for the audit view.
    pub actor_email: Option<String>,
    /// The branch concerned.
    pub branch: Option<BranchId>,
    /// What happened.
    pub action: String,
    /// What it concerned.
    pub subject: Option<String>,
    /// Further detail.
    pub detail: Option<String>,
    /// The request it came from.
    pub request_id: Option<String>,
}

/// An email to queue in the outbox.
#[derive(Debug, Clone)]
pub struct NewOutboxEmail {
    /// A key that makes queuing idempotent: the same key is queued once.
    pub idempotency_key: Option<String>,
    /// The serialized message (JSON of the mail crate's `OutgoingEmail`).
    pub payload: String,
    /// How many attempts before giving up.
    pub max_attempts: u32,
    /// Not before this instant.
    pub run_after: DateTime<Utc>,
    /// Never send it twice: if a worker dies while handing it to the mail server, give it up
    /// rather than risk a second copy (see [`OutboxStore::start_sending`](crate::OutboxStore::start_sending)).
    pub send_once: bool,
}

/// A claimed outbox job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxJob {
    /// Its id.
    pub id: i64,
    /// The serialized message.
    pub payload: String,
    /// Attempts so far, including this one.
    pub attempts: u32,
    /// The limit.
    pub max_attempts: u32,
    /// Whether it must never be sent twice.
    pub send_once: bool,
}

/// Outbox jobs by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OutboxCounts {
    /// Waiting or being retried.
    pub pending: u64,
    /// Delivered.
    pub sent: u64,
    /// Given up.
    pub failed: u64,
}

/// Which page of a list to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// 1-based page number.
    pub page: u32,
    /// Rows per page (1–200).
    pub per_page: u32,
}

impl PageRequest {
    /// A page request with both numbers clamped to sane bounds.
    pub fn new(page: u32, per_page: u32) -> Self {
        Self {
            page: page.max(1),
            per_page: per_page.clamp(1, 200),
        }
    }

    /// Rows to skip.
    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::new(1, 50)
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// This page's number.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
    /// Rows in the whole list.
    pub total: u64,
}

impl<T> Page<T> {
    /// Number of pages (at least 1).
    pub fn pages(&self) -> u32 {
        let per = u64::from(self.per_page.max(1));
        u32::try_from(self.total.div_ceil(per).max(1)).unwrap_or(u32::MAX)
    }

    /// Whether a later page exists.
    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }
}
