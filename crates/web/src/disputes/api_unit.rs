//! A dispute's bargaining unit over JSON: its teams (the branch's teams) with their members
//! counted on a day, each period's members called out and each ballot's members entitled to
//! vote with where the figure comes from; organisers choose the teams and type a figure with
//! its reason, or clear it to count from member records. The same operations as the page
//! ([`crate::disputes::unit`]).

use crate::api::ErrorBody;
use crate::disputes::api::{as_of, ApiJson};
use crate::disputes::hand_figure;
use crate::disputes::unit::{self, FigureView, UnitView};
use crate::error::{AppError, AppResult};
use crate::extract::caller::{Member, Organiser};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::routing::{get, put};
use axum::{Json, Router};
use picket_domain::bargaining::HandFigure;
use picket_domain::{BallotId, DisputeId, PeriodId, TeamId};
use serde::Deserialize;
use utoipa::ToSchema;

/// `?as_of=YYYY-MM-DD` (absent: today).
#[derive(Debug, Default, Deserialize)]
pub struct AsOf {
    as_of: Option<String>,
}

/// The dispute's teams: ids of the branch's teams.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TeamsBody {
    /// The branch teams whose members are in the dispute.
    #[schema(value_type = Vec<i64>)]
    pub team_ids: Vec<TeamId>,
}

/// A figure typed by hand with its reason; both absent (or `figure` null) to count it from
/// member records.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct FigureBody {
    /// The number of members (0 or more).
    pub figure: Option<i64>,
    /// Why it is typed rather than counted, e.g. "members not yet imported".
    pub reason: Option<String>,
}

impl FigureBody {
    fn parse(&self) -> AppResult<Option<HandFigure>> {
        let figure = self.figure.map(|n| n.to_string()).unwrap_or_default();
        hand_figure(
            ("figure", &figure),
            ("reason", self.reason.as_deref().unwrap_or("")),
        )
    }
}

/// The dispute's bargaining unit: its teams with their members on `as_of`, and the figures
/// of its periods of action and ballots with their basis (members).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/teams", operation_id = "getDisputeTeams", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("as_of" = Option<String>, Query, description = "Count members on this day, YYYY-MM-DD (default today)")),
    responses((status = 200, body = UnitView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_teams(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, id)): Path<(String, DisputeId)>,
    Query(q): Query<AsOf>,
) -> AppResult<Json<UnitView>> {
    let day = as_of(q.as_of.as_deref())?;
    Ok(Json(unit::unit_view(&state, &c.branch, id, day).await?))
}

/// Make these branch teams the dispute's teams (organisers). A team that is not the
/// branch's is refused and nothing changes; answers with the unit today.
#[utoipa::path(put, path = "/api/v1/branches/{branch}/disputes/{id}/teams", operation_id = "setDisputeTeams", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body(content = TeamsBody, example = json!({"team_ids": [1, 2]})),
    responses((status = 200, body = UnitView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_teams(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id)): Path<(String, DisputeId)>,
    ApiJson(body): ApiJson<TeamsBody>,
) -> AppResult<Json<UnitView>> {
    unit::set_teams(&state, &c.actor(), id, &body.team_ids).await?;
    let today = chrono::Utc::now().date_naive();
    Ok(Json(unit::unit_view(&state, &c.branch, id, today).await?))
}

fn figure_of(list: Vec<FigureView>, id: i64) -> AppResult<Json<FigureView>> {
    list.into_iter()
        .find(|f| f.id == id)
        .map(Json)
        .ok_or(AppError::NotFound)
}

/// Type the members called out for a period of action, with the reason, or clear it to
/// count them from member records (organisers); answers with the figure and its basis.
#[utoipa::path(put, path = "/api/v1/branches/{branch}/disputes/{id}/action-periods/{period}/called-out", operation_id = "setCalledOut", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("period" = i64, Path, description = "Period id")),
    request_body(content = FigureBody, example = json!({"figure": 15, "reason": "members not yet imported"})),
    responses((status = 200, body = FigureView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_called_out(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, period)): Path<(String, DisputeId, PeriodId)>,
    ApiJson(body): ApiJson<FigureBody>,
) -> AppResult<Json<FigureView>> {
    let hand = body.parse()?;
    unit::set_called_out(&state, &c.actor(), id, period, hand.as_ref()).await?;
    let today = chrono::Utc::now().date_naive();
    let view = unit::unit_view(&state, &c.branch, id, today).await?;
    figure_of(view.periods, period.0)
}

/// Type the members entitled to vote in a ballot, with the reason, or clear it to count
/// them from member records (organisers); answers with the figure and its basis.
#[utoipa::path(put, path = "/api/v1/branches/{branch}/disputes/{id}/ballots/{ballot}/entitled", operation_id = "setEntitled", tag = "disputes",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"),
           ("ballot" = i64, Path, description = "Ballot id")),
    request_body(content = FigureBody, example = json!({"figure": 19, "reason": "members not yet imported"})),
    responses((status = 200, body = FigureView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_entitled(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, ballot)): Path<(String, DisputeId, BallotId)>,
    ApiJson(body): ApiJson<FigureBody>,
) -> AppResult<Json<FigureView>> {
    let hand = body.parse()?;
    unit::set_entitled(&state, &c.actor(), id, ballot, hand.as_ref()).await?;
    let today = chrono::Utc::now().date_naive();
    let view = unit::unit_view(&state, &c.branch, id, today).await?;
    figure_of(view.ballots, ballot.0)
}

/// The bargaining unit's API routes (under `/api/v1`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/branches/{branch}/disputes/{id}/teams",
            get(get_teams).put(set_teams),
        )
        .route(
            "/branches/{branch}/disputes/{id}/action-periods/{period}/called-out",
            put(set_called_out),
        )
        .route(
            "/branches/{branch}/disputes/{id}/ballots/{ballot}/entitled",
            put(set_entitled),
        )
}
