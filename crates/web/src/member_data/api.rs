//! Subject access and erasure over the API: a member's own data, an organiser's export for a
//! member (with a reason), and erasure (with the typed confirmation and a reason).

use crate::api::ErrorBody;
use crate::disputes::api::ApiJson;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiUser, RequestId};
use crate::member_data::subject_access::{self, SubjectAccess};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use picket_domain::member_data::reason;
use picket_domain::{MemberId, Role};
use picket_store::member_data::ErasureReport;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The caller's own data: one export per branch where their account is linked to a member
/// record.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyData {
    /// Exports, one per member record (see the subject access export's fields).
    #[schema(value_type = Vec<Object>)]
    pub records: Vec<SubjectAccess>,
}

/// Everything Picket holds about the caller as a member.
#[utoipa::path(get, path = "/api/v1/me/data", operation_id = "getMyData", tag = "account",
    responses((status = 200, body = MyData), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn my_data(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RequestId(request_id): RequestId,
) -> AppResult<Json<MyData>> {
    let mut records = Vec::new();
    for m in &user.memberships {
        if let Some(member) = state
            .store
            .member_for_user(m.branch.id, user.user.id)
            .await?
        {
            records.push(
                subject_access::export(
                    &state,
                    &m.branch,
                    member.id,
                    user.user.id,
                    "the member downloading their own data",
                    request_id.clone(),
                )
                .await?,
            );
        }
    }
    Ok(Json(MyData { records }))
}

/// Why the export is made.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ReasonQuery {
    /// Why (kept in the audit log), e.g. "subject access request of 3 March".
    #[param(example = "subject access request of 3 March")]
    pub reason: Option<String>,
}

/// Everything Picket holds about a member, for their subject access request (organisers).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/members/{id}/subject-access",
    operation_id = "getMemberSubjectAccess", tag = "members",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Member id"), ReasonQuery),
    responses((status = 200, description = "The export (the same fields as each of `GET /api/v1/me/data`'s records)", body = Object),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn subject_access(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, MemberId)>,
    Query(q): Query<ReasonQuery>,
) -> AppResult<Json<SubjectAccess>> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let why = reason(q.reason.as_deref().unwrap_or_default())
        .map_err(|m| AppError::invalid("reason", m))?;
    Ok(Json(
        subject_access::export(&state, &branch, id, user.user.id, &why, request_id).await?,
    ))
}

/// An erasure request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ErasureInput {
    /// The words `erase member ID` for this member.
    #[serde(default)]
    pub confirm: String,
    /// Why (kept in the audit log; no personal details).
    #[serde(default)]
    pub reason: String,
}

/// What an erasure removed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErasureView {
    /// Sessions ended.
    pub sessions: u64,
    /// API tokens removed.
    pub api_tokens: u64,
    /// Sign-in links deleted.
    pub sign_in_links: u64,
    /// Consent history entries deleted.
    pub consents: u64,
    /// Wall messages whose email address was removed.
    pub wall_emails: u64,
    /// The account unlinked and disabled, if one was linked.
    pub account_id: Option<i64>,
}

impl From<ErasureReport> for ErasureView {
    fn from(r: ErasureReport) -> Self {
        ErasureView {
            sessions: r.sessions,
            api_tokens: r.api_tokens,
            sign_in_links: r.sign_in_links,
            consents: r.consents,
            wall_emails: r.wall_emails,
            account_id: r.account.map(|u| u.0),
        }
    }
}

/// Erases a member's personal data; the record stays, pseudonymised (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/members/{id}/erasure",
    operation_id = "eraseMember", tag = "members",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Member id")),
    request_body(content = ErasureInput, example = json!({"confirm": "erase member 42", "reason": "the member asked to be forgotten"})),
    responses((status = 200, body = ErasureView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn erase(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, MemberId)>,
    ApiJson(body): ApiJson<ErasureInput>,
) -> AppResult<Json<ErasureView>> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let report = subject_access::erase(
        &state,
        &branch,
        id,
        user.user.id,
        &body.confirm,
        &body.reason,
        request_id,
    )
    .await?;
    Ok(Json(report.into()))
}
