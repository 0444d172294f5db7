//! Branches, users and memberships.

use super::{corrupt, count, from_secs, to_secs, SqlStore, SqlWork};
use crate::{
    Branch, BranchUser, DirectoryStore, DirectoryWrites, Membership, NewBranchUser, Page,
    PageRequest, StoreError, StoreResult, User,
};
use async_trait::async_trait;
use chrono::Utc;
use picket_domain::{BranchId, Division, Email, Role, Slug, UserId};
use sqlx::any::AnyRow;
use sqlx::Row;

const BRANCH_COLUMNS: &str = "b.id, b.slug, b.name, b.division, b.created_at";
const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.password_hash, u.created_at";

pub(crate) fn branch_from_row(row: &AnyRow) -> StoreResult<Branch> {
    let division: String = row.try_get("division")?;
    Ok(Branch {
        id: BranchId(row.try_get("id")?),
        slug: row.try_get("slug")?,
        name: row.try_get("name")?,
        division: division
            .parse::<Division>()
            .map_err(|_| corrupt("division", &division))?,
        created_at: from_secs(row.try_get("created_at")?),
    })
}

pub(crate) fn user_from_row(row: &AnyRow) -> StoreResult<User> {
    Ok(User {
        id: UserId(row.try_get("id")?),
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        password_hash: row.try_get("password_hash")?,
        created_at: from_secs(row.try_get("created_at")?),
    })
}

fn role_from_row(row: &AnyRow) -> StoreResult<Role> {
    let role: String = row.try_get("role")?;
    role.parse().map_err(|_| corrupt("role", &role))
}

/// Inserts a user.
async fn insert_user(
    conn: &mut sqlx::AnyConnection,
    email: &Email,
    display_name: &str,
    password_hash: Option<&str>,
) -> StoreResult<User> {
    let row = sqlx::query(
        "INSERT INTO users (email, display_name, password_hash, created_at) VALUES ($1, $2, $3, $4) \
         RETURNING id, email, display_name, password_hash, created_at",
    )
    .bind(email.as_str())
    .bind(display_name.trim())
    .bind(password_hash)
    .bind(to_secs(Utc::now()))
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| StoreError::conflict_on(e, "email"))?;
    user_from_row(&row)
}

/// Gives a user a role in a branch, replacing a role they had there if it
/// is not above `authority` (and, below `Admin`, if they are not an instance admin). The
/// check is part of the upsert, on the row it replaces, so no change slips in between a check
/// and the write. Whether the role was given.
async fn upsert_membership(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
    branch: BranchId,
    role: Role,
    authority: Role,
) -> StoreResult<bool> {
    if role > authority {
        return Ok(false);
    }
    // Role names are Picket's own constants, not input.
    let replaceable = Role::ALL
        .into_iter()
        .filter(|r| *r <= authority)
        .map(|r| format!("'{}'", r.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let not_an_admin = if authority < Role::Admin {
        " AND NOT EXISTS (SELECT 1 FROM memberships a \
           WHERE a.user_id = memberships.user_id AND a.role = 'admin')"
    } else {
        ""
    };
    let done = sqlx::query(&format!(
        "INSERT INTO memberships (user_id, branch_id, role, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id, branch_id) DO UPDATE SET role = excluded.role \
         WHERE memberships.role IN ({replaceable}){not_an_admin}"
    ))
    .bind(user.0)
    .bind(branch.0)
    .bind(role.as_str())
    .bind(to_secs(Utc::now()))
    .execute(&mut *conn)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        _ => e.into(),
    })?;
    Ok(done.rows_affected() > 0)
}

#[async_trait]
impl DirectoryWrites for SqlWork {
    async fn create_branch(
        &mut self,
        slug: &Slug,
        name: &str,
        division: Division,
    ) -> StoreResult<Branch> {
        let row = sqlx::query(
            "INSERT INTO branches (slug, name, division, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id, slug, name, division, created_at",
        )
        .bind(slug.as_str())
        .bind(name.trim())
        .bind(division.as_str())
        .bind(to_secs(Utc::now()))
        .fetch_one(self.conn())
        .await
        .map_err(|e| StoreError::conflict_on(e, "branch slug"))?;
        branch_from_row(&row)
    }

    async fn create_user(
        &mut self,
        email: &Email,
        display_name: &str,
        password_hash: Option<&str>,
    ) -> StoreResult<User> {
        insert_user(self.conn(), email, display_name, password_hash).await
    }

    async fn set_membership(
        &mut self,
        user: UserId,
        branch: BranchId,
        role: Role,
    ) -> StoreResult<()> {
        upsert_membership(self.conn(), user, branch, role, Role::Admin).await?;
        Ok(())
    }

    async fn add_branch_user(
        &mut self,
        email: &Email,
        display_name: &str,
        password_hash: Option<&str>,
        branch: BranchId,
        role: Role,
    ) -> StoreResult<(User, bool)> {
        let added = self
            .add_branch_user_within(NewBranchUser {
                email,
                display_name,
                password_hash,
                branch,
                role,
                authority: Role::Admin,
            })
            .await?;
        // With the highest authority nothing is refused.
        added.ok_or_else(|| corrupt("membership", "refused to an admin"))
    }

    async fn add_branch_user_within(
        &mut self,
        request: NewBranchUser<'_>,
    ) -> StoreResult<Option<(User, bool)>> {
        if request.role > request.authority {
            return Ok(None);
        }
        let existing = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE lower(u.email) = lower($1)"
        ))
        .bind(request.email.as_str())
        .fetch_optional(self.conn())
        .await?;
        // A new account has no role to replace, so only an existing one can be refused
        // below, and then nothing has been written.
        let (user, created) = match existing {
            Some(row) => (user_from_row(&row)?, false),
            None => (
                insert_user(
                    self.conn(),
                    request.email,
                    request.display_name,
                    request.password_hash,
                )
                .await?,
                true,
            ),
        };
        let given = upsert_membership(
            self.conn(),
            user.id,
            request.branch,
            request.role,
            request.authority,
        )
        .await?;
        Ok(given.then_some((user, created)))
    }
}

#[async_trait]
impl DirectoryStore for SqlStore {
    async fn branch_by_slug(&self, slug: &str) -> StoreResult<Branch> {
        let row = sqlx::query(&format!(
            "SELECT {BRANCH_COLUMNS} FROM branches b WHERE b.slug = $1"
        ))
        .bind(slug)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        branch_from_row(&row)
    }

    async fn list_branches(&self) -> StoreResult<Vec<Branch>> {
        sqlx::query(&format!(
            "SELECT {BRANCH_COLUMNS} FROM branches b ORDER BY b.name, b.id"
        ))
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(branch_from_row)
        .collect()
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<User> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE lower(u.email) = lower($1)"
        ))
        .bind(email.trim())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        user_from_row(&row)
    }

    async fn user_by_id(&self, id: UserId) -> StoreResult<User> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"
        ))
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        user_from_row(&row)
    }

    async fn memberships_of(&self, user: UserId) -> StoreResult<Vec<Membership>> {
        sqlx::query(&format!(
            "SELECT {BRANCH_COLUMNS}, m.role FROM memberships m JOIN branches b ON b.id = m.branch_id \
             WHERE m.user_id = $1 ORDER BY b.name, b.id"
        ))
        .bind(user.0)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|row| {
            Ok(Membership {
                branch: branch_from_row(row)?,
                role: role_from_row(row)?,
            })
        })
        .collect()
    }

    async fn branch_users(
        &self,
        branch: BranchId,
        page: PageRequest,
    ) -> StoreResult<Page<BranchUser>> {
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE branch_id = $1")
                .bind(branch.0)
                .fetch_one(self.pool())
                .await?;
        let items = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, m.role FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE m.branch_id = $1 ORDER BY u.display_name, u.id LIMIT $2 OFFSET $3"
        ))
        .bind(branch.0)
        .bind(i64::from(page.per_page))
        .bind(page.offset())
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|row| {
            Ok(BranchUser {
                user: user_from_row(row)?,
                role: role_from_row(row)?,
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
}
