//! Edits and deletions of a dispute's records, and participation records. Every statement
//! names the branch and the dispute, so a record elsewhere is `NotFound` and left alone.

use super::ballots::{ballot, period_row, result_binds, PERIOD};
use super::disputes::{count32, opt_date};
use super::{from_secs, to_secs, SqlStore};
use crate::dispute_edits::{DisputeEditStore, Participation};
use crate::disputes::{ActionPeriod, Ballot, NewActionPeriod, NewBallot, NewClaim, NewParty};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{NaiveDate, Utc};
use picket_domain::disputes::Named;
use picket_domain::BranchId;
use sqlx::Row;
use std::collections::HashMap;

/// The tables whose rows belong directly to a dispute, for deletes.
#[derive(Clone, Copy)]
enum Owned {
    Parties,
    Claims,
    Events,
    Rates,
    Participation,
}

impl Owned {
    fn table(self) -> &'static str {
        match self {
            Owned::Parties => "dispute_parties",
            Owned::Claims => "dispute_claims",
            Owned::Events => "dispute_events",
            Owned::Rates => "dispute_rates",
            Owned::Participation => "action_participation",
        }
    }
}

impl SqlStore {
    async fn delete_owned(
        &self,
        what: Owned,
        branch: BranchId,
        dispute: i64,
        id: i64,
    ) -> StoreResult<()> {
        let done = sqlx::query(&format!(
            "DELETE FROM {} WHERE branch_id = $1 AND dispute_id = $2 AND id = $3",
            what.table()
        ))
        .bind(branch.0)
        .bind(dispute)
        .bind(id)
        .execute(self.pool())
        .await?;
        super::found(&done)
    }
}

/// Fails with `NotFound` unless the ballot belongs to the dispute in the branch.
async fn ballot_of_dispute(
    conn: &mut sqlx::AnyConnection,
    branch: BranchId,
    dispute: i64,
    ballot: i64,
) -> StoreResult<()> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM ballots WHERE branch_id = $1 AND dispute_id = $2 AND id = $3",
    )
    .bind(branch.0)
    .bind(dispute)
    .bind(ballot)
    .fetch_one(&mut *conn)
    .await?;
    if n == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

#[async_trait]
impl DisputeEditStore for SqlStore {
    async fn update_party(
        &self,
        branch: BranchId,
        dispute: i64,
        id: i64,
        new: &NewParty,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE dispute_parties SET kind = $1, name = $2, detail = $3, email = $4, address = $5, \
             headcount = $6 WHERE branch_id = $7 AND dispute_id = $8 AND id = $9",
        )
        .bind(new.kind.as_str())
        .bind(&new.name)
        .bind(&new.detail)
        .bind(new.email.as_deref())
        .bind(new.address.as_deref())
        .bind(new.headcount.map(i64::from))
        .bind(branch.0)
        .bind(dispute)
        .bind(id)
        .execute(self.pool())
        .await?;
        super::found(&done)
    }

    async fn delete_party(&self, branch: BranchId, dispute: i64, id: i64) -> StoreResult<()> {
        self.delete_owned(Owned::Parties, branch, dispute, id).await
    }

    async fn update_claim(
        &self,
        branch: BranchId,
        dispute: i64,
        id: i64,
        new: &NewClaim,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE dispute_claims SET kind = $1, dated = $2, summary = $3, status = $4 \
             WHERE branch_id = $5 AND dispute_id = $6 AND id = $7",
        )
        .bind(new.kind.as_str())
        .bind(new.dated.to_string())
        .bind(&new.summary)
        .bind(new.status.as_str())
        .bind(branch.0)
        .bind(dispute)
        .bind(id)
        .execute(self.pool())
        .await?;
        super::found(&done)
    }

    async fn delete_claim(&self, branch: BranchId, dispute: i64, id: i64) -> StoreResult<()> {
        self.delete_owned(Owned::Claims, branch, dispute, id).await
    }

    async fn delete_event(&self, branch: BranchId, dispute: i64, id: i64) -> StoreResult<()> {
        self.delete_owned(Owned::Events, branch, dispute, id).await
    }

    async fn update_rate(
        &self,
        branch: BranchId,
        dispute: i64,
        id: i64,
        label: &str,
        per_worker_day_hundredths: i64,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE dispute_rates SET label = $1, per_worker_day_hundredths = $2 \
             WHERE branch_id = $3 AND dispute_id = $4 AND id = $5",
        )
        .bind(label)
        .bind(per_worker_day_hundredths)
        .bind(branch.0)
        .bind(dispute)
        .bind(id)
        .execute(self.pool())
        .await?;
        super::found(&done)
    }

    async fn delete_rate(&self, branch: BranchId, dispute: i64, id: i64) -> StoreResult<()> {
        self.delete_owned(Owned::Rates, branch, dispute, id).await
    }

    async fn update_ballot(
        &self,
        branch: BranchId,
        dispute: i64,
        id: i64,
        new: &NewBallot,
    ) -> StoreResult<Ballot> {
        let mut tx = self.begin_write().await?;
        ballot_of_dispute(&mut tx, branch, dispute, id).await?;
        let [cast, yes, no, spoiled] = result_binds(new.result);
        sqlx::query(
            "UPDATE ballots SET kind = $1, title = $2, opened = $3, closed = $4, entitled = $5, \
             ips = $6, welsh_devolved = $7, extension_agreed = $8, cast_votes = $9, yes_votes = $10, \
             no_votes = $11, spoiled = $12, result_to_employer = $13 WHERE branch_id = $14 AND id = $15",
        )
        .bind(new.kind.as_str())
        .bind(&new.title)
        .bind(new.opened.to_string())
        .bind(new.closed.to_string())
        .bind(i64::from(new.entitled))
        .bind(new.ips.map(|i| i.as_str()))
        .bind(i64::from(new.welsh_devolved))
        .bind(i64::from(new.extension_agreed))
        .bind(cast)
        .bind(yes)
        .bind(no)
        .bind(spoiled)
        .bind(new.result_to_employer.map(|d| d.to_string()))
        .bind(branch.0)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        // The checklist follows the new dates; what was done stays done.
        let rows = sqlx::query(
            "SELECT name, done FROM ballot_steps WHERE branch_id = $1 AND ballot_id = $2",
        )
        .bind(branch.0)
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let mut done: HashMap<String, Option<NaiveDate>> = HashMap::new();
        for row in &rows {
            done.insert(row.try_get("name")?, opt_date(row, "done")?);
        }
        sqlx::query("DELETE FROM ballot_steps WHERE branch_id = $1 AND ballot_id = $2")
            .bind(branch.0)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for step in &new.steps {
            sqlx::query(
                "INSERT INTO ballot_steps (branch_id, ballot_id, name, due, done, provision) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(branch.0)
            .bind(id)
            .bind(&step.name)
            .bind(step.due.map(|d| d.to_string()))
            .bind(
                done.get(&step.name)
                    .copied()
                    .flatten()
                    .map(|d| d.to_string()),
            )
            .bind(&step.provision)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        ballot(self, branch, id).await
    }

    async fn delete_ballot(&self, branch: BranchId, dispute: i64, id: i64) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        ballot_of_dispute(&mut tx, branch, dispute, id).await?;
        // Spelled out rather than left to foreign keys, so both engines do the same.
        for sql in [
            "DELETE FROM ballot_steps WHERE branch_id = $1 AND ballot_id = $2",
            "DELETE FROM ballot_questions WHERE branch_id = $1 AND ballot_id = $2",
            "UPDATE action_periods SET ballot_id = NULL WHERE branch_id = $1 AND ballot_id = $2",
            "DELETE FROM ballots WHERE branch_id = $1 AND id = $2",
        ] {
            sqlx::query(sql)
                .bind(branch.0)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn delete_question(&self, branch: BranchId, dispute: i64, id: i64) -> StoreResult<()> {
        let done = sqlx::query(
            "DELETE FROM ballot_questions WHERE branch_id = $1 AND id = $2 AND ballot_id IN \
             (SELECT id FROM ballots WHERE branch_id = $1 AND dispute_id = $3)",
        )
        .bind(branch.0)
        .bind(id)
        .bind(dispute)
        .execute(self.pool())
        .await?;
        super::found(&done)
    }

    async fn update_period(
        &self,
        branch: BranchId,
        dispute: i64,
        id: i64,
        new: &NewActionPeriod,
    ) -> StoreResult<ActionPeriod> {
        let mut tx = self.begin_write().await?;
        if let Some(ballot) = new.ballot_id {
            ballot_of_dispute(&mut tx, branch, dispute, ballot).await?;
        }
        let holidays: Vec<String> = new
            .holidays_as_strike
            .iter()
            .map(|d| d.to_string())
            .collect();
        let done = sqlx::query(
            "UPDATE action_periods SET ballot_id = $1, kind = $2, starts = $3, ends = $4, teams = $5, \
             called_out = $6, notice_received = $7, holidays_as_strike = $8 \
             WHERE branch_id = $9 AND dispute_id = $10 AND id = $11",
        )
        .bind(new.ballot_id)
        .bind(new.kind.as_str())
        .bind(new.starts.to_string())
        .bind(new.ends.to_string())
        .bind(&new.teams)
        .bind(i64::from(new.called_out))
        .bind(new.notice_received.map(|d| d.to_string()))
        .bind(holidays.join(","))
        .bind(branch.0)
        .bind(dispute)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        super::found(&done)?;
        // Daily records for days no longer in the period would count days it does not have.
        sqlx::query(
            "DELETE FROM action_participation WHERE branch_id = $1 AND period_id = $2 \
             AND day IS NOT NULL AND (day < $3 OR day > $4)",
        )
        .bind(branch.0)
        .bind(id)
        .bind(new.starts.to_string())
        .bind(new.ends.to_string())
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query(&format!(
            "SELECT {PERIOD} FROM action_periods WHERE branch_id = $1 AND id = $2"
        ))
        .bind(branch.0)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        period_row(&row)
    }

    async fn delete_period(&self, branch: BranchId, dispute: i64, id: i64) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM action_participation WHERE branch_id = $1 AND dispute_id = $2 AND period_id = $3")
            .bind(branch.0)
            .bind(dispute)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let done = sqlx::query(
            "DELETE FROM action_periods WHERE branch_id = $1 AND dispute_id = $2 AND id = $3",
        )
        .bind(branch.0)
        .bind(dispute)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        super::found(&done)?;
        tx.commit().await?;
        Ok(())
    }

    async fn record_participation(
        &self,
        branch: BranchId,
        dispute: i64,
        period: i64,
        day: Option<NaiveDate>,
        took_part: u32,
        entered_by: Option<i64>,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM action_periods WHERE branch_id = $1 AND dispute_id = $2 AND id = $3",
        )
        .bind(branch.0)
        .bind(dispute)
        .bind(period)
        .fetch_one(&mut *tx)
        .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        let day = day.map(|d| d.to_string());
        // One record per period and day: a new count replaces the old.
        let clear = match &day {
            Some(d) => sqlx::query(
                "DELETE FROM action_participation WHERE branch_id = $1 AND period_id = $2 AND day = $3",
            )
            .bind(branch.0)
            .bind(period)
            .bind(d.clone()),
            None => sqlx::query(
                "DELETE FROM action_participation WHERE branch_id = $1 AND period_id = $2 AND day IS NULL",
            )
            .bind(branch.0)
            .bind(period),
        };
        clear.execute(&mut *tx).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO action_participation (branch_id, dispute_id, period_id, day, took_part, entered_by, entered_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(branch.0)
        .bind(dispute)
        .bind(period)
        .bind(day)
        .bind(i64::from(took_part))
        .bind(entered_by)
        .bind(to_secs(Utc::now()))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn participation(
        &self,
        branch: BranchId,
        dispute: i64,
    ) -> StoreResult<Vec<Participation>> {
        let rows = sqlx::query(
            "SELECT id, dispute_id, period_id, day, took_part, entered_at FROM action_participation \
             WHERE branch_id = $1 AND dispute_id = $2 ORDER BY period_id, day IS NOT NULL, day, id",
        )
        .bind(branch.0)
        .bind(dispute)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Participation {
                    id: row.try_get("id")?,
                    dispute_id: row.try_get("dispute_id")?,
                    period_id: row.try_get("period_id")?,
                    day: opt_date(row, "day")?,
                    took_part: count32(row, "took_part")?,
                    entered_at: from_secs(row.try_get("entered_at")?),
                })
            })
            .collect()
    }

    async fn delete_participation(
        &self,
        branch: BranchId,
        dispute: i64,
        id: i64,
    ) -> StoreResult<()> {
        self.delete_owned(Owned::Participation, branch, dispute, id)
            .await
    }
}
