//! An organiser's pages for one member record: the edit form (every field, a required
//! reason; a form with a problem comes back with what was typed and what to fix) and the
//! record's history (the audit entries about it, in words).

use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::members::edit::{self, EditInput, FieldProblem};
use crate::members::{self, Access};
use crate::pages::{render, render_with_status, urlencode, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use picket_domain::members::edits::{field_words, list_in_words, parse_audit_detail};
use picket_domain::members::AccessReason;
use picket_domain::{MemberId, UserId};
use picket_store::members::{Member, Team};
use picket_store::AuditEntry;
use serde::Deserialize;
use std::collections::HashMap;

/// A team as the form's list shows it.
pub struct TeamChoice {
    id: String,
    name: String,
}

#[derive(Template)]
#[template(path = "members/edit.html")]
struct EditPage {
    layout: Layout,
    branch_slug: String,
    branch_name: String,
    id: MemberId,
    name: String,
    form: EditInput,
    teams: Vec<TeamChoice>,
    problems: Vec<FieldProblem>,
}

/// A one-line field of the form.
pub struct TextField {
    field: &'static str,
    label: &'static str,
    kind: &'static str,
    value: String,
    max: u32,
    mode: Option<&'static str>,
}

impl EditPage {
    /// The one-line fields, in the form's order, with what was typed.
    fn text_fields(&self) -> Vec<TextField> {
        let f = &self.form;
        let line = |field, label, kind, value: &String, max| TextField {
            field,
            label,
            kind,
            value: value.clone(),
            max,
            mode: None,
        };
        vec![
            line("name", "Name", "text", &f.name, 200),
            line(
                "membership_number",
                "Membership number",
                "text",
                &f.membership_number,
                32,
            ),
            line("email", "Email", "email", &f.email, 254),
            line("phone", "Phone", "tel", &f.phone, 30),
            line("employer", "Employer", "text", &f.employer, 200),
            line("workplace", "Workplace", "text", &f.workplace, 200),
            line("job_title", "Job title", "text", &f.job_title, 200),
            TextField {
                mode: Some("decimal"),
                ..line(
                    "daily_pay",
                    "Daily pay in pounds (for strike pay)",
                    "text",
                    &f.daily_pay,
                    20,
                )
            },
        ]
    }

    /// The dates of the membership (the counts of a dispute's unit rest on them).
    fn membership_fields(&self) -> Vec<TextField> {
        let date = |field, label, value: &String| TextField {
            field,
            label,
            kind: "date",
            value: value.clone(),
            max: 10,
            mode: None,
        };
        vec![
            date("joined_on", "Joined on", &self.form.joined_on),
            date("left_on", "Left on", &self.form.left_on),
        ]
    }

    /// The message for `field`, if it has a problem.
    fn problem(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.message.as_str())
    }
}

fn team_choices(teams: &[Team]) -> Vec<TeamChoice> {
    teams
        .iter()
        .map(|t| TeamChoice {
            id: t.id.to_string(),
            name: t.name.clone(),
        })
        .collect()
}

/// The record to edit: the branch's, not erased (else not found).
async fn editable(state: &AppState, access: &Access, id: MemberId) -> AppResult<Member> {
    let member = state.store.member(access.branch.id, id).await?;
    if member.erased_at.is_some() {
        return Err(AppError::NotFound);
    }
    Ok(member)
}

/// GET /{branch}/members/{id}/edit: opening the form shows the record, so it is a read,
/// audited as one for keeping records up to date.
pub async fn form(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, MemberId)>,
) -> AppResult<Response> {
    let access = members::organiser_access(&state, &user, &slug).await?;
    editable(&state, &access, id).await?;
    let member = members::view(
        &state,
        &user,
        &access,
        id,
        AccessReason::RecordKeeping,
        request_id,
    )
    .await?;
    let teams = state.store.teams(access.branch.id).await?;
    render(&EditPage {
        layout: Layout::new(
            format!("Edit · {}", member.details.name),
            &csrf,
            Some(&user),
        ),
        branch_slug: access.branch.slug.clone(),
        branch_name: access.branch.name.clone(),
        id,
        name: member.details.name.clone(),
        form: EditInput::of(&member),
        teams: team_choices(&teams),
        problems: Vec::new(),
    })
}

/// POST /{branch}/members/{id}/edit
pub async fn save(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, MemberId)>,
    CsrfForm(form): CsrfForm<EditInput>,
) -> AppResult<Response> {
    let access = members::organiser_access(&state, &user, &slug).await?;
    let member = editable(&state, &access, id).await?;
    let teams = state.store.teams(access.branch.id).await?;
    let today = chrono::Utc::now().date_naive();
    let result = match edit::check(&form, &teams, today) {
        Ok(checked) => {
            let actor = Actor {
                user: &user,
                branch: &access.branch,
                request_id,
            };
            match edit::apply(&state, &actor, id, &checked).await {
                Ok(changed) => Ok(changed),
                Err(AppError::Invalid { field, message }) => {
                    Err(vec![FieldProblem { field, message }])
                }
                Err(e) => return Err(e),
            }
        }
        Err(problems) => Err(problems),
    };
    match result {
        Ok(changed) => Ok(Redirect::to(&format!(
            "/{}/members/{id}?reason=record-keeping&saved={}",
            access.branch.slug,
            if changed.is_empty() { "none" } else { "yes" }
        ))
        .into_response()),
        Err(problems) => render_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &EditPage {
                layout: Layout::new(
                    format!("Check the changes · {}", member.details.name),
                    &csrf,
                    Some(&user),
                ),
                branch_slug: access.branch.slug.clone(),
                branch_name: access.branch.name.clone(),
                id,
                name: member.details.name.clone(),
                form,
                teams: team_choices(&teams),
                problems,
            },
        ),
    }
}

/// One entry of a record's history, in words.
pub struct HistoryLine {
    /// The day, as "1 May 2024".
    day: String,
    /// The time, as "14:05".
    time: String,
    /// What happened.
    what: String,
    /// The reason given, if any.
    reason: Option<String>,
}

#[derive(Template)]
#[template(path = "members/history.html")]
struct HistoryPage {
    layout: Layout,
    branch_slug: String,
    branch_name: String,
    id: MemberId,
    name: Option<String>,
    lines: Vec<HistoryLine>,
    reasons: Vec<(&'static str, &'static str, bool)>,
    error: Option<String>,
    reason: String,
}

/// `?reason=`
#[derive(Debug, Deserialize, Default)]
pub struct HistoryQuery {
    reason: Option<String>,
}

/// How many entries the history page shows.
const HISTORY_LIMIT: u32 = 200;

/// The reason of a read entry (`reason=casework`, `reason: …`), in words.
fn read_reason(detail: Option<&str>) -> Option<String> {
    let detail = detail?;
    if let Some(code) = detail.strip_prefix("reason=") {
        let code = code.split(';').next().unwrap_or_default();
        return Some(
            code.parse::<AccessReason>()
                .map(|r| r.label().to_string())
                .unwrap_or_else(|_| code.to_string()),
        );
    }
    detail
        .strip_prefix("reason: ")
        .map(|r| r.split("; removed").next().unwrap_or(r).to_string())
}

/// An audit entry about a member record, in words: who did what (and why, when a reason
/// was given).
pub fn describe(entry: &AuditEntry, names: &HashMap<UserId, String>) -> (String, Option<String>) {
    let who = entry
        .actor
        .and_then(|a| names.get(&a).cloned())
        .unwrap_or_else(|| "Picket".to_string());
    let detail = entry.detail.as_deref();
    match entry.action.as_str() {
        "member.edit" => match detail.and_then(parse_audit_detail) {
            Some((fields, reason)) => {
                let words: Vec<&str> = fields.into_iter().map(field_words).collect();
                (
                    format!("{who} changed the {}", list_in_words(&words)),
                    Some(reason),
                )
            }
            None => (format!("{who} changed the record"), None),
        },
        "member.view" => (format!("{who} opened the record"), read_reason(detail)),
        "member.subject_access" => (
            format!("{who} made a copy of everything held about the member"),
            read_reason(detail),
        ),
        "member.erase" => (format!("{who} erased the record"), read_reason(detail)),
        "member.self.view" => ("The member looked at their own record".into(), None),
        "member.self.update" => ("The member corrected their contact details".into(), None),
        "member.email.requested" => (
            "The member asked to change their email address; a link went to the new address".into(),
            None,
        ),
        "member.email.confirmed" => (
            "The member confirmed their new email address with the link".into(),
            None,
        ),
        "member.link.sent" => ("A sign-in link was sent to the member".into(), None),
        "login.link" => ("The member signed in with a link".into(), None),
        "member.link.password_account" => (
            "The member's record was linked to their Picket account".into(),
            None,
        ),
        _ => (
            format!("{who} did something recorded with this record"),
            None,
        ),
    }
}

/// GET /{branch}/members/{id}/history?reason=: the audit entries about one record, newest
/// first. The page names the member, so it asks why, like the record.
pub async fn history(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, MemberId)>,
    Query(q): Query<HistoryQuery>,
) -> AppResult<Response> {
    let access = members::organiser_access(&state, &user, &slug).await?;
    let mut page = HistoryPage {
        layout: Layout::new("Record history", &csrf, Some(&user)),
        branch_slug: access.branch.slug.clone(),
        branch_name: access.branch.name.clone(),
        id,
        name: None,
        lines: Vec::new(),
        reasons: AccessReason::ALL
            .iter()
            .map(|r| {
                (
                    r.as_str(),
                    r.label(),
                    q.reason.as_deref() == Some(r.as_str()),
                )
            })
            .collect(),
        error: None,
        reason: urlencode(q.reason.as_deref().unwrap_or_default()),
    };
    let Some(given) = q.reason.as_deref() else {
        return render(&page);
    };
    let why = match members::reason(&access, Some(given)) {
        Ok(why) => why,
        Err(AppError::Invalid { message, .. }) => {
            page.error = Some(message);
            return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
        Err(e) => return Err(e),
    };
    // Read before this look at it is recorded, so the page shows what was there.
    let entries = state
        .store
        .member_history(access.branch.id, id, HISTORY_LIMIT)
        .await?;
    let member = members::view(&state, &user, &access, id, why, request_id).await?;
    let mut names = HashMap::new();
    for actor in entries.iter().filter_map(|e| e.actor) {
        if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(actor) {
            if let Ok(u) = state.store.user_by_id(actor).await {
                slot.insert(u.display_name);
            }
        }
    }
    page.layout.title = format!("History · {}", member.details.name);
    page.name = Some(member.details.name.clone());
    page.lines = entries
        .iter()
        .map(|e| {
            let (what, reason) = describe(e, &names);
            HistoryLine {
                day: e.at.format("%-d %B %Y").to_string(),
                time: e.at.format("%H:%M").to_string(),
                what,
                reason,
            }
        })
        .collect();
    render(&page)
}
