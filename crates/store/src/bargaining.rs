//! The bargaining unit: a dispute's teams are the branch's teams, and the members in them
//! on a day are counted from the member records (see [`picket_domain::bargaining`]). The same
//! count gives the members called out for a period of action (on its first day) and the
//! members entitled to vote in a ballot (on its opening day), unless a hand figure with its
//! reason is given.

use crate::disputes::{ActionPeriod, Ballot};
use crate::members::Team;
use crate::StoreResult;
use async_trait::async_trait;
use chrono::NaiveDate;
use picket_domain::bargaining::HandFigure;
use picket_domain::{BallotId, BranchId, DisputeId, MemberId, PeriodId, TeamId};
use serde::Serialize;

/// A team of a dispute's bargaining unit and how many of its members count on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitTeam {
    /// The branch's team.
    pub team: Team,
    /// Its members on the day.
    pub members: u32,
}

/// A member counted in a dispute's bargaining unit on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitMember {
    /// The record.
    pub id: MemberId,
    /// Their name.
    pub name: String,
    /// Their team.
    pub team_id: TeamId,
}

/// What a change of a dispute's teams did, for the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TeamsChange {
    /// The names of the teams added.
    pub added: Vec<String>,
    /// The names of the teams taken off.
    pub removed: Vec<String>,
}

/// Reading a dispute's bargaining unit.
#[async_trait]
pub trait BargainingStore: Send + Sync {
    /// The dispute's teams by name, each with the members in it on `as_of`.
    async fn unit_teams(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        as_of: NaiveDate,
    ) -> StoreResult<Vec<UnitTeam>>;
    /// The members in the dispute's teams on `as_of`, by team name and then name.
    async fn unit_members(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        as_of: NaiveDate,
    ) -> StoreResult<Vec<UnitMember>>;
}

/// Changing a dispute's bargaining unit and its hand figures, within a
/// [`UnitOfWork`](crate::UnitOfWork).
#[async_trait]
pub trait BargainingWrites: Send {
    /// Makes `teams` the dispute's teams. A team that is not the branch's is refused, and
    /// nothing changes.
    async fn set_dispute_teams(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        teams: &[TeamId],
    ) -> StoreResult<TeamsChange>;
    /// Sets (or, with `None`, clears so that it is counted) a period's hand figure of members
    /// called out.
    async fn set_called_out_figure(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        period: PeriodId,
        hand: Option<&HandFigure>,
    ) -> StoreResult<ActionPeriod>;
    /// Sets (or clears) a ballot's hand figure of members entitled to vote.
    async fn set_entitled_figure(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        ballot: BallotId,
        hand: Option<&HandFigure>,
    ) -> StoreResult<Ballot>;
    /// Sets when a member's membership began and ended (unknown: counted throughout). A
    /// membership that ends before it begins is refused.
    async fn set_membership_dates(
        &mut self,
        branch: BranchId,
        member: MemberId,
        joined: Option<NaiveDate>,
        left: Option<NaiveDate>,
    ) -> StoreResult<()>;
}
