//! Members, teams and the reps' teams. The import is in `members_import.rs`.

use super::{corrupt, count, from_secs, to_secs, SqlStore};
use crate::members::{ImportLease, Member, MemberFilter, Team};
use crate::{Page, PageRequest, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use picket_domain::members::{ContactPreferences, MemberDetails, MembershipNumber};
use picket_domain::{BranchId, UserId};
use sqlx::any::AnyRow;
use sqlx::Row;

/// The columns [`member_from_row`] reads, over `members m LEFT JOIN teams t`.
pub(super) const MEMBER_COLUMNS: &str =
    "m.id, m.branch_id, m.membership_number, m.name, m.email, m.phone, m.employer, m.team_id, \
     t.name AS team_name, m.workplace, m.job_title, m.daily_pay_pence, m.is_rep, m.contact_email, \
     m.contact_phone, m.consent_wording, m.consent_date, m.user_id, m.created_at, m.updated_at, \
     m.erased_at";

/// The `FROM` clause that goes with [`MEMBER_COLUMNS`].
pub(super) const MEMBER_FROM: &str = "members m LEFT JOIN teams t ON t.id = m.team_id";

pub(super) fn details_from_row(row: &AnyRow) -> StoreResult<MemberDetails> {
    let number: String = row.try_get("membership_number")?;
    let email: Option<String> = row.try_get("email")?;
    let phone: Option<String> = row.try_get("phone")?;
    let consent_date: Option<String> = row.try_get("consent_date")?;
    Ok(MemberDetails {
        membership_number: number
            .parse()
            .map_err(|_| corrupt("membership number", &number))?,
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
        is_rep: row.try_get::<i64, _>("is_rep")? != 0,
        contact: ContactPreferences {
            by_email: row.try_get::<i64, _>("contact_email")? != 0,
            by_phone: row.try_get::<i64, _>("contact_phone")? != 0,
            consent_wording: row.try_get("consent_wording")?,
            consent_date: consent_date
                .map(|d| {
                    d.parse::<NaiveDate>()
                        .map_err(|_| corrupt("consent date", &d))
                })
                .transpose()?,
        },
    })
}

pub(super) fn member_from_row(row: &AnyRow) -> StoreResult<Member> {
    Ok(Member {
        id: row.try_get("id")?,
        branch_id: BranchId(row.try_get("branch_id")?),
        details: details_from_row(row)?,
        team_id: row.try_get("team_id")?,
        team_name: row.try_get("team_name")?,
        user_id: row.try_get::<Option<i64>, _>("user_id")?.map(UserId),
        created_at: from_secs(row.try_get("created_at")?),
        updated_at: from_secs(row.try_get("updated_at")?),
        erased_at: row.try_get::<Option<i64>, _>("erased_at")?.map(from_secs),
    })
}

fn team_from_row(row: &AnyRow) -> StoreResult<Team> {
    Ok(Team {
        id: row.try_get("id")?,
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
                args.push(Arg::Int(*team));
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

impl SqlStore {
    pub(super) async fn team_in_branch(
        &self,
        conn: &mut sqlx::AnyConnection,
        branch: BranchId,
        team: Option<i64>,
    ) -> StoreResult<()> {
        if let Some(team) = team {
            sqlx::query_scalar::<_, i64>("SELECT id FROM teams WHERE branch_id = $1 AND id = $2")
                .bind(branch.0)
                .bind(team)
                .fetch_optional(&mut *conn)
                .await?
                .ok_or(StoreError::NotFound)?;
        }
        Ok(())
    }

    pub(super) async fn sql_create_team(
        &self,
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
        .fetch_one(self.pool())
        .await
        .map_err(|e| StoreError::conflict_on(e, "team name"))?;
        team_from_row(&row)
    }

    pub(super) async fn sql_teams(&self, branch: BranchId) -> StoreResult<Vec<Team>> {
        let rows = sqlx::query(
            "SELECT id, branch_id, name, workplace, created_at FROM teams WHERE branch_id = $1 \
             ORDER BY lower(name), id",
        )
        .bind(branch.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(team_from_row).collect()
    }

    pub(super) async fn sql_set_rep_teams(
        &self,
        branch: BranchId,
        user: UserId,
        teams: &[i64],
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        for team in teams {
            self.team_in_branch(&mut tx, branch, Some(*team)).await?;
        }
        sqlx::query("DELETE FROM rep_teams WHERE branch_id = $1 AND user_id = $2")
            .bind(branch.0)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        let now = to_secs(Utc::now());
        for team in teams {
            sqlx::query(
                "INSERT INTO rep_teams (branch_id, user_id, team_id, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (user_id, team_id) DO NOTHING",
            )
            .bind(branch.0)
            .bind(user.0)
            .bind(*team)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub(super) async fn sql_rep_team_ids(
        &self,
        branch: BranchId,
        user: UserId,
    ) -> StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT team_id FROM rep_teams WHERE branch_id = $1 AND user_id = $2 ORDER BY team_id",
        )
        .bind(branch.0)
        .bind(user.0)
        .fetch_all(self.pool())
        .await?)
    }

    pub(super) async fn sql_write_member(
        &self,
        branch: BranchId,
        id: Option<i64>,
        d: &MemberDetails,
        team: Option<i64>,
    ) -> StoreResult<Member> {
        let now = to_secs(Utc::now());
        let mut tx = self.begin_write().await?;
        self.team_in_branch(&mut tx, branch, team).await?;
        let sql = match id {
            None => {
                "INSERT INTO members (branch_id, membership_number, name, email, phone, employer, team_id, \
                 workplace, job_title, daily_pay_pence, is_rep, contact_email, contact_phone, \
                 consent_wording, consent_date, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) \
                 RETURNING id"
            }
            Some(_) => {
                "UPDATE members SET membership_number = $2, name = $3, email = $4, phone = $5, \
                 employer = $6, team_id = $7, workplace = $8, job_title = $9, daily_pay_pence = $10, \
                 is_rep = $11, contact_email = $12, contact_phone = $13, consent_wording = $14, \
                 consent_date = $15, updated_at = $16 \
                 WHERE branch_id = $1 AND id = $17 AND erased_at IS NULL RETURNING id"
            }
        };
        let query = sqlx::query_scalar::<_, i64>(sql)
            .bind(branch.0)
            .bind(d.membership_number.as_str())
            .bind(d.name.trim())
            .bind(d.email.as_ref().map(|e| e.as_str().to_string()))
            .bind(d.phone.as_ref().map(|p| p.as_str().to_string()))
            .bind(d.employer.clone())
            .bind(team)
            .bind(d.workplace.clone())
            .bind(d.job_title.clone())
            .bind(d.daily_pay_pence)
            .bind(i64::from(d.is_rep))
            .bind(i64::from(d.contact.by_email))
            .bind(i64::from(d.contact.by_phone))
            .bind(d.contact.consent_wording.clone())
            .bind(d.contact.consent_date.map(|x| x.to_string()))
            .bind(now);
        let query = match id {
            Some(id) => query.bind(id),
            None => query,
        };
        let id = query
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| StoreError::conflict_on(e, "membership number"))?
            .ok_or(StoreError::NotFound)?;
        let row = sqlx::query(&format!(
            "SELECT {MEMBER_COLUMNS} FROM {MEMBER_FROM} WHERE m.branch_id = $1 AND m.id = $2"
        ))
        .bind(branch.0)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        member_from_row(&row)
    }

    pub(super) async fn sql_member(&self, branch: BranchId, id: i64) -> StoreResult<Member> {
        let row = sqlx::query(&format!(
            "SELECT {MEMBER_COLUMNS} FROM {MEMBER_FROM} WHERE m.branch_id = $1 AND m.id = $2"
        ))
        .bind(branch.0)
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        member_from_row(&row)
    }

    pub(super) async fn sql_member_for_user(
        &self,
        branch: BranchId,
        user: UserId,
    ) -> StoreResult<Option<Member>> {
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

    pub(super) async fn sql_link_member_user(
        &self,
        branch: BranchId,
        id: i64,
        user: Option<UserId>,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE members SET user_id = $1, updated_at = $2 WHERE branch_id = $3 AND id = $4",
        )
        .bind(user.map(|u| u.0))
        .bind(to_secs(Utc::now()))
        .bind(branch.0)
        .bind(id)
        .execute(self.pool())
        .await?;
        super::found(&done)?;
        Ok(())
    }

    pub(super) async fn sql_search_members(
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
}

#[async_trait::async_trait]
impl crate::MemberStore for SqlStore {
    async fn create_team(
        &self,
        branch: BranchId,
        name: &str,
        workplace: Option<&str>,
    ) -> StoreResult<Team> {
        self.sql_create_team(branch, name, workplace).await
    }

    async fn teams(&self, branch: BranchId) -> StoreResult<Vec<Team>> {
        self.sql_teams(branch).await
    }

    async fn set_rep_teams(
        &self,
        branch: BranchId,
        user: UserId,
        teams: &[i64],
    ) -> StoreResult<()> {
        self.sql_set_rep_teams(branch, user, teams).await
    }

    async fn rep_team_ids(&self, branch: BranchId, user: UserId) -> StoreResult<Vec<i64>> {
        self.sql_rep_team_ids(branch, user).await
    }

    async fn create_member(
        &self,
        branch: BranchId,
        details: &MemberDetails,
        team: Option<i64>,
    ) -> StoreResult<Member> {
        self.sql_write_member(branch, None, details, team).await
    }

    async fn update_member(
        &self,
        branch: BranchId,
        id: i64,
        details: &MemberDetails,
        team: Option<i64>,
    ) -> StoreResult<Member> {
        self.sql_write_member(branch, Some(id), details, team).await
    }

    async fn member(&self, branch: BranchId, id: i64) -> StoreResult<Member> {
        self.sql_member(branch, id).await
    }

    async fn member_for_user(&self, branch: BranchId, user: UserId) -> StoreResult<Option<Member>> {
        self.sql_member_for_user(branch, user).await
    }

    async fn link_member_user(
        &self,
        branch: BranchId,
        id: i64,
        user: Option<UserId>,
    ) -> StoreResult<()> {
        self.sql_link_member_user(branch, id, user).await
    }

    async fn search_members(
        &self,
        branch: BranchId,
        filter: &MemberFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Member>> {
        self.sql_search_members(branch, filter, page).await
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

    async fn import_map(
        &self,
        branch: BranchId,
    ) -> StoreResult<Option<picket_domain::members::import::ColumnMap>> {
        self.sql_import_map(branch).await
    }

    async fn save_import_map(
        &self,
        branch: BranchId,
        map: &picket_domain::members::import::ColumnMap,
    ) -> StoreResult<()> {
        self.sql_save_import_map(branch, map).await
    }

    async fn import_members(
        &self,
        branch: BranchId,
        file: &picket_domain::members::import::ParsedFile,
        options: &crate::members::ImportOptions,
        progress: crate::members::ImportProgress<'_>,
    ) -> StoreResult<crate::members::ImportOutcome> {
        self.sql_import_members(branch, file, options, progress)
            .await
    }

    async fn start_import_run(
        &self,
        branch: BranchId,
        user: UserId,
        dry_run: bool,
        rows_total: u64,
        lease: &ImportLease,
    ) -> StoreResult<i64> {
        self.sql_start_import_run(branch, user, dry_run, rows_total, lease)
            .await
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
    ) -> StoreResult<Vec<i64>> {
        self.sql_fail_abandoned_import_runs(owner, now, any_lease, reason)
            .await
    }

    async fn finish_import_run(
        &self,
        id: i64,
        result: Result<&crate::members::ImportOutcome, &str>,
    ) -> StoreResult<()> {
        self.sql_finish_import_run(id, result).await
    }

    async fn import_run(
        &self,
        branch: BranchId,
        id: i64,
    ) -> StoreResult<crate::members::ImportRun> {
        self.sql_import_run(branch, id).await
    }
}
