//! Disputes' pages: the branch's list with a form to open a dispute and the dispute desk (its
//! dashboard with every form an organiser needs). The public page of a dispute is the
//! campaign page (`pages::campaign`).
//!
//! The desk's forms all post to `/{branch}/disputes/{id}/{form}`; a form that fails is shown
//! again on the desk with the message and exactly what was typed.

use super::{render, render_with_status, Layout};
use crate::actor::Actor;
use crate::api::disputes::as_of;
use crate::disputes::ops;
use crate::disputes::view::{assemble, hundredths_text, DisputeView};
use crate::disputes::{
    names, BallotForm, ClaimInput, DisputeInput, EventInput, PartyInput, PeriodInput,
    QuestionInput, RateInput, ResultInput,
};
use crate::error::{AppError, AppResult};
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use picket_domain::disputes::{
    ActionKind, BallotKind, ClaimKind, ClaimStatus, DisputeStatus, EventKind, Named, PartyKind,
};
use picket_domain::law::IpsCategory;
use picket_domain::{
    BallotId, BallotStepId, ClaimId, DisputeId, Nation, PeriodId, Role, TimelineEntryId,
};
use picket_store::disputes::Dispute;
use picket_store::Branch;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::HashMap;

/// A form that failed: which, the message, the field at fault and what was typed.
#[derive(Debug, Default)]
pub struct Kept {
    /// The form's name.
    pub form: String,
    /// The message.
    pub error: String,
    /// The field at fault.
    pub field: String,
    /// What was typed.
    pub values: HashMap<String, String>,
}

impl Kept {
    /// What was typed into `field` of `form`, if that form failed.
    pub fn v(&self, form: &str, field: &str) -> &str {
        if self.form == form {
            self.values.get(field).map_or("", String::as_str)
        } else {
            ""
        }
    }

    /// The message for `form`, if it failed.
    pub fn err(&self, form: &str) -> Option<&str> {
        (self.form == form).then_some(self.error.as_str())
    }

    /// Whether `field` of `form` is at fault.
    pub fn bad(&self, form: &str, field: &str) -> bool {
        self.form == form && self.field == field
    }

    /// Whether `value` was chosen in `field` of `form` (or is the default when not failed).
    pub fn chosen(&self, form: &str, field: &str, value: &str, default: &str) -> bool {
        if self.form == form {
            self.v(form, field) == value
        } else {
            value == default
        }
    }

    /// Whether the failed form was the edit of timeline entry `id`.
    pub fn editing(&self, id: &TimelineEntryId) -> bool {
        self.form == "timeline-edit" && self.v("timeline-edit", "event_id") == id.to_string()
    }

    /// Whether a checkbox was ticked.
    pub fn ticked(&self, form: &str, field: &str) -> bool {
        self.form == form && !self.v(form, field).is_empty()
    }
}

/// The select lists the desk's forms offer.
pub struct Choices {
    pub(super) nations: Vec<(&'static str, &'static str)>,
    pub(super) statuses: Vec<(&'static str, &'static str)>,
    pub(super) parties: Vec<(&'static str, &'static str)>,
    pub(super) claims: Vec<(&'static str, &'static str)>,
    pub(super) claim_statuses: Vec<(&'static str, &'static str)>,
    pub(super) events: Vec<(&'static str, &'static str)>,
    pub(super) ballots: Vec<(&'static str, &'static str)>,
    pub(super) actions: Vec<(&'static str, &'static str)>,
    pub(super) ips: Vec<(&'static str, &'static str)>,
}

impl Choices {
    fn new() -> Self {
        Self {
            nations: Nation::ALL
                .iter()
                .map(|n| (n.as_str(), n.label()))
                .collect(),
            statuses: names::<DisputeStatus>(),
            parties: names::<PartyKind>(),
            claims: names::<ClaimKind>(),
            claim_statuses: names::<ClaimStatus>(),
            events: names::<EventKind>(),
            ballots: names::<BallotKind>(),
            actions: names::<ActionKind>(),
            ips: IpsCategory::ALL
                .iter()
                .map(|c| (c.as_str(), c.label()))
                .collect(),
        }
    }
}

/// The select lists of the desk's forms, for the record pages.
pub(super) fn desk_names() -> Choices {
    Choices::new()
}

/// Label of a stored name, for templates.
fn label<T: Named>(value: T) -> &'static str {
    value.label()
}

#[derive(Template)]
#[template(path = "disputes/list.html")]
struct ListPage {
    layout: Layout,
    branch: Branch,
    disputes: Vec<Dispute>,
    can_edit: bool,
    choices: Choices,
    kept: Kept,
}

async fn list_page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    branch: Branch,
    kept: Kept,
) -> AppResult<ListPage> {
    let can_edit = user
        .role_in(&branch.slug)
        .is_some_and(|r| r.at_least(Role::Organiser))
        || user.is_admin();
    Ok(ListPage {
        layout: Layout::new(format!("Disputes · {}", branch.name), csrf, Some(user)),
        disputes: state.store.disputes(branch.id).await?,
        branch,
        can_edit,
        choices: Choices::new(),
        kept,
    })
}

/// GET /{branch}/disputes
pub async fn list(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Member)
        .await?;
    render(&list_page(&state, &csrf, &user, branch, Kept::default()).await?)
}

/// What was typed into a form, read as one of the shared inputs.
pub(super) fn input<T: DeserializeOwned>(values: &HashMap<String, String>) -> AppResult<T> {
    let json = serde_json::to_value(values).map_err(|e| AppError::Internal(e.to_string()))?;
    serde_json::from_value(json)
        .map_err(|e| AppError::invalid("form", format!("the form could not be read: {e}")))
}

fn kept(form: &str, values: HashMap<String, String>, error: AppError) -> Result<Kept, AppError> {
    match error {
        AppError::Invalid { field, message } => Ok(Kept {
            form: form.into(),
            error: message,
            field: field.into(),
            values,
        }),
        other => Err(other),
    }
}

/// POST /{branch}/disputes
pub async fn create(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    CsrfForm(values): CsrfForm<HashMap<String, String>>,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    let result = match input::<DisputeInput>(&values) {
        Ok(i) => ops::create_dispute(&state, &actor, &i).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(d) => {
            Ok(Redirect::to(&format!("/{}/disputes/{}/desk", branch.slug, d.id)).into_response())
        }
        Err(e) => {
            let kept = kept("dispute", values, e)?;
            let page = list_page(&state, &csrf, &user, branch.clone(), kept).await?;
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

#[derive(Template)]
#[template(path = "disputes/desk.html")]
struct DeskPage {
    layout: Layout,
    branch: Branch,
    view: DisputeView,
    can_edit: bool,
    can_record: bool,
    choices: Choices,
    kept: Kept,
    saved: bool,
}

impl DeskPage {
    fn status_label(&self) -> &'static str {
        label(self.view.dispute.status)
    }
}

/// `?as_of=` and `?saved=1` on the desk.
#[derive(Debug, Deserialize)]
pub struct DeskQuery {
    as_of: Option<String>,
    saved: Option<u8>,
}

async fn desk_page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    branch: Branch,
    id: DisputeId,
    day: Option<&str>,
    kept: Kept,
) -> AppResult<DeskPage> {
    let day = as_of(day)?;
    let view = assemble(state, branch.id, id, day, false).await?;
    let can_edit = user
        .role_in(&branch.slug)
        .is_some_and(|r| r.at_least(Role::Organiser))
        || user.is_admin();
    let can_record = user
        .role_in(&branch.slug)
        .is_some_and(|r| r.at_least(Role::Rep))
        || user.is_admin();
    Ok(DeskPage {
        layout: Layout::new(view.dispute.title.clone(), csrf, Some(user)),
        branch,
        view,
        can_edit,
        can_record,
        choices: Choices::new(),
        kept,
        saved: false,
    })
}

/// GET /{branch}/disputes/{id}/desk: the dispute's dashboard (members; organisers edit).
pub async fn desk(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path((slug, id)): Path<(String, DisputeId)>,
    Query(q): Query<DeskQuery>,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Member)
        .await?;
    let mut page = desk_page(
        &state,
        &csrf,
        &user,
        branch,
        id,
        q.as_of.as_deref(),
        Kept::default(),
    )
    .await?;
    page.saved = q.saved.is_some();
    render(&page)
}

/// The id posted in `field`, or not found.
fn posted<T: std::str::FromStr>(values: &HashMap<String, String>, field: &str) -> AppResult<T> {
    values
        .get(field)
        .and_then(|s| s.trim().parse().ok())
        .ok_or(AppError::NotFound)
}

async fn apply(
    state: &AppState,
    actor: &Actor<'_>,
    id: DisputeId,
    form: &str,
    values: &HashMap<String, String>,
) -> AppResult<()> {
    let ballot_id = || -> AppResult<BallotId> {
        posted(values, "ballot_id")
            .map_err(|_| AppError::invalid("ballot_id", "ballot_id: choose a ballot"))
    };
    match form {
        "edit" => ops::update_dispute(state, actor, id, &input::<DisputeInput>(values)?)
            .await
            .map(|_| ()),
        "timeline" => ops::add_event(state, actor, id, &input::<EventInput>(values)?)
            .await
            .map(|_| ()),
        "parties" => ops::add_party(state, actor, id, &input::<PartyInput>(values)?)
            .await
            .map(|_| ()),
        "claims" => ops::add_claim(state, actor, id, &input::<ClaimInput>(values)?)
            .await
            .map(|_| ()),
        "rates" => ops::add_rate(state, actor, id, &input::<RateInput>(values)?)
            .await
            .map(|_| ()),
        "ballots" => ops::add_ballot(state, actor, id, &input::<BallotForm>(values)?)
            .await
            .map(|_| ()),
        "periods" => ops::add_period(state, actor, id, &input::<PeriodInput>(values)?)
            .await
            .map(|_| ()),
        "result" => {
            let ballot = ballot_id()?;
            ops::record_result(state, actor, id, ballot, &input::<ResultInput>(values)?)
                .await
                .map(|_| ())
        }
        "questions" => {
            let ballot = ballot_id()?;
            ops::add_question(state, actor, id, ballot, &input::<QuestionInput>(values)?)
                .await
                .map(|_| ())
        }
        "timeline-edit" => {
            let event: TimelineEntryId = posted(values, "event_id")?;
            ops::update_event(state, actor, id, event, &input::<EventInput>(values)?).await
        }
        "holidays" => {
            let period: PeriodId = posted(values, "period_id")?;
            let holidays = values.get("holidays_as_strike").map_or("", String::as_str);
            ops::set_period_holidays(state, actor, id, period, holidays).await
        }
        "claim-status" => {
            let claim: ClaimId = posted(values, "claim_id")?;
            let status = values.get("status").map_or("", String::as_str);
            ops::set_claim_status(state, actor, id, claim, status).await
        }
        "participation" => {
            let period: PeriodId = posted(values, "period_id")
                .map_err(|_| AppError::invalid("period_id", "period_id: choose a period"))?;
            let input = input::<crate::disputes::edits::ParticipationInput>(values)?;
            crate::disputes::edits::record_participation(state, actor, id, period, &input)
                .await
                .map(|_| ())
        }
        "steps" => {
            let step: BallotStepId = posted(values, "step_id")?;
            let done = values.get("done").map_or("", String::as_str);
            ops::mark_step(state, actor, id, step, done).await
        }
        _ => Err(AppError::NotFound),
    }
}

/// POST /{branch}/disputes/{id}/{form}: every desk form (organisers).
pub async fn submit(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id, form)): Path<(String, DisputeId, String)>,
    CsrfForm(values): CsrfForm<HashMap<String, String>>,
) -> AppResult<Response> {
    // Reps record participation; every other desk form is an organiser's.
    let role = if form == "participation" {
        Role::Rep
    } else {
        Role::Organiser
    };
    let branch = user.branch_access(&*state.store, &slug, role).await?;
    state.store.dispute(branch.id, id).await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    match apply(&state, &actor, id, &form, &values).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/{}/disputes/{id}/desk?saved=1#{form}",
            branch.slug
        ))
        .into_response()),
        Err(e) => {
            let kept = kept(&form, values, e)?;
            let page = desk_page(&state, &csrf, &user, branch.clone(), id, None, kept).await?;
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// Hundredths as a decimal, for templates.
pub fn decimal(h: &i64) -> String {
    hundredths_text(*h)
}
