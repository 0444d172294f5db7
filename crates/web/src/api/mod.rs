//! The JSON API under `/api/v1`, authenticated by bearer tokens, described by the OpenAPI
//! document at `/api/v1/openapi.json`. Errors are `{"error":{"code":…,"message":…}}`.

use crate::error::{default_info, ErrorInfo};
use crate::state::AppState;
use crate::{account, disputes, eactions, fund, member_data, members, pickets, wall};
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
    paths(account::api_me::me, member_data::api::my_data, member_data::api::subject_access, member_data::api::erase, account::api::list, account::api::users, wall::api::list, wall::api::post, wall::api::moderate,
        disputes::api::list, disputes::api::create, disputes::api::update, disputes::api::get_one, disputes::api::timeline,
        disputes::api::add_event, disputes::api::update_event, disputes::api::delete_event,
        disputes::api_records::add_party, disputes::api_records::update_party, disputes::api_records::delete_party,
        disputes::api_records::add_claim, disputes::api_records::update_claim, disputes::api_records::delete_claim,
        disputes::api_records::set_claim_status,
        disputes::api_records::add_rate, disputes::api_records::update_rate, disputes::api_records::delete_rate,
        disputes::api_ballots::ballots, disputes::api_ballots::create_ballot, disputes::api_ballots::update_ballot, disputes::api_ballots::delete_ballot,
        disputes::api_ballots::record_result, disputes::api_ballots::add_question, disputes::api_ballots::delete_question, disputes::api_ballots::mark_step,
        disputes::api_periods::periods, disputes::api_periods::create_period, disputes::api_periods::update_period,
        disputes::api_periods::delete_period, disputes::api_periods::mark_holiday, disputes::api_periods::unmark_holiday,
        disputes::api_periods::record_participation, disputes::api_periods::delete_participation,
        disputes::api_periods::publish_period, disputes::api_periods::withdraw_period,
        pickets::sites::api_list, pickets::sites::api_add, pickets::sites::api_update,
        pickets::api_shifts::list, pickets::api_shifts::add, pickets::api_shifts::plan, pickets::api_shifts::cancel,
        pickets::api_shifts::move_times, pickets::api_shifts::set_capacity, pickets::api_shifts::supervisor, pickets::api_shifts::warnings, pickets::api_shifts::attendance,
        pickets::api_signups::member, pickets::api_signups::cancel_mine, pickets::api_signups::supporter,
        pickets::api_signups::list, pickets::api_signups::presence, pickets::api_signups::add_walk_up,
        pickets::api_turnout::get_standing, pickets::api_turnout::post_report, pickets::api_turnout::chase,
        pickets::api_turnout::remind, pickets::api_turnout::settings,
        eactions::api::list, eactions::api::create, eactions::api::get_one, eactions::api::set_open,
        eactions::api::add_target, eactions::api::remove_target, eactions::api::reply, eactions::api::signatures,
        eactions::api::public, eactions::api::sign_one, eactions::consent::consent_counts,
        eactions::api_letters::letters, eactions::api_letters::add_letter, eactions::api_letters::set_status,
        eactions::api_letters::timeline, eactions::api_letters::overdue,
        eactions::api_letters::reports, eactions::api_letters::add_report, eactions::api_letters::set_outcome,
        eactions::api_letters::link_letter,
        disputes::api_unit::get_teams, disputes::api_unit::set_teams, disputes::api_unit::set_called_out,
        disputes::api_unit::set_entitled,
        members::api::list, members::api::get, members::api::edit,
        fund::api::accounts, fund::api::statement, fund::api::list_donations, fund::api::add_donation, fund::api::summary,
        fund::api::list_hardship, fund::api::add_hardship, fund::api::decide_hardship, fund::api::pay_hardship,
        fund::api::strike_days, fund::api::record_strike_days, fund::api::list_releases, fund::api::add_release, fund::api::decide_release,
        fund::api::my_strike_pay, fund::api::declare,
        fund::api_pay::policy, fund::api_pay::set_policy, fund::api_pay::runs, fund::api_pay::create_run, fund::api_pay::run,
        fund::api_pay::approve, fund::api_pay::owed, fund::api_pay::pay, fund::api_pay::payment_file,
        fund::api_ledger::post, fund::api_ledger::get_one, fund::api_ledger::reverse,
        fund::own_hardship::my_applications, fund::own_hardship::apply_api),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerAuth, &UnreadableRequests),
    tags((name = "account", description = "The caller"), (name = "branches", description = "Branches and their users"), (name = "wall", description = "The solidarity wall"), (name = "members", description = "Member records: every call gives a reason and is audited"), (name = "disputes", description = "Disputes, ballots and action: the law engine's answers. Picket informs; it is not legal advice."), (name = "eactions", description = "E-actions and petitions, the correspondence log and the strike-breaking monitor"), (name = "pickets", description = "Picket sites, shifts and places: capacity is never exceeded; refusals carry their own code"), (name = "turnout", description = "The turnout drive for a statutory ballot: what members say, never how they voted"), (name = "fund", description = "The strike fund: a double-entry ledger in pence, donations, participation per member, strike pay and hardship grants. The treasurer posts money; organisers see it; members see their own."))
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
        .route("/me", get(account::api_me::me))
        .route("/me/data", get(member_data::api::my_data))
        .route(
            "/branches/{branch}/members/{id}/subject-access",
            get(member_data::api::subject_access),
        )
        .route(
            "/branches/{branch}/members/{id}/erasure",
            axum::routing::post(member_data::api::erase),
        )
        .route("/branches", get(account::api::list))
        .route("/branches/{branch}/users", get(account::api::users))
        .route("/branches/{branch}/members", get(members::api::list))
        .route(
            "/branches/{branch}/members/{id}",
            get(members::api::get).patch(members::api::edit),
        )
        .route(
            "/branches/{branch}/wall",
            get(wall::api::list).post(wall::api::post),
        )
        .route(
            "/branches/{branch}/wall/{id}/moderation",
            axum::routing::post(wall::api::moderate),
        )
        .merge(disputes::api::routes())
        .merge(crate::pickets::api_routes())
        .merge(eactions::api_letters::routes())
        .merge(disputes::api_unit::routes())
        .merge(fund::api_pay::routes())
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
