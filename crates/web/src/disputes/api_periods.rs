//! Periods of action over JSON, each with its notice deadline, mandate check, warnings and
//! strike-day counts: create, edit and delete them (organisers), count a bank holiday inside
//! one as a strike day or stop counting it (organisers), and record how many took part
//! (reps and organisers).

use crate::api::ErrorBody;
use crate::disputes::api::{created, ApiJson, Created};
use crate::disputes::api_bodies::{ParticipationBody, PeriodBody, PublicationBody};
use crate::disputes::edits::{self, Item};
use crate::disputes::ops;
use crate::disputes::publish;
use crate::disputes::view::{assemble, PeriodView};
use crate::extract::caller::{Member, Organiser, Rep};

use crate::error::AppResult;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use picket_domain::{DisputeId, ParticipationId, PeriodId};

async fn period_view(
    state: &AppState,
    branch: &picket_store::Branch,
    dispute: DisputeId,
    period: PeriodId,
) -> AppResult<PeriodView> {
    publish::current(state, branch, dispute, period).await
}

/// A dispute's periods of action with notice deadlines, mandate checks, warnings, strike
/// days (per period and cumulative, with the counting rule) and striker-days with the formula
/// used (members).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/action-periods", operation_id = "listActionPeriods", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    responses((status = 200, body = Vec<PeriodView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn periods(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, id)): Path<(String, DisputeId)>,
) -> AppResult<Json<Vec<PeriodView>>> {
    let today = chrono::Utc::now().date_naive();
    Ok(Json(
        assemble(&state, c.branch.id, id, today, false)
            .await?
            .periods,
    ))
}

/// Add a period of action (organisers); answers with its deadlines, checks and counts.
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/action-periods", operation_id = "createActionPeriod", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body(content = PeriodBody, example = json!({"kind": "strike", "starts": "2024-04-29", "ends": "2024-05-10", "teams": "Duty team", "called_out": 15, "called_out_reason": "members not yet imported", "notice_received": "2024-04-10", "holidays_as_strike": []})),
    responses((status = 201, body = PeriodView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_period(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id)): Path<(String, DisputeId)>,
    ApiJson(body): ApiJson<PeriodBody>,
) -> AppResult<(StatusCode, Json<PeriodView>)> {
    let period = ops::add_period(&state, &c.actor(), id, &body.into()).await?;
    let view = period_view(&state, &c.branch, id, period.id).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Edit a period of action (organisers); answers with its deadlines, checks and counts.
#[utoipa::path(put, path = "/api/v1/branches/{branch}/disputes/{id}/action-periods/{period}", operation_id = "updateActionPeriod", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("period" = i64, Path, description = "Period id")),
    request_body(content = PeriodBody, example = json!({"kind": "strike", "starts": "2024-04-29", "ends": "2024-05-10", "teams": "Duty team", "called_out": 15, "called_out_reason": "members not yet imported", "notice_received": "2024-04-10", "holidays_as_strike": []})),
    responses((status = 200, body = PeriodView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_period(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, period)): Path<(String, DisputeId, PeriodId)>,
    ApiJson(body): ApiJson<PeriodBody>,
) -> AppResult<Json<PeriodView>> {
    edits::update_period(&state, &c.actor(), id, period, &body.into()).await?;
    Ok(Json(period_view(&state, &c.branch, id, period).await?))
}

/// Delete a period of action with its participation records (organisers).
#[utoipa::path(delete, path = "/api/v1/branches/{branch}/disputes/{id}/action-periods/{period}", operation_id = "deleteActionPeriod", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("period" = i64, Path, description = "Period id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_period(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, period)): Path<(String, DisputeId, PeriodId)>,
) -> AppResult<StatusCode> {
    edits::delete(&state, &c.actor(), id, Item::Period(period)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Count a bank holiday inside the period as a strike day (organisers). The date must be a
/// bank holiday of the dispute's nation within the period; answers with the new counts.
#[utoipa::path(put, path = "/api/v1/branches/{branch}/disputes/{id}/action-periods/{period}/strike-holidays/{date}", operation_id = "markHolidayAsStrikeDay", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("period" = i64, Path, description = "Period id"), ("date" = String, Path, description = "The bank holiday, YYYY-MM-DD")),
    responses((status = 200, body = PeriodView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn mark_holiday(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, period, date)): Path<(String, DisputeId, PeriodId, String)>,
) -> AppResult<Json<PeriodView>> {
    edits::set_strike_holiday(&state, &c.actor(), id, period, &date, true).await?;
    Ok(Json(period_view(&state, &c.branch, id, period).await?))
}

/// Stop counting a bank holiday inside the period as a strike day (organisers); answers with
/// the new counts.
#[utoipa::path(delete, path = "/api/v1/branches/{branch}/disputes/{id}/action-periods/{period}/strike-holidays/{date}", operation_id = "unmarkHolidayAsStrikeDay", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("period" = i64, Path, description = "Period id"), ("date" = String, Path, description = "The bank holiday, YYYY-MM-DD")),
    responses((status = 200, body = PeriodView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn unmark_holiday(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, period, date)): Path<(String, DisputeId, PeriodId, String)>,
) -> AppResult<Json<PeriodView>> {
    edits::set_strike_holiday(&state, &c.actor(), id, period, &date, false).await?;
    Ok(Json(period_view(&state, &c.branch, id, period).await?))
}

/// Record how many members took part, on a strike day of the period or (no day) over the
/// whole period; a new count for the same day replaces the old (reps and organisers). The
/// period's striker-days then come from the records.
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/action-periods/{period}/participation", operation_id = "recordParticipation", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("period" = i64, Path, description = "Period id")),
    request_body(content = ParticipationBody, example = json!({"day": "2024-05-01", "took_part": 12})),
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn record_participation(
    State(state): State<AppState>,
    Rep(c): Rep,
    Path((_slug, id, period)): Path<(String, DisputeId, PeriodId)>,
    ApiJson(body): ApiJson<ParticipationBody>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(
        edits::record_participation(&state, &c.actor(), id, period, &body.into()).await?,
    ))
}

/// Delete a participation record (reps and organisers).
#[utoipa::path(delete, path = "/api/v1/branches/{branch}/disputes/{id}/participation/{record}", operation_id = "deleteParticipation", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("record" = i64, Path, description = "Participation record id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_participation(
    State(state): State<AppState>,
    Rep(c): Rep,
    Path((_slug, id, record)): Path<(String, DisputeId, ParticipationId)>,
) -> AppResult<StatusCode> {
    edits::delete(&state, &c.actor(), id, Item::Participation(record)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Show a period of action on the public pages despite the law checks' warnings
/// (organisers). A period with warnings is private until this is done; `despite` must name
/// every warning it has now. The confirmation is audited with the warnings it overrode, and a
/// change to the period clears it.
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/action-periods/{period}/publication", operation_id = "publishActionPeriod", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("period" = i64, Path, description = "Period id")),
    request_body(content = PublicationBody, example = json!({"despite": ["notice-too-late"]})),
    responses((status = 200, body = PeriodView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn publish_period(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, period)): Path<(String, DisputeId, PeriodId)>,
    ApiJson(body): ApiJson<PublicationBody>,
) -> AppResult<Json<PeriodView>> {
    Ok(Json(
        publish::publish(&state, &c.actor(), id, period, &body.despite).await?,
    ))
}

/// Take a period of action off the public pages again (organisers): it is public again only
/// if it has no warnings.
#[utoipa::path(delete, path = "/api/v1/branches/{branch}/disputes/{id}/action-periods/{period}/publication", operation_id = "withdrawActionPeriod", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("period" = i64, Path, description = "Period id")),
    responses((status = 200, body = PeriodView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn withdraw_period(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, period)): Path<(String, DisputeId, PeriodId)>,
) -> AppResult<Json<PeriodView>> {
    Ok(Json(
        publish::withdraw(&state, &c.actor(), id, period).await?,
    ))
}
