//! The turnout drive's pages: `/{branch}/disputes/{id}/ballots/{ballot}/turnout`, where a
//! member says their paper arrived or that they voted, reps see their teams against the
//! thresholds and open who to chase, and organisers send the reminder email and set how
//! often it may go.

use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::filters;
use crate::pages::{render, render_with_status, Layout};
use crate::pickets::common::{dispute_for, own_member};
use crate::pickets::turnout::{
    chase_list, drive_ballot, report, send_reminders, set_reminder_days, standing, Standing,
};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use picket_domain::turnout::TurnoutReport;
use picket_domain::{BallotId, DisputeId, Role};
use picket_store::disputes::{Ballot, Dispute};
use picket_store::turnout::{ChaseList, ToChase};
use picket_store::Branch;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "pickets/turnout.html")]
struct TurnoutPage {
    layout: Layout,
    branch: Branch,
    dispute: Dispute,
    ballot: Ballot,
    has_member: bool,
    paper_arrived: bool,
    voted: bool,
    standing: Option<Standing>,
    is_organiser: bool,
    reminder_days: u32,
    last_reminder: Option<String>,
    days_typed: String,
    notice: Option<String>,
    error: Option<String>,
    field: &'static str,
}

type Path3 = Path<(String, DisputeId, BallotId)>;

async fn turnout_page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    (slug, id, ballot): (&str, DisputeId, BallotId),
    notice: Option<String>,
    failed: Option<(String, &'static str, String)>,
) -> AppResult<Response> {
    let (branch, dispute) = dispute_for(state, user, slug, id, Role::Member).await?;
    let b = drive_ballot(state, &branch, id, ballot).await?;
    let member = own_member(state, &branch, user).await?;
    let (paper_arrived, voted) = match &member {
        Some(m) => state.store.own_turnout(branch.id, b.id, m.id).await?,
        None => (false, false),
    };
    let is_organiser = crate::pickets::common::at_least(user, &branch, Role::Organiser);
    let is_rep = crate::pickets::common::at_least(user, &branch, Role::Rep);
    let standing = if is_rep {
        Some(standing(state, user, &branch, &dispute, &b).await?)
    } else {
        None
    };
    let settings = state.store.turnout_settings(branch.id, b.id).await?;
    let (error, field, days_typed) = match failed {
        Some((m, f, typed)) => (Some(m), f, typed),
        None => (None, "", settings.reminder_every_days.to_string()),
    };
    let status = crate::pickets::common::page_status(&error);
    render_with_status(
        status,
        &TurnoutPage {
            layout: Layout::new(format!("Turnout drive · {}", b.title), csrf, Some(user)),
            branch,
            dispute,
            has_member: member.is_some(),
            paper_arrived,
            voted,
            standing,
            is_organiser,
            reminder_days: settings.reminder_every_days,
            last_reminder: settings.last_reminder_at.map(|t| {
                picket_domain::dates::long_date(picket_domain::pickets::london::to_local(t).date())
            }),
            ballot: b,
            days_typed,
            notice,
            error,
            field,
        },
    )
}

/// GET /{branch}/disputes/{id}/ballots/{ballot}/turnout (members; more for reps).
pub async fn page(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path((slug, id, ballot)): Path3,
) -> AppResult<Response> {
    turnout_page(&state, &csrf, &user, (&slug, id, ballot), None, None).await
}

/// The page's forms.
#[derive(Debug, Default, Deserialize)]
pub struct TurnoutForm {
    /// `paper_arrived`, `voted`, `remind` or `settings`.
    #[serde(default)]
    action: String,
    /// Days between reminders.
    #[serde(default)]
    reminder_every_days: String,
}

/// POST /{branch}/disputes/{id}/ballots/{ballot}/turnout.
pub async fn act(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id, ballot)): Path3,
    CsrfForm(form): CsrfForm<TurnoutForm>,
) -> AppResult<Response> {
    let min = match form.action.as_str() {
        "remind" | "settings" => Role::Organiser,
        _ => Role::Member,
    };
    let (branch, dispute) = dispute_for(&state, &user, &slug, id, min).await?;
    let b = drive_ballot(&state, &branch, id, ballot).await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    let done = match form.action.as_str() {
        "remind" => send_reminders(&state, &actor, &dispute, &b).await.map(|r| {
            format!(
                "{} reminder email{} queued; {} without an email address to ring instead.",
                r.queued,
                if r.queued == 1 { " was" } else { "s were" },
                r.without_email
            )
        }),
        "settings" => set_reminder_days(&state, &actor, &b, &form.reminder_every_days)
            .await
            .map(|d| format!("Reminders may now go at most once every {d} days.")),
        other => match TurnoutReport::parse(other) {
            Some(what) => report(&state, &actor, &b, what)
                .await
                .map(|()| "Thank you: that is noted. Picket never asks how you voted.".into()),
            None => Err(AppError::invalid(
                "action",
                "Choose one of the page's buttons.",
            )),
        },
    };
    match done {
        Ok(notice) => {
            turnout_page(
                &state,
                &csrf,
                &user,
                (&slug, id, ballot),
                Some(notice),
                None,
            )
            .await
        }
        Err(AppError::Invalid { field, message }) => {
            let failed = Some((
                crate::words::plain(field, &message),
                field,
                form.reminder_every_days,
            ));
            turnout_page(&state, &csrf, &user, (&slug, id, ballot), None, failed).await
        }
        Err(AppError::Conflict(message)) => {
            let failed = Some((message, "", form.reminder_every_days));
            turnout_page(&state, &csrf, &user, (&slug, id, ballot), None, failed).await
        }
        Err(e) => Err(e),
    }
}

/// Which chase list, by name.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// `not_voted` (default) or `paper_not_arrived`.
    #[serde(default)]
    pub list: String,
}

/// The list named, else a message.
pub fn parse_list(s: &str) -> AppResult<ChaseList> {
    match s.trim() {
        "" | "not_voted" => Ok(ChaseList::NotVoted),
        "paper_not_arrived" => Ok(ChaseList::PaperNotArrived),
        _ => Err(AppError::invalid(
            "list",
            "Choose the list: not_voted or paper_not_arrived.",
        )),
    }
}

#[derive(Template)]
#[template(path = "pickets/chase.html")]
struct ChasePage {
    layout: Layout,
    branch: Branch,
    dispute: Dispute,
    ballot: Ballot,
    papers: bool,
    people: Vec<ToChase>,
}

/// GET /{branch}/disputes/{id}/ballots/{ballot}/turnout/chase?list= (reps): who to chase,
/// with their phone numbers (audited).
pub async fn chase(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id, ballot)): Path3,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let (branch, dispute) = dispute_for(&state, &user, &slug, id, Role::Rep).await?;
    let b = drive_ballot(&state, &branch, id, ballot).await?;
    let list = parse_list(&q.list)?;
    let people = chase_list(&state, &user, &branch, &b, list, request_id).await?;
    render(&ChasePage {
        layout: Layout::new(format!("Who to chase · {}", b.title), &csrf, Some(&user)),
        branch,
        dispute,
        ballot: b,
        papers: list == ChaseList::PaperNotArrived,
        people,
    })
}
