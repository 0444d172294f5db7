//! Who is asking: a signed-in person (session cookie) or an API client (bearer token), and
//! what they may do in each branch.

use crate::account::tokens::hash_token;
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use chrono::Utc;
use picket_domain::Role;
use picket_store::prelude::*;
use picket_store::{Branch, Membership, StoreError, User};

/// The cookie that holds the session token.
pub const SESSION_COOKIE: &str = "picket_session";

/// A signed-in user and their roles.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// The account.
    pub user: User,
    /// Their branches and roles.
    pub memberships: Vec<Membership>,
    /// The hash of the session token (empty for API tokens).
    pub session_hash: String,
}

impl CurrentUser {
    /// Whether the user administers the instance (holds the admin role in any branch).
    pub fn is_admin(&self) -> bool {
        self.memberships.iter().any(|m| m.role == Role::Admin)
    }

    /// The user's role in a branch, if any.
    pub fn role_in(&self, branch_slug: &str) -> Option<Role> {
        self.memberships
            .iter()
            .find(|m| m.branch.slug == branch_slug)
            .map(|m| m.role)
    }

    /// The branch, if the user holds at least `min` there (or administers the instance).
    /// A branch the user does not belong to is "not found", so its existence does not leak.
    pub async fn branch_access(
        &self,
        store: &dyn Store,
        slug: &str,
        min: Role,
    ) -> Result<Branch, AppError> {
        match self.role_in(slug) {
            Some(role) if role.at_least(min) => Ok(self
                .memberships
                .iter()
                .find(|m| m.branch.slug == slug)
                .map(|m| m.branch.clone())
                .ok_or(AppError::NotFound)?),
            Some(_) if !self.is_admin() => Err(AppError::Forbidden),
            _ if self.is_admin() => Ok(store.branch_by_slug(slug).await?),
            _ => Err(AppError::NotFound),
        }
    }

    async fn load(state: &AppState, user: User, session_hash: String) -> Result<Self, AppError> {
        let memberships = state.store.memberships_of(user.id).await?;
        Ok(Self {
            user,
            memberships,
            session_hash,
        })
    }
}

async fn from_session(parts: &Parts, state: &AppState) -> Result<Option<CurrentUser>, AppError> {
    let jar = CookieJar::from_headers(&parts.headers);
    let Some(cookie) = jar.get(SESSION_COOKIE) else {
        return Ok(None);
    };
    let hash = hash_token(cookie.value());
    match state.store.session_user(&hash, Utc::now()).await {
        Ok(user) => Ok(Some(CurrentUser::load(state, user, hash).await?)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        from_session(parts, state)
            .await?
            .ok_or(AppError::Unauthorized)
    }
}

impl OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        from_session(parts, state).await
    }
}

/// An API client authenticated by `Authorization: Bearer <token>`.
#[derive(Debug, Clone)]
pub struct ApiUser(pub CurrentUser);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = AppError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(AppError::Unauthorized)?;
        let hash = hash_token(token);
        match state.store.api_token_user(&hash, Utc::now()).await {
            Ok(user) => Ok(ApiUser(
                CurrentUser::load(state, user, String::new()).await?,
            )),
            Err(StoreError::NotFound) => Err(AppError::Unauthorized),
            Err(e) => Err(e.into()),
        }
    }
}
