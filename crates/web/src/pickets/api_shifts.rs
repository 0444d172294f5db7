//! Shifts over JSON: the rota, adding shifts (one, or every strike day of a period),
//! cancelling and moving them, naming a supervisor, the supervisor warnings and attendance.
//! Members read the rota; reps read attendance; organisers write.

use crate::api::ErrorBody;
use crate::disputes::api::ApiJson;
use crate::error::AppResult;
use crate::extract::caller::{Member, Organiser, Rep};
use crate::pickets::common::{supervisor_warnings, ShiftView, SupervisorWarning};
use crate::pickets::on_the_day::set_supervisor;
use crate::pickets::shifts::{
    add_shift, cancel_shift, change_shift, plan_shifts, Added, ChangeForm, Changed, PlanForm,
    ShiftForm,
};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{NaiveDate, Utc};
use picket_domain::{DisputeId, MemberId, PicketShiftId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// `?from=&to=`: the days to list (both included; default from today on).
#[derive(Debug, Deserialize, IntoParams)]
pub struct Days {
    /// The first day, YYYY-MM-DD (default today).
    pub from: Option<String>,
    /// The last day, YYYY-MM-DD.
    pub to: Option<String>,
}

fn day(field: &'static str, s: Option<&str>) -> AppResult<Option<NaiveDate>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => crate::disputes::date(field, s).map(Some),
        None => Ok(None),
    }
}

/// The dispute's shifts, cancelled ones included (members).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/pickets/shifts", operation_id = "listPicketShifts", tag = "pickets",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), Days),
    responses((status = 200, body = Vec<ShiftView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, id)): Path<(String, DisputeId)>,
    Query(q): Query<Days>,
) -> AppResult<Json<Vec<ShiftView>>> {
    state.store.dispute(c.branch.id, id).await?;
    let from = day("from", q.from.as_deref())?.or(Some(crate::pickets::common::today()));
    let to = day("to", q.to.as_deref())?;
    let now = Utc::now();
    let shifts = state.store.picket_shifts(c.branch.id, id, from, to).await?;
    Ok(Json(
        shifts.iter().map(|s| ShiftView::new(s, now)).collect(),
    ))
}

/// A shift to add.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ShiftBody {
    /// The entrance's id (from the sites).
    pub entrance: i64,
    /// The day, YYYY-MM-DD.
    pub day: String,
    /// When it starts, HH:MM (UK clock).
    pub starts: String,
    /// When it ends, HH:MM, later than the start.
    pub ends: String,
    /// Places, at least 1 (default: the law engine's guide number of pickets per entrance).
    #[serde(default)]
    pub capacity: Option<u32>,
    /// Whether supporters without an account may sign up.
    #[serde(default)]
    pub open_to_supporters: bool,
    /// What to bring, where to meet.
    #[serde(default)]
    pub notes: String,
}

fn flag(b: bool) -> String {
    if b {
        "on".into()
    } else {
        String::new()
    }
}

/// Add a shift (organisers). A capacity above the guide number is allowed and answered with
/// the law engine's warning.
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/pickets/shifts", operation_id = "addPicketShift", tag = "pickets",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body(content = ShiftBody, example = json!({"entrance": 1, "day": "2024-05-13", "starts": "08:00", "ends": "12:30", "open_to_supporters": true})),
    responses((status = 201, body = Added), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id)): Path<(String, DisputeId)>,
    ApiJson(body): ApiJson<ShiftBody>,
) -> AppResult<(StatusCode, Json<Added>)> {
    let dispute = state.store.dispute(c.branch.id, id).await?;
    let form = ShiftForm {
        entrance: body.entrance.to_string(),
        day: body.day,
        starts: body.starts,
        ends: body.ends,
        capacity: body.capacity.map(|n| n.to_string()).unwrap_or_default(),
        open_to_supporters: flag(body.open_to_supporters),
        notes: body.notes,
    };
    let added = add_shift(&state, &c.actor(), &dispute, &form).await?;
    Ok((StatusCode::CREATED, Json(added)))
}

/// Shifts for every strike day of a period.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PlanBody {
    /// The period of action's id.
    pub period: i64,
    /// The entrances' ids: one shift at each on each strike day.
    pub entrances: Vec<i64>,
    /// When each starts, HH:MM.
    pub starts: String,
    /// When each ends, HH:MM.
    pub ends: String,
    /// Places on each (default: the guide number).
    #[serde(default)]
    pub capacity: Option<u32>,
    /// Whether supporters may sign up.
    #[serde(default)]
    pub open_to_supporters: bool,
    /// What to bring, where to meet.
    #[serde(default)]
    pub notes: String,
}

/// Add the same shift at each entrance on every strike day of a period (organisers); days
/// that are not strike days by the desk's rule are skipped and named. All or nothing.
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/pickets/plan", operation_id = "planPicketShifts", tag = "pickets",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body(content = PlanBody, example = json!({"period": 1, "entrances": [1, 2], "starts": "08:00", "ends": "12:30"})),
    responses((status = 201, body = Added), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn plan(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id)): Path<(String, DisputeId)>,
    ApiJson(body): ApiJson<PlanBody>,
) -> AppResult<(StatusCode, Json<Added>)> {
    let dispute = state.store.dispute(c.branch.id, id).await?;
    let form = PlanForm {
        period: body.period.to_string(),
        entrances: body
            .entrances
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(","),
        starts: body.starts,
        ends: body.ends,
        capacity: body.capacity.map(|n| n.to_string()).unwrap_or_default(),
        open_to_supporters: flag(body.open_to_supporters),
        notes: body.notes,
    };
    let added = plan_shifts(&state, &c.actor(), &dispute, &form).await?;
    Ok((StatusCode::CREATED, Json(added)))
}

/// How many people a change emailed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Emailed {
    /// Emails queued.
    pub emailed: usize,
}

/// Cancel a shift and email everyone on it (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/pickets/shifts/{shift}/cancellation", operation_id = "cancelPicketShift", tag = "pickets",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("shift" = i64, Path, description = "Shift id")),
    responses((status = 200, body = Emailed), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn cancel(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, shift)): Path<(String, DisputeId, PicketShiftId)>,
) -> AppResult<Json<Emailed>> {
    let dispute = state.store.dispute(c.branch.id, id).await?;
    let emailed = cancel_shift(&state, &c.actor(), &dispute, shift).await?;
    Ok(Json(Emailed { emailed }))
}

/// New times for a shift, and perhaps a new entrance.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TimesBody {
    /// The day, YYYY-MM-DD.
    pub day: String,
    /// When it starts, HH:MM.
    pub starts: String,
    /// When it ends, HH:MM.
    pub ends: String,
    /// The entrance's id (default: where it stands now).
    #[serde(default)]
    pub entrance: Option<i64>,
}

/// Move a shift to new times, and to another entrance if given, and email everyone on it
/// (organisers). Refused like a new shift: ending before it starts, overlapping another at
/// the entrance, or starting in the past.
#[utoipa::path(put, path = "/api/v1/branches/{branch}/disputes/{id}/pickets/shifts/{shift}/times", operation_id = "movePicketShift", tag = "pickets",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("shift" = i64, Path, description = "Shift id")),
    request_body = TimesBody,
    responses((status = 200, body = Emailed), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn move_times(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, shift)): Path<(String, DisputeId, PicketShiftId)>,
    ApiJson(body): ApiJson<TimesBody>,
) -> AppResult<Json<Emailed>> {
    let dispute = state.store.dispute(c.branch.id, id).await?;
    let form = ChangeForm {
        entrance: body.entrance.map(|e| e.to_string()).unwrap_or_default(),
        day: body.day,
        starts: body.starts,
        ends: body.ends,
        capacity: String::new(),
    };
    let changed = change_shift(&state, &c.actor(), &dispute, shift, &form).await?;
    Ok(Json(Emailed {
        emailed: changed.emailed,
    }))
}

/// A shift's new capacity.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CapacityBody {
    /// Places, at least 1 and not fewer than the places already taken.
    pub capacity: u32,
}

/// Set a shift's capacity (organisers). Raised, the first on the waiting list move up into
/// the new places, in the order they joined, and are emailed; below the places taken it is
/// refused (422, field `capacity`).
#[utoipa::path(put, path = "/api/v1/branches/{branch}/disputes/{id}/pickets/shifts/{shift}/capacity", operation_id = "setPicketShiftCapacity", tag = "pickets",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("shift" = i64, Path, description = "Shift id")),
    request_body(content = CapacityBody, example = json!({"capacity": 8})),
    responses((status = 200, body = Changed), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_capacity(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, shift)): Path<(String, DisputeId, PicketShiftId)>,
    ApiJson(body): ApiJson<CapacityBody>,
) -> AppResult<Json<Changed>> {
    let dispute = state.store.dispute(c.branch.id, id).await?;
    let form = ChangeForm {
        capacity: body.capacity.to_string(),
        ..ChangeForm::default()
    };
    Ok(Json(
        change_shift(&state, &c.actor(), &dispute, shift, &form).await?,
    ))
}

/// The member named as supervisor.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SupervisorBody {
    /// The member's id (null: none).
    #[serde(default)]
    pub member_id: Option<i64>,
}

/// Name a member as the shift's picket supervisor, or none (organisers).
#[utoipa::path(put, path = "/api/v1/branches/{branch}/disputes/{id}/pickets/shifts/{shift}/supervisor", operation_id = "setPicketSupervisor", tag = "pickets",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("shift" = i64, Path, description = "Shift id")),
    request_body = SupervisorBody,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn supervisor(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, shift)): Path<(String, DisputeId, PicketShiftId)>,
    ApiJson(body): ApiJson<SupervisorBody>,
) -> AppResult<StatusCode> {
    state.store.picket_shift(c.branch.id, id, shift).await?;
    set_supervisor(&state, &c.actor(), id, shift, body.member_id.map(MemberId)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Shifts still to come with no supervisor on days the law engine requires one, each naming
/// the provision (organisers).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/pickets/warnings", operation_id = "picketSupervisorWarnings", tag = "pickets",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    responses((status = 200, body = Vec<SupervisorWarning>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn warnings(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id)): Path<(String, DisputeId)>,
) -> AppResult<Json<Vec<SupervisorWarning>>> {
    let dispute = state.store.dispute(c.branch.id, id).await?;
    let shifts = state
        .store
        .picket_shifts(c.branch.id, id, None, None)
        .await?;
    Ok(Json(supervisor_warnings(&state, &dispute, &shifts)))
}

/// Attendance on one day at one site.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceView {
    /// The day, YYYY-MM-DD.
    #[schema(value_type = String)]
    pub day: NaiveDate,
    /// The site's id.
    pub site_id: i64,
    /// The site's name.
    pub site: String,
    /// Shifts that stood.
    pub shifts: u32,
    /// Places on them.
    pub places: u32,
    /// Places taken.
    pub signed_up: u32,
    /// Of those, marked present.
    pub present: u32,
    /// Walk-ups.
    pub walk_ups: u32,
}

/// Attendance per day and site (reps).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/pickets/attendance", operation_id = "picketAttendance", tag = "pickets",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    responses((status = 200, body = Vec<AttendanceView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn attendance(
    State(state): State<AppState>,
    Rep(c): Rep,
    Path((_slug, id)): Path<(String, DisputeId)>,
) -> AppResult<Json<Vec<AttendanceView>>> {
    state.store.dispute(c.branch.id, id).await?;
    let rows = state.store.picket_attendance(c.branch.id, id).await?;
    Ok(Json(
        rows.into_iter()
            .map(|a| AttendanceView {
                day: a.day,
                site_id: a.site_id.0,
                site: a.site_name,
                shifts: a.shifts,
                places: a.places,
                signed_up: a.signed_up,
                present: a.present,
                walk_ups: a.walk_ups,
            })
            .collect(),
    ))
}
