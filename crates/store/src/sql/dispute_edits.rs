//! Edits and deletions of a dispute's records, and participation records. Every statement
//! names the branch and the dispute, so a record elsewhere is `NotFound` and left alone.

use super::ballots::{ballot_on, holidays_text, insert_steps, period_on, result_binds};
use super::decode::{found_id, opt_date};
use super::{to_secs, SqlWork};
use crate::dispute_edits::DisputeEditWrites;
use crate::disputes::{ActionPeriod, Ballot, NewActionPeriod, NewBallot, NewClaim, NewParty};
use crate::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use picket_domain::disputes::Named;
use picket_domain::{
    BallotId, BranchId, ClaimId, DisputeId, ParticipationId, PartyId, PeriodId, QuestionId, RateId,
    TimelineEntryId, UserId,
};
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

impl SqlWork {
    async fn delete_owned(
        &mut self,
        what: Owned,
        branch: BranchId,
        dispute: DisputeId,
        id: i64,
    ) -> StoreResult<()> {
        let done = sqlx::query(&format!(
            "DELETE FROM {} WHERE branch_id = $1 AND dispute_id = $2 AND id = $3",
            what.table()
        ))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }
}

#[async_trait]
impl DisputeEditWrites for SqlWork {
    async fn update_party(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PartyId,
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
        .bind(dispute.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    async fn delete_party(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PartyId,
    ) -> StoreResult<()> {
        self.delete_owned(Owned::Parties, branch, dispute, id.0)
            .await
    }

    async fn update_claim(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: ClaimId,
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
        .bind(dispute.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    async fn delete_claim(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: ClaimId,
    ) -> StoreResult<()> {
        self.delete_owned(Owned::Claims, branch, dispute, id.0)
            .await
    }

    async fn delete_event(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: TimelineEntryId,
    ) -> StoreResult<()> {
        self.delete_owned(Owned::Events, branch, dispute, id.0)
            .await
    }

    async fn update_rate(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: RateId,
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
        .bind(dispute.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    async fn delete_rate(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: RateId,
    ) -> StoreResult<()> {
        self.delete_owned(Owned::Rates, branch, dispute, id.0).await
    }

    async fn update_ballot(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: BallotId,
        new: &NewBallot,
    ) -> StoreResult<Ballot> {
        let [cast, yes, no, spoiled] = result_binds(new.result);
        let updated = sqlx::query(
            "UPDATE ballots SET kind = $1, title = $2, opened = $3, closed = $4, entitled = $5, \
             ips = $6, welsh_devolved = $7, extension_agreed = $8, cast_votes = $9, yes_votes = $10, \
             no_votes = $11, spoiled = $12, result_to_employer = $13, entitled_reason = $17 \
             WHERE branch_id = $14 AND dispute_id = $15 AND id = $16",
        )
        .bind(new.kind.as_str())
        .bind(&new.title)
        .bind(new.opened.to_string())
        .bind(new.closed.to_string())
        .bind(super::ballots::hand_binds(new.entitled.as_ref()).0)
        .bind(new.ips.map(|i| i.as_str()))
        .bind(i64::from(new.welsh_devolved))
        .bind(i64::from(new.extension_agreed))
        .bind(cast)
        .bind(yes)
        .bind(no)
        .bind(spoiled)
        .bind(new.result_to_employer.map(|d| d.to_string()))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .bind(super::ballots::hand_binds(new.entitled.as_ref()).1)
        .execute(self.conn())
        .await?;
        super::found(&updated)?;
        // The ballot is the dispute's (the update found it): its checklist follows the new
        // dates, and what was done stays done.
        let rows = sqlx::query(
            "SELECT name, done FROM ballot_steps WHERE branch_id = $1 AND ballot_id = $2",
        )
        .bind(branch.0)
        .bind(id.0)
        .fetch_all(self.conn())
        .await?;
        let mut done: HashMap<String, Option<NaiveDate>> = HashMap::new();
        for row in &rows {
            done.insert(row.try_get("name")?, opt_date(row, "done")?);
        }
        sqlx::query("DELETE FROM ballot_steps WHERE branch_id = $1 AND ballot_id = $2")
            .bind(branch.0)
            .bind(id.0)
            .execute(self.conn())
            .await?;
        let steps: Vec<_> = new
            .steps
            .iter()
            .map(|s| (s, done.get(&s.name).copied().flatten()))
            .collect();
        insert_steps(self.conn(), branch, id, &steps).await?;
        ballot_on(self.conn(), branch, dispute, id).await
    }

    async fn delete_ballot(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: BallotId,
    ) -> StoreResult<()> {
        // Spelled out rather than left to foreign keys, so both engines do the same; each
        // statement names the dispute, and the last fails the unit unless the ballot was its.
        for sql in [
            "DELETE FROM ballot_steps WHERE branch_id = $1 AND ballot_id = $3 AND ballot_id IN \
             (SELECT id FROM ballots WHERE branch_id = $1 AND dispute_id = $2)",
            "DELETE FROM ballot_questions WHERE branch_id = $1 AND ballot_id = $3 AND ballot_id IN \
             (SELECT id FROM ballots WHERE branch_id = $1 AND dispute_id = $2)",
            "UPDATE action_periods SET ballot_id = NULL \
             WHERE branch_id = $1 AND dispute_id = $2 AND ballot_id = $3",
        ] {
            sqlx::query(sql)
                .bind(branch.0)
                .bind(dispute.0)
                .bind(id.0)
                .execute(self.conn())
                .await?;
        }
        let done =
            sqlx::query("DELETE FROM ballots WHERE branch_id = $1 AND dispute_id = $2 AND id = $3")
                .bind(branch.0)
                .bind(dispute.0)
                .bind(id.0)
                .execute(self.conn())
                .await?;
        super::found(&done)
    }

    async fn delete_question(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: QuestionId,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "DELETE FROM ballot_questions WHERE branch_id = $1 AND id = $2 AND ballot_id IN \
             (SELECT id FROM ballots WHERE branch_id = $1 AND dispute_id = $3)",
        )
        .bind(branch.0)
        .bind(id.0)
        .bind(dispute.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    async fn update_period(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PeriodId,
        new: &NewActionPeriod,
    ) -> StoreResult<ActionPeriod> {
        // The ballot it names, if any, must be the dispute's: checked by the statement.
        let done = sqlx::query(
            "UPDATE action_periods SET ballot_id = $1, kind = $2, starts = $3, ends = $4, teams = $5, \
             called_out = $6, notice_received = $7, holidays_as_strike = $8, called_out_reason = $12, \
             published_despite = NULL, published_at = NULL, published_by = NULL \
             WHERE branch_id = $9 AND dispute_id = $10 AND id = $11 AND ($1 IS NULL OR EXISTS \
             (SELECT 1 FROM ballots WHERE branch_id = $9 AND dispute_id = $10 AND id = $1))",
        )
        .bind(new.ballot_id.map(|b| b.0))
        .bind(new.kind.as_str())
        .bind(new.starts.to_string())
        .bind(new.ends.to_string())
        .bind(&new.teams)
        .bind(super::ballots::hand_binds(new.called_out.as_ref()).0)
        .bind(new.notice_received.map(|d| d.to_string()))
        .bind(holidays_text(&new.holidays_as_strike))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .bind(super::ballots::hand_binds(new.called_out.as_ref()).1)
        .execute(self.conn())
        .await?;
        super::found(&done)?;
        // Daily records for days no longer in the period would count days it does not have.
        sqlx::query(
            "DELETE FROM action_participation WHERE branch_id = $1 AND dispute_id = $2 \
             AND period_id = $3 AND day IS NOT NULL AND (day < $4 OR day > $5)",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .bind(new.starts.to_string())
        .bind(new.ends.to_string())
        .execute(self.conn())
        .await?;
        period_on(self.conn(), branch, dispute, id).await
    }

    async fn publish_period(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PeriodId,
        despite: &[String],
        by: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE action_periods SET published_despite = $1, published_at = $2, published_by = $3 \
             WHERE branch_id = $4 AND dispute_id = $5 AND id = $6",
        )
        .bind(despite.join(","))
        .bind(to_secs(at))
        .bind(by.0)
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    async fn withdraw_period(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PeriodId,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE action_periods SET published_despite = NULL, published_at = NULL, \
             published_by = NULL WHERE branch_id = $1 AND dispute_id = $2 AND id = $3",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    async fn delete_period(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PeriodId,
    ) -> StoreResult<()> {
        sqlx::query(
            "DELETE FROM action_participation WHERE branch_id = $1 AND dispute_id = $2 AND period_id = $3",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        let done = sqlx::query(
            "DELETE FROM action_periods WHERE branch_id = $1 AND dispute_id = $2 AND id = $3",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    async fn record_participation(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        period: PeriodId,
        day: Option<NaiveDate>,
        took_part: u32,
        entered_by: Option<UserId>,
    ) -> StoreResult<ParticipationId> {
        let day = day.map(|d| d.to_string());
        // One record per period and day: a new count replaces the old.
        let clear = match &day {
            Some(d) => sqlx::query(
                "DELETE FROM action_participation WHERE branch_id = $1 AND dispute_id = $2 \
                 AND period_id = $3 AND day = $4",
            )
            .bind(branch.0)
            .bind(dispute.0)
            .bind(period.0)
            .bind(d.clone()),
            None => sqlx::query(
                "DELETE FROM action_participation WHERE branch_id = $1 AND dispute_id = $2 \
                 AND period_id = $3 AND day IS NULL",
            )
            .bind(branch.0)
            .bind(dispute.0)
            .bind(period.0),
        };
        clear.execute(self.conn()).await?;
        // The period is checked by the statement: not the dispute's, nothing inserted.
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO action_participation (branch_id, dispute_id, period_id, day, took_part, entered_by, entered_at) \
             SELECT branch_id, dispute_id, id, $4, $5, $6, $7 FROM action_periods \
             WHERE branch_id = $1 AND dispute_id = $2 AND id = $3 RETURNING id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(period.0)
        .bind(day)
        .bind(i64::from(took_part))
        .bind(entered_by.map(|u| u.0))
        .bind(to_secs(Utc::now()))
        .fetch_optional(self.conn())
        .await?;
        found_id(id, ParticipationId)
    }

    async fn delete_participation(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: ParticipationId,
    ) -> StoreResult<()> {
        self.delete_owned(Owned::Participation, branch, dispute, id.0)
            .await
    }
}
