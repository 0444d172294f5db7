//! Branches and their users.

use crate::api::ErrorBody;
use crate::error::AppResult;
use crate::extract::{ApiUser, RequestId};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use picket_domain::Role;
use picket_store::{Branch, NewAuditEntry, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A branch.
#[derive(Debug, Serialize, ToSchema)]
pub struct BranchView {
    /// URL name.
    pub slug: String,
    /// Name.
    pub name: String,
    /// `england-and-wales`, `scotland` or `northern-ireland`.
    pub division: String,
}

impl From<&Branch> for BranchView {
    fn from(b: &Branch) -> Self {
        Self {
            slug: b.slug.clone(),
            name: b.name.clone(),
            division: b.division.to_string(),
        }
    }
}

/// The branches the caller belongs to (every branch, for an instance admin).
#[utoipa::path(get, path = "/api/v1/branches", operation_id = "listBranches", tag = "branches",
    responses((status = 200, body = [BranchView]), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<BranchView>>> {
    let branches = if user.is_admin() {
        state.store.list_branches().await?
    } else {
        user.memberships.iter().map(|m| m.branch.clone()).collect()
    };
    Ok(Json(branches.iter().map(BranchView::from).collect()))
}

/// Paging parameters.
#[derive(Debug, Deserialize, IntoParams)]
pub struct Paging {
    /// Page number from 1 (default 1; 0 reads as 1).
    #[param(value_type = Option<u64>, maximum = 4294967295.0)]
    pub page: Option<u32>,
    /// Rows per page, 1–200 (default 50; a number outside reads as the nearest of them).
    #[param(value_type = Option<u64>, maximum = 4294967295.0)]
    pub per_page: Option<u32>,
}

/// A user in a branch.
#[derive(Debug, Serialize, ToSchema)]
pub struct BranchUserView {
    /// User id.
    pub id: i64,
    /// Sign-in address.
    pub email: String,
    /// Name.
    pub display_name: String,
    /// Role in this branch.
    pub role: String,
}

/// One page of a branch's users.
#[derive(Debug, Serialize, ToSchema)]
pub struct BranchUsersPage {
    /// The users.
    pub items: Vec<BranchUserView>,
    /// This page.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
    /// Users in the branch.
    pub total: u64,
}

/// A branch's users (organisers and admins only).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/users", operation_id = "listBranchUsers", tag = "branches",
    params(("branch" = String, Path, description = "Branch slug"), Paging),
    responses((status = 200, body = BranchUsersPage), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn users(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    Query(paging): Query<Paging>,
) -> AppResult<Json<BranchUsersPage>> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let request = PageRequest::new(paging.page.unwrap_or(1), paging.per_page.unwrap_or(50));
    let page = state.store.branch_users(branch.id, request).await?;
    state
        .store
        .audit(NewAuditEntry {
            actor: Some(user.user.id),
            branch: Some(branch.id),
            action: "users.view".into(),
            subject: Some(format!("branch:{}", branch.id)),
            detail: Some(format!("api page {}", request.page)),
            request_id,
        })
        .await?;
    Ok(Json(BranchUsersPage {
        items: page
            .items
            .iter()
            .map(|bu| BranchUserView {
                id: bu.user.id.0,
                email: bu.user.email.clone(),
                display_name: bu.user.display_name.clone(),
                role: bu.role.to_string(),
            })
            .collect(),
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    }))
}
