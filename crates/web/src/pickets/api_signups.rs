//! Places over JSON: a member's sign-up and cancel (bearer token), a supporter's sign-up
//! (public, rate-limited and size-limited like the wall), and the rep's list for the day
//! (audited) with presence and walk-ups. A refused sign-up is 409 with the refusal's own code
//! (`shift_full`, `shift_started`, `already_signed_up`, `shift_cancelled`, `members_only`).

use crate::api::ErrorBody;
use crate::disputes::api::ApiJson;
use crate::error::AppResult;
use crate::extract::caller::{Member, Rep};
use crate::pickets::common::{public_dispute, refusal_response, require_member, signup_error};
use crate::pickets::on_the_day::{mark, places, walk_up};
use crate::pickets::public::join;
use crate::pickets::signups::{cancel_place, member_sign_up, own_place, SignedUp};
use crate::security::ClientIp;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use picket_domain::pickets::signups::{Place, Supporter};
use picket_domain::{DisputeId, PicketShiftId, PicketSignupId};
use picket_store::shifts::SignupStatus;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A place taken or on the waiting list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceTaken {
    /// The place's id.
    #[schema(value_type = i64)]
    pub id: PicketSignupId,
    /// `taken` or `waiting`.
    #[schema(value_type = String)]
    pub place: Place,
}

fn answer(done: SignedUp) -> Response {
    match done {
        Ok((id, place)) => (StatusCode::CREATED, Json(PlaceTaken { id, place })).into_response(),
        Err(reason) => refusal_response(reason),
    }
}

/// A member's sign-up.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct TapBody {
    /// Join the waiting list when the shift is full (else a full shift is refused).
    #[serde(default)]
    pub waiting_list: bool,
}

/// Take a place on a shift as the member linked to this login (members).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/pickets/shifts/{shift}/signups", operation_id = "signUpForShift", tag = "pickets",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("shift" = i64, Path, description = "Shift id")),
    request_body = TapBody,
    responses((status = 201, body = PlaceTaken), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody, description = "Refused: shift_full, shift_started, already_signed_up, shift_cancelled"),
              (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn member(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, id, shift)): Path<(String, DisputeId, PicketShiftId)>,
    ApiJson(body): ApiJson<TapBody>,
) -> AppResult<Response> {
    let dispute = state.store.dispute(c.branch.id, id).await?;
    let done = member_sign_up(&state, &c.actor(), &dispute, shift, body.waiting_list).await?;
    Ok(answer(done))
}

/// Give up the member's own place on a shift; the first on the waiting list moves up (members).
#[utoipa::path(delete, path = "/api/v1/branches/{branch}/disputes/{id}/pickets/shifts/{shift}/signups/mine", operation_id = "cancelMyPlace", tag = "pickets",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("shift" = i64, Path, description = "Shift id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn cancel_mine(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, id, shift)): Path<(String, DisputeId, PicketShiftId)>,
) -> AppResult<StatusCode> {
    let dispute = state.store.dispute(c.branch.id, id).await?;
    let member = require_member(&state, &c.branch, &c.user).await?;
    let place = own_place(&state, &c.branch, id, shift, member.id).await?;
    let entry = c
        .actor()
        .entry("picket.signup.cancel", format!("picket-signup:{place}"));
    cancel_place(
        &state,
        &c.branch,
        &dispute,
        place,
        Some(member.id),
        Some(entry),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A supporter's sign-up: a name and a phone number or an email address (or both).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SupporterBody {
    /// Their name.
    #[serde(default)]
    pub name: String,
    /// Their email address (for the confirmation and the cancel link).
    #[serde(default)]
    pub email: String,
    /// Their phone number.
    #[serde(default)]
    pub phone: String,
    /// Join the waiting list when the shift is full.
    #[serde(default)]
    pub waiting_list: bool,
}

/// Sign up as a supporter, no account (public; rate-limited per address, size-limited).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/pickets/shifts/{shift}/supporters", operation_id = "supporterSignUp", tag = "pickets",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("shift" = i64, Path, description = "Shift id")),
    request_body(content = SupporterBody, example = json!({"name": "Sam Okafor", "email": "sam@example.org"})),
    responses((status = 201, body = PlaceTaken), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody, description = "Refused: shift_full, shift_started, already_signed_up, shift_cancelled, members_only"),
              (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn supporter(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path((slug, id, shift)): Path<(String, DisputeId, PicketShiftId)>,
    ApiJson(body): ApiJson<SupporterBody>,
) -> AppResult<Response> {
    let (branch, dispute) = public_dispute(&state, &slug, id).await?;
    let supporter = Supporter::parse(&body.name, &body.email, &body.phone).map_err(signup_error);
    if supporter.is_err() {
        // A shift of another dispute is not found, before what was sent is looked at. (For
        // a valid body the sign-up's own read of the shift answers that.)
        state.store.picket_shift(branch.id, id, shift).await?;
    }
    let done = join(
        &state,
        &branch,
        &dispute,
        &ip,
        &shift.to_string(),
        supporter,
        body.waiting_list,
    )
    .await?;
    Ok(answer(done))
}

/// A place as the rep on the line sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceView {
    /// The place's id.
    pub id: i64,
    /// The person's name.
    pub name: String,
    /// Their phone number, if known.
    pub phone: Option<String>,
    /// `taken`, `waiting` or `walk_up`.
    pub status: String,
    /// Whether marked present.
    pub present: bool,
    /// Whether a member (else a supporter or walk-up).
    pub member: bool,
}

/// Who has a place on a shift, with phone numbers (reps; audited as a read of personal data).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/pickets/shifts/{shift}/signups", operation_id = "listShiftPlaces", tag = "pickets",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("shift" = i64, Path, description = "Shift id")),
    responses((status = 200, body = Vec<PlaceView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Rep(c): Rep,
    Path((_slug, id, shift)): Path<(String, DisputeId, PicketShiftId)>,
) -> AppResult<Json<Vec<PlaceView>>> {
    state.store.picket_shift(c.branch.id, id, shift).await?;
    let list = places(
        &state,
        &c.user,
        &c.branch,
        id,
        shift,
        c.request_id.clone(),
        "the on-the-day list (API)",
    )
    .await?;
    Ok(Json(
        list.into_iter()
            .map(|p| PlaceView {
                id: p.id.0,
                name: p.name,
                phone: p.phone,
                status: p.status.as_str().into(),
                present: p.present_at.is_some() || p.status == SignupStatus::WalkUp,
                member: p.member_id.is_some(),
            })
            .collect(),
    ))
}

/// Presence on the day.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PresenceBody {
    /// Present (true) or not.
    pub present: bool,
}

/// Mark a place present, or not (reps).
#[utoipa::path(put, path = "/api/v1/branches/{branch}/disputes/{id}/pickets/places/{place}/presence", operation_id = "markPresent", tag = "pickets",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("place" = i64, Path, description = "Place id")),
    request_body = PresenceBody,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn presence(
    State(state): State<AppState>,
    Rep(c): Rep,
    Path((_slug, id, place)): Path<(String, DisputeId, PicketSignupId)>,
    ApiJson(body): ApiJson<PresenceBody>,
) -> AppResult<StatusCode> {
    mark(&state, &c.actor(), id, place, body.present).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Someone who came without signing up.
#[derive(Debug, Deserialize, ToSchema)]
pub struct WalkUpBody {
    /// Their name.
    #[serde(default)]
    pub name: String,
}

/// The new walk-up's place.
#[derive(Debug, Serialize, ToSchema)]
pub struct WalkedUp {
    /// The place's id.
    pub id: i64,
}

/// Add a walk-up by name, present (reps).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/pickets/shifts/{shift}/walk-ups", operation_id = "addWalkUp", tag = "pickets",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("shift" = i64, Path, description = "Shift id")),
    request_body = WalkUpBody,
    responses((status = 201, body = WalkedUp), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_walk_up(
    State(state): State<AppState>,
    Rep(c): Rep,
    Path((_slug, id, shift)): Path<(String, DisputeId, PicketShiftId)>,
    ApiJson(body): ApiJson<WalkUpBody>,
) -> AppResult<(StatusCode, Json<WalkedUp>)> {
    state.store.picket_shift(c.branch.id, id, shift).await?;
    let place = walk_up(&state, &c.actor(), id, shift, &body.name).await?;
    Ok((StatusCode::CREATED, Json(WalkedUp { id: place.0 })))
}
