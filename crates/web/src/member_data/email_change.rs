//! A member's change of their own email address: the new address is confirmed by a link
//! sent to it before it is used. The change waits (only the token's hash is kept, with an
//! expiry) while the record keeps the old address; the link works once. Following the link
//! shows a button, so a mail scanner's prefetch spends nothing.

use crate::account::tokens::{hash_token, random_token};
use crate::error::{AppError, AppResult};
use crate::extract::{CsrfForm, CsrfToken, RequestId};
use crate::pages::{render, render_with_status, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Duration, Utc};
use picket_domain::member_data::LinkState;
use picket_domain::Email;
use picket_mail::OutgoingEmail;
use picket_store::member_data::{EmailChangeUse, NewEmailChange};
use picket_store::{Branch, NewAuditEntry, StoreError, UnitOfWork};
use serde::Deserialize;

/// How long the link to confirm a new address works.
pub const EMAIL_CHANGE_HOURS: i64 = 24;

/// Within `work`: stores the member's change to `new_email`, queues the email carrying the
/// link to the new address, and audits the request (`member.email.requested`, no address).
pub async fn request(
    state: &AppState,
    work: &mut dyn UnitOfWork,
    branch: &Branch,
    member: picket_domain::MemberId,
    user: picket_domain::UserId,
    new_email: &Email,
    request_id: Option<String>,
) -> AppResult<()> {
    let token = random_token();
    let token_hash = hash_token(&token);
    work.request_email_change(&NewEmailChange {
        branch: branch.id,
        member_id: member,
        user,
        new_email: new_email.clone(),
        token_hash: token_hash.clone(),
        expires_at: Utc::now() + Duration::hours(EMAIL_CHANGE_HOURS),
    })
    .await?;
    let url = format!(
        "{}/{}/me/confirm-email?token={token}",
        state.settings.server.public_url.trim_end_matches('/'),
        branch.slug
    );
    let message = OutgoingEmail::new(
        new_email.as_str().to_string(),
        format!("Confirm your new email address for {}", branch.name),
        format!(
            "You (we hope) asked {branch} to use this address for your membership record on \
             Picket.\n\nOpen this link and press the button to confirm it. It works once, within \
             {EMAIL_CHANGE_HOURS} hours:\n{url}\n\nUntil then the branch keeps your old \
             address. If you did not ask, ignore this email: nothing changes.\n",
            branch = branch.name,
        ),
    );
    picket_jobs::queue_email(
        &mut *work,
        &message,
        Some(format!("email-change:{token_hash}")),
        state.settings.worker.max_attempts,
    )
    .await
    .map_err(|e| AppError::failed("queueing the email confirmation", e))?;
    work.audit(NewAuditEntry {
        actor: Some(user),
        branch: Some(branch.id),
        action: "member.email.requested".into(),
        subject: Some(format!("member:{member}")),
        request_id,
        ..Default::default()
    })
    .await?;
    Ok(())
}

/// Uses the link with `token`: the record takes the new address, audited
/// (`member.email.confirmed`), in one unit. A used or expired link is refused (and the
/// refusal audited); an unknown one is [`AppError::NotFound`].
pub async fn confirm(
    state: &AppState,
    token: &str,
    request_id: Option<String>,
) -> AppResult<EmailChangeUse> {
    let mut work = state.store.begin().await?;
    let outcome = work
        .confirm_email_change(&hash_token(token.trim()), Utc::now())
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => AppError::Conflict(
                "Another Picket account uses that address, so it cannot be yours here. Ask your \
                 branch's organisers."
                    .into(),
            ),
            other => other.into(),
        })?;
    let entry = match &outcome {
        EmailChangeUse::Changed {
            branch,
            member_id,
            user,
        } => NewAuditEntry {
            actor: *user,
            branch: Some(*branch),
            action: "member.email.confirmed".into(),
            subject: Some(format!("member:{member_id}")),
            request_id,
            detail: None,
        },
        EmailChangeUse::Refused { branch, state } => NewAuditEntry {
            branch: Some(*branch),
            action: "member.email.refused".into(),
            detail: Some(format!("{state:?}").to_lowercase()),
            request_id,
            ..Default::default()
        },
    };
    work.audit(entry).await?;
    work.commit().await?;
    Ok(outcome)
}

#[derive(Template)]
#[template(path = "member_data/email_change.html")]
struct ConfirmPage {
    layout: Layout,
    slug: String,
    usable: bool,
    token: String,
    heading: &'static str,
    message: String,
    done: bool,
}

/// `?token=` on the link.
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

fn refusal(state: LinkState) -> (&'static str, &'static str) {
    match state {
        LinkState::Used => (
            "Link already used",
            "This link has already been used: each works once. If your record does not show \
             the new address, change it again on your record's page.",
        ),
        _ => (
            "Link expired",
            "This link has expired, so your address was not changed. Change it again on your \
             record's page and use the new link within a day.",
        ),
    }
}

fn page(csrf: &CsrfToken, slug: &str, heading: &'static str, message: String) -> ConfirmPage {
    ConfirmPage {
        layout: Layout::new(heading, csrf, None),
        slug: slug.to_string(),
        usable: false,
        token: String::new(),
        heading,
        message,
        done: false,
    }
}

fn unknown(csrf: &CsrfToken, slug: &str) -> AppResult<Response> {
    render_with_status(
        StatusCode::NOT_FOUND,
        &page(
            csrf,
            slug,
            "Link not recognised",
            "This link is not one we sent, or it was copied incompletely, or a newer change \
             replaced it. Change your address again on your record's page."
                .into(),
        ),
    )
}

/// GET /{branch}/me/confirm-email?token=…: a page with a button; following the link
/// changes nothing.
pub async fn confirm_page(
    State(state): State<AppState>,
    csrf: CsrfToken,
    Path(slug): Path<String>,
    Query(q): Query<TokenQuery>,
) -> AppResult<Response> {
    let branch = state.store.branch_by_slug(&slug).await?;
    let token = q.token.trim().to_string();
    match state
        .store
        .email_change_state(&hash_token(&token), Utc::now())
        .await
    {
        Ok((b, LinkState::Usable)) if b == branch.id => render(&ConfirmPage {
            usable: true,
            token,
            ..page(
                &csrf,
                &slug,
                "Confirm your new email address",
                String::new(),
            )
        }),
        Ok((b, link_state)) if b == branch.id => {
            let (heading, message) = refusal(link_state);
            render_with_status(
                StatusCode::GONE,
                &page(&csrf, &slug, heading, message.into()),
            )
        }
        Ok(_) | Err(StoreError::NotFound) => unknown(&csrf, &slug),
        Err(e) => Err(e.into()),
    }
}

/// The confirmation form.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    token: String,
}

/// POST /{branch}/me/confirm-email: spends the link and changes the address.
pub async fn confirm_form(
    State(state): State<AppState>,
    csrf: CsrfToken,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> AppResult<Response> {
    let branch = state.store.branch_by_slug(&slug).await?;
    match state
        .store
        .email_change_state(&hash_token(form.token.trim()), Utc::now())
        .await
    {
        Ok((b, _)) if b == branch.id => {}
        Ok(_) | Err(StoreError::NotFound) => return unknown(&csrf, &slug),
        Err(e) => return Err(e.into()),
    }
    match confirm(&state, &form.token, request_id).await {
        Ok(EmailChangeUse::Changed { .. }) => render(&ConfirmPage {
            done: true,
            ..page(
                &csrf,
                &slug,
                "Email address changed",
                "Your membership record now has your new email address. Sign-in links go there \
                 from now on."
                    .into(),
            )
        }),
        Ok(EmailChangeUse::Refused { state, .. }) => {
            let (heading, message) = refusal(state);
            render_with_status(
                StatusCode::GONE,
                &page(&csrf, &slug, heading, message.into()),
            )
        }
        Err(AppError::Conflict(message)) => render_with_status(
            StatusCode::CONFLICT,
            &page(&csrf, &slug, "Address not changed", message),
        ),
        Err(AppError::NotFound) => unknown(&csrf, &slug),
        Err(e) => Err(e),
    }
}
