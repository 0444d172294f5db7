//! Places on picket shifts: signing up within the capacity, the waiting list, cancelling,
//! attendance and the reminder list.

use super::decode::date;
use super::shifts::{row_lock, shift_row, SHIFT_COLUMNS};
use super::{from_secs, to_secs, SqlStore, SqlWork};
use crate::shifts::{
    Attendance, Cancellation, Reminder, SignUp, SignUpOutcome, Signup, SignupStatus, Who,
};
use crate::{Backend, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use picket_domain::pickets::shifts::{check_new_capacity, ShiftError};
use picket_domain::pickets::signups::{Place, SignUpRefusal, Supporter};
use picket_domain::{
    BranchId, DisputeId, MemberId, PicketLocationId, PicketShiftId, PicketSignupId,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// A place with the name and contact to show: a member's from their record, else the
/// supporter's or walk-up's own. `g` is `picket_signups`.
pub(crate) const SIGNUP_SELECT: &str = "SELECT g.id, g.shift_id, g.member_id, \
     COALESCE(m.name, g.name) AS name, COALESCE(m.email, g.email) AS email, \
     COALESCE(m.phone, g.phone) AS phone, g.status, g.present_at, g.created_at \
     FROM picket_signups g LEFT JOIN members m ON m.id = g.member_id";

pub(crate) fn signup_row(row: &AnyRow) -> StoreResult<Signup> {
    let status: String = row.try_get("status")?;
    Ok(Signup {
        id: PicketSignupId(row.try_get("id")?),
        shift_id: PicketShiftId(row.try_get("shift_id")?),
        member_id: row.try_get::<Option<i64>, _>("member_id")?.map(MemberId),
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        status: SignupStatus::parse(&status).ok_or_else(|| super::corrupt("status", &status))?,
        present_at: row.try_get::<Option<i64>, _>("present_at")?.map(from_secs),
        created_at: from_secs(row.try_get("created_at")?),
    })
}

fn refused(reason: SignUpRefusal) -> StoreResult<SignUpOutcome> {
    Ok(SignUpOutcome::Refused { reason })
}

/// Who takes a place: a member's id, or a supporter's name, email and phone.
type Entrant = (Option<i64>, String, Option<String>, Option<String>);

/// The checks a sign-up passes before any place is counted, in the order their refusals are
/// given: the shift is not cancelled or started, a supporter's shift is open to supporters, a
/// member is the branch's, nobody holds a place or a turn on the list already, and a place is
/// free unless the waiting list was asked for. Passed: who would take the place. `lock`:
/// inside a unit of work, what holds the shift row (`Some("")` on SQLite, whose unit holds
/// the write lock already); `None` for a read.
async fn checks(
    conn: &mut AnyConnection,
    lock: Option<&str>,
    branch: BranchId,
    dispute: DisputeId,
    request: &SignUp<'_>,
) -> StoreResult<Result<Entrant, SignUpRefusal>> {
    let entrant: Entrant = match request.who {
        Who::Member(m) => (Some(m.0), String::new(), None, None),
        Who::Supporter(s) => (
            None,
            s.name.clone(),
            s.email.as_ref().map(|e| e.as_str().to_string()),
            s.phone.as_ref().map(|p| p.as_str().to_string()),
        ),
    };
    // One statement: the shift, its free places, and whether this person holds a place or a
    // turn on the list already.
    let shift = sqlx::query(&format!(
        "SELECT s.starts_at, s.cancelled_at, s.open_to_supporters, s.capacity - \
         (SELECT COUNT(*) FROM picket_signups t WHERE t.shift_id = s.id AND t.status = 'taken') AS free, \
         (SELECT COUNT(*) FROM picket_signups d WHERE d.shift_id = s.id AND d.status IN ('taken', 'waiting') \
          AND (d.member_id = $4 OR lower(d.email) = lower($5) OR d.phone = $6)) AS duplicate \
         FROM picket_shifts s WHERE s.branch_id = $1 AND s.dispute_id = $2 AND s.id = $3{}",
        lock.unwrap_or_default()
    ))
    .bind(branch.0)
    .bind(dispute.0)
    .bind(request.shift.0)
    .bind(entrant.0)
    .bind(entrant.2.as_deref())
    .bind(entrant.3.as_deref())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    if shift.try_get::<Option<i64>, _>("cancelled_at")?.is_some() {
        return Ok(Err(SignUpRefusal::Cancelled));
    }
    if shift.try_get::<i64, _>("starts_at")? <= to_secs(request.now) {
        return Ok(Err(SignUpRefusal::Started));
    }
    if entrant.0.is_none() && shift.try_get::<i64, _>("open_to_supporters")? == 0 {
        return Ok(Err(SignUpRefusal::MembersOnly));
    }
    if let Some(m) = entrant.0 {
        let mine: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM members WHERE branch_id = $1 AND id = $2 AND erased_at IS NULL",
        )
        .bind(branch.0)
        .bind(m)
        .fetch_optional(&mut *conn)
        .await?;
        mine.ok_or(StoreError::NotFound)?;
    }
    if shift.try_get::<i64, _>("duplicate")? > 0 {
        return Ok(Err(SignUpRefusal::Duplicate));
    }
    if shift.try_get::<i64, _>("free")? <= 0 && !request.waiting_list {
        // Under the lock too: a crowd of supporters that arrived together, each waiting for
        // the shift's row in turn, holds it for this one statement each.
        return Ok(Err(SignUpRefusal::Full));
    }
    Ok(Ok(entrant))
}

/// The refusal a sign-up would meet as things stand, from reads alone (`None`: it may go
/// ahead, and [`sign_up`] decides under the lock). A burst of sign-ups for a full shift is
/// answered from these reads, never queueing for the write lock or the shift's row.
pub(crate) async fn refusal(
    store: &SqlStore,
    branch: BranchId,
    dispute: DisputeId,
    request: &SignUp<'_>,
) -> StoreResult<Option<SignUpRefusal>> {
    let mut conn = store.pool().acquire().await?;
    Ok(checks(&mut conn, None, branch, dispute, request)
        .await?
        .err())
}

/// Takes a place (or a turn on the waiting list, when `$9` is 1) if the count of places taken
/// is below the capacity: `$1`–`$3` branch, dispute and shift, `$4`–`$7` member, name, email
/// and phone, `$8` now.
const TAKE_PLACE: &str = "INSERT INTO picket_signups (branch_id, dispute_id, shift_id, member_id, name, email, phone, status, created_at, updated_at) \
     SELECT s.branch_id, s.dispute_id, s.id, $4, $5, $6, $7, \
     CASE WHEN (SELECT COUNT(*) FROM picket_signups t WHERE t.shift_id = s.id AND t.status = 'taken') < s.capacity \
          THEN 'taken' ELSE 'waiting' END, $8, $8 \
     FROM picket_shifts s WHERE s.branch_id = $1 AND s.dispute_id = $2 AND s.id = $3 \
     AND ($9 = 1 OR (SELECT COUNT(*) FROM picket_signups t WHERE t.shift_id = s.id AND t.status = 'taken') < s.capacity) \
     RETURNING id, status";

/// Runs a sign-up's statements on a new connection, matching no shift, so a crowd signing up
/// after a start does not wait while each connection prepares them (on PostgreSQL, while its
/// new server process first reads the tables' definitions), some of it holding a shift's row.
pub(crate) async fn warm_up(conn: &mut AnyConnection, backend: Backend) -> StoreResult<()> {
    let supporter = Supporter {
        name: String::new(),
        email: None,
        phone: None,
    };
    let request = SignUp {
        shift: PicketShiftId(0),
        who: Who::Supporter(&supporter),
        waiting_list: false,
        now: Utc::now(),
    };
    for lock in [None, Some(row_lock(backend))] {
        match checks(&mut *conn, lock, BranchId(0), DisputeId(0), &request).await {
            Ok(_) | Err(StoreError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    sqlx::query(TAKE_PLACE)
        .bind(0_i64)
        .bind(0_i64)
        .bind(0_i64)
        .bind(None::<i64>)
        .bind(String::new())
        .bind(None::<String>)
        .bind(None::<String>)
        .bind(0_i64)
        .bind(0_i64)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(())
}

/// Signs someone up. The shift row is held first (PostgreSQL `FOR UPDATE`, SQLite's write
/// lock), then one statement counts the places taken and takes one only if the count is
/// below the capacity, so concurrent sign-ups take turns and never overfill the shift.
pub(crate) async fn sign_up(
    work: &mut SqlWork,
    branch: BranchId,
    dispute: DisputeId,
    request: &SignUp<'_>,
) -> StoreResult<SignUpOutcome> {
    let lock = row_lock(work.store.backend);
    let (member, name, email, phone) =
        match checks(work.conn(), Some(lock), branch, dispute, request).await? {
            Ok(entrant) => entrant,
            Err(reason) => return refused(reason),
        };
    let now = to_secs(request.now);
    let row = sqlx::query(TAKE_PLACE)
        .bind(branch.0)
        .bind(dispute.0)
        .bind(request.shift.0)
        .bind(member)
        .bind(name)
        .bind(email)
        .bind(phone)
        .bind(now)
        .bind(i64::from(request.waiting_list))
        .fetch_optional(work.conn())
        .await
        .map_err(|e| StoreError::conflict_on(e, "a place on this shift"))?;
    let Some(row) = row else {
        return refused(SignUpRefusal::Full);
    };
    let status: String = row.try_get("status")?;
    Ok(SignUpOutcome::Done {
        id: PicketSignupId(row.try_get("id")?),
        place: if status == "taken" {
            Place::Taken
        } else {
            Place::Waiting
        },
    })
}

/// Cancels a place; a place taken passes to the first on the waiting list, in this unit.
pub(crate) async fn cancel(
    work: &mut SqlWork,
    branch: BranchId,
    dispute: DisputeId,
    id: PicketSignupId,
    member: Option<MemberId>,
    now: DateTime<Utc>,
) -> StoreResult<Cancellation> {
    let row = sqlx::query(
        "SELECT shift_id, status, member_id FROM picket_signups \
         WHERE branch_id = $1 AND dispute_id = $2 AND id = $3 AND status IN ('taken', 'waiting')",
    )
    .bind(branch.0)
    .bind(dispute.0)
    .bind(id.0)
    .fetch_optional(work.conn())
    .await?
    .ok_or(StoreError::NotFound)?;
    if let Some(m) = member {
        if row.try_get::<Option<i64>, _>("member_id")? != Some(m.0) {
            return Err(StoreError::NotFound);
        }
    }
    let shift = PicketShiftId(row.try_get("shift_id")?);
    // Held like a sign-up holds it, so a promotion and a sign-up take turns.
    let lock = row_lock(work.store.backend);
    sqlx::query(&format!("SELECT id FROM picket_shifts WHERE id = $1{lock}"))
        .bind(shift.0)
        .fetch_one(work.conn())
        .await?;
    let done = sqlx::query(
        "UPDATE picket_signups SET status = 'cancelled', cancelled_at = $1, updated_at = $1 \
         WHERE id = $2 AND status IN ('taken', 'waiting')",
    )
    .bind(to_secs(now))
    .bind(id.0)
    .execute(work.conn())
    .await?;
    super::found(&done)?;
    let promoted: Option<i64> = sqlx::query_scalar(
        "UPDATE picket_signups SET status = 'taken', updated_at = $1 WHERE id = (\
         SELECT w.id FROM picket_signups w WHERE w.shift_id = $2 AND w.status = 'waiting' ORDER BY w.id LIMIT 1) \
         AND (SELECT COUNT(*) FROM picket_signups t WHERE t.shift_id = $2 AND t.status = 'taken') \
             < (SELECT capacity FROM picket_shifts WHERE id = $2) \
         RETURNING id",
    )
    .bind(to_secs(now))
    .bind(shift.0)
    .fetch_optional(work.conn())
    .await?;
    let promoted = match promoted {
        Some(p) => {
            let row = sqlx::query(&format!("{SIGNUP_SELECT} WHERE g.id = $1"))
                .bind(p)
                .fetch_one(work.conn())
                .await?;
            Some(signup_row(&row)?)
        }
        None => None,
    };
    Ok(Cancellation {
        branch_id: branch,
        dispute_id: dispute,
        shift_id: shift,
        promoted,
    })
}

/// Sets a shift's capacity with the shift row held (as a sign-up holds it): refused below
/// the places taken; raised, the first on the waiting list (in the order they joined) move up
/// into the new places, in this unit. Returns those moved up.
pub(crate) async fn set_capacity(
    work: &mut SqlWork,
    branch: BranchId,
    dispute: DisputeId,
    id: PicketShiftId,
    capacity: u32,
    now: DateTime<Utc>,
) -> StoreResult<Result<Vec<Signup>, ShiftError>> {
    let lock = row_lock(work.store.backend);
    let held: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM picket_shifts WHERE branch_id = $1 AND dispute_id = $2 AND id = $3{lock}"
    ))
    .bind(branch.0)
    .bind(dispute.0)
    .bind(id.0)
    .fetch_optional(work.conn())
    .await?;
    held.ok_or(StoreError::NotFound)?;
    let taken: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM picket_signups WHERE shift_id = $1 AND status = 'taken'",
    )
    .bind(id.0)
    .fetch_one(work.conn())
    .await?;
    let taken = u32::try_from(taken).unwrap_or(u32::MAX);
    if let Err(e) = check_new_capacity(capacity, taken) {
        return Ok(Err(e));
    }
    sqlx::query("UPDATE picket_shifts SET capacity = $1, updated_at = $2 WHERE id = $3")
        .bind(i64::from(capacity))
        .bind(to_secs(now))
        .bind(id.0)
        .execute(work.conn())
        .await?;
    let waiting = sqlx::query(&format!(
        "{SIGNUP_SELECT} WHERE g.shift_id = $1 AND g.status = 'waiting' ORDER BY g.id LIMIT $2"
    ))
    .bind(id.0)
    .bind(i64::from(capacity - taken))
    .fetch_all(work.conn())
    .await?;
    let mut promoted = Vec::with_capacity(waiting.len());
    for row in &waiting {
        let mut place = signup_row(row)?;
        sqlx::query("UPDATE picket_signups SET status = 'taken', updated_at = $1 WHERE id = $2")
            .bind(to_secs(now))
            .bind(place.id.0)
            .execute(work.conn())
            .await?;
        place.status = SignupStatus::Taken;
        promoted.push(place);
    }
    Ok(Ok(promoted))
}

pub(crate) async fn shift_signups(
    store: &SqlStore,
    branch: BranchId,
    dispute: DisputeId,
    shift: PicketShiftId,
) -> StoreResult<Vec<Signup>> {
    let rows = sqlx::query(&format!(
        "{SIGNUP_SELECT} WHERE g.branch_id = $1 AND g.dispute_id = $2 AND g.shift_id = $3 \
         AND g.status <> 'cancelled' ORDER BY CASE WHEN g.status = 'waiting' THEN 1 ELSE 0 END, g.id"
    ))
    .bind(branch.0)
    .bind(dispute.0)
    .bind(shift.0)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(signup_row).collect()
}

pub(crate) async fn one(
    store: &SqlStore,
    branch: BranchId,
    dispute: DisputeId,
    id: PicketSignupId,
) -> StoreResult<Signup> {
    let row = sqlx::query(&format!(
        "{SIGNUP_SELECT} WHERE g.branch_id = $1 AND g.dispute_id = $2 AND g.id = $3"
    ))
    .bind(branch.0)
    .bind(dispute.0)
    .bind(id.0)
    .fetch_optional(store.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    signup_row(&row)
}

pub(crate) async fn for_link(
    store: &SqlStore,
    id: PicketSignupId,
) -> StoreResult<(BranchId, DisputeId, Signup)> {
    let row = sqlx::query("SELECT branch_id, dispute_id FROM picket_signups WHERE id = $1")
        .bind(id.0)
        .fetch_optional(store.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    let branch = BranchId(row.try_get("branch_id")?);
    let dispute = DisputeId(row.try_get("dispute_id")?);
    Ok((branch, dispute, one(store, branch, dispute, id).await?))
}

pub(crate) async fn attendance(
    store: &SqlStore,
    branch: BranchId,
    dispute: DisputeId,
) -> StoreResult<Vec<Attendance>> {
    let rows = sqlx::query(
        "SELECT s.day, s.location_id, l.place, COUNT(*) AS shifts, CAST(SUM(s.capacity) AS BIGINT) AS places, \
         CAST(SUM((SELECT COUNT(*) FROM picket_signups g WHERE g.shift_id = s.id AND g.status = 'taken')) AS BIGINT) AS signed_up, \
         CAST(SUM((SELECT COUNT(*) FROM picket_signups g WHERE g.shift_id = s.id AND g.status = 'taken' AND g.present_at IS NOT NULL)) AS BIGINT) AS present, \
         CAST(SUM((SELECT COUNT(*) FROM picket_signups g WHERE g.shift_id = s.id AND g.status = 'walk_up')) AS BIGINT) AS walk_ups \
         FROM picket_shifts s JOIN picket_locations l ON l.id = s.location_id \
         WHERE s.branch_id = $1 AND s.dispute_id = $2 AND s.cancelled_at IS NULL \
         GROUP BY s.day, s.location_id, l.place ORDER BY s.day, s.location_id",
    )
    .bind(branch.0)
    .bind(dispute.0)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            // PostgreSQL sums BIGINTs as NUMERIC: the statement casts them back.
            let n = |c: &str| -> StoreResult<u32> {
                let v: i64 = r.try_get(c)?;
                u32::try_from(v).map_err(|_| super::corrupt(c, &v.to_string()))
            };
            Ok(Attendance {
                day: date(r, "day")?,
                site_id: PicketLocationId(r.try_get("location_id")?),
                site_name: r.try_get("place")?,
                shifts: n("shifts")?,
                places: n("places")?,
                signed_up: n("signed_up")?,
                present: n("present")?,
                walk_ups: n("walk_ups")?,
            })
        })
        .collect()
}

pub(crate) async fn reminders_due(store: &SqlStore, day: NaiveDate) -> StoreResult<Vec<Reminder>> {
    let rows = sqlx::query(&format!(
        "SELECT {SHIFT_COLUMNS} WHERE s.day = $1 AND s.cancelled_at IS NULL ORDER BY s.id"
    ))
    .bind(day.to_string())
    .fetch_all(store.pool())
    .await?;
    let mut out = Vec::new();
    for row in &rows {
        let shift = shift_row(row)?;
        let head = sqlx::query(
            "SELECT s.branch_id, b.slug, d.title FROM picket_shifts s JOIN branches b ON b.id = s.branch_id \
             JOIN disputes d ON d.id = s.dispute_id WHERE s.id = $1",
        )
        .bind(shift.id.0)
        .fetch_one(store.pool())
        .await?;
        let places = sqlx::query(&format!(
            "{SIGNUP_SELECT} WHERE g.shift_id = $1 AND g.status = 'taken' ORDER BY g.id"
        ))
        .bind(shift.id.0)
        .fetch_all(store.pool())
        .await?;
        for p in &places {
            let signup = signup_row(p)?;
            if signup.email.is_none() {
                continue;
            }
            out.push(Reminder {
                branch_id: BranchId(head.try_get("branch_id")?),
                branch_slug: head.try_get("slug")?,
                dispute_id: shift.dispute_id,
                dispute_title: head.try_get("title")?,
                shift: shift.clone(),
                signup,
            });
        }
    }
    Ok(out)
}
