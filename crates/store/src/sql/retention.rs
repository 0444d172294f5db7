//! Retention rules applied in SQL: one statement per rule, the same text on both engines.

use super::{count, to_secs, SqlStore, SqlWork};
use crate::retention::{RetentionAction, RetentionRule, RetentionStore, RetentionWrites};
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
}

#[async_trait]
impl RetentionWrites for SqlWork {
    async fn apply_retention(
        &mut self,
        rules: &[(&RetentionRule, DateTime<Utc>)],
    ) -> StoreResult<Vec<u64>> {
        let mut counts = Vec::with_capacity(rules.len());
        for (rule, cutoff) in rules {
            let done = sqlx::query(&apply_sql(rule))
                .bind(to_secs(*cutoff))
                .execute(self.conn())
                .await?;
            counts.push(done.rows_affected());
        }
        Ok(counts)
    }
}
