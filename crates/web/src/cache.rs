//! Conditional GET for public documents (the campaign page, feeds, calendars, posters): a
//! strong ETag over the body, `304 Not Modified` when the client already has it, and a short
//! shared cache lifetime so a sudden crowd is mostly served by caches in front of Picket.
//!
//! Such a response carries [`SharedDocument`]: its bytes are the same whoever asks, so
//! [`crate::security::protect`] leaves its cache policy alone even for a signed-in request.
//! Every other response to a signed-in request, and every response that sets no policy of its
//! own, is sent with `Cache-Control: no-store`.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use bytes::Bytes;
use flate2::write::GzEncoder;
use flate2::Compression;
use sha2::{Digest, Sha256};
use std::io::Write;

/// Marks a response whose bytes are the same for everyone who asks (a public document, an
/// asset, the page anonymous visitors share): its own `Cache-Control` stands.
#[derive(Debug, Clone, Copy)]
pub struct SharedDocument;

/// A strong validator for `body`.
pub fn etag_of(body: &[u8]) -> String {
    format!("\"{}\"", &hex::encode(Sha256::digest(body))[..24])
}

/// Whether the request's `If-None-Match` names `etag` (or `*`).
pub fn client_has(request: &HeaderMap, etag: &str) -> bool {
    request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == etag || t == "*")
        })
}

/// `body` as `content_type` with its ETag, or `304` when the client has it already.
/// `cache_control` says who may keep it and for how long (e.g. `public, max-age=60`); a
/// `private` one marks the body as one person's, which is then never stored (`no-store`),
/// any other as a [`SharedDocument`].
pub fn respond(
    request: &HeaderMap,
    content_type: &'static str,
    cache_control: &'static str,
    body: impl Into<bytes::Bytes>,
) -> Response {
    let mut response = respond_with(request, content_type, cache_control, body);
    if !cache_control.starts_with("private") {
        response.extensions_mut().insert(SharedDocument);
    }
    response
}

fn respond_with(
    request: &HeaderMap,
    content_type: &'static str,
    cache_control: &'static str,
    body: impl Into<bytes::Bytes>,
) -> Response {
    let body: bytes::Bytes = body.into();
    let etag = etag_of(&body);
    let tag = HeaderValue::from_str(&etag).unwrap_or_else(|_| HeaderValue::from_static("\"\""));
    let cache = HeaderValue::from_static(cache_control);
    let common = [
        (header::ETAG, tag),
        (header::CACHE_CONTROL, cache),
        (header::VARY, HeaderValue::from_static("Accept-Encoding")),
    ];
    if client_has(request, &etag) {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (
        common,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

/// A page rendered once for every anonymous visitor and kept with its gzip form
/// ([`crate::cache::CachedPage`]), a [`SharedDocument`]: `304` when the client has it,
/// the gzip bytes when the client takes gzip, else the page.
pub fn respond_page(
    request: &HeaderMap,
    page: &crate::cache::CachedPage,
    cache_control: &'static str,
) -> Response {
    let common = [
        (header::ETAG, page.etag_header.clone()),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        ),
        (header::VARY, HeaderValue::from_static("Accept-Encoding")),
    ];
    if client_has(request, &page.etag) {
        return (StatusCode::NOT_MODIFIED, common, Extension(SharedDocument)).into_response();
    }
    let html = HeaderValue::from_static("text/html; charset=utf-8");
    let gzip = request
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    if gzip {
        (
            common,
            [
                (header::CONTENT_TYPE, html),
                (header::CONTENT_ENCODING, HeaderValue::from_static("gzip")),
            ],
            Extension(SharedDocument),
            page.gzip.clone(),
        )
            .into_response()
    } else {
        (
            common,
            [(header::CONTENT_TYPE, html)],
            Extension(SharedDocument),
            page.html.clone(),
        )
            .into_response()
    }
}

/// A rendered page, ready to send.
#[derive(Debug)]
pub struct CachedPage {
    /// Strong validator over the HTML.
    pub etag: String,
    /// The same, ready to send as a header.
    pub etag_header: HeaderValue,
    /// The page.
    pub html: Bytes,
    /// The page, gzip-compressed.
    pub gzip: Bytes,
    /// The second the page (and its form stamp) was made in.
    pub second: i64,
}

impl CachedPage {
    /// Prepares a rendered page: its ETag and its gzip form.
    pub fn new(html: String, second: i64) -> CachedPage {
        let etag = etag_of(html.as_bytes());
        let mut encoder = GzEncoder::new(Vec::with_capacity(html.len() / 4), Compression::best());
        // Writing to a Vec cannot fail.
        let _ = encoder.write_all(html.as_bytes());
        let gzip = encoder.finish().unwrap_or_default();
        // A hex digest in quotes is always a valid header value.
        let etag_header =
            HeaderValue::from_str(&etag).unwrap_or_else(|_| HeaderValue::from_static("\"\""));
        CachedPage {
            etag,
            etag_header,
            html: Bytes::from(html),
            gzip: Bytes::from(gzip),
            second,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_matching_validator_gets_304() {
        let body = b"<feed/>".to_vec();
        let etag = etag_of(&body);
        let mut headers = HeaderMap::new();
        assert_eq!(
            respond(&headers, "text/plain", "public, max-age=60", body.clone()).status(),
            200
        );
        headers.insert(
            header::IF_NONE_MATCH,
            format!("\"x\", {etag}").parse().unwrap(),
        );
        assert_eq!(
            respond(&headers, "text/plain", "public, max-age=60", body.clone()).status(),
            304
        );
        headers.insert(header::IF_NONE_MATCH, "\"other\"".parse().unwrap());
        assert_eq!(
            respond(&headers, "text/plain", "public, max-age=60", body).status(),
            200
        );
    }
}
