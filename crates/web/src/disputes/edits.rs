//! Edits and deletions of a dispute's records, bank holidays marked as strike days one at a
//! time, and participation records, shared by pages and the API. Each validates what was
//! typed (naming the field), then changes only a record of this dispute in this branch (the
//! store checks it in the statement) with its audit entry (ids only), in one unit of work.

use super::view::check_period;
use super::{BallotForm, ClaimInput, PartyInput, PeriodInput, RateInput};
use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::state::AppState;
use chrono::NaiveDate;
use picket_domain::{
    BallotId, ClaimId, DisputeId, ParticipationId, PartyId, PeriodId, QuestionId, RateId,
    TimelineEntryId,
};
use picket_store::disputes::{ActionPeriod, Ballot, NewActionPeriod};
use picket_store::UnitOfWork;
use serde::{Deserialize, Serialize};

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

/// One of a dispute's records: its kind and its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    /// A decision-maker or team.
    Party(PartyId),
    /// A claim or offer.
    Claim(ClaimId),
    /// A timeline entry.
    Event(TimelineEntryId),
    /// An impact rate.
    Rate(RateId),
    /// A ballot or survey.
    Ballot(BallotId),
    /// A survey question.
    Question(QuestionId),
    /// A period of action.
    Period(PeriodId),
    /// A participation record.
    Participation(ParticipationId),
}

impl Record {
    /// The record of this kind with id `id` (from a path naming the kind).
    pub fn item(self, id: i64) -> Item {
        match self {
            Record::Party => Item::Party(PartyId(id)),
            Record::Claim => Item::Claim(ClaimId(id)),
            Record::Event => Item::Event(TimelineEntryId(id)),
            Record::Rate => Item::Rate(RateId(id)),
            Record::Ballot => Item::Ballot(BallotId(id)),
            Record::Question => Item::Question(QuestionId(id)),
            Record::Period => Item::Period(PeriodId(id)),
            Record::Participation => Item::Participation(ParticipationId(id)),
        }
    }
}

impl Item {
    /// Its kind.
    pub fn record(self) -> Record {
        match self {
            Item::Party(_) => Record::Party,
            Item::Claim(_) => Record::Claim,
            Item::Event(_) => Record::Event,
            Item::Rate(_) => Record::Rate,
            Item::Ballot(_) => Record::Ballot,
            Item::Question(_) => Record::Question,
            Item::Period(_) => Record::Period,
            Item::Participation(_) => Record::Participation,
        }
    }

    /// Its id as stored.
    pub fn id(self) -> i64 {
        match self {
            Item::Party(id) => id.0,
            Item::Claim(id) => id.0,
            Item::Event(id) => id.0,
            Item::Rate(id) => id.0,
            Item::Ballot(id) => id.0,
            Item::Question(id) => id.0,
            Item::Period(id) => id.0,
            Item::Participation(id) => id.0,
        }
    }

    /// Its audit subject, e.g. `timeline_event:7`.
    fn subject(self) -> String {
        format!("{}:{}", self.record().subject(), self.id())
    }
}

/// Deletes one of the dispute's records.
pub async fn delete(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    item: Item,
) -> AppResult<()> {
    let b = actor.branch.id;
    let mut work = state.store.begin().await?;
    match item {
        Item::Party(id) => work.delete_party(b, dispute, id).await?,
        Item::Claim(id) => work.delete_claim(b, dispute, id).await?,
        Item::Event(id) => work.delete_event(b, dispute, id).await?,
        Item::Rate(id) => work.delete_rate(b, dispute, id).await?,
        Item::Ballot(id) => work.delete_ballot(b, dispute, id).await?,
        Item::Question(id) => work.delete_question(b, dispute, id).await?,
        Item::Period(id) => work.delete_period(b, dispute, id).await?,
        Item::Participation(id) => work.delete_participation(b, dispute, id).await?,
    }
    let action = format!("{}.delete", item.record().audit());
    work.audit(actor.entry(&action, item.subject())).await?;
    work.commit().await?;
    Ok(())
}

/// Writes the edit's audit entry and commits the unit.
async fn edited(work: Box<dyn UnitOfWork>, actor: &Actor<'_>, item: Item) -> AppResult<()> {
    let mut work = work;
    let action = format!("{}.edit", item.record().audit());
    work.audit(actor.entry(&action, item.subject())).await?;
    work.commit().await?;
    Ok(())
}

/// Edits a decision-maker or team.
pub async fn update_party(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    id: PartyId,
    input: &PartyInput,
) -> AppResult<()> {
    let new = input.parse()?;
    let mut work = state.store.begin().await?;
    work.update_party(actor.branch.id, dispute, id, &new)
        .await?;
    edited(work, actor, Item::Party(id)).await
}

/// Edits a claim or offer.
pub async fn update_claim(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    id: ClaimId,
    input: &ClaimInput,
) -> AppResult<()> {
    let new = input.parse()?;
    let mut work = state.store.begin().await?;
    work.update_claim(actor.branch.id, dispute, id, &new)
        .await?;
    edited(work, actor, Item::Claim(id)).await
}

/// Edits an impact rate.
pub async fn update_rate(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    id: RateId,
    input: &RateInput,
) -> AppResult<()> {
    let (label, rate) = input.parse()?;
    let mut work = state.store.begin().await?;
    work.update_rate(actor.branch.id, dispute, id, &label, rate)
        .await?;
    edited(work, actor, Item::Rate(id)).await
}

/// Edits a ballot: its values, its result and its steps checklist (re-worked from the new
/// dates; steps already done stay done).
pub async fn update_ballot(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    id: BallotId,
    input: &BallotForm,
) -> AppResult<Ballot> {
    let d = state.store.dispute(actor.branch.id, dispute).await?;
    let new = input.parse(d.nation)?;
    let mut work = state.store.begin().await?;
    let ballot = work
        .update_ballot(actor.branch.id, dispute, id, &new)
        .await?;
    edited(work, actor, Item::Ballot(id)).await?;
    Ok(ballot)
}

/// Edits a period of action (its holidays checked against the calendar).
pub async fn update_period(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    id: PeriodId,
    input: &PeriodInput,
) -> AppResult<ActionPeriod> {
    let d = state.store.dispute(actor.branch.id, dispute).await?;
    let new = input.parse()?;
    check_period(&state.law, &d, &new)?;
    let mut work = state.store.begin().await?;
    let period = work
        .update_period(actor.branch.id, dispute, id, &new)
        .await?;
    edited(work, actor, Item::Period(id)).await?;
    Ok(period)
}

/// Counts one bank holiday inside a period as a strike day (`strike` true) or stops
/// counting it. The day must be a bank holiday of the dispute's nation within the period.
pub async fn set_strike_holiday(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    period: PeriodId,
    day: &str,
    strike: bool,
) -> AppResult<()> {
    let d = state.store.dispute(actor.branch.id, dispute).await?;
    let p = state
        .store
        .action_period(actor.branch.id, dispute, period)
        .await?;
    let day = super::date("date", day)?;
    let mut holidays = p.holidays_as_strike.clone();
    holidays.retain(|h| *h != day);
    if strike {
        holidays.push(day);
        holidays.sort();
        let new = NewActionPeriod {
            ballot_id: p.ballot_id,
            kind: p.kind,
            starts: p.starts,
            ends: p.ends,
            teams: p.teams.clone(),
            called_out: p.called_out_basis.hand(p.called_out),
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
    let mut work = state.store.begin().await?;
    work.set_period_holidays(actor.branch.id, dispute, period, &holidays)
        .await?;
    work.audit(actor.entry("action.holidays", format!("action_period:{period}")))
        .await?;
    work.commit().await?;
    Ok(())
}

/// A participation record as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ParticipationInput {
    /// The strike day, YYYY-MM-DD; empty or absent for the whole period.
    pub day: String,
    /// How many members took part (at most the number called out).
    pub took_part: String,
}

/// Records how many took part in a period, on a strike day or over the whole period (reps
/// and organisers); a count for the same day replaces the earlier one. Returns its id.
pub async fn record_participation(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    period: PeriodId,
    input: &ParticipationInput,
) -> AppResult<ParticipationId> {
    let d = state.store.dispute(actor.branch.id, dispute).await?;
    let p = state
        .store
        .action_period(actor.branch.id, dispute, period)
        .await?;
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
    let mut work = state.store.begin().await?;
    let id = work
        .record_participation(
            actor.branch.id,
            dispute,
            period,
            day,
            took_part,
            Some(actor.user.user.id),
        )
        .await?;
    work.audit(actor.entry("action.participation", format!("action_period:{period}")))
        .await?;
    work.commit().await?;
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
        .map_err(|e| AppError::failed("counting strike days", e))?;
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
