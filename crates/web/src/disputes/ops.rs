//! The writes pages and the API share: each validates what was typed, checks the record
//! belongs to the branch, stores it and writes the audit log (ids only, no personal data).

use super::view::check_period;
use super::{
    BallotForm, ClaimInput, DisputeInput, EventInput, PartyInput, PeriodInput, QuestionInput,
    RateInput, ResultInput,
};
use crate::error::AppResult;
use crate::state::AppState;
use picket_domain::disputes::Named;
use picket_store::disputes::{ActionPeriod, Ballot, Dispute};

pub use crate::actor::Actor;

impl Actor<'_> {
    pub(crate) async fn audit(
        &self,
        state: &AppState,
        action: &str,
        subject: String,
    ) -> AppResult<()> {
        state.store.audit(self.entry(action, subject)).await?;
        Ok(())
    }
}

/// Creates a dispute.
pub async fn create_dispute(
    state: &AppState,
    actor: &Actor<'_>,
    input: &DisputeInput,
) -> AppResult<Dispute> {
    let new = input.parse()?;
    let dispute = state.store.create_dispute(actor.branch.id, &new).await?;
    actor
        .audit(state, "dispute.create", format!("dispute:{}", dispute.id))
        .await?;
    Ok(dispute)
}

/// Edits a dispute.
pub async fn update_dispute(
    state: &AppState,
    actor: &Actor<'_>,
    id: i64,
    input: &DisputeInput,
) -> AppResult<Dispute> {
    let new = input.parse()?;
    let dispute = state
        .store
        .update_dispute(actor.branch.id, id, &new)
        .await?;
    actor
        .audit(state, "dispute.edit", format!("dispute:{id}"))
        .await?;
    Ok(dispute)
}

/// Adds a timeline entry; returns its id.
pub async fn add_event(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: i64,
    input: &EventInput,
) -> AppResult<i64> {
    let new = input.parse()?;
    let id = state
        .store
        .add_event(actor.branch.id, dispute, &new)
        .await?;
    actor
        .audit(state, "dispute.timeline.add", format!("dispute:{dispute}"))
        .await?;
    Ok(id)
}

/// Adds a decision-maker or team; returns its id.
pub async fn add_party(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: i64,
    input: &PartyInput,
) -> AppResult<i64> {
    let new = input.parse()?;
    let id = state
        .store
        .add_party(actor.branch.id, dispute, &new)
        .await?;
    actor
        .audit(state, "dispute.party.add", format!("dispute:{dispute}"))
        .await?;
    Ok(id)
}

/// Adds a claim or offer; returns its id.
pub async fn add_claim(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: i64,
    input: &ClaimInput,
) -> AppResult<i64> {
    let new = input.parse()?;
    let id = state
        .store
        .add_claim(actor.branch.id, dispute, &new)
        .await?;
    actor
        .audit(state, "dispute.claim.add", format!("dispute:{dispute}"))
        .await?;
    Ok(id)
}

/// Adds an impact rate; returns its id.
pub async fn add_rate(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: i64,
    input: &RateInput,
) -> AppResult<i64> {
    let (label, rate) = input.parse()?;
    let id = state
        .store
        .add_rate(actor.branch.id, dispute, &label, rate)
        .await?;
    actor
        .audit(state, "dispute.rate.add", format!("dispute:{dispute}"))
        .await?;
    Ok(id)
}

/// Creates a ballot (with its steps checklist when statutory).
pub async fn add_ballot(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: i64,
    input: &BallotForm,
) -> AppResult<Ballot> {
    let d = state.store.dispute(actor.branch.id, dispute).await?;
    let new = input.parse(d.nation)?;
    let ballot = state
        .store
        .create_ballot(actor.branch.id, dispute, &new)
        .await?;
    actor
        .audit(state, "ballot.create", format!("ballot:{}", ballot.id))
        .await?;
    Ok(ballot)
}

/// Records a ballot's result.
pub async fn record_result(
    state: &AppState,
    actor: &Actor<'_>,
    ballot: i64,
    input: &ResultInput,
) -> AppResult<Ballot> {
    let b = state.store.ballot(actor.branch.id, ballot).await?;
    let d = state.store.dispute(actor.branch.id, b.dispute_id).await?;
    let (result, told) = input.parse(d.nation, &b)?;
    let b = state
        .store
        .record_ballot_result(actor.branch.id, ballot, result, told)
        .await?;
    actor
        .audit(state, "ballot.result", format!("ballot:{ballot}"))
        .await?;
    Ok(b)
}

/// Adds a survey question; returns its id.
pub async fn add_question(
    state: &AppState,
    actor: &Actor<'_>,
    ballot: i64,
    input: &QuestionInput,
) -> AppResult<i64> {
    let (question, answer, percent) = input.parse()?;
    let id = state
        .store
        .add_question(actor.branch.id, ballot, &question, &answer, percent)
        .await?;
    actor
        .audit(state, "ballot.question.add", format!("ballot:{ballot}"))
        .await?;
    Ok(id)
}

/// Adds a period of action.
pub async fn add_period(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: i64,
    input: &PeriodInput,
) -> AppResult<ActionPeriod> {
    let d = state.store.dispute(actor.branch.id, dispute).await?;
    let new = input.parse()?;
    check_period(&state.law, &d, &new)?;
    let period = state
        .store
        .create_action_period(actor.branch.id, dispute, &new)
        .await?;
    actor
        .audit(
            state,
            "action.create",
            format!("action_period:{}", period.id),
        )
        .await?;
    Ok(period)
}

/// Changes a claim's or offer's status; the claim must belong to the dispute.
pub async fn set_claim_status(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: i64,
    claim: i64,
    status: &str,
) -> AppResult<()> {
    let status = super::one_of::<picket_domain::disputes::ClaimStatus>("status", status)?;
    state
        .store
        .set_claim_status(actor.branch.id, dispute, claim, status)
        .await?;
    actor
        .audit(state, "dispute.claim.status", format!("claim:{claim}"))
        .await
}

/// Marks a ballot step done on a day (empty: not done).
pub async fn mark_step(
    state: &AppState,
    actor: &Actor<'_>,
    step: i64,
    done: &str,
) -> AppResult<()> {
    let done = match done.trim() {
        "" => None,
        s => Some(super::date("done", s)?),
    };
    state.store.mark_step(actor.branch.id, step, done).await?;
    actor
        .audit(state, "ballot.step", format!("ballot_step:{step}"))
        .await
}

/// Edits a timeline entry (e.g. to publish it); it must belong to the dispute.
pub async fn update_event(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: i64,
    event: i64,
    input: &EventInput,
) -> AppResult<()> {
    let new = input.parse()?;
    state
        .store
        .update_event(actor.branch.id, dispute, event, &new)
        .await?;
    actor
        .audit(state, "dispute.timeline.edit", format!("dispute:{dispute}"))
        .await
}

/// Sets the bank holidays a period counts as strike days (YYYY-MM-DD separated by commas);
/// each must be a bank holiday of the dispute's nation within the period.
pub async fn set_period_holidays(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: i64,
    period: i64,
    holidays: &str,
) -> AppResult<()> {
    let d = state.store.dispute(actor.branch.id, dispute).await?;
    let periods = state.store.action_periods(actor.branch.id, dispute).await?;
    let p = periods
        .iter()
        .find(|p| p.id == period)
        .ok_or(crate::error::AppError::NotFound)?;
    let input = PeriodInput {
        kind: p.kind.as_str().into(),
        starts: p.starts.to_string(),
        ends: p.ends.to_string(),
        called_out: p.called_out.to_string(),
        holidays_as_strike: holidays.into(),
        ..PeriodInput::default()
    };
    let new = input.parse()?;
    check_period(&state.law, &d, &new)?;
    state
        .store
        .set_period_holidays(actor.branch.id, period, &new.holidays_as_strike)
        .await?;
    actor
        .audit(state, "action.holidays", format!("action_period:{period}"))
        .await
}
