//! Member records over JSON, with the same access rules as the pages: organisers see the
//! branch, reps their teams, anyone else their own record. Every call says why (`reason`)
//! and is audited.

use crate::api::ErrorBody;
use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::json::ApiJson;
use crate::extract::{ApiUser, RequestId};
use crate::members::edit::EditInput;
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
    /// The day their membership began (YYYY-MM-DD; `null`: not known, counted throughout).
    pub joined_on: Option<String>,
    /// The day it ended (YYYY-MM-DD; counted up to the day before; `null`: still a member).
    pub left_on: Option<String>,
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
            joined_on: d.joined_on.map(|x| x.to_string()),
            left_on: d.left_on.map(|x| x.to_string()),
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

/// Changes to a member record: only the fields given change; `null` or `""` clears an
/// optional field. The reason is required and kept in the audit log.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberPatch {
    /// Why the record is changed (required; kept in the audit log, so no personal details).
    pub reason: String,
    /// Membership number.
    pub membership_number: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Email (takes effect at once: the union's records are the source).
    #[serde(default, deserialize_with = "present")]
    pub email: Option<Option<String>>,
    /// Phone.
    #[serde(default, deserialize_with = "present")]
    pub phone: Option<Option<String>>,
    /// Employer.
    #[serde(default, deserialize_with = "present")]
    pub employer: Option<Option<String>>,
    /// Team id (`null` for none).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub team_id: Option<Option<i64>>,
    /// Workplace.
    #[serde(default, deserialize_with = "present")]
    pub workplace: Option<Option<String>>,
    /// Job title.
    #[serde(default, deserialize_with = "present")]
    pub job_title: Option<Option<String>>,
    /// Daily pay in pence.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub daily_pay_pence: Option<Option<i64>>,
    /// Workplace rep.
    pub rep: Option<bool>,
    /// May be emailed.
    pub contact_email: Option<bool>,
    /// May be phoned or texted.
    pub contact_phone: Option<bool>,
    /// The consent wording agreed to.
    #[serde(default, deserialize_with = "present")]
    pub consent_wording: Option<Option<String>>,
    /// When they agreed (YYYY-MM-DD).
    #[serde(default, deserialize_with = "present")]
    pub consent_date: Option<Option<String>>,
    /// The day their membership began (YYYY-MM-DD; `null` for not known). Members are
    /// counted in a dispute's unit from this day.
    #[serde(default, deserialize_with = "present")]
    pub joined_on: Option<Option<String>>,
    /// The day it ended (YYYY-MM-DD, after `joined_on`; `null` while a member).
    #[serde(default, deserialize_with = "present")]
    pub left_on: Option<Option<String>>,
}

/// A field given, even as `null` (`Some(None)`), as against one left out (`None`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

impl MemberPatch {
    /// The record as it is, with these changes, as the edit form would have it.
    fn over(&self, member: &Member) -> EditInput {
        let mut input = EditInput::of(member);
        let set = |slot: &mut String, given: &Option<Option<String>>| {
            if let Some(value) = given {
                *slot = value.clone().unwrap_or_default();
            }
        };
        if let Some(n) = &self.membership_number {
            input.membership_number.clone_from(n);
        }
        if let Some(n) = &self.name {
            input.name.clone_from(n);
        }
        set(&mut input.email, &self.email);
        set(&mut input.phone, &self.phone);
        set(&mut input.employer, &self.employer);
        set(&mut input.workplace, &self.workplace);
        set(&mut input.job_title, &self.job_title);
        set(&mut input.consent_wording, &self.consent_wording);
        set(&mut input.consent_date, &self.consent_date);
        set(&mut input.joined_on, &self.joined_on);
        set(&mut input.left_on, &self.left_on);
        if let Some(team) = self.team_id {
            input.team = team.map(|t| t.to_string()).unwrap_or_default();
        }
        if let Some(pay) = self.daily_pay_pence {
            input.daily_pay = match pay {
                Some(p) if p >= 0 => picket_domain::Pence::from_pence(p).decimal(),
                Some(p) => p.to_string(),
                None => String::new(),
            };
        }
        if let Some(b) = self.rep {
            input.rep = b;
        }
        if let Some(b) = self.contact_email {
            input.contact_email = b;
        }
        if let Some(b) = self.contact_phone {
            input.contact_phone = b;
        }
        input.reason.clone_from(&self.reason);
        input
    }
}

/// The record after an edit, and the fields it changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct EditedMember {
    /// The record as it is now.
    pub member: MemberView,
    /// The fields changed (none: the record already said that).
    pub changed: Vec<String>,
}

/// Changes a member record (organisers of the branch): the fields given, with a reason.
/// The change and its audit entry (the fields changed, never their values, and the reason)
/// are written together. A field that fails its check is a 422 naming it.
#[utoipa::path(patch, path = "/api/v1/branches/{branch}/members/{id}", operation_id = "editMember", tag = "members",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Member id")),
    request_body(content = MemberPatch, example = json!({"reason": "moved team in the March restructure", "team_id": 3, "workplace": "Ashby House"})),
    responses((status = 200, body = EditedMember), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn edit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, MemberId)>,
    ApiJson(body): ApiJson<MemberPatch>,
) -> AppResult<Json<EditedMember>> {
    let access = members::organiser_access(&state, &user, &slug).await?;
    let member = state.store.member(access.branch.id, id).await?;
    if member.erased_at.is_some() {
        return Err(AppError::NotFound);
    }
    let teams = state.store.teams(access.branch.id).await?;
    let input = body.over(&member);
    let checked = crate::members::edit::check(&input, &teams, chrono::Utc::now().date_naive())
        .map_err(|problems| {
            let first = &problems[0];
            let field = match first.field {
                "team" => "team_id",
                "daily_pay" => "daily_pay_pence",
                other => other,
            };
            AppError::invalid(field, first.message.clone())
        })?;
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    let changed = crate::members::edit::apply(&state, &actor, id, &checked).await?;
    let member = state.store.member(access.branch.id, id).await?;
    Ok(Json(EditedMember {
        member: MemberView::from(&member),
        changed: changed.iter().map(|f| f.as_str().to_string()).collect(),
    }))
}
