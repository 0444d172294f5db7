//! Request extractors: who is asking (session or bearer token), CSRF-checked forms, the
//! request id.

pub mod auth;
pub mod csrf;

pub use auth::{ApiUser, CurrentUser};
pub use csrf::{CsrfCookie, CsrfForm, CsrfToken};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::convert::Infallible;

/// The request's id (set by the request-id layer), for logs and audit entries.
#[derive(Debug, Clone)]
pub struct RequestId(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestId(
            parts
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
        ))
    }
}
