//! Sessions, API tokens and login throttling.

use super::directory::user_from_row;
use super::{count, from_secs, to_secs, SqlStore, SqlWork, TurnSpace};
use crate::{
    ApiToken, Attempt, AttemptLimit, AttemptTicket, AuthStore, AuthWrites, StoreError, StoreResult,
    User,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use picket_domain::{ApiTokenId, UserId};
use sqlx::any::AnyRow;
use sqlx::Row;

#[async_trait]
impl AuthWrites for SqlWork {
    async fn create_api_token(
        &mut self,
        user: UserId,
        name: &str,
        token_hash: &str,
        expires_at: Option<DateTime<Utc>>,
    ) -> StoreResult<ApiToken> {
        let row = sqlx::query(&format!(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING {TOKEN_COLUMNS}"
        ))
        .bind(user.0)
        .bind(name.trim())
        .bind(token_hash)
        .bind(to_secs(Utc::now()))
        .bind(expires_at.map(to_secs))
        .fetch_one(self.conn())
        .await
        .map_err(|e| StoreError::conflict_on(e, "token"))?;
        token_from_row(&row)
    }

    async fn revoke_api_token(
        &mut self,
        id: ApiTokenId,
        owner: Option<UserId>,
        at: DateTime<Utc>,
    ) -> StoreResult<ApiToken> {
        // Without an owner (the command line), any user's token.
        let whose = if owner.is_some() {
            " AND user_id = $3"
        } else {
            ""
        };
        let sql = format!(
            "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1) \
             WHERE id = $2{whose} RETURNING {TOKEN_COLUMNS}"
        );
        let mut query = sqlx::query(&sql).bind(to_secs(at)).bind(id.0);
        if let Some(owner) = owner {
            query = query.bind(owner.0);
        }
        let row = query
            .fetch_optional(self.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
        token_from_row(&row)
    }

    async fn end_sessions(&mut self, user: UserId, keep: Option<&str>) -> StoreResult<u64> {
        end_sessions_on(self.conn(), user, keep).await
    }

    async fn change_password(
        &mut self,
        user: UserId,
        password_hash: &str,
        keep: Option<&str>,
    ) -> StoreResult<u64> {
        let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user.0)
            .execute(self.conn())
            .await?;
        super::found(&done)?;
        end_sessions_on(self.conn(), user, keep).await
    }
}

#[async_trait]
impl AuthStore for SqlStore {
    async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user.0)
            .bind(to_secs(Utc::now()))
            .bind(to_secs(expires_at))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn session_user(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<User> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.display_name, u.password_hash, u.created_at \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(to_secs(now))
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        user_from_row(&row)
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn api_tokens_of(&self, user: UserId) -> StoreResult<Vec<ApiToken>> {
        sqlx::query(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY id DESC"
        ))
        .bind(user.0)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(token_from_row)
        .collect()
    }

    async fn api_token_user(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<User> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.display_name, u.password_hash, u.created_at \
             FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL \
             AND (t.expires_at IS NULL OR t.expires_at > $2)",
        )
        .bind(token_hash)
        .bind(to_secs(now))
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2")
            .bind(to_secs(now))
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        user_from_row(&row)
    }

    async fn take_attempt(
        &self,
        limits: &[AttemptLimit<'_>],
        since: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> StoreResult<Attempt> {
        // SQLite: `begin_write` holds the database's write lock from the first statement.
        let mut tx = self.begin_write().await?;
        // PostgreSQL: attempts sharing a key take turns, so the count below sees every
        // attempt committed before it.
        let keys: Vec<&str> = limits.iter().map(|l| l.key).collect();
        self.take_turns(&mut tx, TurnSpace::Attempt, &keys).await?;
        for (i, limit) in limits.iter().enumerate() {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM login_failures WHERE key_hash = $1 AND at >= $2",
            )
            .bind(limit.key)
            .bind(to_secs(since))
            .fetch_one(&mut *tx)
            .await?;
            if count(n) >= limit.max {
                tx.rollback().await?;
                return Ok(Attempt::Refused(i));
            }
        }
        let mut ids = Vec::with_capacity(limits.len());
        for limit in limits {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO login_failures (key_hash, at) VALUES ($1, $2) RETURNING id",
            )
            .bind(limit.key)
            .bind(to_secs(at))
            .fetch_one(&mut *tx)
            .await?;
            ids.push(id);
        }
        // Attempts this old count for no limit; keep the table small while we are here.
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(to_secs(since).min(to_secs(at) - 86_400))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Attempt::Counted(AttemptTicket(ids)))
    }

    async fn release_attempt(&self, ticket: &AttemptTicket) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        for id in &ticket.0 {
            sqlx::query("DELETE FROM login_failures WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn login_failures_since(&self, key: &str, since: DateTime<Utc>) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_failures WHERE key_hash = $1 AND at >= $2",
        )
        .bind(key)
        .bind(to_secs(since))
        .fetch_one(self.pool())
        .await?;
        Ok(count(n))
    }

    async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_failures WHERE key_hash = $1")
            .bind(key)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn instance_secret(&self, name: &str, candidate: &str) -> StoreResult<String> {
        sqlx::query("INSERT INTO instance_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(candidate)
            .execute(self.pool())
            .await?;
        Ok(
            sqlx::query_scalar("SELECT value FROM instance_secrets WHERE name = $1")
                .bind(name)
                .fetch_one(self.pool())
                .await?,
        )
    }
}

const TOKEN_COLUMNS: &str = "id, user_id, name, created_at, expires_at, last_used_at, revoked_at";

fn token_from_row(row: &AnyRow) -> StoreResult<ApiToken> {
    let instant = |column: &str| -> StoreResult<Option<DateTime<Utc>>> {
        Ok(row.try_get::<Option<i64>, _>(column)?.map(from_secs))
    };
    Ok(ApiToken {
        id: ApiTokenId(row.try_get("id")?),
        user_id: UserId(row.try_get("user_id")?),
        name: row.try_get("name")?,
        created_at: from_secs(row.try_get("created_at")?),
        expires_at: instant("expires_at")?,
        last_used_at: instant("last_used_at")?,
        revoked_at: instant("revoked_at")?,
    })
}

/// Deletes a user's sessions but `keep`.
async fn end_sessions_on(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
    keep: Option<&str>,
) -> StoreResult<u64> {
    let done = match keep {
        Some(keep) => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
                .bind(user.0)
                .bind(keep)
                .execute(&mut *conn)
                .await?
        }
        None => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user.0)
                .execute(&mut *conn)
                .await?
        }
    };
    Ok(done.rows_affected())
}
