//! Retention rules applied in SQL: one statement per rule, the same text on both engines.

use super::{count, to_secs, SqlStore};
use crate::retention::{RetentionAction, RetentionRule, RetentionStore};
use crate::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

fn apply_sql(rule: &RetentionRule) -> String {
    match rule.action {
        RetentionAction::Delete => format!("DELETE FROM {} WHERE {}", rule.table, rule.past),
        RetentionAction::Clear(set) => {
            format!("UPDATE {} SET {set} WHERE {}", rule.table, rule.past)
        }
    }
}

#[async_trait]
impl RetentionStore for SqlStore {
    async fn retention_due(&self, rule: &RetentionRule, cutoff: DateTime<Utc>) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM {} WHERE {}",
            rule.table, rule.past
        ))
        .bind(to_secs(cutoff))
        .fetch_one(self.pool())
        .await?;
        Ok(count(n))
    }

    async fn apply_retention(
        &self,
        rules: &[(&RetentionRule, DateTime<Utc>)],
    ) -> StoreResult<Vec<u64>> {
        let mut tx = self.begin_write().await?;
        let mut counts = Vec::with_capacity(rules.len());
        for (rule, cutoff) in rules {
            let done = sqlx::query(&apply_sql(rule))
                .bind(to_secs(*cutoff))
                .execute(&mut *tx)
                .await?;
            counts.push(done.rows_affected());
        }
        let detail = rules
            .iter()
            .zip(&counts)
            .map(|((rule, _), n)| format!("{}={n}", rule.kind))
            .collect::<Vec<_>>()
            .join(" ");
        sqlx::query(
            "INSERT INTO audit_log (at, actor_id, branch_id, action, subject, detail, request_id) \
             VALUES ($1, NULL, NULL, 'retention.run', NULL, $2, NULL)",
        )
        .bind(to_secs(Utc::now()))
        .bind(detail)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(counts)
    }
}
