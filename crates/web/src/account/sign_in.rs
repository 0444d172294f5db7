//! Signing in and out.
//!
//! Wrong password and unknown account get the same message and take the same time. Failures
//! are counted per account, per account and client address, and per client address (with a
//! much higher ceiling, so an office behind one address is not locked out by one person's
//! typing); past a limit, sign-in is refused with a 429 until the window passes. Each attempt
//! is counted before its password is checked, in one atomic step with the check of the
//! limits, and given back when it succeeds.

use crate::account::tokens::{hash_token, random_token};
use crate::error::{AppError, AppResult};
use crate::extract::auth::SESSION_COOKIE;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::pages::{local_redirect, render, render_with_status, Layout};
use crate::security::ClientIp;
use crate::state::AppState;
use crate::throttle::{count_password_check, LIMIT_NAMES};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use picket_store::{NewAuditEntry, StoreError};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "account/login.html")]
struct LoginPage {
    layout: Layout,
    email: String,
    next: String,
    error: Option<String>,
}

/// `?next=` on the sign-in page.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// GET /login
pub async fn login_form(
    csrf: CsrfToken,
    user: Option<CurrentUser>,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    if user.is_some() {
        return Ok(Redirect::to(&local_redirect(q.next.as_deref())).into_response());
    }
    render(&LoginPage {
        layout: Layout::new("Sign in", &csrf, None),
        email: String::new(),
        next: q.next.unwrap_or_default(),
        error: None,
    })
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// POST /login
pub async fn login(
    State(state): State<AppState>,
    csrf: CsrfToken,
    RequestId(request_id): RequestId,
    ClientIp(ip): ClientIp,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> AppResult<Response> {
    let sec = &state.settings.security;
    // Decided before anything is written: whatever `next` holds, the answer is a local path.
    let target = local_redirect(Some(form.next.as_str()).filter(|n| !n.is_empty()));
    let email = form.email.trim().to_string();
    let show_again = |status: StatusCode, error: String| {
        render_with_status(
            status,
            &LoginPage {
                layout: Layout::new("Sign in", &csrf, None),
                email: email.clone(),
                next: form.next.clone(),
                error: Some(error),
            },
        )
    };

    // The attempt is counted before the password is checked, in one step with the check of
    // the limits, so a burst of parallel guesses gets no more checks than the limits allow.
    let check = match count_password_check(&state, &email, &ip, true).await? {
        Ok(check) => check,
        Err(which) => {
            state
                .store
                .audit(NewAuditEntry {
                    action: "login.throttled".into(),
                    detail: LIMIT_NAMES.get(which).map(|limit| format!("limit {limit}")),
                    request_id: request_id.clone(),
                    ..Default::default()
                })
                .await?;
            let mut response = show_again(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "Too many failed sign-in attempts. Wait {} minutes, then try again.",
                    sec.failure_window_minutes
                ),
            )?;
            response.headers_mut().insert(
                header::RETRY_AFTER,
                crate::pages::header_value(&(sec.failure_window_minutes * 60).to_string()),
            );
            return Ok(response);
        }
    };

    let user = match state.store.user_by_email(&email).await {
        Ok(u) => Some(u),
        Err(StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let stored = user.as_ref().and_then(|u| u.password_hash.as_deref());
    let ok = state.hasher.verify(&form.password, stored).await;
    let Some(user) = user.filter(|_| ok) else {
        // The attempt stays counted as a failure.
        state
            .store
            .audit(NewAuditEntry {
                action: "login.failed".into(),
                request_id,
                ..Default::default()
            })
            .await?;
        return show_again(
            StatusCode::UNAUTHORIZED,
            "That email and password do not match an account.".into(),
        );
    };

    check.passed(&state).await?;
    let token = random_token();
    let expires = Utc::now() + Duration::hours(sec.session_hours);
    state
        .store
        .create_session(&hash_token(&token), user.id, expires)
        .await?;
    state
        .store
        .audit(NewAuditEntry {
            actor: Some(user.id),
            action: "login.ok".into(),
            subject: Some(format!("user:{}", user.id)),
            request_id,
            ..Default::default()
        })
        .await?;
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        sec.session_hours * 3600,
        if state.settings.is_https() {
            "; Secure"
        } else {
            ""
        }
    );
    let mut response = Redirect::to(&target).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, crate::pages::header_value(&cookie));
    Ok(response)
}

/// The sign-out form carries only its CSRF token.
#[derive(Debug, Deserialize)]
pub struct EmptyForm {}

/// POST /logout
pub async fn logout(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    RequestId(request_id): RequestId,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, AppError> {
    if let Some(user) = user {
        state.store.delete_session(&user.session_hash).await?;
        state
            .store
            .audit(NewAuditEntry {
                actor: Some(user.user.id),
                action: "logout".into(),
                subject: Some(format!("user:{}", user.user.id)),
                request_id,
                ..Default::default()
            })
            .await?;
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        crate::pages::header_value(&format!(
            "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
        )),
    );
    Ok(response)
}
