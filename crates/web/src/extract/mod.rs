//! Request extractors: who is asking (session or bearer token), CSRF-checked forms, the
//! request id; and the NUL safety net every page and API request passes ([`nul`]).

pub mod actor;
pub mod caller;
pub mod json;

pub mod auth;
pub mod csrf;
pub mod nul;

pub use auth::{ApiUser, CurrentUser};
pub use csrf::{CsrfCookie, CsrfForm, CsrfToken, LazyCsrfToken};

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

/// Makes request ids: a random prefix chosen when the process starts, then a counter
/// (`3f9c2a1b7d4e8f60-42`). Unique across requests and restarts like a UUID, without asking
/// the operating system for randomness on every request.
#[derive(Debug, Clone)]
pub struct MakeRequestIds {
    prefix: std::sync::Arc<str>,
    next: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Default for MakeRequestIds {
    fn default() -> Self {
        MakeRequestIds {
            prefix: crate::account::tokens::random_token()[..16].into(),
            next: std::sync::Arc::default(),
        }
    }
}

impl tower_http::request_id::MakeRequestId for MakeRequestIds {
    fn make_request_id<B>(
        &mut self,
        _: &axum::http::Request<B>,
    ) -> Option<tower_http::request_id::RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = format!("{}-{n}", self.prefix);
        axum::http::HeaderValue::from_str(&id)
            .ok()
            .map(tower_http::request_id::RequestId::new)
    }
}

#[cfg(test)]
mod tests {
    use super::MakeRequestIds;
    use tower_http::request_id::MakeRequestId;

    #[test]
    fn request_ids_differ_between_requests_and_between_processes() {
        let request = axum::http::Request::new(());
        let mut ids = MakeRequestIds::default();
        let mut shared = ids.clone();
        let a = ids.make_request_id(&request).unwrap();
        let b = shared.make_request_id(&request).unwrap();
        assert_ne!(
            a.header_value(),
            b.header_value(),
            "clones share the counter"
        );
        let c = MakeRequestIds::default().make_request_id(&request).unwrap();
        assert_ne!(
            a.header_value(),
            c.header_value(),
            "another process, another prefix"
        );
        assert!(a.header_value().len() > 16);
    }
}
