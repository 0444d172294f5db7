//! The strike fund on the web: the ledger and statements, donations, participation per
//! member, release requests, strike pay, hardship grants and the reports, as pages and as
//! JSON. The treasurer does the money; organisers see it; reps record participation for
//! their teams; members see their own strike pay and declare their own days.
//!
//! - [`ledger`]: balances and each account's statement;
//! - [`donations`]: the donations form and list;
//! - [`participation`]: the day-by-day grid, members' own declarations, conflicts;
//! - [`releases`]: the employer's requests to release strikers for cover;
//! - [`strike_pay`]: the policy, pay runs and their approval;
//! - [`payments`]: paying what is owed and the CSV payment file;
//! - [`transactions`]: a transaction posted by hand, and reversing one with a reason;
//! - [`hardship`]: applications, decisions and payment; [`own_hardship`]: a member's own
//!   application from their self-service page;
//! - [`reports`]: the fund summary for a members' meeting and a member's own statement;
//! - [`api`], [`api_pay`], [`api_ledger`]: the same over JSON.

pub mod api;
pub mod api_ledger;
pub mod api_pay;
pub mod donations;
pub mod hardship;
pub mod ledger;
pub mod own_hardship;
pub mod participation;
pub mod payments;
pub mod releases;
pub mod reports;
pub mod strike_pay;
pub mod transactions;

use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::CurrentUser;
use crate::state::AppState;
use chrono::NaiveDate;
use picket_domain::{DisputeId, MemberId, Pence, PeriodId, Role};
use picket_store::disputes::ActionPeriod;
use picket_store::{Branch, NewAuditEntry};
use std::collections::BTreeMap;

/// A signed-in user's standing in a branch's fund.
#[derive(Debug, Clone)]
pub struct Access {
    /// The branch.
    pub branch: Branch,
    /// Their role there (admin for an instance admin).
    pub role: Role,
}

impl Access {
    /// The access of `user` to `branch`, which they are known to belong to.
    pub fn of(user: &CurrentUser, branch: Branch) -> Self {
        let role = if user.is_admin() {
            Role::Admin
        } else {
            user.role_in(&branch.slug).unwrap_or(Role::Member)
        };
        Access { branch, role }
    }

    /// Whether they see the fund: the treasurer, organisers and admins.
    pub fn sees_fund(&self) -> bool {
        matches!(self.role, Role::Treasurer | Role::Organiser | Role::Admin)
    }

    /// Whether they post money: the treasurer (and an instance admin).
    pub fn does_money(&self) -> bool {
        matches!(self.role, Role::Treasurer | Role::Admin)
    }

    /// 403 unless they see the fund.
    pub fn must_see(self) -> AppResult<Self> {
        if self.sees_fund() {
            Ok(self)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// 403 unless they post money.
    pub fn must_do_money(self) -> AppResult<Self> {
        if self.does_money() {
            Ok(self)
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// The user's access to the branch `slug` (404 if they do not belong to it).
pub async fn access(state: &AppState, user: &CurrentUser, slug: &str) -> AppResult<Access> {
    let branch = user
        .branch_access(&*state.store, slug, Role::Member)
        .await?;
    Ok(Access::of(user, branch))
}

/// An amount typed in pounds ("12.50") that must be more than nothing.
pub fn amount(field: &'static str, text: &str) -> AppResult<Pence> {
    let pence = Pence::parse(text).map_err(|e| AppError::invalid(field, e.to_string()))?;
    if pence <= Pence::ZERO {
        return Err(AppError::invalid(
            field,
            "Give an amount of more than £0.00.",
        ));
    }
    Ok(pence)
}

/// A day typed as YYYY-MM-DD.
pub fn day(field: &'static str, text: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, "Give the date as YYYY-MM-DD, like 2024-05-01."))
}

/// A day as people read it: "1 May 2024".
pub fn words(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

/// A strike period of a dispute with the days it counts as strike days.
#[derive(Debug, Clone)]
pub struct StrikePeriod {
    /// The period.
    pub period: ActionPeriod,
    /// Its strike days, in order.
    pub days: Vec<NaiveDate>,
}

/// The dispute's strike periods with their strike days (weekdays less bank holidays, with
/// the holidays the branch counts), in date order.
pub async fn strike_periods(
    state: &AppState,
    branch: &Branch,
    dispute: DisputeId,
) -> AppResult<Vec<StrikePeriod>> {
    let d = state.store.dispute(branch.id, dispute).await?;
    let mut periods = state.store.action_periods(branch.id, dispute).await?;
    periods.sort_by_key(|p| (p.starts, p.id));
    let mut out = Vec::new();
    for p in periods {
        if p.kind != picket_domain::disputes::ActionKind::Strike {
            continue;
        }
        let count = state
            .law
            .calendar
            .strike_days(d.nation.division(), p.starts, p.ends, &p.holidays_as_strike)
            .map_err(|e| AppError::failed("counting strike days", e))?;
        let excluded: Vec<NaiveDate> = count.excluded.iter().map(|e| e.date).collect();
        let days = p
            .starts
            .iter_days()
            .take_while(|x| *x <= p.ends)
            .filter(|x| !excluded.contains(x))
            .collect();
        out.push(StrikePeriod { period: p, days });
    }
    Ok(out)
}

/// The period holding `day` among the dispute's strike periods, or a message naming the
/// dispute's strike days.
pub fn period_of(
    periods: &[StrikePeriod],
    field: &'static str,
    day: NaiveDate,
) -> AppResult<PeriodId> {
    periods
        .iter()
        .find(|p| p.period.starts <= day && day <= p.period.ends)
        .map(|p| p.period.id)
        .ok_or_else(|| outside(periods, field, day))
}

/// "That day is outside the dispute's periods of action".
pub fn outside(periods: &[StrikePeriod], field: &'static str, day: NaiveDate) -> AppError {
    let span = match (periods.first(), periods.last()) {
        (Some(a), Some(b)) => format!(
            " (its strike action runs from {} to {})",
            words(a.period.starts),
            words(b.period.ends)
        ),
        _ => " (it has no strike periods yet)".to_string(),
    };
    AppError::invalid(
        field,
        format!(
            "{} is outside the dispute's periods of strike action{span}: choose a day within them.",
            words(day)
        ),
    )
}

/// The names of these members, for a fund page or answer: read from their records, and
/// audited as one `member.fund_read` entry (reason: payments) with the count.
pub async fn member_names(
    state: &AppState,
    actor: &Actor<'_>,
    ids: Vec<MemberId>,
) -> AppResult<BTreeMap<MemberId, String>> {
    let mut names = BTreeMap::new();
    for id in ids {
        if names.contains_key(&id) {
            continue;
        }
        let name = match state.store.member(actor.branch.id, id).await {
            Ok(m) if m.erased_at.is_none() => m.details.name,
            Ok(_) | Err(picket_store::StoreError::NotFound) => format!("Member {id} (erased)"),
            Err(e) => return Err(e.into()),
        };
        names.insert(id, name);
    }
    if !names.is_empty() {
        state
            .store
            .audit(NewAuditEntry {
                detail: Some(format!("reason=payments; members={}", names.len())),
                ..actor.entry("member.fund_read", format!("branch:{}", actor.branch.id))
            })
            .await?;
    }
    Ok(names)
}
