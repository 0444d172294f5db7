//! The JSON API under `/api/v1`, authenticated by bearer tokens, described by the OpenAPI
//! document at `/api/v1/openapi.json`. Errors are `{"error":{"code":…,"message":…}}`.

pub mod action_periods;
pub mod ballots;
mod bodies;
pub mod branches;
pub mod caller;
pub mod dispute_records;
pub mod disputes;
mod json;
pub mod me;
pub mod member_access;
pub mod members;
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
    paths(me::me, member_access::my_data, member_access::subject_access, member_access::erase, branches::list, branches::users, wall::list, wall::post, wall::moderate,
        disputes::list, disputes::create, disputes::update, disputes::get_one, disputes::timeline,
        disputes::add_event, disputes::update_event, disputes::delete_event,
        dispute_records::add_party, dispute_records::update_party, dispute_records::delete_party,
        dispute_records::add_claim, dispute_records::update_claim, dispute_records::delete_claim,
        dispute_records::set_claim_status,
        dispute_records::add_rate, dispute_records::update_rate, dispute_records::delete_rate,
        ballots::ballots, ballots::create_ballot, ballots::update_ballot, ballots::delete_ballot,
        ballots::record_result, ballots::add_question, ballots::delete_question, ballots::mark_step,
        action_periods::periods, action_periods::create_period, action_periods::update_period,
        action_periods::delete_period, action_periods::mark_holiday, action_periods::unmark_holiday,
        action_periods::record_participation, action_periods::delete_participation,
        members::list, members::get),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerAuth, &UnreadableRequests),
    tags((name = "account", description = "The caller"), (name = "branches", description = "Branches and their users"), (name = "wall", description = "The solidarity wall"), (name = "members", description = "Member records: every call gives a reason and is audited"), (name = "disputes", description = "Disputes, ballots and action: the law engine's answers. Picket informs; it is not legal advice."))
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

/// Documents the `400 bad_request` that axum's extractors answer before a handler runs, on
/// every operation that reads a path, a query or a body: a path or query value of the wrong
/// type (an id that is not a whole number, a page beyond the range) cannot be read.
struct UnreadableRequests;

impl Modify for UnreadableRequests {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{Ref, RefOr, ResponseBuilder};
        let bad_request = ResponseBuilder::new()
            .description(
                "The request could not be read: a value in the path or query is not of the \
                 documented type, or a malformed body",
            )
            .content(
                "application/json",
                utoipa::openapi::ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build();
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                let reads_input = operation.request_body.is_some()
                    || operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
                if reads_input {
                    operation
                        .responses
                        .responses
                        .entry("400".to_string())
                        .or_insert_with(|| RefOr::T(bad_request.clone()));
                }
            }
        }
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
        .route("/me/data", get(member_access::my_data))
        .route(
            "/branches/{branch}/members/{id}/subject-access",
            get(member_access::subject_access),
        )
        .route(
            "/branches/{branch}/members/{id}/erasure",
            axum::routing::post(member_access::erase),
        )
        .route("/branches", get(branches::list))
        .route("/branches/{branch}/users", get(branches::users))
        .route("/branches/{branch}/members", get(members::list))
        .route("/branches/{branch}/members/{id}", get(members::get))
        .route("/branches/{branch}/wall", get(wall::list).post(wall::post))
        .route(
            "/branches/{branch}/wall/{id}/moderation",
            axum::routing::post(wall::moderate),
        )
        .merge(disputes::routes())
        .fallback(|| async { crate::error::AppError::NotFound })
        .layer(axum::middleware::from_fn(crate::extract::nul::refuse_nul))
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
