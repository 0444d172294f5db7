//! The writes pages and the API share: each validates what was typed, then stores the change
//! with its audit entry (ids only, no personal data) in one unit of work. The store checks in
//! each statement that the record belongs to the dispute and the dispute to the branch.

use super::view::check_period;
use super::{
    BallotForm, ClaimInput, DisputeInput, EventInput, PartyInput, PeriodInput, QuestionInput,
    RateInput, ResultInput,
};
use crate::error::AppResult;
use crate::extract::actor::Actor;
use crate::state::AppState;
use picket_domain::disputes::{ClaimStatus, Named};
use picket_domain::{
    BallotId, BallotStepId, ClaimId, DisputeId, PartyId, PeriodId, QuestionId, RateId,
    TimelineEntryId,
};
use picket_store::disputes::{ActionPeriod, Ballot, Dispute};

/// Creates a dispute.
pub async fn create_dispute(
    state: &AppState,
    actor: &Actor<'_>,
    input: &DisputeInput,
) -> AppResult<Dispute> {
    let new = input.parse()?;
    let mut work = state.store.begin().await?;
    let dispute = work.create_dispute(actor.branch.id, &new).await?;
    work.audit(actor.entry("dispute.create", format!("dispute:{}", dispute.id)))
        .await?;
    work.commit().await?;
    Ok(dispute)
}

/// Edits a dispute.
pub async fn update_dispute(
    state: &AppState,
    actor: &Actor<'_>,
    id: DisputeId,
    input: &DisputeInput,
) -> AppResult<Dispute> {
    let new = input.parse()?;
    let mut work = state.store.begin().await?;
    let dispute = work.update_dispute(actor.branch.id, id, &new).await?;
    work.audit(actor.entry("dispute.edit", format!("dispute:{id}")))
        .await?;
    work.commit().await?;
    // Public pages see the change at once (a dispute taken out of public view stops taking
    // supporters' sign-ups).
    state.public_disputes.forget();
    state.eactions.forget();
    Ok(dispute)
}

/// Adds a timeline entry; returns its id.
pub async fn add_event(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    input: &EventInput,
) -> AppResult<TimelineEntryId> {
    let new = input.parse()?;
    let mut work = state.store.begin().await?;
    let id = work.add_event(actor.branch.id, dispute, &new).await?;
    work.audit(actor.entry("dispute.timeline.add", format!("dispute:{dispute}")))
        .await?;
    work.commit().await?;
    Ok(id)
}

/// Adds a decision-maker or team; returns its id.
pub async fn add_party(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    input: &PartyInput,
) -> AppResult<PartyId> {
    let new = input.parse()?;
    let mut work = state.store.begin().await?;
    let id = work.add_party(actor.branch.id, dispute, &new).await?;
    work.audit(actor.entry("dispute.party.add", format!("dispute:{dispute}")))
        .await?;
    work.commit().await?;
    Ok(id)
}

/// Adds a claim or offer; returns its id.
pub async fn add_claim(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    input: &ClaimInput,
) -> AppResult<ClaimId> {
    let new = input.parse()?;
    let mut work = state.store.begin().await?;
    let id = work.add_claim(actor.branch.id, dispute, &new).await?;
    work.audit(actor.entry("dispute.claim.add", format!("dispute:{dispute}")))
        .await?;
    work.commit().await?;
    Ok(id)
}

/// Adds an impact rate; returns its id.
pub async fn add_rate(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    input: &RateInput,
) -> AppResult<RateId> {
    let (label, rate) = input.parse()?;
    let mut work = state.store.begin().await?;
    let id = work
        .add_rate(actor.branch.id, dispute, &label, rate)
        .await?;
    work.audit(actor.entry("dispute.rate.add", format!("dispute:{dispute}")))
        .await?;
    work.commit().await?;
    Ok(id)
}

/// Creates a ballot (with its steps checklist when statutory).
pub async fn add_ballot(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    input: &BallotForm,
) -> AppResult<Ballot> {
    let d = state.store.dispute(actor.branch.id, dispute).await?;
    let new = input.parse(d.nation)?;
    let mut work = state.store.begin().await?;
    let ballot = work.create_ballot(actor.branch.id, dispute, &new).await?;
    work.audit(actor.entry("ballot.create", format!("ballot:{}", ballot.id)))
        .await?;
    work.commit().await?;
    Ok(ballot)
}

/// Records the result of one of the dispute's ballots.
pub async fn record_result(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    ballot: BallotId,
    input: &ResultInput,
) -> AppResult<Ballot> {
    let d = state.store.dispute(actor.branch.id, dispute).await?;
    let b = state.store.ballot(actor.branch.id, dispute, ballot).await?;
    let (result, told) = input.parse(d.nation, &b)?;
    let mut work = state.store.begin().await?;
    let b = work
        .record_ballot_result(actor.branch.id, dispute, ballot, result, told)
        .await?;
    work.audit(actor.entry("ballot.result", format!("ballot:{ballot}")))
        .await?;
    work.commit().await?;
    Ok(b)
}

/// Adds a survey question to one of the dispute's ballots; returns its id.
pub async fn add_question(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    ballot: BallotId,
    input: &QuestionInput,
) -> AppResult<QuestionId> {
    let (question, answer, percent) = input.parse()?;
    let mut work = state.store.begin().await?;
    let id = work
        .add_question(
            actor.branch.id,
            dispute,
            ballot,
            &question,
            &answer,
            percent,
        )
        .await?;
    work.audit(actor.entry("ballot.question.add", format!("ballot:{ballot}")))
        .await?;
    work.commit().await?;
    Ok(id)
}

/// Adds a period of action.
pub async fn add_period(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    input: &PeriodInput,
) -> AppResult<ActionPeriod> {
    let d = state.store.dispute(actor.branch.id, dispute).await?;
    let new = input.parse()?;
    check_period(&state.law, &d, &new)?;
    let mut work = state.store.begin().await?;
    let period = work
        .create_action_period(actor.branch.id, dispute, &new)
        .await?;
    work.audit(actor.entry("action.create", format!("action_period:{}", period.id)))
        .await?;
    work.commit().await?;
    Ok(period)
}

/// Changes a claim's or offer's status.
pub async fn set_claim_status(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    claim: ClaimId,
    status: &str,
) -> AppResult<()> {
    let status = super::one_of::<ClaimStatus>("status", status)?;
    let mut work = state.store.begin().await?;
    work.set_claim_status(actor.branch.id, dispute, claim, status)
        .await?;
    work.audit(actor.entry("dispute.claim.status", format!("claim:{claim}")))
        .await?;
    work.commit().await?;
    Ok(())
}

/// Marks a step of one of the dispute's ballots done on a day (empty: not done).
pub async fn mark_step(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    step: BallotStepId,
    done: &str,
) -> AppResult<()> {
    let done = super::optional_date("done", done)?;
    let mut work = state.store.begin().await?;
    work.mark_step(actor.branch.id, dispute, step, done).await?;
    work.audit(actor.entry("ballot.step", format!("ballot_step:{step}")))
        .await?;
    work.commit().await?;
    Ok(())
}

/// Edits a timeline entry (e.g. to publish it).
pub async fn update_event(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    event: TimelineEntryId,
    input: &EventInput,
) -> AppResult<()> {
    let new = input.parse()?;
    let mut work = state.store.begin().await?;
    work.update_event(actor.branch.id, dispute, event, &new)
        .await?;
    work.audit(actor.entry("dispute.timeline.edit", format!("dispute:{dispute}")))
        .await?;
    work.commit().await?;
    Ok(())
}

/// Sets the bank holidays a period counts as strike days (YYYY-MM-DD separated by commas);
/// each must be a bank holiday of the dispute's nation within the period.
pub async fn set_period_holidays(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    period: PeriodId,
    holidays: &str,
) -> AppResult<()> {
    let d = state.store.dispute(actor.branch.id, dispute).await?;
    let p = state
        .store
        .action_period(actor.branch.id, dispute, period)
        .await?;
    let input = PeriodInput {
        kind: p.kind.as_str().into(),
        starts: p.starts.to_string(),
        ends: p.ends.to_string(),
        holidays_as_strike: holidays.into(),
        ..PeriodInput::default()
    };
    let new = input.parse()?;
    check_period(&state.law, &d, &new)?;
    let mut work = state.store.begin().await?;
    work.set_period_holidays(actor.branch.id, dispute, period, &new.holidays_as_strike)
        .await?;
    work.audit(actor.entry("action.holidays", format!("action_period:{period}")))
        .await?;
    work.commit().await?;
    Ok(())
}
