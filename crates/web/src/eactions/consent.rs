//! Supporters' consent to future contact: the link in every email to a supporter who agreed
//! to it, which withdraws it (a page that asks, GET; the withdrawal, POST, which is also the
//! one-click `List-Unsubscribe-Post` of RFC 8058), and organisers' counts of it. No
//! supporter's name or address appears on these pages or in these answers.

use crate::account::tokens::hash_token;
use crate::api::ErrorBody;
use crate::error::AppResult;
use crate::extract::caller::Organiser;
use crate::extract::{CsrfToken, CurrentUser};
use crate::pages::{render, render_with_status, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use picket_domain::{DisputeId, EactionId};
use picket_store::eactions::WithdrawOutcome;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The paragraph that ends an email to a supporter who agreed to future contact.
pub fn unsubscribe_paragraph(branch_name: &str, link: &str) -> String {
    format!(
        "\nYou agreed that {branch_name} may contact you about the dispute. To withdraw that \
         agreement, open this link:\n\n{link}\n"
    )
}

#[derive(Template)]
#[template(path = "eactions/unsubscribe.html")]
struct UnsubscribePage {
    layout: Layout,
    branch_name: String,
    branch_slug: String,
    token: String,
    outcome: Option<&'static str>,
}

/// `?token=` on an unsubscribe link, or the token field of its form.
#[derive(Debug, Default, Deserialize)]
pub struct UnsubscribeToken {
    #[serde(default)]
    token: String,
}

/// GET /{branch}/actions/unsubscribe?token=…: a page with a button (a link opened by a mail
/// scanner withdraws nothing).
pub async fn unsubscribe_page(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: Option<CurrentUser>,
    Path(slug): Path<String>,
    Query(q): Query<UnsubscribeToken>,
) -> AppResult<Response> {
    let branch = state.store.branch_by_slug(&slug).await?;
    render(&UnsubscribePage {
        layout: Layout::new("Stop hearing from us", &csrf, user.as_ref()),
        branch_name: branch.name,
        branch_slug: branch.slug,
        token: q.token.trim().to_string(),
        outcome: None,
    })
}

/// POST /{branch}/actions/unsubscribe: withdraws the consent. The token comes from the form,
/// or from the link itself when a mail program posts `List-Unsubscribe=One-Click` to it.
pub async fn unsubscribe(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: Option<CurrentUser>,
    Path(slug): Path<String>,
    Query(q): Query<UnsubscribeToken>,
    axum::Form(form): axum::Form<UnsubscribeToken>,
) -> AppResult<Response> {
    let branch = state.store.branch_by_slug(&slug).await?;
    let token = if form.token.trim().is_empty() {
        q.token
    } else {
        form.token
    };
    let (status, outcome) = match withdraw(&state, &token).await? {
        WithdrawOutcome::Withdrawn { .. } => (
            StatusCode::OK,
            "Done: we will not contact you again. Your signature still counts.",
        ),
        WithdrawOutcome::AlreadyWithdrawn => (
            StatusCode::OK,
            "You had withdrawn already: we will not contact you again.",
        ),
        WithdrawOutcome::Unknown => (
            StatusCode::NOT_FOUND,
            "This link does not match anyone's agreement to be contacted. Check that the whole link was copied from the email.",
        ),
    };
    render_with_status(
        status,
        &UnsubscribePage {
            layout: Layout::new("Stop hearing from us", &csrf, user.as_ref()),
            branch_name: branch.name,
            branch_slug: branch.slug,
            token: String::new(),
            outcome: Some(outcome),
        },
    )
}

/// Withdraws the consent whose link carries `token`, with its audit entry, in one unit.
pub async fn withdraw(state: &AppState, token: &str) -> AppResult<WithdrawOutcome> {
    let mut work = state.store.begin().await?;
    let outcome = work
        .withdraw_consent(&hash_token(token.trim()), chrono::Utc::now())
        .await?;
    if let WithdrawOutcome::Withdrawn { branch, signature } = outcome {
        work.audit(picket_store::NewAuditEntry {
            branch: Some(branch),
            action: "eaction.consent.withdraw".into(),
            subject: Some(format!("signature:{}", signature.0)),
            ..Default::default()
        })
        .await?;
    }
    work.commit().await?;
    Ok(outcome)
}

/// A campaign's consents to future contact, counted.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentCountsView {
    /// Supporters who agreed to future contact and have not withdrawn.
    pub given: u64,
    /// Supporters who agreed and later withdrew.
    pub withdrawn: u64,
}

/// How many of a campaign's supporters agreed to future contact, and how many withdrew
/// (organisers; counts only).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/eactions/{eaction}/consents", operation_id = "eactionConsents", tag = "eactions",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("eaction" = i64, Path, description = "Campaign id")),
    responses((status = 200, body = ConsentCountsView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn consent_counts(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, eaction)): Path<(String, DisputeId, EactionId)>,
) -> AppResult<Json<ConsentCountsView>> {
    let counts = state.store.consent_counts(c.branch.id, id, eaction).await?;
    Ok(Json(ConsentCountsView {
        given: counts.given,
        withdrawn: counts.withdrawn,
    }))
}
