//! An organiser's subject access export and erasure of a member record, each with a reason
//! that goes into the audit log.

use crate::error::{AppError, AppResult};
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::member_data::subject_access::{self, Format};
use crate::pages::{render, render_with_status, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use picket_domain::member_data::{erasure_phrase, reason};
use picket_domain::{MemberId, Role};
use picket_store::member_data::ErasureReport;
use picket_store::{Branch, NewAuditEntry};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "member_data/subject_access.html")]
struct SubjectAccessPage {
    layout: Layout,
    branch: Branch,
    member_id: MemberId,
    reason: String,
    format: String,
    error: Option<String>,
}

/// GET /{branch}/members/{id}/subject-access
pub async fn subject_access_form(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path((slug, id)): Path<(String, MemberId)>,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    state.store.member(branch.id, id).await?;
    render(&SubjectAccessPage {
        layout: Layout::new("Subject access", &csrf, Some(&user)),
        branch,
        member_id: id,
        reason: String::new(),
        format: "html".into(),
        error: None,
    })
}

/// The subject access form.
#[derive(Debug, Deserialize)]
pub struct SubjectAccessForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    format: String,
}

/// POST /{branch}/members/{id}/subject-access: the export as a download.
pub async fn subject_access(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, MemberId)>,
    CsrfForm(form): CsrfForm<SubjectAccessForm>,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let why = match reason(&form.reason) {
        Ok(why) => why,
        Err(message) => {
            return render_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &SubjectAccessPage {
                    layout: Layout::new("Subject access", &csrf, Some(&user)),
                    branch,
                    member_id: id,
                    reason: form.reason,
                    format: form.format,
                    error: Some(message.into()),
                },
            )
        }
    };
    let data = subject_access::export(&state, &branch, id, user.user.id, &why, request_id).await?;
    subject_access::download(&data, Format::parse(&form.format))
}

#[derive(Template)]
#[template(path = "member_data/erase.html")]
struct ErasePage {
    layout: Layout,
    branch: Branch,
    member_id: MemberId,
    name: String,
    phrase: String,
    reason: String,
    confirm: String,
    error: Option<String>,
    error_field: &'static str,
    report: Option<ErasureReport>,
}

/// GET /{branch}/members/{id}/erase: the confirmation form (shows the member's name, so it
/// is audited as a read of the record: an access, written on its own).
pub async fn erase_form(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, MemberId)>,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let member = state.store.member(branch.id, id).await?;
    if member.erased_at.is_some() {
        return Err(AppError::Conflict(
            "This member's record has already been erased.".into(),
        ));
    }
    state
        .store
        .audit(NewAuditEntry {
            actor: Some(user.user.id),
            branch: Some(branch.id),
            action: "member.view".into(),
            subject: Some(format!("member:{id}")),
            detail: Some("reason: opened the erasure form".into()),
            request_id,
        })
        .await?;
    render(&ErasePage {
        layout: Layout::new("Erase a member", &csrf, Some(&user)),
        branch,
        member_id: id,
        name: member.details.name.clone(),
        phrase: erasure_phrase(id),
        reason: String::new(),
        confirm: String::new(),
        error: None,
        error_field: "",
        report: None,
    })
}

/// The erasure form.
#[derive(Debug, Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    confirm: String,
}

/// POST /{branch}/members/{id}/erase
pub async fn erase(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, MemberId)>,
    CsrfForm(form): CsrfForm<EraseForm>,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let member = state.store.member(branch.id, id).await?;
    let mut page = ErasePage {
        layout: Layout::new("Erase a member", &csrf, Some(&user)),
        branch: branch.clone(),
        member_id: id,
        name: member.details.name.clone(),
        phrase: erasure_phrase(id),
        reason: form.reason.clone(),
        confirm: form.confirm.clone(),
        error: None,
        error_field: "",
        report: None,
    };
    match subject_access::erase(
        &state,
        &branch,
        id,
        user.user.id,
        &form.confirm,
        &form.reason,
        request_id,
    )
    .await
    {
        Ok(report) => {
            page.report = Some(report);
            page.name.clear();
            render(&page)
        }
        Err(AppError::Invalid { field, message }) => {
            page.error = Some(crate::words::plain(field, &message));
            page.error_field = field;
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other),
    }
}
