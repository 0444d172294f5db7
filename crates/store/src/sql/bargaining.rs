//! The bargaining unit: one rule for whether a member counts on a day ([`member_on`]), used
//! by every count of members in a dispute's teams (periods' members called out, ballots'
//! members entitled to vote, the unit's page and the turnout drive).

use super::ballots::{ballot_on, hand_binds, period_on};
use super::members::team_from_row;
use super::{to_secs, SqlStore, SqlWork};
use crate::bargaining::{BargainingStore, BargainingWrites, TeamsChange, UnitMember, UnitTeam};
use crate::disputes::{ActionPeriod, Ballot};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{NaiveDate, Utc};
use picket_domain::bargaining::HandFigure;
use picket_domain::{BallotId, BranchId, DisputeId, MemberId, PeriodId, TeamId};
use sqlx::{AnyConnection, Row};
use std::collections::BTreeSet;

/// Whether member row `m` counts on `day` (an SQL expression of an ISO date): not erased,
/// joined by then (or no date known), and not yet left.
pub(super) fn member_on(m: &str, day: &str) -> String {
    format!(
        "{m}.erased_at IS NULL AND ({m}.joined_on IS NULL OR {m}.joined_on <= {day}) \
         AND ({m}.left_on IS NULL OR {m}.left_on > {day})"
    )
}

/// The number of members in the teams of dispute `dispute` of branch `branch` on `day` (SQL
/// expressions), as a scalar subquery.
pub(super) fn unit_count(branch: &str, dispute: &str, day: &str) -> String {
    format!(
        "(SELECT COUNT(*) FROM members um JOIN dispute_teams ut \
         ON ut.team_id = um.team_id AND ut.branch_id = um.branch_id \
         WHERE ut.branch_id = {branch} AND ut.dispute_id = {dispute} AND {})",
        member_on("um", day)
    )
}

async fn check_dispute(
    conn: &mut AnyConnection,
    branch: BranchId,
    dispute: DisputeId,
) -> StoreResult<()> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM disputes WHERE branch_id = $1 AND id = $2")
            .bind(branch.0)
            .bind(dispute.0)
            .fetch_optional(conn)
            .await?;
    found.map(|_| ()).ok_or(StoreError::NotFound)
}

/// The names of the dispute's teams, for the strike-day check of who is called out.
pub(super) async fn unit_team_names(
    conn: &mut AnyConnection,
    branch: BranchId,
    dispute: DisputeId,
) -> StoreResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT t.name FROM dispute_teams d JOIN teams t ON t.id = d.team_id AND t.branch_id = d.branch_id \
         WHERE d.branch_id = $1 AND d.dispute_id = $2",
    )
    .bind(branch.0)
    .bind(dispute.0)
    .fetch_all(conn)
    .await?)
}

#[async_trait]
impl BargainingStore for SqlStore {
    async fn unit_teams(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        as_of: NaiveDate,
    ) -> StoreResult<Vec<UnitTeam>> {
        let mut conn = self.pool().acquire().await?;
        check_dispute(&mut conn, branch, dispute).await?;
        let rows = sqlx::query(&format!(
            "SELECT t.id, t.branch_id, t.name, t.workplace, t.created_at, \
             (SELECT COUNT(*) FROM members m WHERE m.branch_id = t.branch_id AND m.team_id = t.id \
             AND {}) AS counted \
             FROM dispute_teams d JOIN teams t ON t.id = d.team_id AND t.branch_id = d.branch_id \
             WHERE d.branch_id = $1 AND d.dispute_id = $2 ORDER BY lower(t.name), t.id",
            member_on("m", "$3")
        ))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(as_of.to_string())
        .fetch_all(&mut *conn)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(UnitTeam {
                    team: team_from_row(r)?,
                    members: super::decode::count32(r, "counted")?,
                })
            })
            .collect()
    }

    async fn unit_members(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        as_of: NaiveDate,
    ) -> StoreResult<Vec<UnitMember>> {
        let mut conn = self.pool().acquire().await?;
        check_dispute(&mut conn, branch, dispute).await?;
        let rows = sqlx::query(&format!(
            "SELECT m.id, m.name, m.team_id FROM members m \
             JOIN dispute_teams d ON d.team_id = m.team_id AND d.branch_id = m.branch_id \
             JOIN teams t ON t.id = m.team_id \
             WHERE d.branch_id = $1 AND d.dispute_id = $2 AND {} \
             ORDER BY lower(t.name), t.id, lower(m.name), m.id",
            member_on("m", "$3")
        ))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(as_of.to_string())
        .fetch_all(&mut *conn)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(UnitMember {
                    id: MemberId(r.try_get("id")?),
                    name: r.try_get("name")?,
                    team_id: TeamId(r.try_get("team_id")?),
                })
            })
            .collect()
    }
}

#[async_trait]
impl BargainingWrites for SqlWork {
    async fn set_dispute_teams(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        teams: &[TeamId],
    ) -> StoreResult<TeamsChange> {
        check_dispute(self.conn(), branch, dispute).await?;
        let wanted: BTreeSet<i64> = teams.iter().map(|t| t.0).collect();
        let branch_teams: Vec<(i64, String)> =
            sqlx::query("SELECT id, name FROM teams WHERE branch_id = $1")
                .bind(branch.0)
                .fetch_all(self.conn())
                .await?
                .iter()
                .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
                .collect::<StoreResult<_>>()?;
        let unknown = wanted
            .iter()
            .filter(|id| !branch_teams.iter().any(|(t, _)| t == *id))
            .count();
        if unknown > 0 {
            return Err(StoreError::Refused(format!(
                "{} of the teams chosen {} not one of this branch's teams: choose the dispute's \
                 teams from the branch's list. Nothing was changed.",
                unknown,
                if unknown == 1 { "is" } else { "are" }
            )));
        }
        let current: BTreeSet<i64> = sqlx::query_scalar(
            "SELECT team_id FROM dispute_teams WHERE branch_id = $1 AND dispute_id = $2",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .fetch_all(self.conn())
        .await?
        .into_iter()
        .collect();
        let name = |id: &i64| {
            branch_teams
                .iter()
                .find(|(t, _)| t == id)
                .map_or_else(String::new, |(_, n)| n.clone())
        };
        let mut change = TeamsChange::default();
        let now = to_secs(Utc::now());
        for id in wanted.difference(&current) {
            sqlx::query(
                "INSERT INTO dispute_teams (branch_id, dispute_id, team_id, created_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(branch.0)
            .bind(dispute.0)
            .bind(*id)
            .bind(now)
            .execute(self.conn())
            .await?;
            change.added.push(name(id));
        }
        for id in current.difference(&wanted) {
            sqlx::query(
                "DELETE FROM dispute_teams WHERE branch_id = $1 AND dispute_id = $2 AND team_id = $3",
            )
            .bind(branch.0)
            .bind(dispute.0)
            .bind(*id)
            .execute(self.conn())
            .await?;
            change.removed.push(name(id));
        }
        change.added.sort_by_key(|n| n.to_lowercase());
        change.removed.sort_by_key(|n| n.to_lowercase());
        Ok(change)
    }

    async fn set_called_out_figure(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        period: PeriodId,
        hand: Option<&HandFigure>,
    ) -> StoreResult<ActionPeriod> {
        write_hand(
            self.conn(),
            "UPDATE action_periods SET called_out = $1, called_out_reason = $2 \
             WHERE branch_id = $3 AND dispute_id = $4 AND id = $5",
            hand,
            (branch, dispute, period.0),
        )
        .await?;
        period_on(self.conn(), branch, dispute, period).await
    }

    async fn set_entitled_figure(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        ballot: BallotId,
        hand: Option<&HandFigure>,
    ) -> StoreResult<Ballot> {
        write_hand(
            self.conn(),
            "UPDATE ballots SET entitled = $1, entitled_reason = $2 \
             WHERE branch_id = $3 AND dispute_id = $4 AND id = $5",
            hand,
            (branch, dispute, ballot.0),
        )
        .await?;
        ballot_on(self.conn(), branch, dispute, ballot).await
    }

    async fn set_membership_dates(
        &mut self,
        branch: BranchId,
        member: MemberId,
        joined: Option<NaiveDate>,
        left: Option<NaiveDate>,
    ) -> StoreResult<()> {
        if let (Some(j), Some(l)) = (joined, left) {
            if l <= j {
                return Err(StoreError::Refused(
                    "The membership would end before it began: the day they left must come \
                     after the day they joined."
                        .into(),
                ));
            }
        }
        let done = sqlx::query(
            "UPDATE members SET joined_on = $1, left_on = $2 \
             WHERE branch_id = $3 AND id = $4 AND erased_at IS NULL",
        )
        .bind(joined.map(|d| d.to_string()))
        .bind(left.map(|d| d.to_string()))
        .bind(branch.0)
        .bind(member.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }
}

/// Writes a period's or a ballot's hand figure with `sql` (`$1` the value, `$2` the reason,
/// `$3`–`$5` the branch, dispute and record); a record not found is [`StoreError::NotFound`].
async fn write_hand(
    conn: &mut AnyConnection,
    sql: &str,
    hand: Option<&HandFigure>,
    (branch, dispute, id): (BranchId, DisputeId, i64),
) -> StoreResult<()> {
    let (value, reason) = hand_binds(hand);
    let done = sqlx::query(sql)
        .bind(value)
        .bind(reason)
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id)
        .execute(conn)
        .await?;
    super::found(&done)
}
