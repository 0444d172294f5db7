//! Member records over JSON, with the same access rules as the pages: organisers see the
//! branch, reps their teams, anyone else their own record. Every call says why (`reason`)
//! and is audited.

use crate::api::ErrorBody;
use crate::error::AppResult;
use crate::extract::{ApiUser, RequestId};
use crate::members::{self, Search};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use picket_domain::{MemberId, TeamId};
use picket_store::members::Member;
use picket_store::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A member record.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    /// Id.
    #[schema(value_type = i64)]
    pub id: MemberId,
    /// Membership number.
    pub membership_number: String,
    /// Name.
    pub name: String,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Employer.
    pub employer: Option<String>,
    /// Team id.
    #[schema(value_type = Option<i64>)]
    pub team_id: Option<TeamId>,
    /// Team name.
    pub team: Option<String>,
    /// Workplace.
    pub workplace: Option<String>,
    /// Job title.
    pub job_title: Option<String>,
    /// Daily pay in pence.
    pub daily_pay_pence: Option<i64>,
    /// Workplace rep.
    pub rep: bool,
    /// May be emailed.
    pub contact_email: bool,
    /// May be phoned or texted.
    pub contact_phone: bool,
    /// The consent wording they agreed to.
    pub consent_wording: Option<String>,
    /// When they agreed (YYYY-MM-DD).
    pub consent_date: Option<String>,
    /// Last changed (RFC 3339).
    pub updated_at: String,
}

impl From<&Member> for MemberView {
    fn from(m: &Member) -> Self {
        let d = &m.details;
        Self {
            id: m.id,
            membership_number: d.membership_number.to_string(),
            name: d.name.clone(),
            email: d.email.as_ref().map(|e| e.to_string()),
            phone: d.phone.as_ref().map(|p| p.as_str().to_string()),
            employer: d.employer.clone(),
            team_id: m.team_id,
            team: m.team_name.clone(),
            workplace: d.workplace.clone(),
            job_title: d.job_title.clone(),
            daily_pay_pence: d.daily_pay_pence,
            rep: d.is_rep,
            contact_email: d.contact.by_email,
            contact_phone: d.contact.by_phone,
            consent_wording: d.contact.consent_wording.clone(),
            consent_date: d.contact.consent_date.map(|x| x.to_string()),
            updated_at: m.updated_at.to_rfc3339(),
        }
    }
}

/// One page of members.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembersPage {
    /// The members, by name.
    pub items: Vec<MemberView>,
    /// This page.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
    /// Members matching.
    pub total: u64,
}

/// Why the caller reads member data, and what to find.
#[derive(Debug, Deserialize, IntoParams)]
pub struct MembersQuery {
    /// Why: `organising`, `casework`, `payments`, `record-keeping`, `ballot` or
    /// `member-request` (required, except for one's own record).
    #[param(example = "casework")]
    pub reason: Option<String>,
    /// Words in the name, membership number or email.
    pub q: Option<String>,
    /// Only this team.
    #[param(value_type = Option<i64>)]
    pub team: Option<TeamId>,
    /// Page number from 1 (default 1; 0 reads as 1).
    #[param(value_type = Option<u64>, maximum = 4294967295.0)]
    pub page: Option<u32>,
    /// Rows per page, 1–200 (default 50; a number outside reads as the nearest of them).
    #[param(value_type = Option<u64>, maximum = 4294967295.0)]
    pub per_page: Option<u32>,
}

/// Why the caller reads this record.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ReasonQuery {
    /// Why: `organising`, `casework`, `payments`, `record-keeping`, `ballot` or
    /// `member-request` (required, except for one's own record).
    #[param(example = "casework")]
    pub reason: Option<String>,
}

/// The members the caller may see: the branch for organisers, their teams for reps, their
/// own record for anyone else. Audited with the reason.
#[utoipa::path(get, path = "/api/v1/branches/{branch}/members", operation_id = "listMembers", tag = "members",
    params(("branch" = String, Path, description = "Branch slug"), MembersQuery),
    responses((status = 200, body = MembersPage), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    Query(q): Query<MembersQuery>,
) -> AppResult<Json<MembersPage>> {
    let access = members::access(&state, &user, &slug).await?;
    let why = members::reason(&access, q.reason.as_deref())?;
    let page = members::search(
        &state,
        &user,
        &access,
        &Search {
            query: q.q.clone(),
            team: q.team,
        },
        why,
        PageRequest::new(q.page.unwrap_or(1), q.per_page.unwrap_or(50)),
        request_id,
    )
    .await?;
    Ok(Json(MembersPage {
        items: page.items.iter().map(MemberView::from).collect(),
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    }))
}

/// One member's record, if the caller may see it (404 otherwise). Audited with the reason.
#[utoipa::path(get, path = "/api/v1/branches/{branch}/members/{id}", operation_id = "getMember", tag = "members",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Member id"), ReasonQuery),
    responses((status = 200, body = MemberView), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, MemberId)>,
    Query(q): Query<ReasonQuery>,
) -> AppResult<Json<MemberView>> {
    let access = members::access(&state, &user, &slug).await?;
    let why = members::reason(&access, q.reason.as_deref())?;
    let member = members::view(&state, &user, &access, id, why, request_id).await?;
    Ok(Json(MemberView::from(&member)))
}
