//! Strike pay over JSON: the policy, pay runs with each member's working, approval (posted
//! once, however many ask at the same moment), what each member is owed, payments, and the
//! CSV payment file. Amounts are sent in pounds as text and answered in integer pence.

use crate::api::ErrorBody;
use crate::disputes::api::Created;
use crate::error::AppResult;
use crate::extract::caller::Member;
use crate::extract::json::ApiJson;
use crate::fund::api::{access_of, PostedBody};
use crate::fund::payments::{self, OwedRow, PaymentInput};
use crate::fund::strike_pay::{self, MemberRun, PolicyInput, RunInput};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use picket_domain::{DisputeId, PayRunId};
use picket_store::strike_pay::PayRun;
use serde::Serialize;
use utoipa::ToSchema;

/// A dispute's policy, if it has one.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyBody {
    /// The policy as the form writes it, or none.
    pub policy: Option<PolicyInput>,
}

/// The dispute's strike pay policy (treasurer, organisers).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/strike-pay/policy", operation_id = "getStrikePayPolicy", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    responses((status = 200, body = PolicyBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn policy(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, dispute)): Path<(String, DisputeId)>,
) -> AppResult<Json<PolicyBody>> {
    let access = access_of(&c).must_see()?;
    state.store.dispute(access.branch.id, dispute).await?;
    Ok(Json(PolicyBody {
        policy: state
            .store
            .pay_policy(access.branch.id, dispute)
            .await?
            .as_ref()
            .map(PolicyInput::of),
    }))
}

/// Set the dispute's strike pay policy (treasurer). A working day is never paid.
#[utoipa::path(put, path = "/api/v1/branches/{branch}/disputes/{id}/strike-pay/policy", operation_id = "setStrikePayPolicy", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body(content = PolicyInput, example = json!({"rate": "flat", "daily": "30.00", "counts": ["on-strike"], "national_daily": "", "national_from_day": ""})),
    responses((status = 200, body = PolicyBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_policy(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, dispute)): Path<(String, DisputeId)>,
    ApiJson(body): ApiJson<PolicyInput>,
) -> AppResult<Json<PolicyBody>> {
    access_of(&c).must_do_money()?;
    let set = strike_pay::set_policy(&state, &c.actor(), dispute, &body).await?;
    Ok(Json(PolicyBody {
        policy: Some(PolicyInput::of(&set)),
    }))
}

/// A dispute's pay runs.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunsBody {
    /// Newest first, without their lines.
    #[schema(value_type = Vec<Object>)]
    pub runs: Vec<PayRun>,
}

/// The dispute's pay runs (treasurer, organisers).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/strike-pay/runs", operation_id = "listPayRuns", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    responses((status = 200, body = RunsBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn runs(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, dispute)): Path<(String, DisputeId)>,
) -> AppResult<Json<RunsBody>> {
    let access = access_of(&c).must_see()?;
    state.store.dispute(access.branch.id, dispute).await?;
    Ok(Json(RunsBody {
        runs: state.store.pay_runs(access.branch.id, dispute).await?,
    }))
}

/// Compute a draft pay run over a range of the dispute's strike days (treasurer).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/strike-pay/runs", operation_id = "createPayRun", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body(content = RunInput, example = json!({"first": "2024-04-29", "last": "2024-05-10"})),
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_run(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, dispute)): Path<(String, DisputeId)>,
    ApiJson(body): ApiJson<RunInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    access_of(&c).must_do_money()?;
    let id = strike_pay::create_run(&state, &c.actor(), dispute, &body).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// A pay run with each member's working.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunBody {
    /// The run (its `lines` left out: they are in `members`).
    #[schema(value_type = Object)]
    pub run: PayRun,
    /// Each member's days with the working, by name.
    pub members: Vec<MemberRun>,
}

/// One pay run with each member's entitlement and its working (treasurer, organisers;
/// audited).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/strike-pay/runs/{run}", operation_id = "getPayRun", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("run" = i64, Path, description = "Pay run id")),
    responses((status = 200, body = RunBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn run(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, dispute, id)): Path<(String, DisputeId, PayRunId)>,
) -> AppResult<Json<RunBody>> {
    let access = access_of(&c).must_see()?;
    let mut run = state.store.pay_run(access.branch.id, id).await?;
    if run.dispute_id != dispute {
        return Err(crate::error::AppError::NotFound);
    }
    let members = strike_pay::by_member(&state, &c.actor(), &run).await?;
    run.lines.clear();
    Ok(Json(RunBody { run, members }))
}

/// Approve a draft pay run (treasurer): posts its strike pay owed once. A run approved
/// already, or with a day another run paid meanwhile, is 409 and nothing is posted.
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/strike-pay/runs/{run}/approval", operation_id = "approvePayRun", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("run" = i64, Path, description = "Pay run id")),
    responses((status = 200, body = PostedBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn approve(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, dispute, id)): Path<(String, DisputeId, PayRunId)>,
) -> AppResult<Json<PostedBody>> {
    access_of(&c).must_do_money()?;
    Ok(Json(PostedBody {
        transaction_id: strike_pay::approve(&state, &c.actor(), dispute, id).await?,
    }))
}

/// What each member is owed.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwedBody {
    /// Every member with approved strike pay, by name.
    pub members: Vec<OwedRow>,
}

/// Strike pay approved, paid and owed per member (treasurer, organisers; audited).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/fund/strike-pay", operation_id = "strikePayOwed", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug")),
    responses((status = 200, body = OwedBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn owed(State(state): State<AppState>, Member(c): Member) -> AppResult<Json<OwedBody>> {
    access_of(&c).must_see()?;
    Ok(Json(OwedBody {
        members: payments::owed_rows(&state, &c.actor()).await?,
    }))
}

/// Pay a member some or all of what they are owed (treasurer). More than they are owed is
/// 409 and nothing is posted.
#[utoipa::path(post, path = "/api/v1/branches/{branch}/fund/strike-pay/payments", operation_id = "payStrikePay", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug")),
    request_body(content = PaymentInput, example = json!({"member": "1", "amount": "90.00", "paid_on": "2024-05-20", "from": "bank"})),
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn pay(
    State(state): State<AppState>,
    Member(c): Member,
    ApiJson(body): ApiJson<PaymentInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    access_of(&c).must_do_money()?;
    let id = payments::pay(&state, &c.actor(), &body).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// The CSV payment file: each member still owed, with the amount (treasurer).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/fund/strike-pay/payments.csv", operation_id = "strikePayPaymentFile", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug")),
    responses((status = 200, description = "The payment file: member_id, membership_number, name, amount, reference", content_type = "text/csv", body = String),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn payment_file(State(state): State<AppState>, Member(c): Member) -> AppResult<Response> {
    let access = access_of(&c).must_do_money()?;
    let body = payments::payment_file(&state, &c.actor()).await?;
    Ok(payments::csv_download(&access.branch.slug, body))
}

/// The fund's API routes.
pub fn routes() -> Router<AppState> {
    use crate::fund::api as a;
    Router::new()
        .route("/branches/{branch}/fund/accounts", get(a::accounts))
        .route(
            "/branches/{branch}/fund/accounts/{account}/statement",
            get(a::statement),
        )
        .route(
            "/branches/{branch}/fund/donations",
            get(a::list_donations).post(a::add_donation),
        )
        .route("/branches/{branch}/fund/summary", get(a::summary))
        .route(
            "/branches/{branch}/fund/transactions",
            post(crate::fund::api_ledger::post),
        )
        .route(
            "/branches/{branch}/fund/transactions/{transaction}",
            get(crate::fund::api_ledger::get_one),
        )
        .route(
            "/branches/{branch}/fund/transactions/{transaction}/reversal",
            post(crate::fund::api_ledger::reverse),
        )
        .route(
            "/branches/{branch}/me/hardship",
            get(crate::fund::own_hardship::my_applications)
                .post(crate::fund::own_hardship::apply_api),
        )
        .route(
            "/branches/{branch}/fund/hardship",
            get(a::list_hardship).post(a::add_hardship),
        )
        .route(
            "/branches/{branch}/fund/hardship/{grant}/decision",
            post(a::decide_hardship),
        )
        .route(
            "/branches/{branch}/fund/hardship/{grant}/payment",
            post(a::pay_hardship),
        )
        .route("/branches/{branch}/fund/strike-pay", get(owed))
        .route("/branches/{branch}/fund/strike-pay/payments", post(pay))
        .route(
            "/branches/{branch}/fund/strike-pay/payments.csv",
            get(payment_file),
        )
        .route(
            "/branches/{branch}/disputes/{id}/strike-days",
            get(a::strike_days).post(a::record_strike_days),
        )
        .route(
            "/branches/{branch}/disputes/{id}/release-requests",
            get(a::list_releases).post(a::add_release),
        )
        .route(
            "/branches/{branch}/disputes/{id}/release-requests/{request}/decision",
            post(a::decide_release),
        )
        .route(
            "/branches/{branch}/disputes/{id}/strike-pay/policy",
            get(policy).put(set_policy),
        )
        .route(
            "/branches/{branch}/disputes/{id}/strike-pay/runs",
            get(runs).post(create_run),
        )
        .route(
            "/branches/{branch}/disputes/{id}/strike-pay/runs/{run}",
            get(run),
        )
        .route(
            "/branches/{branch}/disputes/{id}/strike-pay/runs/{run}/approval",
            post(approve),
        )
        .route("/branches/{branch}/me/strike-pay", get(a::my_strike_pay))
        .route("/branches/{branch}/me/strike-days", post(a::declare))
}
