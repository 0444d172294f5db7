//! The solidarity wall over JSON: public listing and posting, and moderation for organisers.

use crate::api::ErrorBody;
use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{ApiUser, RequestId};
use crate::security::ClientIp;
use crate::state::AppState;
use crate::wall::{moderate as apply_moderation, parse_action, submit, Submitted};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use picket_domain::wall::{SenderKind, WallSubmission};
use picket_domain::{Role, WallMessageId};
use picket_store::wall::{WallFilter, WallMessage, WallStatus};
use picket_store::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A message as the public sees it: never an email address.
#[derive(Debug, Serialize, ToSchema)]
pub struct WallMessageView {
    /// Id (the permalink is `/{branch}/wall/{id}`).
    #[schema(value_type = i64)]
    pub id: WallMessageId,
    /// Poster's name.
    pub name: String,
    /// Their organisation.
    pub organisation: Option<String>,
    /// `union-body`, `politician`, `resident`, `service-user`, `worker` or `other`.
    pub kind: String,
    /// The message, plain text.
    pub message: String,
    /// Pinned to the top.
    pub featured: bool,
    /// When it was posted (RFC 3339).
    pub created_at: String,
    /// `pending`, `approved`, `rejected` or `spam` (always `approved` on the public list).
    pub status: String,
}

impl From<&WallMessage> for WallMessageView {
    fn from(m: &WallMessage) -> Self {
        Self {
            id: m.id,
            name: m.name.clone(),
            organisation: m.organisation.clone(),
            kind: m.kind.as_str().into(),
            message: m.message.clone(),
            featured: m.featured,
            created_at: m.created_at.to_rfc3339(),
            status: m.status.as_str().into(),
        }
    }
}

/// One page of the wall.
#[derive(Debug, Serialize, ToSchema)]
pub struct WallPageView {
    /// Messages, featured first then newest first.
    pub items: Vec<WallMessageView>,
    /// This page.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
    /// Approved messages matching the filter.
    pub total: u64,
}

/// Filters and paging.
#[derive(Debug, Deserialize, IntoParams)]
pub struct WallQuery {
    /// Only this kind of sender.
    pub kind: Option<String>,
    /// Page from 1 (0 reads as 1).
    #[param(value_type = Option<u64>, maximum = 4294967295.0)]
    pub page: Option<u32>,
    /// Rows per page, 1–200 (default 20; a number outside reads as the nearest of them).
    #[param(value_type = Option<u64>, maximum = 4294967295.0)]
    pub per_page: Option<u32>,
}

/// The approved messages on a branch's wall (public).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/wall", operation_id = "listWall", tag = "wall",
    params(("branch" = String, Path, description = "Branch slug"), WallQuery),
    responses((status = 200, body = WallPageView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<WallQuery>,
) -> AppResult<Json<WallPageView>> {
    let branch = state.store.branch_by_slug(&slug).await?;
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(
            k.parse::<SenderKind>()
                .map_err(|e| AppError::invalid("kind", e.to_string()))?,
        ),
        None => None,
    };
    let page = state
        .store
        .wall_messages(
            branch.id,
            WallFilter {
                status: Some(WallStatus::Approved),
                kind,
            },
            PageRequest::new(q.page.unwrap_or(1), q.per_page.unwrap_or(20)),
        )
        .await?;
    Ok(Json(WallPageView {
        items: page.items.iter().map(WallMessageView::from).collect(),
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    }))
}

/// A message of support, as posted.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewWallPost {
    /// Your name (1–100 characters).
    pub name: String,
    /// Your organisation.
    #[serde(default)]
    pub organisation: Option<String>,
    /// Who you are: `union-body`, `politician`, `resident`, `service-user`, `worker` or `other`.
    pub kind: String,
    /// The message, plain text, up to 3,000 characters.
    pub message: String,
    /// Your email: never shown; needed for an offer.
    #[serde(default)]
    pub email: Option<String>,
    /// An offer: `donation`, `speaker`, `banner` or `visit`.
    #[serde(default)]
    pub pledge: Option<String>,
    /// For a donation: the amount in pounds, e.g. `"25"` or `"12.50"`.
    #[serde(default)]
    pub pledge_amount: Option<String>,
    /// Consent to be contacted about the offer.
    #[serde(default)]
    pub consent: bool,
}

/// The answer to a post.
#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    /// The new message's id.
    #[schema(value_type = i64)]
    pub id: WallMessageId,
    /// Always `pending`: it shows once a moderator approves it.
    pub status: String,
}

/// Post a message of support (public; rate-limited per address).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/wall", operation_id = "postWall", tag = "wall",
    params(("branch" = String, Path, description = "Branch slug")),
    request_body = NewWallPost,
    responses((status = 202, body = Accepted), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(slug): Path<String>,
    Json(body): Json<NewWallPost>,
) -> AppResult<(StatusCode, Json<Accepted>)> {
    let branch = state.store.branch_by_slug(&slug).await?;
    let submission = WallSubmission {
        name: body.name,
        organisation: body.organisation,
        kind: body.kind,
        message: body.message,
        email: body.email,
        pledge: body.pledge,
        pledge_amount: body.pledge_amount,
        consent: body.consent,
    };
    let id = match submit(&state, &branch, &submission, None, None, &ip).await? {
        Submitted::Pending(id) | Submitted::Spam(Some(id)) => id,
        // A robot is told nothing different; no message has the id 0.
        Submitted::Spam(None) => WallMessageId(0),
    };
    Ok((
        StatusCode::ACCEPTED,
        Json(Accepted {
            id,
            status: "pending".into(),
        }),
    ))
}

/// A moderator's decision.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ModerationRequest {
    /// `approve`, `reject`, `spam`, `feature`, `unfeature` or `edit`.
    pub action: String,
    /// For `edit`: the corrected message (the original is kept).
    #[serde(default)]
    pub text: Option<String>,
}

/// Moderate a message (organisers of the branch).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/wall/{id}/moderation", operation_id = "moderateWall", tag = "wall",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Message id")),
    request_body = ModerationRequest,
    responses((status = 200, body = WallMessageView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn moderate(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, WallMessageId)>,
    Json(body): Json<ModerationRequest>,
) -> AppResult<Json<WallMessageView>> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let action = parse_action(&body.action, body.text.as_deref())?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    let message = apply_moderation(&state, &actor, id, &action).await?;
    Ok(Json(WallMessageView::from(&message)))
}
