//! Paying strike pay: what each member is owed (approved pay less payments), a payment
//! that clears some or all of it from bank or cash, and the CSV payment file of what is
//! owed, written through the one CSV writer that neutralises formulas.

use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::fund::{self, Access};
use crate::pages::{render, render_with_status, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use picket_domain::csv_safe::CsvWriter;
use picket_domain::{MemberId, PaymentId, Pence};
use picket_store::strike_pay::MemberOwed;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A payment as typed or sent.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct PaymentInput {
    /// The member paid (their id).
    pub member: String,
    /// The amount in pounds, like `90.00`: at most what they are owed.
    pub amount: String,
    /// The day it was paid, `YYYY-MM-DD`.
    pub paid_on: String,
    /// The account it was paid from: `bank` or `cash`.
    pub from: String,
}

/// Pays a member with its audit entry; more than they are owed is refused and nothing is
/// posted.
pub async fn pay(
    state: &AppState,
    actor: &Actor<'_>,
    input: &PaymentInput,
) -> AppResult<PaymentId> {
    let member = MemberId(
        input
            .member
            .trim()
            .parse()
            .map_err(|_| AppError::invalid("member", "Choose the member paid."))?,
    );
    let amount = fund::amount("amount", &input.amount)?;
    let day = fund::day("paid_on", &input.paid_on)?;
    if day > chrono::Utc::now().date_naive() {
        return Err(AppError::invalid(
            "paid_on",
            "The day it was paid cannot be in the future.",
        ));
    }
    let from = match input.from.trim() {
        "" => "bank",
        f => f,
    };
    state.store.member(actor.branch.id, member).await?;
    let mut work = state.store.begin().await?;
    let id = work
        .pay_strike_pay(
            actor.branch.id,
            member,
            amount,
            day,
            from,
            Some(actor.user.user.id),
        )
        .await
        .map_err(|e| match e {
            picket_store::StoreError::NotFound => AppError::invalid(
                "from",
                "Pay from an account the fund has, such as bank or cash.",
            ),
            other => other.into(),
        })?;
    let mut entry = actor.entry("fund.strike_pay.payment", format!("member:{member}"));
    entry.detail = Some(format!("payment={id}; amount={}", amount.decimal()));
    work.audit(entry).await?;
    work.commit().await?;
    Ok(id)
}

/// A member's balance with their name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OwedRow {
    /// The balance.
    #[schema(value_type = Object)]
    pub owed: MemberOwed,
    /// Their name.
    pub name: String,
}

/// Every member with approved strike pay, by name, with names read (and audited).
pub async fn owed_rows(state: &AppState, actor: &Actor<'_>) -> AppResult<Vec<OwedRow>> {
    let balances = state.store.strike_pay_balances(actor.branch.id).await?;
    let names =
        fund::member_names(state, actor, balances.iter().map(|b| b.member_id).collect()).await?;
    let mut rows: Vec<OwedRow> = balances
        .into_iter()
        .map(|owed| OwedRow {
            name: names.get(&owed.member_id).cloned().unwrap_or_default(),
            owed,
        })
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(rows)
}

#[derive(Template)]
#[template(path = "fund/payments.html")]
struct PaymentsPage {
    layout: Layout,
    slug: String,
    rows: Vec<OwedRow>,
    total_owed: Pence,
    does_money: bool,
    form: PaymentInput,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    access: &Access,
    actor: &Actor<'_>,
) -> AppResult<PaymentsPage> {
    let rows = owed_rows(state, actor).await?;
    Ok(PaymentsPage {
        layout: Layout::new(
            format!("Strike pay owed · {}", access.branch.name),
            csrf,
            Some(user),
        ),
        slug: access.branch.slug.clone(),
        total_owed: Pence::from_pence(rows.iter().map(|r| r.owed.owed.pence()).sum()),
        rows,
        does_money: access.does_money(),
        form: PaymentInput {
            paid_on: chrono::Utc::now().date_naive().to_string(),
            from: "bank".into(),
            ..PaymentInput::default()
        },
        error: None,
    })
}

/// GET /{branch}/fund/strike-pay: who is owed what (treasurer, organisers).
pub async fn list(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?.must_see()?;
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    render(&page(&state, &csrf, &user, &access, &actor).await?)
}

/// POST /{branch}/fund/strike-pay/payments (treasurer).
pub async fn add(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<PaymentInput>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?.must_do_money()?;
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    match pay(&state, &actor, &form).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/{}/fund/strike-pay", access.branch.slug)).into_response())
        }
        Err(e) => {
            let (status, message) = fund::donations::refusal(e)?;
            let mut p = page(&state, &csrf, &user, &access, &actor).await?;
            p.form = form;
            p.error = Some(message);
            render_with_status(status, &p)
        }
    }
}

/// The payment file: one row per member still owed, every cell through [`CsvWriter`].
pub async fn payment_file(state: &AppState, actor: &Actor<'_>) -> AppResult<Vec<u8>> {
    let rows = owed_rows(state, actor).await?;
    let mut csv = CsvWriter::new();
    let fail = |e: csv::Error| AppError::failed("writing the payment file", e);
    csv.row([
        "member_id",
        "membership_number",
        "name",
        "amount",
        "reference",
    ])
    .map_err(fail)?;
    for r in rows.iter().filter(|r| r.owed.owed > Pence::ZERO) {
        let number = state
            .store
            .member(actor.branch.id, r.owed.member_id)
            .await?
            .details
            .membership_number
            .to_string();
        csv.row([
            r.owed.member_id.to_string(),
            number,
            r.name.clone(),
            r.owed.owed.decimal(),
            "Strike pay".to_string(),
        ])
        .map_err(fail)?;
    }
    csv.finish().map_err(fail)
}

/// GET /{branch}/fund/strike-pay/payments.csv (treasurer): the payment file.
pub async fn csv(
    State(state): State<AppState>,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?.must_do_money()?;
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    Ok(csv_download(
        &access.branch.slug,
        payment_file(&state, &actor).await?,
    ))
}

/// A payment file as a download.
pub fn csv_download(slug: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"picket-{slug}-strike-pay-{}.csv\"",
                    chrono::Utc::now().format("%Y%m%d")
                ),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}
