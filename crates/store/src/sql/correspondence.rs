//! The correspondence log.

use super::decode::{date, date_text, named, opt_date};
use super::{from_secs, to_secs, SqlStore, SqlWork};
use crate::correspondence::{CorrespondenceStore, CorrespondenceWrites, Letter};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use picket_domain::correspondence::{LetterStatus, NewLetter};
use picket_domain::disputes::Named;
use picket_domain::{BranchId, DisputeId, LetterId, TimelineEntryId};
use sqlx::any::AnyRow;
use sqlx::Row;

pub(super) const LETTER_COLUMNS: &str = "c.id, c.branch_id, c.dispute_id, c.direction, c.counterpart, c.subject, \
     c.channel, c.sent_on, c.proof, c.reply_by, c.status, c.notes, c.timeline_event_id, c.reminded_at, c.created_at";

pub(super) fn letter_row(row: &AnyRow) -> StoreResult<Letter> {
    Ok(Letter {
        id: LetterId(row.try_get("id")?),
        branch_id: BranchId(row.try_get("branch_id")?),
        dispute_id: DisputeId(row.try_get("dispute_id")?),
        letter: NewLetter {
            direction: named(row, "direction")?,
            counterpart: row.try_get("counterpart")?,
            subject: row.try_get("subject")?,
            channel: named(row, "channel")?,
            sent_on: date(row, "sent_on")?,
            proof: row.try_get("proof")?,
            reply_by: opt_date(row, "reply_by")?,
            status: named(row, "status")?,
            notes: row.try_get("notes")?,
        },
        timeline_entry: row
            .try_get::<Option<i64>, _>("timeline_event_id")?
            .map(TimelineEntryId),
        reminded_at: row.try_get::<Option<i64>, _>("reminded_at")?.map(from_secs),
        created_at: from_secs(row.try_get("created_at")?),
    })
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

#[async_trait]
impl CorrespondenceStore for SqlStore {
    async fn letters(&self, branch: BranchId, dispute: DisputeId) -> StoreResult<Vec<Letter>> {
        let rows = sqlx::query(&format!(
            "SELECT {LETTER_COLUMNS} FROM correspondence c WHERE c.branch_id = $1 AND c.dispute_id = $2 \
             ORDER BY c.sent_on DESC, c.id DESC"
        ))
        .bind(branch.0)
        .bind(dispute.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(letter_row).collect()
    }

    async fn letter(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        id: LetterId,
    ) -> StoreResult<Letter> {
        let row = sqlx::query(&format!(
            "SELECT {LETTER_COLUMNS} FROM correspondence c WHERE c.branch_id = $1 AND c.dispute_id = $2 AND c.id = $3"
        ))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        letter_row(&row)
    }

    async fn overdue_letters(
        &self,
        branch: BranchId,
        today: NaiveDate,
    ) -> StoreResult<Vec<Letter>> {
        let rows = sqlx::query(&format!(
            "SELECT {LETTER_COLUMNS} FROM correspondence c WHERE c.branch_id = $1 AND c.status = 'awaiting' \
             AND c.reply_by IS NOT NULL AND c.reply_by < $2 ORDER BY c.reply_by, c.id"
        ))
        .bind(branch.0)
        .bind(day(today))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(letter_row).collect()
    }

    async fn letters_to_remind(&self, today: NaiveDate) -> StoreResult<Vec<Letter>> {
        let rows = sqlx::query(&format!(
            "SELECT {LETTER_COLUMNS} FROM correspondence c WHERE c.status = 'awaiting' AND c.reply_by IS NOT NULL \
             AND c.reply_by < $1 AND c.reminded_at IS NULL ORDER BY c.id"
        ))
        .bind(day(today))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(letter_row).collect()
    }
}

#[async_trait]
impl CorrespondenceWrites for SqlWork {
    async fn add_letter(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        letter: &NewLetter,
    ) -> StoreResult<LetterId> {
        let now = to_secs(Utc::now());
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO correspondence (branch_id, dispute_id, direction, counterpart, subject, channel, sent_on, \
               proof, reply_by, status, notes, created_at, updated_at) \
             SELECT branch_id, id, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12 FROM disputes \
             WHERE branch_id = $1 AND id = $2 RETURNING id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(letter.direction.as_str())
        .bind(&letter.counterpart)
        .bind(&letter.subject)
        .bind(letter.channel.as_str())
        .bind(day(letter.sent_on))
        .bind(&letter.proof)
        .bind(date_text(letter.reply_by))
        .bind(letter.status.as_str())
        .bind(&letter.notes)
        .bind(now)
        .fetch_optional(self.conn())
        .await?;
        super::decode::found_id(id, LetterId)
    }

    async fn update_letter(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: LetterId,
        letter: &NewLetter,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE correspondence SET direction = $1, counterpart = $2, subject = $3, channel = $4, sent_on = $5, \
               proof = $6, status = $8, notes = $9, updated_at = $10, \
               reminded_at = CASE WHEN reply_by IS NULL OR reply_by <> $7 THEN NULL ELSE reminded_at END, \
               reply_by = $7 \
             WHERE branch_id = $11 AND dispute_id = $12 AND id = $13",
        )
        .bind(letter.direction.as_str())
        .bind(&letter.counterpart)
        .bind(&letter.subject)
        .bind(letter.channel.as_str())
        .bind(day(letter.sent_on))
        .bind(&letter.proof)
        .bind(date_text(letter.reply_by))
        .bind(letter.status.as_str())
        .bind(&letter.notes)
        .bind(to_secs(Utc::now()))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    async fn set_letter_status(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: LetterId,
        status: LetterStatus,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE correspondence SET status = $1, updated_at = $2 WHERE branch_id = $3 AND dispute_id = $4 AND id = $5",
        )
        .bind(status.as_str())
        .bind(to_secs(Utc::now()))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    async fn put_letter_on_timeline(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: LetterId,
    ) -> StoreResult<TimelineEntryId> {
        let row = sqlx::query(
            "SELECT direction, counterpart, subject, sent_on, timeline_event_id FROM correspondence \
             WHERE branch_id = $1 AND dispute_id = $2 AND id = $3",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .fetch_optional(self.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
        if let Some(entry) = row.try_get::<Option<i64>, _>("timeline_event_id")? {
            return Ok(TimelineEntryId(entry));
        }
        let counterpart: String = row.try_get("counterpart")?;
        let subject: String = row.try_get("subject")?;
        let title = match row.try_get::<String, _>("direction")?.as_str() {
            "received" => format!("Letter from {counterpart}: {subject}"),
            _ => format!("Letter to {counterpart}: {subject}"),
        };
        let entry: i64 = sqlx::query_scalar(
            "INSERT INTO dispute_events (branch_id, dispute_id, dated, kind, title, outcome, public) \
             VALUES ($1, $2, $3, 'letter', $4, '', 1) RETURNING id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(row.try_get::<String, _>("sent_on")?)
        .bind(title)
        .fetch_one(self.conn())
        .await?;
        sqlx::query(
            "UPDATE correspondence SET timeline_event_id = $1 WHERE branch_id = $2 AND id = $3",
        )
        .bind(entry)
        .bind(branch.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        Ok(TimelineEntryId(entry))
    }

    async fn mark_reminded(
        &mut self,
        branch: BranchId,
        id: LetterId,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE correspondence SET reminded_at = $1 WHERE branch_id = $2 AND id = $3 AND reminded_at IS NULL",
        )
        .bind(to_secs(now))
        .bind(branch.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
