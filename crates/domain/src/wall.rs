//! The solidarity wall: who may post what, and the spam defences that need no third party.
//!
//! Everything a poster types is kept and shown as plain text. Validation names the field to
//! fix; the spam checks are pure functions over the submission and the limits in settings.

use crate::money::Pence;
use crate::text::{self, TextKind};
use crate::values::Email;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Who a supporter says they are; the wall can be filtered by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SenderKind {
    /// A union branch, region or national body.
    UnionBody,
    /// An MP, peer or councillor.
    Politician,
    /// A local resident.
    Resident,
    /// Someone who uses the service, or cares for someone who does.
    ServiceUser,
    /// A worker elsewhere.
    Worker,
    /// Anyone else.
    Other,
}

impl SenderKind {
    /// Every kind, in the order the form lists them.
    pub const ALL: [SenderKind; 6] = [
        SenderKind::UnionBody,
        SenderKind::Politician,
        SenderKind::Resident,
        SenderKind::ServiceUser,
        SenderKind::Worker,
        SenderKind::Other,
    ];

    /// The stable name stored and used in URLs and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            SenderKind::UnionBody => "union-body",
            SenderKind::Politician => "politician",
            SenderKind::Resident => "resident",
            SenderKind::ServiceUser => "service-user",
            SenderKind::Worker => "worker",
            SenderKind::Other => "other",
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            SenderKind::UnionBody => "Branch or union body",
            SenderKind::Politician => "MP, peer or councillor",
            SenderKind::Resident => "Resident",
            SenderKind::ServiceUser => "Service user or carer",
            SenderKind::Worker => "Worker elsewhere",
            SenderKind::Other => "Other",
        }
    }
}

impl fmt::Display for SenderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SenderKind {
    type Err = WallError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SenderKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| WallError::Invalid {
                field: "kind",
                message: format!(
                    "`{}` is not a kind of supporter: choose one of union-body, politician, resident, service-user, worker, other",
                    s.trim()
                ),
            })
    }
}

/// What a supporter offers beside their message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Pledge {
    /// A donation of this amount.
    Donation {
        /// The amount (stored and sent as integer pence).
        pence: Pence,
    },
    /// An invitation to send a speaker.
    Speaker,
    /// A banner for the picket line.
    Banner,
    /// A visit to the picket line.
    Visit,
}

impl Pledge {
    /// The stable name stored.
    pub fn kind(&self) -> &'static str {
        match self {
            Pledge::Donation { .. } => "donation",
            Pledge::Speaker => "speaker",
            Pledge::Banner => "banner",
            Pledge::Visit => "visit",
        }
    }

    /// Rebuilds a pledge from its stored kind and amount.
    pub fn from_parts(kind: &str, pence: Option<i64>) -> Option<Pledge> {
        match kind {
            "donation" => Some(Pledge::Donation {
                pence: Pence::from_pence(pence.unwrap_or(0)),
            }),
            "speaker" => Some(Pledge::Speaker),
            "banner" => Some(Pledge::Banner),
            "visit" => Some(Pledge::Visit),
            _ => None,
        }
    }
}

/// A wall post as submitted, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct WallSubmission {
    /// The poster's name.
    pub name: String,
    /// Their organisation, if any.
    pub organisation: Option<String>,
    /// Who they are (a [`SenderKind`] name).
    pub kind: String,
    /// The message.
    pub message: String,
    /// Their email, never shown.
    pub email: Option<String>,
    /// The pledge kind: `donation`, `speaker`, `banner`, `visit`, or empty.
    pub pledge: Option<String>,
    /// A donation amount in pounds, as typed (e.g. `25` or `12.50`).
    pub pledge_amount: Option<String>,
    /// Consent to be contacted about the pledge.
    pub consent: bool,
}

/// A validated wall post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WallPost {
    /// Name, trimmed.
    pub name: String,
    /// Organisation, trimmed, if given.
    pub organisation: Option<String>,
    /// Who they are.
    pub kind: SenderKind,
    /// Message, trimmed.
    pub message: String,
    /// Email, if given.
    pub email: Option<Email>,
    /// Pledge, if any.
    pub pledge: Option<Pledge>,
    /// Whether they agreed to be contacted.
    pub consent: bool,
}

/// Limits on public posting, from settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WallLimits {
    /// Longest message, in characters.
    pub max_message_chars: usize,
    /// Most links a message may hold.
    pub max_links: usize,
    /// Fewest seconds between showing the form and posting it (faster is a robot).
    pub min_fill_secs: i64,
}

impl Default for WallLimits {
    fn default() -> Self {
        Self {
            max_message_chars: 3000,
            max_links: 2,
            min_fill_secs: 3,
        }
    }
}

/// Why a post was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WallError {
    /// A field is wrong; the message says how to fix it.
    #[error("{message}")]
    Invalid {
        /// The field at fault.
        field: &'static str,
        /// What to fix.
        message: String,
    },
    /// It looks automated (honeypot filled, posted too fast): accepted quietly, never shown.
    #[error("automated posting")]
    Spam,
}

fn invalid(field: &'static str, message: impl Into<String>) -> WallError {
    WallError::Invalid {
        field,
        message: message.into(),
    }
}

/// Checks a typed field with the one text rule for its kind, naming the field.
fn typed(
    field: &'static str,
    label: &str,
    kind: TextKind,
    value: &str,
    max: usize,
) -> Result<String, WallError> {
    text::check(kind, value, max).map_err(|e| invalid(field, e.message(label)))
}

/// A message's text, from a poster or a moderator's correction: not empty, several lines
/// allowed, no control characters, at most the limit.
fn message_text(message: &str, limits: &WallLimits) -> Result<String, WallError> {
    let message = typed(
        "message",
        "The message",
        TextKind::MultiLine,
        message,
        usize::MAX,
    )?;
    if message.is_empty() {
        return Err(invalid("message", "Write a message of support."));
    }
    let chars = message.chars().count();
    if chars > limits.max_message_chars {
        return Err(invalid(
            "message",
            format!(
                "The message is {chars} characters; the most is {}. Shorten it a little.",
                limits.max_message_chars
            ),
        ));
    }
    Ok(message)
}

/// A moderator's corrected message: the same rules as a poster's message, reported under the
/// field `text`.
pub fn edited_message(text: &str, limits: &WallLimits) -> Result<String, WallError> {
    if text.trim().is_empty() {
        return Err(invalid("text", "Give the corrected message."));
    }
    message_text(text, limits).map_err(|e| match e {
        WallError::Invalid { message, .. } => invalid("text", message),
        other => other,
    })
}

fn optional(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// Counts links (`http://`, `https://`, `www.`) in a text.
pub fn count_links(text: &str) -> usize {
    let lower = text.to_lowercase();
    ["http://", "https://", "www."]
        .iter()
        .map(|p| lower.matches(p).count())
        .sum::<usize>()
        .saturating_sub(
            lower.matches("http://www.").count() + lower.matches("https://www.").count(),
        )
}

/// Validates a submission. `honeypot` is the hidden field robots fill; `fill_secs` is how long
/// the form was open (None from the API, which has no form).
pub fn validate(
    submission: &WallSubmission,
    honeypot: Option<&str>,
    fill_secs: Option<i64>,
    limits: &WallLimits,
) -> Result<WallPost, WallError> {
    if honeypot.is_some_and(|h| !h.trim().is_empty()) {
        return Err(WallError::Spam);
    }
    if fill_secs.is_some_and(|s| s < limits.min_fill_secs) {
        return Err(WallError::Spam);
    }
    let name = typed("name", "Your name", TextKind::Name, &submission.name, 100)?;
    if name.is_empty() {
        return Err(invalid(
            "name",
            "Give your name (or your branch's, or your organisation's).",
        ));
    }
    let organisation = typed(
        "organisation",
        "The organisation",
        TextKind::Name,
        submission.organisation.as_deref().unwrap_or_default(),
        150,
    )?;
    let organisation = Some(organisation).filter(|o| !o.is_empty());
    let kind: SenderKind = submission.kind.parse()?;
    let message = message_text(&submission.message, limits)?;
    let links = count_links(&message);
    if links > limits.max_links {
        return Err(invalid(
            "message",
            format!(
                "The message has {links} links; at most {} are allowed.",
                limits.max_links
            ),
        ));
    }
    let email = match optional(submission.email.as_deref()) {
        Some(e) => Some(
            e.parse::<Email>()
                .map_err(|err| invalid("email", err.to_string()))?,
        ),
        None => None,
    };
    let pledge = match optional(submission.pledge.as_deref()).as_deref() {
        None | Some("none") => None,
        Some("donation") => {
            let typed = optional(submission.pledge_amount.as_deref()).ok_or_else(|| {
                invalid(
                    "pledge_amount",
                    "Say how much you would like to donate, in pounds.",
                )
            })?;
            let pence = Pence::parse(&typed)
                .ok()
                .filter(|p| (100..=100_000_000).contains(&p.pence()))
                .ok_or_else(|| {
                    invalid(
                        "pledge_amount",
                        "Give the amount in pounds, between £1 and £1,000,000, like 25 or 12.50.",
                    )
                })?;
            Some(Pledge::Donation { pence })
        }
        Some(other) => Some(Pledge::from_parts(other, None).ok_or_else(|| {
            invalid(
                "pledge",
                format!("`{other}` is not a pledge: choose donation, speaker, banner or visit"),
            )
        })?),
    };
    if pledge.is_some() && (!submission.consent || email.is_none()) {
        return Err(invalid(
            "consent",
            "To follow up your offer we need your email and your consent to contact you about it.",
        ));
    }
    Ok(WallPost {
        name,
        organisation,
        kind,
        message,
        email,
        pledge,
        consent: submission.consent,
    })
}

/// The text a duplicate is recognised by: the message lower-cased with runs of white space
/// and punctuation folded, so re-posting the same words with other spacing is caught.
pub fn duplicate_key(message: &str) -> String {
    message
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests;
