//! The ledger over JSON: a transaction posted by hand, one transaction with its lines, and its
//! reversal with a reason. Amounts are sent in pounds as text and answered in pence.

use crate::api::ErrorBody;
use crate::disputes::api::Created;
use crate::error::AppResult;
use crate::extract::caller::Member;
use crate::extract::json::ApiJson;
use crate::fund::api::access_of;
use crate::fund::transactions::{self, TransactionInput};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use picket_domain::FundTransactionId;
use picket_store::fund::FundTransaction;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Post a transaction by hand (treasurer): two or more lines, each a debit or a credit in
/// pounds to one of the branch's accounts, whose debits and credits are equal.
#[utoipa::path(post, path = "/api/v1/branches/{branch}/fund/transactions", operation_id = "postFundTransaction", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug")),
    request_body(content = TransactionInput, example = json!({"day": "2024-05-03", "memo": "Cash banked",
        "lines": [{"account": "bank", "debit": "40.00"}, {"account": "cash", "credit": "40.00"}]})),
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn post(
    State(state): State<AppState>,
    Member(c): Member,
    ApiJson(body): ApiJson<TransactionInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    access_of(&c).must_do_money()?;
    let id = transactions::post(&state, &c.actor(), &body).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// A transaction and whether it has been reversed.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransactionBody {
    /// The transaction with its lines (pence, debits positive).
    #[schema(value_type = Object)]
    pub transaction: FundTransaction,
    /// The transaction that reverses it, if any.
    #[schema(value_type = Option<i64>)]
    pub reversed_by: Option<FundTransactionId>,
}

/// One transaction with its lines (treasurer, organisers).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/fund/transactions/{transaction}", operation_id = "getFundTransaction", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug"), ("transaction" = i64, Path, description = "Transaction id")),
    responses((status = 200, body = TransactionBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_one(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, id)): Path<(String, FundTransactionId)>,
) -> AppResult<Json<TransactionBody>> {
    let access = access_of(&c).must_see()?;
    Ok(Json(TransactionBody {
        transaction: state.store.fund_transaction(access.branch.id, id).await?,
        reversed_by: state.store.fund_reversal_of(access.branch.id, id).await?,
    }))
}

/// Why a transaction is reversed.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct ReversalBody {
    /// The reason (one line, at most 500 characters).
    pub reason: String,
}

/// Reverse a transaction, dated today, with a reason (treasurer). Once only: a transaction
/// reversed already, or itself a reversal, is refused (409) and nothing is posted.
#[utoipa::path(post, path = "/api/v1/branches/{branch}/fund/transactions/{transaction}/reversal", operation_id = "reverseFundTransaction", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug"), ("transaction" = i64, Path, description = "Transaction id")),
    request_body(content = ReversalBody, example = json!({"reason": "Entered twice"})),
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn reverse(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, id)): Path<(String, FundTransactionId)>,
    ApiJson(body): ApiJson<ReversalBody>,
) -> AppResult<(StatusCode, Json<Created>)> {
    access_of(&c).must_do_money()?;
    let posted = transactions::reverse(&state, &c.actor(), id, &body.reason).await?;
    Ok((StatusCode::CREATED, Json(Created { id: posted.0 })))
}
