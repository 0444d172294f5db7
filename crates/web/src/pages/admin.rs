//! Administration: a branch's users (organisers), and the instance's branches (admins).

use super::{render, render_with_status, Layout};
use crate::error::{AppError, AppResult};
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::state::AppState;
use crate::users::{add_user_to_branch, AddUser};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use picket_domain::Role;
use picket_store::{Branch, BranchUser, NewAuditEntry, Page, PageRequest};
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
#[template(path = "admin/users.html")]
struct UsersPage {
    layout: Layout,
    branch: Branch,
    users: Page<BranchUser>,
    roles: Vec<&'static str>,
    form: AddUserForm,
    error: Option<String>,
    error_field: &'static str,
    added: bool,
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
    })
}

/// `?added=1` after a user was added.
#[derive(Debug, Deserialize)]
pub struct UsersQuery {
    page: Option<u32>,
    added: Option<u8>,
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
    render(&page)
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
            page.error = Some(message);
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
#[template(path = "admin/branches.html")]
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
