//! The turnout drive's storage: what members say about a statutory ballot ("my paper
//! arrived", "I have voted"; never how they voted), counts per team, the lists reps chase,
//! and the throttle on reminder emails.

use crate::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use picket_domain::turnout::TurnoutReport;
use picket_domain::{BallotId, BranchId, MemberId, TeamId};
use serde::Serialize;

/// A team's counts for a ballot. Members with no team are counted under `team_id: None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamTurnout {
    /// The team.
    pub team_id: Option<TeamId>,
    /// Its name.
    pub team_name: Option<String>,
    /// Where it works.
    pub workplace: Option<String>,
    /// Members of the team on the register (not erased): those entitled to vote.
    pub entitled: u32,
    /// Of those, how many say they voted.
    pub said_voted: u32,
    /// Of those, how many say their paper arrived (or that they voted).
    pub paper_arrived: u32,
}

/// A member to chase, with how to reach them.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct ToChase {
    /// The member.
    pub member_id: MemberId,
    /// Their name.
    pub name: String,
    /// Their phone number, if known.
    pub phone: Option<String>,
    /// Their email address, if known.
    pub email: Option<String>,
    /// Their team's name.
    pub team_name: Option<String>,
    /// Whether they said their paper arrived.
    pub paper_arrived: bool,
}

impl std::fmt::Debug for ToChase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Personal data stays out of logs and panics.
        f.debug_struct("ToChase")
            .field("member_id", &self.member_id)
            .finish_non_exhaustive()
    }
}

/// Which members a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChaseList {
    /// Members who have not said they voted.
    NotVoted,
    /// Members who have not said their paper arrived (nor that they voted).
    PaperNotArrived,
}

/// A ballot's reminder setting and when the last reminder went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TurnoutSettings {
    /// The fewest days between two reminders.
    pub reminder_every_days: u32,
    /// When the last reminder was sent.
    pub last_reminder_at: Option<DateTime<Utc>>,
}

/// Whether a reminder may go now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderTurn {
    /// Taken: send it (the time is recorded with the unit).
    Taken,
    /// Too soon after the last: the next may go at this instant.
    TooSoon(DateTime<Utc>),
}

/// Days between turnout reminders when an organiser has set none.
pub const DEFAULT_REMINDER_DAYS: u32 = 3;

/// Reading the turnout drive. Every read takes the branch; a ballot of another branch is
/// [`StoreError::NotFound`](crate::StoreError::NotFound). `teams` narrows a rep's view to
/// their teams (`None`: every team and members with none).
#[async_trait]
pub trait TurnoutStore: Send + Sync {
    /// Counts per team, by team name (members with no team last).
    async fn turnout_by_team(
        &self,
        branch: BranchId,
        ballot: BallotId,
        teams: Option<&[TeamId]>,
    ) -> StoreResult<Vec<TeamTurnout>>;
    /// Members on a chase list, by team then name.
    async fn turnout_chase_list(
        &self,
        branch: BranchId,
        ballot: BallotId,
        list: ChaseList,
        teams: Option<&[TeamId]>,
    ) -> StoreResult<Vec<ToChase>>;
    /// What a member has said about the ballot: (paper arrived, voted).
    async fn own_turnout(
        &self,
        branch: BranchId,
        ballot: BallotId,
        member: MemberId,
    ) -> StoreResult<(bool, bool)>;
    /// The ballot's reminder setting ([`DEFAULT_REMINDER_DAYS`] until set).
    async fn turnout_settings(
        &self,
        branch: BranchId,
        ballot: BallotId,
    ) -> StoreResult<TurnoutSettings>;
}

/// Changing the turnout drive, within a [`UnitOfWork`](crate::UnitOfWork).
#[async_trait]
pub trait TurnoutWrites: Send {
    /// Records what a member says (a statutory ballot of the branch; a member of the branch).
    /// Saying "voted" also says the paper arrived.
    async fn report_turnout(
        &mut self,
        branch: BranchId,
        ballot: BallotId,
        member: MemberId,
        report: TurnoutReport,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Sets the fewest days between reminders (at least 1).
    async fn set_turnout_reminder_days(
        &mut self,
        branch: BranchId,
        ballot: BallotId,
        days: u32,
    ) -> StoreResult<()>;
    /// Takes the ballot's turn to send a reminder at `now`, if the last was at least the set
    /// number of days ago; checked and recorded in one statement, so two organisers pressing
    /// at once send one reminder.
    async fn take_turnout_reminder(
        &mut self,
        branch: BranchId,
        ballot: BallotId,
        now: DateTime<Utc>,
    ) -> StoreResult<ReminderTurn>;
}
