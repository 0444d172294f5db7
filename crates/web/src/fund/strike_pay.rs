//! Strike pay for a dispute: the policy (a flat daily rate, or a share of each member's
//! daily pay up to a cap; which statuses count; national strike pay the branch tops up
//! from), pay runs over a range of strike days shown with each member's working, and the
//! treasurer's approval, which posts the liability once however many times it is asked for.

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
use picket_domain::fund::strike_pay::{NationalPay, PayPolicy, PayRate};
use picket_domain::strike_days::DayStatus;
use picket_domain::{DisputeId, FundTransactionId, MemberId, PayRunId, Pence};
use picket_store::strike_pay::{PayRun, PayRunLine, PayRunStatus};
use picket_store::StoreError;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use utoipa::ToSchema;

/// A policy as typed or sent: amounts in pounds, the share in percent.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct PolicyInput {
    /// `flat` (the same every day) or `share` (a share of daily pay up to a cap).
    pub rate: String,
    /// The flat daily rate in pounds, like `30.00`.
    pub daily: String,
    /// The share of daily pay in percent, like `50` or `33.33`.
    pub share_percent: String,
    /// The most a day pays under a share, in pounds.
    pub cap: String,
    /// The statuses whose days are paid, like `["on-strike"]`.
    pub counts: Vec<String>,
    /// National strike pay per day in pounds, when the union pays it (else empty).
    pub national_daily: String,
    /// The counted day (1, 2, …) national strike pay starts from.
    pub national_from_day: String,
}

impl PolicyInput {
    /// The form's fields from a stored policy.
    pub fn of(policy: &PayPolicy) -> Self {
        let (rate, daily, share_percent, cap) = match policy.rate {
            PayRate::Flat { daily } => ("flat", daily.decimal(), String::new(), String::new()),
            PayRate::Share { hundredths, cap } => (
                "share",
                String::new(),
                format!("{}.{:02}", hundredths / 100, hundredths % 100),
                cap.decimal(),
            ),
        };
        PolicyInput {
            rate: rate.into(),
            daily,
            share_percent,
            cap,
            counts: policy
                .counts
                .iter()
                .map(|s| s.as_str().to_string())
                .collect(),
            national_daily: policy
                .national
                .map(|n| n.daily.decimal())
                .unwrap_or_default(),
            national_from_day: policy
                .national
                .map(|n| n.from_day.to_string())
                .unwrap_or_default(),
        }
    }

    /// Checks every field, naming the first at fault. A working day is never paid.
    pub fn check(&self) -> AppResult<PayPolicy> {
        let rate = match self.rate.trim() {
            "flat" => PayRate::Flat {
                daily: fund::amount("daily", &self.daily)?,
            },
            "share" => {
                // A percentage with at most two decimals is read as pence are: 33.33 → 3333.
                let hundredths = Pence::parse(&self.share_percent)
                    .map_err(|e| {
                        AppError::invalid(
                            "share_percent",
                            e.to_string()
                                .replace("pounds", "percent")
                                .replace("pence", "hundredths"),
                        )
                    })?
                    .pence();
                let hundredths = u32::try_from(hundredths)
                    .ok()
                    .filter(|h| (1..=10_000).contains(h))
                    .ok_or_else(|| {
                        AppError::invalid(
                            "share_percent",
                            "Give a share of daily pay between 0.01% and 100%.",
                        )
                    })?;
                PayRate::Share {
                    hundredths,
                    cap: fund::amount("cap", &self.cap)?,
                }
            }
            _ => {
                return Err(AppError::invalid(
                    "rate",
                    "Choose a flat daily rate or a share of daily pay.",
                ))
            }
        };
        let mut counts = BTreeSet::new();
        for c in &self.counts {
            counts.insert(crate::fund::participation::status("counts", c)?);
        }
        if counts.contains(&DayStatus::Working) {
            return Err(AppError::invalid(
                "counts",
                "A day a member worked is never paid strike pay: untick working.",
            ));
        }
        let national = match (self.national_daily.trim(), self.national_from_day.trim()) {
            ("", "") => None,
            (daily, from) => Some(NationalPay {
                daily: fund::amount("national_daily", daily)?,
                from_day: from.parse().map_err(|_| {
                    AppError::invalid(
                        "national_from_day",
                        "Give the counted day national strike pay starts from, like 3.",
                    )
                })?,
            }),
        };
        PayPolicy::new(rate, counts, national).map_err(|e| {
            let field = match e {
                picket_domain::fund::strike_pay::PayPolicyError::NothingCounts => "counts",
                picket_domain::fund::strike_pay::PayPolicyError::NationalDay => "national_from_day",
                picket_domain::fund::strike_pay::PayPolicyError::Share => "share_percent",
                picket_domain::fund::strike_pay::PayPolicyError::NotPositive => "daily",
            };
            AppError::invalid(field, e.to_string())
        })
    }
}

/// Sets a dispute's policy with its audit entry.
pub async fn set_policy(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    input: &PolicyInput,
) -> AppResult<PayPolicy> {
    let policy = input.check()?;
    let mut work = state.store.begin().await?;
    work.set_pay_policy(actor.branch.id, dispute, &policy, Some(actor.user.user.id))
        .await?;
    work.audit(actor.entry("fund.strike_pay.policy", format!("dispute:{dispute}")))
        .await?;
    work.commit().await?;
    Ok(policy)
}

/// A pay run's range as typed or sent.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct RunInput {
    /// The first day, `YYYY-MM-DD`.
    pub first: String,
    /// The last day, `YYYY-MM-DD`.
    pub last: String,
}

/// Computes a draft run (with its audit entry) over days that must lie within the
/// dispute's strike action.
pub async fn create_run(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    input: &RunInput,
) -> AppResult<PayRunId> {
    let first = fund::day("first", &input.first)?;
    let last = fund::day("last", &input.last)?;
    let periods = fund::strike_periods(state, actor.branch, dispute).await?;
    let (Some(start), Some(end)) = (
        periods.first().map(|p| p.period.starts),
        periods.iter().map(|p| p.period.ends).max(),
    ) else {
        return Err(fund::outside(&periods, "first", first));
    };
    for (field, day) in [("first", first), ("last", last)] {
        if day < start || day > end {
            return Err(fund::outside(&periods, field, day));
        }
    }
    if first > last {
        return Err(AppError::invalid(
            "last",
            format!(
                "The last day ({}) is before the first ({}): swap them.",
                fund::words(last),
                fund::words(first)
            ),
        ));
    }
    let mut work = state.store.begin().await?;
    let id = work
        .create_pay_run(
            actor.branch.id,
            dispute,
            first,
            last,
            Some(actor.user.user.id),
        )
        .await?;
    work.audit(actor.entry("fund.strike_pay.run", format!("pay-run:{id}")))
        .await?;
    work.commit().await?;
    Ok(id)
}

/// Approves a draft run dated today: posts its liability and marks its days paid, with its
/// audit entry, once. A second approval, or a day another run paid meanwhile, is a conflict
/// and nothing is posted.
pub async fn approve(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    id: PayRunId,
) -> AppResult<Option<FundTransactionId>> {
    let run = state.store.pay_run(actor.branch.id, id).await?;
    if run.dispute_id != dispute {
        return Err(AppError::NotFound);
    }
    if run.status == PayRunStatus::Approved {
        return Err(already_approved());
    }
    let mut work = state.store.begin().await?;
    let posted = work
        .approve_pay_run(
            actor.branch.id,
            id,
            chrono::Utc::now().date_naive(),
            Some(actor.user.user.id),
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict("approval") => already_approved(),
            StoreError::Conflict(_) => AppError::Conflict(
                "Some of these days were paid by another run meanwhile: make a new pay run over them, which leaves out what is paid.".into(),
            ),
            other => other.into(),
        })?;
    let mut entry = actor.entry("fund.strike_pay.approve", format!("pay-run:{id}"));
    entry.detail = Some(format!(
        "total={}; transaction={}",
        run.total.decimal(),
        posted.map_or_else(|| "none".to_string(), |t| t.to_string())
    ));
    work.audit(entry).await?;
    work.commit().await.map_err(|e| match e {
        StoreError::Conflict(_) => already_approved(),
        other => other.into(),
    })?;
    Ok(posted)
}

fn already_approved() -> AppError {
    AppError::Conflict("This pay run has been approved already: its pay was posted once.".into())
}

/// One member's part of a run, with the working of each day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberRun {
    /// The member.
    #[schema(value_type = i64)]
    pub member_id: MemberId,
    /// Their name.
    pub name: String,
    /// What the run pays them.
    #[schema(value_type = i64)]
    pub total: Pence,
    /// Each day with its working.
    #[schema(value_type = Vec<Object>)]
    pub days: Vec<PayRunLine>,
}

/// A run's lines by member, with names (audited).
pub async fn by_member(
    state: &AppState,
    actor: &Actor<'_>,
    run: &PayRun,
) -> AppResult<Vec<MemberRun>> {
    let names = fund::member_names(
        state,
        actor,
        run.lines.iter().map(|l| l.member_id).collect(),
    )
    .await?;
    let mut out: BTreeMap<MemberId, MemberRun> = BTreeMap::new();
    for l in &run.lines {
        let m = out.entry(l.member_id).or_insert_with(|| MemberRun {
            member_id: l.member_id,
            name: names.get(&l.member_id).cloned().unwrap_or_default(),
            total: Pence::ZERO,
            days: Vec::new(),
        });
        m.total = m.total.checked_add(l.amount).unwrap_or(m.total);
        m.days.push(l.clone());
    }
    let mut v: Vec<MemberRun> = out.into_values().collect();
    v.sort_by(|a, b| a.name.cmp(&b.name).then(a.member_id.cmp(&b.member_id)));
    Ok(v)
}

#[derive(Template)]
#[template(path = "fund/strike_pay.html")]
struct PolicyPage {
    layout: Layout,
    slug: String,
    dispute: DisputeId,
    title: String,
    has_policy: bool,
    policy: PolicyInput,
    statuses: Vec<(&'static str, &'static str, bool)>,
    runs: Vec<PayRun>,
    run: RunInput,
    does_money: bool,
    error: Option<String>,
    run_error: Option<String>,
}

async fn policy_page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    access: &Access,
    dispute: DisputeId,
) -> AppResult<PolicyPage> {
    let d = state.store.dispute(access.branch.id, dispute).await?;
    let stored = state.store.pay_policy(access.branch.id, dispute).await?;
    let policy = stored.as_ref().map_or_else(
        || PolicyInput {
            rate: "flat".into(),
            counts: vec!["on-strike".into()],
            ..PolicyInput::default()
        },
        PolicyInput::of,
    );
    let periods = fund::strike_periods(state, &access.branch, dispute).await?;
    Ok(PolicyPage {
        layout: Layout::new(format!("Strike pay · {}", d.title), csrf, Some(user)),
        slug: access.branch.slug.clone(),
        dispute,
        title: d.title,
        has_policy: stored.is_some(),
        statuses: statuses(&policy),
        policy,
        runs: state.store.pay_runs(access.branch.id, dispute).await?,
        run: RunInput {
            first: periods
                .first()
                .map(|p| p.period.starts.to_string())
                .unwrap_or_default(),
            last: periods
                .iter()
                .map(|p| p.period.ends)
                .max()
                .map(|d| d.to_string())
                .unwrap_or_default(),
        },
        does_money: access.does_money(),
        error: None,
        run_error: None,
    })
}

fn statuses(policy: &PolicyInput) -> Vec<(&'static str, &'static str, bool)> {
    DayStatus::ALL
        .iter()
        .map(|s| {
            (
                s.as_str(),
                s.label(),
                policy.counts.iter().any(|c| c == s.as_str()),
            )
        })
        .collect()
}

/// GET /{branch}/disputes/{id}/strike-pay: the policy and the pay runs (treasurer,
/// organisers).
pub async fn page(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path((slug, dispute)): Path<(String, DisputeId)>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?.must_see()?;
    render(&policy_page(&state, &csrf, &user, &access, dispute).await?)
}

/// POST /{branch}/disputes/{id}/strike-pay/policy (treasurer): `counts` once per ticked
/// status.
pub async fn save_policy(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, dispute)): Path<(String, DisputeId)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?.must_do_money()?;
    let mut input = PolicyInput::default();
    for (k, v) in form {
        match k.as_str() {
            "rate" => input.rate = v,
            "daily" => input.daily = v,
            "share_percent" => input.share_percent = v,
            "cap" => input.cap = v,
            "counts" => input.counts.push(v),
            "national_daily" => input.national_daily = v,
            "national_from_day" => input.national_from_day = v,
            _ => {}
        }
    }
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    match set_policy(&state, &actor, dispute, &input).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/{}/disputes/{dispute}/strike-pay",
            access.branch.slug
        ))
        .into_response()),
        Err(e) => {
            let (status, message) = fund::donations::refusal(e)?;
            let mut p = policy_page(&state, &csrf, &user, &access, dispute).await?;
            p.statuses = statuses(&input);
            p.policy = input;
            p.error = Some(message);
            render_with_status(status, &p)
        }
    }
}

/// POST /{branch}/disputes/{id}/strike-pay/runs (treasurer): compute a draft run.
pub async fn new_run(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, dispute)): Path<(String, DisputeId)>,
    CsrfForm(form): CsrfForm<RunInput>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?.must_do_money()?;
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    match create_run(&state, &actor, dispute, &form).await {
        Ok(id) => Ok(Redirect::to(&format!(
            "/{}/disputes/{dispute}/strike-pay/runs/{id}",
            access.branch.slug
        ))
        .into_response()),
        Err(e) => {
            let (status, message) = fund::donations::refusal(e)?;
            let mut p = policy_page(&state, &csrf, &user, &access, dispute).await?;
            p.run = form;
            p.run_error = Some(message);
            render_with_status(status, &p)
        }
    }
}

#[derive(Template)]
#[template(path = "fund/pay_run.html")]
struct RunPage {
    layout: Layout,
    slug: String,
    dispute: DisputeId,
    run: PayRun,
    approved: bool,
    members: Vec<MemberRun>,
    does_money: bool,
    error: Option<String>,
}

async fn run_page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    access: &Access,
    actor: &Actor<'_>,
    dispute: DisputeId,
    id: PayRunId,
) -> AppResult<RunPage> {
    let run = state.store.pay_run(access.branch.id, id).await?;
    if run.dispute_id != dispute {
        return Err(AppError::NotFound);
    }
    Ok(RunPage {
        layout: Layout::new(format!("Pay run {id}"), csrf, Some(user)),
        slug: access.branch.slug.clone(),
        dispute,
        approved: run.status == PayRunStatus::Approved,
        members: by_member(state, actor, &run).await?,
        run,
        does_money: access.does_money(),
        error: None,
    })
}

/// GET /{branch}/disputes/{id}/strike-pay/runs/{run}: the run with each member's working.
pub async fn show_run(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, dispute, id)): Path<(String, DisputeId, PayRunId)>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?.must_see()?;
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    render(&run_page(&state, &csrf, &user, &access, &actor, dispute, id).await?)
}

/// POST /{branch}/disputes/{id}/strike-pay/runs/{run}/approve (treasurer).
pub async fn approve_form(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, dispute, id)): Path<(String, DisputeId, PayRunId)>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?.must_do_money()?;
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    match approve(&state, &actor, dispute, id).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/{}/disputes/{dispute}/strike-pay/runs/{id}",
            access.branch.slug
        ))
        .into_response()),
        Err(e) => {
            let (status, message) = fund::donations::refusal(e)?;
            let mut p = run_page(&state, &csrf, &user, &access, &actor, dispute, id).await?;
            p.error = Some(message);
            render_with_status(status, &p)
        }
    }
}
