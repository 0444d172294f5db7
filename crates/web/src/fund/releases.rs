//! Release requests: the employer asks the branch to release strikers to cover an
//! emergency. Reps and organisers record who asked, when and for what cover, then the
//! decision and who was released (whose day is then settled as released).

use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::filters;
use crate::fund::{self, participation, Access};
use crate::pages::{render, render_with_status, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use picket_domain::text;
use picket_domain::{DisputeId, MemberId, ReleaseRequestId};
use picket_store::members::MemberFilter;
use picket_store::strike_days::{NewReleaseRequest, ReleaseDecision, ReleaseRequest};
use picket_store::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A release request as typed or sent.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct ReleaseInput {
    /// The strike day the cover is for, `YYYY-MM-DD`.
    pub day: String,
    /// Who asked: a manager's role or name.
    pub asked_by: String,
    /// When they asked, `YYYY-MM-DD`.
    pub asked_on: String,
    /// What cover they asked for.
    pub cover: String,
}

/// Records a release request (pending) with its audit entry.
pub async fn add(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    input: &ReleaseInput,
) -> AppResult<ReleaseRequestId> {
    let day = fund::day("day", &input.day)?;
    let periods = fund::strike_periods(state, actor.branch, dispute).await?;
    if !periods.iter().any(|p| p.days.contains(&day)) {
        return Err(fund::outside(&periods, "day", day));
    }
    let period = fund::period_of(&periods, "day", day)?;
    let asked_by = text::single_line(&input.asked_by, 200)
        .map_err(|e| AppError::invalid("asked_by", format!("Who asked {e}.")))?;
    if asked_by.is_empty() {
        return Err(AppError::invalid(
            "asked_by",
            "Say who asked for the release, like the duty manager.",
        ));
    }
    let cover = text::multi_line(&input.cover, 1000)
        .map_err(|e| AppError::invalid("cover", format!("The cover asked for {e}.")))?;
    if cover.is_empty() {
        return Err(AppError::invalid("cover", "Say what cover was asked for."));
    }
    let asked_on = fund::day("asked_on", &input.asked_on)?;
    if asked_on > chrono::Utc::now().date_naive() {
        return Err(AppError::invalid(
            "asked_on",
            "The day they asked cannot be in the future.",
        ));
    }
    let mut work = state.store.begin().await?;
    let id = work
        .add_release_request(
            actor.branch.id,
            dispute,
            period,
            &NewReleaseRequest {
                day,
                asked_by,
                asked_on,
                cover,
            },
            Some(actor.user.user.id),
        )
        .await?;
    work.audit(actor.entry("fund.release.add", format!("release-request:{id}")))
        .await?;
    work.commit().await?;
    Ok(id)
}

/// Decides a pending request with its audit entry: `grant` names the member released.
pub async fn decide(
    state: &AppState,
    actor: &Actor<'_>,
    scope: &Option<Vec<picket_domain::TeamId>>,
    dispute: DisputeId,
    id: ReleaseRequestId,
    grant: Option<MemberId>,
) -> AppResult<()> {
    if let (Some(teams), Some(member)) = (scope, grant) {
        let m = state.store.member(actor.branch.id, member).await?;
        if !m.team_id.is_some_and(|t| teams.contains(&t)) {
            return Err(AppError::NotFound);
        }
    }
    let mut work = state.store.begin().await?;
    work.decide_release_request(
        actor.branch.id,
        dispute,
        id,
        grant,
        Some(actor.user.user.id),
    )
    .await
    .map_err(|e| match e {
        picket_store::StoreError::Conflict(_) => {
            AppError::Conflict("That request has been decided already.".into())
        }
        other => other.into(),
    })?;
    let mut entry = actor.entry("fund.release.decide", format!("release-request:{id}"));
    entry.detail = Some(match grant {
        Some(m) => format!("granted; member:{m}"),
        None => "refused".into(),
    });
    work.audit(entry).await?;
    work.commit().await?;
    Ok(())
}

/// A request as listed.
pub struct RequestRow {
    /// The request.
    pub r: ReleaseRequest,
    /// Its decision, for people.
    pub decision: &'static str,
    /// The member released, by name.
    pub released: Option<String>,
}

#[derive(Template)]
#[template(path = "fund/releases.html")]
struct ReleasesPage {
    layout: Layout,
    slug: String,
    dispute: DisputeId,
    title: String,
    requests: Vec<RequestRow>,
    members: Vec<(MemberId, String)>,
    form: ReleaseInput,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    access: &Access,
    actor: &Actor<'_>,
    dispute: DisputeId,
) -> AppResult<ReleasesPage> {
    let scope = participation::team_scope(state, user, access).await?;
    let d = state.store.dispute(access.branch.id, dispute).await?;
    let requests = state
        .store
        .release_requests(access.branch.id, dispute)
        .await?;
    let names = fund::member_names(
        state,
        actor,
        requests.iter().filter_map(|r| r.released).collect(),
    )
    .await?;
    let pending = requests
        .iter()
        .any(|r| r.decision == ReleaseDecision::Pending);
    let members = if pending {
        let found = state
            .store
            .search_members(
                access.branch.id,
                &MemberFilter {
                    query: None,
                    teams: scope.clone(),
                    include_erased: false,
                },
                PageRequest::new(1, 200),
            )
            .await?;
        let mut entry = actor.entry("member.search", format!("branch:{}", access.branch.id));
        entry.detail = Some(format!(
            "reason=payments; release requests; results={}",
            found.total
        ));
        state.store.audit(entry).await?;
        found
            .items
            .into_iter()
            .map(|m| (m.id, m.details.name))
            .collect()
    } else {
        Vec::new()
    };
    Ok(ReleasesPage {
        layout: Layout::new(format!("Release requests · {}", d.title), csrf, Some(user)),
        slug: access.branch.slug.clone(),
        dispute,
        title: d.title,
        requests: requests
            .into_iter()
            .map(|r| RequestRow {
                decision: match r.decision {
                    ReleaseDecision::Pending => "Waiting for a decision",
                    ReleaseDecision::Granted => "Granted",
                    ReleaseDecision::Refused => "Refused",
                },
                released: r.released.and_then(|m| names.get(&m).cloned()),
                r,
            })
            .collect(),
        members,
        form: ReleaseInput {
            asked_on: chrono::Utc::now().date_naive().to_string(),
            ..ReleaseInput::default()
        },
        error: None,
    })
}

/// GET /{branch}/disputes/{id}/releases (reps, treasurer, organisers).
pub async fn list(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, dispute)): Path<(String, DisputeId)>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?;
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    render(&page(&state, &csrf, &user, &access, &actor, dispute).await?)
}

/// POST /{branch}/disputes/{id}/releases: record a request.
pub async fn create(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, dispute)): Path<(String, DisputeId)>,
    CsrfForm(form): CsrfForm<ReleaseInput>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?;
    participation::team_scope(&state, &user, &access).await?;
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    match add(&state, &actor, dispute, &form).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/{}/disputes/{dispute}/releases",
            access.branch.slug
        ))
        .into_response()),
        Err(e) => {
            let (status, message) = fund::donations::refusal(e)?;
            let mut p = page(&state, &csrf, &user, &access, &actor, dispute).await?;
            p.form = form;
            p.error = Some(message);
            render_with_status(status, &p)
        }
    }
}

/// The decision form.
#[derive(Debug, Deserialize)]
pub struct DecideForm {
    /// `grant` or `refuse`.
    pub decision: String,
    /// The member released, when granted.
    #[serde(default)]
    pub member: String,
}

/// POST /{branch}/disputes/{id}/releases/{request}/decide
pub async fn decide_form(
    State(state): State<AppState>,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, dispute, id)): Path<(String, DisputeId, ReleaseRequestId)>,
    CsrfForm(form): CsrfForm<DecideForm>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?;
    let scope = participation::team_scope(&state, &user, &access).await?;
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    let grant = grant_of(&form.decision, &form.member)?;
    decide(&state, &actor, &scope, dispute, id, grant).await?;
    Ok(Redirect::to(&format!(
        "/{}/disputes/{dispute}/releases",
        access.branch.slug
    ))
    .into_response())
}

/// Reads a decision: `grant` with the member released, or `refuse`.
pub fn grant_of(decision: &str, member: &str) -> AppResult<Option<MemberId>> {
    match decision.trim() {
        "grant" => Ok(Some(MemberId(member.trim().parse().map_err(|_| {
            AppError::invalid("member", "Choose the member released.")
        })?))),
        "refuse" => Ok(None),
        _ => Err(AppError::invalid("decision", "Choose grant or refuse.")),
    }
}
