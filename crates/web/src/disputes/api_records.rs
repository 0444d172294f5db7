//! A dispute's decision-makers and teams, claims and offers, and impact rates over JSON:
//! organisers add, edit and delete them (members read them in the dispute's dashboard).

use crate::api::ErrorBody;
use crate::disputes::api::{created, ApiJson, Created};
use crate::disputes::api_bodies::{ClaimBody, PartyBody, RateBody};
use crate::disputes::edits::{self, Item};
use crate::disputes::ops;
use crate::error::AppResult;
use crate::extract::caller::Organiser;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use picket_domain::{ClaimId, DisputeId, PartyId, RateId};
use serde::Deserialize;
use utoipa::ToSchema;

/// Add a decision-maker or team (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/parties", operation_id = "addParty", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body(content = PartyBody, example = json!({"kind": "decision-maker", "name": "Director of Children's Services", "detail": "Director", "email": "director@council.example", "address": "Civic Centre, Northfield"})),
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_party(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id)): Path<(String, DisputeId)>,
    ApiJson(body): ApiJson<PartyBody>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(
        ops::add_party(&state, &c.actor(), id, &body.into()).await?,
    ))
}

/// Edit a decision-maker or team (organisers).
#[utoipa::path(put, path = "/api/v1/branches/{branch}/disputes/{id}/parties/{party}", operation_id = "updateParty", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("party" = i64, Path, description = "Party id")),
    request_body(content = PartyBody, example = json!({"kind": "decision-maker", "name": "Director of Children's Services", "detail": "Director", "email": "director@council.example", "address": "Civic Centre, Northfield"})),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_party(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, party)): Path<(String, DisputeId, PartyId)>,
    ApiJson(body): ApiJson<PartyBody>,
) -> AppResult<StatusCode> {
    edits::update_party(&state, &c.actor(), id, party, &body.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete a decision-maker or team (organisers).
#[utoipa::path(delete, path = "/api/v1/branches/{branch}/disputes/{id}/parties/{party}", operation_id = "deleteParty", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("party" = i64, Path, description = "Party id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_party(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, party)): Path<(String, DisputeId, PartyId)>,
) -> AppResult<StatusCode> {
    edits::delete(&state, &c.actor(), id, Item::Party(party)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a claim or offer (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/claims", operation_id = "addClaim", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body(content = ClaimBody, example = json!({"kind": "claim", "dated": "2024-01-08", "summary": "A caseload cap of 18", "status": "tabled"})),
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_claim(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id)): Path<(String, DisputeId)>,
    ApiJson(body): ApiJson<ClaimBody>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(
        ops::add_claim(&state, &c.actor(), id, &body.into()).await?,
    ))
}

/// Edit a claim or offer (organisers).
#[utoipa::path(put, path = "/api/v1/branches/{branch}/disputes/{id}/claims/{claim}", operation_id = "updateClaim", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("claim" = i64, Path, description = "Claim id")),
    request_body(content = ClaimBody, example = json!({"kind": "claim", "dated": "2024-01-08", "summary": "A caseload cap of 18", "status": "tabled"})),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_claim(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, claim)): Path<(String, DisputeId, ClaimId)>,
    ApiJson(body): ApiJson<ClaimBody>,
) -> AppResult<StatusCode> {
    edits::update_claim(&state, &c.actor(), id, claim, &body.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete a claim or offer (organisers).
#[utoipa::path(delete, path = "/api/v1/branches/{branch}/disputes/{id}/claims/{claim}", operation_id = "deleteClaim", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("claim" = i64, Path, description = "Claim id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_claim(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, claim)): Path<(String, DisputeId, ClaimId)>,
) -> AppResult<StatusCode> {
    edits::delete(&state, &c.actor(), id, Item::Claim(claim)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A claim's new status.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ClaimStatusInput {
    /// `tabled`, `rejected`, `withdrawn` or `accepted`.
    pub status: String,
}

/// Change a claim's or offer's status (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/claims/{claim}/status", operation_id = "setClaimStatus", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("claim" = i64, Path, description = "Claim id")),
    request_body(content = ClaimStatusInput, example = json!({"status": "rejected"})),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_claim_status(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, claim)): Path<(String, DisputeId, ClaimId)>,
    ApiJson(body): ApiJson<ClaimStatusInput>,
) -> AppResult<StatusCode> {
    ops::set_claim_status(&state, &c.actor(), id, claim, &body.status).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add an impact rate (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/rates", operation_id = "addImpactRate", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body(content = RateBody, example = json!({"label": "home visits", "per_worker_day": 2.5})),
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_rate(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id)): Path<(String, DisputeId)>,
    ApiJson(body): ApiJson<RateBody>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(
        ops::add_rate(&state, &c.actor(), id, &body.into()).await?,
    ))
}

/// Edit an impact rate (organisers).
#[utoipa::path(put, path = "/api/v1/branches/{branch}/disputes/{id}/rates/{rate}", operation_id = "updateImpactRate", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("rate" = i64, Path, description = "Rate id")),
    request_body(content = RateBody, example = json!({"label": "home visits", "per_worker_day": 2.5})),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_rate(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, rate)): Path<(String, DisputeId, RateId)>,
    ApiJson(body): ApiJson<RateBody>,
) -> AppResult<StatusCode> {
    edits::update_rate(&state, &c.actor(), id, rate, &body.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete an impact rate (organisers).
#[utoipa::path(delete, path = "/api/v1/branches/{branch}/disputes/{id}/rates/{rate}", operation_id = "deleteImpactRate", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("rate" = i64, Path, description = "Rate id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_rate(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, rate)): Path<(String, DisputeId, RateId)>,
) -> AppResult<StatusCode> {
    edits::delete(&state, &c.actor(), id, Item::Rate(rate)).await?;
    Ok(StatusCode::NO_CONTENT)
}
