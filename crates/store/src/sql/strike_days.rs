//! Participation per member and release requests.

use super::decode::{date, date_text, named, opt_date};
use super::{to_secs, SqlStore, SqlWork};
use crate::strike_days::{
    DayEntry, DayTally, MemberDay, NewReleaseRequest, ReleaseDecision, ReleaseRequest,
    StrikeDayStore, StrikeDayWrites,
};
use crate::{Backend, StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{NaiveDate, Utc};
use picket_domain::disputes::Named;
use picket_domain::strike_days::{team_called_out, DayOutcome, DaySource, DayStatus};
use picket_domain::{BranchId, DisputeId, MemberId, PeriodId, ReleaseRequestId, UserId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, BTreeSet};

/// Members or entries to a statement (nine values an entry: well inside both engines'
/// limits on bound values).
const ROWS_PER_STATEMENT: usize = 500;

/// How a day reads in a message: "1 May 2024".
fn day_words(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

/// A period of the branch's dispute: its first and last days and its teams text.
async fn period_on(
    conn: &mut AnyConnection,
    branch: BranchId,
    dispute: DisputeId,
    period: PeriodId,
) -> StoreResult<(NaiveDate, NaiveDate, String)> {
    let row = sqlx::query(
        "SELECT starts, ends, teams FROM action_periods WHERE branch_id = $1 AND dispute_id = $2 AND id = $3",
    )
    .bind(branch.0)
    .bind(dispute.0)
    .bind(period.0)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok((
        date(&row, "starts")?,
        date(&row, "ends")?,
        row.try_get("teams")?,
    ))
}

/// Checks that every member is the branch's and called out, and every day in the period;
/// then writes the entries of `source`, replacing that source's earlier ones.
async fn record_on(
    work: &mut SqlWork,
    branch: BranchId,
    dispute: DisputeId,
    period: PeriodId,
    source: DaySource,
    entries: &[DayEntry],
    by: Option<UserId>,
) -> StoreResult<u64> {
    let backend = work.store.backend;
    let conn = work.conn();
    let (starts, ends, teams) = period_on(conn, branch, dispute, period).await?;
    if let Some(outside) = entries.iter().find(|e| e.day < starts || e.day > ends) {
        return Err(StoreError::Refused(format!(
            "{} is outside the period of action ({} to {}): choose a day within it.",
            day_words(outside.day),
            day_words(starts),
            day_words(ends)
        )));
    }
    let dispute_teams = super::bargaining::unit_team_names(conn, branch, dispute).await?;
    let members: Vec<MemberId> = entries
        .iter()
        .map(|e| e.member)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    // Each member's team, ROWS_PER_STATEMENT members to a query.
    let mut teams_of: BTreeMap<i64, Option<String>> = BTreeMap::new();
    for chunk in members.chunks(ROWS_PER_STATEMENT) {
        let mut sql = String::from(
            "SELECT m.id, m.branch_id, m.erased_at, t.name AS team FROM members m \
             LEFT JOIN teams t ON t.id = m.team_id WHERE m.id IN (VALUES ",
        );
        super::push_value_rows(&mut sql, chunk.len(), 1, backend);
        sql.push(')');
        let mut query = sqlx::query(&sql);
        for member in chunk {
            query = query.bind(member.0);
        }
        for row in query.fetch_all(&mut *conn).await? {
            if row.try_get::<i64, _>("branch_id")? == branch.0
                && row.try_get::<Option<i64>, _>("erased_at")?.is_none()
            {
                teams_of.insert(row.try_get("id")?, row.try_get("team")?);
            }
        }
    }
    let mut not_called = 0_usize;
    for member in &members {
        let team = teams_of.get(&member.0).ok_or(StoreError::NotFound)?;
        if !team
            .as_deref()
            .is_some_and(|t| team_called_out(&teams, &dispute_teams, t))
        {
            not_called += 1;
        }
    }
    if not_called > 0 {
        return Err(StoreError::Refused(format!(
            "{not_called} of these members {} not in a team called out for this period of action: \
             check their team, or the teams the period calls out. Nothing was recorded.",
            if not_called == 1 { "is" } else { "are" }
        )));
    }
    // The last entry for a member and day wins, as if each were written in turn; a
    // statement may not upsert the same row twice.
    let mut latest: BTreeMap<(MemberId, NaiveDate), DayStatus> = BTreeMap::new();
    for e in entries {
        latest.insert((e.member, e.day), e.status);
    }
    let latest: Vec<_> = latest.into_iter().collect();
    let now = to_secs(Utc::now());
    for chunk in latest.chunks(ROWS_PER_STATEMENT) {
        let mut sql = String::from(
            "INSERT INTO strike_days (branch_id, dispute_id, period_id, member_id, day, source, status, entered_by, entered_at) VALUES ",
        );
        super::push_value_rows(&mut sql, chunk.len(), 9, backend);
        sql.push_str(
            " ON CONFLICT (member_id, day, source) DO UPDATE SET status = excluded.status, \
             dispute_id = excluded.dispute_id, period_id = excluded.period_id, \
             entered_by = excluded.entered_by, entered_at = excluded.entered_at",
        );
        let mut query = sqlx::query(&sql);
        for ((member, day), status) in chunk {
            query = query
                .bind(branch.0)
                .bind(dispute.0)
                .bind(period.0)
                .bind(member.0)
                .bind(date_text(Some(*day)))
                .bind(source.as_str())
                .bind(status.as_str())
                .bind(by.map(|u| u.0))
                .bind(now);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(entries.len() as u64)
}

/// Where an entry of `source` sits among a day's three: the rep's, the member's, the settled.
fn slot(source: DaySource) -> usize {
    match source {
        DaySource::Rep => 0,
        DaySource::Member => 1,
        DaySource::Settled => 2,
    }
}

/// Groups entry rows (member_id, day, source, status; ordered by day then member) into days.
pub(crate) fn group_days(rows: &[AnyRow]) -> StoreResult<Vec<MemberDay>> {
    let mut days: BTreeMap<(NaiveDate, i64), [Option<DayStatus>; 3]> = BTreeMap::new();
    for row in rows {
        let key = (date(row, "day")?, row.try_get::<i64, _>("member_id")?);
        let source: DaySource = named(row, "source")?;
        let status: DayStatus = named(row, "status")?;
        days.entry(key).or_default()[slot(source)] = Some(status);
    }
    Ok(days
        .into_iter()
        .map(|((day, member), [rep, member_said, settled])| MemberDay {
            member_id: MemberId(member),
            day,
            rep,
            member: member_said,
            settled,
            outcome: DayOutcome::of(rep, member_said, settled),
        })
        .collect())
}

/// The SQL that joins `expr` over a group into one text, entries separated by commas.
pub(crate) fn joined(backend: Backend, expr: &str) -> String {
    match backend {
        Backend::Sqlite => format!("group_concat({expr}, ',')"),
        Backend::Postgres => format!("string_agg({expr}, ',')"),
    }
}

/// The SQL of one row per member of a dispute with participation: `member_id`,
/// `daily_pay_pence` and `entries`, their entries joined (see [`member_days`]). One row a
/// member rather than one an entry: a pay run over 2,000 members and 100 days reads 2,000
/// rows, not 200,000 (binds: branch, dispute).
pub(crate) fn member_entries_sql(backend: Backend) -> String {
    format!(
        "SELECT s.member_id, m.daily_pay_pence, s.entries FROM \
         (SELECT member_id, {} AS entries FROM strike_days \
          WHERE branch_id = $1 AND dispute_id = $2 GROUP BY member_id) s \
         JOIN members m ON m.id = s.member_id AND m.branch_id = $1 ORDER BY s.member_id",
        joined(backend, "day || ' ' || source || ' ' || status")
    )
}

/// One member's days, in order, with each day's status (`None` for a conflict no rep has
/// settled), from their entries as [`member_entries_sql`] joins them ("day source status",
/// comma-separated, in any order).
pub(crate) fn member_days(entries: &str) -> StoreResult<Vec<(NaiveDate, Option<DayStatus>)>> {
    let mut days: BTreeMap<NaiveDate, [Option<DayStatus>; 3]> = BTreeMap::new();
    for entry in entries.split(',').filter(|e| !e.is_empty()) {
        let mut parts = entry.split(' ');
        let (Some(day), Some(source), Some(status), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(super::corrupt("participation entry", entry));
        };
        let day: NaiveDate = day
            .parse()
            .map_err(|_| super::corrupt("participation day", day))?;
        let source = DaySource::parse(source)
            .ok_or_else(|| super::corrupt("participation source", source))?;
        let status = DayStatus::parse(status)
            .ok_or_else(|| super::corrupt("participation status", status))?;
        days.entry(day).or_default()[slot(source)] = Some(status);
    }
    Ok(days
        .into_iter()
        .map(|(day, [rep, member, settled])| (day, DayOutcome::of(rep, member, settled).status()))
        .collect())
}

fn release_from_row(row: &AnyRow) -> StoreResult<ReleaseRequest> {
    let decision: String = row.try_get("decision")?;
    Ok(ReleaseRequest {
        id: ReleaseRequestId(row.try_get("id")?),
        period_id: PeriodId(row.try_get("period_id")?),
        day: date(row, "day")?,
        asked_by: row.try_get("asked_by")?,
        asked_on: opt_date(row, "asked_on")?.unwrap_or_default(),
        cover: row.try_get("cover")?,
        decision: match decision.as_str() {
            "pending" => ReleaseDecision::Pending,
            "granted" => ReleaseDecision::Granted,
            "refused" => ReleaseDecision::Refused,
            other => return Err(super::corrupt("decision", other)),
        },
        decided_by: row.try_get::<Option<i64>, _>("decided_by")?.map(UserId),
        released: row
            .try_get::<Option<i64>, _>("released_member_id")?
            .map(MemberId),
    })
}

#[async_trait]
impl StrikeDayWrites for SqlWork {
    async fn record_strike_days(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        period: PeriodId,
        source: DaySource,
        entries: &[DayEntry],
        by: Option<UserId>,
    ) -> StoreResult<u64> {
        record_on(self, branch, dispute, period, source, entries, by).await
    }

    async fn add_release_request(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        period: PeriodId,
        request: &NewReleaseRequest,
        by: Option<UserId>,
    ) -> StoreResult<ReleaseRequestId> {
        let (starts, ends, _) = period_on(self.conn(), branch, dispute, period).await?;
        if request.day < starts || request.day > ends {
            return Err(StoreError::Refused(format!(
                "{} is outside the period of action ({} to {}): choose a day within it.",
                day_words(request.day),
                day_words(starts),
                day_words(ends)
            )));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO strike_release_requests (branch_id, dispute_id, period_id, day, asked_by, asked_on, cover, \
             decision, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9) RETURNING id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(period.0)
        .bind(date_text(Some(request.day)))
        .bind(&request.asked_by)
        .bind(date_text(Some(request.asked_on)))
        .bind(&request.cover)
        .bind(by.map(|u| u.0))
        .bind(to_secs(Utc::now()))
        .fetch_one(self.conn())
        .await?;
        Ok(ReleaseRequestId(id))
    }

    async fn decide_release_request(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: ReleaseRequestId,
        grant: Option<MemberId>,
        by: Option<UserId>,
    ) -> StoreResult<()> {
        let row = sqlx::query(
            "SELECT period_id, day, decision FROM strike_release_requests \
             WHERE branch_id = $1 AND dispute_id = $2 AND id = $3",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .fetch_optional(self.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
        if row.try_get::<String, _>("decision")? != "pending" {
            return Err(StoreError::Conflict("decision"));
        }
        let period = PeriodId(row.try_get("period_id")?);
        let day = date(&row, "day")?;
        if let Some(member) = grant {
            let entry = DayEntry {
                member,
                day,
                status: DayStatus::Released,
            };
            record_on(
                self,
                branch,
                dispute,
                period,
                DaySource::Settled,
                &[entry],
                by,
            )
            .await?;
        }
        let decision = if grant.is_some() {
            ReleaseDecision::Granted
        } else {
            ReleaseDecision::Refused
        };
        let done = sqlx::query(
            "UPDATE strike_release_requests SET decision = $1, decided_by = $2, decided_at = $3, \
             released_member_id = $4 WHERE branch_id = $5 AND dispute_id = $6 AND id = $7 AND decision = 'pending'",
        )
        .bind(decision.as_str())
        .bind(by.map(|u| u.0))
        .bind(to_secs(Utc::now()))
        .bind(grant.map(|m| m.0))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }
}

#[async_trait]
impl StrikeDayStore for SqlStore {
    async fn member_days(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        period: PeriodId,
    ) -> StoreResult<Vec<MemberDay>> {
        let mut conn = self.pool().acquire().await?;
        period_on(&mut conn, branch, dispute, period).await?;
        let rows = sqlx::query(
            "SELECT member_id, day, source, status FROM strike_days \
             WHERE branch_id = $1 AND dispute_id = $2 AND period_id = $3 ORDER BY day, member_id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(period.0)
        .fetch_all(&mut *conn)
        .await?;
        group_days(&rows)
    }

    async fn strike_day_tallies(
        &self,
        branch: BranchId,
        dispute: DisputeId,
    ) -> StoreResult<Vec<DayTally>> {
        // Each member's day as DayOutcome settles it: a settled entry wins; else the rep's
        // and the member's entries agree (or only one was made), or they are a conflict.
        let rows = sqlx::query(
            "SELECT period_id, day, \
             SUM(CASE WHEN s = 'on-strike' OR (s IS NULL AND COALESCE(r, m) = 'on-strike' \
                 AND (r IS NULL OR m IS NULL OR r = m)) THEN 1 ELSE 0 END) AS on_strike, \
             SUM(CASE WHEN s IS NULL AND r IS NOT NULL AND m IS NOT NULL AND r <> m THEN 1 ELSE 0 END) AS conflicts \
             FROM (SELECT period_id, member_id, day, \
                   MAX(CASE WHEN source = 'settled' THEN status END) AS s, \
                   MAX(CASE WHEN source = 'rep' THEN status END) AS r, \
                   MAX(CASE WHEN source = 'member' THEN status END) AS m \
                   FROM strike_days WHERE branch_id = $1 AND dispute_id = $2 \
                   GROUP BY period_id, member_id, day) AS each_day \
             GROUP BY period_id, day ORDER BY day, period_id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let count = |col: &str| -> StoreResult<u32> {
                    let n: i64 = row.try_get(col)?;
                    Ok(u32::try_from(n).unwrap_or(u32::MAX))
                };
                Ok(DayTally {
                    period_id: PeriodId(row.try_get("period_id")?),
                    day: date(row, "day")?,
                    on_strike: count("on_strike")?,
                    conflicts: count("conflicts")?,
                })
            })
            .collect()
    }

    async fn days_of_member(
        &self,
        branch: BranchId,
        member: MemberId,
    ) -> StoreResult<Vec<MemberDay>> {
        let rows = sqlx::query(
            "SELECT member_id, day, source, status FROM strike_days \
             WHERE branch_id = $1 AND member_id = $2 ORDER BY day",
        )
        .bind(branch.0)
        .bind(member.0)
        .fetch_all(self.pool())
        .await?;
        group_days(&rows)
    }

    async fn release_requests(
        &self,
        branch: BranchId,
        dispute: DisputeId,
    ) -> StoreResult<Vec<ReleaseRequest>> {
        let rows = sqlx::query(
            "SELECT id, period_id, day, asked_by, asked_on, cover, decision, decided_by, released_member_id \
             FROM strike_release_requests WHERE branch_id = $1 AND dispute_id = $2 ORDER BY day, id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(release_from_row).collect()
    }
}
