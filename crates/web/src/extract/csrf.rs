//! CSRF protection for forms: a double-submit token.
//!
//! Every visitor gets a random token in an HttpOnly, SameSite=Lax cookie; every form carries
//! the same token in a hidden `csrf_token` field; [`CsrfForm`] refuses a form whose field is
//! missing or differs (403). Another site can neither read the cookie nor set the field, and
//! the Origin check in [`crate::security::protect`] refuses cross-site posts before this.

use crate::account::tokens::{random_token, same_secret};
use crate::error::AppError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use axum::response::Response;
use axum_extra::extract::CookieJar;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::sync::{Arc, OnceLock};

/// The cookie that holds the visitor's CSRF token.
pub const CSRF_COOKIE: &str = "picket_csrf";

/// The visitor's CSRF token, for the hidden field of every form.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// The visitor's token for this request: the cookie's, or one made on first use (and then
/// set as the cookie). Responses without a form make none, so they carry no `Set-Cookie`.
#[derive(Debug, Clone)]
struct LazyToken {
    existing: Option<String>,
    fresh: Arc<OnceLock<String>>,
}

impl LazyToken {
    fn get(&self) -> String {
        match &self.existing {
            Some(token) => token.clone(),
            None => self.fresh.get_or_init(random_token).clone(),
        }
    }
}

/// A token made during a request, if the handler needed one for a visitor without the cookie.
#[derive(Debug)]
pub struct FreshToken(Arc<OnceLock<String>>);

/// Gives the request the visitor's CSRF token (from the cookie, or one made on first use).
/// Hand the result to [`set_cookie_if_made`] with the response.
pub fn attach_token(request: &mut Request) -> FreshToken {
    let jar = CookieJar::from_headers(request.headers());
    let existing = jar
        .get(CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() >= 32);
    let fresh = Arc::new(OnceLock::new());
    request.extensions_mut().insert(LazyToken {
        existing,
        fresh: fresh.clone(),
    });
    FreshToken(fresh)
}

/// Sets the CSRF cookie when the request made the visitor a new token.
pub fn set_cookie_if_made(response: &mut Response, fresh: &FreshToken, secure: bool) {
    if let Some(token) = fresh.0.get() {
        let cookie = format!(
            "{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{}",
            if secure { "; Secure" } else { "" }
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        LazyCsrfToken::from_request_parts(parts, state)
            .await
            .map(|lazy| lazy.token())
    }
}

/// The visitor's CSRF token, made only if the handler asks for it: a page that may be served
/// from a cache without any form takes this, so that it neither makes a token nor sets the
/// cookie when it does not use one.
#[derive(Debug, Clone)]
pub struct LazyCsrfToken(LazyToken);

impl LazyCsrfToken {
    /// The token (made now, and set as the cookie, when the visitor had none).
    pub fn token(&self) -> CsrfToken {
        CsrfToken(self.0.get())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for LazyCsrfToken {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<LazyToken>()
            .cloned()
            .map(LazyCsrfToken)
            .ok_or_else(|| AppError::Internal("CSRF layer missing".into()))
    }
}

#[derive(Deserialize)]
struct TokenField {
    csrf_token: Option<String>,
}

/// A URL-encoded form whose `csrf_token` field matched the visitor's cookie.
#[derive(Debug)]
pub struct CsrfForm<T>(pub T);

impl<S, T> FromRequest<S> for CsrfForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        // A visitor without the cookie cannot have a matching form.
        let expected = request
            .extensions()
            .get::<LazyToken>()
            .and_then(|t| t.existing.clone());
        let bytes = Bytes::from_request(request, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::TooLarge
            } else {
                AppError::invalid("form", format!("the form could not be read: {e}"))
            }
        })?;
        // The body is read as a form whatever its declared type (a multipart one passes the
        // edge's check), so the NUL check is made here too.
        if super::nul::url_has_nul(&bytes) {
            return Err(AppError::invalid("body", super::nul::NUL_IN_BODY));
        }
        let sent = serde_urlencoded::from_bytes::<TokenField>(&bytes)
            .ok()
            .and_then(|f| f.csrf_token);
        let valid = match (expected, sent) {
            (Some(expected), Some(sent)) => same_secret(&expected, &sent),
            _ => false,
        };
        if !valid {
            return Err(AppError::Csrf(
                "This form has expired or is missing its security token. Go back, reload the page and try again.",
            ));
        }
        serde_urlencoded::from_bytes::<T>(&bytes)
            .map(CsrfForm)
            .map_err(|e| AppError::invalid("form", format!("the form could not be read: {e}")))
    }
}

/// The CSRF token the visitor's cookie carried, for forms that are not URL-encoded (file
/// uploads): the handler reads the `csrf_token` field itself and calls [`CsrfCookie::verify`].
#[derive(Debug, Clone)]
pub struct CsrfCookie(Option<String>);

impl CsrfCookie {
    /// Refuses (403) a missing token or one that differs from the cookie's.
    pub fn verify(&self, sent: Option<&str>) -> Result<(), AppError> {
        match (&self.0, sent) {
            (Some(expected), Some(sent)) if same_secret(expected, sent) => Ok(()),
            _ => Err(AppError::Csrf(
                "This form has expired or is missing its security token. Go back, reload the page and try again.",
            )),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CsrfCookie {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(CsrfCookie(
            parts
                .extensions
                .get::<LazyToken>()
                .and_then(|t| t.existing.clone()),
        ))
    }
}
