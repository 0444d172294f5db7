//! Picket sites and shifts: a dispute's picket locations as sites with entrances, the shifts
//! at each entrance, the places people take on them (members, supporters, walk-ups), the
//! waiting list, attendance, reminders and calendar addresses.
//!
//! Capacity holds under any number of concurrent sign-ups: a place is taken by one statement
//! that counts the places already taken, inside a unit that holds the shift row (PostgreSQL
//! `SELECT … FOR UPDATE`; SQLite's one write lock), so two sign-ups never both take the last
//! place.

use crate::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use picket_domain::pickets::shifts::{ShiftError, ShiftTimes};
use picket_domain::pickets::signups::{Place, SignUpRefusal, Supporter};
use picket_domain::pickets::sites::SiteDetails;
use picket_domain::{
    BranchId, DisputeId, MemberId, PicketEntranceId, PicketLocationId, PicketShiftId,
    PicketSignupId,
};
use serde::Serialize;

/// An entrance at a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entrance {
    /// Its id.
    pub id: PicketEntranceId,
    /// Its site.
    pub site_id: PicketLocationId,
    /// Its name.
    pub name: String,
}

/// A stored site: a picket location with its notes and entrances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Site {
    /// Its id (the picket location's).
    pub id: PicketLocationId,
    /// Its dispute.
    pub dispute_id: DisputeId,
    /// Its name, address, times in words, map link and notes (entrance names as below).
    pub details: SiteDetails,
    /// Its entrances, in the order they were added.
    pub entrances: Vec<Entrance>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// A shift to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewShift {
    /// Where: an entrance of one of the dispute's sites.
    pub entrance: PicketEntranceId,
    /// When, in UK clock time.
    pub times: ShiftTimes,
    /// How many places (at least 1; see [`picket_domain::pickets::shifts::capacity`]).
    pub capacity: u32,
    /// Whether supporters without an account may sign up.
    pub open_to_supporters: bool,
    /// What to bring, where to meet (may be empty).
    pub notes: String,
}

/// A stored shift with its site, entrance and counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shift {
    /// Its id.
    pub id: PicketShiftId,
    /// Its dispute.
    pub dispute_id: DisputeId,
    /// Its site.
    pub site_id: PicketLocationId,
    /// The site's name.
    pub site_name: String,
    /// The site's address.
    pub site_address: String,
    /// Its entrance.
    pub entrance_id: PicketEntranceId,
    /// The entrance's name.
    pub entrance_name: String,
    /// Its day and hours in UK clock time.
    pub times: ShiftTimes,
    /// When it starts, as an instant.
    pub starts_at: DateTime<Utc>,
    /// When it ends, as an instant.
    pub ends_at: DateTime<Utc>,
    /// How many places.
    pub capacity: u32,
    /// Places taken.
    pub taken: u32,
    /// People on the waiting list.
    pub waiting: u32,
    /// Whether supporters may sign up.
    pub open_to_supporters: bool,
    /// What to bring, where to meet.
    pub notes: String,
    /// The member named as picket supervisor.
    pub supervisor: Option<MemberId>,
    /// When it was cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// Where a place on a shift stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignupStatus {
    /// A place on the shift.
    Taken,
    /// On the waiting list.
    Waiting,
    /// Cancelled.
    Cancelled,
    /// Came on the day without signing up (name only).
    WalkUp,
}

impl SignupStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SignupStatus::Taken => "taken",
            SignupStatus::Waiting => "waiting",
            SignupStatus::Cancelled => "cancelled",
            SignupStatus::WalkUp => "walk_up",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Taken, Self::Waiting, Self::Cancelled, Self::WalkUp]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// A person's place on a shift, with how to reach them.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Signup {
    /// Its id.
    pub id: PicketSignupId,
    /// Its shift.
    pub shift_id: PicketShiftId,
    /// The member, if a member signed up.
    pub member_id: Option<MemberId>,
    /// The name to show (the member's, the supporter's or the walk-up's).
    pub name: String,
    /// Where to email them (the member's address or the supporter's), if known.
    pub email: Option<String>,
    /// Their phone number, if known.
    pub phone: Option<String>,
    /// Where the place stands.
    pub status: SignupStatus,
    /// When they were marked present.
    pub present_at: Option<DateTime<Utc>>,
    /// When they signed up.
    pub created_at: DateTime<Utc>,
}

impl std::fmt::Debug for Signup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Personal data stays out of logs and panics.
        f.debug_struct("Signup")
            .field("id", &self.id)
            .field("shift_id", &self.shift_id)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// Who is signing up.
#[derive(Debug, Clone, Copy)]
pub enum Who<'a> {
    /// A member of the branch, by their record.
    Member(MemberId),
    /// A supporter with no account.
    Supporter(&'a Supporter),
}

/// A sign-up to make.
#[derive(Debug, Clone, Copy)]
pub struct SignUp<'a> {
    /// The shift.
    pub shift: PicketShiftId,
    /// Who.
    pub who: Who<'a>,
    /// Whether to join the waiting list when the shift is full (else it is refused).
    pub waiting_list: bool,
    /// Now: a shift that has started takes no sign-ups.
    pub now: DateTime<Utc>,
}

/// What a sign-up did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum SignUpOutcome {
    /// A place taken, or a place on the waiting list.
    Done {
        /// The sign-up's id.
        id: PicketSignupId,
        /// Taken or waiting.
        place: Place,
    },
    /// Refused; nothing was stored.
    Refused {
        /// Why.
        reason: SignUpRefusal,
    },
}

/// What cancelling a place did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancellation {
    /// The branch and dispute the place was in.
    pub branch_id: BranchId,
    /// Its dispute.
    pub dispute_id: DisputeId,
    /// The shift.
    pub shift_id: PicketShiftId,
    /// The person moved up from the waiting list into the freed place, if anyone was.
    pub promoted: Option<Signup>,
}

/// Attendance on one day at one site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attendance {
    /// The day.
    pub day: NaiveDate,
    /// The site.
    pub site_id: PicketLocationId,
    /// The site's name.
    pub site_name: String,
    /// Shifts that stood (not cancelled).
    pub shifts: u32,
    /// Places on them.
    pub places: u32,
    /// Places taken.
    pub signed_up: u32,
    /// Of those, marked present.
    pub present: u32,
    /// Walk-ups (all present).
    pub walk_ups: u32,
}

/// A reminder to send: one person's place on a shift, with what the email says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// The branch.
    pub branch_id: BranchId,
    /// The branch's slug, for links.
    pub branch_slug: String,
    /// The dispute.
    pub dispute_id: DisputeId,
    /// The dispute's title.
    pub dispute_title: String,
    /// The shift.
    pub shift: Shift,
    /// The place, with the email address to write to.
    pub signup: Signup,
}

/// Reading sites and shifts. Every method takes the branch and the dispute: a record of
/// another dispute or branch is [`StoreError::NotFound`](crate::StoreError::NotFound).
#[async_trait]
pub trait ShiftStore: Send + Sync {
    /// A dispute's sites with their entrances, in the order they were added.
    async fn picket_sites(&self, branch: BranchId, dispute: DisputeId) -> StoreResult<Vec<Site>>;
    /// A dispute's shifts from `from` to `to` (both included, either open), by day, start,
    /// site and entrance; cancelled shifts included.
    async fn picket_shifts(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> StoreResult<Vec<Shift>>;
    /// One shift.
    async fn picket_shift(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        id: PicketShiftId,
    ) -> StoreResult<Shift>;
    /// The refusal a sign-up would meet as things stand, read without any lock (`None`: it
    /// may go ahead, and [`ShiftWrites::sign_up`] decides under the lock). Lets a burst of
    /// sign-ups for a full shift be answered without queueing for the write.
    async fn sign_up_refusal(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        request: &SignUp<'_>,
    ) -> StoreResult<Option<SignUpRefusal>>;
    /// The places on a shift not cancelled: taken and walk-ups in the order they came, then
    /// the waiting list in its order.
    async fn shift_signups(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        shift: PicketShiftId,
    ) -> StoreResult<Vec<Signup>>;
    /// One place on a shift (any status).
    async fn picket_signup(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        id: PicketSignupId,
    ) -> StoreResult<Signup>;
    /// A place found by its id alone, with its branch and dispute, for a cancel link (whose
    /// token the caller has checked).
    async fn signup_for_link(
        &self,
        id: PicketSignupId,
    ) -> StoreResult<(BranchId, DisputeId, Signup)>;
    /// The shifts a member holds a place on (taken or waiting) in the branch, across its
    /// disputes, from `from` on.
    async fn member_shifts(
        &self,
        branch: BranchId,
        member: MemberId,
        from: NaiveDate,
    ) -> StoreResult<Vec<Shift>>;
    /// Attendance per day and site, by day then site.
    async fn picket_attendance(
        &self,
        branch: BranchId,
        dispute: DisputeId,
    ) -> StoreResult<Vec<Attendance>>;
    /// Every place taken on a shift (not cancelled) on `day`, in every branch, with an email
    /// address to remind: the reminder job's list.
    async fn reminders_due(&self, day: NaiveDate) -> StoreResult<Vec<Reminder>>;
    /// The generation of a member's private calendar key (0 until first reset).
    async fn feed_generation(&self, branch: BranchId, member: MemberId) -> StoreResult<u64>;
}

/// Changing sites and shifts, within a [`UnitOfWork`](crate::UnitOfWork). The branch and
/// dispute are checked in each statement.
#[async_trait]
pub trait ShiftWrites: Send {
    /// Adds a site with its entrances.
    async fn add_picket_site(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        site: &SiteDetails,
    ) -> StoreResult<PicketLocationId>;
    /// Replaces a site's name, address, map link, notes and times in words; adds entrances
    /// newly named. An entrance no longer named is removed if no shift stands there, else
    /// [`StoreError::Conflict`](crate::StoreError::Conflict)`("an entrance with shifts")`.
    async fn update_picket_site(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PicketLocationId,
        site: &SiteDetails,
    ) -> StoreResult<()>;
    /// Adds shifts, all or none: a shift that overlaps another at its entrance (stored or in
    /// `shifts`) is refused with the domain's message, and the caller drops the unit.
    async fn add_picket_shifts(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        shifts: &[NewShift],
    ) -> StoreResult<Result<Vec<PicketShiftId>, ShiftError>>;
    /// Moves a shift to new times, and to `entrance` (an entrance of the dispute's sites) if
    /// given, else at its own; a move that overlaps another shift at that entrance is refused
    /// with the domain's message. Returns the places on it (taken and waiting), for the email
    /// that tells them.
    async fn move_picket_shift(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PicketShiftId,
        entrance: Option<PicketEntranceId>,
        times: ShiftTimes,
    ) -> StoreResult<Result<Vec<Signup>, ShiftError>>;
    /// Sets a shift's capacity. Raising it moves people up from the waiting list, first come
    /// first served, until the places are filled; lowering it below the places already taken
    /// (or to 0) is refused with the domain's message. The shift row is held as a sign-up
    /// holds it, so a change and concurrent sign-ups or cancels take turns. Returns the places
    /// moved up, for the email that tells them.
    async fn set_shift_capacity(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PicketShiftId,
        capacity: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Vec<Signup>, ShiftError>>;
    /// Cancels a shift; returns the places on it (taken and waiting), for the email.
    async fn cancel_picket_shift(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PicketShiftId,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Signup>>;
    /// Names a member of the branch as the shift's supervisor (or none).
    async fn set_shift_supervisor(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PicketShiftId,
        member: Option<MemberId>,
    ) -> StoreResult<()>;
    /// Signs someone up: a place if one is free, else the waiting list if asked, else
    /// refused. Never more places taken than the capacity.
    async fn sign_up(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        request: &SignUp<'_>,
    ) -> StoreResult<SignUpOutcome>;
    /// Cancels a place (taken or waiting); with `member`, only that member's. A place taken
    /// goes to the first on the waiting list, in the same unit.
    async fn cancel_signup(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PicketSignupId,
        member: Option<MemberId>,
        now: DateTime<Utc>,
    ) -> StoreResult<Cancellation>;
    /// Marks a place (taken) present, or not.
    async fn mark_present(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PicketSignupId,
        present: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Adds a walk-up (name only), present.
    async fn add_walk_up(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        shift: PicketShiftId,
        name: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<PicketSignupId>;
    /// Moves a member's private calendar key to its next generation (the old address stops
    /// working); returns the new generation.
    async fn reset_feed_key(&mut self, branch: BranchId, member: MemberId) -> StoreResult<u64>;
}

/// The token of a link that stands for a record (a cancel link, a private calendar
/// address): a keyed hash of the purpose, the record's id and its key generation under the
/// instance's secret, so nothing secret is stored per record and a new generation ends the
/// old link.
pub fn link_token(secret: &str, purpose: &str, id: i64, generation: u64) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [secret, purpose, &id.to_string(), &generation.to_string()] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(&h.finalize()[..16])
}

/// Whether `token` is the link token for the record, compared in constant time.
pub fn link_token_matches(
    secret: &str,
    purpose: &str,
    id: i64,
    generation: u64,
    token: &str,
) -> bool {
    let want = link_token(secret, purpose, id, generation);
    want.len() == token.len()
        && want
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_tokens_depend_on_every_part_and_match_only_themselves() {
        let t = link_token("s", "cancel", 7, 0);
        assert_eq!(t.len(), 32);
        assert!(link_token_matches("s", "cancel", 7, 0, &t));
        assert!(!link_token_matches("s", "cancel", 8, 0, &t));
        assert!(!link_token_matches("s", "feed", 7, 0, &t));
        assert!(!link_token_matches("s", "cancel", 7, 1, &t));
        assert!(!link_token_matches("x", "cancel", 7, 0, &t));
        assert!(!link_token_matches("s", "cancel", 7, 0, &t[..31]));
    }
}
