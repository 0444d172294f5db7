//! Editing and deleting a dispute's records (parties, claims and offers, timeline entries,
//! impact rates, ballots, survey questions and periods of action), and the participation
//! records of its periods of action.
//!
//! Every method takes the branch and the dispute, checked in the statement itself: a record
//! of another dispute or branch is [`StoreError::NotFound`](crate::StoreError::NotFound), and
//! nothing is changed.

use crate::disputes::{ActionPeriod, Ballot, NewActionPeriod, NewBallot, NewClaim, NewParty};
use crate::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use picket_domain::{
    BallotId, BranchId, ClaimId, DisputeId, ParticipationId, PartyId, PeriodId, QuestionId, RateId,
    TimelineEntryId, UserId,
};
use serde::Serialize;

/// How many members took part in a period of action, on one day or over the whole period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Participation {
    /// Its id.
    pub id: ParticipationId,
    /// Its dispute.
    pub dispute_id: DisputeId,
    /// Its period of action.
    pub period_id: PeriodId,
    /// The strike day, or `None` for the whole period.
    pub day: Option<NaiveDate>,
    /// How many members took part.
    pub took_part: u32,
    /// When it was entered.
    pub entered_at: DateTime<Utc>,
}

/// Edits and deletions of a dispute's records, and participation records, within a
/// [`UnitOfWork`](crate::UnitOfWork). (Participation is read with
/// [`DisputeStore::participation`](crate::DisputeStore::participation).)
#[async_trait]
pub trait DisputeEditWrites: Send {
    /// Replaces a decision-maker's or team's values.
    async fn update_party(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PartyId,
        new: &NewParty,
    ) -> StoreResult<()>;
    /// Deletes a decision-maker or team.
    async fn delete_party(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PartyId,
    ) -> StoreResult<()>;
    /// Replaces a claim's or offer's values.
    async fn update_claim(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: ClaimId,
        new: &NewClaim,
    ) -> StoreResult<()>;
    /// Deletes a claim or offer.
    async fn delete_claim(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: ClaimId,
    ) -> StoreResult<()>;
    /// Deletes a timeline entry.
    async fn delete_event(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: TimelineEntryId,
    ) -> StoreResult<()>;
    /// Replaces an impact rate.
    async fn update_rate(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: RateId,
        label: &str,
        per_worker_day_hundredths: i64,
    ) -> StoreResult<()>;
    /// Deletes an impact rate.
    async fn delete_rate(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: RateId,
    ) -> StoreResult<()>;
    /// Replaces a ballot's values and its steps checklist; a step keeps its done date when a
    /// step of the same name is in the new list.
    async fn update_ballot(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: BallotId,
        new: &NewBallot,
    ) -> StoreResult<Ballot>;
    /// Deletes a ballot with its steps and questions; periods that named it fall back to the
    /// latest ballot with a result.
    async fn delete_ballot(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: BallotId,
    ) -> StoreResult<()>;
    /// Deletes a survey question of one of the dispute's ballots.
    async fn delete_question(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: QuestionId,
    ) -> StoreResult<()>;
    /// Replaces a period of action's values; the ballot it names must be the dispute's.
    async fn update_period(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PeriodId,
        new: &NewActionPeriod,
    ) -> StoreResult<ActionPeriod>;
    /// Shows a period of action publicly despite the law checks' warnings `despite` (their
    /// codes), confirmed by `by` at `at`; replaces an earlier confirmation.
    async fn publish_period(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PeriodId,
        despite: &[String],
        by: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Takes back a confirmation: the period is public again only if it has no warnings.
    async fn withdraw_period(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PeriodId,
    ) -> StoreResult<()>;
    /// Deletes a period of action with its participation records.
    async fn delete_period(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PeriodId,
    ) -> StoreResult<()>;
    /// Records how many took part in a period on a day (or over the whole period, `day`
    /// `None`), replacing an earlier record for the same day; returns its id.
    async fn record_participation(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        period: PeriodId,
        day: Option<NaiveDate>,
        took_part: u32,
        entered_by: Option<UserId>,
    ) -> StoreResult<ParticipationId>;
    /// Deletes a participation record.
    async fn delete_participation(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: ParticipationId,
    ) -> StoreResult<()>;
}
