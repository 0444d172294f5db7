//! The outbox: claimed with a lease so several workers (or several `picket serve` processes)
//! never deliver the same job at once.

use super::{count, to_secs, SqlStore};
use crate::{Backend, NewOutboxEmail, OutboxCounts, OutboxJob, OutboxStore, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;

#[async_trait]
impl OutboxStore for SqlStore {
    async fn enqueue_email(&self, email: NewOutboxEmail) -> StoreResult<i64> {
        let mut conn = self.pool().acquire().await?;
        enqueue_email_on(&mut conn, email).await
    }

    async fn claim_jobs(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxJob>> {
        // PostgreSQL lets concurrent claimers skip each other's rows; SQLite serialises writers,
        // so the same statement without the clause is already exclusive there.
        let lock = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let mut tx = self.begin_write().await?;
        // A job whose last permitted attempt was claimed by a worker that died is given up.
        sqlx::query(
            "UPDATE outbox SET status = 'failed', last_error = 'lease expired on the final attempt', \
             locked_by = NULL, locked_until = NULL \
             WHERE status = 'pending' AND attempts >= max_attempts AND locked_until <= $1",
        )
        .bind(to_secs(now))
        .execute(&mut *tx)
        .await?;
        // A job that must not arrive twice, whose worker died while handing it to the mail
        // server, may have been delivered: it is given up, not sent again.
        sqlx::query(
            "UPDATE outbox SET status = 'failed', \
             last_error = 'the worker stopped while sending it; not sent again, so that it never arrives twice', \
             locked_by = NULL, locked_until = NULL \
             WHERE status = 'pending' AND send_once = 1 AND sending_at IS NOT NULL AND locked_until <= $1",
        )
        .bind(to_secs(now))
        .execute(&mut *tx)
        .await?;
        let rows = sqlx::query(&format!(
            "UPDATE outbox SET locked_by = $1, locked_until = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND run_after <= $3 \
               AND (locked_until IS NULL OR locked_until <= $3) AND attempts < max_attempts \
               ORDER BY id LIMIT $4 {lock}) \
             RETURNING id, payload, attempts, max_attempts, send_once"
        ))
        .bind(worker)
        .bind(to_secs(lease_until))
        .bind(to_secs(now))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut jobs = rows
            .iter()
            .map(|row| {
                Ok(OutboxJob {
                    id: row.try_get("id")?,
                    payload: row.try_get("payload")?,
                    attempts: u32::try_from(row.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
                    max_attempts: u32::try_from(row.try_get::<i64, _>("max_attempts")?)
                        .unwrap_or(0),
                    send_once: row.try_get::<i64, _>("send_once")? != 0,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        jobs.sort_by_key(|j| j.id);
        Ok(jobs)
    }

    async fn start_sending(&self, id: i64, worker: &str, now: DateTime<Utc>) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE outbox SET sending_at = $1 WHERE id = $2 AND locked_by = $3 AND status = 'pending' \
             AND locked_until > $1",
        )
        .bind(to_secs(now))
        .bind(id)
        .bind(worker)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn complete_job(&self, id: i64, worker: &str, now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = $1, locked_by = NULL, locked_until = NULL, last_error = NULL, sending_at = NULL \
             WHERE id = $2 AND locked_by = $3 AND status = 'pending'",
        )
        .bind(to_secs(now))
        .bind(id)
        .bind(worker)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn fail_job(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> StoreResult<()> {
        let error: String = error.chars().take(500).collect();
        let query = match retry_at {
            Some(at) => sqlx::query(
                "UPDATE outbox SET run_after = $1, last_error = $2, locked_by = NULL, locked_until = NULL, sending_at = NULL \
                 WHERE id = $3 AND locked_by = $4",
            )
            .bind(to_secs(at))
            .bind(error),
            None => sqlx::query(
                "UPDATE outbox SET status = 'failed', last_error = $1, locked_by = NULL, locked_until = NULL, sending_at = NULL \
                 WHERE id = $2 AND locked_by = $3",
            )
            .bind(error),
        };
        query.bind(id).bind(worker).execute(self.pool()).await?;
        Ok(())
    }

    async fn outbox_counts(&self) -> StoreResult<OutboxCounts> {
        let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
            .fetch_all(self.pool())
            .await?;
        let mut counts = OutboxCounts::default();
        for row in rows {
            let status: String = row.try_get("status")?;
            let n = count(row.try_get("n")?);
            match status.as_str() {
                "pending" => counts.pending = n,
                "sent" => counts.sent = n,
                _ => counts.failed += n,
            }
        }
        Ok(counts)
    }
}

/// Queues an email on a connection or inside a transaction, so a feature can write the change
/// and the email that announces it atomically.
pub async fn enqueue_email_on(
    conn: &mut sqlx::AnyConnection,
    email: NewOutboxEmail,
) -> StoreResult<i64> {
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO outbox (idempotency_key, payload, status, attempts, max_attempts, run_after, created_at, send_once) \
         VALUES ($1, $2, 'pending', 0, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
    )
    .bind(email.idempotency_key.as_deref())
    .bind(&email.payload)
    .bind(i64::from(email.max_attempts.max(1)))
    .bind(to_secs(email.run_after))
    .bind(to_secs(Utc::now()))
    .bind(i64::from(email.send_once))
    .fetch_optional(&mut *conn)
    .await?;
    match inserted {
        Some(id) => Ok(id),
        None => Ok(
            sqlx::query_scalar("SELECT id FROM outbox WHERE idempotency_key = $1")
                .bind(email.idempotency_key.as_deref())
                .fetch_one(&mut *conn)
                .await?,
        ),
    }
}
