//! A member's own hardship application, from their self-service page or the API: the amount
//! and the reason, dated today, for the treasurer to decide and pay. The reason is seen by the
//! treasurer, the organisers and the member themself, no one else. At most
//! [`APPLICATIONS_PER_DAY`] applications a member a day; each is audited like the
//! treasurer's (`fund.hardship.apply`), with the member as the one who applied.

use crate::api::ErrorBody;
use crate::disputes::api::Created;
use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::caller::Member;
use crate::extract::json::ApiJson;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::fund::hardship::{self, ApplicationInput};
use crate::fund::{self};
use crate::security::keyed_hash;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use chrono::{Duration, Utc};
use picket_domain::BranchId;
use picket_domain::{HardshipGrantId, MemberId, Pence};
use picket_store::hardship::HardshipGrant;
use picket_store::{Attempt, AttemptLimit, Branch};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How many hardship applications a member may make in a day.
pub const APPLICATIONS_PER_DAY: u64 = 3;

/// A member's own application as typed or sent.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct OwnApplicationInput {
    /// The amount in pounds, like `200.00`.
    pub amount: String,
    /// Why the grant is needed (seen by the treasurer, the organisers and you).
    pub reason: String,
}

/// One of the member's own applications as they read it. Amounts in pence.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OwnApplication {
    /// Its id.
    #[schema(value_type = i64)]
    pub id: HardshipGrantId,
    /// How much was asked for.
    #[schema(value_type = i64)]
    pub amount: Pence,
    /// The day of the application.
    pub applied_on: chrono::NaiveDate,
    /// Why (cleared some time after the decision, under the branch's retention).
    pub reason: Option<String>,
    /// `pending`, `granted`, `refused` or `paid`.
    pub status: String,
    /// The status in words.
    pub status_words: String,
}

impl OwnApplication {
    fn of(g: HardshipGrant) -> Self {
        let status = if g.paid_transaction_id.is_some() {
            "paid".to_string()
        } else {
            g.decision.clone()
        };
        let status_words = match status.as_str() {
            "paid" => "Granted and paid",
            "granted" => "Granted: the treasurer will pay it",
            "refused" => "Refused",
            _ => "Waiting for the treasurer's decision",
        }
        .to_string();
        OwnApplication {
            id: g.id,
            amount: g.amount,
            applied_on: g.applied_on,
            reason: g.reason,
            status,
            status_words,
        }
    }
}

/// A member's own applications, newest first.
pub async fn own(
    state: &AppState,
    branch: BranchId,
    member: MemberId,
) -> AppResult<Vec<OwnApplication>> {
    Ok(state
        .store
        .hardship_grants_of(branch, member)
        .await?
        .into_iter()
        .map(OwnApplication::of)
        .collect())
}

/// Records the member's own application, dated today, within the daily limit.
pub async fn apply_own(
    state: &AppState,
    actor: &Actor<'_>,
    member: MemberId,
    input: &OwnApplicationInput,
) -> AppResult<HardshipGrantId> {
    let application = ApplicationInput {
        member: member.to_string(),
        amount: input.amount.clone(),
        reason: input.reason.clone(),
        applied_on: Utc::now().date_naive().to_string(),
    };
    let key = keyed_hash(
        state,
        &format!("hardship-apply:{}:{member}", actor.branch.id),
    )
    .await?;
    let now = Utc::now();
    let limit = AttemptLimit {
        key: &key,
        max: APPLICATIONS_PER_DAY,
    };
    let ticket = match state
        .store
        .take_attempt(&[limit], now - Duration::days(1), now)
        .await?
    {
        Attempt::Counted(ticket) => ticket,
        Attempt::Refused(_) => {
            return Err(AppError::TooManyRequests(format!(
                "You can apply for at most {APPLICATIONS_PER_DAY} hardship grants a day. \
                 Please try again tomorrow, or speak to your branch's treasurer."
            )))
        }
    };
    match hardship::apply(state, actor, &application).await {
        Ok(id) => Ok(id),
        Err(e) => {
            // A refused application does not count against the limit.
            state.store.release_attempt(&ticket).await?;
            Err(e)
        }
    }
}

/// POST /{branch}/me/hardship: the signed-in member applies; a refusal shows their page
/// again with the message and what they typed.
pub async fn apply_page(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<OwnApplicationInput>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?;
    let member = state
        .store
        .member_for_user(access.branch.id, user.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    match apply_own(&state, &actor, member.id, &form).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/{}/me?saved=1#hardship", access.branch.slug)).into_response(),
        ),
        Err(e) => {
            let (status, message) = match e {
                AppError::TooManyRequests(message) => (StatusCode::TOO_MANY_REQUESTS, message),
                other => fund::donations::refusal(other)?,
            };
            crate::member_data::pages::own_form_refused(
                &state,
                &csrf,
                &user,
                &slug,
                status,
                crate::member_data::pages::OwnRefusal::Hardship(message, form),
            )
            .await
        }
    }
}

/// The caller's own hardship applications.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnApplicationsBody {
    /// Newest first, with their reasons and where each stands.
    pub applications: Vec<OwnApplication>,
}

/// The caller's own hardship applications (any member with a linked record).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/me/hardship", operation_id = "myHardshipApplications", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug")),
    responses((status = 200, body = OwnApplicationsBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn my_applications(
    State(state): State<AppState>,
    Member(c): Member,
) -> AppResult<Json<OwnApplicationsBody>> {
    let member = own_member(&state, &c.branch, &c.user).await?;
    Ok(Json(OwnApplicationsBody {
        applications: own(&state, c.branch.id, member).await?,
    }))
}

/// Apply for a hardship grant for oneself, dated today (any member with a linked record; at
/// most three a day).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/me/hardship", operation_id = "applyForMyHardship", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug")),
    request_body(content = OwnApplicationInput, example = json!({"amount": "150.00", "reason": "Rent due this week"})),
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn apply_api(
    State(state): State<AppState>,
    Member(c): Member,
    ApiJson(body): ApiJson<OwnApplicationInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let member = own_member(&state, &c.branch, &c.user).await?;
    let id = apply_own(&state, &c.actor(), member, &body).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

async fn own_member(state: &AppState, branch: &Branch, user: &CurrentUser) -> AppResult<MemberId> {
    Ok(state
        .store
        .member_for_user(branch.id, user.user.id)
        .await?
        .ok_or(AppError::NotFound)?
        .id)
}
