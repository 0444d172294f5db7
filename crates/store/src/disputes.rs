//! Disputes' storage: the dispute, its parties, claims and offers, dated timeline, impact
//! rates, ballots (with survey questions and statutory steps) and periods of action.
//!
//! Every row belongs to a branch and every method takes the branch: a record of another
//! branch is [`StoreError::NotFound`](crate::StoreError::NotFound).

use crate::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use picket_domain::disputes::{
    ActionKind, BallotKind, ClaimKind, ClaimStatus, DisputeStatus, EventKind, PartyKind,
};
use picket_domain::law::IpsCategory;
use picket_domain::{BranchId, Nation};
use serde::Serialize;

/// A stored dispute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dispute {
    /// Its id.
    pub id: i64,
    /// Its branch.
    pub branch_id: BranchId,
    /// A short title, e.g. "Mental health social workers: recruitment and retention".
    pub title: String,
    /// The employer.
    pub employer: String,
    /// Where the members work: decides the law and the bank holidays.
    pub nation: Nation,
    /// Where it stands.
    pub status: DisputeStatus,
    /// A public summary.
    pub summary: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was last edited.
    pub updated_at: DateTime<Utc>,
}

/// A dispute to create, or its new values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDispute {
    /// Title.
    pub title: String,
    /// Employer.
    pub employer: String,
    /// Nation.
    pub nation: Nation,
    /// Status.
    pub status: DisputeStatus,
    /// Public summary.
    pub summary: String,
}

/// A decision-maker or a team in the bargaining unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Party {
    /// Its id.
    pub id: i64,
    /// Its dispute.
    pub dispute_id: i64,
    /// Which sort.
    pub kind: PartyKind,
    /// The person's or team's name.
    pub name: String,
    /// A decision-maker's role, or a team's workplace.
    pub detail: String,
    /// A decision-maker's email.
    pub email: Option<String>,
    /// A decision-maker's postal address.
    pub address: Option<String>,
    /// A team's headcount.
    pub headcount: Option<u32>,
}

/// A party to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewParty {
    /// Which sort.
    pub kind: PartyKind,
    /// Name.
    pub name: String,
    /// Role or workplace.
    pub detail: String,
    /// Email.
    pub email: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// Headcount.
    pub headcount: Option<u32>,
}

/// A claim or an offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Claim {
    /// Its id.
    pub id: i64,
    /// Its dispute.
    pub dispute_id: i64,
    /// Claim or offer.
    pub kind: ClaimKind,
    /// When it was made.
    pub dated: NaiveDate,
    /// What it is.
    pub summary: String,
    /// Where it stands.
    pub status: ClaimStatus,
}

/// A claim or offer to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClaim {
    /// Claim or offer.
    pub kind: ClaimKind,
    /// Date.
    pub dated: NaiveDate,
    /// What it is.
    pub summary: String,
    /// Status.
    pub status: ClaimStatus,
}

/// A dated entry in a dispute's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEvent {
    /// Its id.
    pub id: i64,
    /// Its dispute.
    pub dispute_id: i64,
    /// When.
    pub dated: NaiveDate,
    /// What sort.
    pub kind: EventKind,
    /// What happened.
    pub title: String,
    /// The outcome.
    pub outcome: String,
    /// Shown on the public dispute page.
    pub public: bool,
}

/// A timeline entry to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTimelineEvent {
    /// When.
    pub dated: NaiveDate,
    /// What sort.
    pub kind: EventKind,
    /// What happened.
    pub title: String,
    /// The outcome.
    pub outcome: String,
    /// Public or private.
    pub public: bool,
}

/// An organiser-set rate for an impact estimate, e.g. 10 service-user contacts per worker per
/// strike day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImpactRate {
    /// Its id.
    pub id: i64,
    /// Its dispute.
    pub dispute_id: i64,
    /// What is counted, e.g. "service-user contacts".
    pub label: String,
    /// How many per worker per strike day, in hundredths.
    pub per_worker_day_hundredths: i64,
}

/// A ballot's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BallotResult {
    /// Votes cast.
    pub cast: u32,
    /// Yes.
    pub yes: u32,
    /// No.
    pub no: u32,
    /// Spoiled papers.
    pub spoiled: u32,
}

/// A stored ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ballot {
    /// Its id.
    pub id: i64,
    /// Its dispute.
    pub dispute_id: i64,
    /// Statutory, consultative or survey.
    pub kind: BallotKind,
    /// Its title.
    pub title: String,
    /// Opening day.
    pub opened: NaiveDate,
    /// Closing day.
    pub closed: NaiveDate,
    /// Members entitled to vote.
    pub entitled: u32,
    /// Important public services category, if most are engaged in one.
    pub ips: Option<IpsCategory>,
    /// At a devolved Welsh public authority.
    pub welsh_devolved: bool,
    /// The employer agreed to extend the mandate.
    pub extension_agreed: bool,
    /// The result, once entered.
    pub result: Option<BallotResult>,
    /// The day the employer was told the result.
    pub result_to_employer: Option<NaiveDate>,
}

/// A statutory step to track.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStep {
    /// What to do.
    pub name: String,
    /// By when.
    pub due: Option<NaiveDate>,
    /// The provision.
    pub provision: String,
}

/// A ballot to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBallot {
    /// Kind.
    pub kind: BallotKind,
    /// Title.
    pub title: String,
    /// Opening day.
    pub opened: NaiveDate,
    /// Closing day.
    pub closed: NaiveDate,
    /// Entitled to vote.
    pub entitled: u32,
    /// IPS category.
    pub ips: Option<IpsCategory>,
    /// Welsh devolved authority.
    pub welsh_devolved: bool,
    /// Mandate extension agreed.
    pub extension_agreed: bool,
    /// The result, if known.
    pub result: Option<BallotResult>,
    /// The day the employer was told the result.
    pub result_to_employer: Option<NaiveDate>,
    /// The steps checklist, stored with the ballot.
    pub steps: Vec<NewStep>,
}

/// A step on a ballot's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BallotStep {
    /// Its id.
    pub id: i64,
    /// Its ballot.
    pub ballot_id: i64,
    /// What to do.
    pub name: String,
    /// By when.
    pub due: Option<NaiveDate>,
    /// When it was done.
    pub done: Option<NaiveDate>,
    /// The provision.
    pub provision: String,
}

/// A survey question and its leading answer, e.g. "Considered leaving?" 100% "Yes".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurveyQuestion {
    /// Its id.
    pub id: i64,
    /// Its ballot.
    pub ballot_id: i64,
    /// The question.
    pub question: String,
    /// The answer reported.
    pub answer: String,
    /// Its share of answers, in hundredths of a percent.
    pub percent_hundredths: i64,
}

/// A period of industrial action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionPeriod {
    /// Its id.
    pub id: i64,
    /// Its dispute.
    pub dispute_id: i64,
    /// The ballot whose mandate covers it.
    pub ballot_id: Option<i64>,
    /// Strike or action short of strike.
    pub kind: ActionKind,
    /// First day.
    pub starts: NaiveDate,
    /// Last day.
    pub ends: NaiveDate,
    /// Teams called out, in words.
    pub teams: String,
    /// How many members are called out.
    pub called_out: u32,
    /// The day the employer received notice.
    pub notice_received: Option<NaiveDate>,
    /// Bank holidays in the period the branch counts as strike days.
    pub holidays_as_strike: Vec<NaiveDate>,
}

/// A period of action to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewActionPeriod {
    /// The covering ballot.
    pub ballot_id: Option<i64>,
    /// Kind.
    pub kind: ActionKind,
    /// First day.
    pub starts: NaiveDate,
    /// Last day.
    pub ends: NaiveDate,
    /// Teams called out.
    pub teams: String,
    /// Number called out.
    pub called_out: u32,
    /// Notice received.
    pub notice_received: Option<NaiveDate>,
    /// Holidays counted as strike days.
    pub holidays_as_strike: Vec<NaiveDate>,
}

/// Disputes' storage.
#[async_trait]
pub trait DisputeStore: Send + Sync {
    /// Creates a dispute.
    async fn create_dispute(&self, branch: BranchId, new: &NewDispute) -> StoreResult<Dispute>;
    /// Replaces a dispute's values.
    async fn update_dispute(
        &self,
        branch: BranchId,
        id: i64,
        new: &NewDispute,
    ) -> StoreResult<Dispute>;
    /// The branch's disputes, newest first.
    async fn disputes(&self, branch: BranchId) -> StoreResult<Vec<Dispute>>;
    /// One dispute.
    async fn dispute(&self, branch: BranchId, id: i64) -> StoreResult<Dispute>;
    /// Adds a decision-maker or team; returns its id.
    async fn add_party(&self, branch: BranchId, dispute: i64, new: &NewParty) -> StoreResult<i64>;
    /// The dispute's parties, decision-makers first.
    async fn parties(&self, branch: BranchId, dispute: i64) -> StoreResult<Vec<Party>>;
    /// Adds a claim or offer; returns its id.
    async fn add_claim(&self, branch: BranchId, dispute: i64, new: &NewClaim) -> StoreResult<i64>;
    /// Changes a claim's status; `NotFound` unless it is a claim of that dispute of that
    /// branch.
    async fn set_claim_status(
        &self,
        branch: BranchId,
        dispute: i64,
        claim: i64,
        status: ClaimStatus,
    ) -> StoreResult<()>;
    /// Claims and offers by date.
    async fn claims(&self, branch: BranchId, dispute: i64) -> StoreResult<Vec<Claim>>;
    /// Adds a timeline entry; returns its id.
    async fn add_event(
        &self,
        branch: BranchId,
        dispute: i64,
        new: &NewTimelineEvent,
    ) -> StoreResult<i64>;
    /// Replaces a timeline entry's values (e.g. to publish it); `NotFound` unless it is an
    /// entry of that dispute of that branch.
    async fn update_event(
        &self,
        branch: BranchId,
        dispute: i64,
        event: i64,
        new: &NewTimelineEvent,
    ) -> StoreResult<()>;
    /// The timeline by date (only public entries when `public_only`).
    async fn timeline(
        &self,
        branch: BranchId,
        dispute: i64,
        public_only: bool,
    ) -> StoreResult<Vec<TimelineEvent>>;
    /// Adds an impact rate; returns its id.
    async fn add_rate(
        &self,
        branch: BranchId,
        dispute: i64,
        label: &str,
        per_worker_day_hundredths: i64,
    ) -> StoreResult<i64>;
    /// The dispute's impact rates.
    async fn rates(&self, branch: BranchId, dispute: i64) -> StoreResult<Vec<ImpactRate>>;
    /// Creates a ballot with its steps checklist.
    async fn create_ballot(
        &self,
        branch: BranchId,
        dispute: i64,
        new: &NewBallot,
    ) -> StoreResult<Ballot>;
    /// The dispute's ballots by opening day.
    async fn ballots(&self, branch: BranchId, dispute: i64) -> StoreResult<Vec<Ballot>>;
    /// One ballot.
    async fn ballot(&self, branch: BranchId, id: i64) -> StoreResult<Ballot>;
    /// Records a ballot's result and the day the employer was told.
    async fn record_ballot_result(
        &self,
        branch: BranchId,
        id: i64,
        result: BallotResult,
        result_to_employer: Option<NaiveDate>,
    ) -> StoreResult<Ballot>;
    /// Adds a survey question; returns its id.
    async fn add_question(
        &self,
        branch: BranchId,
        ballot: i64,
        question: &str,
        answer: &str,
        percent_hundredths: i64,
    ) -> StoreResult<i64>;
    /// A ballot's survey questions.
    async fn questions(&self, branch: BranchId, ballot: i64) -> StoreResult<Vec<SurveyQuestion>>;
    /// A ballot's steps, by due date.
    async fn steps(&self, branch: BranchId, ballot: i64) -> StoreResult<Vec<BallotStep>>;
    /// Marks a step done on a day (or not done).
    async fn mark_step(
        &self,
        branch: BranchId,
        step: i64,
        done: Option<NaiveDate>,
    ) -> StoreResult<()>;
    /// Adds a period of action.
    async fn create_action_period(
        &self,
        branch: BranchId,
        dispute: i64,
        new: &NewActionPeriod,
    ) -> StoreResult<ActionPeriod>;
    /// Replaces the bank holidays a period counts as strike days.
    async fn set_period_holidays(
        &self,
        branch: BranchId,
        period: i64,
        holidays: &[NaiveDate],
    ) -> StoreResult<()>;
    /// The dispute's periods of action by first day.
    async fn action_periods(
        &self,
        branch: BranchId,
        dispute: i64,
    ) -> StoreResult<Vec<ActionPeriod>>;
}
