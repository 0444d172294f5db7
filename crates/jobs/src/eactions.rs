//! The desk's timed work for e-actions and the correspondence log:
//!
//! - **delivery**: turns signatures into outbox emails to each campaign's targets, by the
//!   campaign's delivery mode: one email per signature (From the branch's sending address,
//!   Reply-To the supporter), at most the campaign's hourly number to one target, the rest
//!   waiting for a later pass; or one digest a day per target. Each (signature, target) pair
//!   is claimed once in the store and queued under the idempotency key
//!   `eaction:{signature}:{target}` in the same unit, so a pass that dies half-way, or two
//!   passes at once, never queue a target the same signature twice; and the email is queued
//!   "send once", so a worker killed while handing it to the mail server gives it up rather
//!   than risk a second copy. Signing never waits for any of this: it only writes the
//!   signature.
//! - **reminders**: once a letter in the log is past its reply-by date with no reply, each
//!   organiser of its branch gets one email saying so.

use crate::{queue_email, queue_email_once};
use anyhow::Context;
use chrono::{DateTime, Utc};
use picket_domain::correspondence::overdue_reminder;
use picket_domain::eactions::{long_date, render_letter, Delivery};
use picket_domain::Role;
use picket_mail::{mailbox, OutgoingEmail};
use picket_store::eactions::{DeliveryWork, DueLetter, Target};
use picket_store::{PageRequest, Store};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// Attempts for an email to a target or an organiser before the outbox gives up.
const MAX_ATTEMPTS: u32 = 8;

/// What one delivery pass queued.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryStats {
    /// Emails of one signature to one target.
    pub letters: usize,
    /// Daily digests.
    pub digests: usize,
}

/// One delivery pass over every campaign that emails its targets, as of `now`.
pub async fn deliver(store: &dyn Store, now: DateTime<Utc>) -> anyhow::Result<DeliveryStats> {
    let mut stats = DeliveryStats::default();
    for work in store
        .delivery_work()
        .await
        .context("listing campaigns to deliver")?
    {
        for target in &work.targets {
            match work.eaction.delivery {
                Delivery::EachSignature { per_hour } => {
                    stats.letters += deliver_letters(store, &work, target, per_hour, now).await?;
                }
                Delivery::DailyDigest => {
                    stats.digests += deliver_digest(store, &work, target, now).await?;
                }
                Delivery::CountOnly => {}
            }
        }
    }
    Ok(stats)
}

/// The target's mailbox, or `None` for a target without a usable address (left alone).
fn target_mailbox(target: &Target) -> Option<String> {
    let address = target.email.as_deref()?;
    match mailbox(&target.name, address) {
        Ok(m) => Some(m),
        Err(_) => {
            tracing::warn!(
                target = target.id.0,
                "a campaign target's address is not usable; nothing sent to it"
            );
            None
        }
    }
}

async fn deliver_letters(
    store: &dyn Store,
    work: &DeliveryWork,
    target: &Target,
    per_hour: u32,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let Some(to) = target_mailbox(target) else {
        return Ok(0);
    };
    let branch = work.eaction.branch_id;
    let mut unit = store.begin().await?;
    let due = unit.claim_letters(branch, target.id, per_hour, now).await?;
    for letter in &due {
        let email = letter_email(&to, &work.eaction.subject, &work.eaction.body, letter)?;
        let key = format!("eaction:{}:{}", letter.signature.0, target.id.0);
        queue_email_once(&mut *unit, &email, key, MAX_ATTEMPTS).await?;
    }
    unit.commit().await?;
    Ok(due.len())
}

/// One supporter's letter to one target, Reply-To the supporter.
pub fn letter_email(
    to: &str,
    subject: &str,
    body: &str,
    letter: &DueLetter,
) -> anyhow::Result<OutgoingEmail> {
    let reply_to = mailbox(&letter.signer.name, letter.signer.email.as_str())
        .context("the supporter's address")?;
    Ok(OutgoingEmail::new(
        to,
        render_letter(subject, &letter.signer),
        render_letter(body, &letter.signer),
    )
    .with_reply_to(reply_to))
}

async fn deliver_digest(
    store: &dyn Store,
    work: &DeliveryWork,
    target: &Target,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let Some(to) = target_mailbox(target) else {
        return Ok(0);
    };
    let branch = work.eaction.branch_id;
    let day = now.date_naive();
    let mut unit = store.begin().await?;
    let due = unit.claim_digest(branch, target.id, day, now).await?;
    if due.is_empty() {
        return Ok(0);
    }
    let email = digest_email(&to, &work.eaction.subject, &work.eaction.body, day, &due);
    let key = format!("eaction-digest:{}:{day}", target.id.0);
    queue_email_once(&mut *unit, &email, key, MAX_ATTEMPTS).await?;
    unit.commit().await?;
    Ok(1)
}

/// A day's digest: the letter once, then who signed it (names and postcodes, never their
/// addresses) and their own words.
pub fn digest_email(
    to: &str,
    subject: &str,
    body: &str,
    day: chrono::NaiveDate,
    due: &[DueLetter],
) -> OutgoingEmail {
    let template = picket_domain::eactions::PLACEHOLDERS
        .iter()
        .fold(body.to_string(), |text, placeholder| {
            text.replace(placeholder, "")
        });
    let subject = picket_domain::eactions::PLACEHOLDERS
        .iter()
        .fold(subject.to_string(), |text, placeholder| {
            text.replace(placeholder, "")
        });
    let people = if due.len() == 1 {
        "1 person".to_string()
    } else {
        format!("{} people", due.len())
    };
    let mut text = format!(
        "{people} signed this letter to you up to {}:\n\n{}\n\n",
        long_date(day),
        template.trim()
    );
    for letter in due {
        text.push_str(&format!(
            "- {}, {}",
            letter.signer.name, letter.signer.postcode
        ));
        if !letter.signer.own_words.is_empty() {
            text.push_str(&format!(": \"{}\"", letter.signer.own_words));
        }
        text.push('\n');
    }
    OutgoingEmail::new(
        to,
        format!("{} ({people}, {})", subject.trim(), long_date(day)),
        text,
    )
}

/// One reminder pass: each organiser of a letter's branch is told once that its reply is
/// overdue. Returns how many letters were reminded of.
pub async fn remind_overdue(store: &dyn Store, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let today = now.date_naive();
    let mut reminded = 0;
    for letter in store
        .letters_to_remind(today)
        .await
        .context("listing overdue letters")?
    {
        let Some(reply_by) = letter.letter.reply_by else {
            continue;
        };
        let mut organisers = Vec::new();
        let mut page = 1;
        loop {
            let users = store
                .branch_users(letter.branch_id, PageRequest::new(page, 200))
                .await?;
            organisers.extend(
                users
                    .items
                    .iter()
                    .filter(|u| u.role.at_least(Role::Organiser))
                    .map(|u| u.user.clone()),
            );
            if !users.has_next() {
                break;
            }
            page += 1;
        }
        let mut unit = store.begin().await?;
        // Marked in the same unit as the emails: a second pass, or a second process, finds it
        // marked and sends nothing.
        if !unit.mark_reminded(letter.branch_id, letter.id, now).await? {
            continue;
        }
        let (subject, text) = overdue_reminder(
            &letter.letter.counterpart,
            &letter.letter.subject,
            letter.letter.sent_on,
            reply_by,
        );
        for user in &organisers {
            let to =
                mailbox(&user.display_name, &user.email).unwrap_or_else(|_| user.email.clone());
            let email = OutgoingEmail::new(to, subject.clone(), text.clone());
            let key = format!("letter-overdue:{}:{reply_by}:{}", letter.id.0, user.id.0);
            queue_email(&mut *unit, &email, Some(key), MAX_ATTEMPTS).await?;
        }
        unit.audit(picket_store::NewAuditEntry {
            branch: Some(letter.branch_id),
            action: "correspondence.reminder".into(),
            subject: Some(format!("letter:{}", letter.id.0)),
            detail: Some(format!(
                "{} organisers told the reply is overdue",
                organisers.len()
            )),
            ..Default::default()
        })
        .await?;
        unit.commit().await?;
        reminded += 1;
    }
    Ok(reminded)
}

/// Runs a delivery pass and a reminder pass at once and then every `every` until `stop`.
pub async fn desk_loop(store: Arc<dyn Store>, every: Duration, stop: impl Future<Output = ()>) {
    tokio::pin!(stop);
    loop {
        let now = Utc::now();
        match deliver(&*store, now).await {
            Ok(stats) if stats.letters + stats.digests > 0 => {
                tracing::info!(
                    letters = stats.letters,
                    digests = stats.digests,
                    "campaign letters queued"
                );
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "campaign delivery pass failed"),
        }
        match remind_overdue(&*store, now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(letters = n, "organisers reminded of overdue replies"),
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "overdue reminder pass failed"),
        }
        tokio::select! {
            _ = &mut stop => break,
            _ = tokio::time::sleep(every) => {}
        }
    }
}
