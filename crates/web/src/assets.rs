//! The stylesheet and script, embedded in the binary: no CDN, nothing fetched at run time.

use axum::extract::Path;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
    etag: String,
}

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    [
        (
            "picket.css",
            "text/css; charset=utf-8",
            include_bytes!("../assets/picket.css").as_slice(),
        ),
        (
            "picket.js",
            "text/javascript; charset=utf-8",
            include_bytes!("../assets/picket.js").as_slice(),
        ),
    ]
    .into_iter()
    .map(|(name, content_type, body)| Asset {
        name,
        content_type,
        body,
        etag: format!("\"{}\"", &hex::encode(Sha256::digest(body))[..16]),
    })
    .collect()
});

/// GET /assets/{name}: with an ETag, and 304 when the browser already has it.
pub async fn serve(Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let cache = [
        (header::ETAG, asset.etag.clone()),
        (header::CACHE_CONTROL, "public, max-age=3600".to_string()),
    ];
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == asset.etag.as_bytes())
    {
        return (
            StatusCode::NOT_MODIFIED,
            cache,
            Extension(crate::cache::SharedDocument),
        )
            .into_response();
    }
    (
        [(header::CONTENT_TYPE, asset.content_type.to_string())],
        cache,
        Extension(crate::cache::SharedDocument),
        asset.body,
    )
        .into_response()
}
