//! Picket shifts; their sites and entrances are in `sites.rs`, the places on them in
//! `signups.rs`.

use super::decode::{date, flag, is_set};
use super::{from_secs, to_secs, SqlStore, SqlWork};
use crate::shifts::{
    Attendance, Cancellation, NewShift, Reminder, Shift, ShiftStore, ShiftWrites, SignUp,
    SignUpOutcome, Signup, Site,
};
use crate::{Backend, StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use picket_domain::pickets::london;
use picket_domain::pickets::shifts::{check_overlap, ShiftError, ShiftTimes};
use picket_domain::pickets::sites::SiteDetails;
use picket_domain::{
    BranchId, DisputeId, MemberId, PicketEntranceId, PicketLocationId, PicketShiftId,
    PicketSignupId,
};
use sqlx::any::AnyRow;
use sqlx::Row;

/// The columns of a shift, with its site, entrance and counts; `s` is `picket_shifts`.
pub(crate) const SHIFT_COLUMNS: &str = "s.id, s.dispute_id, s.location_id, l.place AS site_name, \
     l.address AS site_address, s.entrance_id, e.name AS entrance_name, s.day, s.starts, s.ends, \
     s.starts_at, s.ends_at, s.capacity, \
     (SELECT COUNT(*) FROM picket_signups t WHERE t.shift_id = s.id AND t.status = 'taken') AS taken, \
     (SELECT COUNT(*) FROM picket_signups t WHERE t.shift_id = s.id AND t.status = 'waiting') AS waiting, \
     s.open_to_supporters, s.notes, s.supervisor_member_id, s.cancelled_at \
     FROM picket_shifts s JOIN picket_locations l ON l.id = s.location_id \
     JOIN picket_entrances e ON e.id = s.entrance_id";

fn time(row: &AnyRow, column: &str) -> StoreResult<NaiveTime> {
    let s: String = row.try_get(column)?;
    NaiveTime::parse_from_str(&s, "%H:%M").map_err(|_| super::corrupt(column, &s))
}

pub(crate) fn time_text(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

pub(crate) fn shift_row(row: &AnyRow) -> StoreResult<Shift> {
    let n = |c: &str| -> StoreResult<u32> { super::decode::count32(row, c) };
    Ok(Shift {
        id: PicketShiftId(row.try_get("id")?),
        dispute_id: DisputeId(row.try_get("dispute_id")?),
        site_id: PicketLocationId(row.try_get("location_id")?),
        site_name: row.try_get("site_name")?,
        site_address: row.try_get("site_address")?,
        entrance_id: PicketEntranceId(row.try_get("entrance_id")?),
        entrance_name: row.try_get("entrance_name")?,
        times: ShiftTimes {
            day: date(row, "day")?,
            starts: time(row, "starts")?,
            ends: time(row, "ends")?,
        },
        starts_at: from_secs(row.try_get("starts_at")?),
        ends_at: from_secs(row.try_get("ends_at")?),
        capacity: n("capacity")?,
        taken: n("taken")?,
        waiting: n("waiting")?,
        open_to_supporters: is_set(row, "open_to_supporters")?,
        notes: row.try_get("notes")?,
        supervisor: row
            .try_get::<Option<i64>, _>("supervisor_member_id")?
            .map(MemberId),
        cancelled_at: row
            .try_get::<Option<i64>, _>("cancelled_at")?
            .map(from_secs),
    })
}

/// `FOR UPDATE` on PostgreSQL: the row is held until the unit ends. SQLite's unit already
/// holds the one write lock.
pub(crate) fn row_lock(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    }
}

/// The stored shifts at an entrance on a day, not cancelled, other than `except`.
async fn entrance_day(
    conn: &mut sqlx::AnyConnection,
    entrance: PicketEntranceId,
    day: NaiveDate,
    except: Option<PicketShiftId>,
) -> StoreResult<Vec<ShiftTimes>> {
    let rows = sqlx::query(
        "SELECT day, starts, ends FROM picket_shifts WHERE entrance_id = $1 AND day = $2 \
         AND cancelled_at IS NULL AND id <> $3",
    )
    .bind(entrance.0)
    .bind(day.to_string())
    .bind(except.map_or(0, |s| s.0))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ShiftTimes {
                day: date(r, "day")?,
                starts: time(r, "starts")?,
                ends: time(r, "ends")?,
            })
        })
        .collect()
}

impl SqlWork {
    /// Holds an entrance of the dispute (so shifts added to it concurrently take turns) and
    /// returns its site.
    async fn hold_entrance(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        entrance: PicketEntranceId,
    ) -> StoreResult<PicketLocationId> {
        let lock = row_lock(self.store.backend);
        let site: Option<i64> = sqlx::query_scalar(&format!(
            "SELECT location_id FROM picket_entrances WHERE branch_id = $1 AND dispute_id = $2 AND id = $3{lock}"
        ))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(entrance.0)
        .fetch_optional(self.conn())
        .await?;
        site.map(PicketLocationId).ok_or(StoreError::NotFound)
    }

    /// The places on a shift that are taken or waiting, for the email about a change.
    pub(crate) async fn open_places(&mut self, shift: PicketShiftId) -> StoreResult<Vec<Signup>> {
        let rows = sqlx::query(&format!(
            "{} WHERE g.shift_id = $1 AND g.status IN ('taken', 'waiting') ORDER BY g.id",
            super::signups::SIGNUP_SELECT
        ))
        .bind(shift.0)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(super::signups::signup_row).collect()
    }
}

#[async_trait]
impl ShiftWrites for SqlWork {
    async fn add_picket_site(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        site: &SiteDetails,
    ) -> StoreResult<PicketLocationId> {
        super::sites::add_site(self, branch, dispute, site).await
    }

    async fn update_picket_site(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PicketLocationId,
        site: &SiteDetails,
    ) -> StoreResult<()> {
        super::sites::update_site(self, branch, dispute, id, site).await
    }

    async fn add_picket_shifts(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        shifts: &[NewShift],
    ) -> StoreResult<Result<Vec<PicketShiftId>, ShiftError>> {
        let mut ids = Vec::with_capacity(shifts.len());
        let mut entrances: Vec<PicketEntranceId> = shifts.iter().map(|s| s.entrance).collect();
        entrances.sort_unstable();
        entrances.dedup();
        // Held in id order, so two units adding shifts never wait on each other.
        let mut sites = std::collections::HashMap::new();
        for entrance in entrances {
            sites.insert(
                entrance,
                self.hold_entrance(branch, dispute, entrance).await?,
            );
        }
        for (i, new) in shifts.iter().enumerate() {
            if new.capacity == 0 {
                return Ok(Err(ShiftError {
                    field: "capacity",
                    message:
                        "A shift must take at least one person: set the capacity to 1 or more."
                            .into(),
                }));
            }
            let times = match ShiftTimes::new(new.times.day, new.times.starts, new.times.ends) {
                Ok(t) => t,
                Err(e) => return Ok(Err(e)),
            };
            let mut taken = entrance_day(self.conn(), new.entrance, times.day, None).await?;
            taken.extend(
                shifts[..i]
                    .iter()
                    .filter(|s| s.entrance == new.entrance)
                    .map(|s| s.times),
            );
            if let Err(e) = check_overlap(&times, &taken) {
                return Ok(Err(e));
            }
            let now = to_secs(Utc::now());
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO picket_shifts (branch_id, dispute_id, location_id, entrance_id, day, starts, ends, \
                 starts_at, ends_at, capacity, open_to_supporters, notes, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
            )
            .bind(branch.0)
            .bind(dispute.0)
            .bind(sites[&new.entrance].0)
            .bind(new.entrance.0)
            .bind(times.day.to_string())
            .bind(time_text(times.starts))
            .bind(time_text(times.ends))
            .bind(to_secs(london::to_utc(times.day, times.starts)))
            .bind(to_secs(london::to_utc(times.day, times.ends)))
            .bind(i64::from(new.capacity))
            .bind(flag(new.open_to_supporters))
            .bind(&new.notes)
            .bind(now)
            .fetch_one(self.conn())
            .await?;
            ids.push(PicketShiftId(id));
        }
        Ok(Ok(ids))
    }

    async fn move_picket_shift(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PicketShiftId,
        entrance: Option<PicketEntranceId>,
        times: ShiftTimes,
    ) -> StoreResult<Result<Vec<Signup>, ShiftError>> {
        let times = match ShiftTimes::new(times.day, times.starts, times.ends) {
            Ok(t) => t,
            Err(e) => return Ok(Err(e)),
        };
        let now: Option<i64> = sqlx::query_scalar(
            "SELECT entrance_id FROM picket_shifts WHERE branch_id = $1 AND dispute_id = $2 AND id = $3",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .fetch_optional(self.conn())
        .await?;
        let now = PicketEntranceId(now.ok_or(StoreError::NotFound)?);
        let to = entrance.unwrap_or(now);
        // Both entrances held, in id order, so two moves between them never wait in a circle.
        let mut held = vec![now, to];
        held.sort_unstable();
        held.dedup();
        let mut site = None;
        for e in held {
            match self.hold_entrance(branch, dispute, e).await {
                Ok(s) if e == to => site = Some(s),
                Ok(_) => {}
                Err(StoreError::NotFound) if e == to => {
                    return Ok(Err(ShiftError {
                        field: "entrance",
                        message: "Choose an entrance of this dispute's picket sites.".into(),
                    }))
                }
                Err(other) => return Err(other),
            }
        }
        let site = site.ok_or(StoreError::NotFound)?;
        let taken = entrance_day(self.conn(), to, times.day, Some(id)).await?;
        if let Err(e) = check_overlap(&times, &taken) {
            return Ok(Err(e));
        }
        let done = sqlx::query(
            "UPDATE picket_shifts SET day = $1, starts = $2, ends = $3, starts_at = $4, ends_at = $5, updated_at = $6, \
             entrance_id = $10, location_id = $11 WHERE branch_id = $7 AND dispute_id = $8 AND id = $9",
        )
        .bind(times.day.to_string())
        .bind(time_text(times.starts))
        .bind(time_text(times.ends))
        .bind(to_secs(london::to_utc(times.day, times.starts)))
        .bind(to_secs(london::to_utc(times.day, times.ends)))
        .bind(to_secs(Utc::now()))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .bind(to.0)
        .bind(site.0)
        .execute(self.conn())
        .await?;
        super::found(&done)?;
        Ok(Ok(self.open_places(id).await?))
    }

    async fn set_shift_capacity(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PicketShiftId,
        capacity: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Vec<Signup>, ShiftError>> {
        super::signups::set_capacity(self, branch, dispute, id, capacity, now).await
    }

    async fn cancel_picket_shift(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PicketShiftId,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Signup>> {
        let done = sqlx::query(
            "UPDATE picket_shifts SET cancelled_at = $1, updated_at = $1 \
             WHERE branch_id = $2 AND dispute_id = $3 AND id = $4 AND cancelled_at IS NULL",
        )
        .bind(to_secs(now))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        super::found(&done)?;
        self.open_places(id).await
    }

    async fn set_shift_supervisor(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PicketShiftId,
        member: Option<MemberId>,
    ) -> StoreResult<()> {
        // The member is checked in the statement: one of another branch (or erased) changes
        // nothing, and is NotFound.
        let done = sqlx::query(
            "UPDATE picket_shifts SET supervisor_member_id = $1, updated_at = $2 \
             WHERE branch_id = $3 AND dispute_id = $4 AND id = $5 \
             AND ($1 IS NULL OR EXISTS (SELECT 1 FROM members m WHERE m.id = $1 AND m.branch_id = $3 AND m.erased_at IS NULL))",
        )
        .bind(member.map(|m| m.0))
        .bind(to_secs(Utc::now()))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    async fn sign_up(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        request: &SignUp<'_>,
    ) -> StoreResult<SignUpOutcome> {
        super::signups::sign_up(self, branch, dispute, request).await
    }

    async fn cancel_signup(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PicketSignupId,
        member: Option<MemberId>,
        now: DateTime<Utc>,
    ) -> StoreResult<Cancellation> {
        super::signups::cancel(self, branch, dispute, id, member, now).await
    }

    async fn mark_present(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PicketSignupId,
        present: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE picket_signups SET present_at = $1, updated_at = $2 \
             WHERE branch_id = $3 AND dispute_id = $4 AND id = $5 AND status IN ('taken', 'walk_up')",
        )
        .bind(present.then_some(to_secs(now)))
        .bind(to_secs(now))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    async fn add_walk_up(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        shift: PicketShiftId,
        name: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<PicketSignupId> {
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO picket_signups (branch_id, dispute_id, shift_id, name, status, present_at, created_at, updated_at) \
             SELECT branch_id, dispute_id, id, $4, 'walk_up', $5, $5, $5 FROM picket_shifts \
             WHERE branch_id = $1 AND dispute_id = $2 AND id = $3 RETURNING id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(shift.0)
        .bind(name)
        .bind(to_secs(now))
        .fetch_optional(self.conn())
        .await?;
        id.map(PicketSignupId).ok_or(StoreError::NotFound)
    }

    async fn reset_feed_key(&mut self, branch: BranchId, member: MemberId) -> StoreResult<u64> {
        let exists: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM members WHERE branch_id = $1 AND id = $2 AND erased_at IS NULL",
        )
        .bind(branch.0)
        .bind(member.0)
        .fetch_optional(self.conn())
        .await?;
        exists.ok_or(StoreError::NotFound)?;
        let generation: i64 = sqlx::query_scalar(
            "INSERT INTO picket_feed_keys (branch_id, member_id, generation, updated_at) VALUES ($1, $2, 1, $3) \
             ON CONFLICT (branch_id, member_id) DO UPDATE SET generation = picket_feed_keys.generation + 1, updated_at = $3 \
             RETURNING generation",
        )
        .bind(branch.0)
        .bind(member.0)
        .bind(to_secs(Utc::now()))
        .fetch_one(self.conn())
        .await?;
        Ok(super::count(generation))
    }
}

#[async_trait]
impl ShiftStore for SqlStore {
    async fn picket_sites(&self, branch: BranchId, dispute: DisputeId) -> StoreResult<Vec<Site>> {
        super::sites::sites(self, branch, dispute).await
    }

    async fn picket_shifts(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> StoreResult<Vec<Shift>> {
        let rows = sqlx::query(&format!(
            "SELECT {SHIFT_COLUMNS} WHERE s.branch_id = $1 AND s.dispute_id = $2 \
             AND s.day >= $3 AND s.day <= $4 ORDER BY s.day, s.starts, s.location_id, s.entrance_id, s.id"
        ))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(from.map_or_else(|| "0000-01-01".to_string(), |d| d.to_string()))
        .bind(to.map_or_else(|| "9999-12-31".to_string(), |d| d.to_string()))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(shift_row).collect()
    }

    async fn picket_shift(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        id: PicketShiftId,
    ) -> StoreResult<Shift> {
        let row = sqlx::query(&format!(
            "SELECT {SHIFT_COLUMNS} WHERE s.branch_id = $1 AND s.dispute_id = $2 AND s.id = $3"
        ))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        shift_row(&row)
    }

    async fn sign_up_refusal(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        request: &SignUp<'_>,
    ) -> StoreResult<Option<picket_domain::pickets::signups::SignUpRefusal>> {
        super::signups::refusal(self, branch, dispute, request).await
    }

    async fn shift_signups(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        shift: PicketShiftId,
    ) -> StoreResult<Vec<Signup>> {
        super::signups::shift_signups(self, branch, dispute, shift).await
    }

    async fn picket_signup(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        id: PicketSignupId,
    ) -> StoreResult<Signup> {
        super::signups::one(self, branch, dispute, id).await
    }

    async fn signup_for_link(
        &self,
        id: PicketSignupId,
    ) -> StoreResult<(BranchId, DisputeId, Signup)> {
        super::signups::for_link(self, id).await
    }

    async fn member_shifts(
        &self,
        branch: BranchId,
        member: MemberId,
        from: NaiveDate,
    ) -> StoreResult<Vec<Shift>> {
        let rows = sqlx::query(&format!(
            "SELECT {SHIFT_COLUMNS} WHERE s.branch_id = $1 AND s.day >= $3 AND EXISTS (\
             SELECT 1 FROM picket_signups g WHERE g.shift_id = s.id AND g.member_id = $2 \
             AND g.status IN ('taken', 'waiting')) ORDER BY s.day, s.starts, s.id"
        ))
        .bind(branch.0)
        .bind(member.0)
        .bind(from.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(shift_row).collect()
    }

    async fn picket_attendance(
        &self,
        branch: BranchId,
        dispute: DisputeId,
    ) -> StoreResult<Vec<Attendance>> {
        super::signups::attendance(self, branch, dispute).await
    }

    async fn reminders_due(&self, day: NaiveDate) -> StoreResult<Vec<Reminder>> {
        super::signups::reminders_due(self, day).await
    }

    async fn feed_generation(&self, branch: BranchId, member: MemberId) -> StoreResult<u64> {
        let generation: Option<i64> = sqlx::query_scalar(
            "SELECT generation FROM picket_feed_keys WHERE branch_id = $1 AND member_id = $2",
        )
        .bind(branch.0)
        .bind(member.0)
        .fetch_optional(self.pool())
        .await?;
        Ok(generation.map_or(0, super::count))
    }
}
