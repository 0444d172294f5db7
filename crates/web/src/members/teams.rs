//! Teams and the reps who represent them: organisers add teams and tick each rep's teams.

use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::members;
use crate::pages::{render, render_with_status, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use picket_domain::members::{optional_name, optional_text};
use picket_domain::{Role, TeamId, UserId};
use picket_store::members::Team;
use picket_store::PageRequest;
use serde::Deserialize;

/// A rep with the teams they represent.
pub struct RepView {
    id: UserId,
    name: String,
    teams: Vec<(TeamId, String, bool)>,
}

#[derive(Template)]
#[template(path = "members/teams.html")]
struct TeamsPage {
    layout: Layout,
    branch_slug: String,
    branch_name: String,
    teams: Vec<Team>,
    reps: Vec<RepView>,
    name: String,
    workplace: String,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    access: &members::Access,
) -> AppResult<TeamsPage> {
    let teams = state.store.teams(access.branch.id).await?;
    let users = state
        .store
        .branch_users(access.branch.id, PageRequest::new(1, 200))
        .await?;
    let mut reps = Vec::new();
    for bu in users.items.iter().filter(|bu| bu.role == Role::Rep) {
        let mine = state
            .store
            .rep_team_ids(access.branch.id, bu.user.id)
            .await?;
        reps.push(RepView {
            id: bu.user.id,
            name: bu.user.display_name.clone(),
            teams: teams
                .iter()
                .map(|t| (t.id, t.name.clone(), mine.contains(&t.id)))
                .collect(),
        });
    }
    Ok(TeamsPage {
        layout: Layout::new(format!("Teams · {}", access.branch.name), csrf, Some(user)),
        branch_slug: access.branch.slug.clone(),
        branch_name: access.branch.name.clone(),
        teams,
        reps,
        name: String::new(),
        workplace: String::new(),
        error: None,
    })
}

/// GET /{branch}/members/teams
pub async fn list(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let access = members::organiser_access(&state, &user, &slug).await?;
    render(&page(&state, &csrf, &user, &access).await?)
}

/// The add-a-team form.
#[derive(Debug, Deserialize)]
pub struct TeamForm {
    name: String,
    #[serde(default)]
    workplace: String,
}

/// POST /{branch}/members/teams
pub async fn add(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<TeamForm>,
) -> AppResult<Response> {
    let access = members::organiser_access(&state, &user, &slug).await?;
    let checked = optional_name(&form.name, 100)
        .map_err(|e| format!("Team name {e}."))
        .and_then(|n| n.ok_or_else(|| "Team name is required.".to_string()))
        .and_then(|n| {
            optional_text(&form.workplace, 200)
                .map(|w| (n, w))
                .map_err(|e| format!("Workplace {e}."))
        });
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    let message = match checked {
        Ok((name, workplace)) => {
            let mut work = state.store.begin().await?;
            match work
                .create_team(access.branch.id, &name, workplace.as_deref())
                .await
            {
                Ok(team) => {
                    work.audit(actor.entry("team.add", format!("team:{}", team.id)))
                        .await?;
                    work.commit().await?;
                    return Ok(
                        Redirect::to(&format!("/{}/members/teams", access.branch.slug))
                            .into_response(),
                    );
                }
                Err(picket_store::StoreError::Conflict(_)) => {
                    "A team with that name is already in this branch.".to_string()
                }
                Err(other) => return Err(other.into()),
            }
        }
        Err(message) => message,
    };
    let mut p = page(&state, &csrf, &user, &access).await?;
    p.name = form.name;
    p.workplace = form.workplace;
    p.error = Some(message);
    render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &p)
}

/// POST /{branch}/members/teams/reps: `user` and one `team` per ticked box.
pub async fn set_reps(
    State(state): State<AppState>,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let access = members::organiser_access(&state, &user, &slug).await?;
    let mut rep = None;
    let mut teams = Vec::new();
    for (key, value) in &form {
        match key.as_str() {
            "user" => rep = value.parse::<UserId>().ok(),
            "team" => teams.push(
                value
                    .parse::<TeamId>()
                    .map_err(|_| AppError::invalid("team", "choose teams from the list"))?,
            ),
            _ => {}
        }
    }
    let rep = rep.ok_or_else(|| AppError::invalid("user", "choose a rep"))?;
    // Only the branch's reps have teams.
    let users = state
        .store
        .branch_users(access.branch.id, PageRequest::new(1, 200))
        .await?;
    if !users
        .items
        .iter()
        .any(|bu| bu.user.id == rep && bu.role == Role::Rep)
    {
        return Err(AppError::NotFound);
    }
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    let mut entry = actor.entry("team.reps", format!("user:{rep}"));
    entry.detail = Some(format!(
        "teams={}",
        teams
            .iter()
            .map(TeamId::to_string)
            .collect::<Vec<_>>()
            .join(",")
    ));
    let mut work = state.store.begin().await?;
    work.set_rep_teams(access.branch.id, rep, &teams).await?;
    work.audit(entry).await?;
    work.commit().await?;
    Ok(Redirect::to(&format!("/{}/members/teams#rep-{rep}", access.branch.slug)).into_response())
}
