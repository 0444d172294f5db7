//! What the picket pages and API share: loading a dispute for a role, turning the domain's
//! refusals into errors that name their field, the links in picket email, and one shift as
//! pages and the API show it.

use crate::api::{ErrorBody, ErrorDetail};
use crate::error::{AppError, AppResult};
use crate::extract::CurrentUser;
use crate::state::AppState;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use picket_domain::pickets::shifts::{date_words, time_words, ShiftError};
use picket_domain::pickets::signups::{SignUpError, SignUpRefusal};
use picket_domain::pickets::supervisor::supervisor_rule;
use picket_domain::pickets::PicketError;
use picket_domain::{DisputeId, MemberId, PicketShiftId, Role};
use picket_jobs::pickets::{link_secret, Links};
use picket_store::disputes::Dispute;
use picket_store::members::Member;
use picket_store::shifts::Shift;
use picket_store::Branch;
use serde::Serialize;
use utoipa::ToSchema;

/// The purpose a member's private calendar address is made for.
pub const FEED_PURPOSE: &str = "picket-member-feed";

/// A dispute of a branch the user reaches with at least `role`.
pub async fn dispute_for(
    state: &AppState,
    user: &CurrentUser,
    slug: &str,
    id: DisputeId,
    role: Role,
) -> AppResult<(Branch, Dispute)> {
    let branch = user.branch_access(&*state.store, slug, role).await?;
    let dispute = state.store.dispute(branch.id, id).await?;
    Ok((branch, dispute))
}

/// A dispute the public may see (its campaign page is up), else not found.
pub async fn public_dispute(
    state: &AppState,
    slug: &str,
    id: DisputeId,
) -> AppResult<(Branch, Dispute)> {
    let key = (slug.to_string(), id);
    let (branch, dispute) = state
        .public_disputes
        .get_or_read(&key, async {
            let branch = state.store.branch_by_slug(slug).await?;
            let dispute = state.store.dispute(branch.id, id).await?;
            Ok::<_, AppError>((branch, dispute))
        })
        .await?;
    if !dispute.status.is_public() {
        return Err(AppError::NotFound);
    }
    Ok((branch, dispute))
}

/// The member record linked to the signed-in user in this branch, if any.
pub async fn own_member(
    state: &AppState,
    branch: &Branch,
    user: &CurrentUser,
) -> AppResult<Option<Member>> {
    Ok(state
        .store
        .member_for_user(branch.id, user.user.id)
        .await?
        .filter(|m| m.erased_at.is_none()))
}

/// The member record, or a message saying why a login without one cannot sign up.
pub async fn require_member(
    state: &AppState,
    branch: &Branch,
    user: &CurrentUser,
) -> AppResult<Member> {
    own_member(state, branch, user).await?.ok_or_else(|| {
        AppError::invalid(
            "member",
            "Your login is not linked to a member record in this branch, so you cannot take a place as a member. Ask an organiser to link it.",
        )
    })
}

/// Whether the user is at least `role` in the branch (instance admins are).
pub fn at_least(user: &CurrentUser, branch: &Branch, role: Role) -> bool {
    user.is_admin() || user.role_in(&branch.slug).is_some_and(|r| r.at_least(role))
}

/// The status of a page shown again with a message (422), or shown plainly (200).
pub fn page_status(error: &Option<String>) -> StatusCode {
    if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

/// A shift refusal as a validation error naming its field.
pub fn shift_error(e: ShiftError) -> AppError {
    AppError::invalid(e.field, e.message)
}

/// A sign-up detail refusal as a validation error naming its field.
pub fn signup_error(e: SignUpError) -> AppError {
    AppError::invalid(e.field, e.message)
}

/// A site refusal as a validation error naming its field.
pub fn site_error(e: PicketError) -> AppError {
    AppError::invalid(e.field, e.message)
}

/// The links picket email carries (the secret read from the store once per process).
pub async fn links(state: &AppState) -> AppResult<Links> {
    let secret = state
        .picket_link_secret
        .get_or_try_init(|| link_secret(&*state.store))
        .await
        .map_err(|e| AppError::Internal(format!("the picket link secret: {e:#}")))?;
    Ok(Links {
        public_url: state.settings.public_base().to_string(),
        secret: secret.clone(),
    })
}

/// A failure while queuing email, for the log.
pub fn mail_error(e: anyhow::Error) -> AppError {
    AppError::Internal(format!("queuing picket email: {e:#}"))
}

/// A sign-up refused by the rota, as the API answers it: 409 with the refusal's own code.
pub fn refusal_response(reason: SignUpRefusal) -> Response {
    (
        StatusCode::CONFLICT,
        Json(ErrorBody {
            error: ErrorDetail {
                code: reason.code().into(),
                message: reason.to_string(),
                field: None,
            },
        }),
    )
        .into_response()
}

/// Today by the UK clock.
pub fn today() -> NaiveDate {
    picket_domain::pickets::london::to_local(Utc::now()).date()
}

/// The host name that makes calendar UIDs unique.
pub fn host(state: &AppState) -> String {
    url::Url::parse(state.settings.public_base())
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "picket.invalid".into())
}

/// One shift as pages and the API show it: places only, never people.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShiftView {
    /// Its id.
    #[schema(value_type = i64)]
    pub id: PicketShiftId,
    /// The site's id.
    pub site_id: i64,
    /// The site's name.
    pub site: String,
    /// The entrance's id.
    pub entrance_id: i64,
    /// The entrance's name.
    pub entrance: String,
    /// The day, YYYY-MM-DD.
    #[schema(value_type = String)]
    pub day: NaiveDate,
    /// When it starts, HH:MM (UK clock).
    pub starts: String,
    /// When it ends, HH:MM (UK clock).
    pub ends: String,
    /// Places.
    pub capacity: u32,
    /// Places taken.
    pub taken: u32,
    /// On the waiting list.
    pub waiting: u32,
    /// Whether supporters without an account may sign up.
    pub open_to_supporters: bool,
    /// What to bring, where to meet.
    pub notes: String,
    /// Whether a member is named as picket supervisor.
    pub has_supervisor: bool,
    /// When it was cancelled (RFC 3339), if it was.
    #[schema(value_type = Option<String>)]
    pub cancelled_at: Option<DateTime<Utc>>,
    /// The day as people read it, "1 May 2024".
    #[serde(skip)]
    pub day_words: String,
    /// Whether it has started.
    #[serde(skip)]
    pub started: bool,
}

impl ShiftView {
    /// The view of a stored shift at `now`.
    pub fn new(s: &Shift, now: DateTime<Utc>) -> Self {
        Self {
            id: s.id,
            site_id: s.site_id.0,
            site: s.site_name.clone(),
            entrance_id: s.entrance_id.0,
            entrance: s.entrance_name.clone(),
            day: s.times.day,
            starts: time_words(s.times.starts),
            ends: time_words(s.times.ends),
            capacity: s.capacity,
            taken: s.taken,
            waiting: s.waiting,
            open_to_supporters: s.open_to_supporters,
            notes: s.notes.clone(),
            has_supervisor: s.supervisor.is_some(),
            cancelled_at: s.cancelled_at,
            day_words: date_words(s.times.day),
            started: s.starts_at <= now,
        }
    }

    /// Places still free.
    pub fn free(&self) -> u32 {
        self.capacity.saturating_sub(self.taken)
    }

    /// Whether it is cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled_at.is_some()
    }
}

/// A warning about a shift with no supervisor on a day the law requires one.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SupervisorWarning {
    /// The shift.
    #[schema(value_type = i64)]
    pub shift_id: PicketShiftId,
    /// The warning, naming the provision.
    pub message: String,
    /// The provision.
    pub provision: String,
}

/// The warnings for the shifts (not cancelled) that have no supervisor on a day the law
/// engine requires one.
pub fn supervisor_warnings(
    state: &AppState,
    dispute: &Dispute,
    shifts: &[Shift],
) -> Vec<SupervisorWarning> {
    shifts
        .iter()
        .filter(|s| s.cancelled_at.is_none() && s.supervisor.is_none())
        .filter_map(|s| {
            let rule = supervisor_rule(dispute.nation, s.times.day, &state.law.overrides).ok()?;
            let message = rule.warning_without_one()?;
            Some(SupervisorWarning {
                shift_id: s.id,
                message: format!(
                    "{} ({}, {}–{}): {message}",
                    s.site_name,
                    s.entrance_name,
                    time_words(s.times.starts),
                    time_words(s.times.ends)
                ),
                provision: rule.provision,
            })
        })
        .collect()
}

/// The member named as supervisor, for the audit subject.
pub fn member_subject(id: MemberId) -> String {
    format!("member:{id}")
}

/// Reads an optional id from a form, where an empty field means none.
pub fn optional_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    use serde::Deserialize;
    let s: Option<String> = Option::deserialize(d)?;
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v.parse().map(Some).map_err(serde::de::Error::custom),
    }
}
