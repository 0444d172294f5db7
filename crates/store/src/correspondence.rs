//! The correspondence log: letters and emails to and from anyone a dispute concerns, with the
//! day a reply is due, and the reminder the organisers get once when it passes.

use crate::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use picket_domain::correspondence::{shown_status, LetterStatus, NewLetter, ShownStatus};
use picket_domain::{BranchId, DisputeId, LetterId, TimelineEntryId};
use serde::Serialize;

/// A letter in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Letter {
    /// Its id.
    pub id: LetterId,
    /// Its branch.
    pub branch_id: BranchId,
    /// Its dispute.
    pub dispute_id: DisputeId,
    /// What was recorded.
    #[serde(flatten)]
    pub letter: NewLetter,
    /// The public timeline entry it was put on, if it was.
    pub timeline_entry: Option<TimelineEntryId>,
    /// When the organisers were reminded that its reply is overdue, if they were.
    pub reminded_at: Option<DateTime<Utc>>,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

impl Letter {
    /// Where it stands on `today`: as recorded, or overdue.
    pub fn shown_status(&self, today: NaiveDate) -> ShownStatus {
        shown_status(self.letter.status, self.letter.reply_by, today)
    }
}

/// Reading the log.
#[async_trait]
pub trait CorrespondenceStore: Send + Sync {
    /// A dispute's letters, newest first.
    async fn letters(&self, branch: BranchId, dispute: DisputeId) -> StoreResult<Vec<Letter>>;
    /// One letter.
    async fn letter(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        id: LetterId,
    ) -> StoreResult<Letter>;
    /// The branch's letters still awaiting a reply after their reply-by date on `today`,
    /// longest overdue first: the desk's overdue list.
    async fn overdue_letters(&self, branch: BranchId, today: NaiveDate)
        -> StoreResult<Vec<Letter>>;
    /// Every branch's overdue letters whose organisers have not been reminded, for the
    /// reminder job.
    async fn letters_to_remind(&self, today: NaiveDate) -> StoreResult<Vec<Letter>>;
}

/// Changing the log, within a [`UnitOfWork`](crate::UnitOfWork).
#[async_trait]
pub trait CorrespondenceWrites: Send {
    /// Records a letter on a dispute.
    async fn add_letter(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        letter: &NewLetter,
    ) -> StoreResult<LetterId>;
    /// Replaces a letter's values. A new reply-by date means a new reminder when it passes.
    async fn update_letter(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: LetterId,
        letter: &NewLetter,
    ) -> StoreResult<()>;
    /// Changes where a letter stands.
    async fn set_letter_status(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: LetterId,
        status: LetterStatus,
    ) -> StoreResult<()>;
    /// Puts a letter on the dispute's public timeline (once: a second call returns the same
    /// entry).
    async fn put_letter_on_timeline(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: LetterId,
    ) -> StoreResult<TimelineEntryId>;
    /// Marks a letter's organisers reminded; `false` when they had been already (so a
    /// reminder is sent once however many jobs run).
    async fn mark_reminded(
        &mut self,
        branch: BranchId,
        id: LetterId,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
}
