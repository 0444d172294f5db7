//! Sessions, API tokens and login throttling.

use crate::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use picket_domain::UserId;

/// Sessions, API tokens and login throttling.
#[async_trait]
pub trait AuthStore: Send + Sync {
    /// Stores a session under the hash of its token.
    async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The live session with this token hash and its user; expired sessions are not found.
    async fn session_user(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<User>;
    /// Ends a session.
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Stores an API token under its hash.
    async fn create_api_token(
        &self,
        user: UserId,
        name: &str,
        token_hash: &str,
    ) -> StoreResult<ApiToken>;
    /// The user owning a live (not revoked) API token, recording its use.
    async fn api_token_user(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<User>;

    /// Records a failed login against each key (hashes of the email and of the client address).
    async fn record_login_failure(&self, keys: &[&str], at: DateTime<Utc>) -> StoreResult<()>;
    /// Failed logins against `key` since `since`.
    async fn login_failures_since(&self, key: &str, since: DateTime<Utc>) -> StoreResult<u64>;
    /// Forgets failures against `key` (after a successful login).
    async fn clear_login_failures(&self, key: &str) -> StoreResult<()>;
    /// The instance secret called `name`, storing `candidate` first if there is none yet. Every
    /// process of an instance gets the same value.
    async fn instance_secret(&self, name: &str, candidate: &str) -> StoreResult<String>;
}
