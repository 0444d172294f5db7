//! Members, teams and the reps' teams. The import is in `members_import.rs`.

use super::decode::{date_text, is_set, opt_date, parsed};
use super::{corrupt, count, from_secs, to_secs, SqlStore, SqlWork};
use crate::members::{
    ImportLease, ImportOptions, ImportOutcome, ImportProgress, ImportRun, Member, MemberFilter,
    MemberStore, MemberWrites, Team,
};
use crate::{AuditEntry, Page, PageRequest, StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use picket_domain::members::import::{ColumnMap, ParsedFile};
use picket_domain::members::{ContactPreferences, MemberDetails, MemberField, MembershipNumber};
use picket_domain::{BranchId, ImportRunId, MemberId, TeamId, UserId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// The columns [`member_from_row`] reads, over `members m LEFT JOIN teams t`.
pub(super) const MEMBER_COLUMNS: &str =
    "m.id, m.branch_id, m.membership_number, m.name, m.email, m.phone, m.employer, m.team_id, \
     t.name AS team_name, m.workplace, m.job_title, m.daily_pay_pence, m.is_rep, m.contact_email, \
     m.contact_phone, m.consent_wording, m.consent_date, m.joined_on, m.left_on, m.user_id, m.created_at, \
     m.updated_at, m.erased_at";

/// The `FROM` clause that goes with [`MEMBER_COLUMNS`].
pub(super) const MEMBER_FROM: &str = "members m LEFT JOIN teams t ON t.id = m.team_id";

pub(super) fn details_from_row(row: &AnyRow) -> StoreResult<MemberDetails> {
    let email: Option<String> = row.try_get("email")?;
    let phone: Option<String> = row.try_get("phone")?;
    Ok(MemberDetails {
        membership_number: parsed(row, "membership_number")?,
        name: row.try_get("name")?,
        email: email
            .map(|e| e.parse().map_err(|_| corrupt("member email", "(hidden)")))
            .transpose()?,
        phone: phone
            .map(|p| p.parse().map_err(|_| corrupt("member phone", "(hidden)")))
            .transpose()?,
        employer: row.try_get("employer")?,
        workplace: row.try_get("workplace")?,
        job_title: row.try_get("job_title")?,
        daily_pay_pence: row.try_get("daily_pay_pence")?,
        is_rep: is_set(row, "is_rep")?,
        contact: ContactPreferences {
            by_email: is_set(row, "contact_email")?,
            by_phone: is_set(row, "contact_phone")?,
            consent_wording: row.try_get("consent_wording")?,
            consent_date: opt_date(row, "consent_date")?,
        },
        joined_on: opt_date(row, "joined_on")?,
        left_on: opt_date(row, "left_on")?,
    })
}

pub(super) fn member_from_row(row: &AnyRow) -> StoreResult<Member> {
    Ok(Member {
        id: MemberId(row.try_get("id")?),
        branch_id: BranchId(row.try_get("branch_id")?),
        details: details_from_row(row)?,
        team_id: row.try_get::<Option<i64>, _>("team_id")?.map(TeamId),
        team_name: row.try_get("team_name")?,
        user_id: row.try_get::<Option<i64>, _>("user_id")?.map(UserId),
        created_at: from_secs(row.try_get("created_at")?),
        updated_at: from_secs(row.try_get("updated_at")?),
        erased_at: row.try_get::<Option<i64>, _>("erased_at")?.map(from_secs),
    })
}

pub(super) fn team_from_row(row: &AnyRow) -> StoreResult<Team> {
    Ok(Team {
        id: TeamId(row.try_get("id")?),
        branch_id: BranchId(row.try_get("branch_id")?),
        name: row.try_get("name")?,
        workplace: row.try_get("workplace")?,
        created_at: from_secs(row.try_get("created_at")?),
    })
}

/// A value bound to a query built at run time.
enum Arg {
    Int(i64),
    Text(String),
}

/// The `WHERE` clause for a filter (after `m.branch_id = $1`) and its values.
fn filter_clause(filter: &MemberFilter) -> (String, Vec<Arg>) {
    let mut clause = String::from("m.branch_id = $1");
    let mut args = Vec::new();
    if !filter.include_erased {
        clause.push_str(" AND m.erased_at IS NULL");
    }
    if let Some(query) = filter
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
    {
        let escaped = query
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        let mut parts = Vec::new();
        for column in ["m.name", "m.membership_number", "m.email"] {
            args.push(Arg::Text(pattern.clone()));
            parts.push(format!(
                "lower(COALESCE({column}, '')) LIKE ${} ESCAPE '\\'",
                args.len() + 1
            ));
        }
        clause.push_str(&format!(" AND ({})", parts.join(" OR ")));
    }
    if let Some(teams) = &filter.teams {
        if teams.is_empty() {
            clause.push_str(" AND 1 = 0");
        } else {
            let mut marks = Vec::new();
            for team in teams {
                args.push(Arg::Int(team.0));
                marks.push(format!("${}", args.len() + 1));
            }
            clause.push_str(&format!(" AND m.team_id IN ({})", marks.join(", ")));
        }
    }
    (clause, args)
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    args: &'q [Arg],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for arg in args {
        query = match arg {
            Arg::Int(i) => query.bind(*i),
            Arg::Text(s) => query.bind(s.as_str()),
        };
    }
    query
}

/// One member of the branch, on a connection or in the unit's transaction.
pub(super) async fn member_on(
    conn: &mut AnyConnection,
    branch: BranchId,
    id: MemberId,
) -> StoreResult<Member> {
    let row = sqlx::query(&format!(
        "SELECT {MEMBER_COLUMNS} FROM {MEMBER_FROM} WHERE m.branch_id = $1 AND m.id = $2"
    ))
    .bind(branch.0)
    .bind(id.0)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    member_from_row(&row)
}

#[async_trait]
impl MemberWrites for SqlWork {
    async fn create_team(
        &mut self,
        branch: BranchId,
        name: &str,
        workplace: Option<&str>,
    ) -> StoreResult<Team> {
        let row = sqlx::query(
            "INSERT INTO teams (branch_id, name, workplace, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id, branch_id, name, workplace, created_at",
        )
        .bind(branch.0)
        .bind(name.trim())
        .bind(workplace.map(str::trim).filter(|w| !w.is_empty()))
        .bind(to_secs(Utc::now()))
        .fetch_one(self.conn())
        .await
        .map_err(|e| StoreError::conflict_on(e, "team name"))?;
        team_from_row(&row)
    }

    async fn create_missing_teams(
        &mut self,
        branch: BranchId,
        names: &[String],
    ) -> StoreResult<Vec<Team>> {
        let existing: Vec<String> =
            sqlx::query_scalar("SELECT name FROM teams WHERE branch_id = $1")
                .bind(branch.0)
                .fetch_all(self.conn())
                .await?;
        let mut known: Vec<String> = existing.iter().map(|n| n.to_lowercase()).collect();
        let mut added = Vec::new();
        for name in names {
            let name = name.trim();
            if name.is_empty() || known.contains(&name.to_lowercase()) {
                continue;
            }
            known.push(name.to_lowercase());
            added.push(self.create_team(branch, name, None).await?);
        }
        Ok(added)
    }

    async fn set_rep_teams(
        &mut self,
        branch: BranchId,
        user: UserId,
        teams: &[TeamId],
    ) -> StoreResult<()> {
        sqlx::query("DELETE FROM rep_teams WHERE branch_id = $1 AND user_id = $2")
            .bind(branch.0)
            .bind(user.0)
            .execute(self.conn())
            .await?;
        let mut teams = teams.to_vec();
        teams.sort_unstable();
        teams.dedup();
        let now = to_secs(Utc::now());
        for team in teams {
            // The team must be the branch's and the user must hold a role there: no row of
            // theirs, nothing inserted.
            let added: Option<i64> = sqlx::query_scalar(
                "INSERT INTO rep_teams (branch_id, user_id, team_id, created_at) \
                 SELECT t.branch_id, m.user_id, t.id, $4 FROM teams t \
                 JOIN memberships m ON m.branch_id = t.branch_id AND m.user_id = $2 \
                 WHERE t.branch_id = $1 AND t.id = $3 RETURNING team_id",
            )
            .bind(branch.0)
            .bind(user.0)
            .bind(team.0)
            .bind(now)
            .fetch_optional(self.conn())
            .await?;
            added.ok_or(StoreError::NotFound)?;
        }
        Ok(())
    }

    async fn create_member(
        &mut self,
        branch: BranchId,
        d: &MemberDetails,
        team: Option<TeamId>,
    ) -> StoreResult<Member> {
        let now = to_secs(Utc::now());
        // A team of another branch matches no row, and so inserts nothing.
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO members (branch_id, membership_number, name, email, phone, employer, team_id, \
             workplace, job_title, daily_pay_pence, is_rep, contact_email, contact_phone, \
             consent_wording, consent_date, joined_on, left_on, created_at, updated_at) \
             SELECT b.id, $2, $3, $4, $5, $6, t.id, $8, $9, $10, $11, $12, $13, $14, $15, $17, $18, \
             $16, $16 \
             FROM branches b LEFT JOIN teams t ON t.branch_id = b.id AND t.id = $7 \
             WHERE b.id = $1 AND ($7 IS NULL OR t.id IS NOT NULL) RETURNING id",
        )
        .bind(branch.0)
        .bind(d.membership_number.as_str())
        .bind(d.name.trim())
        .bind(d.email.as_ref().map(|e| e.as_str().to_string()))
        .bind(d.phone.as_ref().map(|p| p.as_str().to_string()))
        .bind(d.employer.clone())
        .bind(team.map(|t| t.0))
        .bind(d.workplace.clone())
        .bind(d.job_title.clone())
        .bind(d.daily_pay_pence)
        .bind(i64::from(d.is_rep))
        .bind(i64::from(d.contact.by_email))
        .bind(i64::from(d.contact.by_phone))
        .bind(d.contact.consent_wording.clone())
        .bind(date_text(d.contact.consent_date))
        .bind(now)
        .bind(date_text(d.joined_on))
        .bind(date_text(d.left_on))
        .fetch_optional(self.conn())
        .await
        .map_err(|e| StoreError::conflict_on(e, "membership number"))?;
        let id = MemberId(id.ok_or(StoreError::NotFound)?);
        member_on(self.conn(), branch, id).await
    }

    async fn update_member(
        &mut self,
        branch: BranchId,
        id: MemberId,
        details: &MemberDetails,
        team: Option<TeamId>,
        actor: Option<UserId>,
    ) -> StoreResult<Vec<MemberField>> {
        super::member_edits::update_member_on(self.conn(), branch, id, details, team, actor).await
    }

    async fn link_member_user(
        &mut self,
        branch: BranchId,
        id: MemberId,
        user: Option<UserId>,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE members SET user_id = $1, updated_at = $2 WHERE branch_id = $3 AND id = $4",
        )
        .bind(user.map(|u| u.0))
        .bind(to_secs(Utc::now()))
        .bind(branch.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    async fn import_members(
        &mut self,
        branch: BranchId,
        file: &ParsedFile,
        options: &ImportOptions,
        progress: ImportProgress<'_>,
    ) -> StoreResult<ImportOutcome> {
        let backend = self.store.backend;
        super::members_import::import_members_on(
            self.conn(),
            backend,
            branch,
            file,
            options,
            progress,
        )
        .await
    }

    async fn start_import_run(
        &mut self,
        branch: BranchId,
        user: UserId,
        dry_run: bool,
        rows_total: u64,
        lease: &ImportLease,
    ) -> StoreResult<ImportRunId> {
        super::members_import::start_import_run_on(
            self.conn(),
            branch,
            user,
            dry_run,
            rows_total,
            lease,
        )
        .await
    }

    async fn finish_import_run(
        &mut self,
        branch: BranchId,
        id: ImportRunId,
        result: Result<&ImportOutcome, &str>,
    ) -> StoreResult<()> {
        super::members_import::finish_import_run_on(self.conn(), branch, id, result).await
    }
}

#[async_trait]
impl MemberStore for SqlStore {
    async fn teams(&self, branch: BranchId) -> StoreResult<Vec<Team>> {
        let rows = sqlx::query(
            "SELECT id, branch_id, name, workplace, created_at FROM teams WHERE branch_id = $1 \
             ORDER BY lower(name), id",
        )
        .bind(branch.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(team_from_row).collect()
    }

    async fn rep_team_ids(&self, branch: BranchId, user: UserId) -> StoreResult<Vec<TeamId>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT team_id FROM rep_teams WHERE branch_id = $1 AND user_id = $2 ORDER BY team_id",
        )
        .bind(branch.0)
        .bind(user.0)
        .fetch_all(self.pool())
        .await?;
        Ok(ids.into_iter().map(TeamId).collect())
    }

    async fn member(&self, branch: BranchId, id: MemberId) -> StoreResult<Member> {
        let mut conn = self.pool().acquire().await?;
        member_on(&mut conn, branch, id).await
    }

    async fn member_for_user(&self, branch: BranchId, user: UserId) -> StoreResult<Option<Member>> {
        let row = sqlx::query(&format!(
            "SELECT {MEMBER_COLUMNS} FROM {MEMBER_FROM} WHERE m.branch_id = $1 AND m.user_id = $2 \
             AND m.erased_at IS NULL ORDER BY m.id LIMIT 1"
        ))
        .bind(branch.0)
        .bind(user.0)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(member_from_row).transpose()
    }

    async fn search_members(
        &self,
        branch: BranchId,
        filter: &MemberFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Member>> {
        let (clause, args) = filter_clause(filter);
        let sql = format!("SELECT COUNT(*) FROM members m WHERE {clause}");
        let total: i64 = bind_all(sqlx::query(&sql).bind(branch.0), &args)
            .fetch_one(self.pool())
            .await?
            .try_get(0)?;
        let n = args.len();
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM {MEMBER_FROM} WHERE {clause} ORDER BY lower(m.name), m.id \
             LIMIT ${} OFFSET ${}",
            n + 2,
            n + 3
        );
        let rows = bind_all(sqlx::query(&sql).bind(branch.0), &args)
            .bind(i64::from(page.per_page))
            .bind(page.offset())
            .fetch_all(self.pool())
            .await?;
        Ok(Page {
            total: count(total),
            items: rows
                .iter()
                .map(member_from_row)
                .collect::<StoreResult<Vec<_>>>()?,
            page: page.page,
            per_page: page.per_page,
        })
    }

    async fn export_members(
        &self,
        branch: BranchId,
        filter: &MemberFilter,
        after: Option<&MembershipNumber>,
        limit: u32,
    ) -> StoreResult<Vec<Member>> {
        let (mut clause, mut args) = filter_clause(filter);
        if let Some(after) = after {
            args.push(Arg::Text(after.to_string()));
            clause.push_str(&format!(" AND m.membership_number > ${}", args.len() + 1));
        }
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM {MEMBER_FROM} WHERE {clause} \
             ORDER BY m.membership_number LIMIT ${}",
            args.len() + 2
        );
        let rows = bind_all(sqlx::query(&sql).bind(branch.0), &args)
            .bind(i64::from(limit.max(1)))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(member_from_row).collect()
    }

    async fn import_map(&self, branch: BranchId) -> StoreResult<Option<ColumnMap>> {
        self.sql_import_map(branch).await
    }

    async fn import_run(&self, branch: BranchId, id: ImportRunId) -> StoreResult<ImportRun> {
        self.sql_import_run(branch, id).await
    }

    async fn renew_import_leases(&self, lease: &ImportLease) -> StoreResult<u64> {
        self.sql_renew_import_leases(lease).await
    }

    async fn fail_abandoned_import_runs(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        any_lease: bool,
        reason: &str,
    ) -> StoreResult<Vec<ImportRunId>> {
        self.sql_fail_abandoned_import_runs(owner, now, any_lease, reason)
            .await
    }

    async fn member_history(
        &self,
        branch: BranchId,
        id: MemberId,
        limit: u32,
    ) -> StoreResult<Vec<AuditEntry>> {
        let mut conn = self.pool().acquire().await?;
        super::member_edits::member_history_on(&mut conn, branch, id, limit).await
    }
}
