//! Changing a shift, `/{branch}/disputes/{id}/pickets/shifts/{shift}/change` (organisers):
//! a new day, hours, entrance or capacity. A move is checked like a new shift and emails
//! everyone on it; a raised capacity moves the first on the waiting list up (emailed); a
//! capacity below the places taken is refused. Success goes back to the rota with a sentence
//! saying what changed; a refusal shows the form again (422) with what was typed.

use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::pages::{render_with_status, Layout};
use crate::pickets::common::{dispute_for, page_status, ShiftView};
use crate::pickets::rota::EntranceChoice;
use crate::pickets::shifts::{change_shift, ChangeForm};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use picket_domain::{DisputeId, PicketShiftId, Role};
use picket_store::disputes::Dispute;
use picket_store::Branch;

#[derive(Template)]
#[template(path = "pickets/change.html")]
struct ChangePage {
    layout: Layout,
    branch: Branch,
    dispute: Dispute,
    shift: ShiftView,
    entrances: Vec<EntranceChoice>,
    form: ChangeForm,
    error: Option<String>,
    field: &'static str,
}

async fn change_page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    (slug, id, shift): (&str, DisputeId, PicketShiftId),
    typed: Option<ChangeForm>,
    failed: Option<(String, &'static str)>,
) -> AppResult<Response> {
    let (branch, dispute) = dispute_for(state, user, slug, id, Role::Organiser).await?;
    let stored = state.store.picket_shift(branch.id, id, shift).await?;
    let entrances = crate::pickets::rota::entrance_choices(state, &branch, id).await?;
    let (error, field) = match failed {
        Some((message, field)) => (Some(message), field),
        None => (None, ""),
    };
    render_with_status(
        page_status(&error),
        &ChangePage {
            layout: Layout::new(
                format!("Change shift · {}", stored.times.words()),
                csrf,
                Some(user),
            ),
            form: typed.unwrap_or_else(|| ChangeForm::of(&stored)),
            shift: ShiftView::new(&stored, Utc::now()),
            branch,
            dispute,
            entrances,
            error,
            field,
        },
    )
}

/// GET /{branch}/disputes/{id}/pickets/shifts/{shift}/change (organisers).
pub async fn page(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path((slug, id, shift)): Path<(String, DisputeId, PicketShiftId)>,
) -> AppResult<Response> {
    change_page(&state, &csrf, &user, (&slug, id, shift), None, None).await
}

/// POST /{branch}/disputes/{id}/pickets/shifts/{shift}/change (organisers).
pub async fn save(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id, shift)): Path<(String, DisputeId, PicketShiftId)>,
    CsrfForm(form): CsrfForm<ChangeForm>,
) -> AppResult<Response> {
    let (branch, dispute) = dispute_for(&state, &user, &slug, id, Role::Organiser).await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    let failed = match change_shift(&state, &actor, &dispute, shift, &form).await {
        Ok(done) => {
            return Ok(Redirect::to(&format!(
            "/{}/disputes/{id}/pickets/shifts?changed={shift}&emailed={}&moved_up={}#shift{shift}",
            branch.slug, done.emailed, done.moved_up
        ))
            .into_response())
        }
        Err(AppError::Invalid { field, message }) => (crate::words::plain(field, &message), field),
        Err(AppError::Conflict(message)) => (message, ""),
        Err(other) => return Err(other),
    };
    change_page(
        &state,
        &csrf,
        &user,
        (&slug, id, shift),
        Some(form),
        Some(failed),
    )
    .await
}
