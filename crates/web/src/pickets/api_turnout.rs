//! The turnout drive over JSON: a member's own report, the standing of the teams in the
//! caller's view, who to chase (audited), the reminder email and how often it may go.

use crate::api::ErrorBody;
use crate::disputes::api::ApiJson;
use crate::error::{AppError, AppResult};
use crate::extract::caller::{Member, Organiser, Rep};
use crate::pickets::turnout::{
    chase_list, drive_ballot, report, send_reminders, set_reminder_days, standing, Reminded,
    Standing,
};
use crate::pickets::turnout_pages::parse_list;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use picket_domain::turnout::TurnoutReport;
use picket_domain::{BallotId, DisputeId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

type BallotPath = Path<(String, DisputeId, BallotId)>;

/// Where the teams in the caller's view stand against the thresholds in force (reps: their
/// teams; organisers: every team).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/ballots/{ballot}/turnout", operation_id = "turnoutStanding", tag = "turnout",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("ballot" = i64, Path, description = "Ballot id")),
    responses((status = 200, body = Standing), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_standing(
    State(state): State<AppState>,
    Rep(c): Rep,
    Path((_slug, id, ballot)): BallotPath,
) -> AppResult<Json<Standing>> {
    let dispute = state.store.dispute(c.branch.id, id).await?;
    let b = drive_ballot(&state, &c.branch, id, ballot).await?;
    Ok(Json(
        standing(&state, &c.user, &c.branch, &dispute, &b).await?,
    ))
}

/// What a member says.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TurnoutReportBody {
    /// `paper_arrived` or `voted` (never how).
    pub report: String,
}

/// Say "my paper arrived" or "I have voted", as the member linked to this login (members).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/ballots/{ballot}/turnout/report", operation_id = "reportTurnout", tag = "turnout",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("ballot" = i64, Path, description = "Ballot id")),
    request_body(content = TurnoutReportBody, example = json!({"report": "voted"})),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn post_report(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, id, ballot)): BallotPath,
    ApiJson(body): ApiJson<TurnoutReportBody>,
) -> AppResult<StatusCode> {
    let b = drive_ballot(&state, &c.branch, id, ballot).await?;
    let what = TurnoutReport::parse(&body.report)
        .ok_or_else(|| AppError::invalid("report", "Say paper_arrived or voted."))?;
    report(&state, &c.actor(), &b, what).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A member to chase.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChaseView {
    /// The member's id.
    pub member_id: i64,
    /// Their name.
    pub name: String,
    /// Their phone number.
    pub phone: Option<String>,
    /// Their team.
    pub team: Option<String>,
    /// Whether they said their paper arrived.
    pub paper_arrived: bool,
}

/// `?list=`: which members.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ListParam {
    /// `not_voted` (default) or `paper_not_arrived`.
    pub list: Option<String>,
}

/// Who to chase, with phone numbers (reps: their teams; audited as a read of member records).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/ballots/{ballot}/turnout/chase", operation_id = "turnoutChaseList", tag = "turnout",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("ballot" = i64, Path, description = "Ballot id"), ListParam),
    responses((status = 200, body = Vec<ChaseView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn chase(
    State(state): State<AppState>,
    Rep(c): Rep,
    Path((_slug, id, ballot)): BallotPath,
    Query(q): Query<ListParam>,
) -> AppResult<Json<Vec<ChaseView>>> {
    let b = drive_ballot(&state, &c.branch, id, ballot).await?;
    let list = parse_list(q.list.as_deref().unwrap_or_default())?;
    let people = chase_list(&state, &c.user, &c.branch, &b, list, c.request_id.clone()).await?;
    Ok(Json(
        people
            .into_iter()
            .map(|p| ChaseView {
                member_id: p.member_id.0,
                name: p.name,
                phone: p.phone,
                team: p.team_name,
                paper_arrived: p.paper_arrived,
            })
            .collect(),
    ))
}

/// Email every member who has not said they voted (organisers); 409 when the last reminder
/// went fewer than the set number of days ago.
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/ballots/{ballot}/turnout/reminders", operation_id = "sendTurnoutReminders", tag = "turnout",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("ballot" = i64, Path, description = "Ballot id")),
    responses((status = 200, body = Reminded), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn remind(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, ballot)): BallotPath,
) -> AppResult<Json<Reminded>> {
    let dispute = state.store.dispute(c.branch.id, id).await?;
    let b = drive_ballot(&state, &c.branch, id, ballot).await?;
    Ok(Json(
        send_reminders(&state, &c.actor(), &dispute, &b).await?,
    ))
}

/// How often reminders may go.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct ReminderSettings {
    /// The fewest days between two reminders, 1 to 60.
    pub reminder_every_days: u32,
}

/// Set the fewest days between reminders (organisers).
#[utoipa::path(put, path = "/api/v1/branches/{branch}/disputes/{id}/ballots/{ballot}/turnout/settings", operation_id = "setTurnoutSettings", tag = "turnout",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("ballot" = i64, Path, description = "Ballot id")),
    request_body(content = ReminderSettings, example = json!({"reminder_every_days": 3})),
    responses((status = 200, body = ReminderSettings), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn settings(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, ballot)): BallotPath,
    ApiJson(body): ApiJson<ReminderSettings>,
) -> AppResult<Json<ReminderSettings>> {
    let b = drive_ballot(&state, &c.branch, id, ballot).await?;
    let days = set_reminder_days(
        &state,
        &c.actor(),
        &b,
        &body.reminder_every_days.to_string(),
    )
    .await?;
    Ok(Json(ReminderSettings {
        reminder_every_days: days,
    }))
}
