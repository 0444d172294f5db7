//! The caller's own account.

use crate::api::ErrorBody;
use crate::error::AppResult;
use crate::extract::ApiUser;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

/// The caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// User id.
    pub id: i64,
    /// Sign-in address.
    pub email: String,
    /// Name shown to colleagues.
    pub display_name: String,
    /// Branches and roles.
    pub memberships: Vec<MembershipView>,
}

/// A role in a branch.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipView {
    /// The branch's slug.
    pub branch: String,
    /// The branch's name.
    pub branch_name: String,
    /// `admin`, `organiser`, `treasurer`, `rep` or `member`.
    pub role: String,
}

/// Who am I?
#[utoipa::path(get, path = "/api/v1/me", operation_id = "getMe", tag = "account",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn me(ApiUser(user): ApiUser) -> AppResult<Json<Me>> {
    Ok(Json(Me {
        id: user.user.id.0,
        email: user.user.email.clone(),
        display_name: user.user.display_name.clone(),
        memberships: user
            .memberships
            .iter()
            .map(|m| MembershipView {
                branch: m.branch.slug.clone(),
                branch_name: m.branch.name.clone(),
                role: m.role.to_string(),
            })
            .collect(),
    }))
}
