//! The rota, `/{branch}/disputes/{id}/pickets/shifts`: every member sees the shifts and takes
//! or gives up a place with one tap; reps open a shift's on-the-day page; organisers add
//! shifts (one, or every strike day of a period) and see the law engine's warnings. A form
//! that fails is shown again with the message and what was typed.

use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::pages::{render_with_status, Layout};
use crate::pickets::common::{
    dispute_for, own_member, supervisor_warnings, ShiftView, SupervisorWarning,
};
use crate::pickets::shifts::{
    add_shift, cancel_shift, capacity_warning, plan_shifts, Added, PlanForm, ShiftForm,
};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use picket_domain::disputes::ActionKind;
use picket_domain::pickets::shifts::{capacity, date_words};
use picket_domain::{DisputeId, PicketShiftId, Role};
use picket_store::disputes::Dispute;
use picket_store::shifts::SignupStatus;
use picket_store::Branch;
use serde::Deserialize;
use std::collections::HashMap;

/// A shift on the rota, with where the signed-in member stands on it.
pub struct RotaRow {
    shift: ShiftView,
    /// `taken`, `waiting` or empty.
    mine: &'static str,
    warning: Option<String>,
}

/// An entrance to choose in the forms.
pub struct EntranceChoice {
    /// The entrance's id.
    pub id: i64,
    /// "Site — entrance".
    pub label: String,
}

/// The entrances of the dispute's sites, to choose in a form.
pub async fn entrance_choices(
    state: &AppState,
    branch: &Branch,
    dispute: DisputeId,
) -> AppResult<Vec<EntranceChoice>> {
    let mut entrances = Vec::new();
    for site in state.store.picket_sites(branch.id, dispute).await? {
        for e in &site.entrances {
            entrances.push(EntranceChoice {
                id: e.id.0,
                label: format!("{} — {}", site.details.place.place, e.name),
            });
        }
    }
    Ok(entrances)
}

/// A period of action to plan for.
pub struct PeriodChoice {
    id: i64,
    label: String,
}

#[derive(Template)]
#[template(path = "pickets/rota.html")]
struct RotaPage {
    layout: Layout,
    branch: Branch,
    dispute: Dispute,
    rows: Vec<RotaRow>,
    is_rep: bool,
    is_organiser: bool,
    has_member: bool,
    entrances: Vec<EntranceChoice>,
    periods: Vec<PeriodChoice>,
    warnings: Vec<SupervisorWarning>,
    /// The dispute's statutory ballots, for their turnout drives.
    ballots: Vec<(i64, String)>,
    guide: String,
    shift_form: ShiftForm,
    plan_form: PlanForm,
    plan_entrances: Vec<i64>,
    /// `shift`, `plan` or `rota`: which form the message is for.
    failed: &'static str,
    error: Option<String>,
    field: &'static str,
    notice: Option<String>,
    added: Option<Added>,
}

/// What to show besides the rota.
#[derive(Default)]
pub struct Shown {
    /// The shift form as typed.
    pub shift_form: ShiftForm,
    /// The plan form as typed.
    pub plan_form: PlanForm,
    /// Which form failed, with the message and field.
    pub failed: Option<(&'static str, String, &'static str)>,
    /// A note on what was done.
    pub notice: Option<String>,
    /// Shifts just added.
    pub added: Option<Added>,
}

/// The rota page for the signed-in user.
pub async fn rota_page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    slug: &str,
    id: DisputeId,
    shown: Shown,
) -> AppResult<Response> {
    let (branch, dispute) = dispute_for(state, user, slug, id, Role::Member).await?;
    let is_organiser = crate::pickets::common::at_least(user, &branch, Role::Organiser);
    let is_rep = crate::pickets::common::at_least(user, &branch, Role::Rep);
    let now = Utc::now();
    let today = crate::pickets::common::today();
    let shifts = state
        .store
        .picket_shifts(branch.id, dispute.id, Some(today), None)
        .await?;
    let member = own_member(state, &branch, user).await?;
    let mut mine: HashMap<PicketShiftId, &'static str> = HashMap::new();
    if let Some(m) = &member {
        for s in state.store.member_shifts(branch.id, m.id, today).await? {
            let places = state
                .store
                .shift_signups(branch.id, s.dispute_id, s.id)
                .await?;
            if let Some(p) = places.iter().find(|p| p.member_id == Some(m.id)) {
                mine.insert(
                    s.id,
                    if p.status == SignupStatus::Waiting {
                        "waiting"
                    } else {
                        "taken"
                    },
                );
            }
        }
    }
    let warnings = if is_organiser {
        supervisor_warnings(state, &dispute, &shifts)
    } else {
        Vec::new()
    };
    let rows = shifts
        .iter()
        .map(|s| RotaRow {
            shift: ShiftView::new(s, now),
            mine: mine.get(&s.id).copied().unwrap_or(""),
            warning: if is_organiser {
                capacity_warning(state, &dispute, s)
            } else {
                None
            },
        })
        .collect();
    let (mut entrances, mut periods) = (Vec::new(), Vec::new());
    let mut guide = String::new();
    if is_organiser {
        entrances = entrance_choices(state, &branch, dispute.id).await?;
        for p in state.store.action_periods(branch.id, dispute.id).await? {
            if p.kind == ActionKind::Strike {
                periods.push(PeriodChoice {
                    id: p.id.0,
                    label: format!("Strike, {} to {}", date_words(p.starts), date_words(p.ends)),
                });
            }
        }
        if let Ok(c) = capacity(dispute.nation, today, &state.law.overrides, None) {
            guide = match c.guide {
                Some(g) => format!(
                    "Empty capacity means the guide of {g} pickets per entrance ({}).",
                    c.guide_source
                ),
                None => format!("Empty capacity means {} people.", c.places),
            };
        }
    }
    let ballots = state
        .store
        .ballots(branch.id, dispute.id)
        .await?
        .into_iter()
        .filter(|b| b.kind == picket_domain::disputes::BallotKind::Statutory)
        .map(|b| (b.id.0, b.title))
        .collect();
    let (failed, error, field) = match shown.failed {
        Some((which, message, field)) => (which, Some(message), field),
        None => ("", None, ""),
    };
    let plan_entrances = shown
        .plan_form
        .entrances
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let status = crate::pickets::common::page_status(&error);
    render_with_status(
        status,
        &RotaPage {
            layout: Layout::new(format!("Picket rota · {}", dispute.title), csrf, Some(user)),
            branch,
            dispute,
            rows,
            is_rep,
            is_organiser,
            has_member: member.is_some(),
            entrances,
            periods,
            warnings,
            ballots,
            guide,
            shift_form: shown.shift_form,
            plan_form: shown.plan_form,
            plan_entrances,
            failed,
            error,
            field,
            notice: shown.notice,
            added: shown.added,
        },
    )
}

/// What the rota was sent back with after a change: `?added={shift}`, or
/// `?changed={shift}&emailed=&moved_up=`.
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    /// A shift just added.
    added: Option<i64>,
    /// A shift just changed.
    changed: Option<i64>,
    /// People emailed that it moved.
    emailed: Option<usize>,
    /// People moved up from the waiting list.
    moved_up: Option<usize>,
}

fn people(n: usize) -> String {
    if n == 1 {
        "1 person".into()
    } else {
        format!("{n} people")
    }
}

/// The sentence saying what was just done, about a shift of this dispute (else none).
async fn done_words(
    state: &AppState,
    branch: &Branch,
    dispute: DisputeId,
    done: &Done,
) -> AppResult<Option<String>> {
    let Some(id) = done.added.or(done.changed) else {
        return Ok(None);
    };
    let shift = match state
        .store
        .picket_shift(branch.id, dispute, PicketShiftId(id))
        .await
    {
        Ok(s) => s,
        Err(picket_store::StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let what = format!(
        "{} at {} ({}), {} places",
        shift.times.words(),
        shift.site_name,
        shift.entrance_name,
        shift.capacity
    );
    if done.added.is_some() {
        return Ok(Some(format!("Shift added: {what}.")));
    }
    let mut words = format!("Shift changed: it is now {what}.");
    if let Some(n) = done.emailed.filter(|n| *n > 0) {
        words.push_str(&format!(
            " {} signed up {} emailed about the move.",
            people(n),
            if n == 1 { "was" } else { "were" }
        ));
    }
    if let Some(n) = done.moved_up.filter(|n| *n > 0) {
        words.push_str(&format!(
            " {} moved up from the waiting list and {} emailed.",
            people(n),
            if n == 1 { "was" } else { "were" }
        ));
    }
    Ok(Some(words))
}

/// GET /{branch}/disputes/{id}/pickets/shifts (members).
pub async fn rota(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path((slug, id)): Path<(String, DisputeId)>,
    Query(done): Query<Done>,
) -> AppResult<Response> {
    let (branch, _) = dispute_for(&state, &user, &slug, id, Role::Member).await?;
    let shown = Shown {
        notice: done_words(&state, &branch, id, &done).await?,
        ..Shown::default()
    };
    rota_page(&state, &csrf, &user, &slug, id, shown).await
}

/// A failure shown on the rota with the form as typed; other errors pass.
fn shown_failure(
    e: AppError,
    which: &'static str,
    shift_form: ShiftForm,
    plan_form: PlanForm,
) -> AppResult<Shown> {
    match e {
        AppError::Invalid { field, message } => Ok(Shown {
            shift_form,
            plan_form,
            failed: Some((which, crate::words::plain(field, &message), field)),
            ..Shown::default()
        }),
        AppError::Conflict(message) => Ok(Shown {
            shift_form,
            plan_form,
            failed: Some((which, message, "")),
            ..Shown::default()
        }),
        other => Err(other),
    }
}

/// POST /{branch}/disputes/{id}/pickets/shifts: adds one shift (organisers).
pub async fn add(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, DisputeId)>,
    CsrfForm(form): CsrfForm<ShiftForm>,
) -> AppResult<Response> {
    let (branch, dispute) = dispute_for(&state, &user, &slug, id, Role::Organiser).await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    match add_shift(&state, &actor, &dispute, &form).await {
        // The rota shows the shift's capacity warning, if any, on the shift itself.
        Ok(added) => Ok(Redirect::to(&format!(
            "/{}/disputes/{id}/pickets/shifts?added={}#shift{}",
            branch.slug,
            added.ids.first().map_or(0, |s| s.0),
            added.ids.first().map_or(0, |s| s.0),
        ))
        .into_response()),
        Err(e) => {
            let shown = shown_failure(e, "shift", form, PlanForm::default())?;
            rota_page(&state, &csrf, &user, &slug, id, shown).await
        }
    }
}

/// POST /{branch}/disputes/{id}/pickets/plan: shifts on every strike day of a period
/// (organisers). The entrances come as one `entrances` field per box ticked.
pub async fn plan(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, DisputeId)>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (branch, dispute) = dispute_for(&state, &user, &slug, id, Role::Organiser).await?;
    let mut form = PlanForm::default();
    let mut entrances = Vec::new();
    for (key, value) in pairs {
        match key.as_str() {
            "period" => form.period = value,
            "entrances" => entrances.push(value),
            "starts" => form.starts = value,
            "ends" => form.ends = value,
            "capacity" => form.capacity = value,
            "open_to_supporters" => form.open_to_supporters = value,
            "notes" => form.notes = value,
            _ => {}
        }
    }
    form.entrances = entrances.join(",");
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    let shown = match plan_shifts(&state, &actor, &dispute, &form).await {
        Ok(added) => Shown {
            notice: Some(format!(
                "{} shift{} added.",
                added.ids.len(),
                if added.ids.len() == 1 {
                    " was"
                } else {
                    "s were"
                }
            )),
            added: Some(added),
            ..Shown::default()
        },
        Err(e) => shown_failure(e, "plan", ShiftForm::default(), form)?,
    };
    rota_page(&state, &csrf, &user, &slug, id, shown).await
}

/// POST /{branch}/disputes/{id}/pickets/shifts/{shift}/cancel: cancels a shift and emails
/// those on it (organisers).
pub async fn cancel(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id, shift)): Path<(String, DisputeId, PicketShiftId)>,
    CsrfForm(_): CsrfForm<crate::pickets::signups::NoFields>,
) -> AppResult<Response> {
    let (branch, dispute) = dispute_for(&state, &user, &slug, id, Role::Organiser).await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    let shown = match cancel_shift(&state, &actor, &dispute, shift).await {
        Ok(told) => Shown {
            notice: Some(format!(
                "The shift was cancelled; {told} {} emailed.",
                if told == 1 {
                    "person was"
                } else {
                    "people were"
                }
            )),
            ..Shown::default()
        },
        Err(e) => shown_failure(e, "rota", ShiftForm::default(), PlanForm::default())?,
    };
    rota_page(&state, &csrf, &user, &slug, id, shown).await
}

impl RotaPage {
    /// Whether the plan form as typed ticked this entrance.
    fn planned(&self, id: &i64) -> bool {
        self.plan_entrances.contains(id)
    }
}
