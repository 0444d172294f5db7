//! Ballots over JSON, each with the law engine's answer: create, edit and delete them, record
//! results, survey questions and the statutory steps checklist. Members read; organisers
//! write.

use crate::api::ErrorBody;
use crate::disputes::api::{created, ApiJson, Created};
use crate::disputes::api_bodies::{BallotBody, QuestionBody, ResultBody};
use crate::disputes::edits::{self, Item};
use crate::disputes::ops;
use crate::disputes::view::{assemble, BallotView};
use crate::error::{AppError, AppResult};
use crate::extract::caller::{Member, Organiser};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use picket_domain::{BallotId, BallotStepId, BranchId, DisputeId, QuestionId};
use serde::Deserialize;
use utoipa::ToSchema;

async fn ballot_view(
    state: &AppState,
    branch: BranchId,
    dispute: DisputeId,
    ballot: BallotId,
) -> AppResult<BallotView> {
    let today = chrono::Utc::now().date_naive();
    assemble(state, branch, dispute, today, false)
        .await?
        .ballots
        .into_iter()
        .find(|b| b.ballot.id == ballot)
        .ok_or(AppError::NotFound)
}

/// A dispute's ballots, each with the law engine's answer (members).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/ballots", operation_id = "listBallots", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    responses((status = 200, body = Vec<BallotView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn ballots(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, id)): Path<(String, DisputeId)>,
) -> AppResult<Json<Vec<BallotView>>> {
    let today = chrono::Utc::now().date_naive();
    Ok(Json(
        assemble(&state, c.branch.id, id, today, false)
            .await?
            .ballots,
    ))
}

/// Create a ballot; statutory ballots get their steps checklist (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/ballots", operation_id = "createBallot", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body(content = BallotBody, example = json!({"kind": "statutory", "title": "Strike ballot", "opened": "2024-02-12", "closed": "2024-03-08", "entitled": 22, "entitled_reason": "members not yet imported", "cast": 20, "yes": 18, "no": 2, "spoiled": 0, "result_to_employer": "2024-03-11", "welsh_devolved": false, "extension_agreed": false})),
    responses((status = 201, body = BallotView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_ballot(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id)): Path<(String, DisputeId)>,
    ApiJson(body): ApiJson<BallotBody>,
) -> AppResult<(StatusCode, Json<BallotView>)> {
    let ballot = ops::add_ballot(&state, &c.actor(), id, &body.into()).await?;
    let view = ballot_view(&state, c.branch.id, id, ballot.id).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Edit a ballot: its values, result and steps checklist, re-worked from the new dates (steps
/// already done stay done) (organisers).
#[utoipa::path(put, path = "/api/v1/branches/{branch}/disputes/{id}/ballots/{ballot}", operation_id = "updateBallot", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("ballot" = i64, Path, description = "Ballot id")),
    request_body(content = BallotBody, example = json!({"kind": "statutory", "title": "Strike ballot", "opened": "2024-02-12", "closed": "2024-03-08", "entitled": 22, "entitled_reason": "members not yet imported", "cast": 20, "yes": 18, "no": 2, "spoiled": 0, "result_to_employer": "2024-03-11", "welsh_devolved": false, "extension_agreed": false})),
    responses((status = 200, body = BallotView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_ballot(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, ballot)): Path<(String, DisputeId, BallotId)>,
    ApiJson(body): ApiJson<BallotBody>,
) -> AppResult<Json<BallotView>> {
    edits::update_ballot(&state, &c.actor(), id, ballot, &body.into()).await?;
    Ok(Json(ballot_view(&state, c.branch.id, id, ballot).await?))
}

/// Delete a ballot with its steps and questions; periods that named it fall back to the
/// latest ballot with a result (organisers).
#[utoipa::path(delete, path = "/api/v1/branches/{branch}/disputes/{id}/ballots/{ballot}", operation_id = "deleteBallot", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("ballot" = i64, Path, description = "Ballot id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_ballot(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, ballot)): Path<(String, DisputeId, BallotId)>,
) -> AppResult<StatusCode> {
    edits::delete(&state, &c.actor(), id, Item::Ballot(ballot)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Record a ballot's result (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/ballots/{id}/result", operation_id = "recordBallotResult", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Ballot id")),
    request_body(content = ResultBody, example = json!({"cast": 20, "yes": 18, "no": 2, "spoiled": 0, "result_to_employer": "2024-03-11"})),
    responses((status = 200, body = BallotView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn record_result(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id)): Path<(String, BallotId)>,
    ApiJson(body): ApiJson<ResultBody>,
) -> AppResult<Json<BallotView>> {
    let dispute = state.store.ballot_dispute(c.branch.id, id).await?;
    ops::record_result(&state, &c.actor(), dispute, id, &body.into()).await?;
    Ok(Json(ballot_view(&state, c.branch.id, dispute, id).await?))
}

/// Add a survey question with its answer (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/ballots/{id}/questions", operation_id = "addSurveyQuestion", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Ballot id")),
    request_body(content = QuestionBody, example = json!({"question": "Is your caseload safe?", "answer": "No", "percent": 81})),
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_question(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id)): Path<(String, BallotId)>,
    ApiJson(body): ApiJson<QuestionBody>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let dispute = state.store.ballot_dispute(c.branch.id, id).await?;
    Ok(created(
        ops::add_question(&state, &c.actor(), dispute, id, &body.into()).await?,
    ))
}

/// Delete a survey question of one of the dispute's ballots (organisers).
#[utoipa::path(delete, path = "/api/v1/branches/{branch}/disputes/{id}/questions/{question}", operation_id = "deleteSurveyQuestion", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("question" = i64, Path, description = "Question id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_question(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, question)): Path<(String, DisputeId, QuestionId)>,
) -> AppResult<StatusCode> {
    edits::delete(&state, &c.actor(), id, Item::Question(question)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A step's done date.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StepDone {
    /// The day it was done, YYYY-MM-DD (empty or absent: not done).
    #[serde(default)]
    pub done: Option<String>,
}

/// Mark a ballot's statutory step done (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/ballot-steps/{id}", operation_id = "markBallotStep", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Step id")),
    request_body(content = StepDone, example = json!({"done": "2024-02-01"})),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn mark_step(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id)): Path<(String, BallotStepId)>,
    ApiJson(body): ApiJson<StepDone>,
) -> AppResult<StatusCode> {
    let dispute = state.store.step_dispute(c.branch.id, id).await?;
    let done = body.done.as_deref().unwrap_or("");
    ops::mark_step(&state, &c.actor(), dispute, id, done).await?;
    Ok(StatusCode::NO_CONTENT)
}
