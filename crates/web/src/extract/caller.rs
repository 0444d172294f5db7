//! The preamble every branch-scoped API handler shares, as extractors: the bearer token's
//! user, checked for a role in the branch named by the path's `{branch}`, with the request id
//! for the audit log. A branch the caller does not belong to is 404; a lesser role is 403.

use crate::error::AppError;
use crate::extract::actor::Actor;
use crate::extract::{ApiUser, CurrentUser, RequestId};
use crate::state::AppState;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use picket_domain::Role;
use picket_store::Branch;

/// A caller allowed into the branch named in the path.
pub struct Caller {
    /// Who.
    pub user: CurrentUser,
    /// The branch.
    pub branch: Branch,
    /// The request, for the audit log.
    pub request_id: Option<String>,
}

impl Caller {
    /// Who is writing, for shared operations.
    pub fn actor(&self) -> Actor<'_> {
        Actor {
            user: &self.user,
            branch: &self.branch,
            request_id: self.request_id.clone(),
        }
    }

    async fn extract(parts: &mut Parts, state: &AppState, role: Role) -> Result<Self, AppError> {
        let ApiUser(user) = ApiUser::from_request_parts(parts, state).await?;
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let slug = params
            .iter()
            .find(|(k, _)| *k == "branch")
            .map(|(_, v)| v.to_string())
            .ok_or(AppError::NotFound)?;
        let branch = user.branch_access(&*state.store, &slug, role).await?;
        let RequestId(request_id) = match RequestId::from_request_parts(parts, state).await {
            Ok(r) => r,
            Err(never) => match never {},
        };
        Ok(Caller {
            user,
            branch,
            request_id,
        })
    }
}

/// A member of the branch (or better): reads.
pub struct Member(pub Caller);

/// A rep of the branch (or better): participation records.
pub struct Rep(pub Caller);

/// An organiser of the branch (or an instance admin): writes.
pub struct Organiser(pub Caller);

impl FromRequestParts<AppState> for Member {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        Caller::extract(parts, state, Role::Member)
            .await
            .map(Member)
    }
}

impl FromRequestParts<AppState> for Rep {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        Caller::extract(parts, state, Role::Rep).await.map(Rep)
    }
}

impl FromRequestParts<AppState> for Organiser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        Caller::extract(parts, state, Role::Organiser)
            .await
            .map(Organiser)
    }
}
