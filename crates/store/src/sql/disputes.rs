//! Disputes, their parties, claims, timeline and impact rates.

use super::{corrupt, from_secs, to_secs, SqlStore};
use crate::disputes::{ActionPeriod, Ballot, BallotResult, BallotStep, NewActionPeriod};
use crate::disputes::{
    Claim, Dispute, DisputeStore, ImpactRate, NewClaim, NewDispute, NewParty, NewTimelineEvent,
    Party, TimelineEvent,
};
use crate::disputes::{NewBallot, SurveyQuestion};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{NaiveDate, Utc};
use picket_domain::disputes::{ClaimKind, ClaimStatus, DisputeStatus, EventKind, Named, PartyKind};
use picket_domain::{BranchId, Nation};
use sqlx::any::AnyRow;
use sqlx::{Any, Row};

const DISPUTE: &str =
    "id, branch_id, title, employer, nation, status, summary, created_at, updated_at";

/// Parses a stored name of a [`Named`] set.
pub(super) fn named<T: Named>(row: &AnyRow, column: &str) -> StoreResult<T> {
    let s: String = row.try_get(column)?;
    T::parse(&s).ok_or_else(|| corrupt(column, &s))
}

/// Parses a stored calendar date.
pub(super) fn date(row: &AnyRow, column: &str) -> StoreResult<NaiveDate> {
    let s: String = row.try_get(column)?;
    s.parse().map_err(|_| corrupt(column, &s))
}

/// Parses a stored calendar date that may be absent.
pub(super) fn opt_date(row: &AnyRow, column: &str) -> StoreResult<Option<NaiveDate>> {
    let s: Option<String> = row.try_get(column)?;
    s.map(|s| s.parse().map_err(|_| corrupt(column, &s)))
        .transpose()
}

/// Reads a stored count.
pub(super) fn count32(row: &AnyRow, column: &str) -> StoreResult<u32> {
    let n: i64 = row.try_get(column)?;
    u32::try_from(n).map_err(|_| corrupt(column, &n.to_string()))
}

fn dispute_row(row: &AnyRow) -> StoreResult<Dispute> {
    let nation: String = row.try_get("nation")?;
    Ok(Dispute {
        id: row.try_get("id")?,
        branch_id: BranchId(row.try_get("branch_id")?),
        title: row.try_get("title")?,
        employer: row.try_get("employer")?,
        nation: nation
            .parse::<Nation>()
            .map_err(|_| corrupt("nation", &nation))?,
        status: named::<DisputeStatus>(row, "status")?,
        summary: row.try_get("summary")?,
        created_at: from_secs(row.try_get("created_at")?),
        updated_at: from_secs(row.try_get("updated_at")?),
    })
}

/// Fails with `NotFound` unless the dispute belongs to the branch.
pub(super) async fn owned_dispute(
    conn: &mut sqlx::AnyConnection,
    branch: BranchId,
    dispute: i64,
) -> StoreResult<()> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM disputes WHERE branch_id = $1 AND id = $2")
            .bind(branch.0)
            .bind(dispute)
            .fetch_one(&mut *conn)
            .await?;
    if n == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

async fn commit_id(tx: sqlx::Transaction<'static, Any>, id: i64) -> StoreResult<i64> {
    tx.commit().await?;
    Ok(id)
}

#[async_trait]
impl DisputeStore for SqlStore {
    async fn create_dispute(&self, branch: BranchId, new: &NewDispute) -> StoreResult<Dispute> {
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
        .fetch_one(self.pool())
        .await?;
        self.dispute(branch, id).await
    }

    async fn update_dispute(
        &self,
        branch: BranchId,
        id: i64,
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
        .bind(id)
        .execute(self.pool())
        .await?;
        super::found(&done)?;
        self.dispute(branch, id).await
    }

    async fn disputes(&self, branch: BranchId) -> StoreResult<Vec<Dispute>> {
        let rows = sqlx::query(&format!(
            "SELECT {DISPUTE} FROM disputes WHERE branch_id = $1 ORDER BY id DESC"
        ))
        .bind(branch.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(dispute_row).collect()
    }

    async fn dispute(&self, branch: BranchId, id: i64) -> StoreResult<Dispute> {
        let row = sqlx::query(&format!(
            "SELECT {DISPUTE} FROM disputes WHERE branch_id = $1 AND id = $2"
        ))
        .bind(branch.0)
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        dispute_row(&row)
    }

    async fn add_party(&self, branch: BranchId, dispute: i64, new: &NewParty) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        owned_dispute(&mut tx, branch, dispute).await?;
        let id = sqlx::query_scalar(
            "INSERT INTO dispute_parties (branch_id, dispute_id, kind, name, detail, email, address, headcount) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(branch.0)
        .bind(dispute)
        .bind(new.kind.as_str())
        .bind(&new.name)
        .bind(&new.detail)
        .bind(new.email.as_deref())
        .bind(new.address.as_deref())
        .bind(new.headcount.map(i64::from))
        .fetch_one(&mut *tx)
        .await?;
        commit_id(tx, id).await
    }

    async fn parties(&self, branch: BranchId, dispute: i64) -> StoreResult<Vec<Party>> {
        let rows = sqlx::query(
            "SELECT id, dispute_id, kind, name, detail, email, address, headcount FROM dispute_parties \
             WHERE branch_id = $1 AND dispute_id = $2 ORDER BY kind, id",
        )
        .bind(branch.0)
        .bind(dispute)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Party {
                    id: row.try_get("id")?,
                    dispute_id: row.try_get("dispute_id")?,
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

    async fn add_claim(&self, branch: BranchId, dispute: i64, new: &NewClaim) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        owned_dispute(&mut tx, branch, dispute).await?;
        let id = sqlx::query_scalar(
            "INSERT INTO dispute_claims (branch_id, dispute_id, kind, dated, summary, status) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(branch.0)
        .bind(dispute)
        .bind(new.kind.as_str())
        .bind(new.dated.to_string())
        .bind(&new.summary)
        .bind(new.status.as_str())
        .fetch_one(&mut *tx)
        .await?;
        commit_id(tx, id).await
    }

    async fn set_claim_status(
        &self,
        branch: BranchId,
        dispute: i64,
        claim: i64,
        status: ClaimStatus,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE dispute_claims SET status = $1 \
             WHERE branch_id = $2 AND dispute_id = $3 AND id = $4",
        )
        .bind(status.as_str())
        .bind(branch.0)
        .bind(dispute)
        .bind(claim)
        .execute(self.pool())
        .await?;
        super::found(&done)?;
        Ok(())
    }

    async fn claims(&self, branch: BranchId, dispute: i64) -> StoreResult<Vec<Claim>> {
        let rows = sqlx::query(
            "SELECT id, dispute_id, kind, dated, summary, status FROM dispute_claims \
             WHERE branch_id = $1 AND dispute_id = $2 ORDER BY dated, id",
        )
        .bind(branch.0)
        .bind(dispute)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Claim {
                    id: row.try_get("id")?,
                    dispute_id: row.try_get("dispute_id")?,
                    kind: named::<ClaimKind>(row, "kind")?,
                    dated: date(row, "dated")?,
                    summary: row.try_get("summary")?,
                    status: named::<ClaimStatus>(row, "status")?,
                })
            })
            .collect()
    }

    async fn add_event(
        &self,
        branch: BranchId,
        dispute: i64,
        new: &NewTimelineEvent,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        owned_dispute(&mut tx, branch, dispute).await?;
        let id = sqlx::query_scalar(
            "INSERT INTO dispute_events (branch_id, dispute_id, dated, kind, title, outcome, public) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(branch.0)
        .bind(dispute)
        .bind(new.dated.to_string())
        .bind(new.kind.as_str())
        .bind(&new.title)
        .bind(&new.outcome)
        .bind(i64::from(new.public))
        .fetch_one(&mut *tx)
        .await?;
        commit_id(tx, id).await
    }

    async fn update_event(
        &self,
        branch: BranchId,
        dispute: i64,
        event: i64,
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
        .bind(dispute)
        .bind(event)
        .execute(self.pool())
        .await?;
        super::found(&done)?;
        Ok(())
    }

    async fn timeline(
        &self,
        branch: BranchId,
        dispute: i64,
        public_only: bool,
    ) -> StoreResult<Vec<TimelineEvent>> {
        let rows = sqlx::query(
            "SELECT id, dispute_id, dated, kind, title, outcome, public FROM dispute_events \
             WHERE branch_id = $1 AND dispute_id = $2 AND public >= $3 ORDER BY dated, id",
        )
        .bind(branch.0)
        .bind(dispute)
        .bind(i64::from(public_only))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(TimelineEvent {
                    id: row.try_get("id")?,
                    dispute_id: row.try_get("dispute_id")?,
                    dated: date(row, "dated")?,
                    kind: named::<EventKind>(row, "kind")?,
                    title: row.try_get("title")?,
                    outcome: row.try_get("outcome")?,
                    public: row.try_get::<i64, _>("public")? != 0,
                })
            })
            .collect()
    }

    async fn add_rate(
        &self,
        branch: BranchId,
        dispute: i64,
        label: &str,
        per_worker_day_hundredths: i64,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        owned_dispute(&mut tx, branch, dispute).await?;
        let id = sqlx::query_scalar(
            "INSERT INTO dispute_rates (branch_id, dispute_id, label, per_worker_day_hundredths) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(branch.0)
        .bind(dispute)
        .bind(label)
        .bind(per_worker_day_hundredths)
        .fetch_one(&mut *tx)
        .await?;
        commit_id(tx, id).await
    }

    async fn rates(&self, branch: BranchId, dispute: i64) -> StoreResult<Vec<ImpactRate>> {
        let rows = sqlx::query(
            "SELECT id, dispute_id, label, per_worker_day_hundredths FROM dispute_rates \
             WHERE branch_id = $1 AND dispute_id = $2 ORDER BY id",
        )
        .bind(branch.0)
        .bind(dispute)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ImpactRate {
                    id: row.try_get("id")?,
                    dispute_id: row.try_get("dispute_id")?,
                    label: row.try_get("label")?,
                    per_worker_day_hundredths: row.try_get("per_worker_day_hundredths")?,
                })
            })
            .collect()
    }

    async fn create_ballot(
        &self,
        branch: BranchId,
        dispute: i64,
        new: &NewBallot,
    ) -> StoreResult<Ballot> {
        super::ballots::create_ballot(self, branch, dispute, new).await
    }

    async fn ballots(&self, branch: BranchId, dispute: i64) -> StoreResult<Vec<Ballot>> {
        super::ballots::ballots(self, branch, dispute).await
    }

    async fn ballot(&self, branch: BranchId, id: i64) -> StoreResult<Ballot> {
        super::ballots::ballot(self, branch, id).await
    }

    async fn record_ballot_result(
        &self,
        branch: BranchId,
        id: i64,
        result: BallotResult,
        result_to_employer: Option<NaiveDate>,
    ) -> StoreResult<Ballot> {
        super::ballots::record_result(self, branch, id, result, result_to_employer).await
    }

    async fn add_question(
        &self,
        branch: BranchId,
        ballot: i64,
        question: &str,
        answer: &str,
        percent_hundredths: i64,
    ) -> StoreResult<i64> {
        super::ballots::add_question(self, branch, ballot, question, answer, percent_hundredths)
            .await
    }

    async fn questions(&self, branch: BranchId, ballot: i64) -> StoreResult<Vec<SurveyQuestion>> {
        super::ballots::questions(self, branch, ballot).await
    }

    async fn steps(&self, branch: BranchId, ballot: i64) -> StoreResult<Vec<BallotStep>> {
        super::ballots::steps(self, branch, ballot).await
    }

    async fn mark_step(
        &self,
        branch: BranchId,
        step: i64,
        done: Option<NaiveDate>,
    ) -> StoreResult<()> {
        super::ballots::mark_step(self, branch, step, done).await
    }

    async fn create_action_period(
        &self,
        branch: BranchId,
        dispute: i64,
        new: &NewActionPeriod,
    ) -> StoreResult<ActionPeriod> {
        super::ballots::create_action_period(self, branch, dispute, new).await
    }

    async fn set_period_holidays(
        &self,
        branch: BranchId,
        period: i64,
        holidays: &[NaiveDate],
    ) -> StoreResult<()> {
        let list: Vec<String> = holidays.iter().map(|d| d.to_string()).collect();
        let done = sqlx::query(
            "UPDATE action_periods SET holidays_as_strike = $1 WHERE branch_id = $2 AND id = $3",
        )
        .bind(list.join(","))
        .bind(branch.0)
        .bind(period)
        .execute(self.pool())
        .await?;
        super::found(&done)?;
        Ok(())
    }

    async fn action_periods(
        &self,
        branch: BranchId,
        dispute: i64,
    ) -> StoreResult<Vec<ActionPeriod>> {
        super::ballots::action_periods(self, branch, dispute).await
    }
}
