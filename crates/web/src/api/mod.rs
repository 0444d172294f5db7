//! The JSON API under `/api/v1`, authenticated by bearer tokens, described by the OpenAPI
//! document at `/api/v1/openapi.json`. Errors are `{"error":{"code":…,"message":…}}`.

pub mod branches;
pub mod disputes;
pub mod me;
pub mod wall;

use crate::error::{default_info, ErrorInfo};
use crate::state::AppState;
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// The error envelope every API error uses.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// An API error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable code: `not_found`, `unauthorized`, `forbidden`, `validation`, `conflict`,
    /// `rate_limited`, `payload_too_large`, `internal` …
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// The field at fault, for validation errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The OpenAPI document, generated from the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(title = "Picket API", description = "The dispute desk of a trade union branch."),
    paths(me::me, branches::list, branches::users, wall::list, wall::post, wall::moderate,
        disputes::list, disputes::create, disputes::update, disputes::get, disputes::timeline,
        disputes::add_event, disputes::add_party, disputes::add_claim, disputes::add_rate,
        disputes::ballots, disputes::create_ballot, disputes::record_result, disputes::add_question,
        disputes::periods, disputes::create_period, disputes::mark_step, disputes::set_claim_status, disputes::update_event),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerAuth),
    tags((name = "account", description = "The caller"), (name = "branches", description = "Branches and their users"), (name = "wall", description = "The solidarity wall"), (name = "disputes", description = "Disputes, ballots and action: the law engine's answers. Picket informs; it is not legal advice."))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A token from `picket token create`"))
                    .build(),
            ),
        );
    }
}

/// GET /api/v1/openapi.json
pub async fn openapi() -> Response {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    Json(doc).into_response()
}

/// The API's routes, to be nested under `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/me", get(me::me))
        .route("/branches", get(branches::list))
        .route("/branches/{branch}/users", get(branches::users))
        .route("/branches/{branch}/wall", get(wall::list).post(wall::post))
        .route(
            "/branches/{branch}/wall/{id}/moderation",
            axum::routing::post(wall::moderate),
        )
        .route(
            "/branches/{branch}/disputes",
            get(disputes::list).post(disputes::create),
        )
        .route(
            "/branches/{branch}/disputes/{id}",
            get(disputes::get).put(disputes::update),
        )
        .route(
            "/branches/{branch}/disputes/{id}/timeline",
            get(disputes::timeline).post(disputes::add_event),
        )
        .route(
            "/branches/{branch}/disputes/{id}/parties",
            axum::routing::post(disputes::add_party),
        )
        .route(
            "/branches/{branch}/disputes/{id}/claims",
            axum::routing::post(disputes::add_claim),
        )
        .route(
            "/branches/{branch}/disputes/{id}/rates",
            axum::routing::post(disputes::add_rate),
        )
        .route(
            "/branches/{branch}/disputes/{id}/ballots",
            get(disputes::ballots).post(disputes::create_ballot),
        )
        .route(
            "/branches/{branch}/ballots/{id}/result",
            axum::routing::post(disputes::record_result),
        )
        .route(
            "/branches/{branch}/ballots/{id}/questions",
            axum::routing::post(disputes::add_question),
        )
        .route(
            "/branches/{branch}/disputes/{id}/timeline/{event}",
            axum::routing::put(disputes::update_event),
        )
        .route(
            "/branches/{branch}/ballot-steps/{id}",
            axum::routing::post(disputes::mark_step),
        )
        .route(
            "/branches/{branch}/disputes/{id}/claims/{claim}/status",
            axum::routing::post(disputes::set_claim_status),
        )
        .route(
            "/branches/{branch}/disputes/{id}/action-periods",
            get(disputes::periods).post(disputes::create_period),
        )
        .fallback(|| async { crate::error::AppError::NotFound })
        .layer(axum::middleware::from_fn(render_errors))
}

/// Dresses every error response from the API as the JSON envelope.
pub async fn render_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let info = response
        .extensions()
        .get::<ErrorInfo>()
        .cloned()
        .unwrap_or_else(|| default_info(status));
    let mut headers = response.headers().clone();
    headers.remove(header::CONTENT_TYPE);
    headers.remove(header::CONTENT_LENGTH);
    let body = ErrorBody {
        error: ErrorDetail {
            code: info.code.to_string(),
            message: info.message,
            field: info.field.map(str::to_string),
        },
    };
    let mut out = (status, Json(body)).into_response();
    for (name, value) in headers.iter() {
        if name == header::RETRY_AFTER || name == header::WWW_AUTHENTICATE {
            out.headers_mut().insert(name.clone(), value.clone());
        }
    }
    if status == axum::http::StatusCode::UNAUTHORIZED {
        out.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
    }
    out
}
