//! The fund over JSON: balances and statements, donations, the fund summary, hardship
//! grants, participation per member and release requests, and a member's own strike pay.
//! Amounts are sent in pounds as text (`"12.50"`) and answered in integer pence.

use crate::api::ErrorBody;
use crate::disputes::api::Created;
use crate::error::{AppError, AppResult};
use crate::extract::caller::{Caller, Member};
use crate::extract::json::ApiJson;
use crate::fund::donations::{self, DonationInput};
use crate::fund::hardship::{self, ApplicationInput, GrantRow};
use crate::fund::participation::{self, DeclareInput};
use crate::fund::releases::{self, ReleaseInput};
use crate::fund::reports::{self, FundSummary};
use crate::fund::{self, Access};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use picket_domain::strike_days::DaySource;
use picket_domain::{
    DisputeId, FundAccountId, FundTransactionId, HardshipGrantId, MemberId, Pence, ReleaseRequestId,
};
use picket_store::fund::{Donation, FundAccount, StatementLine};
use picket_store::strike_days::{DayEntry, MemberDay, ReleaseRequest};
use picket_store::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The caller's standing in the fund.
pub fn access_of(c: &Caller) -> Access {
    Access::of(&c.user, c.branch.clone())
}

/// The branch's accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountsBody {
    /// Every account with its kept balance (pence, debits positive) and its balance as
    /// people read it.
    #[schema(value_type = Vec<Object>)]
    pub accounts: Vec<FundAccount>,
    /// Held in all asset accounts, in pence.
    #[schema(value_type = i64)]
    pub held: Pence,
}

/// The fund's accounts with their balances (treasurer, organisers).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/fund/accounts", operation_id = "listFundAccounts", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug")),
    responses((status = 200, body = AccountsBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn accounts(
    State(state): State<AppState>,
    Member(c): Member,
) -> AppResult<Json<AccountsBody>> {
    let access = access_of(&c).must_see()?;
    let accounts = state.store.fund_accounts(access.branch.id).await?;
    Ok(Json(AccountsBody {
        held: fund::ledger::held(&accounts),
        accounts,
    }))
}

/// Which page.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PageParams {
    /// 1-based page number.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
}

/// A page of an account's statement.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementBody {
    /// The account.
    #[schema(value_type = Object)]
    pub account: FundAccount,
    /// Its lines, newest first, each with the balance after it (pence, debits positive).
    #[schema(value_type = Vec<Object>)]
    pub lines: Vec<StatementLine>,
    /// This page.
    pub page: u32,
    /// How many pages.
    pub pages: u32,
    /// How many lines in all.
    pub total: u64,
}

/// An account's statement, 50 lines a page, newest first (treasurer, organisers).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/fund/accounts/{account}/statement", operation_id = "fundAccountStatement", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug"), ("account" = i64, Path, description = "Account id"), PageParams),
    responses((status = 200, body = StatementBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn statement(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, id)): Path<(String, FundAccountId)>,
    Query(q): Query<PageParams>,
) -> AppResult<Json<StatementBody>> {
    let access = access_of(&c).must_see()?;
    let account = state.store.fund_account(access.branch.id, id).await?;
    let page = state
        .store
        .fund_statement(
            access.branch.id,
            id,
            PageRequest::new(q.page.unwrap_or(1), fund::ledger::STATEMENT_PAGE),
        )
        .await?;
    Ok(Json(StatementBody {
        account,
        pages: page.pages(),
        page: page.page,
        total: page.total,
        lines: page.items,
    }))
}

/// The branch's donations.
#[derive(Debug, Serialize, ToSchema)]
pub struct DonationsBody {
    /// Newest first, amounts in pence.
    #[schema(value_type = Vec<Object>)]
    pub donations: Vec<Donation>,
}

/// The donations received (treasurer, organisers).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/fund/donations", operation_id = "listDonations", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug")),
    responses((status = 200, body = DonationsBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_donations(
    State(state): State<AppState>,
    Member(c): Member,
) -> AppResult<Json<DonationsBody>> {
    let access = access_of(&c).must_see()?;
    Ok(Json(DonationsBody {
        donations: state.store.donations(access.branch.id).await?,
    }))
}

/// Record a donation and post it to the ledger (treasurer).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/fund/donations", operation_id = "recordDonation", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug")),
    request_body(content = DonationInput, example = json!({"donor_kind": "organisation", "donor_name": "Eastmoor Local Government Branch", "may_be_named": true, "amount": "250.00", "received": "2024-05-03", "method": "bank-transfer", "restriction": ""})),
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_donation(
    State(state): State<AppState>,
    Member(c): Member,
    ApiJson(body): ApiJson<DonationInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    access_of(&c).must_do_money()?;
    let id = donations::record(&state, &c.actor(), &body).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// The fund summary for a members' meeting: totals only (treasurer, organisers).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/fund/summary", operation_id = "fundSummary", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug")),
    responses((status = 200, body = FundSummary), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn summary(
    State(state): State<AppState>,
    Member(c): Member,
) -> AppResult<Json<FundSummary>> {
    let access = access_of(&c).must_see()?;
    Ok(Json(reports::summary(&state, access.branch.id).await?))
}

/// The branch's hardship applications.
#[derive(Debug, Serialize, ToSchema)]
pub struct HardshipBody {
    /// Newest first, with the member's name and the reason (until retention clears it).
    pub applications: Vec<GrantRow>,
}

/// Hardship applications with their reasons (treasurer, organisers; audited).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/fund/hardship", operation_id = "listHardshipGrants", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug")),
    responses((status = 200, body = HardshipBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_hardship(
    State(state): State<AppState>,
    Member(c): Member,
) -> AppResult<Json<HardshipBody>> {
    access_of(&c).must_see()?;
    Ok(Json(HardshipBody {
        applications: hardship::rows(&state, &c.actor()).await?,
    }))
}

/// Record a hardship application (treasurer).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/fund/hardship", operation_id = "applyForHardship", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug")),
    request_body(content = ApplicationInput, example = json!({"member": "1", "amount": "200.00", "reason": "Rent due", "applied_on": "2024-05-10"})),
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_hardship(
    State(state): State<AppState>,
    Member(c): Member,
    ApiJson(body): ApiJson<ApplicationInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    access_of(&c).must_do_money()?;
    let id = hardship::apply(&state, &c.actor(), &body).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// A decision on an application or a release request.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct DecisionBody {
    /// `grant` or `refuse`.
    pub decision: String,
    /// For a release request granted: the member released (their id).
    pub member: String,
}

/// The ledger transaction a change posted, if any.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostedBody {
    /// The transaction's id (none when nothing was posted).
    #[schema(value_type = Option<i64>)]
    pub transaction_id: Option<FundTransactionId>,
}

/// Grant or refuse a pending hardship application (treasurer); a grant posts it.
#[utoipa::path(post, path = "/api/v1/branches/{branch}/fund/hardship/{grant}/decision", operation_id = "decideHardship", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug"), ("grant" = i64, Path, description = "Application id")),
    request_body(content = DecisionBody, example = json!({"decision": "grant"})),
    responses((status = 200, body = PostedBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn decide_hardship(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, id)): Path<(String, HardshipGrantId)>,
    ApiJson(body): ApiJson<DecisionBody>,
) -> AppResult<Json<PostedBody>> {
    access_of(&c).must_do_money()?;
    let grant = match body.decision.trim() {
        "grant" => true,
        "refuse" => false,
        _ => return Err(AppError::invalid("decision", "Choose grant or refuse.")),
    };
    Ok(Json(PostedBody {
        transaction_id: hardship::decide(&state, &c.actor(), id, grant).await?,
    }))
}

/// Where a payment comes from.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct FromBody {
    /// The asset account's code: `hardship-fund` (the default), `bank` or `cash`.
    pub from: String,
}

/// Record a granted application paid (treasurer).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/fund/hardship/{grant}/payment", operation_id = "payHardship", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug"), ("grant" = i64, Path, description = "Application id")),
    request_body(content = FromBody, example = json!({"from": "hardship-fund"})),
    responses((status = 200, body = PostedBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn pay_hardship(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, id)): Path<(String, HardshipGrantId)>,
    ApiJson(body): ApiJson<FromBody>,
) -> AppResult<Json<PostedBody>> {
    access_of(&c).must_do_money()?;
    Ok(Json(PostedBody {
        transaction_id: Some(hardship::pay(&state, &c.actor(), id, &body.from).await?),
    }))
}

/// Which day.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DayParams {
    /// Only this strike day, `YYYY-MM-DD`.
    pub day: Option<String>,
}

/// A dispute's participation per member.
#[derive(Debug, Serialize, ToSchema)]
pub struct StrikeDaysBody {
    /// Each member's day with every entry (rep, member, settled) and the outcome.
    #[schema(value_type = Vec<Object>)]
    pub days: Vec<MemberDay>,
}

/// What each member did on each strike day of the dispute, with conflicts (reps for their
/// teams; the treasurer and organisers for all; audited).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/strike-days", operation_id = "listStrikeDays", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), DayParams),
    responses((status = 200, body = StrikeDaysBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn strike_days(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, dispute)): Path<(String, DisputeId)>,
    Query(q): Query<DayParams>,
) -> AppResult<Json<StrikeDaysBody>> {
    let access = access_of(&c);
    let scope = participation::team_scope(&state, &c.user, &access).await?;
    let day = q.day.as_deref().map(|d| fund::day("day", d)).transpose()?;
    let periods = fund::strike_periods(&state, &access.branch, dispute).await?;
    let mut days = Vec::new();
    for p in &periods {
        days.extend(
            state
                .store
                .member_days(access.branch.id, dispute, p.period.id)
                .await?
                .into_iter()
                .filter(|m| day.is_none_or(|d| m.day == d)),
        );
    }
    if let Some(teams) = &scope {
        let mut kept = Vec::new();
        for m in days {
            let member = state.store.member(access.branch.id, m.member_id).await?;
            if member.team_id.is_some_and(|t| teams.contains(&t)) {
                kept.push(m);
            }
        }
        days = kept;
    }
    let mut entry = c
        .actor()
        .entry("member.strike_days_read", format!("dispute:{dispute}"));
    entry.detail = Some(format!("reason=payments; results={}", days.len()));
    state.store.audit(entry).await?;
    Ok(Json(StrikeDaysBody { days }))
}

/// One member's status in a bulk entry.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct EntryBody {
    /// The member's id.
    pub member: i64,
    /// `on-strike`, `working`, `released`, `on-leave`, `sick` or `not-employed`.
    pub status: String,
}

/// Statuses for one strike day, as a rep enters them for a team or settles a conflict.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct StrikeDaysInput {
    /// The strike day, `YYYY-MM-DD`.
    pub day: String,
    /// `rep` (the default) to enter, `settled` to settle conflicts.
    pub source: String,
    /// Each member's status.
    pub entries: Vec<EntryBody>,
}

/// How many statuses were recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedBody {
    /// The count.
    pub recorded: u64,
}

/// Record members' statuses for a strike day (reps for their teams; the treasurer and
/// organisers for all). All or nothing: a member not in a team called out, or a day outside
/// the dispute's strike action, is refused and nothing is recorded.
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/strike-days", operation_id = "recordStrikeDays", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body(content = StrikeDaysInput, example = json!({"day": "2024-05-01", "source": "rep", "entries": [{"member": 1, "status": "on-strike"}]})),
    responses((status = 200, body = RecordedBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn record_strike_days(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, dispute)): Path<(String, DisputeId)>,
    ApiJson(body): ApiJson<StrikeDaysInput>,
) -> AppResult<Json<RecordedBody>> {
    let access = access_of(&c);
    let scope = participation::team_scope(&state, &c.user, &access).await?;
    let source = match body.source.trim() {
        "" | "rep" => DaySource::Rep,
        "settled" => DaySource::Settled,
        _ => return Err(AppError::invalid("source", "Choose rep or settled.")),
    };
    let day = fund::day("day", &body.day)?;
    let periods = fund::strike_periods(&state, &access.branch, dispute).await?;
    if !periods.iter().any(|p| p.days.contains(&day)) {
        return Err(fund::outside(&periods, "day", day));
    }
    let period = fund::period_of(&periods, "day", day)?;
    if body.entries.is_empty() {
        return Err(AppError::invalid(
            "entries",
            "Give at least one member's status.",
        ));
    }
    let entries = body
        .entries
        .iter()
        .map(|e| {
            Ok(DayEntry {
                member: MemberId(e.member),
                day,
                status: participation::status("status", &e.status)?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let recorded = participation::record(
        &state,
        &c.actor(),
        &scope,
        dispute,
        period,
        source,
        &entries,
    )
    .await?;
    Ok(Json(RecordedBody { recorded }))
}

/// A dispute's release requests.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReleasesBody {
    /// By day.
    #[schema(value_type = Vec<Object>)]
    pub requests: Vec<ReleaseRequest>,
}

/// The employer's requests to release strikers for cover (reps, treasurer, organisers).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/release-requests", operation_id = "listReleaseRequests", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    responses((status = 200, body = ReleasesBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_releases(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, dispute)): Path<(String, DisputeId)>,
) -> AppResult<Json<ReleasesBody>> {
    let access = access_of(&c);
    participation::team_scope(&state, &c.user, &access).await?;
    state.store.dispute(access.branch.id, dispute).await?;
    Ok(Json(ReleasesBody {
        requests: state
            .store
            .release_requests(access.branch.id, dispute)
            .await?,
    }))
}

/// Record a release request, pending (reps, treasurer, organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/release-requests", operation_id = "recordReleaseRequest", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body(content = ReleaseInput, example = json!({"day": "2024-05-01", "asked_by": "Duty manager", "asked_on": "2024-04-30", "cover": "One approved mental health professional for the crisis line"})),
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_release(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, dispute)): Path<(String, DisputeId)>,
    ApiJson(body): ApiJson<ReleaseInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    participation::team_scope(&state, &c.user, &access_of(&c)).await?;
    let id = releases::add(&state, &c.actor(), dispute, &body).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// Grant a release request naming the member released, or refuse it (reps for their
/// teams, treasurer, organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/release-requests/{request}/decision", operation_id = "decideReleaseRequest", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("request" = i64, Path, description = "Request id")),
    request_body(content = DecisionBody, example = json!({"decision": "grant", "member": "1"})),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn decide_release(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, dispute, id)): Path<(String, DisputeId, ReleaseRequestId)>,
    ApiJson(body): ApiJson<DecisionBody>,
) -> AppResult<StatusCode> {
    let scope = participation::team_scope(&state, &c.user, &access_of(&c)).await?;
    let grant = releases::grant_of(&body.decision, &body.member)?;
    releases::decide(&state, &c.actor(), &scope, dispute, id, grant).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A member's own strike days and strike pay.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnBody {
    /// Each strike day recorded for them, with what they declared and the outcome.
    #[schema(value_type = Vec<Object>)]
    pub days: Vec<reports::OwnDay>,
    /// Their statement: days paid, payments, approved, paid and owed (pence).
    #[schema(value_type = Object)]
    pub statement: picket_store::strike_pay::StrikePayStatement,
}

async fn own_member(state: &AppState, c: &Caller) -> AppResult<MemberId> {
    Ok(state
        .store
        .member_for_user(c.branch.id, c.user.user.id)
        .await?
        .ok_or(AppError::NotFound)?
        .id)
}

/// The caller's own strike days and strike pay statement (any member with a linked record).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/me/strike-pay", operation_id = "myStrikePay", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug")),
    responses((status = 200, body = OwnBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn my_strike_pay(
    State(state): State<AppState>,
    Member(c): Member,
) -> AppResult<Json<OwnBody>> {
    let id = own_member(&state, &c).await?;
    let own = reports::own(&state, c.branch.id, id).await?;
    Ok(Json(OwnBody {
        days: own.days,
        statement: own.statement,
    }))
}

/// Declare what the caller did on a strike day (any member with a linked record, in a team
/// called out).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/me/strike-days", operation_id = "declareMyStrikeDay", tag = "fund",
    params(("branch" = String, Path, description = "Branch slug")),
    request_body(content = DeclareInput, example = json!({"day": "2024-05-01", "status": "on-strike"})),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn declare(
    State(state): State<AppState>,
    Member(c): Member,
    ApiJson(body): ApiJson<DeclareInput>,
) -> AppResult<StatusCode> {
    let id = own_member(&state, &c).await?;
    participation::declare(&state, &c.actor(), id, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}
