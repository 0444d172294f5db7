//! Who struck on which day: reps enter each member's status for one team and one strike day
//! at a time (a row per member with a choice of status, which fits a phone), members declare
//! their own days on their self-service page, and a day where the two differ is listed as a
//! conflict for a rep to settle. A rep works on the teams they represent; organisers, the
//! treasurer and admins on every team called out.

use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::filters;
use crate::fund::{self, Access, StrikePeriod};
use crate::pages::{render, render_with_status, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use picket_domain::disputes::Named;
use picket_domain::strike_days::{team_called_out, DayOutcome, DaySource, DayStatus};
use picket_domain::{DisputeId, MemberId, PeriodId, Role, TeamId};
use picket_store::members::{MemberFilter, Team};
use picket_store::strike_days::{DayEntry, MemberDay};
use picket_store::{Branch, PageRequest};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The teams a user may record participation for: `None` for every team; a rep's own.
/// Below a rep: 403.
pub async fn team_scope(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
) -> AppResult<Option<Vec<TeamId>>> {
    match access.role {
        Role::Member => Err(AppError::Forbidden),
        Role::Rep => Ok(Some(
            state
                .store
                .rep_team_ids(access.branch.id, user.user.id)
                .await?,
        )),
        _ => Ok(None),
    }
}

/// The teams of the branch called out by a period, within the user's scope.
pub async fn teams_called_out(
    state: &AppState,
    branch: &Branch,
    dispute: DisputeId,
    period: &StrikePeriod,
    scope: &Option<Vec<TeamId>>,
) -> AppResult<Vec<Team>> {
    // The dispute's teams (its bargaining unit) when the period names none of its own.
    let parties: Vec<String> = state
        .store
        .unit_teams(branch.id, dispute, period.period.starts)
        .await?
        .into_iter()
        .map(|t| t.team.name)
        .collect();
    Ok(state
        .store
        .teams(branch.id)
        .await?
        .into_iter()
        .filter(|t| team_called_out(&period.period.teams, &parties, &t.name))
        .filter(|t| scope.as_ref().is_none_or(|s| s.contains(&t.id)))
        .collect())
}

/// The members of a team, by name (at most 200), audited as a read of member data.
async fn team_members(
    state: &AppState,
    actor: &Actor<'_>,
    team: TeamId,
) -> AppResult<Vec<(MemberId, String)>> {
    let page = state
        .store
        .search_members(
            actor.branch.id,
            &MemberFilter {
                query: None,
                teams: Some(vec![team]),
                include_erased: false,
            },
            PageRequest::new(1, 200),
        )
        .await?;
    let mut entry = actor.entry("member.search", format!("team:{team}"));
    entry.detail = Some(format!(
        "reason=payments; strike-day grid; results={}",
        page.total
    ));
    state.store.audit(entry).await?;
    Ok(page
        .items
        .into_iter()
        .map(|m| (m.id, m.details.name))
        .collect())
}

/// Statuses as offered in a form: value and label.
pub fn status_choices() -> Vec<(&'static str, &'static str)> {
    DayStatus::ALL
        .iter()
        .map(|s| (s.as_str(), s.label()))
        .collect()
}

/// A status typed in a form or sent over the API.
pub fn status(field: &'static str, text: &str) -> AppResult<DayStatus> {
    DayStatus::parse(text).ok_or_else(|| {
        AppError::invalid(
            field,
            format!("Choose a status: one of {}.", DayStatus::expected()),
        )
    })
}

/// Records statuses of one source with their audit entry, in one unit of work. Members
/// outside `scope` are not found; the store refuses members not called out and days outside
/// the period, and then nothing is recorded.
pub async fn record(
    state: &AppState,
    actor: &Actor<'_>,
    scope: &Option<Vec<TeamId>>,
    dispute: DisputeId,
    period: PeriodId,
    source: DaySource,
    entries: &[DayEntry],
) -> AppResult<u64> {
    if let Some(teams) = scope {
        for member in entries.iter().map(|e| e.member).collect::<BTreeSet<_>>() {
            let m = state.store.member(actor.branch.id, member).await?;
            if !m.team_id.is_some_and(|t| teams.contains(&t)) {
                return Err(AppError::NotFound);
            }
        }
    }
    let mut work = state.store.begin().await?;
    let n = work
        .record_strike_days(
            actor.branch.id,
            dispute,
            period,
            source,
            entries,
            Some(actor.user.user.id),
        )
        .await?;
    let mut entry = actor.entry("fund.strike_days", format!("period:{period}"));
    entry.detail = Some(format!("source={}; entries={n}", source.as_str()));
    work.audit(entry).await?;
    work.commit().await?;
    Ok(n)
}

/// One member's row in the grid.
pub struct GridRow {
    /// The member.
    pub id: MemberId,
    /// Their name.
    pub name: String,
    /// The status now shown as chosen (the rep's entry, else the day's status).
    pub chosen: String,
    /// What the member declared, if anything.
    pub declared: Option<&'static str>,
    /// Whether the day is in conflict.
    pub conflict: bool,
}

/// A conflict to settle.
pub struct ConflictRow {
    /// The member.
    pub id: MemberId,
    /// Their name.
    pub name: String,
    /// The day.
    pub day: NaiveDate,
    /// What the rep entered.
    pub rep: &'static str,
    /// What the member declared.
    pub member: &'static str,
}

#[derive(Template)]
#[template(path = "fund/grid.html")]
struct GridPage {
    layout: Layout,
    slug: String,
    dispute: DisputeId,
    title: String,
    days: Vec<(NaiveDate, bool)>,
    day: Option<NaiveDate>,
    teams: Vec<Team>,
    team_choices: Vec<(TeamId, String, bool)>,
    team: Option<TeamId>,
    rows: Vec<GridRow>,
    conflicts: Vec<ConflictRow>,
    statuses: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    saved: Option<u64>,
}

/// Which day and team the grid shows.
#[derive(Debug, Default, Deserialize)]
pub struct GridQuery {
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub day: Option<String>,
    /// The team's id.
    #[serde(default)]
    pub team: Option<String>,
    /// How many statuses were just saved.
    #[serde(default)]
    pub saved: Option<u64>,
}

#[expect(
    clippy::too_many_arguments,
    reason = "the grid's inputs, each needed once"
)]
async fn grid(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    access: &Access,
    actor: &Actor<'_>,
    dispute: DisputeId,
    day: Option<NaiveDate>,
    team: Option<TeamId>,
    typed: &BTreeMap<MemberId, String>,
) -> AppResult<GridPage> {
    let scope = team_scope(state, user, access).await?;
    let d = state.store.dispute(access.branch.id, dispute).await?;
    let periods = fund::strike_periods(state, &access.branch, dispute).await?;
    let days: Vec<NaiveDate> = periods.iter().flat_map(|p| p.days.clone()).collect();
    let today = chrono::Utc::now().date_naive();
    let day = day
        .filter(|x| days.contains(x))
        .or_else(|| days.iter().rev().find(|x| **x <= today).copied())
        .or_else(|| days.first().copied());
    let mut page = GridPage {
        layout: Layout::new(format!("Strike days · {}", d.title), csrf, Some(user)),
        slug: access.branch.slug.clone(),
        dispute,
        title: d.title,
        days: days.iter().map(|x| (*x, Some(*x) == day)).collect(),
        day,
        teams: Vec::new(),
        team_choices: Vec::new(),
        team: None,
        rows: Vec::new(),
        conflicts: Vec::new(),
        statuses: status_choices(),
        error: None,
        saved: None,
    };
    let Some(day) = day else {
        return Ok(page);
    };
    let Some(period) = periods
        .iter()
        .find(|p| p.period.starts <= day && day <= p.period.ends)
    else {
        return Ok(page);
    };
    page.teams = teams_called_out(state, &access.branch, dispute, period, &scope).await?;
    page.team = team
        .filter(|t| page.teams.iter().any(|x| x.id == *t))
        .or_else(|| page.teams.first().map(|t| t.id));
    page.team_choices = page
        .teams
        .iter()
        .map(|t| (t.id, t.name.clone(), Some(t.id) == page.team))
        .collect();
    let member_days = state
        .store
        .member_days(access.branch.id, dispute, period.period.id)
        .await?;
    let allowed: Option<BTreeSet<MemberId>> = match &scope {
        None => None,
        Some(_) => {
            let mut ids = BTreeSet::new();
            for t in &page.teams {
                ids.extend(
                    team_members(state, actor, t.id)
                        .await?
                        .into_iter()
                        .map(|m| m.0),
                );
            }
            Some(ids)
        }
    };
    let open: Vec<&MemberDay> = member_days
        .iter()
        .filter(|m| matches!(m.outcome, DayOutcome::Conflict { .. }))
        .filter(|m| allowed.as_ref().is_none_or(|a| a.contains(&m.member_id)))
        .collect();
    let names =
        fund::member_names(state, actor, open.iter().map(|m| m.member_id).collect()).await?;
    page.conflicts = open
        .into_iter()
        .filter_map(|m| match m.outcome {
            DayOutcome::Conflict { rep, member } => Some(ConflictRow {
                id: m.member_id,
                name: names.get(&m.member_id).cloned().unwrap_or_default(),
                day: m.day,
                rep: rep.label(),
                member: member.label(),
            }),
            _ => None,
        })
        .collect();
    if let Some(team) = page.team {
        let on_day: BTreeMap<MemberId, &MemberDay> = member_days
            .iter()
            .filter(|m| m.day == day)
            .map(|m| (m.member_id, m))
            .collect();
        page.rows = team_members(state, actor, team)
            .await?
            .into_iter()
            .map(|(id, name)| {
                let known = on_day.get(&id);
                let chosen = typed.get(&id).cloned().unwrap_or_else(|| {
                    known
                        .and_then(|m| m.settled.or(m.rep).or(m.outcome.status()))
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default()
                });
                GridRow {
                    id,
                    name,
                    chosen,
                    declared: known.and_then(|m| m.member).map(|s| s.label()),
                    conflict: known
                        .is_some_and(|m| matches!(m.outcome, DayOutcome::Conflict { .. })),
                }
            })
            .collect();
    }
    Ok(page)
}

fn team_id(text: Option<&str>) -> Option<TeamId> {
    text.and_then(|t| t.trim().parse().ok())
}

/// GET /{branch}/disputes/{id}/strike-days?day=…&team=… (reps, treasurer, organisers).
pub async fn page(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, dispute)): Path<(String, DisputeId)>,
    Query(q): Query<GridQuery>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?;
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    let day = q.day.as_deref().and_then(|d| fund::day("day", d).ok());
    let mut p = grid(
        &state,
        &csrf,
        &user,
        &access,
        &actor,
        dispute,
        day,
        team_id(q.team.as_deref()),
        &BTreeMap::new(),
    )
    .await?;
    p.saved = q.saved;
    render(&p)
}

/// POST /{branch}/disputes/{id}/strike-days: `day`, `team`, and `m<member id>` = status for
/// each row (an empty status leaves the row as it was).
pub async fn save(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, dispute)): Path<(String, DisputeId)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?;
    let scope = team_scope(&state, &user, &access).await?;
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let team = team_id(field("team"));
    let mut typed = BTreeMap::new();
    for (k, v) in &form {
        if let Some(id) = k.strip_prefix('m').and_then(|i| i.parse().ok()) {
            if !v.trim().is_empty() {
                typed.insert(MemberId(id), v.clone());
            }
        }
    }
    let outcome = async {
        let day = fund::day("day", field("day").unwrap_or_default())?;
        let periods = fund::strike_periods(&state, &access.branch, dispute).await?;
        if !periods.iter().any(|p| p.days.contains(&day)) {
            return Err(fund::outside(&periods, "day", day));
        }
        let period = fund::period_of(&periods, "day", day)?;
        let entries = typed
            .iter()
            .map(|(member, s)| {
                Ok(DayEntry {
                    member: *member,
                    day,
                    status: status("status", s)?,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        if entries.is_empty() {
            return Err(AppError::invalid(
                "status",
                "Choose a status for at least one member.",
            ));
        }
        record(
            &state,
            &actor,
            &scope,
            dispute,
            period,
            DaySource::Rep,
            &entries,
        )
        .await?;
        Ok((day, entries.len()))
    }
    .await;
    let day = field("day").and_then(|d| fund::day("day", d).ok());
    match outcome {
        Ok((day, n)) => Ok(Redirect::to(&format!(
            "/{}/disputes/{dispute}/strike-days?day={day}{}&saved={n}",
            access.branch.slug,
            team.map(|t| format!("&team={t}")).unwrap_or_default()
        ))
        .into_response()),
        Err(e) => {
            let (status, message) = fund::donations::refusal(e)?;
            let mut p = grid(
                &state, &csrf, &user, &access, &actor, dispute, day, team, &typed,
            )
            .await?;
            p.error = Some(message);
            render_with_status(status, &p)
        }
    }
}

/// The settle form: one member's day and the status it was.
#[derive(Debug, Deserialize)]
pub struct SettleForm {
    /// The member.
    pub member: String,
    /// The day, `YYYY-MM-DD`.
    pub day: String,
    /// The status it was.
    pub status: String,
}

/// POST /{branch}/disputes/{id}/strike-days/settle: a rep settles a conflict.
pub async fn settle(
    State(state): State<AppState>,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, dispute)): Path<(String, DisputeId)>,
    CsrfForm(form): CsrfForm<SettleForm>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?;
    let scope = team_scope(&state, &user, &access).await?;
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    let day = fund::day("day", &form.day)?;
    let member = MemberId(
        form.member
            .trim()
            .parse()
            .map_err(|_| AppError::invalid("member", "Choose a member from the list."))?,
    );
    let status = status("status", &form.status)?;
    let periods = fund::strike_periods(&state, &access.branch, dispute).await?;
    let period = fund::period_of(&periods, "day", day)?;
    record(
        &state,
        &actor,
        &scope,
        dispute,
        period,
        DaySource::Settled,
        &[DayEntry {
            member,
            day,
            status,
        }],
    )
    .await?;
    Ok(Redirect::to(&format!(
        "/{}/disputes/{dispute}/strike-days?day={day}",
        access.branch.slug
    ))
    .into_response())
}

/// A member's own declaration: which dispute's strike day (the dispute is found from the
/// day) and what they did.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DeclareInput {
    /// The strike day, `YYYY-MM-DD`.
    pub day: String,
    /// `on-strike`, `working`, `released`, `on-leave`, `sick` or `not-employed`.
    pub status: String,
}

/// Records a member's own declaration for the strike day of whichever of the branch's
/// disputes holds it.
pub async fn declare(
    state: &AppState,
    actor: &Actor<'_>,
    member: MemberId,
    input: &DeclareInput,
) -> AppResult<()> {
    let day = fund::day("day", &input.day)?;
    let status = status("status", &input.status)?;
    for d in state.store.disputes(actor.branch.id).await? {
        let periods = fund::strike_periods(state, actor.branch, d.id).await?;
        if let Some(p) = periods.iter().find(|p| p.days.contains(&day)) {
            record(
                state,
                actor,
                &None,
                d.id,
                p.period.id,
                DaySource::Member,
                &[DayEntry {
                    member,
                    day,
                    status,
                }],
            )
            .await?;
            return Ok(());
        }
    }
    Err(AppError::invalid(
        "day",
        format!(
            "{} is not a strike day of any of the branch's disputes: choose a day of strike action.",
            fund::words(day)
        ),
    ))
}

/// POST /{branch}/me/strike-days: the signed-in member declares one of their days; a
/// refusal shows their page again with the message and what they typed.
pub async fn declare_own(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<DeclareInput>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?;
    let member = state
        .store
        .member_for_user(access.branch.id, user.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    match declare(&state, &actor, member.id, &form).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/{}/me?saved=1#strike-days", access.branch.slug))
                .into_response(),
        ),
        Err(e) => {
            let (status, message) = fund::donations::refusal(e)?;
            crate::member_data::pages::own_form_refused(
                &state,
                &csrf,
                &user,
                &slug,
                status,
                crate::member_data::pages::OwnRefusal::StrikeDay(message, form),
            )
            .await
        }
    }
}
