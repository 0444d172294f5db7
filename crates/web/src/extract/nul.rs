//! The safety net under the one text rule ([`picket_domain::text`]): no request carrying a
//! NUL character reaches a handler, so none can reach the database from a field whose own
//! check was forgotten. PostgreSQL cannot store a NUL (it answers with an error, which would
//! be a 500) and SQLite would store it, so without this the engines would disagree.
//!
//! - a `%00` in the path: 404, since no page or record has such a name;
//! - a `%00` in the query string: 422 naming `query`;
//! - a body (of any request but GET and HEAD) holding a NUL: 422 naming `body`. A JSON body
//!   is checked for the escape `\u0000`, a form for `%00`, any other body (except
//!   `multipart/form-data`, whose fields the import checks itself) for both and a raw zero
//!   byte. [`crate::extract::CsrfForm`] reads any body as a form whatever its type, so it
//!   checks its bytes itself too.
//!
//! The cost on the hot read path (the cached wall page, a GET) is one scan of the URI.

use crate::error::{AppError, ErrorInfo};
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// What the body is, for finding a NUL in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    Json,
    Form,
    Multipart,
    Other,
}

fn body_kind(request: &Request) -> BodyKind {
    let mime = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if mime == "application/json" || mime.ends_with("+json") {
        BodyKind::Json
    } else if mime == "application/x-www-form-urlencoded" {
        BodyKind::Form
    } else if mime == "multipart/form-data" {
        BodyKind::Multipart
    } else {
        BodyKind::Other
    }
}

/// Whether a URL-encoded text holds an encoded (or a raw) NUL.
pub fn url_has_nul(text: &[u8]) -> bool {
    text.contains(&0) || text.windows(3).any(|w| w == b"%00")
}

/// Whether JSON text holds the escape `\u0000` (a NUL inside a string): the `\` must itself
/// be unescaped, so `"\\u0000"` (a backslash, then the letters) does not count.
pub fn json_has_nul(text: &[u8]) -> bool {
    let mut from = 0;
    while let Some(at) = find(&text[from..], b"u0000").map(|i| i + from) {
        let backslashes = text[..at].iter().rev().take_while(|b| **b == b'\\').count();
        if backslashes % 2 == 1 {
            return true;
        }
        from = at + 1;
    }
    false
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn bad_request(message: &str) -> Response {
    let mut response = StatusCode::BAD_REQUEST.into_response();
    response.extensions_mut().insert(ErrorInfo {
        code: "bad_request",
        message: message.to_string(),
        field: None,
    });
    response
}

/// What a request with a NUL in its body is told.
pub(crate) const NUL_IN_BODY: &str = "What you sent contains a NUL character (an invisible zero, written \\u0000 or %00), which Picket does not accept in any field. Remove it and send again.";

/// Middleware: refuses a request whose path, query string or body holds a NUL.
pub async fn refuse_nul(mut request: Request, next: Next) -> Response {
    if url_has_nul(request.uri().path().as_bytes()) {
        return AppError::NotFound.into_response();
    }
    if request
        .uri()
        .query()
        .is_some_and(|q| url_has_nul(q.as_bytes()))
    {
        // 422 naming the query, like any other refused query parameter (and as the API
        // document says such parameters are answered).
        return AppError::invalid(
            "query",
            "The address contains a NUL character (%00), which Picket does not accept. Remove it and try again.",
        )
        .into_response();
    }
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let kind = body_kind(&request);
    if kind == BodyKind::Multipart {
        return next.run(request).await;
    }
    // Read the body within the route's limit (the extensions carry it), check it, put it back.
    let body = std::mem::replace(request.body_mut(), Body::empty());
    let mut probe = Request::new(body);
    *probe.extensions_mut() = request.extensions().clone();
    let bytes = match Bytes::from_request(probe, &()).await {
        Ok(bytes) => bytes,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return AppError::TooLarge.into_response()
        }
        Err(_) => {
            return bad_request("The request's body could not be read. Send it again.");
        }
    };
    let has_nul = match kind {
        BodyKind::Json => json_has_nul(&bytes),
        BodyKind::Form => url_has_nul(&bytes),
        BodyKind::Other | BodyKind::Multipart => url_has_nul(&bytes) || json_has_nul(&bytes),
    };
    if has_nul {
        return AppError::invalid("body", NUL_IN_BODY).into_response();
    }
    *request.body_mut() = Body::from(bytes);
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_text_with_an_encoded_or_raw_nul_is_caught() {
        assert!(url_has_nul(b"name=w%00"));
        assert!(url_has_nul(b"/al%00pha/wall"));
        assert!(url_has_nul(b"a\0b"));
        assert!(!url_has_nul(b"q=100%25&x=%0A"));
        assert!(!url_has_nul(b"q=%2500"), "a literal percent sign then 00");
    }

    #[test]
    fn json_nul_escapes_are_caught_but_an_escaped_backslash_is_not() {
        assert!(json_has_nul(br#"{"name":"w\u0000"}"#));
        assert!(json_has_nul(br#"{"name":"\\\u0000"}"#));
        assert!(!json_has_nul(br#"{"name":"\\u0000"}"#));
        assert!(!json_has_nul(br#"{"name":"u0000 and 100%00"}"#));
        assert!(!json_has_nul(br#"{"name":"\u0041"}"#));
    }
}
