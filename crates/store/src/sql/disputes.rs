//! Disputes, their parties, claims, timeline and impact rates. Ballots and periods of action
//! are in [`super::ballots`].

use super::decode::{count32, date, found_id, is_set, named, opt_date, parsed};
use super::{from_secs, to_secs, SqlStore, SqlWork};
use crate::dispute_edits::Participation;
use crate::disputes::{ActionPeriod, Ballot, BallotResult, BallotStep, NewActionPeriod};
use crate::disputes::{
    Claim, Dispute, DisputeStore, DisputeWrites, ImpactRate, NewClaim, NewDispute, NewParty,
    NewTimelineEvent, Party, TimelineEvent,
};
use crate::disputes::{NewBallot, SurveyQuestion};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{NaiveDate, Utc};
use picket_domain::disputes::{ClaimKind, ClaimStatus, DisputeStatus, EventKind, Named, PartyKind};
use picket_domain::{
    BallotId, BallotStepId, BranchId, ClaimId, DisputeId, Nation, ParticipationId, PartyId,
    PeriodId, QuestionId, RateId, TimelineEntryId,
};
use sqlx::any::AnyRow;
use sqlx::{Any, Row};

const DISPUTE: &str =
    "id, branch_id, title, employer, nation, status, summary, created_at, updated_at";

fn dispute_row(row: &AnyRow) -> StoreResult<Dispute> {
    Ok(Dispute {
        id: DisputeId(row.try_get("id")?),
        branch_id: BranchId(row.try_get("branch_id")?),
        title: row.try_get("title")?,
        employer: row.try_get("employer")?,
        nation: parsed::<Nation>(row, "nation")?,
        status: named::<DisputeStatus>(row, "status")?,
        summary: row.try_get("summary")?,
        created_at: from_secs(row.try_get("created_at")?),
        updated_at: from_secs(row.try_get("updated_at")?),
    })
}

/// One dispute of the branch, read on the pool or within a unit.
async fn dispute_on<'e, E: sqlx::Executor<'e, Database = Any>>(
    ex: E,
    branch: BranchId,
    id: DisputeId,
) -> StoreResult<Dispute> {
    let row = sqlx::query(&format!(
        "SELECT {DISPUTE} FROM disputes WHERE branch_id = $1 AND id = $2"
    ))
    .bind(branch.0)
    .bind(id.0)
    .fetch_optional(ex)
    .await?
    .ok_or(StoreError::NotFound)?;
    dispute_row(&row)
}

#[async_trait]
impl DisputeWrites for SqlWork {
    async fn create_dispute(&mut self, branch: BranchId, new: &NewDispute) -> StoreResult<Dispute> {
        let now = to_secs(Utc::now());
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO disputes (branch_id, title, employer, nation, status, summary, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(branch.0)
        .bind(&new.title)
        .bind(&new.employer)
        .bind(new.nation.as_str())
        .bind(new.status.as_str())
        .bind(&new.summary)
        .bind(now)
        .fetch_one(self.conn())
        .await?;
        dispute_on(self.conn(), branch, DisputeId(id)).await
    }

    async fn update_dispute(
        &mut self,
        branch: BranchId,
        id: DisputeId,
        new: &NewDispute,
    ) -> StoreResult<Dispute> {
        let done = sqlx::query(
            "UPDATE disputes SET title = $1, employer = $2, nation = $3, status = $4, summary = $5, \
             updated_at = $6 WHERE branch_id = $7 AND id = $8",
        )
        .bind(&new.title)
        .bind(&new.employer)
        .bind(new.nation.as_str())
        .bind(new.status.as_str())
        .bind(&new.summary)
        .bind(to_secs(Utc::now()))
        .bind(branch.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        super::found(&done)?;
        dispute_on(self.conn(), branch, id).await
    }

    async fn add_party(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        new: &NewParty,
    ) -> StoreResult<PartyId> {
        let id = sqlx::query_scalar(
            "INSERT INTO dispute_parties (branch_id, dispute_id, kind, name, detail, email, address, headcount) \
             SELECT branch_id, id, $3, $4, $5, $6, $7, $8 FROM disputes WHERE branch_id = $1 AND id = $2 \
             RETURNING id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(new.kind.as_str())
        .bind(&new.name)
        .bind(&new.detail)
        .bind(new.email.as_deref())
        .bind(new.address.as_deref())
        .bind(new.headcount.map(i64::from))
        .fetch_optional(self.conn())
        .await?;
        found_id(id, PartyId)
    }

    async fn add_claim(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        new: &NewClaim,
    ) -> StoreResult<ClaimId> {
        let id = sqlx::query_scalar(
            "INSERT INTO dispute_claims (branch_id, dispute_id, kind, dated, summary, status) \
             SELECT branch_id, id, $3, $4, $5, $6 FROM disputes WHERE branch_id = $1 AND id = $2 \
             RETURNING id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(new.kind.as_str())
        .bind(new.dated.to_string())
        .bind(&new.summary)
        .bind(new.status.as_str())
        .fetch_optional(self.conn())
        .await?;
        found_id(id, ClaimId)
    }

    async fn set_claim_status(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        claim: ClaimId,
        status: ClaimStatus,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE dispute_claims SET status = $1 \
             WHERE branch_id = $2 AND dispute_id = $3 AND id = $4",
        )
        .bind(status.as_str())
        .bind(branch.0)
        .bind(dispute.0)
        .bind(claim.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    async fn add_event(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        new: &NewTimelineEvent,
    ) -> StoreResult<TimelineEntryId> {
        let id = sqlx::query_scalar(
            "INSERT INTO dispute_events (branch_id, dispute_id, dated, kind, title, outcome, public) \
             SELECT branch_id, id, $3, $4, $5, $6, $7 FROM disputes WHERE branch_id = $1 AND id = $2 \
             RETURNING id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(new.dated.to_string())
        .bind(new.kind.as_str())
        .bind(&new.title)
        .bind(&new.outcome)
        .bind(i64::from(new.public))
        .fetch_optional(self.conn())
        .await?;
        found_id(id, TimelineEntryId)
    }

    async fn update_event(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        event: TimelineEntryId,
        new: &NewTimelineEvent,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE dispute_events SET dated = $1, kind = $2, title = $3, outcome = $4, public = $5 \
             WHERE branch_id = $6 AND dispute_id = $7 AND id = $8",
        )
        .bind(new.dated.to_string())
        .bind(new.kind.as_str())
        .bind(&new.title)
        .bind(&new.outcome)
        .bind(i64::from(new.public))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(event.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    async fn add_rate(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        label: &str,
        per_worker_day_hundredths: i64,
    ) -> StoreResult<RateId> {
        let id = sqlx::query_scalar(
            "INSERT INTO dispute_rates (branch_id, dispute_id, label, per_worker_day_hundredths) \
             SELECT branch_id, id, $3, $4 FROM disputes WHERE branch_id = $1 AND id = $2 \
             RETURNING id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(label)
        .bind(per_worker_day_hundredths)
        .fetch_optional(self.conn())
        .await?;
        found_id(id, RateId)
    }

    async fn create_ballot(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        new: &NewBallot,
    ) -> StoreResult<Ballot> {
        super::ballots::create_ballot(self.conn(), branch, dispute, new).await
    }

    async fn record_ballot_result(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        ballot: BallotId,
        result: BallotResult,
        result_to_employer: Option<NaiveDate>,
    ) -> StoreResult<Ballot> {
        super::ballots::record_result(
            self.conn(),
            branch,
            dispute,
            ballot,
            result,
            result_to_employer,
        )
        .await
    }

    async fn add_question(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        ballot: BallotId,
        question: &str,
        answer: &str,
        percent_hundredths: i64,
    ) -> StoreResult<QuestionId> {
        let id = sqlx::query_scalar(
            "INSERT INTO ballot_questions (branch_id, ballot_id, question, answer, percent_hundredths) \
             SELECT branch_id, id, $4, $5, $6 FROM ballots \
             WHERE branch_id = $1 AND dispute_id = $2 AND id = $3 RETURNING id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(ballot.0)
        .bind(question)
        .bind(answer)
        .bind(percent_hundredths)
        .fetch_optional(self.conn())
        .await?;
        found_id(id, QuestionId)
    }

    async fn mark_step(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        step: BallotStepId,
        done: Option<NaiveDate>,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE ballot_steps SET done = $1 WHERE branch_id = $2 AND id = $3 AND ballot_id IN \
             (SELECT id FROM ballots WHERE branch_id = $2 AND dispute_id = $4)",
        )
        .bind(done.map(|d| d.to_string()))
        .bind(branch.0)
        .bind(step.0)
        .bind(dispute.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    async fn create_action_period(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        new: &NewActionPeriod,
    ) -> StoreResult<ActionPeriod> {
        super::ballots::create_action_period(self.conn(), branch, dispute, new).await
    }

    async fn set_period_holidays(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        period: PeriodId,
        holidays: &[NaiveDate],
    ) -> StoreResult<()> {
        let list: Vec<String> = holidays.iter().map(|d| d.to_string()).collect();
        let done = sqlx::query(
            "UPDATE action_periods SET holidays_as_strike = $1, published_despite = NULL, \
             published_at = NULL, published_by = NULL WHERE branch_id = $2 AND dispute_id = $3 AND id = $4",
        )
        .bind(list.join(","))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(period.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }
}

#[async_trait]
impl DisputeStore for SqlStore {
    async fn disputes(&self, branch: BranchId) -> StoreResult<Vec<Dispute>> {
        let rows = sqlx::query(&format!(
            "SELECT {DISPUTE} FROM disputes WHERE branch_id = $1 ORDER BY id DESC"
        ))
        .bind(branch.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(dispute_row).collect()
    }

    async fn dispute(&self, branch: BranchId, id: DisputeId) -> StoreResult<Dispute> {
        dispute_on(self.pool(), branch, id).await
    }

    async fn parties(&self, branch: BranchId, dispute: DisputeId) -> StoreResult<Vec<Party>> {
        let rows = sqlx::query(
            "SELECT id, dispute_id, kind, name, detail, email, address, headcount FROM dispute_parties \
             WHERE branch_id = $1 AND dispute_id = $2 ORDER BY kind, id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Party {
                    id: PartyId(row.try_get("id")?),
                    dispute_id: DisputeId(row.try_get("dispute_id")?),
                    kind: named::<PartyKind>(row, "kind")?,
                    name: row.try_get("name")?,
                    detail: row.try_get("detail")?,
                    email: row.try_get("email")?,
                    address: row.try_get("address")?,
                    headcount: row
                        .try_get::<Option<i64>, _>("headcount")?
                        .and_then(|n| u32::try_from(n).ok()),
                })
            })
            .collect()
    }

    async fn claims(&self, branch: BranchId, dispute: DisputeId) -> StoreResult<Vec<Claim>> {
        let rows = sqlx::query(
            "SELECT id, dispute_id, kind, dated, summary, status FROM dispute_claims \
             WHERE branch_id = $1 AND dispute_id = $2 ORDER BY dated, id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Claim {
                    id: ClaimId(row.try_get("id")?),
                    dispute_id: DisputeId(row.try_get("dispute_id")?),
                    kind: named::<ClaimKind>(row, "kind")?,
                    dated: date(row, "dated")?,
                    summary: row.try_get("summary")?,
                    status: named::<ClaimStatus>(row, "status")?,
                })
            })
            .collect()
    }

    async fn timeline(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        public_only: bool,
    ) -> StoreResult<Vec<TimelineEvent>> {
        let rows = sqlx::query(
            "SELECT id, dispute_id, dated, kind, title, outcome, public FROM dispute_events \
             WHERE branch_id = $1 AND dispute_id = $2 AND public >= $3 ORDER BY dated, id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(i64::from(public_only))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(TimelineEvent {
                    id: TimelineEntryId(row.try_get("id")?),
                    dispute_id: DisputeId(row.try_get("dispute_id")?),
                    dated: date(row, "dated")?,
                    kind: named::<EventKind>(row, "kind")?,
                    title: row.try_get("title")?,
                    outcome: row.try_get("outcome")?,
                    public: is_set(row, "public")?,
                })
            })
            .collect()
    }

    async fn rates(&self, branch: BranchId, dispute: DisputeId) -> StoreResult<Vec<ImpactRate>> {
        let rows = sqlx::query(
            "SELECT id, dispute_id, label, per_worker_day_hundredths FROM dispute_rates \
             WHERE branch_id = $1 AND dispute_id = $2 ORDER BY id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ImpactRate {
                    id: RateId(row.try_get("id")?),
                    dispute_id: DisputeId(row.try_get("dispute_id")?),
                    label: row.try_get("label")?,
                    per_worker_day_hundredths: row.try_get("per_worker_day_hundredths")?,
                })
            })
            .collect()
    }

    async fn ballots(&self, branch: BranchId, dispute: DisputeId) -> StoreResult<Vec<Ballot>> {
        super::ballots::ballots(self, branch, dispute).await
    }

    async fn ballot(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        id: BallotId,
    ) -> StoreResult<Ballot> {
        super::ballots::ballot_on(self.pool(), branch, dispute, id).await
    }

    async fn questions(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        ballot: BallotId,
    ) -> StoreResult<Vec<SurveyQuestion>> {
        super::ballots::questions(self, branch, dispute, ballot).await
    }

    async fn steps(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        ballot: BallotId,
    ) -> StoreResult<Vec<BallotStep>> {
        super::ballots::steps(self, branch, dispute, ballot).await
    }

    async fn action_periods(
        &self,
        branch: BranchId,
        dispute: DisputeId,
    ) -> StoreResult<Vec<ActionPeriod>> {
        super::ballots::action_periods(self, branch, dispute).await
    }

    async fn action_period(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        id: PeriodId,
    ) -> StoreResult<ActionPeriod> {
        super::ballots::period_on(self.pool(), branch, dispute, id).await
    }

    async fn participation(
        &self,
        branch: BranchId,
        dispute: DisputeId,
    ) -> StoreResult<Vec<Participation>> {
        let rows = sqlx::query(
            "SELECT id, dispute_id, period_id, day, took_part, entered_at FROM action_participation \
             WHERE branch_id = $1 AND dispute_id = $2 ORDER BY period_id, day IS NOT NULL, day, id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Participation {
                    id: ParticipationId(row.try_get("id")?),
                    dispute_id: DisputeId(row.try_get("dispute_id")?),
                    period_id: PeriodId(row.try_get("period_id")?),
                    day: opt_date(row, "day")?,
                    took_part: count32(row, "took_part")?,
                    entered_at: from_secs(row.try_get("entered_at")?),
                })
            })
            .collect()
    }

    async fn ballot_dispute(&self, branch: BranchId, ballot: BallotId) -> StoreResult<DisputeId> {
        let id: Option<i64> =
            sqlx::query_scalar("SELECT dispute_id FROM ballots WHERE branch_id = $1 AND id = $2")
                .bind(branch.0)
                .bind(ballot.0)
                .fetch_optional(self.pool())
                .await?;
        found_id(id, DisputeId)
    }

    async fn step_dispute(&self, branch: BranchId, step: BallotStepId) -> StoreResult<DisputeId> {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT b.dispute_id FROM ballot_steps s \
             JOIN ballots b ON b.branch_id = s.branch_id AND b.id = s.ballot_id \
             WHERE s.branch_id = $1 AND s.id = $2",
        )
        .bind(branch.0)
        .bind(step.0)
        .fetch_optional(self.pool())
        .await?;
        found_id(id, DisputeId)
    }
}
