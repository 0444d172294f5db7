//! Disputes' storage: the dispute, its parties, claims and offers, dated timeline, impact
//! rates, ballots (with survey questions and statutory steps) and periods of action.
//!
//! Every row belongs to a branch, and every record to a dispute: each method takes the branch
//! and the dispute, checked in the statement itself, so a record of another dispute or branch
//! is [`StoreError::NotFound`](crate::StoreError::NotFound).

use crate::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use picket_domain::bargaining::{Basis, HandFigure};
use picket_domain::disputes::{
    ActionKind, BallotKind, ClaimKind, ClaimStatus, DisputeStatus, EventKind, PartyKind,
};
use picket_domain::law::IpsCategory;
use picket_domain::{
    BallotId, BallotStepId, BranchId, ClaimId, DisputeId, Nation, PartyId, PeriodId, QuestionId,
    RateId, TimelineEntryId, UserId,
};
use serde::Serialize;

/// A stored dispute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dispute {
    /// Its id.
    pub id: DisputeId,
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
    pub id: PartyId,
    /// Its dispute.
    pub dispute_id: DisputeId,
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
    pub id: ClaimId,
    /// Its dispute.
    pub dispute_id: DisputeId,
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
    pub id: TimelineEntryId,
    /// Its dispute.
    pub dispute_id: DisputeId,
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
    pub id: RateId,
    /// Its dispute.
    pub dispute_id: DisputeId,
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
    pub id: BallotId,
    /// Its dispute.
    pub dispute_id: DisputeId,
    /// Statutory, consultative or survey.
    pub kind: BallotKind,
    /// Its title.
    pub title: String,
    /// Opening day.
    pub opened: NaiveDate,
    /// Closing day.
    pub closed: NaiveDate,
    /// Members entitled to vote: the hand figure where one is given, else those counted from
    /// the member records in the dispute's teams on the opening day.
    pub entitled: u32,
    /// Where `entitled` comes from.
    pub entitled_basis: Basis,
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
    /// Entitled to vote, typed by hand with its reason (none: counted from member records).
    pub entitled: Option<HandFigure>,
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
    pub id: BallotStepId,
    /// Its ballot.
    pub ballot_id: BallotId,
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
    pub id: QuestionId,
    /// Its ballot.
    pub ballot_id: BallotId,
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
    pub id: PeriodId,
    /// Its dispute.
    pub dispute_id: DisputeId,
    /// The ballot whose mandate covers it.
    pub ballot_id: Option<BallotId>,
    /// Strike or action short of strike.
    pub kind: ActionKind,
    /// First day.
    pub starts: NaiveDate,
    /// Last day.
    pub ends: NaiveDate,
    /// Teams called out, in words.
    pub teams: String,
    /// How many members are called out: the hand figure where one is given, else those
    /// counted from the member records in the dispute's teams on the first day.
    pub called_out: u32,
    /// Where `called_out` comes from.
    pub called_out_basis: Basis,
    /// The day the employer received notice.
    pub notice_received: Option<NaiveDate>,
    /// Bank holidays in the period the branch counts as strike days.
    pub holidays_as_strike: Vec<NaiveDate>,
    /// An organiser's confirmation that the period may be public despite the law checks'
    /// warnings, if one was given since the period last changed.
    pub publication: Option<Publication>,
}

/// An organiser's confirmation that a period of action may be shown publicly although the
/// law checks found problems with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Publication {
    /// The warning codes confirmed (e.g. `notice-too-late`); a warning not among them keeps
    /// the period private.
    pub despite: Vec<String>,
    /// When.
    pub at: DateTime<Utc>,
    /// By whom (gone if their account was removed).
    pub by: Option<UserId>,
}

/// A period of action to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewActionPeriod {
    /// The covering ballot.
    pub ballot_id: Option<BallotId>,
    /// Kind.
    pub kind: ActionKind,
    /// First day.
    pub starts: NaiveDate,
    /// Last day.
    pub ends: NaiveDate,
    /// Teams called out.
    pub teams: String,
    /// Number called out, typed by hand with its reason (none: counted from member records).
    pub called_out: Option<HandFigure>,
    /// Notice received.
    pub notice_received: Option<NaiveDate>,
    /// Holidays counted as strike days.
    pub holidays_as_strike: Vec<NaiveDate>,
}

/// Reading disputes and their records. A record is read through its dispute and branch: one
/// of another dispute or branch is [`StoreError::NotFound`](crate::StoreError::NotFound) (or
/// absent from a list).
#[async_trait]
pub trait DisputeStore: Send + Sync {
    /// The branch's disputes, newest first.
    async fn disputes(&self, branch: BranchId) -> StoreResult<Vec<Dispute>>;
    /// One dispute.
    async fn dispute(&self, branch: BranchId, id: DisputeId) -> StoreResult<Dispute>;
    /// The dispute's parties, decision-makers first.
    async fn parties(&self, branch: BranchId, dispute: DisputeId) -> StoreResult<Vec<Party>>;
    /// Claims and offers by date.
    async fn claims(&self, branch: BranchId, dispute: DisputeId) -> StoreResult<Vec<Claim>>;
    /// The timeline by date (only public entries when `public_only`).
    async fn timeline(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        public_only: bool,
    ) -> StoreResult<Vec<TimelineEvent>>;
    /// The dispute's impact rates.
    async fn rates(&self, branch: BranchId, dispute: DisputeId) -> StoreResult<Vec<ImpactRate>>;
    /// The dispute's ballots by opening day.
    async fn ballots(&self, branch: BranchId, dispute: DisputeId) -> StoreResult<Vec<Ballot>>;
    /// One of the dispute's ballots.
    async fn ballot(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        id: BallotId,
    ) -> StoreResult<Ballot>;
    /// The survey questions of one of the dispute's ballots.
    async fn questions(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        ballot: BallotId,
    ) -> StoreResult<Vec<SurveyQuestion>>;
    /// The steps of one of the dispute's ballots, in checklist order.
    async fn steps(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        ballot: BallotId,
    ) -> StoreResult<Vec<BallotStep>>;
    /// The dispute's periods of action by first day.
    async fn action_periods(
        &self,
        branch: BranchId,
        dispute: DisputeId,
    ) -> StoreResult<Vec<ActionPeriod>>;
    /// One of the dispute's periods of action.
    async fn action_period(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        id: PeriodId,
    ) -> StoreResult<ActionPeriod>;
    /// The dispute's participation records, by period and day (whole-period records first).
    async fn participation(
        &self,
        branch: BranchId,
        dispute: DisputeId,
    ) -> StoreResult<Vec<crate::dispute_edits::Participation>>;
    /// The dispute a ballot of the branch belongs to, for requests that name the ballot alone.
    async fn ballot_dispute(&self, branch: BranchId, ballot: BallotId) -> StoreResult<DisputeId>;
    /// The dispute a ballot step of the branch belongs to, for requests that name the step
    /// alone.
    async fn step_dispute(&self, branch: BranchId, step: BallotStepId) -> StoreResult<DisputeId>;
}

/// Creating disputes and adding to their records, within a [`UnitOfWork`](crate::UnitOfWork).
/// Each statement names the branch and the dispute: a record of another dispute or branch is
/// [`StoreError::NotFound`](crate::StoreError::NotFound) and nothing is written. Edits and
/// deletions are in [`DisputeEditWrites`](crate::dispute_edits::DisputeEditWrites).
#[async_trait]
pub trait DisputeWrites: Send {
    /// Creates a dispute.
    async fn create_dispute(&mut self, branch: BranchId, new: &NewDispute) -> StoreResult<Dispute>;
    /// Replaces a dispute's values.
    async fn update_dispute(
        &mut self,
        branch: BranchId,
        id: DisputeId,
        new: &NewDispute,
    ) -> StoreResult<Dispute>;
    /// Adds a decision-maker or team; returns its id.
    async fn add_party(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        new: &NewParty,
    ) -> StoreResult<PartyId>;
    /// Adds a claim or offer; returns its id.
    async fn add_claim(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        new: &NewClaim,
    ) -> StoreResult<ClaimId>;
    /// Changes a claim's status.
    async fn set_claim_status(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        claim: ClaimId,
        status: ClaimStatus,
    ) -> StoreResult<()>;
    /// Adds a timeline entry; returns its id.
    async fn add_event(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        new: &NewTimelineEvent,
    ) -> StoreResult<TimelineEntryId>;
    /// Replaces a timeline entry's values (e.g. to publish it).
    async fn update_event(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        event: TimelineEntryId,
        new: &NewTimelineEvent,
    ) -> StoreResult<()>;
    /// Adds an impact rate; returns its id.
    async fn add_rate(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        label: &str,
        per_worker_day_hundredths: i64,
    ) -> StoreResult<RateId>;
    /// Creates a ballot with its steps checklist.
    async fn create_ballot(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        new: &NewBallot,
    ) -> StoreResult<Ballot>;
    /// Records a ballot's result and the day the employer was told.
    async fn record_ballot_result(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        ballot: BallotId,
        result: BallotResult,
        result_to_employer: Option<NaiveDate>,
    ) -> StoreResult<Ballot>;
    /// Adds a survey question to one of the dispute's ballots; returns its id.
    async fn add_question(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        ballot: BallotId,
        question: &str,
        answer: &str,
        percent_hundredths: i64,
    ) -> StoreResult<QuestionId>;
    /// Marks a step of one of the dispute's ballots done on a day (or not done).
    async fn mark_step(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        step: BallotStepId,
        done: Option<NaiveDate>,
    ) -> StoreResult<()>;
    /// Adds a period of action; the ballot it names must be the dispute's.
    async fn create_action_period(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        new: &NewActionPeriod,
    ) -> StoreResult<ActionPeriod>;
    /// Replaces the bank holidays a period counts as strike days.
    async fn set_period_holidays(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        period: PeriodId,
        holidays: &[NaiveDate],
    ) -> StoreResult<()>;
}
