//! Administration: a branch's users (organisers), and the instance's branches (admins).

use crate::account::set_password;
use crate::account::users::{add_user_to_branch, AddUser};
use crate::error::{AppError, AppResult};
use crate::extract::actor::AccountActor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::pages::{render, render_with_status, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use picket_domain::{Role, UserId};
use picket_store::{Branch, BranchUser, NewAuditEntry, Page, PageRequest, User};
use serde::Deserialize;

/// What the add-user form held, kept when it fails validation.
#[derive(Debug, Default, Deserialize)]
pub struct AddUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

#[derive(Template)]
#[template(path = "account/admin_users.html")]
struct UsersPage {
    layout: Layout,
    branch: Branch,
    users: Page<BranchUser>,
    roles: Vec<&'static str>,
    form: AddUserForm,
    error: Option<String>,
    error_field: &'static str,
    added: bool,
    /// What an admin's action on a user did, to say so.
    done: Option<String>,
    /// Whether the viewer administers the instance (and may reset passwords, end sessions).
    is_admin: bool,
    /// The viewer, whose own row leads to their account page instead.
    me: UserId,
}

async fn users_page(
    state: &AppState,
    user: &CurrentUser,
    branch: Branch,
    page: u32,
    request_id: Option<String>,
) -> AppResult<UsersPage> {
    let users = state
        .store
        .branch_users(branch.id, PageRequest::new(page, 50))
        .await?;
    state
        .store
        .audit(NewAuditEntry {
            actor: Some(user.user.id),
            branch: Some(branch.id),
            action: "users.view".into(),
            subject: Some(format!("branch:{}", branch.id)),
            detail: Some(format!("page {page}")),
            request_id,
        })
        .await?;
    let allowed: Vec<&'static str> = Role::ALL
        .into_iter()
        .filter(|r| *r != Role::Admin || user.is_admin())
        .map(Role::as_str)
        .collect();
    Ok(UsersPage {
        layout: Layout::new(
            format!("Users · {}", branch.name),
            &CsrfToken(String::new()),
            Some(user),
        ),
        branch,
        users,
        roles: allowed,
        form: AddUserForm {
            role: "member".into(),
            ..AddUserForm::default()
        },
        error: None,
        error_field: "",
        added: false,
        done: None,
        is_admin: user.is_admin(),
        me: user.user.id,
    })
}

/// `?added=1` after a user was added.
#[derive(Debug, Deserialize)]
pub struct UsersQuery {
    page: Option<u32>,
    added: Option<u8>,
    done: Option<String>,
    ended: Option<u64>,
    /// The user the admin's action was on, to name them.
    user: Option<i64>,
}

/// GET /{branch}/admin/users
pub async fn users(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    Query(q): Query<UsersQuery>,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let mut page = users_page(&state, &user, branch, q.page.unwrap_or(1), request_id).await?;
    page.layout.csrf = csrf.0;
    page.added = q.added.is_some();
    if let (Some(done @ ("password" | "sessions")), Some(id)) = (q.done.as_deref(), q.user) {
        if let Ok((_, target)) = admin_target(&state, &user, &slug, id).await {
            page.done = Some(done_message(
                done,
                &target.display_name,
                q.ended.unwrap_or(0),
            ));
        }
    }
    render(&page)
}

/// What an admin's action on `name` did, in words: `done` is `password` or `sessions`, and
/// `ended` how many sessions ended.
fn done_message(done: &str, name: &str, ended: u64) -> String {
    let sessions = match ended {
        0 => "they were not signed in anywhere".to_string(),
        1 => "1 session ended".to_string(),
        n => format!("{n} sessions ended"),
    };
    if done == "password" {
        format!("The password of {name} is reset, and they are signed out everywhere ({sessions}). Tell them the new password.")
    } else {
        format!("{name} is signed out everywhere ({sessions}).")
    }
}

/// POST /{branch}/admin/users
pub async fn add_user(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<AddUserForm>,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let request = AddUser {
        email: form.email.clone(),
        display_name: form.display_name.clone(),
        role: form.role.clone(),
        password: Some(form.password.clone()).filter(|p| !p.is_empty()),
    };
    match add_user_to_branch(&state, Some(&user), &branch, request, request_id.clone()).await {
        Ok(_) => Ok(Redirect::to(&format!("/{}/admin/users?added=1", branch.slug)).into_response()),
        Err(AppError::Invalid { field, message }) => {
            let mut page = users_page(&state, &user, branch, 1, request_id).await?;
            page.layout.csrf = csrf.0;
            page.form = form;
            page.form.password.clear();
            page.error = Some(crate::words::plain(field, &message));
            page.error_field = field;
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(AppError::Conflict(message)) => {
            let mut page = users_page(&state, &user, branch, 1, request_id).await?;
            page.layout.csrf = csrf.0;
            page.form = form;
            page.form.password.clear();
            page.error = Some(message);
            page.error_field = "email";
            render_with_status(StatusCode::CONFLICT, &page)
        }
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "account/admin_branches.html")]
struct BranchesPage {
    layout: Layout,
    branches: Vec<Branch>,
}

/// GET /admin: the instance's branches (admins only).
pub async fn branches(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
) -> AppResult<Response> {
    if !user.is_admin() {
        return Err(AppError::NotFound);
    }
    render(&BranchesPage {
        layout: Layout::new("Branches", &csrf, Some(&user)),
        branches: state.store.list_branches().await?,
    })
}

/// The branch and one of its users, for an instance admin's action on that user; anyone else,
/// or a user not in the branch, finds nothing.
async fn admin_target(
    state: &AppState,
    admin: &CurrentUser,
    slug: &str,
    id: i64,
) -> AppResult<(Branch, User)> {
    if !admin.is_admin() {
        return Err(AppError::NotFound);
    }
    let branch = state.store.branch_by_slug(slug).await?;
    let target = state.store.user_by_id(UserId(id)).await?;
    let in_branch = state
        .store
        .memberships_of(target.id)
        .await?
        .iter()
        .any(|m| m.branch.id == branch.id);
    if !in_branch {
        return Err(AppError::NotFound);
    }
    Ok((branch, target))
}

#[derive(Template)]
#[template(path = "account/admin_user_password.html")]
struct ResetPasswordPage {
    layout: Layout,
    branch: Branch,
    target: User,
    error: Option<String>,
}

/// GET /{branch}/admin/users/{id}/password: an admin's form to reset a user's password.
pub async fn reset_password_form(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    let (branch, target) = admin_target(&state, &user, &slug, id).await?;
    render(&ResetPasswordPage {
        layout: Layout::new(
            format!("Reset the password of {}", target.display_name),
            &csrf,
            Some(&user),
        ),
        branch,
        target,
        error: None,
    })
}

/// The reset form: the new password twice.
#[derive(Debug, Deserialize)]
pub struct ResetPasswordForm {
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_again: String,
}

/// POST /{branch}/admin/users/{id}/password: sets the password and ends all of the user's
/// sessions.
pub async fn reset_password(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm(form): CsrfForm<ResetPasswordForm>,
) -> AppResult<Response> {
    let (branch, target) = admin_target(&state, &user, &slug, id).await?;
    let actor = AccountActor::signed_in(&user, request_id);
    let outcome = set_password(
        &state,
        &actor,
        &target,
        &form.new_password,
        &form.new_password_again,
        None,
        "password.reset",
    )
    .await;
    match outcome {
        Ok(ended) => Ok(Redirect::to(&format!(
            "/{}/admin/users?done=password&ended={ended}&user={}",
            branch.slug, target.id
        ))
        .into_response()),
        Err(AppError::Invalid { field, message }) => render_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ResetPasswordPage {
                layout: Layout::new(
                    format!("Reset the password of {}", target.display_name),
                    &csrf,
                    Some(&user),
                ),
                branch,
                target,
                error: Some(crate::words::plain(field, &message)),
            },
        ),
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "account/admin_user_sessions.html")]
struct EndSessionsPage {
    layout: Layout,
    branch: Branch,
    target: User,
}

/// GET /{branch}/admin/users/{id}/sessions: asks an admin to confirm signing a user out
/// everywhere.
pub async fn end_sessions_form(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    let (branch, target) = admin_target(&state, &user, &slug, id).await?;
    render(&EndSessionsPage {
        layout: Layout::new(
            format!("Sign {} out everywhere", target.display_name),
            &csrf,
            Some(&user),
        ),
        branch,
        target,
    })
}

/// POST /{branch}/admin/users/{id}/sessions: ends every session of the user.
pub async fn end_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm(_): CsrfForm<crate::account::sign_in::EmptyForm>,
) -> AppResult<Response> {
    let (branch, target) = admin_target(&state, &user, &slug, id).await?;
    let actor = AccountActor::signed_in(&user, request_id);
    let ended = crate::account::end_sessions(&state, &actor, &target).await?;
    Ok(Redirect::to(&format!(
        "/{}/admin/users?done=sessions&ended={ended}&user={}",
        branch.slug, target.id
    ))
    .into_response())
}
