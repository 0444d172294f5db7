//! A member's own access to their record: single-use sign-in links, their own corrections
//! and consent choices (with a history), everything held about them for a subject access
//! request, and erasure.

use crate::*;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use picket_domain::member_data::LinkState;
use picket_domain::members::{ContactPreferences, Phone};
use picket_domain::{BranchId, ConsentId, Email, MagicLinkId, MemberId, UserId, WallMessageId};
use serde::Serialize;

/// A sign-in link to store (its token is only ever held by the email that carries it).
#[derive(Debug, Clone)]
pub struct NewMagicLink {
    /// The member's branch.
    pub branch: BranchId,
    /// The member it signs in.
    pub member_id: MemberId,
    /// SHA-256 of the token.
    pub token_hash: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// A sign-in link's times (never its token), for the member's own record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MagicLinkRecord {
    /// Its id.
    pub id: MagicLinkId,
    /// When it was asked for.
    pub created_at: DateTime<Utc>,
    /// When it stopped or stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was used, if it was.
    pub used_at: Option<DateTime<Utc>>,
}

/// A member's change of their own email address, waiting for the link sent to the new
/// address (its token is only ever held by that email).
#[derive(Clone)]
pub struct NewEmailChange {
    /// The member's branch.
    pub branch: BranchId,
    /// The member.
    pub member_id: MemberId,
    /// The account linked to the record, which asks for the change.
    pub user: UserId,
    /// The address to confirm.
    pub new_email: Email,
    /// SHA-256 of the token.
    pub token_hash: String,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for NewEmailChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewEmailChange")
            .field("branch", &self.branch)
            .field("member_id", &self.member_id)
            .finish_non_exhaustive()
    }
}

/// A change of address waiting for its link, as the member's page shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct PendingEmailChange {
    /// The address waiting to be confirmed.
    pub new_email: String,
    /// When it was asked for.
    pub created_at: DateTime<Utc>,
    /// When its link stops working.
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for PendingEmailChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingEmailChange")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// What using an email change link came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailChangeUse {
    /// The record now holds the new address.
    Changed {
        /// Its branch.
        branch: BranchId,
        /// The member.
        member_id: MemberId,
        /// The account linked to the record, if any.
        user: Option<UserId>,
    },
    /// The link was used already or has expired (and was not used now).
    Refused {
        /// Its branch.
        branch: BranchId,
        /// Why.
        state: LinkState,
    },
}

/// What using a sign-in link came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkUse {
    /// The link was good: the session was stored for this account, now linked to the member.
    SignedIn {
        /// The account signed in.
        user: User,
        /// The member record it is linked to.
        member_id: MemberId,
        /// Whether the account was created by this use.
        created: bool,
    },
    /// The link was good and the member is now linked to an account that has a password;
    /// a link does not stand in for a password, so no session was stored.
    PasswordAccount {
        /// The account.
        user: User,
        /// The member record.
        member_id: MemberId,
    },
    /// The link was used already or has expired (and was not used now).
    Refused(LinkState),
}

/// Who changed a member's consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentSource {
    /// The member, signed in to their own record.
    Member,
    /// An organiser editing the record.
    Organiser,
    /// A membership import.
    Import,
}

impl ConsentSource {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentSource::Member => "member",
            ConsentSource::Organiser => "organiser",
            ConsentSource::Import => "import",
        }
    }
}

/// One change of a member's contact consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentRecord {
    /// Its id.
    pub id: ConsentId,
    /// When the choice was recorded.
    pub changed_at: DateTime<Utc>,
    /// May be emailed.
    pub by_email: bool,
    /// May be phoned or texted.
    pub by_phone: bool,
    /// The words agreed to.
    pub wording: Option<String>,
    /// The day they agreed.
    pub agreed_on: Option<NaiveDate>,
    /// Who recorded it.
    pub source: ConsentSource,
    /// The account that recorded it, if any.
    pub actor: Option<UserId>,
}

/// A member's corrections to their own record.
#[derive(Clone)]
pub struct OwnDetails {
    /// Their email (the address sign-in links go to); `None` removes it.
    pub email: Option<Email>,
    /// Their phone; `None` removes it.
    pub phone: Option<Phone>,
    /// Their contact choices with the consent behind them.
    pub contact: ContactPreferences,
}

impl std::fmt::Debug for OwnDetails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnDetails")
            .field("contact", &self.contact)
            .finish_non_exhaustive()
    }
}

/// A wall message sent with the member's email address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WallTrace {
    /// The message's id.
    pub id: WallMessageId,
    /// When it was posted.
    pub created_at: DateTime<Utc>,
    /// The name given.
    pub name: String,
    /// The organisation given.
    pub organisation: Option<String>,
    /// The words.
    pub message: String,
    /// `pending`, `approved`, `rejected` or `spam`.
    pub status: String,
    /// Whether they agreed to be contacted.
    pub consent: bool,
}

/// Everything the store holds about a member beyond the member record itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectRecords {
    /// Their consent choices, oldest first.
    pub consents: Vec<ConsentRecord>,
    /// Their linked account, if any.
    pub account: Option<User>,
    /// The account's branches and roles.
    pub roles: Vec<Membership>,
    /// Audit entries about the member record, oldest first.
    pub audit_about: Vec<AuditEntry>,
    /// Audit entries of things their account did, oldest first.
    pub audit_by: Vec<AuditEntry>,
    /// Wall messages in the branch sent with their email address.
    pub wall_messages: Vec<WallTrace>,
    /// Sign-in links asked for (times only).
    pub sign_in_links: Vec<MagicLinkRecord>,
}

/// An organiser's erasure of a member record.
#[derive(Debug, Clone)]
pub struct Erasure {
    /// The member.
    pub member_id: MemberId,
    /// The instance's hashing key (the `ip-hash-key` instance secret): the membership
    /// number becomes [`erased_number_placeholder`] of it.
    pub number_key: String,
}

/// What an erasure removed, in counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ErasureReport {
    /// Sessions of the linked account ended.
    pub sessions: u64,
    /// API tokens of the linked account revoked.
    pub api_tokens: u64,
    /// Sign-in links deleted.
    pub sign_in_links: u64,
    /// Consent history entries deleted.
    pub consents: u64,
    /// Wall messages whose email address was removed.
    pub wall_emails: u64,
    /// The linked account, unlinked and disabled, if there was one.
    pub account: Option<UserId>,
}

impl ErasureReport {
    /// The detail of the erasure's audit entry: the reason given and the counts, never
    /// anything that says who the member was.
    pub fn audit_detail(&self, reason: &str) -> String {
        format!(
            "reason: {reason}; removed {} sign-in links, {} consent entries, {} sessions, {} API \
             tokens, {} wall addresses{}",
            self.sign_in_links,
            self.consents,
            self.sessions,
            self.api_tokens,
            self.wall_emails,
            self.account
                .map(|u| format!("; account user:{u} unlinked"))
                .unwrap_or_default()
        )
    }
}

/// The instance secret that keys the hash an erased membership number is replaced by (the
/// same key the web layer's keyed hashes use).
pub const NUMBER_KEY_SECRET: &str = "ip-hash-key";

/// What an erased record's membership number becomes: `ERASED-` and the first 24 hex digits
/// of SHA-256 over the key, the branch and the number. The number is gone, but an import of
/// the same number into the same branch can be recognised (and refused).
pub fn erased_number_placeholder(key: &str, branch: BranchId, number: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = hex::encode(Sha256::digest(
        format!(
            "{key}:member-number:{}:{}",
            branch.0,
            number.to_ascii_uppercase()
        )
        .as_bytes(),
    ));
    format!("ERASED-{}", digest[..24].to_ascii_uppercase())
}

/// Reading a member's own access to their record.
#[async_trait]
pub trait MemberDataStore: Send + Sync {
    /// The member of `branch` (not erased) whose email is `email`, ignoring case: their id
    /// and the address as the record holds it (where a link is sent).
    async fn member_for_sign_in(
        &self,
        branch: BranchId,
        email: &Email,
    ) -> StoreResult<Option<(MemberId, String)>>;
    /// The branch and state of the link with this token hash; an unknown hash is
    /// [`StoreError::NotFound`].
    async fn magic_link_state(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<(BranchId, LinkState)>;
    /// The branch and state of the email change link with this token hash; an unknown hash
    /// is [`StoreError::NotFound`].
    async fn email_change_state(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<(BranchId, LinkState)>;
    /// The member's newest change of address still waiting for its link at `now`, if any.
    async fn pending_email_change(
        &self,
        branch: BranchId,
        member: MemberId,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<PendingEmailChange>>;
    /// A member's consent history, oldest first.
    async fn consent_history(
        &self,
        branch: BranchId,
        member: MemberId,
    ) -> StoreResult<Vec<ConsentRecord>>;
    /// Everything held about a member beyond their record (see [`SubjectRecords`]); a member
    /// of another branch is [`StoreError::NotFound`].
    async fn subject_records(
        &self,
        branch: BranchId,
        member: MemberId,
    ) -> StoreResult<SubjectRecords>;
}

/// Changing a member's own access, within a [`UnitOfWork`](crate::UnitOfWork). The branch
/// (and, for a member's own corrections, their account) is checked in each statement: a
/// record of another branch or member is [`StoreError::NotFound`].
#[async_trait]
pub trait MemberDataWrites: Send {
    /// Stores a sign-in link for a member of the branch who is not erased; returns its id.
    /// The email carrying it is queued with [`UnitOfWork::enqueue_email`](crate::UnitOfWork).
    async fn create_magic_link(&mut self, link: &NewMagicLink) -> StoreResult<MagicLinkId>;
    /// Uses a sign-in link of the branch: marks it used (once only, before it expires), finds
    /// or creates the passwordless account for the member's email, gives it the member role
    /// in the branch if it has no role there, links the member record to it, and stores a
    /// session under `session_hash` until `session_expires` (not for an account with a
    /// password). An unknown hash, or one of another branch, is [`StoreError::NotFound`].
    async fn use_magic_link(
        &mut self,
        branch: BranchId,
        token_hash: &str,
        now: DateTime<Utc>,
        session_hash: &str,
        session_expires: DateTime<Utc>,
    ) -> StoreResult<LinkUse>;
    /// Saves a member's corrections to their own record: email, phone and contact choices;
    /// a change of choices is added to the consent history, and the linked passwordless
    /// account follows a new email. Only the account `user` linked to the record may: any
    /// other account, or a record of another branch, is [`StoreError::NotFound`]. A taken
    /// account email is [`StoreError::Conflict`]`("email")`.
    async fn update_own_details(
        &mut self,
        branch: BranchId,
        member: MemberId,
        user: UserId,
        details: &OwnDetails,
    ) -> StoreResult<()>;
    /// Stores a member's change of their own address, waiting for its link; any earlier
    /// change of theirs not yet confirmed is dropped (its link stops working). Only the
    /// account linked to the record may: another account, an erased record or one of another
    /// branch is [`StoreError::NotFound`]. The email carrying the link is queued with
    /// [`UnitOfWork::enqueue_email`](crate::UnitOfWork) in the same unit.
    async fn request_email_change(&mut self, change: &NewEmailChange) -> StoreResult<()>;
    /// Uses an email change link: marks it used (once only, before it expires) and puts its
    /// address on the record; the passwordless account linked to the record follows. An
    /// unknown hash, or a record erased since, is [`StoreError::NotFound`]; an address
    /// another account uses is [`StoreError::Conflict`]`("email")`.
    async fn confirm_email_change(
        &mut self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<EmailChangeUse>;
    /// Erases a member's personal data (see `docs/SECURITY.md`). The row stays, with
    /// `erased_at` set, so counts stay right. An erased or unknown member, or one of another
    /// branch, is [`StoreError::NotFound`]. The caller writes the audit entry
    /// ([`ErasureReport::audit_detail`]) in the same unit.
    async fn erase_member(
        &mut self,
        branch: BranchId,
        erasure: &Erasure,
    ) -> StoreResult<ErasureReport>;
}
