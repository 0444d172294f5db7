//! Picket lines: the organiser's page for a dispute's picket locations
//! (`/{branch}/disputes/{id}/pickets`: the places, addresses, times and map links the public
//! campaign page shows), and, in the modules below, the sites with their entrances, the shift
//! rota, sign-ups by members and supporters, the day's list, the supervisor's letter, the shift
//! calendars and the turnout drive, as pages and over the API. A form that fails is shown
//! again with the message and what was typed.

pub mod api_shifts;
pub mod api_signups;
pub mod api_turnout;
pub mod calendars;
pub mod change;
pub mod common;
pub mod letter;
pub mod on_the_day;
pub mod public;
pub mod rota;
pub mod shifts;
pub mod signups;
pub mod sites;
pub mod turnout;
pub mod turnout_pages;

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

/// The picket pages' routes (merged into the page router).
pub fn page_routes() -> axum::Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};
    const D: &str = "/{branch}/disputes/{id}/pickets";
    axum::Router::new()
        .route(&format!("{D}/sites"), get(sites::list).post(sites::save))
        .route(&format!("{D}/shifts"), get(rota::rota).post(rota::add))
        .route(&format!("{D}/plan"), post(rota::plan))
        .route(&format!("{D}/attendance"), get(on_the_day::attendance))
        .route(
            &format!("{D}/shifts/{{shift}}"),
            get(on_the_day::page).post(on_the_day::act),
        )
        .route(&format!("{D}/shifts/{{shift}}/signup"), post(signups::tap))
        .route(&format!("{D}/shifts/{{shift}}/leave"), post(signups::leave))
        .route(&format!("{D}/shifts/{{shift}}/cancel"), post(rota::cancel))
        .route(
            &format!("{D}/shifts/{{shift}}/change"),
            get(change::page).post(change::save),
        )
        .route(&format!("{D}/shifts/{{shift}}/letter"), get(letter::letter))
        .route(
            &format!("{D}/join"),
            get(public::join_form)
                .post(public::join_post)
                .layer(DefaultBodyLimit::max(public::MAX_FORM_BYTES)),
        )
        .route(
            "/{branch}/disputes/{id}/pickets.ics",
            get(calendars::public_feed),
        )
        .route(
            "/{branch}/pickets/places/{place}/cancel",
            get(signups::cancel_form).post(signups::cancel_by_link),
        )
        .route(
            "/{branch}/pickets/calendar",
            get(calendars::calendar).post(calendars::reset),
        )
        .route(
            "/{branch}/pickets/feeds/{member}/{file}",
            get(calendars::private_feed),
        )
        .route(
            "/{branch}/disputes/{id}/ballots/{ballot}/turnout",
            get(turnout_pages::page).post(turnout_pages::act),
        )
        .route(
            "/{branch}/disputes/{id}/ballots/{ballot}/turnout/chase",
            get(turnout_pages::chase),
        )
}

/// The picket API's routes (merged into the API router under `/api/v1`).
pub fn api_routes() -> axum::Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post, put};
    const D: &str = "/branches/{branch}/disputes/{id}/pickets";
    const B: &str = "/branches/{branch}/disputes/{id}/ballots/{ballot}/turnout";
    axum::Router::new()
        .route(
            &format!("{D}/sites"),
            get(sites::api_list).post(sites::api_add),
        )
        .route(&format!("{D}/sites/{{site}}"), put(sites::api_update))
        .route(
            &format!("{D}/shifts"),
            get(api_shifts::list).post(api_shifts::add),
        )
        .route(&format!("{D}/plan"), post(api_shifts::plan))
        .route(
            &format!("{D}/shifts/{{shift}}/cancellation"),
            post(api_shifts::cancel),
        )
        .route(
            &format!("{D}/shifts/{{shift}}/times"),
            put(api_shifts::move_times),
        )
        .route(
            &format!("{D}/shifts/{{shift}}/capacity"),
            put(api_shifts::set_capacity),
        )
        .route(
            &format!("{D}/shifts/{{shift}}/supervisor"),
            put(api_shifts::supervisor),
        )
        .route(&format!("{D}/warnings"), get(api_shifts::warnings))
        .route(&format!("{D}/attendance"), get(api_shifts::attendance))
        .route(
            &format!("{D}/shifts/{{shift}}/signups"),
            get(api_signups::list).post(api_signups::member),
        )
        .route(
            &format!("{D}/shifts/{{shift}}/signups/mine"),
            axum::routing::delete(api_signups::cancel_mine),
        )
        .route(
            &format!("{D}/shifts/{{shift}}/supporters"),
            post(api_signups::supporter).layer(DefaultBodyLimit::max(public::MAX_FORM_BYTES)),
        )
        .route(
            &format!("{D}/shifts/{{shift}}/walk-ups"),
            post(api_signups::add_walk_up),
        )
        .route(
            &format!("{D}/places/{{place}}/presence"),
            put(api_signups::presence),
        )
        .route(B, get(api_turnout::get_standing))
        .route(&format!("{B}/report"), post(api_turnout::post_report))
        .route(&format!("{B}/chase"), get(api_turnout::chase))
        .route(&format!("{B}/reminders"), post(api_turnout::remind))
        .route(&format!("{B}/settings"), put(api_turnout::settings))
}
