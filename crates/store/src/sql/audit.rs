//! The audit log.

use super::{count, from_secs, to_secs, SqlStore};
use crate::{AuditEntry, AuditFilter, AuditStore, NewAuditEntry, Page, PageRequest, StoreResult};
use async_trait::async_trait;
use chrono::Utc;
use picket_domain::{BranchId, UserId};
use sqlx::Row;

#[async_trait]
impl AuditStore for SqlStore {
    async fn audit(&self, entry: NewAuditEntry) -> StoreResult<()> {
        let mut conn = self.pool().acquire().await?;
        audit_on(&mut conn, entry).await
    }

    async fn audit_entries(
        &self,
        branch: Option<BranchId>,
        page: PageRequest,
    ) -> StoreResult<Page<AuditEntry>> {
        // `branch_id = $1 OR $1 IS NULL` would need a typed NULL on PostgreSQL; two shapes are clearer.
        let filter = if branch.is_some() {
            "WHERE a.branch_id = $1"
        } else {
            "WHERE $1 = 0"
        };
        let key = branch.map_or(0, |b| b.0);
        let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM audit_log a {filter}"))
            .bind(key)
            .fetch_one(self.pool())
            .await?;
        let rows = sqlx::query(&format!(
            "SELECT a.id, a.at, a.actor_id, u.email AS actor_email, a.branch_id, a.action, a.subject, \
             a.detail, a.request_id FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id {filter} \
             ORDER BY a.id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(key)
        .bind(i64::from(page.per_page))
        .bind(page.offset())
        .fetch_all(self.pool())
        .await?;
        let items = rows
            .iter()
            .map(|row| {
                Ok(AuditEntry {
                    id: row.try_get("id")?,
                    at: from_secs(row.try_get("at")?),
                    actor: row.try_get::<Option<i64>, _>("actor_id")?.map(UserId),
                    actor_email: row.try_get("actor_email")?,
                    branch: row.try_get::<Option<i64>, _>("branch_id")?.map(BranchId),
                    action: row.try_get("action")?,
                    subject: row.try_get("subject")?,
                    detail: row.try_get("detail")?,
                    request_id: row.try_get("request_id")?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page {
            items,
            page: page.page,
            per_page: page.per_page,
            total: count(total),
        })
    }

    async fn audit_search(
        &self,
        branch: BranchId,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AuditEntry>> {
        let mut clause = String::from("a.branch_id = $1");
        let mut n = 1;
        if filter.actor.is_some() {
            n += 1;
            clause.push_str(&format!(" AND a.actor_id = ${n}"));
        }
        let prefix = filter.action_prefix.as_deref().map(|p| {
            let escaped = p
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("{escaped}%")
        });
        if prefix.is_some() {
            n += 1;
            clause.push_str(&format!(" AND a.action LIKE ${n} ESCAPE '\\'"));
        }
        let count_sql = format!("SELECT COUNT(*) FROM audit_log a WHERE {clause}");
        let mut count_query = sqlx::query_scalar::<_, i64>(&count_sql).bind(branch.0);
        if let Some(actor) = filter.actor {
            count_query = count_query.bind(actor.0);
        }
        if let Some(p) = &prefix {
            count_query = count_query.bind(p.as_str());
        }
        let total = count_query.fetch_one(self.pool()).await?;
        let list_sql = format!(
            "SELECT a.id, a.at, a.actor_id, u.email AS actor_email, a.branch_id, a.action, a.subject, \
             a.detail, a.request_id FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id WHERE {clause} \
             ORDER BY a.id DESC LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let mut list = sqlx::query(&list_sql).bind(branch.0);
        if let Some(actor) = filter.actor {
            list = list.bind(actor.0);
        }
        if let Some(p) = &prefix {
            list = list.bind(p.as_str());
        }
        let rows = list
            .bind(i64::from(page.per_page))
            .bind(page.offset())
            .fetch_all(self.pool())
            .await?;
        Ok(Page {
            items: rows
                .iter()
                .map(entry_from_row)
                .collect::<StoreResult<Vec<_>>>()?,
            page: page.page,
            per_page: page.per_page,
            total: count(total),
        })
    }
}

pub(super) fn entry_from_row(row: &sqlx::any::AnyRow) -> StoreResult<AuditEntry> {
    Ok(AuditEntry {
        id: row.try_get("id")?,
        at: from_secs(row.try_get("at")?),
        actor: row.try_get::<Option<i64>, _>("actor_id")?.map(UserId),
        actor_email: row.try_get("actor_email")?,
        branch: row.try_get::<Option<i64>, _>("branch_id")?.map(BranchId),
        action: row.try_get("action")?,
        subject: row.try_get("subject")?,
        detail: row.try_get("detail")?,
        request_id: row.try_get("request_id")?,
    })
}

/// Appends to the audit log on `conn`: inside a unit of work, with the change it records.
pub(crate) async fn audit_on(
    conn: &mut sqlx::AnyConnection,
    entry: NewAuditEntry,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, branch_id, action, subject, detail, request_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(to_secs(Utc::now()))
    .bind(entry.actor.map(|u| u.0))
    .bind(entry.branch.map(|b| b.0))
    .bind(entry.action)
    .bind(entry.subject)
    .bind(entry.detail)
    .bind(entry.request_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
