//! A member's own pages: asking for a sign-in link, confirming it (a POST, so a mail
//! scanner's prefetch does not spend it), their record with the details they may correct and
//! their consent choices, and the download of everything held about them.

use crate::account::tokens::hash_token;
use crate::error::{AppError, AppResult};
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::filters;
use crate::member_data::subject_access::{self, Format, MemberView};
use crate::member_data::{OwnDetailsInput, LINK_SENT};
use crate::pages::{header_value, render, render_with_status, Layout};
use crate::security::ClientIp;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use picket_domain::member_data::LinkState;
use picket_domain::Role;
use picket_store::member_data::{ConsentRecord, LinkUse};
use picket_store::members::Member;
use picket_store::{Branch, NewAuditEntry, StoreError};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "member_data/login.html")]
struct LoginPage {
    layout: Layout,
    branch: Branch,
    email: String,
    error: Option<String>,
    sent: bool,
    sent_message: &'static str,
}

/// GET /{branch}/me/login
pub async fn login_form(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: Option<CurrentUser>,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let branch = state.store.branch_by_slug(&slug).await?;
    render(&LoginPage {
        layout: Layout::new("Your membership record", &csrf, user.as_ref()),
        branch,
        email: String::new(),
        error: None,
        sent: false,
        sent_message: LINK_SENT,
    })
}

/// The form asking for a link.
#[derive(Debug, Deserialize)]
pub struct LinkRequestForm {
    #[serde(default)]
    email: String,
}

/// POST /{branch}/me/login: the same answer whether or not the address is known.
pub async fn request_link(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: Option<CurrentUser>,
    RequestId(request_id): RequestId,
    ClientIp(ip): ClientIp,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<LinkRequestForm>,
) -> AppResult<Response> {
    let branch = state.store.branch_by_slug(&slug).await?;
    let result =
        crate::member_data::request_link(&state, &branch, &form.email, &ip, request_id).await;
    let mut page = LoginPage {
        layout: Layout::new("Your membership record", &csrf, user.as_ref()),
        branch,
        email: form.email.trim().chars().take(254).collect(),
        error: None,
        sent: false,
        sent_message: LINK_SENT,
    };
    match result {
        Ok(()) => {
            page.sent = true;
            render(&page)
        }
        Err(AppError::Invalid { field, message }) => {
            page.error = Some(crate::words::plain(field, &message));
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(AppError::TooManyRequests(message)) => {
            page.error = Some(message);
            let mut response = render_with_status(StatusCode::TOO_MANY_REQUESTS, &page)?;
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header_value("3600"));
            Ok(response)
        }
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "member_data/link.html")]
struct LinkPage {
    layout: Layout,
    usable: bool,
    token: String,
    heading: &'static str,
    message: String,
    branch_slug: Option<String>,
}

impl LinkPage {
    fn refused(
        csrf: &CsrfToken,
        heading: &'static str,
        message: String,
        slug: Option<String>,
    ) -> Self {
        LinkPage {
            layout: Layout::new(heading, csrf, None),
            usable: false,
            token: String::new(),
            heading,
            message,
            branch_slug: slug,
        }
    }
}

/// `?token=` on a sign-in link.
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// The page for a link that cannot be used, with the branch's slug to ask for another.
async fn refusal(
    state: &AppState,
    csrf: &CsrfToken,
    link_state: LinkState,
    branch: picket_domain::BranchId,
) -> AppResult<Response> {
    let slug = state
        .store
        .list_branches()
        .await?
        .into_iter()
        .find(|b| b.id == branch)
        .map(|b| b.slug);
    let heading = match link_state {
        LinkState::Used => "Link already used",
        _ => "Link expired",
    };
    render_with_status(
        StatusCode::GONE,
        &LinkPage::refused(csrf, heading, link_state.refusal().into(), slug),
    )
}

fn unknown_link(csrf: &CsrfToken) -> AppResult<Response> {
    render_with_status(
        StatusCode::NOT_FOUND,
        &LinkPage::refused(
            csrf,
            "Link not recognised",
            "This sign-in link is not one we sent, or it was copied incompletely. Ask for a new \
             one from your branch's page."
                .into(),
            None,
        ),
    )
}

/// GET /login/link?token=…: a page with a button; following the link changes nothing.
pub async fn link_page(
    State(state): State<AppState>,
    csrf: CsrfToken,
    Query(q): Query<TokenQuery>,
) -> AppResult<Response> {
    let token = q.token.trim().to_string();
    match state
        .store
        .magic_link_state(&hash_token(&token), Utc::now())
        .await
    {
        Ok((_, LinkState::Usable)) => render(&LinkPage {
            layout: Layout::new("Sign in", &csrf, None),
            usable: true,
            token,
            heading: "Sign in",
            message: String::new(),
            branch_slug: None,
        }),
        Ok((branch, link_state)) => refusal(&state, &csrf, link_state, branch).await,
        Err(StoreError::NotFound) => unknown_link(&csrf),
        Err(e) => Err(e.into()),
    }
}

/// The confirmation form.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    token: String,
}

/// POST /login/link: spends the link and starts a session.
pub async fn use_link(
    State(state): State<AppState>,
    csrf: CsrfToken,
    RequestId(request_id): RequestId,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> AppResult<Response> {
    let branch = match state
        .store
        .magic_link_state(&hash_token(form.token.trim()), Utc::now())
        .await
    {
        Ok((branch, _)) => branch,
        Err(StoreError::NotFound) => return unknown_link(&csrf),
        Err(e) => return Err(e.into()),
    };
    let slug = state
        .store
        .list_branches()
        .await?
        .into_iter()
        .find(|b| b.id == branch)
        .map(|b| b.slug)
        .ok_or(AppError::NotFound)?;
    match crate::member_data::use_link(&state, branch, &form.token, request_id).await {
        Ok((LinkUse::SignedIn { .. }, Some(session))) => {
            let mut response = Redirect::to(&format!("/{slug}/me")).into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                header_value(&crate::member_data::session_cookie(&state, &session)),
            );
            Ok(response)
        }
        Ok((LinkUse::PasswordAccount { .. }, _)) => render(&LinkPage {
            layout: Layout::new("Sign in with your password", &csrf, None),
            usable: false,
            token: String::new(),
            heading: "Sign in with your password",
            message: "Your membership record is now linked to your Picket account. That account \
                      has a password, so a link cannot sign you in: sign in with your password \
                      and open your record from there."
                .into(),
            branch_slug: None,
        }),
        Ok((LinkUse::Refused(link_state), _)) => refusal(&state, &csrf, link_state, branch).await,
        Ok((LinkUse::SignedIn { .. }, None)) => Err(AppError::Internal("no session".into())),
        Err(AppError::NotFound) => unknown_link(&csrf),
        Err(e) => Err(e),
    }
}

/// The signed-in member's branch and record.
async fn own_record(
    state: &AppState,
    user: &CurrentUser,
    slug: &str,
) -> AppResult<(Branch, Member)> {
    let branch = user
        .branch_access(&*state.store, slug, Role::Member)
        .await?;
    let member = state
        .store
        .member_for_user(branch.id, user.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((branch, member))
}

#[derive(Template)]
#[template(path = "member_data/own_record.html")]
struct RecordPage {
    layout: Layout,
    branch: Branch,
    member: MemberView,
    form: OwnDetailsInput,
    history: Vec<ConsentRecord>,
    wording: String,
    error: Option<String>,
    error_field: &'static str,
    saved: bool,
    /// A new address waiting for its link, and until when the link works.
    pending: Option<(String, String)>,
    /// Just asked to confirm a new address.
    confirm_sent: bool,
    /// Their strike days and strike pay.
    strike: crate::fund::reports::OwnStrikePay,
    /// The statuses a member may declare.
    strike_statuses: Vec<(&'static str, &'static str)>,
    /// A refused declaration of a strike day, and what was typed.
    strike_error: Option<String>,
    strike_form: crate::fund::participation::DeclareInput,
    /// Their hardship applications, with their reasons.
    hardship: Vec<crate::fund::own_hardship::OwnApplication>,
    /// A refused hardship application, and what was typed.
    hardship_error: Option<String>,
    hardship_form: crate::fund::own_hardship::OwnApplicationInput,
}

async fn record_page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    branch: Branch,
    member: &Member,
) -> AppResult<RecordPage> {
    let history = state.store.consent_history(branch.id, member.id).await?;
    let pending = state
        .store
        .pending_email_change(branch.id, member.id, Utc::now())
        .await?
        .map(|p| {
            (
                p.new_email,
                p.expires_at.format("%-d %B %Y at %H:%M").to_string(),
            )
        });
    let d = &member.details;
    let branch_id = branch.id;
    Ok(RecordPage {
        layout: Layout::new("Your membership record", csrf, Some(user)),
        branch,
        member: MemberView::of(member),
        form: OwnDetailsInput {
            email: d
                .email
                .as_ref()
                .map(|e| e.as_str().to_string())
                .unwrap_or_default(),
            phone: d
                .phone
                .as_ref()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            contact_email: d.contact.by_email,
            contact_phone: d.contact.by_phone,
        },
        history,
        wording: d
            .contact
            .consent_wording
            .clone()
            .unwrap_or_else(|| state.settings.self_service.consent_wording.clone()),
        error: None,
        error_field: "",
        saved: false,
        pending,
        confirm_sent: false,
        strike: crate::fund::reports::own(state, branch_id, member.id).await?,
        strike_statuses: crate::fund::participation::status_choices(),
        strike_error: None,
        strike_form: crate::fund::participation::DeclareInput::default(),
        hardship: crate::fund::own_hardship::own(state, branch_id, member.id).await?,
        hardship_error: None,
        hardship_form: crate::fund::own_hardship::OwnApplicationInput::default(),
    })
}

/// `?saved=1` after a change.
#[derive(Debug, Deserialize)]
pub struct SavedQuery {
    saved: Option<u8>,
}

/// GET /{branch}/me
pub async fn record(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: Option<CurrentUser>,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    Query(q): Query<SavedQuery>,
) -> AppResult<Response> {
    // Not signed in: the way in for members is a link, not the password form.
    let Some(user) = user else {
        state.store.branch_by_slug(&slug).await?;
        return Ok(Redirect::to(&format!("/{slug}/me/login")).into_response());
    };
    let (branch, member) = match own_record(&state, &user, &slug).await {
        Ok(found) => found,
        Err(AppError::NotFound) if state.store.branch_by_slug(&slug).await.is_ok() => {
            return render_with_status(
                StatusCode::NOT_FOUND,
                &LinkPage::refused(
                    &csrf,
                    "No member record linked",
                    "Your account is not linked to a member record in this branch. Ask for a \
                     sign-in link with the email address the branch holds for you."
                        .into(),
                    Some(slug),
                ),
            );
        }
        Err(e) => return Err(e),
    };
    state
        .store
        .audit(NewAuditEntry {
            actor: Some(user.user.id),
            branch: Some(branch.id),
            action: "member.self.view".into(),
            subject: Some(format!("member:{}", member.id)),
            detail: Some("reason: the member viewing their own record".into()),
            request_id,
        })
        .await?;
    let mut page = record_page(&state, &csrf, &user, branch, &member).await?;
    page.saved = q.saved.is_some();
    page.confirm_sent = q.saved == Some(2);
    render(&page)
}

/// POST /{branch}/me
pub async fn update(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<OwnDetailsInput>,
) -> AppResult<Response> {
    let (branch, member) = own_record(&state, &user, &slug).await?;
    let saved = match crate::member_data::own_details(&state, &form, &member.details.contact) {
        Ok(details) => {
            crate::member_data::save_own_details(
                &state, &branch, &member, &user, &details, request_id,
            )
            .await
        }
        Err(e) => Err(e),
    };
    let (status, message, field) = match saved {
        Ok(crate::member_data::OwnSaved::Saved) => {
            return Ok(Redirect::to(&format!("/{}/me?saved=1", branch.slug)).into_response());
        }
        Ok(crate::member_data::OwnSaved::ConfirmEmail) => {
            return Ok(Redirect::to(&format!("/{}/me?saved=2", branch.slug)).into_response());
        }
        Err(AppError::Invalid { field, message }) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            crate::words::plain(field, &message),
            field,
        ),
        Err(AppError::Conflict(_)) => (
            StatusCode::CONFLICT,
            "Another account uses that email address. Give a different one, or ask your \
             branch's organisers."
                .to_string(),
            "email",
        ),
        Err(other) => return Err(other),
    };
    let mut page = record_page(&state, &csrf, &user, branch, &member).await?;
    page.form = form;
    page.error = Some(message);
    page.error_field = field;
    render_with_status(status, &page)
}

/// GET /{branch}/me/data.json and /{branch}/me/data.html: everything held, as a download.
pub async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, file)): Path<(String, String)>,
) -> AppResult<Response> {
    let format = match file.as_str() {
        "data.json" => Format::Json,
        "data.html" => Format::Html,
        _ => return Err(AppError::NotFound),
    };
    let (branch, member) = own_record(&state, &user, &slug).await?;
    let data = subject_access::export(
        &state,
        &branch,
        member.id,
        user.user.id,
        "the member downloading their own data",
        request_id,
    )
    .await?;
    subject_access::download(&data, format)
}

/// A refused form of the member's own page: the message, and what they typed.
#[derive(Debug)]
pub enum OwnRefusal {
    /// A declaration of a strike day.
    StrikeDay(String, crate::fund::participation::DeclareInput),
    /// A hardship application.
    Hardship(String, crate::fund::own_hardship::OwnApplicationInput),
}

/// The member's page again after a refused form: the message, and what they typed kept.
pub async fn own_form_refused(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    slug: &str,
    status: StatusCode,
    refused: OwnRefusal,
) -> AppResult<Response> {
    let (branch, member) = own_record(state, user, slug).await?;
    let mut page = record_page(state, csrf, user, branch, &member).await?;
    match refused {
        OwnRefusal::StrikeDay(message, typed) => {
            page.strike_error = Some(message);
            page.strike_form = typed;
        }
        OwnRefusal::Hardship(message, typed) => {
            page.hardship_error = Some(message);
            page.hardship_form = typed;
        }
    }
    render_with_status(status, &page)
}
