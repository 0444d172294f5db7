//! The solidarity wall's storage: posts, the moderation queue, and the counts behind the
//! spam defences.

use crate::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use picket_domain::wall::{Pledge, SenderKind, WallPost};
use picket_domain::{BranchId, UserId, WallMessageId};
use serde::Serialize;

/// Where a post stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WallStatus {
    /// Waiting for a moderator.
    Pending,
    /// Shown on the wall.
    Approved,
    /// Not shown; purged after the retention period.
    Rejected,
    /// Not shown; purged after the retention period.
    Spam,
}

impl WallStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            WallStatus::Pending => "pending",
            WallStatus::Approved => "approved",
            WallStatus::Rejected => "rejected",
            WallStatus::Spam => "spam",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<WallStatus> {
        [
            WallStatus::Pending,
            WallStatus::Approved,
            WallStatus::Rejected,
            WallStatus::Spam,
        ]
        .into_iter()
        .find(|w| w.as_str() == s)
    }
}

/// A stored post. `email` is for moderators and follow-up only: never on a public page,
/// feed or API response.
#[derive(Clone, PartialEq, Eq)]
pub struct WallMessage {
    /// Its id.
    pub id: WallMessageId,
    /// The branch whose wall it is on.
    pub branch_id: BranchId,
    /// The poster's name.
    pub name: String,
    /// Their organisation.
    pub organisation: Option<String>,
    /// Who they are.
    pub kind: SenderKind,
    /// The message as shown (after any typo correction).
    pub message: String,
    /// The message as first posted, when a moderator corrected it.
    pub original: Option<String>,
    /// The poster's email (never public).
    pub email: Option<String>,
    /// Whether they agreed to be contacted about their pledge.
    pub consent: bool,
    /// Their pledge.
    pub pledge: Option<Pledge>,
    /// Where it stands.
    pub status: WallStatus,
    /// Shown at the top.
    pub featured: bool,
    /// When it was posted.
    pub created_at: DateTime<Utc>,
    /// When it was last moderated.
    pub moderated_at: Option<DateTime<Utc>>,
    /// When an organiser followed up the pledge.
    pub followed_up_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for WallMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WallMessage")
            .field("id", &self.id)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// A post to store.
#[derive(Debug, Clone)]
pub struct NewWallMessage {
    /// The wall.
    pub branch: BranchId,
    /// The validated post.
    pub post: WallPost,
    /// Its duplicate key (`picket_domain::wall::duplicate_key`).
    pub content_key: String,
    /// A keyed hash of the poster's address, for rate limits.
    pub ip_hash: String,
    /// `Pending`, or `Spam` for a post the defences caught.
    pub status: WallStatus,
}

/// What a moderator does to a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Moderation {
    /// Show it.
    Approve,
    /// Do not show it.
    Reject,
    /// Mark it spam.
    Spam,
    /// Pin it to the top (or unpin).
    Feature(bool),
    /// Correct an obvious typo; the first text is kept.
    Edit(String),
}

/// Which posts to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct WallFilter {
    /// Only this status (None: all).
    pub status: Option<WallStatus>,
    /// Only this kind of sender.
    pub kind: Option<SenderKind>,
}

/// Posts per status on one wall.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct WallCounts {
    /// Waiting.
    pub pending: u64,
    /// Shown.
    pub approved: u64,
    /// Rejected.
    pub rejected: u64,
    /// Spam.
    pub spam: u64,
}

/// The limits a post must pass, checked in the same write transaction that stores it, so a
/// parallel burst cannot pass them all by reading the counts before any of them is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WallPostLimits {
    /// At most this many posts from one hashed address (on any wall, of any status) since
    /// the instant given; `None`: no limit.
    pub per_address: Option<(u64, DateTime<Utc>)>,
    /// Refuse the same words (the same `content_key`) on this wall since this instant;
    /// `None`: do not look (spam is stored whatever it repeats).
    pub duplicates_since: Option<DateTime<Utc>>,
}

impl WallPostLimits {
    /// No limit at all: for demo data and tests that set up a wall.
    pub const NONE: WallPostLimits = WallPostLimits {
        per_address: None,
        duplicates_since: None,
    };
}

/// What became of a post given to [`WallWrites::submit_wall_message`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WallSubmitted {
    /// Stored, with this id.
    Stored(WallMessageId),
    /// Not stored: `recent` posts from this address already, the most allowed.
    TooManyFromAddress {
        /// Posts counted in the window.
        recent: u64,
    },
    /// Not stored: the same words are already on this wall within the window.
    Duplicate,
}

impl WallSubmitted {
    /// The new post's id, when it was stored.
    pub fn id(self) -> Option<WallMessageId> {
        match self {
            WallSubmitted::Stored(id) => Some(id),
            _ => None,
        }
    }
}

/// A moderator's decision as applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moderated {
    /// Where the post stood before the decision.
    pub before: WallStatus,
    /// The post as it now stands.
    pub message: WallMessage,
}

impl Moderated {
    /// Whether this decision put the post on the wall (it was not there before).
    pub fn newly_approved(&self) -> bool {
        self.before != WallStatus::Approved && self.message.status == WallStatus::Approved
    }
}

/// Reading the solidarity wall.
#[async_trait]
pub trait WallStore: Send + Sync {
    /// A page of posts, featured first then newest first.
    async fn wall_messages(
        &self,
        branch: BranchId,
        filter: WallFilter,
        page: PageRequest,
    ) -> StoreResult<Page<WallMessage>>;
    /// The newest approved posts (by posting order, featured or not), at most `limit`: what
    /// the wall's feed carries.
    async fn newest_approved_wall(
        &self,
        branch: BranchId,
        limit: u32,
    ) -> StoreResult<Vec<WallMessage>>;
    /// One post on this wall.
    async fn wall_message(&self, branch: BranchId, id: WallMessageId) -> StoreResult<WallMessage>;
    /// Posts per status.
    async fn wall_counts(&self, branch: BranchId) -> StoreResult<WallCounts>;
    /// Posts with a pledge that are not rejected or spam, oldest first; `open_only` leaves out
    /// those already followed up.
    async fn wall_pledges(
        &self,
        branch: BranchId,
        open_only: bool,
        page: PageRequest,
    ) -> StoreResult<Page<WallMessage>>;
}

/// Changing the solidarity wall, within a [`UnitOfWork`](crate::UnitOfWork). The wall is
/// checked in each statement: a post of another branch is
/// [`StoreError::NotFound`](crate::StoreError::NotFound).
#[async_trait]
pub trait WallWrites: Send {
    /// Checks `limits` and stores the post in the unit: the limits are counted inside its
    /// transaction, so two posts sent at the same moment are counted one after the other
    /// and no burst gets past a limit. A refused post writes nothing.
    async fn submit_wall_message(
        &mut self,
        message: NewWallMessage,
        limits: WallPostLimits,
    ) -> StoreResult<WallSubmitted>;
    /// Applies a moderator's decision; returns where the post stood before and where it
    /// stands now. Two moderators deciding at once are applied one after the other, so only
    /// one of them sees the post newly approved.
    async fn moderate_wall_message(
        &mut self,
        branch: BranchId,
        id: WallMessageId,
        action: &Moderation,
        moderator: UserId,
    ) -> StoreResult<Moderated>;
    /// Marks a pledge followed up (or not) by `user`.
    async fn set_followed_up(
        &mut self,
        branch: BranchId,
        id: WallMessageId,
        user: UserId,
        done: bool,
    ) -> StoreResult<()>;
    /// Sets when a message of the branch was posted, and (if it was moderated) that it was
    /// moderated `moderated_after` later: for a wall's earlier history brought in, such as
    /// the demo's. Unknown, or another branch's, is [`StoreError::NotFound`].
    async fn set_wall_message_posted(
        &mut self,
        branch: BranchId,
        id: WallMessageId,
        posted: DateTime<Utc>,
        moderated_after: chrono::Duration,
    ) -> StoreResult<()>;
}
