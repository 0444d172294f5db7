//! Reports: the fund summary for a members' meeting (totals only, no one named) and a
//! member's own strike days and strike pay statement, for their self-service page and
//! their subject access export.

use crate::error::AppResult;
use crate::extract::{CsrfToken, CurrentUser};
use crate::filters;
use crate::fund;
use crate::pages::{render, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::NaiveDate;
use picket_domain::disputes::Named;
use picket_domain::strike_days::DayOutcome;
use picket_domain::{BranchId, MemberId, Pence};
use picket_store::fund::FundAccount;
use picket_store::strike_pay::StrikePayStatement;
use serde::Serialize;
use utoipa::ToSchema;

/// The fund in totals, as read out at a members' meeting. Amounts in pence.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FundSummary {
    /// Held in all asset accounts (bank, cash, the restricted hardship fund).
    #[schema(value_type = i64)]
    pub held: Pence,
    /// Of which kept for hardship grants only.
    #[schema(value_type = i64)]
    pub hardship_fund: Pence,
    /// Donations received, unrestricted and restricted.
    #[schema(value_type = i64)]
    pub donations: Pence,
    /// How many donations.
    pub donation_count: u64,
    /// Strike pay approved by pay runs.
    #[schema(value_type = i64)]
    pub strike_pay_approved: Pence,
    /// Of which paid.
    #[schema(value_type = i64)]
    pub strike_pay_paid: Pence,
    /// Of which still owed.
    #[schema(value_type = i64)]
    pub strike_pay_owed: Pence,
    /// How many members have been paid strike pay or are owed it.
    pub members_with_strike_pay: u64,
    /// Hardship grants made.
    #[schema(value_type = i64)]
    pub hardship_granted: Pence,
    /// Of which not yet paid.
    #[schema(value_type = i64)]
    pub hardship_owed: Pence,
}

fn shown(accounts: &[FundAccount], code: &str) -> Pence {
    accounts
        .iter()
        .find(|a| a.code.as_str() == code)
        .map_or(Pence::ZERO, FundAccount::shown_balance)
}

/// The branch's fund summary, from the kept balances.
pub async fn summary(state: &AppState, branch: BranchId) -> AppResult<FundSummary> {
    let accounts = state.store.fund_accounts(branch).await?;
    let raised = state.store.raised_so_far(branch).await?;
    let balances = state.store.strike_pay_balances(branch).await?;
    let approved = shown(&accounts, "strike-pay");
    let owed = shown(&accounts, "strike-pay-owed");
    Ok(FundSummary {
        held: fund::ledger::held(&accounts),
        hardship_fund: shown(&accounts, "hardship-fund"),
        donations: raised.total,
        donation_count: raised.donations,
        strike_pay_approved: approved,
        strike_pay_paid: Pence::from_pence(approved.pence() - owed.pence()),
        strike_pay_owed: owed,
        members_with_strike_pay: balances.len() as u64,
        hardship_granted: shown(&accounts, "hardship-grants"),
        hardship_owed: shown(&accounts, "hardship-owed"),
    })
}

#[derive(Template)]
#[template(path = "fund/summary.html")]
struct SummaryPage {
    layout: Layout,
    slug: String,
    branch_name: String,
    s: FundSummary,
    today: NaiveDate,
}

/// GET /{branch}/fund/summary (treasurer, organisers): printable, no one named.
pub async fn summary_page(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?.must_see()?;
    render(&SummaryPage {
        layout: Layout::new(
            format!("Fund summary · {}", access.branch.name),
            &csrf,
            Some(&user),
        ),
        slug: access.branch.slug.clone(),
        branch_name: access.branch.name.clone(),
        s: summary(&state, access.branch.id).await?,
        today: chrono::Utc::now().date_naive(),
    })
}

/// One of a member's strike days as it stands.
#[derive(Debug, Clone, Serialize)]
pub struct OwnDay {
    /// The day.
    pub day: NaiveDate,
    /// What a rep entered.
    pub rep: Option<&'static str>,
    /// What the member declared.
    pub declared: Option<&'static str>,
    /// The day's status in words, or the conflict.
    pub outcome: String,
}

/// A member's own strike days and strike pay.
#[derive(Debug, Clone, Serialize)]
pub struct OwnStrikePay {
    /// Their days, by day.
    pub days: Vec<OwnDay>,
    /// Their strike pay statement.
    pub statement: StrikePayStatement,
}

/// What member `id` of `branch` did on each strike day and their strike pay statement.
pub async fn own(state: &AppState, branch: BranchId, id: MemberId) -> AppResult<OwnStrikePay> {
    let days = state
        .store
        .days_of_member(branch, id)
        .await?
        .into_iter()
        .map(|d| OwnDay {
            day: d.day,
            rep: d.rep.map(|s| s.label()),
            declared: d.member.map(|s| s.label()),
            outcome: match d.outcome {
                DayOutcome::Unknown => "Not recorded".into(),
                DayOutcome::Known { status } => status.label().into(),
                DayOutcome::Conflict { .. } => {
                    "Your declaration differs from your rep's entry: a rep will settle it".into()
                }
            },
        })
        .collect();
    Ok(OwnStrikePay {
        days,
        statement: state.store.strike_pay_statement(branch, id).await?,
    })
}
