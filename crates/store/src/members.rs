//! Members' storage: member records, the branch's teams, the teams each rep represents, the
//! saved import mapping, the CSV import itself (all or nothing, within one unit of work) and
//! the web's import runs.

use crate::*;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use picket_domain::members::import::{ColumnMap, ParsedFile, RowChange, RowProblem};
use picket_domain::members::{MemberDetails, MemberField, MembershipNumber};
use picket_domain::{BranchId, ImportRunId, MemberId, TeamId, UserId};
use serde::{Deserialize, Serialize};

/// A team in a branch (the people a rep represents). Not a dispute party: those are kept
/// with the dispute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Team {
    /// Its id.
    pub id: TeamId,
    /// Its branch.
    pub branch_id: BranchId,
    /// Its name, unique in the branch regardless of case.
    pub name: String,
    /// Where it works.
    pub workplace: Option<String>,
    /// When it was added.
    pub created_at: DateTime<Utc>,
}

/// A stored member record.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// Its id (kept when the record is erased).
    pub id: MemberId,
    /// Its branch.
    pub branch_id: BranchId,
    /// The details.
    pub details: MemberDetails,
    /// Their team's id.
    pub team_id: Option<TeamId>,
    /// Their team's name.
    pub team_name: Option<String>,
    /// The login account linked to this record, if any.
    pub user_id: Option<UserId>,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// When its personal fields were erased (pseudonymised in place).
    pub erased_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for Member {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Personal data stays out of logs and panics.
        f.debug_struct("Member")
            .field("id", &self.id)
            .field("branch_id", &self.branch_id)
            .finish_non_exhaustive()
    }
}

/// Which members to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberFilter {
    /// Words to find in the name, membership number or email (case-insensitive).
    pub query: Option<String>,
    /// Only these teams (a rep's view); `Some(vec![])` finds nobody.
    pub teams: Option<Vec<TeamId>>,
    /// Include erased records.
    pub include_erased: bool,
}

/// How to run an import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Only report what would change; write nothing.
    pub dry_run: bool,
    /// Today, for checking consent dates.
    pub today: NaiveDate,
    /// A mapping to save as the branch's, if the import is applied.
    pub save_map: Option<ColumnMap>,
}

/// Where an import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportPhase {
    /// Comparing rows with the stored records; the number is rows checked.
    Checking,
    /// Writing new and changed records; the number is rows written.
    Writing,
}

/// Told of an import's progress: the phase, rows done in it, rows the phase has.
pub type ImportProgress<'a> = &'a (dyn Fn(ImportPhase, u64, u64) + Send + Sync);

/// One row of an import's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowOutcome {
    /// The spreadsheet row number.
    pub row: u64,
    /// The member's membership number.
    pub membership_number: String,
    /// What the row does.
    pub change: RowChange,
}

/// What an import did (or, on a dry run or a refusal, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOutcome {
    /// Member rows in the file.
    pub total: u64,
    /// New members.
    pub created: u64,
    /// Members whose record changes.
    pub updated: u64,
    /// Members whose record already says this.
    pub unchanged: u64,
    /// Rejected rows with the reasons, in row order.
    pub rejected: Vec<RowProblem>,
    /// New and updated rows, in row order.
    pub changes: Vec<RowOutcome>,
    /// Whether the changes were written (false for a dry run or a refused import).
    pub applied: bool,
    /// Teams the file names that the branch does not have, in the order first named: their
    /// rows are rejected unless the teams are created first, in the same unit
    /// ([`MemberWrites::create_missing_teams`]).
    #[serde(default)]
    pub new_teams: Vec<String>,
}

/// Where a web import run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportRunStatus {
    /// Still working.
    Running,
    /// Finished: applied, or a dry run reported.
    Done,
    /// Rows were rejected, so nothing was changed.
    Refused,
    /// The file could not be read, or the database failed; nothing was changed.
    Failed,
}

impl ImportRunStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportRunStatus::Running => "running",
            ImportRunStatus::Done => "done",
            ImportRunStatus::Refused => "refused",
            ImportRunStatus::Failed => "failed",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Running, Self::Done, Self::Refused, Self::Failed]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// Which process works on an import run, and until when it answers for it: the process
/// extends the lease while it works, so a run whose lease ran out was abandoned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportLease {
    /// The process's own id (random, chosen when it starts).
    pub owner: String,
    /// When the lease ends unless extended.
    pub until: DateTime<Utc>,
}

/// An import run started from the web.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportRun {
    /// Its id.
    pub id: ImportRunId,
    /// Its branch.
    pub branch_id: BranchId,
    /// Who started it.
    pub started_by: Option<UserId>,
    /// Whether it only reports.
    pub dry_run: bool,
    /// Where it stands.
    pub status: ImportRunStatus,
    /// Rows in the file.
    pub rows_total: u64,
    /// Rows checked so far (as last recorded).
    pub rows_done: u64,
    /// The result, once finished.
    pub outcome: Option<ImportOutcome>,
    /// Why it failed, if it did (no personal data).
    pub error: Option<String>,
    /// When it started.
    pub created_at: DateTime<Utc>,
    /// When it finished.
    pub finished_at: Option<DateTime<Utc>>,
}

/// Reading members' storage. Every read takes the branch; a record in another branch is
/// [`StoreError::NotFound`]. Callers audit reads (with the reason given) through
/// [`AuditStore`].
#[async_trait]
pub trait MemberStore: Send + Sync {
    /// The branch's teams, by name.
    async fn teams(&self, branch: BranchId) -> StoreResult<Vec<Team>>;
    /// The ids of the teams `user` represents in the branch.
    async fn rep_team_ids(&self, branch: BranchId, user: UserId) -> StoreResult<Vec<TeamId>>;
    /// One member.
    async fn member(&self, branch: BranchId, id: MemberId) -> StoreResult<Member>;
    /// The member record linked to a login in this branch, if there is one.
    async fn member_for_user(&self, branch: BranchId, user: UserId) -> StoreResult<Option<Member>>;
    /// A page of members matching `filter`, by name then id.
    async fn search_members(
        &self,
        branch: BranchId,
        filter: &MemberFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Member>>;
    /// At most `limit` members matching `filter` whose membership number sorts after
    /// `after` (from the first with `None`), by membership number: an export reads the branch
    /// batch by batch through the `(branch, membership number)` index, never all at once.
    async fn export_members(
        &self,
        branch: BranchId,
        filter: &MemberFilter,
        after: Option<&MembershipNumber>,
        limit: u32,
    ) -> StoreResult<Vec<Member>>;

    /// The column mapping the branch last imported with.
    async fn import_map(&self, branch: BranchId) -> StoreResult<Option<ColumnMap>>;
    /// One run in the branch.
    async fn import_run(&self, branch: BranchId, id: ImportRunId) -> StoreResult<ImportRun>;
    /// Extends to `lease.until` the lease of every run still running that `lease.owner`
    /// holds; returns how many. (Lease upkeep, one statement of its own: not a change a
    /// person makes.)
    async fn renew_import_leases(&self, lease: &ImportLease) -> StoreResult<u64>;
    /// Marks failed, with `reason`, every run still running that `owner` does not hold and
    /// whose lease ran out before `now` (or had none); with `any_lease`, whatever its lease
    /// (for SQLite, which one process serves, so another owner is a dead one). Returns the
    /// ids of the runs marked. (Lease upkeep, one statement of its own.)
    async fn fail_abandoned_import_runs(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        any_lease: bool,
        reason: &str,
    ) -> StoreResult<Vec<ImportRunId>>;
    /// The audit entries about one member record of the branch (subject `member:ID`),
    /// newest first, at most `limit`. A record of another branch has none.
    async fn member_history(
        &self,
        branch: BranchId,
        id: MemberId,
        limit: u32,
    ) -> StoreResult<Vec<AuditEntry>>;
}

/// Changing members' storage, within a [`UnitOfWork`](crate::UnitOfWork). The branch is
/// checked in each statement: a record (or a team) of another branch is
/// [`StoreError::NotFound`].
#[async_trait]
pub trait MemberWrites: Send {
    /// Adds a team; a name taken in the branch (ignoring case) is
    /// [`StoreError::Conflict`]`("team name")`.
    async fn create_team(
        &mut self,
        branch: BranchId,
        name: &str,
        workplace: Option<&str>,
    ) -> StoreResult<Team>;
    /// Adds each of `names` the branch does not have yet (ignoring case); returns the teams
    /// added. An import that creates the teams its file names calls this in its unit first.
    async fn create_missing_teams(
        &mut self,
        branch: BranchId,
        names: &[String],
    ) -> StoreResult<Vec<Team>>;
    /// Replaces the teams `user` represents in the branch. A team of another branch, or a
    /// user with no role in the branch, is [`StoreError::NotFound`].
    async fn set_rep_teams(
        &mut self,
        branch: BranchId,
        user: UserId,
        teams: &[TeamId],
    ) -> StoreResult<()>;
    /// Adds a member; a membership number taken in the branch is
    /// [`StoreError::Conflict`]`("membership number")`, a team of another branch
    /// [`StoreError::NotFound`].
    async fn create_member(
        &mut self,
        branch: BranchId,
        details: &MemberDetails,
        team: Option<TeamId>,
    ) -> StoreResult<Member>;
    /// An organiser's edit: replaces a record's details and team, compared with the record
    /// as it stands in the unit's transaction, and returns the fields that changed (none:
    /// nothing is written). A change of contact choices goes into the consent history
    /// (source organiser, by `actor`); a new email is taken by the passwordless account
    /// linked to the record, and cancels the member's own unconfirmed change of address. An
    /// erased or unknown record, or a team, of another branch is [`StoreError::NotFound`]; a
    /// membership number taken is [`StoreError::Conflict`]`("membership number")`, an email
    /// another account uses [`StoreError::Conflict`]`("email")`.
    async fn update_member(
        &mut self,
        branch: BranchId,
        id: MemberId,
        details: &MemberDetails,
        team: Option<TeamId>,
        actor: Option<UserId>,
    ) -> StoreResult<Vec<MemberField>>;
    /// Links a member record to a login (or unlinks it with `None`).
    async fn link_member_user(
        &mut self,
        branch: BranchId,
        id: MemberId,
        user: Option<UserId>,
    ) -> StoreResult<()>;
    /// Imports a parsed file: rows are matched by membership number, teams by name (an
    /// unknown team rejects the row), rows of erased records are rejected. With any row
    /// rejected (here or in `file.rejected`), or on a dry run, nothing is written; otherwise
    /// new and changed records are written, all of them with the unit or none.
    async fn import_members(
        &mut self,
        branch: BranchId,
        file: &ParsedFile,
        options: &ImportOptions,
        progress: ImportProgress<'_>,
    ) -> StoreResult<ImportOutcome>;
    /// Records the start of a web import run, held by the process `lease` names.
    async fn start_import_run(
        &mut self,
        branch: BranchId,
        user: UserId,
        dry_run: bool,
        rows_total: u64,
        lease: &ImportLease,
    ) -> StoreResult<ImportRunId>;
    /// Records how a run of the branch ended: its outcome, or the error that stopped it.
    async fn finish_import_run(
        &mut self,
        branch: BranchId,
        id: ImportRunId,
        result: Result<&ImportOutcome, &str>,
    ) -> StoreResult<()>;
}
