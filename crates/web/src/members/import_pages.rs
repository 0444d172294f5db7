//! The member import pages: the upload form (file, column mapping, dry run), and the run's
//! status page, which refreshes itself without JavaScript until the result is in.

use crate::error::{AppError, AppResult};
use crate::extract::{CsrfCookie, CsrfToken, CurrentUser, RequestId};
use crate::members::{self, import::Upload};
use crate::pages::{render, render_with_status, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use picket_domain::members::import::{RowChange, RowProblem};
use picket_domain::ImportRunId;
use picket_store::members::{ImportPhase, ImportRunStatus, RowOutcome};

#[derive(Template)]
#[template(path = "members/import.html")]
struct ImportPage {
    layout: Layout,
    branch_slug: String,
    branch_name: String,
    mapping: String,
    dry_run: bool,
    error: Option<String>,
    error_field: &'static str,
    max_mib: usize,
    fields: Vec<&'static str>,
}

fn import_page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    access: &members::Access,
    mapping: String,
    dry_run: bool,
) -> ImportPage {
    ImportPage {
        layout: Layout::new(
            format!("Import members · {}", access.branch.name),
            csrf,
            Some(user),
        ),
        branch_slug: access.branch.slug.clone(),
        branch_name: access.branch.name.clone(),
        mapping,
        dry_run,
        error: None,
        error_field: "",
        max_mib: state
            .settings
            .members
            .import_max_bytes
            .div_ceil(1024 * 1024),
        fields: picket_domain::members::MemberField::ALL
            .iter()
            .map(|f| f.as_str())
            .collect(),
    }
}

/// GET /{branch}/members/import
pub async fn form(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let access = members::organiser_access(&state, &user, &slug).await?;
    let saved = state
        .store
        .import_map(access.branch.id)
        .await?
        .map(|m| m.to_lines())
        .unwrap_or_default();
    render(&import_page(&state, &csrf, &user, &access, saved, true))
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge
    } else {
        AppError::invalid("file", format!("the upload could not be read: {e}"))
    }
}

/// POST /{branch}/members/import (multipart: csrf_token, file, mapping, dry_run)
pub async fn upload(
    State(state): State<AppState>,
    csrf: CsrfToken,
    cookie: CsrfCookie,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let access = members::organiser_access(&state, &user, &slug).await?;
    let mut upload = Upload::default();
    let mut token = None;
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name().unwrap_or("") {
            "csrf_token" => token = Some(field.text().await.map_err(multipart_error)?),
            "file" => upload.bytes = field.bytes().await.map_err(multipart_error)?.to_vec(),
            "mapping" => upload.mapping = field.text().await.map_err(multipart_error)?,
            "dry_run" => upload.dry_run = true,
            _ => {}
        }
    }
    cookie.verify(token.as_deref())?;
    let mapping = upload.mapping.clone();
    let dry_run = upload.dry_run;
    match members::import::start(&state, &user, &access, upload, request_id).await {
        Ok(id) => Ok(
            Redirect::to(&format!("/{}/members/import/{id}", access.branch.slug)).into_response(),
        ),
        Err(AppError::Invalid { field, message }) => {
            let mut page = import_page(&state, &csrf, &user, &access, mapping, dry_run);
            page.error = Some(crate::words::plain(field, &message));
            page.error_field = field;
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e),
    }
}

/// A changed row as the result lists it.
pub struct ChangeView {
    row: u64,
    number: String,
    what: String,
}

fn change_view(c: &RowOutcome) -> ChangeView {
    ChangeView {
        row: c.row,
        number: c.membership_number.clone(),
        what: match &c.change {
            RowChange::New => "new member".into(),
            RowChange::Updated { fields } => format!(
                "updated: {}",
                fields
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            RowChange::Unchanged => "unchanged".into(),
        },
    }
}

#[derive(Template)]
#[template(path = "members/import_status.html")]
struct StatusPage {
    layout: Layout,
    branch_slug: String,
    branch_name: String,
    running: bool,
    dry_run: bool,
    status: &'static str,
    phase: &'static str,
    done: u64,
    total: u64,
    error: Option<String>,
    counts: Option<(u64, u64, u64, u64)>,
    applied: bool,
    rejected: Vec<RowProblem>,
    changes: Vec<ChangeView>,
    more_changes: u64,
}

/// GET /{branch}/members/import/{id}
pub async fn status(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path((slug, id)): Path<(String, ImportRunId)>,
) -> AppResult<Response> {
    let access = members::organiser_access(&state, &user, &slug).await?;
    let run = state.store.import_run(access.branch.id, id).await?;
    let running = run.status == ImportRunStatus::Running;
    let live = running.then(|| state.import_runs.get(id)).flatten();
    let (phase, done, total) = match live {
        Some(p) => (
            match p.phase {
                ImportPhase::Checking => "Checking rows",
                ImportPhase::Writing => "Writing records",
            },
            p.done,
            p.total,
        ),
        None if running => ("Working", run.rows_done, run.rows_total),
        None => ("Finished", run.rows_total, run.rows_total),
    };
    let outcome = run.outcome.as_ref();
    let listed = outcome.map_or(0, |o| o.changes.len() as u64);
    let changed = outcome.map_or(0, |o| o.created + o.updated);
    render(&StatusPage {
        layout: Layout::new(
            format!("Import · {}", access.branch.name),
            &csrf,
            Some(&user),
        ),
        branch_slug: access.branch.slug.clone(),
        branch_name: access.branch.name.clone(),
        running,
        dry_run: run.dry_run,
        status: run.status.as_str(),
        phase,
        done,
        total,
        error: run.error.clone(),
        counts: outcome.map(|o| (o.created, o.updated, o.unchanged, o.rejected.len() as u64)),
        applied: outcome.is_some_and(|o| o.applied),
        rejected: outcome.map(|o| o.rejected.clone()).unwrap_or_default(),
        changes: outcome
            .map(|o| o.changes.iter().map(change_view).collect())
            .unwrap_or_default(),
        more_changes: changed.saturating_sub(listed),
    })
}
