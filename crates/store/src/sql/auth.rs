//! Sessions, API tokens and login throttling.

use super::directory::user_from_row;
use super::{count, to_secs, SqlStore};
use crate::{ApiToken, AuthStore, StoreError, StoreResult, User};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use picket_domain::UserId;

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

    async fn create_api_token(
        &self,
        user: UserId,
        name: &str,
        token_hash: &str,
    ) -> StoreResult<ApiToken> {
        let now = Utc::now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(user.0)
        .bind(name.trim())
        .bind(token_hash)
        .bind(to_secs(now))
        .fetch_one(self.pool())
        .await
        .map_err(|e| StoreError::conflict_on(e, "token"))?;
        Ok(ApiToken {
            id,
            user_id: user,
            name: name.trim().to_string(),
            created_at: super::from_secs(to_secs(now)),
        })
    }

    async fn api_token_user(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<User> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.display_name, u.password_hash, u.created_at \
             FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
        )
        .bind(token_hash)
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

    async fn record_login_failure(&self, keys: &[&str], at: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        for key in keys {
            sqlx::query("INSERT INTO login_failures (key_hash, at) VALUES ($1, $2)")
                .bind(*key)
                .bind(to_secs(at))
                .execute(&mut *tx)
                .await?;
        }
        // Old failures no longer count; keep the table small while we are here.
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(to_secs(at) - 86_400)
            .execute(&mut *tx)
            .await?;
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
