//! Disputes' pages: the branch's list with a form to open a dispute, and what the desk's rooms
//! ([`crate::disputes::rooms`]) share: a failed form's message and what was typed, the select
//! lists, and the sentence saying what a change did. The public page of a dispute is the
//! campaign page (`crate::campaign::pages`).
//!
//! The desk's forms post to `/{branch}/disputes/{id}/{form}`, one handler each
//! ([`crate::disputes::desk_forms`]); a form that fails is shown again in its room with the
//! message and exactly what was typed.

use crate::disputes::ops;
use crate::disputes::view::hundredths_text;
use crate::disputes::{names, DisputeInput};
use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::pages::{render, render_with_status, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use picket_domain::disputes::{
    ActionKind, BallotKind, ClaimKind, ClaimStatus, DisputeStatus, EventKind, Named, PartyKind,
};
use picket_domain::law::IpsCategory;
use picket_domain::{Nation, Role, TimelineEntryId};
use picket_store::disputes::Dispute;
use picket_store::Branch;
use serde::de::DeserializeOwned;
use serde::Serialize;
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
pub(super) fn notice(done: &str, period: Option<i64>, base: &str) -> Option<Notice> {
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

/// Hundredths as a decimal, for templates.
pub fn decimal(h: &i64) -> String {
    hundredths_text(*h)
}
