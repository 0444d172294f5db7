//! Sessions, API tokens, passwords and login throttling.
//!
//! Changes a person makes to an account (a password, an API token, signing someone out
//! everywhere) are [`AuthWrites`], written in a unit of work with their audit entry. Sessions
//! being opened and closed, attempt counters and the instance's secrets are the sign-in
//! machinery: each is one statement or transaction of its own on [`AuthStore`].

use crate::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use picket_domain::{ApiTokenId, UserId};

/// Sessions, reading API tokens, and login throttling.
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
    /// A user's API tokens (live, expired and revoked), newest first.
    async fn api_tokens_of(&self, user: UserId) -> StoreResult<Vec<ApiToken>>;
    /// The user owning a live (not revoked, not expired) API token, recording its use.
    async fn api_token_user(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<User>;

    /// Counts one attempt against every limit in one write transaction, atomically: when any
    /// key already holds `max` attempts since `since`, nothing is recorded and the attempt is
    /// refused; otherwise one attempt is recorded under each key at `at`. Parallel callers are
    /// serialised per key (SQLite's write lock, PostgreSQL advisory locks on the keys), so a
    /// burst cannot pass a limit. An attempt counted before the work it guards (checking a
    /// password) can be given back with [`release_attempt`](Self::release_attempt).
    async fn take_attempt(
        &self,
        limits: &[AttemptLimit<'_>],
        since: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> StoreResult<Attempt>;
    /// Gives back an attempt counted by [`take_attempt`](Self::take_attempt) (it succeeded).
    async fn release_attempt(&self, ticket: &AttemptTicket) -> StoreResult<()>;
    /// Failed logins against `key` since `since`.
    async fn login_failures_since(&self, key: &str, since: DateTime<Utc>) -> StoreResult<u64>;
    /// Forgets failures against `key` (after a successful login).
    async fn clear_login_failures(&self, key: &str) -> StoreResult<()>;
    /// The instance secret called `name`, storing `candidate` first if there is none yet. Every
    /// process of an instance gets the same value.
    async fn instance_secret(&self, name: &str, candidate: &str) -> StoreResult<String>;
}

/// Changing an account, within a [`UnitOfWork`](crate::UnitOfWork).
#[async_trait]
pub trait AuthWrites: Send {
    /// Stores an API token under its hash that stops working at `expires_at` (if given); a
    /// hash already stored is [`StoreError::Conflict`].
    async fn create_api_token(
        &mut self,
        user: UserId,
        name: &str,
        token_hash: &str,
        expires_at: Option<DateTime<Utc>>,
    ) -> StoreResult<ApiToken>;
    /// Revokes the API token `id` at `at` (of `owner` only, if given: another's is
    /// [`StoreError::NotFound`], checked in the statement). Revoking a revoked token changes
    /// nothing. Returns the token.
    async fn revoke_api_token(
        &mut self,
        id: ApiTokenId,
        owner: Option<UserId>,
        at: DateTime<Utc>,
    ) -> StoreResult<ApiToken>;
    /// Ends a user's sessions, all but `keep` (a session's token hash) if given. How many ended.
    async fn end_sessions(&mut self, user: UserId, keep: Option<&str>) -> StoreResult<u64>;
    /// Replaces a user's password hash and ends their sessions but `keep`. How many sessions
    /// ended.
    async fn change_password(
        &mut self,
        user: UserId,
        password_hash: &str,
        keep: Option<&str>,
    ) -> StoreResult<u64>;
}

/// At most `max` attempts under `key` within the window.
#[derive(Debug, Clone, Copy)]
pub struct AttemptLimit<'a> {
    /// The key counted (a keyed hash of an email, an address, or both).
    pub key: &'a str,
    /// The most attempts allowed in the window.
    pub max: u64,
}

/// What came of [`AuthStore::take_attempt`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// Allowed and counted.
    Counted(AttemptTicket),
    /// Refused: the limit at this index of those given is reached. Nothing was recorded.
    Refused(usize),
}

/// The attempts recorded for one [`Attempt::Counted`], to give back on success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptTicket(pub Vec<i64>);
