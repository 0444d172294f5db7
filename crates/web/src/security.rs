//! Security headers, the Origin check on unsafe methods, and the client address.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

use crate::error::AppError;
use crate::state::AppState;

/// The Content-Security-Policy: nothing inline, nothing from elsewhere.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// The browser-facing protections, in one layer: refuses cross-site unsafe requests (their
/// `Origin` or `Referer` is another site's), gives the handler the visitor's CSRF token and
/// sets its cookie when a new one was made ([`crate::extract::csrf`]), adds the security
/// headers to every response, and keeps personal pages out of caches ([`cache_policy`]).
pub async fn protect(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let signed_in = carries_credentials(request.headers());
    let mut response = match refuse_cross_site(&state, &request) {
        Some(refused) => refused,
        None => {
            let fresh = crate::extract::csrf::attach_token(&mut request);
            let mut response = next.run(request).await;
            crate::extract::csrf::set_cookie_if_made(
                &mut response,
                &fresh,
                state.settings.is_https(),
            );
            response
        }
    };
    add_headers(&state, &mut response);
    cache_policy(&mut response, signed_in);
    response
}

/// Whether a request carries a session cookie or an `Authorization` header: what it is sent
/// may be one person's page or data.
fn carries_credentials(headers: &HeaderMap) -> bool {
    let session = format!("{}=", crate::extract::auth::SESSION_COOKIE);
    headers.contains_key(header::AUTHORIZATION)
        || headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .any(|c| c.trim_start().starts_with(&session))
}

/// Who may keep a response. A [`SharedDocument`](crate::cache::SharedDocument) (the
/// same bytes for everyone: assets, feeds, calendars, the page anonymous visitors share)
/// keeps the policy its handler set. Anything else is `no-store` when the request carried
/// credentials (a signed-in page, an API answer for a token, a CSV export) or when its
/// handler set no policy: private unless a handler says otherwise, so a page added later
/// that shows personal data is never kept by a browser or a proxy by mistake.
fn cache_policy(response: &mut Response, signed_in: bool) {
    let shared = response
        .extensions()
        .get::<crate::cache::SharedDocument>()
        .is_some();
    let h = response.headers_mut();
    if shared && h.contains_key(header::CACHE_CONTROL) {
        return;
    }
    if signed_in || !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// Adds the security headers to a response that does not set its own.
fn add_headers(state: &AppState, response: &mut Response) {
    let h = response.headers_mut();
    let defaults: [(header::HeaderName, &str); 6] = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (
            header::HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    // A page that chose to be framable (the wall's embed) must not also be forbidden to frame.
    let framable = h
        .get(header::CONTENT_SECURITY_POLICY)
        .is_some_and(|v| v.as_bytes().windows(17).any(|w| w == b"frame-ancestors *"));
    for (name, value) in defaults {
        if framable && name == header::X_FRAME_OPTIONS {
            continue;
        }
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    }
    if state.settings.is_https() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
}

/// The refusal of an unsafe request (POST, PUT, PATCH, DELETE) whose `Origin` (or, failing
/// that, `Referer`) is another site's. Bearer-token API calls carry no cookies and are exempt.
fn refuse_cross_site(state: &AppState, request: &Request) -> Option<Response> {
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .is_some_and(|v| v.as_bytes().starts_with(b"Bearer "));
    if unsafe_method
        && !bearer
        && !same_origin(request.headers(), &state.settings.server.public_url)
    {
        return Some(AppError::Csrf("This form came from another site, so it was refused. Open the page on Picket and try again.")
            .into_response());
    }
    None
}

fn origin_of(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    Some(u.origin().ascii_serialization())
}

/// Whether the request's Origin/Referer matches Picket's public URL or the Host it was sent
/// to. A request with neither header (a non-browser client) passes; the CSRF token still
/// guards forms.
fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    let claimed = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|v| *v != "null")
        .map(str::to_string)
        .or_else(|| {
            headers
                .get(header::REFERER)
                .and_then(|v| v.to_str().ok())
                .and_then(origin_of)
        });
    let Some(claimed) = claimed else {
        return headers.get(header::ORIGIN).is_none();
    };
    if origin_of(public_url).as_deref() == Some(claimed.as_str()) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    host.is_some_and(|host| {
        claimed == format!("http://{host}") || claimed == format!("https://{host}")
    })
}

/// The client's address: the socket peer, or with `trust_proxy_headers` the last address a
/// proxy appended to `X-Forwarded-For`.
pub fn client_ip(
    headers: &HeaderMap,
    peer: Option<&ConnectInfo<SocketAddr>>,
    trust_proxy: bool,
) -> String {
    if trust_proxy {
        if let Some(forwarded) = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()) {
            if let Some(last) = forwarded.rsplit(',').map(str::trim).find(|s| !s.is_empty()) {
                return last.to_string();
            }
        }
    }
    peer.map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn origin_must_match_public_url_or_host() {
        let public = "https://picket.example.org";
        assert!(same_origin(
            &headers(&[("origin", "https://picket.example.org")]),
            public
        ));
        assert!(same_origin(
            &headers(&[("origin", "http://127.0.0.1:9"), ("host", "127.0.0.1:9")]),
            public
        ));
        assert!(!same_origin(
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "picket.example.org")
            ]),
            public
        ));
        assert!(!same_origin(
            &headers(&[("referer", "https://evil.example/x")]),
            public
        ));
        assert!(same_origin(
            &headers(&[("referer", "https://picket.example.org/login")]),
            public
        ));
        assert!(same_origin(&headers(&[]), public));
    }

    #[test]
    fn forwarded_address_only_when_trusted() {
        let h = headers(&[("x-forwarded-for", "203.0.113.9, 198.51.100.7")]);
        assert_eq!(client_ip(&h, None, true), "198.51.100.7");
        assert_eq!(client_ip(&h, None, false), "unknown");
    }
}

/// The client's address as [`client_ip`] finds it.
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

impl axum::extract::FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>();
        Ok(ClientIp(client_ip(
            &parts.headers,
            peer,
            state.settings.server.trust_proxy_headers,
        )))
    }
}

/// A keyed hash: SHA-256 over the instance's secret and `value`. Used for client addresses
/// (rate limits), sign-in failure keys and wall form stamps, so stored values cannot be turned
/// back into addresses or emails without the secret, and every process agrees on them.
pub async fn keyed_hash(state: &AppState, value: &str) -> crate::error::AppResult<String> {
    let key = hash_key(state).await?;
    Ok(crate::account::tokens::hash_token(&format!(
        "{key}:{value}"
    )))
}

/// The instance's key for [`keyed_hash`], created on first use and read from the store once.
pub async fn hash_key(state: &AppState) -> crate::error::AppResult<String> {
    Ok(state
        .ip_key
        .get_or_try_init(|| async {
            state
                .store
                .instance_secret(
                    picket_store::member_data::NUMBER_KEY_SECRET,
                    &crate::account::tokens::random_token(),
                )
                .await
        })
        .await?
        .clone())
}

/// A per-process count of a public form's uses per client address in the current hour, kept
/// in memory: counting in the store would make every request a write of its own (a commit
/// and a disk sync each), which under a burst costs more than the form's own work. The
/// addresses are held only here, never stored or logged, and forgotten with the hour.
#[derive(Default)]
pub struct HourlyLimiter(std::sync::Mutex<std::collections::HashMap<String, (i64, u64)>>);

impl HourlyLimiter {
    /// Counts one use from `ip` at `now` (Unix seconds) against `per_hour`; `false`, and
    /// nothing counted, when the limit is reached.
    pub fn take(&self, ip: &str, per_hour: u64, now: i64) -> bool {
        let hour = now / 3600;
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (h, _)| *h == hour);
        }
        let entry = map.entry(ip.to_string()).or_insert((hour, 0));
        if entry.0 != hour {
            *entry = (hour, 0);
        }
        if entry.1 >= per_hour {
            return false;
        }
        entry.1 += 1;
        true
    }
}

#[cfg(test)]
mod limiter_tests {
    use super::HourlyLimiter;

    #[test]
    fn counts_each_address_per_hour() {
        let l = HourlyLimiter::default();
        assert!(l.take("a", 2, 7_200));
        assert!(l.take("a", 2, 7_201));
        assert!(!l.take("a", 2, 7_202), "the third in the hour is refused");
        assert!(l.take("b", 2, 7_202), "another address has its own count");
        assert!(l.take("a", 2, 10_800), "a new hour starts afresh");
    }
}
