//! Participation per member: what each member called out did on each strike day, as reps
//! entered it and members declared it, with conflicts kept for a rep to settle; and the
//! employer's requests to release strikers for emergency cover.
//!
//! A status is refused for a member who is not in a team called out by the period (its
//! "teams called out" text, or else the dispute's teams: see
//! [`picket_domain::strike_days::team_called_out`]) and for a day outside the period.

use crate::StoreResult;
use async_trait::async_trait;
use chrono::NaiveDate;
use picket_domain::strike_days::{DayOutcome, DaySource, DayStatus};
use picket_domain::{BranchId, DisputeId, MemberId, PeriodId, ReleaseRequestId, UserId};
use serde::Serialize;

/// One status to record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayEntry {
    /// The member.
    pub member: MemberId,
    /// The strike day.
    pub day: NaiveDate,
    /// What they did.
    pub status: DayStatus,
}

/// A member's strike day as it stands: every entry, and the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberDay {
    /// The member.
    pub member_id: MemberId,
    /// The day.
    pub day: NaiveDate,
    /// What a rep entered.
    pub rep: Option<DayStatus>,
    /// What the member declared.
    pub member: Option<DayStatus>,
    /// How a rep settled a conflict.
    pub settled: Option<DayStatus>,
    /// The day's status, or the conflict.
    pub outcome: DayOutcome,
}

/// A strike day's per-member records in a period, added up for the desk's striker-days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DayTally {
    /// The period of action.
    pub period_id: PeriodId,
    /// The strike day.
    pub day: NaiveDate,
    /// Members whose status that day is on strike (settled, or entered and not disputed).
    pub on_strike: u32,
    /// Members whose rep entry and own declaration differ, not yet settled.
    pub conflicts: u32,
}

/// Whether a release was granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReleaseDecision {
    /// Not decided yet.
    Pending,
    /// Granted: the member named was released.
    Granted,
    /// Refused.
    Refused,
}

impl ReleaseDecision {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseDecision::Pending => "pending",
            ReleaseDecision::Granted => "granted",
            ReleaseDecision::Refused => "refused",
        }
    }
}

/// An employer's request to release strikers for emergency cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReleaseRequest {
    /// Its id.
    pub id: ReleaseRequestId,
    /// The period of action.
    pub period_id: PeriodId,
    /// The strike day the cover is for.
    pub day: NaiveDate,
    /// Who asked (a manager's role or name, as the branch records it).
    pub asked_by: String,
    /// When they asked.
    pub asked_on: NaiveDate,
    /// What cover they asked for.
    pub cover: String,
    /// The branch's decision.
    pub decision: ReleaseDecision,
    /// Who decided.
    pub decided_by: Option<UserId>,
    /// The member released, when granted.
    pub released: Option<MemberId>,
}

/// A release request to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReleaseRequest {
    /// The strike day.
    pub day: NaiveDate,
    /// Who asked (checked text, one line).
    pub asked_by: String,
    /// When they asked.
    pub asked_on: NaiveDate,
    /// What cover (checked text).
    pub cover: String,
}

/// Reading participation per member. Another branch's or dispute's period is
/// [`StoreError::NotFound`](crate::StoreError::NotFound).
#[async_trait]
pub trait StrikeDayStore: Send + Sync {
    /// Every member day of a period with at least one entry, by day then member.
    async fn member_days(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        period: PeriodId,
    ) -> StoreResult<Vec<MemberDay>>;
    /// Every day of a dispute with per-member records, added up (by day, then period): how
    /// many members were on strike and how many days are in conflict. Counted in the
    /// database, so the desk never reads each record.
    async fn strike_day_tallies(
        &self,
        branch: BranchId,
        dispute: DisputeId,
    ) -> StoreResult<Vec<DayTally>>;
    /// One member's days across all the branch's periods, by day.
    async fn days_of_member(
        &self,
        branch: BranchId,
        member: MemberId,
    ) -> StoreResult<Vec<MemberDay>>;
    /// A dispute's release requests, by day.
    async fn release_requests(
        &self,
        branch: BranchId,
        dispute: DisputeId,
    ) -> StoreResult<Vec<ReleaseRequest>>;
}

/// Recording participation per member, within a [`UnitOfWork`](crate::UnitOfWork).
#[async_trait]
pub trait StrikeDayWrites: Send {
    /// Records statuses from one source (a rep's grid, a member's declaration, a rep's
    /// settlement), replacing that source's earlier entry for the same member and day. All
    /// or nothing: a member not in a team called out, or a day outside the period, is
    /// [`StoreError::Refused`](crate::StoreError::Refused) and nothing is recorded.
    async fn record_strike_days(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        period: PeriodId,
        source: DaySource,
        entries: &[DayEntry],
        by: Option<UserId>,
    ) -> StoreResult<u64>;
    /// Records a release request, pending.
    async fn add_release_request(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        period: PeriodId,
        request: &NewReleaseRequest,
        by: Option<UserId>,
    ) -> StoreResult<ReleaseRequestId>;
    /// Decides a pending request. Granting names the member released, whose day is then
    /// settled as released (they must be called out, as for any status).
    async fn decide_release_request(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: ReleaseRequestId,
        grant: Option<MemberId>,
        by: Option<UserId>,
    ) -> StoreResult<()>;
}
