//! Editing and deleting a dispute's records (parties, claims and offers, timeline entries,
//! impact rates, ballots, survey questions and periods of action), and the participation
//! records of its periods of action.
//!
//! Every method takes the branch and the dispute: a record of another dispute or branch is
//! [`StoreError::NotFound`](crate::StoreError::NotFound), and nothing is changed.

use crate::disputes::{ActionPeriod, Ballot, NewActionPeriod, NewBallot, NewClaim, NewParty};
use crate::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use picket_domain::BranchId;
use serde::Serialize;

/// How many members took part in a period of action, on one day or over the whole period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Participation {
    /// Its id.
    pub id: i64,
    /// Its dispute.
    pub dispute_id: i64,
    /// Its period of action.
    pub period_id: i64,
    /// The strike day, or `None` for the whole period.
    pub day: Option<NaiveDate>,
    /// How many members took part.
    pub took_part: u32,
    /// When it was entered.
    pub entered_at: DateTime<Utc>,
}

/// Edits and deletions of a dispute's records.
#[async_trait]
pub trait DisputeEditStore: Send + Sync {
    /// Replaces a decision-maker's or team's values.
    async fn update_party(
        &self,
        branch: BranchId,
        dispute: i64,
        id: i64,
        new: &NewParty,
    ) -> StoreResult<()>;
    /// Deletes a decision-maker or team.
    async fn delete_party(&self, branch: BranchId, dispute: i64, id: i64) -> StoreResult<()>;
    /// Replaces a claim's or offer's values.
    async fn update_claim(
        &self,
        branch: BranchId,
        dispute: i64,
        id: i64,
        new: &NewClaim,
    ) -> StoreResult<()>;
    /// Deletes a claim or offer.
    async fn delete_claim(&self, branch: BranchId, dispute: i64, id: i64) -> StoreResult<()>;
    /// Deletes a timeline entry.
    async fn delete_event(&self, branch: BranchId, dispute: i64, id: i64) -> StoreResult<()>;
    /// Replaces an impact rate.
    async fn update_rate(
        &self,
        branch: BranchId,
        dispute: i64,
        id: i64,
        label: &str,
        per_worker_day_hundredths: i64,
    ) -> StoreResult<()>;
    /// Deletes an impact rate.
    async fn delete_rate(&self, branch: BranchId, dispute: i64, id: i64) -> StoreResult<()>;
    /// Replaces a ballot's values and its steps checklist; a step keeps its done date when a
    /// step of the same name is in the new list.
    async fn update_ballot(
        &self,
        branch: BranchId,
        dispute: i64,
        id: i64,
        new: &NewBallot,
    ) -> StoreResult<Ballot>;
    /// Deletes a ballot with its steps and questions; periods that named it fall back to the
    /// latest ballot with a result.
    async fn delete_ballot(&self, branch: BranchId, dispute: i64, id: i64) -> StoreResult<()>;
    /// Deletes a survey question of one of the dispute's ballots.
    async fn delete_question(&self, branch: BranchId, dispute: i64, id: i64) -> StoreResult<()>;
    /// Replaces a period of action's values.
    async fn update_period(
        &self,
        branch: BranchId,
        dispute: i64,
        id: i64,
        new: &NewActionPeriod,
    ) -> StoreResult<ActionPeriod>;
    /// Deletes a period of action with its participation records.
    async fn delete_period(&self, branch: BranchId, dispute: i64, id: i64) -> StoreResult<()>;
    /// Records how many took part in a period on a day (or over the whole period, `day`
    /// `None`), replacing an earlier record for the same day; returns its id.
    async fn record_participation(
        &self,
        branch: BranchId,
        dispute: i64,
        period: i64,
        day: Option<NaiveDate>,
        took_part: u32,
        entered_by: Option<i64>,
    ) -> StoreResult<i64>;
    /// The dispute's participation records, by period and day (whole-period records first).
    async fn participation(
        &self,
        branch: BranchId,
        dispute: i64,
    ) -> StoreResult<Vec<Participation>>;
    /// Deletes a participation record.
    async fn delete_participation(
        &self,
        branch: BranchId,
        dispute: i64,
        id: i64,
    ) -> StoreResult<()>;
}
