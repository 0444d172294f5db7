//! One error type for pages and the API.
//!
//! A handler returns [`AppError`]; its response carries an [`ErrorInfo`] and no body. The
//! page router's layer renders it as an HTML page, the API router's as
//! `{"error":{"code":…,"message":…}}`. Responses that left axum or tower without an
//! `ErrorInfo` (a body too large, a timeout, a bad JSON body) are dressed the same way, so a
//! client always gets one shape. Internal details are logged with the request id, never sent.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use picket_store::StoreError;

/// What went wrong, in words a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such page or record, or one the caller may not know exists.
    #[error("there is nothing here. Check the address")]
    NotFound,
    /// The request body is larger than the limit.
    #[error("what you sent is too large. Send something smaller")]
    TooLarge,
    /// Sign-in needed.
    #[error("sign in to continue")]
    Unauthorized,
    /// Signed in, but the role does not allow it.
    #[error("your role in this branch does not allow that")]
    Forbidden,
    /// A form without a valid CSRF token, or from another site.
    #[error("{0}")]
    Csrf(&'static str),
    /// Input that does not make sense; the message names the field.
    #[error("{message}")]
    Invalid {
        /// The field at fault.
        field: &'static str,
        /// What to fix.
        message: String,
    },
    /// The same thing already exists.
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts; the message says how long to wait.
    #[error("{0}")]
    TooManyRequests(String),
    /// A fault of Picket's, described for the log.
    #[error("internal error")]
    Internal(String),
    /// A fault of Picket's or the database's, with the error that caused it; the log shows
    /// the whole chain of causes.
    #[error("internal error: {what}")]
    Failed {
        /// What was being done.
        what: &'static str,
        /// Why it failed.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// The machine-readable description attached to an error response.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// A stable code, e.g. `not_found`, `validation`.
    pub code: &'static str,
    /// A sentence for people.
    pub message: String,
    /// The field at fault, if one is.
    pub field: Option<&'static str>,
}

impl AppError {
    /// A validation error naming its field.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field,
            message: message.into(),
        }
    }

    /// A fault while doing `what`, keeping `source` and its causes for the log.
    pub fn failed(
        what: &'static str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        AppError::Failed {
            what,
            source: source.into(),
        }
    }

    /// Status and stable code.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            AppError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            AppError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            AppError::Csrf(_) => (StatusCode::FORBIDDEN, "csrf"),
            AppError::Invalid { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "validation"),
            AppError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            AppError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            AppError::TooManyRequests(_) => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            AppError::Internal(_) | AppError::Failed { .. } => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(field) => {
                AppError::Conflict(format!("that {field} is already taken"))
            }
            // A rule the store enforces, in plain words and free of personal data.
            StoreError::Refused(message) => AppError::Conflict(message),
            other => AppError::failed("the database", other),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = match &self {
            AppError::Internal(_) | AppError::Failed { .. } => {
                tracing::error!(error = %causes(&self), "internal error");
                "Something went wrong on our side. Try again; if it keeps happening, tell your branch's Picket admin.".to_string()
            }
            other => capitalise(&other.to_string()),
        };
        let field = match &self {
            AppError::Invalid { field, .. } => Some(*field),
            _ => None,
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(ErrorInfo {
            code,
            message,
            field,
        });
        response
    }
}

/// An error and each of its causes in turn, `: `-separated, for the log.
pub fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = match error.downcast_ref::<AppError>() {
        Some(AppError::Internal(detail)) => detail.clone(),
        _ => error.to_string(),
    };
    let mut cause = error.source();
    while let Some(e) = cause {
        let line = e.to_string();
        // A wrapper that repeats its cause's words in its own adds nothing.
        if !text.ends_with(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        cause = e.source();
    }
    text
}

/// The default words for an error status that carries no [`ErrorInfo`].
pub fn default_info(status: StatusCode) -> ErrorInfo {
    let (code, message) = match status.as_u16() {
        400 => (
            "bad_request",
            "The request could not be read. Check what was sent and try again.",
        ),
        401 => ("unauthorized", "Sign in to continue."),
        403 => ("forbidden", "That is not allowed."),
        404 => ("not_found", "There is nothing here. Check the address."),
        405 => (
            "method_not_allowed",
            "That address does not accept this kind of request.",
        ),
        408 => ("timeout", "That took too long and was stopped. Try again."),
        413 => (
            "payload_too_large",
            "What you sent is too large. Send something smaller.",
        ),
        415 => (
            "unsupported_media_type",
            "Send the body as JSON with Content-Type: application/json.",
        ),
        422 => ("validation", "Some of what you sent is not valid."),
        429 => (
            "rate_limited",
            "Too many requests. Wait a little and try again.",
        ),
        _ if status.is_server_error() => {
            ("internal", "Something went wrong on our side. Try again.")
        }
        _ => ("error", "The request failed."),
    };
    ErrorInfo {
        code,
        message: message.to_string(),
        field: None,
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Shorthand for handler results.
pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("disk unplugged")]
    struct Disk;

    #[derive(Debug, thiserror::Error)]
    #[error("could not write the row")]
    struct Write(#[source] Disk);

    #[test]
    fn the_log_line_keeps_every_cause() {
        let e = AppError::failed("saving a dispute", Write(Disk));
        assert_eq!(
            causes(&e),
            "internal error: saving a dispute: could not write the row: disk unplugged"
        );
        assert_eq!(
            causes(&AppError::Internal("CSRF layer missing".into())),
            "CSRF layer missing"
        );
        let store = AppError::from(StoreError::Migrate("checksum mismatch".into()));
        assert_eq!(
            causes(&store),
            "internal error: the database: migration failed: checksum mismatch"
        );
    }
}
