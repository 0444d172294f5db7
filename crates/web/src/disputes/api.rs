//! Disputes over JSON: the dispute itself and its timeline. Members read; organisers write.
//! Validation errors are 422 naming the field. Parties, claims and rates are in
//! [`crate::disputes::api_records`], ballots in [`crate::disputes::api_ballots`], periods of action in
//! [`crate::disputes::api_periods`].

use crate::api::ErrorBody;
use crate::disputes::api_bodies::{DisputeBody, EventBody};
use crate::disputes::edits::{self, Item};
use crate::disputes::ops;
use crate::disputes::view::{assemble, DisputeView};
use crate::error::AppResult;
use crate::extract::caller::{Member, Organiser};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use chrono::NaiveDate;
use picket_domain::{DisputeId, TimelineEntryId};
use picket_store::disputes::{Dispute, TimelineEvent};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use crate::extract::json::ApiJson;

/// A dispute in lists.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisputeSummary {
    /// Id.
    pub id: DisputeId,
    /// Title.
    pub title: String,
    /// Employer.
    pub employer: String,
    /// Nation.
    pub nation: String,
    /// Status.
    pub status: String,
}

impl From<&Dispute> for DisputeSummary {
    fn from(d: &Dispute) -> Self {
        use picket_domain::disputes::Named;
        Self {
            id: d.id,
            title: d.title.clone(),
            employer: d.employer.clone(),
            nation: d.nation.as_str().into(),
            status: d.status.as_str().into(),
        }
    }
}

/// `?as_of=YYYY-MM-DD`: the day the headline figures are for (default today).
#[derive(Debug, Deserialize, IntoParams)]
pub struct AsOf {
    /// The day, YYYY-MM-DD.
    #[param(example = "2024-05-01")]
    pub as_of: Option<String>,
}

/// The day asked for, or today.
pub fn as_of(q: Option<&str>) -> AppResult<NaiveDate> {
    match q.filter(|s| !s.trim().is_empty()) {
        Some(s) => crate::disputes::date("as_of", s),
        None => Ok(chrono::Utc::now().date_naive()),
    }
}

/// A created record's id.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    /// Its id.
    pub id: i64,
}

/// `201 Created` with the new record's id.
pub(super) fn created(id: impl Into<i64>) -> (StatusCode, Json<Created>) {
    (StatusCode::CREATED, Json(Created { id: id.into() }))
}

/// The branch's disputes (members).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes", operation_id = "listDisputes", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug")),
    responses((status = 200, body = Vec<DisputeSummary>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Member(c): Member,
) -> AppResult<Json<Vec<DisputeSummary>>> {
    let disputes = state.store.disputes(c.branch.id).await?;
    Ok(Json(disputes.iter().map(DisputeSummary::from).collect()))
}

/// Create a dispute (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes", operation_id = "createDispute", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug")), request_body(content = DisputeBody, example = json!({"title": "Recruitment and retention", "employer": "Northfield Council", "nation": "england", "status": "balloting", "summary": "Caseloads are unsafe."})),
    responses((status = 201, body = DisputeSummary), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    ApiJson(body): ApiJson<DisputeBody>,
) -> AppResult<(StatusCode, Json<DisputeSummary>)> {
    let d = ops::create_dispute(&state, &c.actor(), &body.into()).await?;
    Ok((StatusCode::CREATED, Json(DisputeSummary::from(&d))))
}

/// Edit a dispute (organisers).
#[utoipa::path(put, path = "/api/v1/branches/{branch}/disputes/{id}", operation_id = "updateDispute", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body(content = DisputeBody, example = json!({"title": "Recruitment and retention", "employer": "Northfield Council", "nation": "england", "status": "balloting", "summary": "Caseloads are unsafe."})),
    responses((status = 200, body = DisputeSummary), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id)): Path<(String, DisputeId)>,
    ApiJson(body): ApiJson<DisputeBody>,
) -> AppResult<Json<DisputeSummary>> {
    let d = ops::update_dispute(&state, &c.actor(), id, &body.into()).await?;
    Ok(Json(DisputeSummary::from(&d)))
}

/// A dispute's dashboard: records, ballots with answers, periods with deadlines and counts,
/// headline and impact figures with their working (members).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}", operation_id = "getDispute", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), AsOf),
    responses((status = 200, body = DisputeView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_one(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, id)): Path<(String, DisputeId)>,
    Query(q): Query<AsOf>,
) -> AppResult<Json<DisputeView>> {
    let day = as_of(q.as_of.as_deref())?;
    Ok(Json(assemble(&state, c.branch.id, id, day, false).await?))
}

/// A dispute's whole timeline, public and private (members).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/timeline", operation_id = "listTimeline", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    responses((status = 200, body = Vec<Object>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn timeline(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, id)): Path<(String, DisputeId)>,
) -> AppResult<Json<Vec<TimelineEvent>>> {
    state.store.dispute(c.branch.id, id).await?;
    Ok(Json(state.store.timeline(c.branch.id, id, false).await?))
}

/// Add a timeline entry (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/timeline", operation_id = "addTimelineEntry", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body(content = EventBody, example = json!({"dated": "2024-01-15", "kind": "meeting", "title": "Talks with the director", "outcome": "No offer", "public": true})),
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_event(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id)): Path<(String, DisputeId)>,
    ApiJson(body): ApiJson<EventBody>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(
        ops::add_event(&state, &c.actor(), id, &body.into()).await?,
    ))
}

/// Edit a timeline entry, e.g. to publish it (organisers).
#[utoipa::path(put, path = "/api/v1/branches/{branch}/disputes/{id}/timeline/{event}", operation_id = "updateTimelineEntry", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("event" = i64, Path, description = "Timeline entry id")),
    request_body(content = EventBody, example = json!({"dated": "2024-01-15", "kind": "meeting", "title": "Talks with the director", "outcome": "No offer", "public": true})),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_event(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, event)): Path<(String, DisputeId, TimelineEntryId)>,
    ApiJson(body): ApiJson<EventBody>,
) -> AppResult<StatusCode> {
    ops::update_event(&state, &c.actor(), id, event, &body.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete a timeline entry (organisers).
#[utoipa::path(delete, path = "/api/v1/branches/{branch}/disputes/{id}/timeline/{event}", operation_id = "deleteTimelineEntry", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("event" = i64, Path, description = "Timeline entry id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_event(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, event)): Path<(String, DisputeId, TimelineEntryId)>,
) -> AppResult<StatusCode> {
    edits::delete(&state, &c.actor(), id, Item::Event(event)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The disputes API's routes (under `/api/v1`).
pub fn routes() -> Router<AppState> {
    use crate::disputes::{api_ballots as b, api_periods as ap, api_records as r};
    Router::new()
        .route("/branches/{branch}/disputes", get(list).post(create))
        .route("/branches/{branch}/disputes/{id}", get(get_one).put(update))
        .route(
            "/branches/{branch}/disputes/{id}/timeline",
            get(timeline).post(add_event),
        )
        .route(
            "/branches/{branch}/disputes/{id}/timeline/{event}",
            put(update_event).delete(delete_event),
        )
        .route(
            "/branches/{branch}/disputes/{id}/parties",
            post(r::add_party),
        )
        .route(
            "/branches/{branch}/disputes/{id}/parties/{party}",
            put(r::update_party).delete(r::delete_party),
        )
        .route(
            "/branches/{branch}/disputes/{id}/claims",
            post(r::add_claim),
        )
        .route(
            "/branches/{branch}/disputes/{id}/claims/{claim}",
            put(r::update_claim).delete(r::delete_claim),
        )
        .route(
            "/branches/{branch}/disputes/{id}/claims/{claim}/status",
            post(r::set_claim_status),
        )
        .route("/branches/{branch}/disputes/{id}/rates", post(r::add_rate))
        .route(
            "/branches/{branch}/disputes/{id}/rates/{rate}",
            put(r::update_rate).delete(r::delete_rate),
        )
        .route(
            "/branches/{branch}/disputes/{id}/ballots",
            get(b::ballots).post(b::create_ballot),
        )
        .route(
            "/branches/{branch}/disputes/{id}/ballots/{ballot}",
            put(b::update_ballot).delete(b::delete_ballot),
        )
        .route(
            "/branches/{branch}/ballots/{id}/result",
            post(b::record_result),
        )
        .route(
            "/branches/{branch}/ballots/{id}/questions",
            post(b::add_question),
        )
        .route(
            "/branches/{branch}/disputes/{id}/questions/{question}",
            delete(b::delete_question),
        )
        .route("/branches/{branch}/ballot-steps/{id}", post(b::mark_step))
        .route(
            "/branches/{branch}/disputes/{id}/action-periods",
            get(ap::periods).post(ap::create_period),
        )
        .route(
            "/branches/{branch}/disputes/{id}/action-periods/{period}",
            put(ap::update_period).delete(ap::delete_period),
        )
        .route(
            "/branches/{branch}/disputes/{id}/action-periods/{period}/strike-holidays/{date}",
            put(ap::mark_holiday).delete(ap::unmark_holiday),
        )
        .route(
            "/branches/{branch}/disputes/{id}/action-periods/{period}/publication",
            post(ap::publish_period).delete(ap::withdraw_period),
        )
        .route(
            "/branches/{branch}/disputes/{id}/action-periods/{period}/participation",
            post(ap::record_participation),
        )
        .route(
            "/branches/{branch}/disputes/{id}/participation/{record}",
            delete(ap::delete_participation),
        )
}
