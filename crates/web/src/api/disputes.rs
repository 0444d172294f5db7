//! Disputes over JSON: disputes, their timeline, ballots with the law engine's answer, and
//! periods of action with notice deadlines, mandate checks and strike-day counts. Members read;
//! organisers write. Validation errors are 422 naming the field.

use super::ErrorBody;
use crate::disputes::ops::{self, Actor};
use crate::disputes::view::{assemble, BallotView, DisputeView, PeriodView};
use crate::disputes::{
    BallotForm, ClaimInput, DisputeInput, EventInput, PartyInput, PeriodInput, QuestionInput,
    RateInput, ResultInput,
};
use crate::error::{AppError, AppResult};
use crate::extract::{ApiUser, RequestId};
use crate::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use picket_domain::Role;
use picket_store::disputes::{Dispute, TimelineEvent};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A JSON body whose faults are validation errors naming `body`.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;
    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::BytesRejection(e))
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Err(AppError::TooLarge)
            }
            Err(e) => Err(AppError::invalid(
                "body",
                format!("body: {}", e.body_text()),
            )),
        }
    }
}

/// A dispute in lists.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisputeSummary {
    /// Id.
    pub id: i64,
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

/// The branch's disputes (members).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes", operation_id = "listDisputes", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug")),
    responses((status = 200, body = Vec<DisputeSummary>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(slug): Path<String>,
) -> AppResult<Json<Vec<DisputeSummary>>> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Member)
        .await?;
    let disputes = state.store.disputes(branch.id).await?;
    Ok(Json(disputes.iter().map(DisputeSummary::from).collect()))
}

/// Create a dispute (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes", operation_id = "createDispute", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug")), request_body = DisputeInput,
    responses((status = 201, body = DisputeSummary), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<DisputeInput>,
) -> AppResult<(StatusCode, Json<DisputeSummary>)> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    let d = ops::create_dispute(&state, &actor, &body).await?;
    Ok((StatusCode::CREATED, Json(DisputeSummary::from(&d))))
}

/// Edit a dispute (organisers).
#[utoipa::path(put, path = "/api/v1/branches/{branch}/disputes/{id}", operation_id = "updateDispute", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body = DisputeInput,
    responses((status = 200, body = DisputeSummary), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<DisputeInput>,
) -> AppResult<Json<DisputeSummary>> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    let d = ops::update_dispute(&state, &actor, id, &body).await?;
    Ok(Json(DisputeSummary::from(&d)))
}

/// A dispute's dashboard: records, ballots with answers, periods with deadlines and counts,
/// headline and impact figures with their working (members).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}", operation_id = "getDispute", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), AsOf),
    responses((status = 200, body = DisputeView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, i64)>,
    Query(q): Query<AsOf>,
) -> AppResult<Json<DisputeView>> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Member)
        .await?;
    let day = as_of(q.as_of.as_deref())?;
    Ok(Json(assemble(&state, branch.id, id, day, false).await?))
}

/// A dispute's whole timeline, public and private (members).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/timeline", operation_id = "listTimeline", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    responses((status = 200, body = Vec<Object>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn timeline(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Json<Vec<TimelineEvent>>> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Member)
        .await?;
    state.store.dispute(branch.id, id).await?;
    Ok(Json(state.store.timeline(branch.id, id, false).await?))
}

/// Add a timeline entry (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/timeline", operation_id = "addTimelineEntry", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body = EventInput,
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_event(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<EventInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    let id = ops::add_event(&state, &actor, id, &body).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Add a decision-maker or team (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/parties", operation_id = "addParty", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body = PartyInput,
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_party(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<PartyInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    let id = ops::add_party(&state, &actor, id, &body).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Add a claim or offer (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/claims", operation_id = "addClaim", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body = ClaimInput,
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_claim(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<ClaimInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    let id = ops::add_claim(&state, &actor, id, &body).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Add an impact rate (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/rates", operation_id = "addImpactRate", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body = RateInput,
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_rate(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<RateInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    let id = ops::add_rate(&state, &actor, id, &body).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A dispute's ballots, each with the law engine's answer (members).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/ballots", operation_id = "listBallots", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    responses((status = 200, body = Vec<BallotView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn ballots(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Json<Vec<BallotView>>> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Member)
        .await?;
    let today = chrono::Utc::now().date_naive();
    Ok(Json(
        assemble(&state, branch.id, id, today, false).await?.ballots,
    ))
}

async fn ballot_view(
    state: &AppState,
    branch: picket_store::Branch,
    dispute: i64,
    ballot: i64,
) -> AppResult<BallotView> {
    let today = chrono::Utc::now().date_naive();
    assemble(state, branch.id, dispute, today, false)
        .await?
        .ballots
        .into_iter()
        .find(|b| b.ballot.id == ballot)
        .ok_or(AppError::NotFound)
}

/// Create a ballot; statutory ballots get their steps checklist (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/ballots", operation_id = "createBallot", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body = BallotForm,
    responses((status = 201, body = BallotView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_ballot(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<BallotForm>,
) -> AppResult<(StatusCode, Json<BallotView>)> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    let ballot = ops::add_ballot(&state, &actor, id, &body).await?;
    let view = ballot_view(&state, branch, id, ballot.id).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Record a ballot's result (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/ballots/{id}/result", operation_id = "recordBallotResult", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Ballot id")),
    request_body = ResultInput,
    responses((status = 200, body = BallotView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn record_result(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<ResultInput>,
) -> AppResult<Json<BallotView>> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    let ballot = ops::record_result(&state, &actor, id, &body).await?;
    Ok(Json(
        ballot_view(&state, branch, ballot.dispute_id, id).await?,
    ))
}

/// Add a survey question with its answer (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/ballots/{id}/questions", operation_id = "addSurveyQuestion", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Ballot id")),
    request_body = QuestionInput,
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_question(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<QuestionInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    let id = ops::add_question(&state, &actor, id, &body).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A dispute's periods of action with notice deadlines, mandate checks, warnings and strike
/// days (per period and cumulative, with the counting rule) (members).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/action-periods", operation_id = "listActionPeriods", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    responses((status = 200, body = Vec<PeriodView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn periods(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Json<Vec<PeriodView>>> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Member)
        .await?;
    let today = chrono::Utc::now().date_naive();
    Ok(Json(
        assemble(&state, branch.id, id, today, false).await?.periods,
    ))
}

/// Add a period of action (organisers); answers with its deadlines, checks and counts.
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/action-periods", operation_id = "createActionPeriod", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body = PeriodInput,
    responses((status = 201, body = PeriodView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_period(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<PeriodInput>,
) -> AppResult<(StatusCode, Json<PeriodView>)> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    let period = ops::add_period(&state, &actor, id, &body).await?;
    let today = chrono::Utc::now().date_naive();
    let view = assemble(&state, branch.id, id, today, false)
        .await?
        .periods
        .into_iter()
        .find(|p| p.period.id == period.id)
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(view)))
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
    request_body = StepDone,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn mark_step(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<StepDone>,
) -> AppResult<StatusCode> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    ops::mark_step(&state, &actor, id, body.done.as_deref().unwrap_or("")).await?;
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
    request_body = ClaimStatusInput,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_claim_status(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RequestId(request_id): RequestId,
    Path((slug, id, claim)): Path<(String, i64, i64)>,
    ApiJson(body): ApiJson<ClaimStatusInput>,
) -> AppResult<StatusCode> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    ops::set_claim_status(&state, &actor, id, claim, &body.status).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Edit a timeline entry, e.g. to publish it (organisers).
#[utoipa::path(put, path = "/api/v1/branches/{branch}/disputes/{id}/timeline/{event}", operation_id = "updateTimelineEntry", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("event" = i64, Path, description = "Timeline entry id")),
    request_body = EventInput,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_event(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RequestId(request_id): RequestId,
    Path((slug, id, event)): Path<(String, i64, i64)>,
    ApiJson(body): ApiJson<EventInput>,
) -> AppResult<StatusCode> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    ops::update_event(&state, &actor, id, event, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}
