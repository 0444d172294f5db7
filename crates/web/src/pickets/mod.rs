//! The organiser's page for a dispute's picket locations (`/{branch}/disputes/{id}/pickets`):
//! add, correct and remove the places, addresses, times and map links the public campaign
//! page shows. A form that fails is shown again with the message and what was typed.

use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::pages::{render, render_with_status, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use picket_domain::pickets::PicketPlace;
use picket_domain::Role;
use picket_domain::{DisputeId, PicketLocationId};
use picket_store::disputes::Dispute;
use picket_store::pickets::PicketLocation;
use picket_store::Branch;
use serde::Deserialize;

/// A picket location form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct PicketForm {
    #[serde(default)]
    place: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    times: String,
    #[serde(default)]
    map_url: String,
    /// `save` or `delete` on an existing location.
    #[serde(default)]
    action: String,
}

impl PicketForm {
    fn parse(&self) -> AppResult<PicketPlace> {
        PicketPlace::parse(&self.place, &self.address, &self.times, &self.map_url)
            .map_err(|e| AppError::invalid(e.field, e.message))
    }

    fn from_location(l: &PicketLocation) -> PicketForm {
        PicketForm {
            place: l.place.place.clone(),
            address: l.place.address.clone(),
            times: l.place.times.clone(),
            map_url: l.place.map_url.clone().unwrap_or_default(),
            action: String::new(),
        }
    }
}

/// One location with the form that edits it.
pub struct Row {
    id: PicketLocationId,
    form: PicketForm,
    error: Option<String>,
    field: &'static str,
}

#[derive(Template)]
#[template(path = "pickets/locations.html")]
struct PicketsPage {
    layout: Layout,
    branch: Branch,
    dispute: Dispute,
    rows: Vec<Row>,
    add: PicketForm,
    add_error: Option<String>,
    add_field: &'static str,
}

/// Which form failed, and how.
enum Failed {
    None,
    Add(PicketForm, String, &'static str),
    Edit(PicketLocationId, PicketForm, String, &'static str),
}

async fn page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    branch: Branch,
    dispute: Dispute,
    failed: Failed,
) -> AppResult<PicketsPage> {
    let locations = state.store.picket_locations(branch.id, dispute.id).await?;
    let mut rows: Vec<Row> = locations
        .iter()
        .map(|l| Row {
            id: l.id,
            form: PicketForm::from_location(l),
            error: None,
            field: "",
        })
        .collect();
    let (mut add, mut add_error, mut add_field) = (PicketForm::default(), None, "");
    match failed {
        Failed::None => {}
        Failed::Add(form, message, field) => {
            add = form;
            add_error = Some(message);
            add_field = field;
        }
        Failed::Edit(id, form, message, field) => {
            if let Some(row) = rows.iter_mut().find(|r| r.id == id) {
                row.form = form;
                row.error = Some(message);
                row.field = field;
            }
        }
    }
    Ok(PicketsPage {
        layout: Layout::new(format!("Pickets · {}", dispute.title), csrf, Some(user)),
        branch,
        dispute,
        rows,
        add,
        add_error,
        add_field,
    })
}

async fn organiser_dispute(
    state: &AppState,
    user: &CurrentUser,
    slug: &str,
    id: DisputeId,
) -> AppResult<(Branch, Dispute)> {
    let branch = user
        .branch_access(&*state.store, slug, Role::Organiser)
        .await?;
    let dispute = state.store.dispute(branch.id, id).await?;
    Ok((branch, dispute))
}

fn subject(location: PicketLocationId) -> String {
    format!("picket-location:{location}")
}

/// GET /{branch}/disputes/{id}/pickets (organisers).
pub async fn list(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path((slug, id)): Path<(String, DisputeId)>,
) -> AppResult<Response> {
    let (branch, dispute) = organiser_dispute(&state, &user, &slug, id).await?;
    render(&page(&state, &csrf, &user, branch, dispute, Failed::None).await?)
}

fn back(branch: &Branch, id: DisputeId, anchor: &str) -> Response {
    Redirect::to(&format!("/{}/disputes/{id}/pickets#{anchor}", branch.slug)).into_response()
}

/// POST /{branch}/disputes/{id}/pickets: adds a location.
pub async fn add(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, DisputeId)>,
    CsrfForm(form): CsrfForm<PicketForm>,
) -> AppResult<Response> {
    let (branch, dispute) = organiser_dispute(&state, &user, &slug, id).await?;
    match form.parse() {
        Ok(place) => {
            let actor = Actor {
                user: &user,
                branch: &branch,
                request_id,
            };
            let mut work = state.store.begin().await?;
            let pid = work.add_picket_location(branch.id, id, &place).await?;
            work.audit(actor.entry("dispute.picket.add", subject(pid)))
                .await?;
            work.commit().await?;
            state.campaign_cache.invalidate(&branch.slug, id);
            Ok(back(&branch, id, &format!("p{pid}")))
        }
        Err(AppError::Invalid { field, message }) => {
            let failed = Failed::Add(form, crate::words::plain(field, &message), field);
            let page = page(&state, &csrf, &user, branch, dispute, failed).await?;
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other),
    }
}

/// POST /{branch}/disputes/{id}/pickets/{location}: saves (`action=save`) or removes
/// (`action=delete`) a location.
pub async fn change(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id, location)): Path<(String, DisputeId, PicketLocationId)>,
    CsrfForm(form): CsrfForm<PicketForm>,
) -> AppResult<Response> {
    let (branch, dispute) = organiser_dispute(&state, &user, &slug, id).await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    if form.action == "delete" {
        let mut work = state.store.begin().await?;
        work.delete_picket_location(branch.id, id, location).await?;
        work.audit(actor.entry("dispute.picket.delete", subject(location)))
            .await?;
        work.commit().await?;
        state.campaign_cache.invalidate(&branch.slug, id);
        return Ok(back(&branch, id, "add"));
    }
    match form.parse() {
        Ok(place) => {
            let mut work = state.store.begin().await?;
            work.update_picket_location(branch.id, id, location, &place)
                .await?;
            work.audit(actor.entry("dispute.picket.update", subject(location)))
                .await?;
            work.commit().await?;
            state.campaign_cache.invalidate(&branch.slug, id);
            Ok(back(&branch, id, &format!("p{location}")))
        }
        Err(AppError::Invalid { field, message }) => {
            let failed = Failed::Edit(location, form, crate::words::plain(field, &message), field);
            let page = page(&state, &csrf, &user, branch, dispute, failed).await?;
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other),
    }
}
