//! The landing page, the signed-in dashboard, and a branch's public page.

use super::{render, Layout};
use crate::error::AppResult;
use crate::extract::{CsrfToken, CurrentUser};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use picket_domain::disputes::Named;
use picket_domain::Role;
use picket_store::Branch;

#[derive(Template)]
#[template(path = "home/landing.html")]
struct Landing {
    layout: Layout,
    branches: Vec<Branch>,
}

/// GET /
pub async fn landing(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: Option<CurrentUser>,
) -> AppResult<Response> {
    if user.is_some() {
        return Ok(Redirect::to("/dashboard").into_response());
    }
    render(&Landing {
        layout: Layout::new("Picket", &csrf, None),
        branches: state.store.list_branches().await?,
    })
}

/// A branch on the dashboard, with what the user may open there.
struct DashboardBranch {
    slug: String,
    name: String,
    division: &'static str,
    role: Role,
    can_manage_users: bool,
    /// For moderators: wall messages waiting in the moderation queue.
    waiting: Option<u64>,
    /// For organisers: offers made on the wall and not yet followed up.
    offers: Option<u64>,
    /// The strike fund's link: the fund for the treasurer and organisers, strike days for
    /// reps.
    fund: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "home/dashboard.html")]
struct Dashboard {
    layout: Layout,
    name: String,
    branches: Vec<DashboardBranch>,
}

/// GET /dashboard
pub async fn dashboard(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
) -> AppResult<Response> {
    let mut branches = Vec::with_capacity(user.memberships.len());
    for m in &user.memberships {
        let organiser = m.role.at_least(Role::Organiser);
        let (waiting, offers) = if organiser {
            let counts = state.store.wall_counts(m.branch.id).await?;
            let open = state
                .store
                .wall_pledges(m.branch.id, true, picket_store::PageRequest::new(1, 1))
                .await?;
            (Some(counts.pending), Some(open.total))
        } else {
            (None, None)
        };
        branches.push(DashboardBranch {
            slug: m.branch.slug.clone(),
            name: m.branch.name.clone(),
            division: m.branch.division.label(),
            role: m.role,
            can_manage_users: organiser,
            waiting,
            offers,
            fund: match m.role {
                Role::Member => None,
                Role::Rep => Some("Strike days and release requests"),
                _ => Some("Strike fund"),
            },
        });
    }
    render(&Dashboard {
        layout: Layout::new("Dashboard", &csrf, Some(&user)),
        name: user.user.display_name.clone(),
        branches,
    })
}

#[derive(Template)]
#[template(path = "home/branch.html")]
struct BranchPage {
    layout: Layout,
    branch: Branch,
    division: &'static str,
    disputes: Vec<picket_store::disputes::Dispute>,
}

/// GET /{branch}: the branch's public page. Shows nothing about members.
pub async fn branch_page(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: Option<CurrentUser>,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let branch = state.store.branch_by_slug(&slug).await?;
    let mut disputes = state.store.disputes(branch.id).await?;
    disputes.retain(|d| d.status.is_public());
    render(&BranchPage {
        disputes,
        layout: Layout::new(branch.name.clone(), &csrf, user.as_ref()),
        division: branch.division.label(),
        branch,
    })
}
