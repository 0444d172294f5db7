//! The member CSV import, all-or-nothing in its unit of work's transaction, and the web's
//! import runs.
//!
//! The stored records are read once into memory, each row is compared there, and the new and
//! changed records are written by one multi-row upsert per chunk of rows: a 100,000-row file
//! is a few hundred statements, not 100,000 round trips.

use super::decode::{date_text, is_set};
use super::members::details_from_row;
use super::{count, from_secs, to_secs, SqlStore};
use crate::members::{
    ImportLease, ImportOptions, ImportOutcome, ImportPhase, ImportProgress, ImportRun,
    ImportRunStatus, RowOutcome,
};
use crate::{Backend, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use picket_domain::members::import::{
    check_merged, merge, ColumnMap, ParsedFile, RowChange, RowProblem,
};
use picket_domain::members::{MemberDetails, MemberField};
use picket_domain::{BranchId, ImportRunId, UserId};
use sqlx::AnyConnection;
use sqlx::Row;
use std::collections::HashMap;

/// Rows per upsert statement: 17 values each keeps well inside both engines' limits on
/// bound parameters.
const CHUNK: usize = 500;
/// Changed rows kept in a stored run report.
pub const REPORT_CHANGES: usize = 1000;
/// Columns of one upserted row.
const ROW_VALUES: usize = 19;

struct Stored {
    details: MemberDetails,
    team: Option<i64>,
    erased: bool,
}

/// The upsert for `rows` rows (positional placeholders on SQLite: see
/// [`push_value_rows`](super::push_value_rows); they made SQLite's import about eighty times
/// quicker).
fn upsert_sql(rows: usize, backend: Backend) -> String {
    let mut sql = String::from(
        "INSERT INTO members (branch_id, membership_number, name, email, phone, employer, team_id, \
         workplace, job_title, daily_pay_pence, is_rep, contact_email, contact_phone, consent_wording, \
         consent_date, joined_on, left_on, created_at, updated_at) VALUES ",
    );
    super::push_value_rows(&mut sql, rows, ROW_VALUES, backend);
    sql.push_str(
        " ON CONFLICT (branch_id, membership_number) DO UPDATE SET name = excluded.name, \
         email = excluded.email, phone = excluded.phone, employer = excluded.employer, \
         team_id = excluded.team_id, workplace = excluded.workplace, job_title = excluded.job_title, \
         daily_pay_pence = excluded.daily_pay_pence, is_rep = excluded.is_rep, \
         contact_email = excluded.contact_email, contact_phone = excluded.contact_phone, \
         consent_wording = excluded.consent_wording, consent_date = excluded.consent_date, \
         joined_on = excluded.joined_on, left_on = excluded.left_on, updated_at = excluded.updated_at",
    );
    sql
}

/// Imports a parsed file on the unit's transaction (see
/// [`MemberWrites::import_members`](crate::members::MemberWrites::import_members)): every
/// row is checked before anything is written, so a refused import or a dry run writes
/// nothing, and the writes commit with the unit or not at all.
pub(super) async fn import_members_on(
    conn: &mut AnyConnection,
    backend: Backend,
    branch: BranchId,
    file: &ParsedFile,
    options: &ImportOptions,
    progress: ImportProgress<'_>,
) -> StoreResult<ImportOutcome> {
    let teams: HashMap<String, i64> =
        sqlx::query("SELECT id, name FROM teams WHERE branch_id = $1")
            .bind(branch.0)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get::<String, _>("name")?.to_lowercase(),
                    r.try_get("id")?,
                ))
            })
            .collect::<StoreResult<_>>()?;
    let stored: HashMap<String, Stored> = sqlx::query(
        "SELECT membership_number, name, email, phone, employer, team_id, workplace, job_title, \
         daily_pay_pence, is_rep, contact_email, contact_phone, consent_wording, consent_date, \
         joined_on, left_on, erased_at FROM members WHERE branch_id = $1",
    )
    .bind(branch.0)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get::<String, _>("membership_number")?,
            Stored {
                details: details_from_row(r)?,
                team: r.try_get("team_id")?,
                erased: r.try_get::<Option<i64>, _>("erased_at")?.is_some(),
            },
        ))
    })
    .collect::<StoreResult<_>>()?;

    // Erased records keep only a keyed hash of their number: a row bearing that number is
    // recognised through the same hash.
    let number_key = if stored.values().any(|s| s.erased) {
        super::member_data::number_key_on(&mut *conn).await?
    } else {
        None
    };
    let total_rows = file.rows.len() as u64;
    let mut outcome = ImportOutcome {
        total: file.total,
        rejected: file.rejected.clone(),
        new_teams: file.new_teams(teams.keys().map(String::as_str)),
        ..ImportOutcome::default()
    };
    let mut writes: Vec<(MemberDetails, Option<i64>)> = Vec::new();
    // Records whose contact choices the import sets or changes: each goes into the
    // member's consent history.
    let mut consents = Vec::new();
    for (i, row) in file.rows.iter().enumerate() {
        if i % 1000 == 0 {
            progress(ImportPhase::Checking, i as u64, total_rows);
        }
        let team_id = match &row.team {
            Some(name) => match teams.get(&name.to_lowercase()) {
                Some(id) => Some(*id),
                None => {
                    outcome.rejected.push(RowProblem {
                        row: row.row,
                        field: Some(MemberField::Team),
                        reason: "names no team in this branch: have the import create it, add the team first, or correct the name".into(),
                    });
                    continue;
                }
            },
            None => None,
        };
        let existing = stored.get(row.details.membership_number.as_str());
        let erased_number = number_key.as_deref().is_some_and(|key| {
            let placeholder = crate::member_data::erased_number_placeholder(
                key,
                branch,
                row.details.membership_number.as_str(),
            );
            stored.get(&placeholder).is_some_and(|s| s.erased)
        });
        if erased_number || existing.is_some_and(|s| s.erased) {
            outcome.rejected.push(RowProblem {
                row: row.row,
                field: Some(MemberField::MembershipNumber),
                reason: "belongs to an erased record, which an import cannot restore".into(),
            });
            continue;
        }
        let (merged, team, change) =
            merge(existing.map(|s| (&s.details, s.team)), row, team_id, file);
        if let Err(problem) = check_merged(row.row, &merged, options.today) {
            outcome.rejected.push(problem);
            continue;
        }
        match &change {
            RowChange::New => outcome.created += 1,
            RowChange::Updated { .. } => outcome.updated += 1,
            RowChange::Unchanged => {
                outcome.unchanged += 1;
                continue;
            }
        }
        outcome.changes.push(RowOutcome {
            row: row.row,
            membership_number: row.details.membership_number.to_string(),
            change,
        });
        let consent_changed = match existing {
            Some(s) => s.details.contact != merged.contact,
            None => merged.contact != Default::default(),
        };
        if consent_changed {
            consents.push((
                merged.membership_number.as_str().to_string(),
                merged.contact.clone(),
            ));
        }
        writes.push((merged, team));
    }
    progress(ImportPhase::Checking, total_rows, total_rows);
    outcome.rejected.sort_by_key(|p| p.row);
    if options.dry_run || !outcome.rejected.is_empty() {
        return Ok(outcome);
    }

    let now = to_secs(Utc::now());
    let to_write = writes.len() as u64;
    let full_sql = upsert_sql(CHUNK, backend);
    for (n, chunk) in writes.chunks(CHUNK).enumerate() {
        progress(ImportPhase::Writing, (n * CHUNK) as u64, to_write);
        let sql = if chunk.len() == CHUNK {
            full_sql.clone()
        } else {
            upsert_sql(chunk.len(), backend)
        };
        let mut query = sqlx::query(&sql);
        for (d, team) in chunk {
            query = query
                .bind(branch.0)
                .bind(d.membership_number.as_str())
                .bind(d.name.as_str())
                .bind(d.email.as_ref().map(|e| e.as_str()))
                .bind(d.phone.as_ref().map(|p| p.as_str()))
                .bind(d.employer.as_deref())
                .bind(*team)
                .bind(d.workplace.as_deref())
                .bind(d.job_title.as_deref())
                .bind(d.daily_pay_pence)
                .bind(i64::from(d.is_rep))
                .bind(i64::from(d.contact.by_email))
                .bind(i64::from(d.contact.by_phone))
                .bind(d.contact.consent_wording.as_deref())
                .bind(date_text(d.contact.consent_date))
                .bind(date_text(d.joined_on))
                .bind(date_text(d.left_on))
                .bind(now)
                .bind(now);
        }
        query.execute(&mut *conn).await?;
    }
    super::member_data::record_imported_consents(&mut *conn, branch, &consents).await?;
    if let Some(map) = &options.save_map {
        save_map_on(&mut *conn, branch, map).await?;
    }
    progress(ImportPhase::Writing, to_write, to_write);
    outcome.applied = true;
    Ok(outcome)
}

impl SqlStore {
    pub(super) async fn sql_import_map(&self, branch: BranchId) -> StoreResult<Option<ColumnMap>> {
        let json: Option<String> =
            sqlx::query_scalar("SELECT mapping FROM member_import_maps WHERE branch_id = $1")
                .bind(branch.0)
                .fetch_optional(self.pool())
                .await?;
        json.map(|j| {
            serde_json::from_str(&j).map_err(|_| super::corrupt("import mapping", "(json)"))
        })
        .transpose()
    }

    pub(super) async fn sql_renew_import_leases(&self, lease: &ImportLease) -> StoreResult<u64> {
        Ok(sqlx::query(
            "UPDATE member_imports SET lease_until = $1 WHERE owner = $2 AND status = 'running'",
        )
        .bind(to_secs(lease.until))
        .bind(lease.owner.as_str())
        .execute(self.pool())
        .await?
        .rows_affected())
    }

    pub(super) async fn sql_fail_abandoned_import_runs(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        any_lease: bool,
        reason: &str,
    ) -> StoreResult<Vec<ImportRunId>> {
        // One statement: a run whose owner finishes it at the same moment is either still
        // 'running' here (and the owner's finish then overwrites this with the truth) or
        // already finished (and left alone).
        let rows = sqlx::query(
            "UPDATE member_imports SET status = 'failed', error = $1, finished_at = $2 \
             WHERE status = 'running' AND (owner IS NULL OR owner <> $3) \
             AND ($4 = 1 OR lease_until IS NULL OR lease_until < $2) RETURNING id",
        )
        .bind(reason)
        .bind(to_secs(now))
        .bind(owner)
        .bind(i64::from(any_lease))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok(ImportRunId(r.try_get("id")?)))
            .collect()
    }

    pub(super) async fn sql_import_run(
        &self,
        branch: BranchId,
        id: ImportRunId,
    ) -> StoreResult<ImportRun> {
        let row = sqlx::query(
            "SELECT id, branch_id, started_by, dry_run, status, rows_total, rows_done, report, error, \
             created_at, finished_at FROM member_imports WHERE branch_id = $1 AND id = $2",
        )
        .bind(branch.0)
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        let status: String = row.try_get("status")?;
        let report: Option<String> = row.try_get("report")?;
        Ok(ImportRun {
            id: ImportRunId(row.try_get("id")?),
            branch_id: BranchId(row.try_get("branch_id")?),
            started_by: row.try_get::<Option<i64>, _>("started_by")?.map(UserId),
            dry_run: is_set(&row, "dry_run")?,
            status: ImportRunStatus::parse(&status)
                .ok_or_else(|| super::corrupt("import status", &status))?,
            rows_total: count(row.try_get("rows_total")?),
            rows_done: count(row.try_get("rows_done")?),
            outcome: report
                .map(|r| {
                    serde_json::from_str(&r).map_err(|_| super::corrupt("import report", "(json)"))
                })
                .transpose()?,
            error: row.try_get("error")?,
            created_at: from_secs(row.try_get("created_at")?),
            finished_at: row.try_get::<Option<i64>, _>("finished_at")?.map(from_secs),
        })
    }
}

/// Records the start of a web import run.
pub(super) async fn start_import_run_on(
    conn: &mut AnyConnection,
    branch: BranchId,
    user: UserId,
    dry_run: bool,
    rows_total: u64,
    lease: &ImportLease,
) -> StoreResult<ImportRunId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO member_imports (branch_id, started_by, dry_run, status, rows_total, created_at, \
         owner, lease_until) VALUES ($1, $2, $3, 'running', $4, $5, $6, $7) RETURNING id",
    )
    .bind(branch.0)
    .bind(user.0)
    .bind(i64::from(dry_run))
    .bind(i64::try_from(rows_total).unwrap_or(i64::MAX))
    .bind(to_secs(Utc::now()))
    .bind(lease.owner.as_str())
    .bind(to_secs(lease.until))
    .fetch_one(conn)
    .await?;
    Ok(ImportRunId(id))
}

/// Records how a run of the branch ended; a run of another branch is not found.
pub(super) async fn finish_import_run_on(
    conn: &mut AnyConnection,
    branch: BranchId,
    id: ImportRunId,
    result: Result<&ImportOutcome, &str>,
) -> StoreResult<()> {
    let now = to_secs(Utc::now());
    let query = match result {
        Ok(outcome) => {
            let status = if outcome.applied || outcome.rejected.is_empty() {
                ImportRunStatus::Done
            } else {
                ImportRunStatus::Refused
            };
            // The counts are kept in full; the list of changed rows only as far as a person
            // would read it.
            let mut kept = outcome.clone();
            kept.changes.truncate(REPORT_CHANGES);
            let report = serde_json::to_string(&kept)
                .map_err(|e| StoreError::Database(sqlx::Error::Encode(e.into())))?;
            let n = |x: u64| i64::try_from(x).unwrap_or(i64::MAX);
            sqlx::query(
                "UPDATE member_imports SET status = $1, rows_done = rows_total, created_count = $2, \
                 updated_count = $3, unchanged_count = $4, rejected_count = $5, report = $6, \
                 finished_at = $7 WHERE branch_id = $8 AND id = $9",
            )
            .bind(status.as_str())
            .bind(n(outcome.created))
            .bind(n(outcome.updated))
            .bind(n(outcome.unchanged))
            .bind(outcome.rejected.len() as i64)
            .bind(report)
            .bind(now)
            .bind(branch.0)
            .bind(id.0)
        }
        Err(error) => sqlx::query(
            "UPDATE member_imports SET status = 'failed', error = $1, finished_at = $2 \
             WHERE branch_id = $3 AND id = $4",
        )
        .bind(error.to_string())
        .bind(now)
        .bind(branch.0)
        .bind(id.0),
    };
    super::found(&query.execute(conn).await?)
}

async fn save_map_on(
    conn: &mut AnyConnection,
    branch: BranchId,
    map: &ColumnMap,
) -> StoreResult<()> {
    let json = serde_json::to_string(map)
        .map_err(|e| StoreError::Database(sqlx::Error::Encode(e.into())))?;
    sqlx::query(
        "INSERT INTO member_import_maps (branch_id, mapping, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (branch_id) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at",
    )
    .bind(branch.0)
    .bind(json)
    .bind(to_secs(Utc::now()))
    .execute(conn)
    .await?;
    Ok(())
}
