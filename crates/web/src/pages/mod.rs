//! Server-rendered pages: one module per area, one template struct per page beside its
//! handler, one layout.

pub mod admin;
pub mod auth;
pub mod campaign;
pub mod dispute_items;
pub mod disputes;
pub mod home;
pub mod me;
pub mod member_data;
pub mod members;
pub mod members_import;
pub mod members_teams;
pub mod pickets;
pub mod wall;
pub mod wall_embed;
pub mod wall_feed;
pub mod wall_pledges;

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
        .map_err(|e| AppError::Internal(format!("template: {e}")))
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
        message: info.message,
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

/// A `Location` header value that stays on this site: `next` if it is a local path, else `/dashboard`.
pub fn local_redirect(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => {
            n.to_string()
        }
        _ => "/dashboard".to_string(),
    }
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
        assert_eq!(local_redirect(Some("//evil.example")), "/dashboard");
        assert_eq!(local_redirect(Some("https://evil.example")), "/dashboard");
        assert_eq!(local_redirect(Some("/\\evil.example")), "/dashboard");
        assert_eq!(local_redirect(None), "/dashboard");
    }
}
