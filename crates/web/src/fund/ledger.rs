//! The fund's front page (every account with its balance, kept so reading it never adds up
//! history) and each account's statement, a page of lines at a time, newest first.

use crate::error::AppResult;
use crate::extract::{CsrfToken, CurrentUser};
use crate::filters;
use crate::fund;
use crate::pages::{render, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use picket_domain::disputes::Named;
use picket_domain::fund::AccountKind;
use picket_domain::{FundAccountId, Pence};
use picket_store::disputes::Dispute;
use picket_store::fund::{FundAccount, StatementLine};
use picket_store::PageRequest;
use serde::Deserialize;

/// Lines on a page of a statement.
pub const STATEMENT_PAGE: u32 = 50;

/// An account as the pages show it.
pub struct AccountRow {
    /// The account.
    pub account: FundAccount,
    /// Its kind for people.
    pub kind: &'static str,
    /// Its balance as people read it.
    pub shown: Pence,
}

/// The branch's accounts as shown, by kind then code.
pub fn rows(accounts: Vec<FundAccount>) -> Vec<AccountRow> {
    accounts
        .into_iter()
        .map(|a| AccountRow {
            kind: a.kind.label(),
            shown: a.shown_balance(),
            account: a,
        })
        .collect()
}

/// The money the branch holds: every asset account added up.
pub fn held(accounts: &[FundAccount]) -> Pence {
    Pence::from_pence(
        accounts
            .iter()
            .filter(|a| a.kind == AccountKind::Asset)
            .map(|a| a.balance.pence())
            .sum(),
    )
}

#[derive(Template)]
#[template(path = "fund/index.html")]
struct IndexPage {
    layout: Layout,
    slug: String,
    branch_name: String,
    accounts: Vec<AccountRow>,
    held: Pence,
    disputes: Vec<Dispute>,
    does_money: bool,
    sees_fund: bool,
}

/// GET /{branch}/fund: balances, and the way to everything else (treasurer, organisers);
/// for a rep, the way to each dispute's strike days and release requests only.
pub async fn index(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?;
    if access.role == picket_domain::Role::Member {
        return Err(crate::error::AppError::Forbidden);
    }
    let accounts = if access.sees_fund() {
        state.store.fund_accounts(access.branch.id).await?
    } else {
        Vec::new()
    };
    render(&IndexPage {
        layout: Layout::new(
            format!("Strike fund · {}", access.branch.name),
            &csrf,
            Some(&user),
        ),
        slug: access.branch.slug.clone(),
        branch_name: access.branch.name.clone(),
        held: held(&accounts),
        accounts: rows(accounts),
        disputes: state.store.disputes(access.branch.id).await?,
        does_money: access.does_money(),
        sees_fund: access.sees_fund(),
    })
}

/// Which page of a statement.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    /// 1-based.
    #[serde(default)]
    pub page: Option<u32>,
}

#[derive(Template)]
#[template(path = "fund/statement.html")]
struct StatementPage {
    layout: Layout,
    slug: String,
    account: AccountRow,
    lines: Vec<(StatementLine, &'static str)>,
    page: u32,
    pages: u32,
    does_money: bool,
}

/// GET /{branch}/fund/accounts/{id}?page=N: an account's statement (treasurer, organisers).
pub async fn statement(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path((slug, id)): Path<(String, FundAccountId)>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?.must_see()?;
    let account = state.store.fund_account(access.branch.id, id).await?;
    let page = state
        .store
        .fund_statement(
            access.branch.id,
            id,
            PageRequest::new(q.page.unwrap_or(1), STATEMENT_PAGE),
        )
        .await?;
    let pages = page.pages();
    let sign = account.kind.normal_sign();
    render(&StatementPage {
        layout: Layout::new(
            format!("{} · strike fund", account.name),
            &csrf,
            Some(&user),
        ),
        slug: access.branch.slug.clone(),
        lines: page
            .items
            .into_iter()
            .map(|mut l| {
                l.amount = Pence::from_pence(l.amount.pence() * sign);
                l.balance_after = Pence::from_pence(l.balance_after.pence() * sign);
                let kind = l.kind.label();
                (l, kind)
            })
            .collect(),
        page: page.page,
        pages,
        does_money: access.does_money(),
        account: rows(vec![account]).remove(0),
    })
}
