//! Picket shift email: the reminder the day before to everyone with a place, and the emails
//! a change to a shift causes (cancelled, moved, a place freed for someone on the waiting
//! list), each queued through the outbox in the unit that makes the change.
//!
//! Every email carries a cancel link: `/{branch}/pickets/places/{id}/cancel?token=…`, whose
//! token is [`link_token`] of the place under the instance's [`LINK_SECRET`], so no token is
//! stored and a reminder can be written long after the sign-up.

use crate::queue_email;
use anyhow::Context;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use picket_domain::pickets::london;
use picket_domain::pickets::shifts::date_words;
use picket_domain::PicketSignupId;
use picket_mail::OutgoingEmail;
use picket_store::shifts::{link_token, Reminder, Shift, Signup};
use picket_store::{Store, UnitOfWork};

/// The name of the instance secret that signs cancel links.
pub const LINK_SECRET: &str = "picket-links";
/// The purpose a cancel link's token is made for.
pub const CANCEL_PURPOSE: &str = "picket-place-cancel";
/// Attempts before an email is given up.
const MAX_ATTEMPTS: u32 = 5;

/// What picket emails need to make links.
#[derive(Debug, Clone)]
pub struct Links {
    /// The public address of this Picket, e.g. `https://picket.example.org`.
    pub public_url: String,
    /// The instance's link secret (see [`link_secret`]).
    pub secret: String,
}

/// The instance's secret for picket links, made once (random) and then always the same.
pub async fn link_secret(store: &dyn Store) -> anyhow::Result<String> {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    Ok(store
        .instance_secret(LINK_SECRET, &hex::encode(bytes))
        .await?)
}

impl Links {
    /// The link that cancels a place without signing in.
    pub fn cancel(&self, branch_slug: &str, place: PicketSignupId) -> String {
        format!(
            "{}/{branch_slug}/pickets/places/{place}/cancel?token={}",
            self.public_url.trim_end_matches('/'),
            link_token(&self.secret, CANCEL_PURPOSE, place.0, 0)
        )
    }
}

/// Where and when, for an email: "Civic Centre (Main entrance), 1 High St".
fn place_words(shift: &Shift) -> String {
    let mut out = format!("{} ({})", shift.site_name, shift.entrance_name);
    if !shift.site_address.trim().is_empty() {
        out.push_str(", ");
        out.push_str(&shift.site_address.trim().replace('\n', ", "));
    }
    out
}

fn greeting(place: &Signup) -> String {
    format!("Dear {},", place.name)
}

/// The reminder email for one place.
pub fn reminder_email(reminder: &Reminder, links: &Links) -> Option<OutgoingEmail> {
    let to = reminder.signup.email.as_deref()?;
    let shift = &reminder.shift;
    let mut text = format!(
        "{}\n\nThank you for signing up to picket tomorrow, {}.\n\nWhen: {}\nWhere: {}\nDispute: {}\n",
        greeting(&reminder.signup),
        date_words(shift.times.day),
        shift.times.words(),
        place_words(shift),
        reminder.dispute_title,
    );
    if !shift.notes.trim().is_empty() {
        text.push_str(&format!("What to bring: {}\n", shift.notes.trim()));
    }
    text.push_str(&format!(
        "\nIf you can no longer come, please cancel so someone on the waiting list can take your place:\n{}\n",
        links.cancel(&reminder.branch_slug, reminder.signup.id)
    ));
    Some(OutgoingEmail::new(
        to,
        format!("Picket tomorrow: {}", shift.times.words()),
        text,
    ))
}

/// Queues tomorrow's reminders (tomorrow by the clock in the UK at `now`), one unit for the
/// run. Each is keyed by its place and the shift's day, so a second run the same day (or a
/// worker on another process) queues none twice. Returns how many were queued.
pub async fn queue_reminders(
    store: &dyn Store,
    links: &Links,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let tomorrow = london::to_local(now).date() + Duration::days(1);
    queue_reminders_for(store, links, tomorrow).await
}

/// Queues the reminders for shifts on `day`.
pub async fn queue_reminders_for(
    store: &dyn Store,
    links: &Links,
    day: NaiveDate,
) -> anyhow::Result<usize> {
    let due = store.reminders_due(day).await?;
    if due.is_empty() {
        return Ok(0);
    }
    let mut work = store.begin().await?;
    let mut queued = 0;
    for reminder in &due {
        let Some(email) = reminder_email(reminder, links) else {
            continue;
        };
        let key = format!(
            "picket-reminder:{}:{}",
            reminder.signup.id, reminder.shift.times.day
        );
        queue_email(&mut *work, &email, Some(key), MAX_ATTEMPTS)
            .await
            .context("queuing a picket reminder")?;
        queued += 1;
    }
    work.commit().await?;
    Ok(queued)
}

/// What changed about a shift, for the email to those on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShiftChange<'a> {
    /// The shift was cancelled.
    Cancelled,
    /// The shift moved to new times, perhaps to another entrance.
    Moved {
        /// The shift as it stands after the move.
        to: &'a Shift,
    },
}

/// Words for where a shift stands after a move: the times, and the place if it changed.
fn moved_words(before: &Shift, after: &Shift) -> (String, String) {
    if before.entrance_id == after.entrance_id {
        (after.times.words(), before.times.words())
    } else {
        (
            format!("{}, {}", after.times.words(), place_words(after)),
            format!("{}, {}", before.times.words(), place_words(before)),
        )
    }
}

/// Queues, in `work`, an email to each person on `shift` (as it stood before the change)
/// saying what changed. The caller makes the change in the same unit, so the emails go only
/// if it is committed. Returns how many were queued.
pub async fn queue_shift_change(
    work: &mut dyn UnitOfWork,
    links: &Links,
    branch_slug: &str,
    dispute_title: &str,
    shift: &Shift,
    places: &[Signup],
    change: ShiftChange<'_>,
) -> anyhow::Result<usize> {
    let mut queued = 0;
    for place in places {
        let Some(to) = place.email.as_deref() else {
            continue;
        };
        let (subject, body, key) = match change {
            ShiftChange::Cancelled => (
                format!("Picket shift cancelled: {}", shift.times.words()),
                format!(
                    "The picket shift you signed up for has been cancelled.\n\nWas: {}\nWhere: {}\nDispute: {}\n\nThank you for being ready to stand with us; please look out for other shifts.\n",
                    shift.times.words(),
                    place_words(shift),
                    dispute_title
                ),
                format!("picket-cancelled:{}:{}", place.id, shift.id),
            ),
            ShiftChange::Moved { to: after } => {
                let (now, was) = moved_words(shift, after);
                (
                    format!("Picket shift moved to {}", after.times.words()),
                    format!(
                        "The picket shift you signed up for has moved.\n\nNow: {now}\nWas: {was}\nWhere: {}\nDispute: {}\n\nIf you can no longer come, please cancel:\n{}\n",
                        place_words(after),
                        dispute_title,
                        links.cancel(branch_slug, place.id)
                    ),
                    format!(
                        "picket-moved:{}:{}:{}:{}:{}",
                        place.id, after.times.day, after.times.starts, after.times.ends, after.entrance_id
                    ),
                )
            }
        };
        let email = OutgoingEmail::new(to, subject, format!("{}\n\n{body}", greeting(place)));
        queue_email(work, &email, Some(key), MAX_ATTEMPTS)
            .await
            .context("queuing a shift change email")?;
        queued += 1;
    }
    Ok(queued)
}

/// Queues, in `work`, the email to someone moved up from the waiting list into a place.
pub async fn queue_promotion(
    work: &mut dyn UnitOfWork,
    links: &Links,
    branch_slug: &str,
    dispute_title: &str,
    shift: &Shift,
    promoted: &Signup,
) -> anyhow::Result<bool> {
    let Some(to) = promoted.email.as_deref() else {
        return Ok(false);
    };
    let email = OutgoingEmail::new(
        to,
        format!("You have a place on the picket: {}", shift.times.words()),
        format!(
            "{}\n\nA place came free and you were first on the waiting list: you are now on the picket.\n\nWhen: {}\nWhere: {}\nDispute: {}\n\nIf you can no longer come, please cancel:\n{}\n",
            greeting(promoted),
            shift.times.words(),
            place_words(shift),
            dispute_title,
            links.cancel(branch_slug, promoted.id)
        ),
    );
    queue_email(
        work,
        &email,
        Some(format!("picket-promoted:{}", promoted.id)),
        MAX_ATTEMPTS,
    )
    .await
    .context("queuing a waiting-list email")?;
    Ok(true)
}
