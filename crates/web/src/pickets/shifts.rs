//! Adding shifts: one at an entrance, or the same hours at chosen entrances on every strike
//! day of a period of action (days that are not strike days by the desk's rule are skipped
//! and named). The capacity defaults to the law engine's guide number of pickets per
//! entrance; more is allowed, with the law engine's warning. Cancelling, moving or resizing a
//! shift emails those it concerns. Everything a step adds is added in one unit, or nothing is.

use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::pickets::common::{links, mail_error, shift_error};
use crate::state::AppState;
use chrono::{NaiveTime, Utc};
use picket_domain::pickets::london;
use picket_domain::pickets::shifts::{
    capacity, check_to_come, parse_time, plan, time_words, PlanRequest, ShiftTimes,
};
use picket_domain::text::{self, TextKind};
use picket_domain::{PeriodId, PicketEntranceId, PicketShiftId};
use picket_jobs::pickets::{queue_promotion, queue_shift_change, ShiftChange};
use picket_store::disputes::Dispute;
use picket_store::shifts::{NewShift, Shift};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Longest notes on a shift.
pub const MAX_SHIFT_NOTES: usize = 1000;

/// One shift as typed (the page's form and the API's body).
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
pub struct ShiftForm {
    /// The entrance's id.
    #[serde(default)]
    pub entrance: String,
    /// The day, YYYY-MM-DD.
    #[serde(default)]
    pub day: String,
    /// When it starts, HH:MM.
    #[serde(default)]
    pub starts: String,
    /// When it ends, HH:MM.
    #[serde(default)]
    pub ends: String,
    /// Places (empty: the law engine's guide number).
    #[serde(default)]
    pub capacity: String,
    /// `on` (or `true`) when supporters without an account may sign up.
    #[serde(default)]
    pub open_to_supporters: String,
    /// What to bring, where to meet.
    #[serde(default)]
    pub notes: String,
}

/// Shifts on every strike day of a period, as typed.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
pub struct PlanForm {
    /// The period of action's id.
    #[serde(default)]
    pub period: String,
    /// The entrances' ids, comma-separated in the API (the page sends one field per box).
    #[serde(default)]
    pub entrances: String,
    /// When each shift starts, HH:MM.
    #[serde(default)]
    pub starts: String,
    /// When each shift ends, HH:MM.
    #[serde(default)]
    pub ends: String,
    /// Places on each (empty: the law engine's guide number).
    #[serde(default)]
    pub capacity: String,
    /// `on` (or `true`) when supporters may sign up.
    #[serde(default)]
    pub open_to_supporters: String,
    /// What to bring, where to meet.
    #[serde(default)]
    pub notes: String,
}

/// What adding shifts did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Added {
    /// The new shifts' ids.
    #[schema(value_type = Vec<i64>)]
    pub ids: Vec<PicketShiftId>,
    /// The law engine's warnings (a capacity above the guide number), once each.
    pub warnings: Vec<String>,
    /// Days of the period left out, and why (a planning step only).
    pub skipped: Vec<String>,
}

fn ticked(s: &str) -> bool {
    matches!(s.trim(), "on" | "true" | "1" | "yes")
}

fn asked_capacity(raw: &str) -> AppResult<Option<u32>> {
    match raw.trim() {
        "" => Ok(None),
        s => s.parse::<u32>().map(Some).map_err(|_| {
            AppError::invalid(
                "capacity",
                "Give the capacity as a whole number of people, e.g. 6, or leave it empty for the guide number.",
            )
        }),
    }
}

fn notes(raw: &str) -> AppResult<String> {
    text::check(TextKind::MultiLine, raw, MAX_SHIFT_NOTES)
        .map_err(|e| AppError::invalid("notes", e.message("The notes")))
}

fn entrance_id(raw: &str) -> AppResult<PicketEntranceId> {
    raw.trim()
        .parse::<i64>()
        .map(PicketEntranceId)
        .map_err(|_| AppError::invalid("entrance", "Choose the entrance where the shift stands."))
}

fn times(starts: &str, ends: &str) -> AppResult<(NaiveTime, NaiveTime)> {
    Ok((
        parse_time("starts", starts).map_err(shift_error)?,
        parse_time("ends", ends).map_err(shift_error)?,
    ))
}

/// The entrances of the dispute's sites, to check that a shift names one of them.
async fn check_entrances(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: &Dispute,
    wanted: &[PicketEntranceId],
) -> AppResult<()> {
    let sites = state
        .store
        .picket_sites(actor.branch.id, dispute.id)
        .await?;
    let known = |e: &PicketEntranceId| sites.iter().flat_map(|s| &s.entrances).any(|x| x.id == *e);
    if sites.is_empty() {
        return Err(AppError::invalid(
            "entrance",
            "Add a picket site with its entrances first, then its shifts.",
        ));
    }
    if wanted.is_empty() || !wanted.iter().all(known) {
        return Err(AppError::invalid(
            "entrance",
            "Choose at least one entrance of this dispute's picket sites.",
        ));
    }
    Ok(())
}

/// Adds shifts in one unit (audited); overlaps refuse them all.
async fn store_shifts(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: &Dispute,
    shifts: &[NewShift],
) -> AppResult<Vec<PicketShiftId>> {
    let mut work = state.store.begin().await?;
    let ids = match work
        .add_picket_shifts(actor.branch.id, dispute.id, shifts)
        .await?
    {
        Ok(ids) => ids,
        // Dropping the unit rolls back whatever was added before the overlap.
        Err(e) => return Err(shift_error(e)),
    };
    let mut entry = actor.entry("picket.shift.add", format!("dispute:{}", dispute.id));
    entry.detail = Some(format!("shifts={}", ids.len()));
    work.audit(entry).await?;
    work.commit().await?;
    Ok(ids)
}

/// Adds one shift.
pub async fn add_shift(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: &Dispute,
    form: &ShiftForm,
) -> AppResult<Added> {
    let entrance = entrance_id(&form.entrance)?;
    let day = crate::disputes::date("day", &form.day)?;
    let (starts, ends) = times(&form.starts, &form.ends)?;
    let times = ShiftTimes::new(day, starts, ends).map_err(shift_error)?;
    check_to_come(&times, london::to_utc(day, starts), Utc::now()).map_err(shift_error)?;
    let cap = capacity(
        dispute.nation,
        day,
        &state.law.overrides,
        asked_capacity(&form.capacity)?,
    )
    .map_err(shift_error)?;
    let notes = notes(&form.notes)?;
    check_entrances(state, actor, dispute, &[entrance]).await?;
    let ids = store_shifts(
        state,
        actor,
        dispute,
        &[NewShift {
            entrance,
            times,
            capacity: cap.places,
            open_to_supporters: ticked(&form.open_to_supporters),
            notes,
        }],
    )
    .await?;
    Ok(Added {
        ids,
        warnings: cap.warning.into_iter().collect(),
        skipped: Vec::new(),
    })
}

/// Adds the same shift at each chosen entrance on every strike day of a period.
pub async fn plan_shifts(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: &Dispute,
    form: &PlanForm,
) -> AppResult<Added> {
    let period: i64 = form.period.trim().parse().map_err(|_| {
        AppError::invalid("period", "Choose the period of action to plan shifts for.")
    })?;
    let period = state
        .store
        .action_period(actor.branch.id, dispute.id, PeriodId(period))
        .await
        .map_err(|e| match e {
            picket_store::StoreError::NotFound => {
                AppError::invalid("period", "Choose one of this dispute's periods of action.")
            }
            other => other.into(),
        })?;
    let mut entrances: Vec<PicketEntranceId> = Vec::new();
    for raw in form.entrances.split(',').filter(|s| !s.trim().is_empty()) {
        let e = entrance_id(raw)?;
        if !entrances.contains(&e) {
            entrances.push(e);
        }
    }
    let (starts, ends) = times(&form.starts, &form.ends)?;
    let asked = asked_capacity(&form.capacity)?;
    let notes = notes(&form.notes)?;
    let planned = plan(
        &state.law.calendar,
        &PlanRequest {
            division: dispute.nation.division(),
            from: period.starts,
            to: period.ends,
            holidays_as_strike: &period.holidays_as_strike,
            starts,
            ends,
            entrances: entrances.len(),
        },
    )
    .map_err(shift_error)?;
    check_entrances(state, actor, dispute, &entrances).await?;
    let mut shifts = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    for times in &planned.days {
        let cap = capacity(dispute.nation, times.day, &state.law.overrides, asked)
            .map_err(shift_error)?;
        if let Some(w) = cap.warning {
            if !warnings.contains(&w) {
                warnings.push(w);
            }
        }
        for entrance in &entrances {
            shifts.push(NewShift {
                entrance: *entrance,
                times: *times,
                capacity: cap.places,
                open_to_supporters: ticked(&form.open_to_supporters),
                notes: notes.clone(),
            });
        }
    }
    if shifts.is_empty() {
        return Err(AppError::invalid(
            "period",
            "That period has no strike days by the desk's rule, so there are no shifts to make.",
        ));
    }
    let ids = store_shifts(state, actor, dispute, &shifts).await?;
    Ok(Added {
        ids,
        warnings,
        skipped: planned
            .skipped
            .iter()
            .map(|(day, why)| {
                format!(
                    "{}: {why}",
                    picket_domain::pickets::shifts::date_words(*day)
                )
            })
            .collect(),
    })
}

/// Cancels a shift and emails everyone on it, in one unit (audited).
pub async fn cancel_shift(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: &Dispute,
    id: PicketShiftId,
) -> AppResult<usize> {
    let shift = state
        .store
        .picket_shift(actor.branch.id, dispute.id, id)
        .await?;
    if shift.cancelled_at.is_some() {
        return Err(AppError::Conflict(
            "This shift is already cancelled.".into(),
        ));
    }
    let links = links(state).await?;
    let mut work = state.store.begin().await?;
    let places = work
        .cancel_picket_shift(actor.branch.id, dispute.id, id, Utc::now())
        .await?;
    let told = queue_shift_change(
        &mut *work,
        &links,
        &actor.branch.slug,
        &dispute.title,
        &shift,
        &places,
        ShiftChange::Cancelled,
    )
    .await
    .map_err(mail_error)?;
    work.audit(actor.entry("picket.shift.cancel", format!("picket-shift:{id}")))
        .await?;
    work.commit().await?;
    Ok(told)
}

/// A shift's new day, hours, entrance and capacity, as typed on its change page (the API's
/// move and capacity bodies come to the same). An empty entrance or capacity keeps the
/// shift's own.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ChangeForm {
    /// The entrance's id.
    #[serde(default)]
    pub entrance: String,
    /// The day, YYYY-MM-DD.
    #[serde(default)]
    pub day: String,
    /// When it starts, HH:MM.
    #[serde(default)]
    pub starts: String,
    /// When it ends, HH:MM.
    #[serde(default)]
    pub ends: String,
    /// Places.
    #[serde(default)]
    pub capacity: String,
}

impl ChangeForm {
    /// The form filled in with the shift as it stands.
    pub fn of(shift: &Shift) -> ChangeForm {
        ChangeForm {
            entrance: shift.entrance_id.0.to_string(),
            day: shift.times.day.to_string(),
            starts: time_words(shift.times.starts),
            ends: time_words(shift.times.ends),
            capacity: shift.capacity.to_string(),
        }
    }
}

/// What a change to a shift did.
#[derive(Debug, Clone, Copy, Default, Serialize, ToSchema)]
pub struct Changed {
    /// Whether the shift moved (day, hours or entrance).
    pub moved: bool,
    /// Whether its capacity changed.
    pub resized: bool,
    /// People emailed that the shift moved.
    pub emailed: usize,
    /// People moved up from the waiting list into new places (each emailed).
    pub moved_up: usize,
}

/// Changes a shift's day, hours, entrance and capacity in one unit (audited): a move is
/// checked like a new shift (ends after it starts, no overlap at the entrance, still to come)
/// and emails everyone on it; a raised capacity moves the first on the waiting list up and
/// emails them; a capacity below the places taken is refused. Nothing is stored unless all
/// of it is.
pub async fn change_shift(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: &Dispute,
    id: PicketShiftId,
    form: &ChangeForm,
) -> AppResult<Changed> {
    let shift = state
        .store
        .picket_shift(actor.branch.id, dispute.id, id)
        .await?;
    if shift.cancelled_at.is_some() {
        return Err(AppError::Conflict(
            "This shift is cancelled, so it cannot be changed.".into(),
        ));
    }
    let entrance = match form.entrance.trim() {
        "" => shift.entrance_id,
        raw => entrance_id(raw)?,
    };
    // No times at all (the API's capacity change): the shift keeps its own.
    let unchanged = [&form.day, &form.starts, &form.ends]
        .iter()
        .all(|f| f.trim().is_empty());
    let to = if unchanged {
        shift.times
    } else {
        let day = crate::disputes::date("day", &form.day)?;
        let (starts, ends) = times(&form.starts, &form.ends)?;
        ShiftTimes::new(day, starts, ends).map_err(shift_error)?
    };
    let resize = match asked_capacity(&form.capacity)? {
        Some(c) if c != shift.capacity => Some(c),
        _ => None,
    };
    let moved = to != shift.times || entrance != shift.entrance_id;
    let mut after = shift.clone();
    after.times = to;
    if moved {
        check_to_come(&to, london::to_utc(to.day, to.starts), Utc::now()).map_err(shift_error)?;
        let sites = state
            .store
            .picket_sites(actor.branch.id, dispute.id)
            .await?;
        let (site, door) = sites
            .iter()
            .find_map(|s| {
                s.entrances
                    .iter()
                    .find(|e| e.id == entrance)
                    .map(|e| (s, e))
            })
            .ok_or_else(|| {
                AppError::invalid(
                    "entrance",
                    "Choose an entrance of this dispute's picket sites.",
                )
            })?;
        after.entrance_id = door.id;
        after.entrance_name = door.name.clone();
        after.site_id = site.id;
        after.site_name = site.details.place.place.clone();
        after.site_address = site.details.place.address.clone();
    }
    let mut changed = Changed {
        moved,
        resized: resize.is_some(),
        ..Changed::default()
    };
    if !moved && resize.is_none() {
        return Ok(changed);
    }
    let links = links(state).await?;
    let mut work = state.store.begin().await?;
    if moved {
        let places = work
            .move_picket_shift(actor.branch.id, dispute.id, id, Some(entrance), to)
            .await?
            .map_err(shift_error)?;
        changed.emailed = queue_shift_change(
            &mut *work,
            &links,
            &actor.branch.slug,
            &dispute.title,
            &shift,
            &places,
            ShiftChange::Moved { to: &after },
        )
        .await
        .map_err(mail_error)?;
        let mut entry = actor.entry("picket.shift.move", format!("picket-shift:{id}"));
        entry.detail = Some(format!("emailed={}", changed.emailed));
        work.audit(entry).await?;
    }
    if let Some(capacity) = resize {
        let promoted = work
            .set_shift_capacity(actor.branch.id, dispute.id, id, capacity, Utc::now())
            .await?
            .map_err(shift_error)?;
        after.capacity = capacity;
        for place in &promoted {
            queue_promotion(
                &mut *work,
                &links,
                &actor.branch.slug,
                &dispute.title,
                &after,
                place,
            )
            .await
            .map_err(mail_error)?;
        }
        changed.moved_up = promoted.len();
        let mut entry = actor.entry("picket.shift.capacity", format!("picket-shift:{id}"));
        entry.detail = Some(format!(
            "capacity {} to {capacity}; moved_up={}",
            shift.capacity,
            promoted.len()
        ));
        work.audit(entry).await?;
    }
    work.commit().await?;
    Ok(changed)
}

/// The law engine's warning for a shift's capacity, if it is above the guide number.
pub fn capacity_warning(
    state: &AppState,
    dispute: &Dispute,
    shift: &picket_store::shifts::Shift,
) -> Option<String> {
    capacity(
        dispute.nation,
        shift.times.day,
        &state.law.overrides,
        Some(shift.capacity),
    )
    .ok()
    .and_then(|c| c.warning)
}
