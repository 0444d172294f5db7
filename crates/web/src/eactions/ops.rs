//! Organisers' changes to campaigns, the correspondence log and the monitor, shared by the
//! pages and the API: each is checked, then written in one unit of work with its audit entry
//! (ids only, never names).

use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::state::AppState;
use chrono::NaiveDate;
use picket_domain::correspondence::{LetterInput, LetterStatus, NewLetter};
use picket_domain::disputes::Named;
use picket_domain::eactions::{EactionInput, NewEaction, NewTarget, TargetReply};
use picket_domain::monitor::{NewReport, Outcome};
use picket_domain::{DisputeId, EactionId, LetterId, PartyId, ReportId, TargetId};
use serde::Deserialize;

/// An optional date typed as YYYY-MM-DD (empty: none).
pub fn optional_date(field: &'static str, value: &str) -> AppResult<Option<NaiveDate>> {
    match value.trim() {
        "" => Ok(None),
        v => crate::disputes::date(field, v).map(Some),
    }
}

/// What an organiser typed for a campaign (form and API alike).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CampaignBody {
    /// `email` or `petition`.
    #[serde(default)]
    pub kind: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Email subject (email campaigns), with placeholders such as `{name}`.
    #[serde(default)]
    pub subject: String,
    /// The letter (with placeholders) or the petition's statement.
    #[serde(default)]
    pub body: String,
    /// `each-signature`, `daily-digest` or `count-only`.
    #[serde(default)]
    pub delivery: String,
    /// Emails one target receives in an hour (each-signature).
    #[serde(default)]
    pub per_hour: u32,
    /// A signature counts once its address is confirmed by a link.
    #[serde(default)]
    pub confirm_email: bool,
    /// The most characters of their own words a supporter may add (0: none asked for).
    #[serde(default)]
    pub own_words_max: u32,
    /// Open for signatures now.
    #[serde(default)]
    pub open: bool,
}

impl CampaignBody {
    /// Checked.
    pub fn parse(&self) -> AppResult<NewEaction> {
        NewEaction::parse(&EactionInput {
            kind: &self.kind,
            title: &self.title,
            subject: &self.subject,
            body: &self.body,
            delivery: &self.delivery,
            per_hour: self.per_hour,
            confirm_email: self.confirm_email,
            own_words_max: self.own_words_max,
            open: self.open,
        })
        .map_err(super::invalid)
    }
}

/// Creates a campaign on a dispute.
pub async fn create(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    new: &NewEaction,
) -> AppResult<EactionId> {
    let branch = actor.branch.id;
    let mut work = state.store.begin().await?;
    let id = work.create_eaction(branch, dispute, new).await?;
    work.audit(actor.entry("eaction.create", format!("eaction:{id}")))
        .await?;
    work.commit().await?;
    Ok(id)
}

/// Opens or closes a campaign.
pub async fn set_open(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    id: EactionId,
    open: bool,
) -> AppResult<()> {
    let mut work = state.store.begin().await?;
    work.set_eaction_open(actor.branch.id, dispute, id, open)
        .await?;
    let action = if open {
        "eaction.open"
    } else {
        "eaction.close"
    };
    work.audit(actor.entry(action, format!("eaction:{id}")))
        .await?;
    work.commit().await?;
    state.eactions.forget();
    Ok(())
}

/// A target to add: one of the dispute's decision-makers, or someone typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TargetBody {
    /// A decision-maker of the dispute (its party id); the rest is then ignored.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub party_id: Option<PartyId>,
    /// Their name.
    #[serde(default)]
    pub name: String,
    /// Their role, e.g. "Chief Executive".
    #[serde(default)]
    pub role: String,
    /// Their email address (needed when the campaign emails its targets).
    #[serde(default)]
    pub email: String,
}

/// Adds a target.
pub async fn add_target(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    id: EactionId,
    body: &TargetBody,
) -> AppResult<TargetId> {
    let branch = actor.branch.id;
    let eaction = state.store.eaction(branch, dispute, id).await?;
    let mut work = state.store.begin().await?;
    let target = match body.party_id {
        Some(party) => work.add_party_target(branch, dispute, id, party).await?,
        None => {
            let t = NewTarget::parse(&body.name, &body.role, &body.email, eaction.delivery)
                .map_err(super::invalid)?;
            work.add_target(branch, dispute, id, &t).await?
        }
    };
    work.audit(actor.entry("eaction.target.add", format!("eaction:{id}")))
        .await?;
    work.commit().await?;
    state.eactions.forget();
    Ok(target)
}

/// Removes a target.
pub async fn remove_target(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    id: EactionId,
    target: TargetId,
) -> AppResult<()> {
    let mut work = state.store.begin().await?;
    work.remove_target(actor.branch.id, dispute, id, target)
        .await?;
    work.audit(actor.entry("eaction.target.remove", format!("eaction:{id}")))
        .await?;
    work.commit().await?;
    state.eactions.forget();
    Ok(())
}

/// A target's reply as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReplyBody {
    /// The day it arrived, YYYY-MM-DD.
    #[serde(default)]
    pub received_on: String,
    /// What it says, in a line or two.
    #[serde(default)]
    pub summary: String,
    /// The letter itself, as text.
    #[serde(default)]
    pub text: String,
}

/// Records a target's reply.
pub async fn record_reply(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    id: EactionId,
    target: TargetId,
    body: &ReplyBody,
) -> AppResult<()> {
    let branch = actor.branch.id;
    let eaction = state.store.eaction(branch, dispute, id).await?;
    let received_on = optional_date("received_on", &body.received_on)?.ok_or_else(|| {
        AppError::invalid(
            "received_on",
            "Give the day the reply arrived, e.g. 1 May 2024.",
        )
    })?;
    let opened_on = eaction
        .opened_on
        .unwrap_or_else(|| eaction.created_at.date_naive());
    let reply = TargetReply::parse(received_on, &body.summary, &body.text, opened_on)
        .map_err(super::invalid)?;
    let mut work = state.store.begin().await?;
    work.record_reply(branch, dispute, id, target, &reply)
        .await?;
    work.audit(actor.entry("eaction.reply", format!("eaction:{id}")))
        .await?;
    work.commit().await?;
    state.eactions.forget();
    Ok(())
}

/// A letter for the log as typed (form and API alike; dates YYYY-MM-DD).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct LetterBody {
    /// `sent` or `received`.
    #[serde(default)]
    pub direction: String,
    /// Who it went to or came from.
    #[serde(default)]
    pub counterpart: String,
    /// What it is about.
    #[serde(default)]
    pub subject: String,
    /// `email`, `letter`, `registered-post` or `by-hand`.
    #[serde(default)]
    pub channel: String,
    /// The day it was sent.
    #[serde(default)]
    pub sent_on: String,
    /// Proof of delivery (a tracking number, who signed for it).
    #[serde(default)]
    pub proof: String,
    /// The day a reply is due (empty: none asked for).
    #[serde(default)]
    pub reply_by: String,
    /// `awaiting` (the default), `answered`, `refused-at-reception` or `returned`.
    #[serde(default)]
    pub status: String,
    /// Notes, or the letter's text.
    #[serde(default)]
    pub notes: String,
}

impl LetterBody {
    /// Checked.
    pub fn parse(&self) -> AppResult<NewLetter> {
        let sent_on = optional_date("sent_on", &self.sent_on)?;
        let reply_by = optional_date("reply_by", &self.reply_by)?;
        NewLetter::parse(&LetterInput {
            direction: &self.direction,
            counterpart: &self.counterpart,
            subject: &self.subject,
            channel: &self.channel,
            sent_on,
            proof: &self.proof,
            reply_by,
            status: &self.status,
            notes: &self.notes,
        })
        .map_err(|e| AppError::invalid(e.field, e.message))
    }
}

/// Records a letter.
pub async fn add_letter(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    letter: &NewLetter,
) -> AppResult<LetterId> {
    let mut work = state.store.begin().await?;
    let id = work.add_letter(actor.branch.id, dispute, letter).await?;
    work.audit(actor.entry("letter.add", format!("letter:{id}")))
        .await?;
    work.commit().await?;
    Ok(id)
}

/// Reads a status as typed.
pub fn letter_status(value: &str) -> AppResult<LetterStatus> {
    LetterStatus::parse(value.trim()).ok_or_else(|| {
        AppError::invalid(
            "status",
            "Choose where it stands: awaiting, answered, refused at reception or returned.",
        )
    })
}

/// Changes where a letter stands.
pub async fn set_letter_status(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    id: LetterId,
    status: LetterStatus,
) -> AppResult<()> {
    let mut work = state.store.begin().await?;
    work.set_letter_status(actor.branch.id, dispute, id, status)
        .await?;
    work.audit(actor.entry("letter.status", format!("letter:{id}")))
        .await?;
    work.commit().await?;
    Ok(())
}

/// Puts a letter on the dispute's public timeline.
pub async fn put_on_timeline(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    id: LetterId,
) -> AppResult<()> {
    let mut work = state.store.begin().await?;
    work.put_letter_on_timeline(actor.branch.id, dispute, id)
        .await?;
    work.audit(actor.entry("letter.timeline", format!("letter:{id}")))
        .await?;
    work.commit().await?;
    Ok(())
}

/// A report as typed (form and API alike).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReportBody {
    /// The agency or contractor.
    #[serde(default)]
    pub who: String,
    /// The service or work they cover.
    #[serde(default)]
    pub service: String,
    /// The day the branch learned of it, YYYY-MM-DD.
    #[serde(default)]
    pub learned_on: String,
    /// What shows it.
    #[serde(default)]
    pub evidence: String,
    /// `unknown` (the default), `withdrew` or `continuing`.
    #[serde(default)]
    pub outcome: String,
}

impl ReportBody {
    /// Checked.
    pub fn parse(&self) -> AppResult<NewReport> {
        let learned_on = optional_date("learned_on", &self.learned_on)?;
        NewReport::parse(
            &self.who,
            &self.service,
            learned_on,
            &self.evidence,
            &self.outcome,
        )
        .map_err(|e| AppError::invalid(e.field, e.message))
    }
}

/// Records a report.
pub async fn add_report(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    report: &NewReport,
) -> AppResult<ReportId> {
    let mut work = state.store.begin().await?;
    let id = work.add_report(actor.branch.id, dispute, report).await?;
    work.audit(actor.entry("report.add", format!("report:{id}")))
        .await?;
    work.commit().await?;
    Ok(id)
}

/// Reads an outcome as typed.
pub fn outcome(value: &str) -> AppResult<Outcome> {
    Outcome::parse(value.trim()).ok_or_else(|| {
        AppError::invalid(
            "outcome",
            "Choose the outcome: unknown, withdrew or continuing.",
        )
    })
}

/// Records what came of a report.
pub async fn set_outcome(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    id: ReportId,
    outcome: Outcome,
) -> AppResult<()> {
    let mut work = state.store.begin().await?;
    work.set_outcome(actor.branch.id, dispute, id, outcome)
        .await?;
    work.audit(actor.entry("report.outcome", format!("report:{id}")))
        .await?;
    work.commit().await?;
    Ok(())
}

/// Links a letter of the log to a report.
pub async fn link_letter(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    id: ReportId,
    letter: LetterId,
) -> AppResult<()> {
    let mut work = state.store.begin().await?;
    work.link_letter(actor.branch.id, dispute, id, letter)
        .await?;
    work.audit(actor.entry("report.letter", format!("report:{id}")))
        .await?;
    work.commit().await?;
    Ok(())
}

/// Writes the audit entry for reading supporters' details (a hand-in), in a unit of its own.
pub async fn audit_read(state: &AppState, actor: &Actor<'_>, id: EactionId) -> AppResult<()> {
    let mut work = state.store.begin().await?;
    work.audit(actor.entry("eaction.handin", format!("eaction:{id}")))
        .await?;
    work.commit().await?;
    Ok(())
}
