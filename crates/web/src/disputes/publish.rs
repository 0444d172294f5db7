//! Publishing a period of action whose law checks found problems. Such a period stays off
//! every public page, feed and poster until an organiser reads each warning on one page and
//! confirms that it should be shown anyway; the confirmation is audited with the warnings it
//! overrode, and can be taken back. A change to the period clears it.
//!
//! `GET|POST /{branch}/disputes/{id}/periods/{period}/publish`,
//! `POST /{branch}/disputes/{id}/periods/{period}/withdraw`, and the API's
//! `…/action-periods/{period}/publication`.

use crate::disputes::rooms::Room;
use crate::disputes::view::{assemble, PeriodView, Warning};
use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::filters;
use crate::pages::{render, render_with_status, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use picket_domain::disputes::Named;
use picket_domain::{DisputeId, PeriodId, Role};
use picket_store::Branch;
use serde::Deserialize;

/// One of the dispute's periods as the desk sees it today.
pub async fn current(
    state: &AppState,
    branch: &Branch,
    dispute: DisputeId,
    period: PeriodId,
) -> AppResult<PeriodView> {
    let today = Utc::now().date_naive();
    assemble(state, branch.id, dispute, today, false)
        .await?
        .periods
        .into_iter()
        .find(|p| p.period.id == period)
        .ok_or(AppError::NotFound)
}

/// The warnings' codes, as the confirmation names them.
fn codes(warnings: &[Warning]) -> Vec<String> {
    warnings.iter().map(|w| w.code.clone()).collect()
}

/// Shows the period publicly despite its warnings. `despite` must name every warning the
/// period has now: a warning the organiser did not see is never overridden.
pub async fn publish(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    period: PeriodId,
    despite: &[String],
) -> AppResult<PeriodView> {
    let view = current(state, actor.branch, dispute, period).await?;
    if view.warnings.is_empty() {
        return Err(AppError::invalid(
            "despite",
            "The law checks found no problem with this period: it is already public.",
        ));
    }
    let now = codes(&view.warnings);
    if now.iter().any(|c| !despite.contains(c)) {
        return Err(AppError::invalid(
            "despite",
            format!(
                "The warnings have changed since they were read: confirm each of {}.",
                now.join(", ")
            ),
        ));
    }
    let mut work = state.store.begin().await?;
    work.publish_period(
        actor.branch.id,
        dispute,
        period,
        &now,
        actor.user.user.id,
        Utc::now(),
    )
    .await?;
    let mut entry = actor.entry("action.publish", format!("action_period:{period}"));
    let overridden: Vec<String> = view
        .warnings
        .iter()
        .map(|w| format!("{}: {}", w.code, w.message))
        .collect();
    entry.detail = Some(format!(
        "Published despite the law checks' warnings: {}",
        overridden.join("; ")
    ));
    work.audit(entry).await?;
    work.commit().await?;
    state.campaign_cache.invalidate(&actor.branch.slug, dispute);
    current(state, actor.branch, dispute, period).await
}

/// Takes the confirmation back: the period is public again only if it has no warnings.
pub async fn withdraw(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    period: PeriodId,
) -> AppResult<PeriodView> {
    let mut work = state.store.begin().await?;
    work.withdraw_period(actor.branch.id, dispute, period)
        .await?;
    work.audit(actor.entry("action.withdraw", format!("action_period:{period}")))
        .await?;
    work.commit().await?;
    state.campaign_cache.invalidate(&actor.branch.slug, dispute);
    current(state, actor.branch, dispute, period).await
}

#[derive(Template)]
#[template(path = "disputes/publish.html")]
struct PublishPage {
    layout: Layout,
    branch: Branch,
    dispute_id: DisputeId,
    dispute_title: String,
    view: PeriodView,
    dates: String,
    codes: String,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    branch: Branch,
    dispute: DisputeId,
    period: PeriodId,
    error: Option<String>,
) -> AppResult<PublishPage> {
    let d = state.store.dispute(branch.id, dispute).await?;
    let view = current(state, &branch, dispute, period).await?;
    Ok(PublishPage {
        layout: Layout::new(
            format!("Publish a period of action · {}", d.title),
            csrf,
            Some(user),
        ),
        dates: format!(
            "{}: {}",
            view.period.kind.label(),
            picket_domain::dates::date_range(view.period.starts, view.period.ends)
        ),
        codes: codes(&view.warnings).join(","),
        branch,
        dispute_id: dispute,
        dispute_title: d.title,
        view,
        error,
    })
}

/// GET …/periods/{period}/publish: the warnings, one by one, and the confirmation (organisers).
pub async fn form(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path((slug, id, period)): Path<(String, DisputeId, PeriodId)>,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    render(&page(&state, &csrf, &user, branch, id, period, None).await?)
}

/// What the confirmation form sends.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PublishForm {
    /// The warnings' codes as shown, comma-separated.
    warnings: String,
    /// The box "I have read every warning…", ticked.
    confirm: String,
}

/// POST …/periods/{period}/publish: publishes when the box is ticked and the warnings are
/// still the ones shown; else the page again with what to do.
pub async fn confirm(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id, period)): Path<(String, DisputeId, PeriodId)>,
    CsrfForm(form): CsrfForm<PublishForm>,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let result = if form.confirm == "yes" {
        let actor = Actor {
            user: &user,
            branch: &branch,
            request_id,
        };
        let despite: Vec<String> = form
            .warnings
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        publish(&state, &actor, id, period, &despite)
            .await
            .map(drop)
    } else {
        Err(AppError::invalid(
            "confirm",
            "Tick the box to confirm you have read every warning, or keep the period private.",
        ))
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!(
            "{}?done=published",
            Room::Action.url(&branch.slug, id)
        ))
        .into_response()),
        Err(AppError::Invalid { message, .. }) => {
            let page = page(&state, &csrf, &user, branch, id, period, Some(message)).await?;
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e),
    }
}

/// POST …/periods/{period}/withdraw: takes the period off the public pages again.
pub async fn take_back(
    State(state): State<AppState>,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id, period)): Path<(String, DisputeId, PeriodId)>,
    CsrfForm(_form): CsrfForm<PublishForm>,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    withdraw(&state, &actor, id, period).await?;
    Ok(Redirect::to(&format!(
        "{}?done=withdrawn",
        Room::Action.url(&branch.slug, id)
    ))
    .into_response())
}
