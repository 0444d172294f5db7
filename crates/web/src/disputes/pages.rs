//! Disputes' pages: the branch's list with a form to open a dispute and the dispute desk (its
//! dashboard with every form an organiser needs). The public page of a dispute is the
//! campaign page (`crate::campaign::pages`).
//!
//! The desk's forms post to `/{branch}/disputes/{id}/{form}`, one handler each
//! ([`crate::disputes::desk_forms`]); a form that fails is shown again on the desk with the message and
//! exactly what was typed.

use crate::disputes::api::as_of;
use crate::disputes::ops;
use crate::disputes::view::{assemble, hundredths_text, DisputeView};
use crate::disputes::{names, DisputeInput};
use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::filters;
use crate::pages::{render, render_with_status, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use picket_domain::disputes::{
    ActionKind, BallotKind, ClaimKind, ClaimStatus, DisputeStatus, EventKind, Named, PartyKind,
};
use picket_domain::law::IpsCategory;
use picket_domain::{DisputeId, Nation, Role, TimelineEntryId};
use picket_store::disputes::Dispute;
use picket_store::Branch;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
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
    let json =
        serde_json::to_value(values).map_err(|e| AppError::failed("keeping what was typed", e))?;
    serde_json::from_value(json)
        .map_err(|e| AppError::invalid("form", format!("the form could not be read: {e}")))
}

/// A posted form as a page shows it again: text as typed, a ticked box `on`.
pub(super) fn as_typed<T: Serialize>(form: &T) -> HashMap<String, String> {
    let Ok(Value::Object(fields)) = serde_json::to_value(form) else {
        return HashMap::new();
    };
    fields
        .into_iter()
        .map(|(name, value)| {
            let text = match value {
                Value::String(s) => s,
                Value::Bool(true) => "on".into(),
                Value::Bool(false) | Value::Null => String::new(),
                other => other.to_string(),
            };
            (name, text)
        })
        .collect()
}

/// The desk's (or list's) record of a failed form, or the error when it is not a field's.
pub(super) fn kept(
    form: &str,
    values: HashMap<String, String>,
    error: AppError,
) -> Result<Kept, AppError> {
    match error {
        AppError::Invalid { field, message } => Ok(Kept {
            form: form.into(),
            error: crate::words::plain(field, &message),
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
    CsrfForm(form): CsrfForm<DisputeInput>,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    match ops::create_dispute(&state, &actor, &form).await {
        Ok(d) => {
            Ok(Redirect::to(&format!("/{}/disputes/{}/desk", branch.slug, d.id)).into_response())
        }
        Err(e) => {
            let kept = kept("dispute", as_typed(&form), e)?;
            let page = list_page(&state, &csrf, &user, branch.clone(), kept).await?;
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

#[derive(Template)]
#[template(path = "disputes/desk.html")]
pub(super) struct DeskPage {
    layout: Layout,
    branch: Branch,
    view: DisputeView,
    can_edit: bool,
    can_record: bool,
    choices: Choices,
    kept: Kept,
    notice: Option<Notice>,
}

/// What the desk says after a change: what happened, in words.
pub struct Notice {
    /// The sentence.
    pub text: String,
    /// Whether it needs the organiser's attention.
    pub warn: bool,
    /// Where to act on it.
    pub link: Option<String>,
}

/// The desk's sentence for `?done=` after a change (a fixed list: nothing typed is echoed).
fn notice(done: &str, period: Option<i64>, base: &str) -> Option<Notice> {
    let ok = |text: &str| {
        Some(Notice {
            text: text.to_string(),
            warn: false,
            link: None,
        })
    };
    let deleted = |what: &str| ok(&format!("Deleted {what}."));
    match done {
        "saved" | "1" => ok("Saved."),
        "period-public" => ok("Period of action added. The law checks found no problem: it is on the public page."),
        "period-private" => Some(Notice {
            text: "Period of action added, but it is not on the public page: the law checks found problems with it. Nothing about it is public until an organiser reads the warnings and publishes it.".into(),
            warn: true,
            link: period.map(|p| format!("{base}/periods/{p}/publish")),
        }),
        "published" => ok("The period of action is now on the public page. Your confirmation and the warnings it overrode are in the audit log."),
        "withdrawn" => ok("The period of action is off the public page again."),
        "deleted-party" => deleted("the decision-maker or team"),
        "deleted-claim" => deleted("the claim or offer"),
        "deleted-event" => deleted("the timeline entry"),
        "deleted-rate" => deleted("the impact rate"),
        "deleted-ballot" => deleted("the ballot with its steps and survey questions"),
        "deleted-question" => deleted("the survey question"),
        "deleted-period" => deleted("the period of action with its participation records; it is no longer on the public page"),
        "deleted-participation" => deleted("the participation record"),
        _ => None,
    }
}

impl DeskPage {
    fn status_label(&self) -> &'static str {
        label(self.view.dispute.status)
    }
}

/// `?as_of=`, and `?done=` (with `&period=`) after a change, on the desk.
#[derive(Debug, Deserialize)]
pub struct DeskQuery {
    as_of: Option<String>,
    done: Option<String>,
    period: Option<i64>,
}

pub(super) async fn desk_page(
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
        notice: None,
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
    let base = format!("/{}/disputes/{id}", page.branch.slug);
    page.notice = q.done.as_deref().and_then(|d| notice(d, q.period, &base));
    render(&page)
}

/// Hundredths as a decimal, for templates.
pub fn decimal(h: &i64) -> String {
    hundredths_text(*h)
}
