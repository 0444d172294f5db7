//! On the day: a rep's phone page for one shift, listing who signed up (with a phone number
//! to ring), one tap to mark each present, walk-ups added by name; organisers name the
//! picket supervisor there. Every view of the list is audited; every change is audited in
//! its unit. Attendance per day and site is on its own page.

use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::filters;
use crate::pages::{render_with_status, Layout};
use crate::pickets::common::{dispute_for, optional_id, ShiftView};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use picket_domain::pickets::signups::person_name;
use picket_domain::pickets::supervisor::{supervisor_rule, SupervisorRule};
use picket_domain::{DisputeId, MemberId, PicketShiftId, PicketSignupId, Role};
use picket_store::disputes::Dispute;
use picket_store::shifts::{Attendance, Shift, Signup, SignupStatus};
use picket_store::{Branch, NewAuditEntry};
use serde::Deserialize;

/// The list of a shift's places, read for `reason` and audited as a read of personal data.
pub async fn places(
    state: &AppState,
    user: &CurrentUser,
    branch: &Branch,
    dispute: DisputeId,
    shift: PicketShiftId,
    request_id: Option<String>,
    reason: &str,
) -> AppResult<Vec<Signup>> {
    let list = state.store.shift_signups(branch.id, dispute, shift).await?;
    state
        .store
        .audit(NewAuditEntry {
            actor: Some(user.user.id),
            branch: Some(branch.id),
            action: "picket.signups.view".into(),
            subject: Some(format!("picket-shift:{shift}")),
            detail: Some(format!("reason: {reason}; people={}", list.len())),
            request_id,
        })
        .await?;
    Ok(list)
}

/// Marks a place present or not (audited).
pub async fn mark(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    place: PicketSignupId,
    present: bool,
) -> AppResult<()> {
    let mut work = state.store.begin().await?;
    work.mark_present(actor.branch.id, dispute, place, present, Utc::now())
        .await?;
    let action = if present {
        "picket.present"
    } else {
        "picket.absent"
    };
    work.audit(actor.entry(action, format!("picket-signup:{place}")))
        .await?;
    work.commit().await?;
    Ok(())
}

/// Adds a walk-up by name, present (audited).
pub async fn walk_up(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    shift: PicketShiftId,
    name: &str,
) -> AppResult<PicketSignupId> {
    let name = person_name(name).map_err(crate::pickets::common::signup_error)?;
    let mut work = state.store.begin().await?;
    let id = work
        .add_walk_up(actor.branch.id, dispute, shift, &name, Utc::now())
        .await?;
    work.audit(actor.entry("picket.walk_up", format!("picket-signup:{id}")))
        .await?;
    work.commit().await?;
    Ok(id)
}

/// Names a member as the shift's supervisor, or none (audited).
pub async fn set_supervisor(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    shift: PicketShiftId,
    member: Option<MemberId>,
) -> AppResult<()> {
    let mut work = state.store.begin().await?;
    work.set_shift_supervisor(actor.branch.id, dispute, shift, member)
        .await
        .map_err(|e| match e {
            picket_store::StoreError::NotFound if member.is_some() => AppError::invalid(
                "supervisor",
                "Choose a member of this branch as the supervisor.",
            ),
            other => other.into(),
        })?;
    let mut entry = actor.entry("picket.supervisor", format!("picket-shift:{shift}"));
    entry.detail = member.map(|m| format!("member:{m}"));
    work.audit(entry).await?;
    work.commit().await?;
    Ok(())
}

/// A place on the day page.
pub struct PlaceRow {
    id: PicketSignupId,
    name: String,
    phone: String,
    status: &'static str,
    present: bool,
    member: Option<MemberId>,
}

#[derive(Template)]
#[template(path = "pickets/shift.html")]
struct ShiftPage {
    layout: Layout,
    branch: Branch,
    dispute: Dispute,
    shift: ShiftView,
    address: String,
    rows: Vec<PlaceRow>,
    present: usize,
    is_organiser: bool,
    supervisor: Option<MemberId>,
    rule: Option<SupervisorRule>,
    walk_up_name: String,
    error: Option<String>,
    field: &'static str,
}

async fn shift_page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    (slug, id, shift): (&str, DisputeId, PicketShiftId),
    request_id: Option<String>,
    failed: Option<(String, &'static str, String)>,
) -> AppResult<Response> {
    let (branch, dispute) = dispute_for(state, user, slug, id, Role::Rep).await?;
    let stored: Shift = state.store.picket_shift(branch.id, id, shift).await?;
    let list = places(
        state,
        user,
        &branch,
        id,
        shift,
        request_id,
        "the on-the-day list",
    )
    .await?;
    let rows: Vec<PlaceRow> = list
        .iter()
        .map(|p| PlaceRow {
            id: p.id,
            name: p.name.clone(),
            phone: p.phone.clone().unwrap_or_default(),
            status: match p.status {
                SignupStatus::Taken => "Signed up",
                SignupStatus::Waiting => "Waiting list",
                SignupStatus::WalkUp => "Walk-up",
                SignupStatus::Cancelled => "Cancelled",
            },
            present: p.present_at.is_some() || p.status == SignupStatus::WalkUp,
            member: p.member_id,
        })
        .collect();
    let present = rows.iter().filter(|r| r.present).count();
    let is_organiser = crate::pickets::common::at_least(user, &branch, Role::Organiser);
    let rule = supervisor_rule(dispute.nation, stored.times.day, &state.law.overrides).ok();
    let (error, field, walk_up_name) = match failed {
        Some((message, field, typed)) => (Some(message), field, typed),
        None => (None, "", String::new()),
    };
    let status = crate::pickets::common::page_status(&error);
    render_with_status(
        status,
        &ShiftPage {
            layout: Layout::new(
                format!("{} · {}", stored.site_name, stored.times.words()),
                csrf,
                Some(user),
            ),
            address: stored.site_address.clone(),
            shift: ShiftView::new(&stored, Utc::now()),
            supervisor: stored.supervisor,
            branch,
            dispute,
            rows,
            present,
            is_organiser,
            rule,
            walk_up_name,
            error,
            field,
        },
    )
}

/// GET /{branch}/disputes/{id}/pickets/shifts/{shift} (reps).
pub async fn page(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id, shift)): Path<(String, DisputeId, PicketShiftId)>,
) -> AppResult<Response> {
    shift_page(&state, &csrf, &user, (&slug, id, shift), request_id, None).await
}

/// The on-the-day forms: a tap on a place, a walk-up's name, or a supervisor.
#[derive(Debug, Default, Deserialize)]
pub struct DayForm {
    /// `present`, `absent`, `walk_up` or `supervisor`.
    #[serde(default)]
    action: String,
    /// The place tapped.
    #[serde(default, deserialize_with = "optional_id")]
    place: Option<i64>,
    /// The walk-up's name.
    #[serde(default)]
    name: String,
    /// The member named supervisor (empty: none).
    #[serde(default, deserialize_with = "optional_id")]
    supervisor: Option<i64>,
}

/// POST /{branch}/disputes/{id}/pickets/shifts/{shift}: a tap on the day page (reps; the
/// supervisor by organisers).
pub async fn act(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id, shift)): Path<(String, DisputeId, PicketShiftId)>,
    CsrfForm(form): CsrfForm<DayForm>,
) -> AppResult<Response> {
    let min = if form.action == "supervisor" {
        Role::Organiser
    } else {
        Role::Rep
    };
    let (branch, _) = dispute_for(&state, &user, &slug, id, min).await?;
    // The shift must be this dispute's.
    state.store.picket_shift(branch.id, id, shift).await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id: request_id.clone(),
    };
    let place = form.place.map(PicketSignupId);
    let done = match (form.action.as_str(), place) {
        ("present", Some(p)) => mark(&state, &actor, id, p, true).await,
        ("absent", Some(p)) => mark(&state, &actor, id, p, false).await,
        ("walk_up", _) => walk_up(&state, &actor, id, shift, &form.name)
            .await
            .map(|_| ()),
        ("supervisor", _) => {
            set_supervisor(&state, &actor, id, shift, form.supervisor.map(MemberId)).await
        }
        _ => Err(AppError::invalid(
            "action",
            "Choose what to do from the page's buttons.",
        )),
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!(
            "/{}/disputes/{id}/pickets/shifts/{shift}",
            branch.slug
        ))
        .into_response()),
        Err(AppError::Invalid { field, message }) => {
            let failed = Some((crate::words::plain(field, &message), field, form.name));
            shift_page(&state, &csrf, &user, (&slug, id, shift), request_id, failed).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "pickets/attendance.html")]
struct AttendancePage {
    layout: Layout,
    branch: Branch,
    dispute: Dispute,
    rows: Vec<Attendance>,
}

/// GET /{branch}/disputes/{id}/pickets/attendance (reps): counts per day and site.
pub async fn attendance(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path((slug, id)): Path<(String, DisputeId)>,
) -> AppResult<Response> {
    let (branch, dispute) = dispute_for(&state, &user, &slug, id, Role::Rep).await?;
    let rows = state.store.picket_attendance(branch.id, id).await?;
    render_with_status(
        StatusCode::OK,
        &AttendancePage {
            layout: Layout::new(
                format!("Picket attendance · {}", dispute.title),
                &csrf,
                Some(&user),
            ),
            branch,
            dispute,
            rows,
        },
    )
}

impl ShiftPage {
    /// Whether `member` is the shift's supervisor.
    fn is_supervisor(&self, member: &MemberId) -> bool {
        self.supervisor == Some(*member)
    }
}
