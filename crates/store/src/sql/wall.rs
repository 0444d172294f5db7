//! The solidarity wall.

use super::{corrupt, count, from_secs, to_secs, SqlStore, SqlWork, TurnSpace};
use crate::wall::{
    Moderated, Moderation, NewWallMessage, WallCounts, WallFilter, WallMessage, WallPostLimits,
    WallStatus, WallStore, WallSubmitted, WallWrites,
};
use crate::{Backend, Page, PageRequest, StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use picket_domain::wall::{Pledge, SenderKind};
use picket_domain::{BranchId, UserId, WallMessageId};
use sqlx::any::AnyRow;
use sqlx::Row;

const COLUMNS: &str =
    "id, branch_id, name, organisation, kind, message, original, email, consent, \
    pledge_kind, pledge_pence, status, featured, created_at, moderated_at, followed_up_at";

fn from_row(row: &AnyRow) -> StoreResult<WallMessage> {
    let kind: String = row.try_get("kind")?;
    let status: String = row.try_get("status")?;
    let pledge_kind: Option<String> = row.try_get("pledge_kind")?;
    Ok(WallMessage {
        id: WallMessageId(row.try_get("id")?),
        branch_id: BranchId(row.try_get("branch_id")?),
        name: row.try_get("name")?,
        organisation: row.try_get("organisation")?,
        kind: kind
            .parse::<SenderKind>()
            .map_err(|_| corrupt("sender kind", &kind))?,
        message: row.try_get("message")?,
        original: row.try_get("original")?,
        email: row.try_get("email")?,
        consent: row.try_get::<i64, _>("consent")? != 0,
        pledge: pledge_kind
            .and_then(|k| Pledge::from_parts(&k, row.try_get("pledge_pence").ok().flatten())),
        status: WallStatus::parse(&status).ok_or_else(|| corrupt("wall status", &status))?,
        featured: row.try_get::<i64, _>("featured")? != 0,
        created_at: from_secs(row.try_get("created_at")?),
        moderated_at: row
            .try_get::<Option<i64>, _>("moderated_at")?
            .map(from_secs),
        followed_up_at: row
            .try_get::<Option<i64>, _>("followed_up_at")?
            .map(from_secs),
    })
}

#[async_trait]
impl WallStore for SqlStore {
    async fn wall_messages(
        &self,
        branch: BranchId,
        filter: WallFilter,
        page: PageRequest,
    ) -> StoreResult<Page<WallMessage>> {
        let mut clause = String::from("branch_id = $1");
        let mut binds = Vec::new();
        for (column, value) in [
            ("status", filter.status.map(WallStatus::as_str)),
            ("kind", filter.kind.map(SenderKind::as_str)),
        ] {
            if let Some(value) = value {
                binds.push(value);
                clause.push_str(&format!(" AND {column} = ${}", binds.len() + 1));
            }
        }
        let count_sql = format!("SELECT COUNT(*) FROM wall_messages WHERE {clause}");
        let mut count_query = sqlx::query_scalar::<_, i64>(&count_sql).bind(branch.0);
        for value in &binds {
            count_query = count_query.bind(*value);
        }
        let total = count_query.fetch_one(self.pool()).await?;
        let n = binds.len();
        let list_sql = format!(
            "SELECT {COLUMNS} FROM wall_messages WHERE {clause} ORDER BY featured DESC, id DESC LIMIT ${} OFFSET ${}",
            n + 2,
            n + 3
        );
        let mut list_query = sqlx::query(&list_sql).bind(branch.0);
        for value in &binds {
            list_query = list_query.bind(*value);
        }
        let rows = list_query
            .bind(i64::from(page.per_page))
            .bind(page.offset())
            .fetch_all(self.pool())
            .await?;
        Ok(Page {
            items: rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?,
            page: page.page,
            per_page: page.per_page,
            total: count(total),
        })
    }

    async fn newest_approved_wall(
        &self,
        branch: BranchId,
        limit: u32,
    ) -> StoreResult<Vec<WallMessage>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM wall_messages WHERE branch_id = $1 AND status = 'approved' ORDER BY id DESC LIMIT $2"
        ))
        .bind(branch.0)
        .bind(i64::from(limit.clamp(1, 200)))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }

    async fn wall_message(&self, branch: BranchId, id: WallMessageId) -> StoreResult<WallMessage> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM wall_messages WHERE branch_id = $1 AND id = $2"
        ))
        .bind(branch.0)
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    async fn wall_counts(&self, branch: BranchId) -> StoreResult<WallCounts> {
        let rows = sqlx::query(
            "SELECT status, COUNT(*) AS n FROM wall_messages WHERE branch_id = $1 GROUP BY status",
        )
        .bind(branch.0)
        .fetch_all(self.pool())
        .await?;
        let mut counts = WallCounts::default();
        for row in rows {
            let status: String = row.try_get("status")?;
            let n = count(row.try_get("n")?);
            match WallStatus::parse(&status) {
                Some(WallStatus::Pending) => counts.pending = n,
                Some(WallStatus::Approved) => counts.approved = n,
                Some(WallStatus::Rejected) => counts.rejected = n,
                Some(WallStatus::Spam) => counts.spam = n,
                None => return Err(corrupt("wall status", &status)),
            }
        }
        Ok(counts)
    }

    async fn wall_pledges(
        &self,
        branch: BranchId,
        open_only: bool,
        page: PageRequest,
    ) -> StoreResult<Page<WallMessage>> {
        let clause =
            format!(
            "branch_id = $1 AND pledge_kind IS NOT NULL AND status IN ('pending', 'approved'){}",
            if open_only { " AND followed_up_at IS NULL" } else { "" }
        );
        let total: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM wall_messages WHERE {clause}"
        ))
        .bind(branch.0)
        .fetch_one(self.pool())
        .await?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM wall_messages WHERE {clause} ORDER BY id LIMIT $2 OFFSET $3"
        ))
        .bind(branch.0)
        .bind(i64::from(page.per_page))
        .bind(page.offset())
        .fetch_all(self.pool())
        .await?;
        Ok(Page {
            items: rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?,
            page: page.page,
            per_page: page.per_page,
            total: count(total),
        })
    }
}

#[async_trait]
impl WallWrites for SqlWork {
    async fn submit_wall_message(
        &mut self,
        m: NewWallMessage,
        limits: WallPostLimits,
    ) -> StoreResult<WallSubmitted> {
        let pence = match &m.post.pledge {
            Some(Pledge::Donation { pence }) => Some(pence.pence()),
            _ => None,
        };
        // Counted and inserted in the unit's transaction, which holds SQLite's write lock;
        // on PostgreSQL posts from one address, and posts of the same words, take turns.
        if let Some((most, since)) = limits.per_address {
            self.store
                .take_turn(&mut self.tx, TurnSpace::WallAddress, &m.ip_hash)
                .await?;
            let recent: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM wall_messages WHERE ip_hash = $1 AND created_at >= $2",
            )
            .bind(&m.ip_hash)
            .bind(to_secs(since))
            .fetch_one(self.conn())
            .await?;
            if count(recent) >= most {
                return Ok(WallSubmitted::TooManyFromAddress {
                    recent: count(recent),
                });
            }
        }
        if let Some(since) = limits.duplicates_since {
            let turn = format!("{}:{}", m.branch.0, m.content_key);
            self.store
                .take_turn(&mut self.tx, TurnSpace::WallContent, &turn)
                .await?;
            let same: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM wall_messages WHERE branch_id = $1 AND content_key = $2 AND created_at >= $3",
            )
            .bind(m.branch.0)
            .bind(&m.content_key)
            .bind(to_secs(since))
            .fetch_one(self.conn())
            .await?;
            if same > 0 {
                return Ok(WallSubmitted::Duplicate);
            }
        }
        let id = sqlx::query_scalar(
            "INSERT INTO wall_messages (branch_id, name, organisation, kind, message, email, consent, \
             pledge_kind, pledge_pence, status, featured, content_key, ip_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $13) RETURNING id",
        )
        .bind(m.branch.0)
        .bind(&m.post.name)
        .bind(m.post.organisation.as_deref())
        .bind(m.post.kind.as_str())
        .bind(&m.post.message)
        .bind(m.post.email.as_ref().map(|e| e.as_str().to_string()))
        .bind(i64::from(m.post.consent))
        .bind(m.post.pledge.as_ref().map(Pledge::kind))
        .bind(pence)
        .bind(m.status.as_str())
        .bind(&m.content_key)
        .bind(&m.ip_hash)
        .bind(to_secs(Utc::now()))
        .fetch_one(self.conn())
        .await?;
        Ok(WallSubmitted::Stored(WallMessageId(id)))
    }

    async fn moderate_wall_message(
        &mut self,
        branch: BranchId,
        id: WallMessageId,
        action: &Moderation,
        moderator: UserId,
    ) -> StoreResult<Moderated> {
        // The row is held from this read to the commit (SQLite: the unit's write lock), so a
        // second moderator's decision is applied after this one and reads its outcome.
        let lock = match self.store.backend {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        };
        let before: String = sqlx::query_scalar(&format!(
            "SELECT status FROM wall_messages WHERE branch_id = $1 AND id = $2{lock}"
        ))
        .bind(branch.0)
        .bind(id.0)
        .fetch_optional(self.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
        let before = WallStatus::parse(&before).ok_or_else(|| corrupt("wall status", &before))?;
        let now = to_secs(Utc::now());
        let query = match action {
            Moderation::Approve | Moderation::Reject | Moderation::Spam => {
                let status = match action {
                    Moderation::Approve => WallStatus::Approved,
                    Moderation::Reject => WallStatus::Rejected,
                    _ => WallStatus::Spam,
                };
                sqlx::query("UPDATE wall_messages SET status = $1, moderated_at = $2, moderated_by = $3 WHERE branch_id = $4 AND id = $5")
                    .bind(status.as_str())
            }
            Moderation::Feature(on) => sqlx::query(
                "UPDATE wall_messages SET featured = $1, moderated_at = $2, moderated_by = $3 WHERE branch_id = $4 AND id = $5",
            )
            .bind(i64::from(*on)),
            Moderation::Edit(text) => sqlx::query(
                "UPDATE wall_messages SET original = COALESCE(original, message), message = $1, edited_at = $2, \
                 moderated_by = $3 WHERE branch_id = $4 AND id = $5",
            )
            .bind(text.trim().to_string()),
        };
        let done = query
            .bind(now)
            .bind(moderator.0)
            .bind(branch.0)
            .bind(id.0)
            .execute(self.conn())
            .await?;
        super::found(&done)?;
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM wall_messages WHERE branch_id = $1 AND id = $2"
        ))
        .bind(branch.0)
        .bind(id.0)
        .fetch_one(self.conn())
        .await?;
        Ok(Moderated {
            before,
            message: from_row(&row)?,
        })
    }

    async fn set_followed_up(
        &mut self,
        branch: BranchId,
        id: WallMessageId,
        user: UserId,
        done: bool,
    ) -> StoreResult<()> {
        let done_at = done.then(|| to_secs(Utc::now()));
        let who = done.then_some(user.0);
        let changed = sqlx::query(
            "UPDATE wall_messages SET followed_up_at = $1, followed_up_by = $2 \
             WHERE branch_id = $3 AND id = $4 AND pledge_kind IS NOT NULL",
        )
        .bind(done_at)
        .bind(who)
        .bind(branch.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        super::found(&changed)
    }

    async fn set_wall_message_posted(
        &mut self,
        branch: BranchId,
        id: WallMessageId,
        posted: DateTime<Utc>,
        moderated_after: chrono::Duration,
    ) -> StoreResult<()> {
        let changed = sqlx::query(
            "UPDATE wall_messages SET created_at = $1,              moderated_at = CASE WHEN moderated_at IS NULL THEN NULL ELSE $2 END              WHERE branch_id = $3 AND id = $4",
        )
        .bind(to_secs(posted))
        .bind(to_secs(posted + moderated_after))
        .bind(branch.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        super::found(&changed)
    }
}
