//! E-actions and petitions: campaigns that supporters sign, the letter each signature sends to
//! the campaign's targets (the dispute's decision-makers), and how those letters are delivered.
//!
//! Everything here is checked once at the edge: a [`NewEaction`] from what an organiser typed,
//! a [`Signer`] from what a supporter typed. Each refusal is an [`EactionError`] naming the
//! field and saying what to fix, never echoing what was typed.

mod letter;
mod named;
#[cfg(test)]
mod tests;

pub use letter::{check_letter, render_letter, PLACEHOLDERS};
pub use named::{ActionKind, DeliveryKind};

use crate::text::{self, TextKind};
use crate::{Email, Postcode};
use chrono::NaiveDate;
use serde::Serialize;

/// Longest campaign title.
pub const MAX_TITLE: usize = 120;
/// Longest email subject.
pub const MAX_SUBJECT: usize = 150;
/// Longest letter or petition statement.
pub const MAX_BODY: usize = 10_000;
/// Longest supporter's name.
pub const MAX_NAME: usize = 100;
/// The most characters of their own words a campaign may allow.
pub const MAX_OWN_WORDS_LIMIT: u32 = 2_000;
/// The most emails per hour per target a campaign may allow.
pub const MAX_PER_HOUR: u32 = 10_000;
/// Longest target name or role.
pub const MAX_TARGET: usize = 150;
/// Longest reply summary.
pub const MAX_REPLY_SUMMARY: usize = 1_000;
/// Longest reply text (the letter itself).
pub const MAX_REPLY_TEXT: usize = 50_000;

/// The wording a supporter agrees to when they tick "keep me in touch", unless the campaign's
/// page shows another (whatever was shown is what is recorded).
pub const DEFAULT_CONSENT_WORDING: &str =
    "Yes, the branch may email me about this dispute and other campaigns. I can say stop at any time.";

/// A campaign or signature refused, naming the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct EactionError {
    /// The field at fault (`title`, `subject`, `body`, `per_hour`, `name`, `email`, …).
    pub field: &'static str,
    /// What to fix.
    pub message: String,
}

pub(crate) fn refuse(field: &'static str, message: impl Into<String>) -> EactionError {
    EactionError {
        field,
        message: message.into(),
    }
}

pub(crate) fn typed(
    field: &'static str,
    label: &str,
    kind: TextKind,
    value: &str,
    max: usize,
) -> Result<String, EactionError> {
    text::check(kind, value, max).map_err(|e| refuse(field, e.message(label)))
}

/// How a campaign's signatures reach its targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "mode", rename_all = "kebab-case")]
pub enum Delivery {
    /// One email per supporter to each target, from the branch's sending address with Reply-To
    /// the supporter, at most `per_hour` to one target in any hour (the rest wait their turn).
    EachSignature {
        /// The most emails one target receives in an hour.
        per_hour: u32,
    },
    /// One email a day to each target listing that day's new signatures.
    DailyDigest,
    /// Nothing is sent: the signatures are counted and handed in.
    CountOnly,
}

impl Delivery {
    /// Builds a delivery from its stored or typed kind and hourly limit.
    pub fn new(kind: DeliveryKind, per_hour: u32) -> Result<Delivery, EactionError> {
        Ok(match kind {
            DeliveryKind::EachSignature => {
                if per_hour == 0 || per_hour > MAX_PER_HOUR {
                    return Err(refuse(
                        "per_hour",
                        format!("Give how many emails one target may receive in an hour, from 1 to {MAX_PER_HOUR}."),
                    ));
                }
                Delivery::EachSignature { per_hour }
            }
            DeliveryKind::DailyDigest => Delivery::DailyDigest,
            DeliveryKind::CountOnly => Delivery::CountOnly,
        })
    }

    /// Its kind.
    pub fn kind(self) -> DeliveryKind {
        match self {
            Delivery::EachSignature { .. } => DeliveryKind::EachSignature,
            Delivery::DailyDigest => DeliveryKind::DailyDigest,
            Delivery::CountOnly => DeliveryKind::CountOnly,
        }
    }

    /// The hourly limit per target (0 when nothing is sent one by one).
    pub fn per_hour(self) -> u32 {
        match self {
            Delivery::EachSignature { per_hour } => per_hour,
            _ => 0,
        }
    }

    /// Whether targets are emailed, and so need an address.
    pub fn sends_email(self) -> bool {
        self != Delivery::CountOnly
    }
}

/// A campaign as an organiser set it up, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewEaction {
    /// Email campaign or petition.
    pub kind: ActionKind,
    /// Its title for people.
    pub title: String,
    /// The email subject (email campaigns; empty for a petition).
    pub subject: String,
    /// The letter, with placeholders (email campaigns), or the petition's statement.
    pub body: String,
    /// How signatures reach the targets (petitions: always counted only).
    pub delivery: Delivery,
    /// Whether a signature counts only once its email address is confirmed.
    pub confirm_email: bool,
    /// The most characters of their own words a supporter may add (0: none asked for).
    pub own_words_max: u32,
    /// Whether it takes signatures.
    pub open: bool,
}

/// What an organiser typed for a campaign.
#[derive(Debug, Clone, Default)]
pub struct EactionInput<'a> {
    /// `email` or `petition`.
    pub kind: &'a str,
    /// Title.
    pub title: &'a str,
    /// Email subject.
    pub subject: &'a str,
    /// Letter or statement.
    pub body: &'a str,
    /// `each-signature`, `daily-digest` or `count-only`.
    pub delivery: &'a str,
    /// Hourly limit per target (each-signature only).
    pub per_hour: u32,
    /// Confirm supporters' email addresses first.
    pub confirm_email: bool,
    /// Own words limit.
    pub own_words_max: u32,
    /// Open for signatures.
    pub open: bool,
}

impl NewEaction {
    /// Checks what an organiser typed.
    pub fn parse(input: &EactionInput<'_>) -> Result<NewEaction, EactionError> {
        use crate::disputes::Named;
        let kind = ActionKind::parse(input.kind).ok_or_else(|| {
            refuse(
                "kind",
                format!(
                    "Choose what sort of campaign this is: {}.",
                    ActionKind::expected()
                ),
            )
        })?;
        let title = typed("title", "The title", TextKind::Name, input.title, MAX_TITLE)?;
        if title.is_empty() {
            return Err(refuse(
                "title",
                "Give the campaign a title, e.g. \"Write to the Chief Executive\".",
            ));
        }
        let body_label = match kind {
            ActionKind::Email => "The letter",
            ActionKind::Petition => "The statement",
        };
        let body = typed(
            "body",
            body_label,
            TextKind::MultiLine,
            input.body,
            MAX_BODY,
        )?;
        if body.is_empty() {
            return Err(refuse(
                "body",
                format!("{body_label} is empty: write what supporters put their name to."),
            ));
        }
        if input.own_words_max > MAX_OWN_WORDS_LIMIT {
            return Err(refuse(
                "own_words_max",
                format!("Supporters' own words can be limited to at most {MAX_OWN_WORDS_LIMIT} characters."),
            ));
        }
        let (subject, delivery) = match kind {
            ActionKind::Petition => (String::new(), Delivery::CountOnly),
            ActionKind::Email => {
                let subject = typed(
                    "subject",
                    "The subject",
                    TextKind::SingleLine,
                    input.subject,
                    MAX_SUBJECT,
                )?;
                if subject.is_empty() {
                    return Err(refuse("subject", "Give the email a subject line."));
                }
                check_letter("subject", &subject)?;
                check_letter("body", &body)?;
                let delivery_kind = DeliveryKind::parse(input.delivery).ok_or_else(|| {
                    refuse(
                        "delivery",
                        format!(
                            "Choose how the letters are delivered: {}.",
                            DeliveryKind::expected()
                        ),
                    )
                })?;
                (subject, Delivery::new(delivery_kind, input.per_hour)?)
            }
        };
        Ok(NewEaction {
            kind,
            title,
            subject,
            body,
            delivery,
            confirm_email: input.confirm_email,
            own_words_max: input.own_words_max,
            open: input.open,
        })
    }
}

/// A target of a campaign: a decision-maker of the dispute, or someone added for this campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewTarget {
    /// Their name, e.g. "Dr Jo Bloggs".
    pub name: String,
    /// Their role, e.g. "Chief Executive".
    pub role: String,
    /// Where their letters go (needed when the campaign sends email).
    pub email: Option<Email>,
}

impl NewTarget {
    /// Checks a target for a campaign delivered by `delivery`.
    pub fn parse(
        name: &str,
        role: &str,
        email: &str,
        delivery: Delivery,
    ) -> Result<NewTarget, EactionError> {
        let name = typed(
            "target_name",
            "The target's name",
            TextKind::Name,
            name,
            MAX_TARGET,
        )?;
        if name.is_empty() {
            return Err(refuse("target_name", "Name the person the letters go to."));
        }
        let role = typed(
            "target_role",
            "The target's role",
            TextKind::SingleLine,
            role,
            MAX_TARGET,
        )?;
        let email = match email.trim() {
            "" => None,
            e => Some(
                e.parse::<Email>()
                    .map_err(|e| refuse("target_email", format!("The target's {e}.")))?,
            ),
        };
        if email.is_none() && delivery.sends_email() {
            return Err(refuse(
                "target_email",
                "This campaign emails its targets: give the target's email address, or choose \"count only\".",
            ));
        }
        Ok(NewTarget { name, role, email })
    }
}

/// A supporter's signature, checked.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Signer {
    /// Their name as they gave it.
    pub name: String,
    /// Their email address.
    pub email: Email,
    /// Their postcode.
    pub postcode: Postcode,
    /// Their own words (empty when none).
    pub own_words: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A supporter's details stay out of logs and panics.
        f.debug_struct("Signer").finish_non_exhaustive()
    }
}

impl Signer {
    /// Checks what a supporter typed for a campaign that allows `own_words_max` characters of
    /// their own words (0: none).
    pub fn parse(
        name: &str,
        email: &str,
        postcode: &str,
        own_words: &str,
        own_words_max: u32,
    ) -> Result<Signer, EactionError> {
        let name = typed("name", "Your name", TextKind::Name, name, MAX_NAME)?;
        if name.is_empty() {
            return Err(refuse("name", "Please give your name."));
        }
        if email.trim().is_empty() {
            return Err(refuse("email", "Please give your email address."));
        }
        let email: Email = email.parse().map_err(|_| {
            refuse("email", "That is not an email address: it needs one @ with text either side and a dot after it, like jo@example.org.")
        })?;
        if postcode.trim().is_empty() {
            return Err(refuse("postcode", "Please give your postcode."));
        }
        let postcode: Postcode = postcode.parse().map_err(|_| {
            refuse(
                "postcode",
                "That is not a UK postcode: write it like SW1A 1AA or M1 1AE.",
            )
        })?;
        let max = own_words_max as usize;
        let own_words = typed(
            "own_words",
            "Your own words",
            TextKind::MultiLine,
            own_words,
            max.max(1),
        )
        .map_err(|e| {
            if max == 0 {
                refuse(
                    "own_words",
                    "This campaign does not take your own words: leave that box empty.",
                )
            } else {
                e
            }
        })?;
        if max == 0 && !own_words.is_empty() {
            return Err(refuse(
                "own_words",
                "This campaign does not take your own words: leave that box empty.",
            ));
        }
        Ok(Signer {
            name,
            email,
            postcode,
            own_words,
        })
    }

    /// The key one email signs a campaign under: the whole address in lower case, so
    /// `Jo@Example.org` and `jo@example.org` sign once between them.
    pub fn email_key(&self) -> String {
        email_key(&self.email)
    }
}

/// The key an address signs under (see [`Signer::email_key`]).
pub fn email_key(email: &Email) -> String {
    email.as_str().to_lowercase()
}

/// A target's reply to a campaign, as an organiser records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetReply {
    /// The day it arrived.
    pub received_on: NaiveDate,
    /// What it says, in a line or two.
    pub summary: String,
    /// The letter itself, as text (may be empty).
    pub text: String,
}

impl TargetReply {
    /// Checks a reply to a campaign that opened on `opened_on`.
    pub fn parse(
        received_on: NaiveDate,
        summary: &str,
        text: &str,
        opened_on: NaiveDate,
    ) -> Result<TargetReply, EactionError> {
        if received_on < opened_on {
            return Err(refuse(
                "received_on",
                format!(
                    "The reply is dated {}, before the campaign began on {}: check the date.",
                    long_date(received_on),
                    long_date(opened_on)
                ),
            ));
        }
        let summary = typed(
            "summary",
            "The summary",
            TextKind::MultiLine,
            summary,
            MAX_REPLY_SUMMARY,
        )?;
        if summary.is_empty() {
            return Err(refuse("summary", "Say in a line what the reply says."));
        }
        let text = typed(
            "text",
            "The reply's text",
            TextKind::MultiLine,
            text,
            MAX_REPLY_TEXT,
        )?;
        Ok(TargetReply {
            received_on,
            summary,
            text,
        })
    }
}

/// The sentence a public page shows for a target that has not replied: "The Chief Executive
/// has not replied after 12 days." (`None` on the day the campaign opened.)
pub fn no_reply_sentence(target: &str, opened_on: NaiveDate, today: NaiveDate) -> Option<String> {
    let days = (today - opened_on).num_days();
    match days {
        ..=0 => None,
        1 => Some(format!("{target} has not replied after 1 day.")),
        n => Some(format!("{target} has not replied after {n} days.")),
    }
}

/// A date as people read it: "1 May 2024".
pub fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}
