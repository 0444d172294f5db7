//! Hardship grants: the treasurer records a member's application (amount and reason),
//! decides it (a grant posts hardship expense against hardship owed) and pays it. The
//! reasons are seen by the treasurer and organisers only, and retention clears them after
//! the decision; the ledger stays.

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
use picket_domain::fund::hardship::NewHardshipApplication;
use picket_domain::{FundTransactionId, HardshipGrantId, MemberId};
use picket_store::hardship::HardshipGrant;
use picket_store::members::MemberFilter;
use picket_store::{PageRequest, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An application as typed or sent.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct ApplicationInput {
    /// The member applying (their id).
    pub member: String,
    /// The amount in pounds, like `200.00`.
    pub amount: String,
    /// Why the grant is needed.
    pub reason: String,
    /// The day they applied, `YYYY-MM-DD`.
    pub applied_on: String,
}

/// Records an application with its audit entry (which never holds the reason).
pub async fn apply(
    state: &AppState,
    actor: &Actor<'_>,
    input: &ApplicationInput,
) -> AppResult<HardshipGrantId> {
    let member = MemberId(
        input
            .member
            .trim()
            .parse()
            .map_err(|_| AppError::invalid("member", "Choose the member applying."))?,
    );
    let amount = fund::amount("amount", &input.amount)?;
    let applied_on = fund::day("applied_on", &input.applied_on)?;
    let application = NewHardshipApplication::new(
        member,
        amount,
        &input.reason,
        applied_on,
        chrono::Utc::now().date_naive(),
    )
    .map_err(|e| {
        let field = match e {
            picket_domain::fund::hardship::HardshipError::InFuture => "applied_on",
            picket_domain::fund::hardship::HardshipError::NotPositive => "amount",
            _ => "reason",
        };
        AppError::invalid(field, e.to_string())
    })?;
    let mut work = state.store.begin().await?;
    let id = work
        .apply_for_hardship(actor.branch.id, &application, Some(actor.user.user.id))
        .await?;
    let mut entry = actor.entry("fund.hardship.apply", format!("hardship:{id}"));
    entry.detail = Some(format!("member:{member}; amount={}", amount.decimal()));
    work.audit(entry).await?;
    work.commit().await?;
    Ok(id)
}

/// Grants or refuses a pending application, dated today, with its audit entry.
pub async fn decide(
    state: &AppState,
    actor: &Actor<'_>,
    id: HardshipGrantId,
    grant: bool,
) -> AppResult<Option<FundTransactionId>> {
    let mut work = state.store.begin().await?;
    let posted = work
        .decide_hardship(
            actor.branch.id,
            id,
            grant,
            chrono::Utc::now().date_naive(),
            Some(actor.user.user.id),
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => {
                AppError::Conflict("That application has been decided already.".into())
            }
            other => other.into(),
        })?;
    let mut entry = actor.entry("fund.hardship.decide", format!("hardship:{id}"));
    entry.detail = Some(if grant { "granted" } else { "refused" }.into());
    work.audit(entry).await?;
    work.commit().await?;
    Ok(posted)
}

/// Pays a granted application from `from` (`hardship-fund`, `bank` or `cash`), dated
/// today, with its audit entry.
pub async fn pay(
    state: &AppState,
    actor: &Actor<'_>,
    id: HardshipGrantId,
    from: &str,
) -> AppResult<FundTransactionId> {
    let from = match from.trim() {
        "" => "hardship-fund",
        f => f,
    };
    let mut work = state.store.begin().await?;
    let posted = work
        .pay_hardship(
            actor.branch.id,
            id,
            chrono::Utc::now().date_naive(),
            from,
            Some(actor.user.user.id),
        )
        .await?;
    let mut entry = actor.entry("fund.hardship.pay", format!("hardship:{id}"));
    entry.detail = Some(format!("from={from}; transaction={posted}"));
    work.audit(entry).await?;
    work.commit().await?;
    Ok(posted)
}

/// An application with the member's name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GrantRow {
    /// The application.
    #[schema(value_type = Object)]
    pub grant: HardshipGrant,
    /// The member's name.
    pub name: String,
}

/// The branch's applications with names (audited).
pub async fn rows(state: &AppState, actor: &Actor<'_>) -> AppResult<Vec<GrantRow>> {
    let grants = state.store.hardship_grants(actor.branch.id).await?;
    let names =
        fund::member_names(state, actor, grants.iter().map(|g| g.member_id).collect()).await?;
    Ok(grants
        .into_iter()
        .map(|grant| GrantRow {
            name: names.get(&grant.member_id).cloned().unwrap_or_default(),
            grant,
        })
        .collect())
}

#[derive(Template)]
#[template(path = "fund/hardship.html")]
struct HardshipPage {
    layout: Layout,
    slug: String,
    rows: Vec<GrantRow>,
    members: Vec<(MemberId, String)>,
    does_money: bool,
    form: ApplicationInput,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    access: &Access,
    actor: &Actor<'_>,
) -> AppResult<HardshipPage> {
    let members = if access.does_money() {
        let found = state
            .store
            .search_members(
                access.branch.id,
                &MemberFilter::default(),
                PageRequest::new(1, 200),
            )
            .await?;
        let mut entry = actor.entry("member.search", format!("branch:{}", access.branch.id));
        entry.detail = Some(format!(
            "reason=payments; hardship form; results={}",
            found.total
        ));
        state.store.audit(entry).await?;
        found
            .items
            .into_iter()
            .map(|m| (m.id, m.details.name))
            .collect()
    } else {
        Vec::new()
    };
    Ok(HardshipPage {
        layout: Layout::new(
            format!("Hardship grants · {}", access.branch.name),
            csrf,
            Some(user),
        ),
        slug: access.branch.slug.clone(),
        rows: rows(state, actor).await?,
        members,
        does_money: access.does_money(),
        form: ApplicationInput {
            applied_on: chrono::Utc::now().date_naive().to_string(),
            ..ApplicationInput::default()
        },
        error: None,
    })
}

/// GET /{branch}/fund/hardship (treasurer, organisers).
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

/// POST /{branch}/fund/hardship (treasurer): record an application.
pub async fn add(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<ApplicationInput>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?.must_do_money()?;
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    match apply(&state, &actor, &form).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/{}/fund/hardship", access.branch.slug)).into_response())
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

/// The decision or payment form.
#[derive(Debug, Deserialize)]
pub struct ActForm {
    /// `grant`, `refuse` or `pay`.
    pub action: String,
    /// The account to pay from.
    #[serde(default)]
    pub from: String,
}

/// POST /{branch}/fund/hardship/{id} (treasurer): decide or pay.
pub async fn act(
    State(state): State<AppState>,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, HardshipGrantId)>,
    CsrfForm(form): CsrfForm<ActForm>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?.must_do_money()?;
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    match form.action.as_str() {
        "grant" => decide(&state, &actor, id, true).await.map(|_| ())?,
        "refuse" => decide(&state, &actor, id, false).await.map(|_| ())?,
        "pay" => pay(&state, &actor, id, &form.from).await.map(|_| ())?,
        _ => return Err(AppError::invalid("action", "Choose grant, refuse or pay.")),
    }
    Ok(Redirect::to(&format!("/{}/fund/hardship#grant-{id}", access.branch.slug)).into_response())
}
