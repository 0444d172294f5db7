//! Transactions by hand and their reversal: the treasurer posts a transaction of two or more
//! lines that add up to zero (amounts in pounds, each line a debit or a credit to one of the
//! branch's accounts), and corrects one only by reversing it, with a reason, once. Posted
//! transactions never change. Organisers see every transaction; only the treasurer posts.

use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::filters;
use crate::fund::{self, Access};
use crate::pages::{render, render_with_status, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use picket_domain::disputes::Named;
use picket_domain::fund::{BalancedTransaction, LedgerError, Posting, TransactionKind};
use picket_domain::{FundTransactionId, Pence};
use picket_store::fund::{FundAccount, FundTransaction};
use picket_store::StoreError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How many lines the form offers.
pub const FORM_LINES: usize = 4;

/// One line as typed or sent: an account's code and an amount in pounds, as a debit or a
/// credit (one of the two).
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct LineInput {
    /// The account's code, like `bank`.
    pub account: String,
    /// A debit in pounds, like `12.50` (money into an asset, or an expense).
    pub debit: String,
    /// A credit in pounds, like `12.50` (money out of an asset, or income).
    pub credit: String,
}

/// A transaction by hand, as typed or sent.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct TransactionInput {
    /// The day the money moved, `YYYY-MM-DD` (not after today).
    pub day: String,
    /// What it was (one line, at most 200 characters).
    pub memo: String,
    /// Two or more lines whose debits and credits are equal.
    pub lines: Vec<LineInput>,
}

impl TransactionInput {
    /// Reads the form's fields: `day`, `memo`, and `account_N`, `debit_N`, `credit_N` for each
    /// line N from 1.
    pub fn from_form(fields: &[(String, String)]) -> Self {
        let mut input = TransactionInput::default();
        for (name, value) in fields {
            match name.as_str() {
                "day" => input.day.clone_from(value),
                "memo" => input.memo.clone_from(value),
                other => {
                    let Some((part, n)) = other.rsplit_once('_') else {
                        continue;
                    };
                    let Some(n) = n.parse::<usize>().ok().filter(|n| (1..=20).contains(n)) else {
                        continue;
                    };
                    if input.lines.len() < n {
                        input.lines.resize(n, LineInput::default());
                    }
                    let line = &mut input.lines[n - 1];
                    match part {
                        "account" => line.account.clone_from(value),
                        "debit" => line.debit.clone_from(value),
                        "credit" => line.credit.clone_from(value),
                        _ => {}
                    }
                }
            }
        }
        input
    }

    /// The lines to show on the form: what was typed, then empty ones up to [`FORM_LINES`].
    pub fn form_lines(&self) -> Vec<LineInput> {
        let mut lines = self.lines.clone();
        if lines.len() < FORM_LINES {
            lines.resize(FORM_LINES, LineInput::default());
        }
        lines
    }
}

/// Checks what was typed against the branch's accounts: a balanced transaction, or a message
/// naming the line to fix.
pub fn check(
    accounts: &[FundAccount],
    input: &TransactionInput,
    today: chrono::NaiveDate,
) -> AppResult<BalancedTransaction> {
    let day = fund::day("day", &input.day)?;
    if day > today {
        return Err(AppError::invalid(
            "day",
            format!(
                "{} is after today: date a transaction the day the money moved.",
                fund::words(day)
            ),
        ));
    }
    if input.memo.trim().is_empty() {
        return Err(AppError::invalid(
            "memo",
            "Say what the transaction was, like Cash banked.",
        ));
    }
    let mut postings = Vec::new();
    for (i, line) in input.lines.iter().enumerate() {
        let n = i + 1;
        let (account, debit, credit) = (line.account.trim(), line.debit.trim(), line.credit.trim());
        if account.is_empty() && debit.is_empty() && credit.is_empty() {
            continue;
        }
        let Some(found) = accounts.iter().find(|a| a.code.as_str() == account) else {
            return Err(AppError::invalid(
                "lines",
                format!("Line {n}: choose one of the fund's accounts."),
            ));
        };
        let line_amount = |text: &str| {
            fund::amount("lines", text).map_err(|e| match e {
                AppError::Invalid { message, .. } => {
                    AppError::invalid("lines", format!("Line {n}: {message}"))
                }
                other => other,
            })
        };
        let amount = match (debit.is_empty(), credit.is_empty()) {
            (false, true) => line_amount(debit)?,
            (true, false) => Pence::from_pence(-line_amount(credit)?.pence()),
            (true, true) => {
                return Err(AppError::invalid(
                    "lines",
                    format!("Line {n}: give an amount as a debit or as a credit."),
                ))
            }
            (false, false) => {
                return Err(AppError::invalid(
                    "lines",
                    format!("Line {n}: give a debit or a credit, not both."),
                ))
            }
        };
        postings.push(Posting {
            account: found.id,
            amount,
        });
    }
    BalancedTransaction::new(day, TransactionKind::Manual, &input.memo, postings).map_err(|e| {
        let field = match e {
            LedgerError::Memo(_) => "memo",
            _ => "lines",
        };
        AppError::invalid(field, e.to_string())
    })
}

/// Posts a transaction by hand with its audit entry; nothing is posted if anything is wrong.
pub async fn post(
    state: &AppState,
    actor: &Actor<'_>,
    input: &TransactionInput,
) -> AppResult<FundTransactionId> {
    let accounts = state.store.fund_accounts(actor.branch.id).await?;
    let transaction = check(&accounts, input, chrono::Utc::now().date_naive())?;
    let moved: i64 = transaction
        .postings()
        .iter()
        .map(|p| p.amount.pence().max(0))
        .sum();
    let mut work = state.store.begin().await?;
    let id = work
        .post_fund_transaction(actor.branch.id, &transaction, Some(actor.user.user.id))
        .await?;
    let mut entry = actor.entry("fund.transaction.post", format!("transaction:{id}"));
    entry.detail = Some(format!(
        "lines={}; debits={}",
        transaction.postings().len(),
        Pence::from_pence(moved).decimal()
    ));
    work.audit(entry).await?;
    work.commit().await?;
    Ok(id)
}

/// Reverses a transaction, dated today, with the reason and its audit entry. Refused (409)
/// when it has been reversed already or is itself a reversal.
pub async fn reverse(
    state: &AppState,
    actor: &Actor<'_>,
    id: FundTransactionId,
    reason: &str,
) -> AppResult<FundTransactionId> {
    if reason.trim().is_empty() {
        return Err(AppError::invalid("reason", LedgerError::Reason.to_string()));
    }
    let mut work = state.store.begin().await?;
    let posted = work
        .reverse_fund_transaction(
            actor.branch.id,
            id,
            chrono::Utc::now().date_naive(),
            reason,
            Some(actor.user.user.id),
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => AppError::Conflict(
                "That transaction has been reversed already, or is itself a reversal: \
                 nothing was posted."
                    .into(),
            ),
            StoreError::Refused(message) => AppError::invalid("reason", message),
            other => other.into(),
        })?;
    let mut entry = actor.entry("fund.transaction.reverse", format!("transaction:{id}"));
    entry.detail = Some(format!("reversal=transaction:{posted}"));
    work.audit(entry).await?;
    work.commit().await?;
    Ok(posted)
}

/// A transaction's line as people read it.
pub struct LineRow {
    /// The account's name.
    pub account: String,
    /// The debit, if it is one.
    pub debit: Option<Pence>,
    /// The credit, if it is one.
    pub credit: Option<Pence>,
}

fn line_rows(t: &FundTransaction, accounts: &[FundAccount]) -> Vec<LineRow> {
    t.lines
        .iter()
        .map(|l| LineRow {
            account: accounts
                .iter()
                .find(|a| a.id == l.account_id)
                .map_or_else(|| l.account_code.clone(), |a| a.name.clone()),
            debit: (l.amount.pence() > 0).then_some(l.amount),
            credit: (l.amount.pence() < 0).then(|| Pence::from_pence(-l.amount.pence())),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "fund/transaction_new.html")]
struct NewPage {
    layout: Layout,
    slug: String,
    accounts: Vec<FundAccount>,
    form: TransactionInput,
    lines: Vec<LineInput>,
    error: Option<String>,
}

async fn new_page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    access: &Access,
    form: TransactionInput,
) -> AppResult<NewPage> {
    let mut work = state.store.begin().await?;
    work.ensure_fund_accounts(access.branch.id).await?;
    work.commit().await?;
    Ok(NewPage {
        layout: Layout::new(
            format!("Post a transaction · {}", access.branch.name),
            csrf,
            Some(user),
        ),
        slug: access.branch.slug.clone(),
        accounts: state.store.fund_accounts(access.branch.id).await?,
        lines: form.form_lines(),
        form,
        error: None,
    })
}

/// GET /{branch}/fund/transactions/new (treasurer): the form.
pub async fn new_form(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?.must_do_money()?;
    let form = TransactionInput {
        day: chrono::Utc::now().date_naive().to_string(),
        ..TransactionInput::default()
    };
    render(&new_page(&state, &csrf, &user, &access, form).await?)
}

/// POST /{branch}/fund/transactions (treasurer): post it, or show the form again with what
/// was typed and what to fix.
pub async fn create(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?.must_do_money()?;
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    let input = TransactionInput::from_form(&fields);
    match post(&state, &actor, &input).await {
        Ok(id) => Ok(
            Redirect::to(&format!("/{}/fund/transactions/{id}", access.branch.slug))
                .into_response(),
        ),
        Err(e) => {
            let (status, message) = fund::donations::refusal(e)?;
            let mut page = new_page(&state, &csrf, &user, &access, input).await?;
            page.error = Some(message);
            render_with_status(status, &page)
        }
    }
}

#[derive(Template)]
#[template(path = "fund/transaction.html")]
struct ShowPage {
    layout: Layout,
    slug: String,
    t: FundTransaction,
    kind: &'static str,
    lines: Vec<LineRow>,
    reversed_by: Option<FundTransactionId>,
    does_money: bool,
    reason: String,
    error: Option<String>,
}

async fn show_page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    access: &Access,
    id: FundTransactionId,
) -> AppResult<ShowPage> {
    let t = state.store.fund_transaction(access.branch.id, id).await?;
    let accounts = state.store.fund_accounts(access.branch.id).await?;
    Ok(ShowPage {
        layout: Layout::new(format!("Transaction {id} · strike fund"), csrf, Some(user)),
        slug: access.branch.slug.clone(),
        kind: t.kind.label(),
        lines: line_rows(&t, &accounts),
        reversed_by: state.store.fund_reversal_of(access.branch.id, id).await?,
        does_money: access.does_money(),
        reason: String::new(),
        error: None,
        t,
    })
}

/// GET /{branch}/fund/transactions/{id} (treasurer, organisers): its lines, and for the
/// treasurer the way to reverse it.
pub async fn show(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path((slug, id)): Path<(String, FundTransactionId)>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?.must_see()?;
    render(&show_page(&state, &csrf, &user, &access, id).await?)
}

/// The reversal form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReverseForm {
    /// Why it is reversed.
    pub reason: String,
    /// `yes` when the treasurer confirmed.
    pub confirm: String,
}

/// POST /{branch}/fund/transactions/{id}/reverse (treasurer): with a reason and the
/// confirmation, post the reversal.
pub async fn reverse_form(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, FundTransactionId)>,
    CsrfForm(form): CsrfForm<ReverseForm>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?.must_do_money()?;
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    let done = if form.confirm != "yes" {
        Err(AppError::invalid(
            "confirm",
            "Tick the box to confirm the reversal: nothing was posted.",
        ))
    } else {
        reverse(&state, &actor, id, &form.reason).await
    };
    match done {
        Ok(posted) => Ok(Redirect::to(&format!(
            "/{}/fund/transactions/{posted}",
            access.branch.slug
        ))
        .into_response()),
        Err(e) => {
            let (status, message) = fund::donations::refusal(e)?;
            let mut page = show_page(&state, &csrf, &user, &access, id).await?;
            page.reason = form.reason;
            page.error = Some(message);
            render_with_status(status, &page)
        }
    }
}
