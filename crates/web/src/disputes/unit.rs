//! A dispute's bargaining unit: its teams are the branch's teams; the members called out for
//! each period of action and entitled to vote in each ballot are counted from the member
//! records in those teams, unless an organiser types a figure with its reason. The page shows
//! the teams with their members on a day (`?as_of=`), lists those members (after the reader
//! says why, audited as every read of member records is), and takes the changes.
//!
//! `GET /{branch}/disputes/{id}/unit`, `POST …/unit/teams`, `POST …/unit/periods/{period}`,
//! `POST …/unit/ballots/{ballot}`; the API's `…/teams`, `…/called-out` and `…/entitled`
//! ([`crate::disputes::api_unit`]) call the same operations.

use crate::disputes::api::as_of;
use crate::disputes::hand_figure;
use crate::disputes::pages::{kept, Kept};
use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::filters;
use crate::members::{self, Scope};
use crate::pages::{render, render_with_status, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use picket_domain::bargaining::HandFigure;
use picket_domain::members::AccessReason;
use picket_domain::{BallotId, DisputeId, MemberId, PeriodId, Role, TeamId};

pub use super::unit_ops::{
    set_called_out, set_entitled, set_teams, unit_view, FigureView, UnitView,
};
use picket_store::disputes::Dispute;
use picket_store::members::Team;
use picket_store::Branch;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A team's members as the page lists them.
pub struct TeamMembers {
    team: String,
    members: Vec<(MemberId, String)>,
}

/// A reason as the select lists it: (value, label, chosen).
type ReasonChoice = (&'static str, &'static str, bool);

#[derive(Template)]
#[template(path = "disputes/unit.html")]
struct UnitPage {
    layout: Layout,
    /// The desk's rooms navigation.
    rooms: Vec<crate::disputes::rooms::RoomLink>,
    branch: Branch,
    dispute: Dispute,
    view: UnitView,
    others: Vec<Team>,
    can_edit: bool,
    can_list: bool,
    reasons: Vec<ReasonChoice>,
    reason: String,
    listed: Option<Vec<TeamMembers>>,
    kept: Kept,
    notice: Option<&'static str>,
}

impl UnitPage {
    fn base(&self) -> String {
        format!("/{}/disputes/{}", self.branch.slug, self.dispute.id)
    }

    /// The name of a figure's form: `period-7`, `ballot-3`.
    fn form_of(&self, kind: &str, id: impl std::fmt::Display) -> String {
        format!("{kind}-{id}")
    }

    /// What a figure's form shows in `field`: what was typed if it failed, else the hand
    /// figure (empty when counted).
    fn typed(&self, form: &str, field: &str, f: &FigureView) -> String {
        if self.kept.form == form {
            return self.kept.v(form, field).to_string();
        }
        match (field, f.basis.is_hand()) {
            ("figure", true) => f.figure.to_string(),
            ("reason", _) => f.reason().to_string(),
            _ => String::new(),
        }
    }
}

/// `?as_of=`, `?reason=` to list the members, `?done=` after a change.
#[derive(Debug, Default, Deserialize)]
pub struct UnitQuery {
    as_of: Option<String>,
    reason: Option<String>,
    done: Option<String>,
}

fn notice(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "teams" => {
            Some("Saved the dispute's teams. Figures counted from member records follow them.")
        }
        "figure" => Some("Saved the figure."),
        "counted" => Some("The figure is now counted from member records."),
        _ => None,
    }
}

/// Who is looking at the page.
struct Viewer<'a> {
    state: &'a AppState,
    csrf: &'a CsrfToken,
    user: &'a CurrentUser,
}

async fn unit_page(
    viewer: &Viewer<'_>,
    branch: Branch,
    id: DisputeId,
    (day, reason): (Option<&str>, Option<&str>),
    request_id: Option<String>,
    kept: Kept,
) -> AppResult<UnitPage> {
    let Viewer { state, csrf, user } = *viewer;
    let dispute = state.store.dispute(branch.id, id).await?;
    let asked = day.is_some_and(|d| !d.trim().is_empty());
    let day = as_of(day)?;
    let view = unit_view(state, &branch, id, day).await?;
    let in_unit: Vec<TeamId> = view.teams.iter().map(|t| t.team.id).collect();
    let others = state
        .store
        .teams(branch.id)
        .await?
        .into_iter()
        .filter(|t| !in_unit.contains(&t.id))
        .collect();
    let can_edit = user
        .role_in(&branch.slug)
        .is_some_and(|r| r.at_least(Role::Organiser))
        || user.is_admin();
    let access = members::access(state, user, &branch.slug).await?;
    let can_list = !matches!(access.scope, Scope::Own(_));
    let given = reason.map(str::trim).filter(|r| !r.is_empty());
    let listed = match given {
        Some(r) if can_list => {
            let why: AccessReason = r
                .parse()
                .map_err(|message: String| AppError::invalid("reason", message))?;
            Some(list_members(state, user, &access, id, &view, why, request_id).await?)
        }
        _ => None,
    };
    Ok(UnitPage {
        rooms: crate::disputes::rooms::room_links(&branch.slug, id, "unit", asked.then_some(day)),
        layout: Layout::new(
            format!("Bargaining unit · {}", dispute.title),
            csrf,
            Some(user),
        ),
        reasons: AccessReason::ALL
            .iter()
            .filter(|r| **r != AccessReason::MemberRequest)
            .map(|r| (r.as_str(), r.label(), given == Some(r.as_str())))
            .collect(),
        reason: given.unwrap_or_default().to_string(),
        branch,
        dispute,
        view,
        others,
        can_edit,
        can_list,
        listed,
        kept,
        notice: None,
    })
}

/// The members in the unit on the view's day that `access` may see, by team; audited as a
/// read of member records with the reason given.
async fn list_members(
    state: &AppState,
    user: &CurrentUser,
    access: &members::Access,
    dispute: DisputeId,
    view: &UnitView,
    why: AccessReason,
    request_id: Option<String>,
) -> AppResult<Vec<TeamMembers>> {
    let found = state
        .store
        .unit_members(access.branch.id, dispute, view.as_of)
        .await?;
    let visible = |team: TeamId| match &access.scope {
        Scope::Branch => true,
        Scope::Teams(mine) => mine.contains(&team),
        Scope::Own(_) => false,
    };
    let mut out: Vec<TeamMembers> = Vec::new();
    let mut shown = 0_usize;
    for t in &view.teams {
        let members: Vec<(MemberId, String)> = found
            .iter()
            .filter(|m| m.team_id == t.team.id && visible(t.team.id))
            .map(|m| (m.id, m.name.clone()))
            .collect();
        shown += members.len();
        out.push(TeamMembers {
            team: t.team.name.clone(),
            members,
        });
    }
    members::record(
        state,
        user,
        access,
        "dispute.unit.members",
        format!("dispute:{dispute}"),
        format!(
            "reason={}; as_of={}; results={shown}",
            why.as_str(),
            view.as_of
        ),
        request_id,
    )
    .await?;
    Ok(out)
}

/// GET /{branch}/disputes/{id}/unit
pub async fn page(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, DisputeId)>,
    Query(q): Query<UnitQuery>,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Member)
        .await?;
    let viewer = Viewer {
        state: &state,
        csrf: &csrf,
        user: &user,
    };
    let mut page = unit_page(
        &viewer,
        branch,
        id,
        (q.as_of.as_deref(), q.reason.as_deref()),
        request_id,
        Kept::default(),
    )
    .await?;
    page.notice = notice(q.done.as_deref());
    render(&page)
}

/// The teams form: add or take off one team.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TeamForm {
    /// `add` or `remove`.
    pub action: String,
    /// The branch team's id.
    pub team_id: String,
    /// The day the page showed.
    pub as_of: String,
}

/// A hand figure as typed, or `count` ticked to count it from member records again.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct FigureForm {
    /// The number of members.
    pub figure: String,
    /// Why it is typed.
    pub reason: String,
    /// `on` to count it from member records instead.
    pub count: String,
    /// The day the page showed.
    pub as_of: String,
}

impl FigureForm {
    /// The hand figure, or none when it is to be counted.
    fn parse(&self) -> AppResult<Option<HandFigure>> {
        if self.count == "on" {
            return Ok(None);
        }
        if self.figure.trim().is_empty() && self.reason.trim().is_empty() {
            return Err(AppError::invalid(
                "figure",
                "figure: give the number of members and why it is typed, or choose to count it from member records",
            ));
        }
        hand_figure(("figure", &self.figure), ("reason", &self.reason))
    }
}

/// The page again with a failed form's message and what was typed, or the redirect after
/// a change.
async fn answer(
    viewer: &Viewer<'_>,
    branch: Branch,
    id: DisputeId,
    as_of: &str,
    (form, typed): (&str, HashMap<String, String>),
    outcome: AppResult<&'static str>,
) -> AppResult<Response> {
    match outcome {
        Ok(done) => {
            let day = if as_of.trim().is_empty() {
                String::new()
            } else {
                format!("&as_of={}", crate::pages::urlencode(as_of.trim()))
            };
            Ok(Redirect::to(&format!(
                "/{}/disputes/{id}/unit?done={done}{day}",
                branch.slug
            ))
            .into_response())
        }
        Err(e) => {
            let kept = kept(form, typed, e)?;
            let day = Some(as_of).filter(|d| crate::disputes::date("as_of", d).is_ok());
            let page = unit_page(viewer, branch, id, (day, None), None, kept).await?;
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// POST /{branch}/disputes/{id}/unit/teams
pub async fn teams(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, DisputeId)>,
    CsrfForm(form): CsrfForm<TeamForm>,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    let outcome = async {
        let team: TeamId =
            form.team_id.trim().parse().map_err(|_| {
                AppError::invalid("team_id", "team_id: choose a team from the list")
            })?;
        let mut teams: Vec<TeamId> = state
            .store
            .unit_teams(branch.id, id, chrono::Utc::now().date_naive())
            .await?
            .iter()
            .map(|t| t.team.id)
            .collect();
        match form.action.as_str() {
            "add" => teams.push(team),
            "remove" => teams.retain(|t| *t != team),
            _ => {
                return Err(AppError::invalid(
                    "action",
                    "action: choose to add or take off a team",
                ))
            }
        }
        set_teams(&state, &actor, id, &teams)
            .await
            .map_err(|e| match e {
                AppError::Invalid { message, .. } => {
                    AppError::invalid("team_id", message.replacen("teams:", "team_id:", 1))
                }
                other => other,
            })?;
        Ok("teams")
    }
    .await;
    let typed = crate::disputes::pages::as_typed(&form);
    let viewer = Viewer {
        state: &state,
        csrf: &csrf,
        user: &user,
    };
    answer(
        &viewer,
        branch.clone(),
        id,
        &form.as_of,
        ("teams", typed),
        outcome,
    )
    .await
}

/// Which figure a figure form sets.
#[derive(Debug, Clone, Copy)]
enum Figure {
    /// A period's members called out.
    Period(PeriodId),
    /// A ballot's members entitled to vote.
    Ballot(BallotId),
}

/// POST /{branch}/disputes/{id}/unit/periods/{period}
pub async fn period_figure(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id, period)): Path<(String, DisputeId, PeriodId)>,
    CsrfForm(form): CsrfForm<FigureForm>,
) -> AppResult<Response> {
    let viewer = Viewer {
        state: &state,
        csrf: &csrf,
        user: &user,
    };
    save_figure(&viewer, request_id, &slug, id, Figure::Period(period), form).await
}

/// POST /{branch}/disputes/{id}/unit/ballots/{ballot}
pub async fn ballot_figure(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id, ballot)): Path<(String, DisputeId, BallotId)>,
    CsrfForm(form): CsrfForm<FigureForm>,
) -> AppResult<Response> {
    let viewer = Viewer {
        state: &state,
        csrf: &csrf,
        user: &user,
    };
    save_figure(&viewer, request_id, &slug, id, Figure::Ballot(ballot), form).await
}

/// Sets or clears one figure from its form and answers with the page: the saved notice, or
/// the form again with its message and what was typed.
async fn save_figure(
    viewer: &Viewer<'_>,
    request_id: Option<String>,
    slug: &str,
    id: DisputeId,
    figure: Figure,
    form: FigureForm,
) -> AppResult<Response> {
    let state = viewer.state;
    let branch = viewer
        .user
        .branch_access(&*state.store, slug, Role::Organiser)
        .await?;
    let actor = Actor {
        user: viewer.user,
        branch: &branch,
        request_id,
    };
    let outcome = async {
        let hand = form.parse()?;
        match figure {
            Figure::Period(p) => set_called_out(state, &actor, id, p, hand.as_ref()).await?,
            Figure::Ballot(b) => set_entitled(state, &actor, id, b, hand.as_ref()).await?,
        };
        Ok(if hand.is_some() { "figure" } else { "counted" })
    }
    .await;
    let typed = crate::disputes::pages::as_typed(&form);
    let name = match figure {
        Figure::Period(p) => format!("period-{p}"),
        Figure::Ballot(b) => format!("ballot-{b}"),
    };
    answer(
        viewer,
        branch.clone(),
        id,
        &form.as_of,
        (&name, typed),
        outcome,
    )
    .await
}

/// The bargaining unit's page routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{branch}/disputes/{id}/unit", get(page))
        .route("/{branch}/disputes/{id}/unit/teams", post(teams))
        .route(
            "/{branch}/disputes/{id}/unit/periods/{period}",
            post(period_figure),
        )
        .route(
            "/{branch}/disputes/{id}/unit/ballots/{ballot}",
            post(ballot_figure),
        )
}
