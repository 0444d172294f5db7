//! Picket sites with their entrances: organisers add and correct them on
//! `/{branch}/disputes/{id}/pickets/sites` and over the API. A form that fails is shown
//! again with the message and what was typed.

use crate::api::ErrorBody;
use crate::disputes::api::ApiJson;
use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::caller::{Member, Organiser};
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::pages::{render, render_with_status, Layout};
use crate::pickets::common::{dispute_for, site_error};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use picket_domain::pickets::sites::SiteDetails;
use picket_domain::{DisputeId, PicketLocationId, Role};
use picket_store::disputes::Dispute;
use picket_store::shifts::Site;
use picket_store::Branch;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A site as typed: entrances one per line.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
pub struct SiteForm {
    /// The site's name.
    #[serde(default)]
    pub name: String,
    /// Its address.
    #[serde(default)]
    pub address: String,
    /// A map link.
    #[serde(default)]
    pub map_url: String,
    /// Notes for those who come.
    #[serde(default)]
    pub notes: String,
    /// The entrances, one per line (none: "Main entrance").
    #[serde(default)]
    pub entrances: String,
}

impl SiteForm {
    fn parse(&self) -> AppResult<SiteDetails> {
        let entrances: Vec<&str> = self.entrances.lines().collect();
        SiteDetails::parse(
            &self.name,
            &self.address,
            &self.map_url,
            &self.notes,
            &entrances,
        )
        .map_err(site_error)
    }

    fn from_site(s: &Site) -> Self {
        Self {
            name: s.details.place.place.clone(),
            address: s.details.place.address.clone(),
            map_url: s.details.place.map_url.clone().unwrap_or_default(),
            notes: s.details.notes.clone(),
            entrances: s
                .entrances
                .iter()
                .map(|e| e.name.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

/// Adds a site (audited).
pub async fn add_site(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    form: &SiteForm,
) -> AppResult<PicketLocationId> {
    let details = form.parse()?;
    let mut work = state.store.begin().await?;
    let id = work
        .add_picket_site(actor.branch.id, dispute, &details)
        .await?;
    work.audit(actor.entry("picket.site.add", format!("picket-location:{id}")))
        .await?;
    work.commit().await?;
    state.campaign_cache.invalidate(&actor.branch.slug, dispute);
    Ok(id)
}

/// Corrects a site (audited).
pub async fn update_site(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    id: PicketLocationId,
    form: &SiteForm,
) -> AppResult<()> {
    let details = form.parse()?;
    let mut work = state.store.begin().await?;
    work.update_picket_site(actor.branch.id, dispute, id, &details)
        .await
        .map_err(|e| match e {
            picket_store::StoreError::Conflict(_) => AppError::invalid(
                "entrances",
                "An entrance you removed still has shifts: cancel or move them first, or keep the entrance.",
            ),
            other => other.into(),
        })?;
    work.audit(actor.entry("picket.site.update", format!("picket-location:{id}")))
        .await?;
    work.commit().await?;
    state.campaign_cache.invalidate(&actor.branch.slug, dispute);
    Ok(())
}

/// One site with the form that edits it.
pub struct Row {
    id: PicketLocationId,
    form: SiteForm,
    error: Option<String>,
    field: &'static str,
}

#[derive(Template)]
#[template(path = "pickets/sites.html")]
struct SitesPage {
    layout: Layout,
    branch: Branch,
    dispute: Dispute,
    rows: Vec<Row>,
    add: SiteForm,
    add_error: Option<String>,
    add_field: &'static str,
}

/// Which form failed: the new site's (`None`) or a site's, with the message and field.
type Failed = Option<(Option<PicketLocationId>, SiteForm, String, &'static str)>;

async fn page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    branch: Branch,
    dispute: Dispute,
    failed: Failed,
) -> AppResult<SitesPage> {
    let sites = state.store.picket_sites(branch.id, dispute.id).await?;
    let mut rows: Vec<Row> = sites
        .iter()
        .map(|s| Row {
            id: s.id,
            form: SiteForm::from_site(s),
            error: None,
            field: "",
        })
        .collect();
    let (mut add, mut add_error, mut add_field) = (SiteForm::default(), None, "");
    match failed {
        None => {}
        Some((None, form, message, field)) => {
            add = form;
            add_error = Some(message);
            add_field = field;
        }
        Some((Some(id), form, message, field)) => {
            if let Some(row) = rows.iter_mut().find(|r| r.id == id) {
                row.form = form;
                row.error = Some(message);
                row.field = field;
            }
        }
    }
    Ok(SitesPage {
        layout: Layout::new(
            format!("Picket sites · {}", dispute.title),
            csrf,
            Some(user),
        ),
        branch,
        dispute,
        rows,
        add,
        add_error,
        add_field,
    })
}

/// GET /{branch}/disputes/{id}/pickets/sites (organisers).
pub async fn list(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path((slug, id)): Path<(String, DisputeId)>,
) -> AppResult<Response> {
    let (branch, dispute) = dispute_for(&state, &user, &slug, id, Role::Organiser).await?;
    render(&page(&state, &csrf, &user, branch, dispute, None).await?)
}

/// POST /{branch}/disputes/{id}/pickets/sites (`site` names one to correct, else a new one).
pub async fn save(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, DisputeId)>,
    CsrfForm(form): CsrfForm<SiteFormWithId>,
) -> AppResult<Response> {
    let (branch, dispute) = dispute_for(&state, &user, &slug, id, Role::Organiser).await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    let site = form.site.filter(|s| *s > 0).map(PicketLocationId);
    let done = match site {
        Some(site) => update_site(&state, &actor, id, site, &form.form).await,
        None => add_site(&state, &actor, id, &form.form).await.map(|_| ()),
    };
    match done {
        Ok(()) => Ok(
            Redirect::to(&format!("/{}/disputes/{id}/pickets/sites", branch.slug)).into_response(),
        ),
        Err(AppError::Invalid { field, message }) => {
            let failed = Some((site, form.form, crate::words::plain(field, &message), field));
            let page = page(&state, &csrf, &user, branch, dispute, failed).await?;
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other),
    }
}

/// The site form with the id of the site it corrects.
#[derive(Debug, Deserialize)]
pub struct SiteFormWithId {
    #[serde(default, deserialize_with = "crate::pickets::common::optional_id")]
    site: Option<i64>,
    #[serde(flatten)]
    form: SiteForm,
}

/// A site over the API.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteView {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its address.
    pub address: String,
    /// A map link.
    pub map_url: Option<String>,
    /// Notes for those who come.
    pub notes: String,
    /// Its entrances.
    pub entrances: Vec<EntranceView>,
}

/// An entrance over the API.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntranceView {
    /// Its id (shifts name it).
    pub id: i64,
    /// Its name.
    pub name: String,
}

impl From<&Site> for SiteView {
    fn from(s: &Site) -> Self {
        Self {
            id: s.id.0,
            name: s.details.place.place.clone(),
            address: s.details.place.address.clone(),
            map_url: s.details.place.map_url.clone(),
            notes: s.details.notes.clone(),
            entrances: s
                .entrances
                .iter()
                .map(|e| EntranceView {
                    id: e.id.0,
                    name: e.name.clone(),
                })
                .collect(),
        }
    }
}

/// A dispute's picket sites with their entrances (members).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/pickets/sites", operation_id = "listPicketSites", tag = "pickets",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    responses((status = 200, body = Vec<SiteView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn api_list(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, id)): Path<(String, DisputeId)>,
) -> AppResult<Json<Vec<SiteView>>> {
    let sites = state.store.picket_sites(c.branch.id, id).await?;
    Ok(Json(sites.iter().map(SiteView::from).collect()))
}

/// Add a picket site (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/pickets/sites", operation_id = "addPicketSite", tag = "pickets",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body(content = SiteForm, example = json!({"name": "Civic Centre", "address": "1 High St", "entrances": "Front\nCar park"})),
    responses((status = 201, body = SiteView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn api_add(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id)): Path<(String, DisputeId)>,
    ApiJson(body): ApiJson<SiteForm>,
) -> AppResult<(StatusCode, Json<SiteView>)> {
    state.store.dispute(c.branch.id, id).await?;
    let site = add_site(&state, &c.actor(), id, &body).await?;
    let sites = state.store.picket_sites(c.branch.id, id).await?;
    let site = sites
        .iter()
        .find(|s| s.id == site)
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(SiteView::from(site))))
}

/// Correct a picket site (organisers). Entrances no longer named are removed if no shift
/// stands there.
#[utoipa::path(put, path = "/api/v1/branches/{branch}/disputes/{id}/pickets/sites/{site}", operation_id = "updatePicketSite", tag = "pickets",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("site" = i64, Path, description = "Site id")),
    request_body = SiteForm,
    responses((status = 200, body = SiteView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn api_update(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, site)): Path<(String, DisputeId, PicketLocationId)>,
    ApiJson(body): ApiJson<SiteForm>,
) -> AppResult<Json<SiteView>> {
    update_site(&state, &c.actor(), id, site, &body).await?;
    let sites = state.store.picket_sites(c.branch.id, id).await?;
    let site = sites
        .iter()
        .find(|s| s.id == site)
        .ok_or(AppError::NotFound)?;
    Ok(Json(SiteView::from(site)))
}
