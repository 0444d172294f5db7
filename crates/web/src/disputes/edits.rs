//! Edits and deletions of a dispute's records, bank holidays marked as strike days one at a
//! time, and participation records, shared by pages and the API. Each validates what was
//! typed (naming the field), changes only a record of this dispute in this branch, and
//! writes the audit log (ids only).

use super::ops::Actor;
use super::view::check_period;
use super::{text, BallotForm, ClaimInput, PartyInput, PeriodInput, RateInput};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::NaiveDate;
use picket_store::disputes::{ActionPeriod, Ballot};
use serde::Deserialize;
use utoipa::ToSchema;

/// The kinds of record an organiser edits or deletes, by their name in paths and the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// A decision-maker or team.
    Party,
    /// A claim or offer.
    Claim,
    /// A timeline entry.
    Event,
    /// An impact rate.
    Rate,
    /// A ballot or survey.
    Ballot,
    /// A survey question.
    Question,
    /// A period of action.
    Period,
    /// A participation record.
    Participation,
}

impl Record {
    /// Every kind.
    pub const ALL: [Record; 8] = [
        Record::Party,
        Record::Claim,
        Record::Event,
        Record::Rate,
        Record::Ballot,
        Record::Question,
        Record::Period,
        Record::Participation,
    ];

    /// Its name in paths and the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Record::Party => "party",
            Record::Claim => "claim",
            Record::Event => "event",
            Record::Rate => "rate",
            Record::Ballot => "ballot",
            Record::Question => "question",
            Record::Period => "period",
            Record::Participation => "participation",
        }
    }

    /// The kind named `s`.
    pub fn parse(s: &str) -> Option<Record> {
        Record::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Its name as an audit subject.
    fn subject(self) -> &'static str {
        match self {
            Record::Event => "timeline_event",
            Record::Question => "ballot_question",
            Record::Period => "action_period",
            other => other.as_str(),
        }
    }

    /// The audit action prefix.
    fn audit(self) -> &'static str {
        match self {
            Record::Party => "dispute.party",
            Record::Claim => "dispute.claim",
            Record::Event => "dispute.timeline",
            Record::Rate => "dispute.rate",
            Record::Ballot => "ballot",
            Record::Question => "ballot.question",
            Record::Period => "action",
            Record::Participation => "action.participation",
        }
    }
}

/// Deletes one of the dispute's records.
pub async fn delete(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: i64,
    what: Record,
    id: i64,
) -> AppResult<()> {
    let (b, s) = (actor.branch.id, &state.store);
    match what {
        Record::Party => s.delete_party(b, dispute, id).await?,
        Record::Claim => s.delete_claim(b, dispute, id).await?,
        Record::Event => s.delete_event(b, dispute, id).await?,
        Record::Rate => s.delete_rate(b, dispute, id).await?,
        Record::Ballot => s.delete_ballot(b, dispute, id).await?,
        Record::Question => s.delete_question(b, dispute, id).await?,
        Record::Period => s.delete_period(b, dispute, id).await?,
        Record::Participation => s.delete_participation(b, dispute, id).await?,
    }
    actor
        .audit(
            state,
            &format!("{}.delete", what.audit()),
            format!("{}:{id}", what.subject()),
        )
        .await
}

async fn edited(actor: &Actor<'_>, state: &AppState, what: Record, id: i64) -> AppResult<()> {
    actor
        .audit(
            state,
            &format!("{}.edit", what.audit()),
            format!("{}:{id}", what.subject()),
        )
        .await
}

/// Edits a decision-maker or team.
pub async fn update_party(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: i64,
    id: i64,
    input: &PartyInput,
) -> AppResult<()> {
    let new = input.parse()?;
    state
        .store
        .update_party(actor.branch.id, dispute, id, &new)
        .await?;
    edited(actor, state, Record::Party, id).await
}

/// Edits a claim or offer.
pub async fn update_claim(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: i64,
    id: i64,
    input: &ClaimInput,
) -> AppResult<()> {
    let new = input.parse()?;
    state
        .store
        .update_claim(actor.branch.id, dispute, id, &new)
        .await?;
    edited(actor, state, Record::Claim, id).await
}

/// Edits an impact rate.
pub async fn update_rate(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: i64,
    id: i64,
    input: &RateInput,
) -> AppResult<()> {
    let (label, rate) = input.parse()?;
    state
        .store
        .update_rate(actor.branch.id, dispute, id, &label, rate)
        .await?;
    edited(actor, state, Record::Rate, id).await
}

/// Edits a ballot: its values, its result and its steps checklist (re-worked from the new
/// dates; steps already done stay done).
pub async fn update_ballot(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: i64,
    id: i64,
    input: &BallotForm,
) -> AppResult<Ballot> {
    let d = state.store.dispute(actor.branch.id, dispute).await?;
    let new = input.parse(d.nation)?;
    let ballot = state
        .store
        .update_ballot(actor.branch.id, dispute, id, &new)
        .await?;
    edited(actor, state, Record::Ballot, id).await?;
    Ok(ballot)
}

/// Edits a period of action (its holidays checked against the calendar).
pub async fn update_period(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: i64,
    id: i64,
    input: &PeriodInput,
) -> AppResult<ActionPeriod> {
    let d = state.store.dispute(actor.branch.id, dispute).await?;
    let new = input.parse()?;
    check_period(&state.law, &d, &new)?;
    let period = state
        .store
        .update_period(actor.branch.id, dispute, id, &new)
        .await?;
    edited(actor, state, Record::Period, id).await?;
    Ok(period)
}

async fn period_of(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: i64,
    id: i64,
) -> AppResult<ActionPeriod> {
    state
        .store
        .action_periods(actor.branch.id, dispute)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or(AppError::NotFound)
}

/// Counts one bank holiday inside a period as a strike day (`strike` true) or stops
/// counting it. The day must be a bank holiday of the dispute's nation within the period.
pub async fn set_strike_holiday(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: i64,
    period: i64,
    day: &str,
    strike: bool,
) -> AppResult<()> {
    let d = state.store.dispute(actor.branch.id, dispute).await?;
    let p = period_of(state, actor, dispute, period).await?;
    let day = super::date("date", day)?;
    let mut holidays = p.holidays_as_strike.clone();
    holidays.retain(|h| *h != day);
    if strike {
        holidays.push(day);
        holidays.sort();
        let new = picket_store::disputes::NewActionPeriod {
            ballot_id: p.ballot_id,
            kind: p.kind,
            starts: p.starts,
            ends: p.ends,
            teams: p.teams.clone(),
            called_out: p.called_out,
            notice_received: p.notice_received,
            holidays_as_strike: holidays.clone(),
        };
        check_period(&state.law, &d, &new).map_err(|e| match e {
            AppError::Invalid { message, .. } => {
                AppError::invalid("date", message.replacen("holidays_as_strike", "date", 1))
            }
            other => other,
        })?;
    }
    state
        .store
        .set_period_holidays(actor.branch.id, period, &holidays)
        .await?;
    actor
        .audit(state, "action.holidays", format!("action_period:{period}"))
        .await
}

/// A participation record as typed.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ParticipationInput {
    /// The strike day, YYYY-MM-DD; empty or absent for the whole period.
    #[serde(default, deserialize_with = "text")]
    pub day: String,
    /// How many members took part (at most the number called out).
    #[serde(default, deserialize_with = "text")]
    pub took_part: String,
}

/// Records how many took part in a period, on a strike day or over the whole period (reps
/// and organisers); a count for the same day replaces the earlier one. Returns its id.
pub async fn record_participation(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: i64,
    period: i64,
    input: &ParticipationInput,
) -> AppResult<i64> {
    let d = state.store.dispute(actor.branch.id, dispute).await?;
    let p = period_of(state, actor, dispute, period).await?;
    let took_part = super::number("took_part", &input.took_part)?;
    if took_part > p.called_out {
        return Err(AppError::invalid(
            "took_part",
            format!(
                "took_part: {took_part} is more than the {} members called out in this period",
                p.called_out
            ),
        ));
    }
    let day = super::optional_date("day", &input.day)?;
    if let Some(day) = day {
        check_strike_day(state, &d, &p, day)?;
    }
    let id = state
        .store
        .record_participation(
            actor.branch.id,
            dispute,
            period,
            day,
            took_part,
            Some(actor.user.user.id.0),
        )
        .await?;
    actor
        .audit(
            state,
            "action.participation",
            format!("action_period:{period}"),
        )
        .await?;
    Ok(id)
}

/// Fails naming `day` unless it is a day the period counts.
fn check_strike_day(
    state: &AppState,
    dispute: &picket_store::disputes::Dispute,
    p: &ActionPeriod,
    day: NaiveDate,
) -> AppResult<()> {
    if day < p.starts || day > p.ends {
        return Err(AppError::invalid(
            "day",
            format!(
                "day: {day} is outside the period ({} to {})",
                p.starts, p.ends
            ),
        ));
    }
    let count = state
        .law
        .calendar
        .strike_days(
            dispute.nation.division(),
            p.starts,
            p.ends,
            &p.holidays_as_strike,
        )
        .map_err(|e| AppError::Internal(e.to_string()))?;
    match count.excluded.iter().find(|x| x.date == day) {
        Some(x) => Err(AppError::invalid(
            "day",
            format!(
                "day: {day} is not a strike day of this period ({}): record the whole period or a day it counts",
                x.reason
            ),
        )),
        None => Ok(()),
    }
}
