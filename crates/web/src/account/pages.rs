//! A signed-in user's own account: changing their password (which signs them out everywhere
//! else) and their API tokens (listed with their dates, created with an optional expiry and
//! shown once, revoked).

use crate::account::{create_token, day, revoke_token, set_password};
use crate::error::{AppError, AppResult};
use crate::extract::actor::AccountActor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::pages::{render, render_with_status, Layout};
use crate::security::ClientIp;
use crate::state::AppState;
use crate::throttle::count_password_check;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use picket_domain::ApiTokenId;
use picket_store::NewAuditEntry;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "account/index.html")]
struct AccountPage {
    layout: Layout,
    email: String,
}

/// GET /account
pub async fn index(csrf: CsrfToken, user: CurrentUser) -> AppResult<Response> {
    render(&AccountPage {
        layout: Layout::new("Your account", &csrf, Some(&user)),
        email: user.user.email.clone(),
    })
}

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    layout: Layout,
    error: Option<String>,
    error_field: &'static str,
    ended: Option<u64>,
}

/// `?changed=N` after a change.
#[derive(Debug, Deserialize)]
pub struct ChangedQuery {
    changed: Option<u64>,
}

/// GET /account/password
pub async fn password_form(
    csrf: CsrfToken,
    user: CurrentUser,
    Query(q): Query<ChangedQuery>,
) -> AppResult<Response> {
    render(&PasswordPage {
        layout: Layout::new("Change your password", &csrf, Some(&user)),
        error: None,
        error_field: "",
        ended: q.changed,
    })
}

/// The password form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_again: String,
}

/// POST /account/password: checks the current password (a wrong one counts as a failed
/// sign-in, under the same limits), sets the new one, and ends every other session.
pub async fn change_password(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    ClientIp(ip): ClientIp,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> AppResult<Response> {
    let show_again = |status: StatusCode, field: &'static str, error: String| {
        render_with_status(
            status,
            &PasswordPage {
                layout: Layout::new("Change your password", &csrf, Some(&user)),
                error: Some(error),
                error_field: field,
                ended: None,
            },
        )
    };
    let sec = &state.settings.security;
    let Ok(check) = count_password_check(&state, &user.user.email, &ip, false).await? else {
        return show_again(
            StatusCode::TOO_MANY_REQUESTS,
            "current_password",
            format!(
                "Too many wrong passwords. Wait {} minutes, then try again.",
                sec.failure_window_minutes
            ),
        );
    };
    let stored = user.user.password_hash.as_deref();
    if !state.hasher.verify(&form.current_password, stored).await {
        state
            .store
            .audit(NewAuditEntry {
                actor: Some(user.user.id),
                action: "password.change_refused".into(),
                subject: Some(format!("user:{}", user.user.id)),
                detail: Some("the current password was wrong".into()),
                request_id,
                ..Default::default()
            })
            .await?;
        return show_again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "current_password",
            "That is not your current password.".into(),
        );
    }
    check.passed(&state).await?;
    let actor = AccountActor::signed_in(&user, request_id);
    match set_password(
        &state,
        &actor,
        &user.user,
        &form.new_password,
        &form.new_password_again,
        Some(&user.session_hash),
        "password.change",
    )
    .await
    {
        Ok(ended) => {
            Ok(Redirect::to(&format!("/account/password?changed={ended}")).into_response())
        }
        Err(AppError::Invalid { field, message }) => show_again(
            StatusCode::UNPROCESSABLE_ENTITY,
            field,
            crate::words::plain(field, &message),
        ),
        Err(e) => Err(e),
    }
}

/// A token as the list shows it.
struct TokenRow {
    id: ApiTokenId,
    name: String,
    created: String,
    last_used: String,
    expires: String,
    status: &'static str,
    live: bool,
}

#[derive(Template)]
#[template(path = "account/tokens.html")]
struct TokensPage {
    layout: Layout,
    tokens: Vec<TokenRow>,
    created: Option<(String, String)>,
    /// The name of the token just revoked, to say so.
    revoked: Option<String>,
    error: Option<String>,
    error_field: &'static str,
    name: String,
    /// The "Works for" choice to show selected (kept after an error).
    expires_days: String,
    /// The "Works for" choices: days (0: until revoked) and how they read.
    expiry_choices: &'static [(&'static str, &'static str)],
}

/// What "Works for" offers; 90 days unless the person chose otherwise.
const EXPIRY_CHOICES: &[(&str, &str)] = &[
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "a year"),
    ("0", "until revoked"),
];

async fn tokens_page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
) -> AppResult<TokensPage> {
    let now = Utc::now();
    let tokens = state
        .store
        .api_tokens_of(user.user.id)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            live: t.is_live(now),
            status: if t.revoked_at.is_some() {
                "revoked"
            } else if t.is_live(now) {
                "works"
            } else {
                "expired"
            },
            name: t.name,
            created: day(t.created_at),
            last_used: t.last_used_at.map_or("never".into(), day),
            expires: t.expires_at.map_or("never".into(), day),
        })
        .collect();
    Ok(TokensPage {
        layout: Layout::new("Your API tokens", csrf, Some(user)),
        tokens,
        created: None,
        revoked: None,
        error: None,
        error_field: "",
        name: String::new(),
        expires_days: "90".into(),
        expiry_choices: EXPIRY_CHOICES,
    })
}

/// `?revoked=ID` after a revocation.
#[derive(Debug, Deserialize)]
pub struct RevokedQuery {
    revoked: Option<ApiTokenId>,
}

/// GET /account/tokens
pub async fn tokens(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Query(q): Query<RevokedQuery>,
) -> AppResult<Response> {
    let mut page = tokens_page(&state, &csrf, &user).await?;
    page.revoked = q.revoked.and_then(|id| {
        page.tokens
            .iter()
            .find(|t| t.id == id && t.status == "revoked")
            .map(|t| t.name.clone())
    });
    render(&page)
}

/// The new-token form.
#[derive(Debug, Deserialize)]
pub struct NewTokenForm {
    #[serde(default)]
    name: String,
    /// Days it works; empty or 0: until revoked.
    #[serde(default)]
    expires_days: String,
}

/// POST /account/tokens: creates a token and shows it, once.
pub async fn create(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    CsrfForm(form): CsrfForm<NewTokenForm>,
) -> AppResult<Response> {
    let days = match form.expires_days.trim() {
        "" | "0" => Ok(None),
        typed => typed.parse::<u32>().map(Some),
    };
    let actor = AccountActor::signed_in(&user, request_id);
    let outcome = match days {
        Ok(days) => create_token(&state, &actor, &user.user, &form.name, days).await,
        Err(_) => Err(AppError::invalid(
            "expires_days",
            "Give the number of days the token works, like 90, or 0 for no expiry.",
        )),
    };
    match outcome {
        Ok((token, secret)) => {
            let mut page = tokens_page(&state, &csrf, &user).await?;
            page.created = Some((token.name, secret));
            render(&page)
        }
        Err(AppError::Invalid { field, message }) => {
            let mut page = tokens_page(&state, &csrf, &user).await?;
            page.error = Some(crate::words::plain(field, &message));
            page.error_field = field;
            page.name = form.name;
            page.expires_days = form.expires_days.trim().to_string();
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e),
    }
}

/// The revoke form: its CSRF token and, once the person has confirmed, `confirm=yes`.
#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    confirm: String,
}

#[derive(Template)]
#[template(path = "account/revoke.html")]
struct RevokePage {
    layout: Layout,
    id: ApiTokenId,
    name: String,
    last_used: String,
}

/// POST /account/tokens/{id}/revoke: the first press asks to confirm (a program using the
/// token stops at once, and it cannot be undone); with `confirm=yes` it revokes one of the
/// user's own tokens.
pub async fn revoke(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path(id): Path<ApiTokenId>,
    CsrfForm(form): CsrfForm<RevokeForm>,
) -> AppResult<Response> {
    if form.confirm != "yes" {
        let token = state
            .store
            .api_tokens_of(user.user.id)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or(AppError::NotFound)?;
        if !token.is_live(Utc::now()) {
            return Ok(Redirect::to("/account/tokens").into_response());
        }
        return render(&RevokePage {
            layout: Layout::new("Revoke this API token?", &csrf, Some(&user)),
            id: token.id,
            name: token.name,
            last_used: token.last_used_at.map_or("never".into(), day),
        });
    }
    let actor = AccountActor::signed_in(&user, request_id);
    revoke_token(&state, &actor, id, Some(user.user.id)).await?;
    Ok(Redirect::to(&format!("/account/tokens?revoked={id}")).into_response())
}
