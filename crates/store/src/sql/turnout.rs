//! The turnout drive.

use super::bargaining::member_on;
use super::{from_secs, to_secs, SqlStore, SqlWork};

/// The opening day of ballot `$2`: members are counted as they were then.
const OPENED: &str = "(SELECT opened FROM ballots WHERE id = $2)";
use crate::turnout::{
    ChaseList, ReminderTurn, TeamTurnout, ToChase, TurnoutSettings, TurnoutStore, TurnoutWrites,
    DEFAULT_REMINDER_DAYS,
};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use picket_domain::turnout::TurnoutReport;
use picket_domain::{BallotId, BranchId, MemberId, TeamId};
use sqlx::Row;

/// `AND m.team_id IN ($n, …)` for a rep's teams, numbering from `first`.
fn team_filter(teams: Option<&[TeamId]>, first: usize) -> String {
    match teams {
        None => String::new(),
        Some(ids) => {
            let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", first + i)).collect();
            format!(" AND m.team_id IN ({})", marks.join(", "))
        }
    }
}

async fn check_ballot(
    conn: &mut sqlx::AnyConnection,
    branch: BranchId,
    ballot: BallotId,
) -> StoreResult<()> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM ballots WHERE branch_id = $1 AND id = $2")
            .bind(branch.0)
            .bind(ballot.0)
            .fetch_optional(conn)
            .await?;
    found.map(|_| ()).ok_or(StoreError::NotFound)
}

#[async_trait]
impl TurnoutStore for SqlStore {
    async fn turnout_by_team(
        &self,
        branch: BranchId,
        ballot: BallotId,
        teams: Option<&[TeamId]>,
    ) -> StoreResult<Vec<TeamTurnout>> {
        check_ballot(&mut *self.pool().acquire().await?, branch, ballot).await?;
        if teams.is_some_and(<[TeamId]>::is_empty) {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT m.team_id, t.name AS team_name, t.workplace, COUNT(*) AS entitled, \
             CAST(SUM(CASE WHEN r.voted_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS said_voted, \
             CAST(SUM(CASE WHEN r.paper_arrived_at IS NOT NULL OR r.voted_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS paper_arrived \
             FROM members m LEFT JOIN teams t ON t.id = m.team_id \
             LEFT JOIN turnout_reports r ON r.member_id = m.id AND r.ballot_id = $2 \
             WHERE m.branch_id = $1 AND {}{} \
             GROUP BY m.team_id, t.name, t.workplace \
             ORDER BY CASE WHEN t.name IS NULL THEN 1 ELSE 0 END, lower(t.name)",
            member_on("m", OPENED),
            team_filter(teams, 3)
        );
        let mut q = sqlx::query(&sql).bind(branch.0).bind(ballot.0);
        for t in teams.unwrap_or_default() {
            q = q.bind(t.0);
        }
        let rows = q.fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(TeamTurnout {
                    team_id: r.try_get::<Option<i64>, _>("team_id")?.map(TeamId),
                    team_name: r.try_get("team_name")?,
                    workplace: r.try_get("workplace")?,
                    entitled: super::decode::count32(r, "entitled")?,
                    said_voted: super::decode::count32(r, "said_voted")?,
                    paper_arrived: super::decode::count32(r, "paper_arrived")?,
                })
            })
            .collect()
    }

    async fn turnout_chase_list(
        &self,
        branch: BranchId,
        ballot: BallotId,
        list: ChaseList,
        teams: Option<&[TeamId]>,
    ) -> StoreResult<Vec<ToChase>> {
        check_ballot(&mut *self.pool().acquire().await?, branch, ballot).await?;
        if teams.is_some_and(<[TeamId]>::is_empty) {
            return Ok(Vec::new());
        }
        let which = match list {
            ChaseList::NotVoted => "r.voted_at IS NULL",
            ChaseList::PaperNotArrived => "r.voted_at IS NULL AND r.paper_arrived_at IS NULL",
        };
        let sql = format!(
            "SELECT m.id, m.name, m.phone, m.email, t.name AS team_name, \
             CASE WHEN r.paper_arrived_at IS NOT NULL THEN 1 ELSE 0 END AS arrived \
             FROM members m LEFT JOIN teams t ON t.id = m.team_id \
             LEFT JOIN turnout_reports r ON r.member_id = m.id AND r.ballot_id = $2 \
             WHERE m.branch_id = $1 AND {} AND ({which}){} \
             ORDER BY CASE WHEN t.name IS NULL THEN 1 ELSE 0 END, lower(t.name), lower(m.name), m.id",
            member_on("m", OPENED),
            team_filter(teams, 3)
        );
        let mut q = sqlx::query(&sql).bind(branch.0).bind(ballot.0);
        for t in teams.unwrap_or_default() {
            q = q.bind(t.0);
        }
        let rows = q.fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(ToChase {
                    member_id: MemberId(r.try_get("id")?),
                    name: r.try_get("name")?,
                    phone: r.try_get("phone")?,
                    email: r.try_get("email")?,
                    team_name: r.try_get("team_name")?,
                    paper_arrived: r.try_get::<i64, _>("arrived")? != 0,
                })
            })
            .collect()
    }

    async fn own_turnout(
        &self,
        branch: BranchId,
        ballot: BallotId,
        member: MemberId,
    ) -> StoreResult<(bool, bool)> {
        check_ballot(&mut *self.pool().acquire().await?, branch, ballot).await?;
        let row = sqlx::query(
            "SELECT paper_arrived_at, voted_at FROM turnout_reports \
             WHERE branch_id = $1 AND ballot_id = $2 AND member_id = $3",
        )
        .bind(branch.0)
        .bind(ballot.0)
        .bind(member.0)
        .fetch_optional(self.pool())
        .await?;
        Ok(match row {
            None => (false, false),
            Some(r) => {
                let voted = r.try_get::<Option<i64>, _>("voted_at")?.is_some();
                (
                    voted || r.try_get::<Option<i64>, _>("paper_arrived_at")?.is_some(),
                    voted,
                )
            }
        })
    }

    async fn turnout_settings(
        &self,
        branch: BranchId,
        ballot: BallotId,
    ) -> StoreResult<TurnoutSettings> {
        check_ballot(&mut *self.pool().acquire().await?, branch, ballot).await?;
        let row = sqlx::query(
            "SELECT reminder_every_days, last_reminder_at FROM turnout_settings \
             WHERE branch_id = $1 AND ballot_id = $2",
        )
        .bind(branch.0)
        .bind(ballot.0)
        .fetch_optional(self.pool())
        .await?;
        Ok(match row {
            None => TurnoutSettings {
                reminder_every_days: DEFAULT_REMINDER_DAYS,
                last_reminder_at: None,
            },
            Some(r) => TurnoutSettings {
                reminder_every_days: super::decode::count32(&r, "reminder_every_days")?,
                last_reminder_at: r
                    .try_get::<Option<i64>, _>("last_reminder_at")?
                    .map(from_secs),
            },
        })
    }
}

#[async_trait]
impl TurnoutWrites for SqlWork {
    async fn report_turnout(
        &mut self,
        branch: BranchId,
        ballot: BallotId,
        member: MemberId,
        report: TurnoutReport,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let voted = (report == TurnoutReport::Voted).then_some(to_secs(now));
        // The ballot (statutory, the branch's) and the member (the branch's) are checked by
        // the statement: either missing inserts nothing.
        let done = sqlx::query(
            "INSERT INTO turnout_reports (branch_id, ballot_id, member_id, paper_arrived_at, voted_at, updated_at) \
             SELECT b.branch_id, b.id, m.id, $4, $5, $4 FROM ballots b JOIN members m ON m.branch_id = b.branch_id \
             WHERE b.branch_id = $1 AND b.id = $2 AND b.kind = 'statutory' AND m.id = $3 AND m.erased_at IS NULL \
             ON CONFLICT (ballot_id, member_id) DO UPDATE SET \
             paper_arrived_at = COALESCE(turnout_reports.paper_arrived_at, excluded.paper_arrived_at), \
             voted_at = COALESCE(turnout_reports.voted_at, excluded.voted_at), updated_at = excluded.updated_at",
        )
        .bind(branch.0)
        .bind(ballot.0)
        .bind(member.0)
        .bind(to_secs(now))
        .bind(voted)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    async fn set_turnout_reminder_days(
        &mut self,
        branch: BranchId,
        ballot: BallotId,
        days: u32,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "INSERT INTO turnout_settings (branch_id, ballot_id, reminder_every_days) \
             SELECT branch_id, id, $3 FROM ballots WHERE branch_id = $1 AND id = $2 \
             ON CONFLICT (ballot_id) DO UPDATE SET reminder_every_days = excluded.reminder_every_days",
        )
        .bind(branch.0)
        .bind(ballot.0)
        .bind(i64::from(days.max(1)))
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    async fn take_turnout_reminder(
        &mut self,
        branch: BranchId,
        ballot: BallotId,
        now: DateTime<Utc>,
    ) -> StoreResult<ReminderTurn> {
        check_ballot(self.conn(), branch, ballot).await?;
        sqlx::query(
            "INSERT INTO turnout_settings (branch_id, ballot_id, reminder_every_days) VALUES ($1, $2, $3) \
             ON CONFLICT (ballot_id) DO NOTHING",
        )
        .bind(branch.0)
        .bind(ballot.0)
        .bind(i64::from(DEFAULT_REMINDER_DAYS))
        .execute(self.conn())
        .await?;
        let taken = sqlx::query(
            "UPDATE turnout_settings SET last_reminder_at = $1 WHERE branch_id = $2 AND ballot_id = $3 \
             AND (last_reminder_at IS NULL OR last_reminder_at + reminder_every_days * 86400 <= $1)",
        )
        .bind(to_secs(now))
        .bind(branch.0)
        .bind(ballot.0)
        .execute(self.conn())
        .await?;
        if taken.rows_affected() == 1 {
            return Ok(ReminderTurn::Taken);
        }
        let row = sqlx::query(
            "SELECT reminder_every_days, last_reminder_at FROM turnout_settings WHERE branch_id = $1 AND ballot_id = $2",
        )
        .bind(branch.0)
        .bind(ballot.0)
        .fetch_one(self.conn())
        .await?;
        let days: i64 = row.try_get("reminder_every_days")?;
        let last: Option<i64> = row.try_get("last_reminder_at")?;
        Ok(ReminderTurn::TooSoon(
            from_secs(last.unwrap_or_default()) + Duration::days(days),
        ))
    }
}
