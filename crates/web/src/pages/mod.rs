//! Server-rendered pages: one module per area, one template struct per page beside its
//! handler, one layout.

pub mod home;

use crate::error::{default_info, AppError, AppResult, ErrorInfo};
use crate::extract::{CsrfToken, CurrentUser};
use askama::Template;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

/// What the layout needs on every page.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// The page title (before " · Picket").
    pub title: String,
    /// The visitor's CSRF token, for the sign-out form and page forms.
    pub csrf: String,
    /// The signed-in user, if any.
    pub user: Option<NavUser>,
}

/// The signed-in user as the navigation shows them.
#[derive(Debug, Clone)]
pub struct NavUser {
    /// Their name.
    pub name: String,
    /// Whether they administer the instance.
    pub is_admin: bool,
}

impl Layout {
    /// The layout for a page titled `title`.
    pub fn new(title: impl Into<String>, csrf: &CsrfToken, user: Option<&CurrentUser>) -> Self {
        Self {
            title: title.into(),
            csrf: csrf.0.clone(),
            user: user.map(|u| NavUser {
                name: u.user.display_name.clone(),
                is_admin: u.is_admin(),
            }),
        }
    }
}

/// Renders a template to an HTML response.
pub fn render<T: Template>(template: &T) -> AppResult<Response> {
    template
        .render()
        .map(|html| Html(html).into_response())
        .map_err(|e| AppError::failed("rendering a page", e))
}

/// Renders a template with a status (a form shown again with its errors, say).
pub fn render_with_status<T: Template>(status: StatusCode, template: &T) -> AppResult<Response> {
    render(template).map(|r| (status, r).into_response())
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    status: u16,
    message: String,
}

/// Dresses error responses from page routes as HTML pages; a 401 on a page sends the visitor
/// to sign in and back.
pub async fn render_errors(request: Request, next: Next) -> Response {
    let is_get = request.method() == Method::GET;
    // Cloning the URI shares its bytes; the address is only written out for a sign-in.
    let uri = request.uri().clone();
    let response = next.run(request).await;
    let status = response.status();
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if !(status.is_client_error() || status.is_server_error()) || is_html {
        return response;
    }
    if status == StatusCode::UNAUTHORIZED {
        let target = if is_get {
            let back_to = uri.path_and_query().map_or("/", |pq| pq.as_str());
            format!("/login?next={}", urlencode(back_to))
        } else {
            "/login".to_string()
        };
        return Redirect::to(&target).into_response();
    }
    let info = response
        .extensions()
        .get::<ErrorInfo>()
        .cloned()
        .unwrap_or_else(|| default_info(status));
    let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
    let page = ErrorPage {
        layout: Layout {
            title: format!(
                "{} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("Error")
            ),
            // The error page shows no form (its layout has no signed-in user).
            csrf: String::new(),
            user: None,
        },
        status: status.as_u16(),
        message: match info.field {
            Some(field) => crate::words::plain(field, &info.message),
            None => info.message,
        },
    };
    let mut rendered = match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, info.code).into_response(),
    };
    if let Some(v) = retry_after {
        rendered.headers_mut().insert(header::RETRY_AFTER, v);
    }
    rendered
}

/// Percent-encodes a value for a query string.
pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A `Location` header value that stays on this site: `next` if it is a local path, else
/// `/dashboard`.
///
/// Browsers are lenient: they drop tabs, CR and LF anywhere in a URL, read `\\` as `/`, and
/// treat `//host` and `/\\host` as another site. So the check is on the URL a browser would
/// build, not on the text: `next` must hold no ASCII control character and no backslash,
/// either as typed or once percent-decoded, must start with a single `/`, and joined to this
/// site's origin must still be on it. The answer is the path, query and fragment of the
/// parsed URL, so what is sent is exactly what was checked (and always a valid header).
pub fn local_redirect(next: Option<&str>) -> String {
    next.and_then(local_path)
        .unwrap_or_else(|| "/dashboard".to_string())
}

/// `next` as a path on this site, or `None` when a browser could take it anywhere else.
fn local_path(next: &str) -> Option<String> {
    let unsafe_char = |c: char| c.is_ascii_control() || c == '\\';
    if next.is_empty() || next.chars().any(unsafe_char) {
        return None;
    }
    let decoded = percent_decoded(next);
    if decoded.chars().any(unsafe_char) {
        return None;
    }
    let starts_local = |s: &str| s.starts_with('/') && !s.starts_with("//");
    if !starts_local(next) || !starts_local(&decoded) {
        return None;
    }
    // Any fixed origin does: only whether the result stays on it matters.
    let base = url::Url::parse("http://picket.invalid/").ok()?;
    let joined = base.join(next).ok()?;
    if joined.origin() != base.origin() || joined.username() != "" || joined.password().is_some() {
        return None;
    }
    let mut local = joined.path().to_string();
    if !starts_local(&local) {
        return None;
    }
    if let Some(query) = joined.query() {
        local.push('?');
        local.push_str(query);
    }
    if let Some(fragment) = joined.fragment() {
        local.push('#');
        local.push_str(fragment);
    }
    Some(local)
}

/// `s` with each `%XX` replaced by its byte (invalid UTF-8 shown as U+FFFD).
fn percent_decoded(s: &str) -> String {
    let hex = |b: &u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    };
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let pair = bytes
            .get(i + 1)
            .and_then(hex)
            .zip(bytes.get(i + 2).and_then(hex));
        match pair {
            Some((high, low)) if bytes[i] == b'%' => {
                out.push(high * 16 + low);
                i += 3;
            }
            _ => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A header value from text known to be valid.
pub fn header_value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::local_redirect;

    #[test]
    fn redirects_stay_on_site() {
        assert_eq!(
            local_redirect(Some("/northfield/admin/users")),
            "/northfield/admin/users"
        );
        assert_eq!(
            local_redirect(Some("/northfield/members?q=ann%20lee&page=2#list")),
            "/northfield/members?q=ann%20lee&page=2#list"
        );
        assert_eq!(local_redirect(Some("/")), "/");
        assert_eq!(local_redirect(None), "/dashboard");
        assert_eq!(local_redirect(Some("")), "/dashboard");
    }

    #[test]
    fn anything_a_browser_could_read_as_another_site_goes_to_the_dashboard() {
        for next in [
            "//evil.example",
            "//evil.example/x",
            "///evil.example/x",
            "https://evil.example",
            "http:evil.example",
            "http:/evil.example",
            "javascript:alert(1)",
            "evil.example/x",
            "/\\evil.example",
            "\\/evil.example",
            "\\\\evil.example",
            "/\t/evil.example/x",
            "/\r\n/evil.example/x",
            "/\n/evil.example/x",
            "\t//evil.example/x",
            "/%09/evil.example/x",
            "/%0d%0a/evil.example/x",
            "/%0A/evil.example/x",
            "/%5Cevil.example",
            "/%5cevil.example",
            "/%2Fevil.example",
            "/%2f/evil.example",
            "%2F%2Fevil.example",
            "/%00/x",
            "/x\u{7f}",
            "/x\u{0}",
            "/a/b\r\nSet-Cookie: a=b",
        ] {
            assert_eq!(local_redirect(Some(next)), "/dashboard", "{next:?}");
        }
    }

    #[test]
    fn the_answer_is_always_a_valid_header_value() {
        for next in ["/caf\u{e9}", "/a b", "/a\"b", "/a/../../b", "/a/./c"] {
            let location = local_redirect(Some(next));
            assert!(
                axum::http::HeaderValue::from_str(&location).is_ok(),
                "{next:?} gave {location:?}"
            );
            assert!(location.starts_with('/') && !location.starts_with("//"));
        }
        assert_eq!(local_redirect(Some("/a/../../b")), "/b");
    }
}
