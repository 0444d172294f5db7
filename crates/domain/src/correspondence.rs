//! The correspondence log: letters and emails to and from anyone a dispute concerns (the
//! employer, a regulator, an agency, councillors, MPs), how each went, whether it arrived, and
//! the day a reply is due.

use crate::disputes::Named;
use crate::eactions::long_date;
use crate::text::{self, TextKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Longest name of the person or body written to or from.
pub const MAX_COUNTERPART: usize = 150;
/// Longest subject.
pub const MAX_SUBJECT: usize = 200;
/// Longest proof of delivery (a tracking number, "signed for by …").
pub const MAX_PROOF: usize = 300;
/// Longest notes.
pub const MAX_NOTES: usize = 5_000;

/// Which way a letter went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Sent by the branch.
    Sent,
    /// Received by the branch.
    Received,
}

impl Named for Direction {
    const ALL: &'static [Self] = &[Self::Sent, Self::Received];
    fn as_str(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Received => "received",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Sent => "Sent",
            Self::Received => "Received",
        }
    }
}

/// How a letter went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    /// By email.
    Email,
    /// By ordinary post.
    Letter,
    /// By registered (signed-for) post.
    RegisteredPost,
    /// Delivered by hand.
    ByHand,
}

impl Named for Channel {
    const ALL: &'static [Self] = &[
        Self::Email,
        Self::Letter,
        Self::RegisteredPost,
        Self::ByHand,
    ];
    fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Letter => "letter",
            Self::RegisteredPost => "registered-post",
            Self::ByHand => "by-hand",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Email => "Email",
            Self::Letter => "Letter",
            Self::RegisteredPost => "Registered post",
            Self::ByHand => "By hand",
        }
    }
}

/// Where a letter stands, as recorded. "Overdue" is not recorded: it is
/// [`LetterStatus::Awaiting`] past the reply-by date (see [`shown_status`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LetterStatus {
    /// Waiting for a reply (or for nothing, when none is asked for).
    Awaiting,
    /// Answered.
    Answered,
    /// Refused at reception: never taken in.
    RefusedAtReception,
    /// Returned undelivered.
    Returned,
}

impl Named for LetterStatus {
    const ALL: &'static [Self] = &[
        Self::Awaiting,
        Self::Answered,
        Self::RefusedAtReception,
        Self::Returned,
    ];
    fn as_str(self) -> &'static str {
        match self {
            Self::Awaiting => "awaiting",
            Self::Answered => "answered",
            Self::RefusedAtReception => "refused-at-reception",
            Self::Returned => "returned",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Awaiting => "Awaiting reply",
            Self::Answered => "Answered",
            Self::RefusedAtReception => "Refused at reception",
            Self::Returned => "Returned",
        }
    }
}

/// Where a letter stands as shown on the desk: its recorded status, or overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShownStatus {
    /// As recorded.
    Recorded(LetterStatus),
    /// Awaiting a reply after its reply-by date.
    Overdue,
}

impl ShownStatus {
    /// A name for people.
    pub fn label(self) -> &'static str {
        match self {
            ShownStatus::Recorded(s) => s.label(),
            ShownStatus::Overdue => "Overdue",
        }
    }
}

/// A letter still awaiting a reply is overdue once its reply-by date has passed (on the day
/// after it).
pub fn shown_status(
    status: LetterStatus,
    reply_by: Option<NaiveDate>,
    today: NaiveDate,
) -> ShownStatus {
    match (status, reply_by) {
        (LetterStatus::Awaiting, Some(by)) if today > by => ShownStatus::Overdue,
        (s, _) => ShownStatus::Recorded(s),
    }
}

/// A letter refused, naming the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct LetterError {
    /// The field at fault.
    pub field: &'static str,
    /// What to fix.
    pub message: String,
}

fn refuse(field: &'static str, message: impl Into<String>) -> LetterError {
    LetterError {
        field,
        message: message.into(),
    }
}

fn typed(
    field: &'static str,
    label: &str,
    kind: TextKind,
    value: &str,
    max: usize,
) -> Result<String, LetterError> {
    text::check(kind, value, max).map_err(|e| refuse(field, e.message(label)))
}

/// A letter or email for the log, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewLetter {
    /// Sent or received.
    pub direction: Direction,
    /// Who it went to or came from, e.g. "Care Quality Commission".
    pub counterpart: String,
    /// What it is about.
    pub subject: String,
    /// How it went.
    pub channel: Channel,
    /// The day it was sent.
    pub sent_on: NaiveDate,
    /// Proof of delivery, if any (a tracking number, who signed for it).
    pub proof: String,
    /// The day a reply is due, if one is asked for.
    pub reply_by: Option<NaiveDate>,
    /// Where it stands.
    pub status: LetterStatus,
    /// Notes, or the letter's text.
    pub notes: String,
}

/// What an organiser typed for a letter.
#[derive(Debug, Clone, Default)]
pub struct LetterInput<'a> {
    /// `sent` or `received`.
    pub direction: &'a str,
    /// Who.
    pub counterpart: &'a str,
    /// About what.
    pub subject: &'a str,
    /// `email`, `letter`, `registered-post` or `by-hand`.
    pub channel: &'a str,
    /// Sent on.
    pub sent_on: Option<NaiveDate>,
    /// Proof of delivery.
    pub proof: &'a str,
    /// Reply due by.
    pub reply_by: Option<NaiveDate>,
    /// `awaiting` unless given.
    pub status: &'a str,
    /// Notes.
    pub notes: &'a str,
}

impl NewLetter {
    /// Checks what an organiser typed.
    pub fn parse(input: &LetterInput<'_>) -> Result<NewLetter, LetterError> {
        let direction = Direction::parse(input.direction)
            .ok_or_else(|| refuse("direction", "Say whether the letter was sent or received."))?;
        let counterpart = typed(
            "counterpart",
            "Who it went to or came from",
            TextKind::Name,
            input.counterpart,
            MAX_COUNTERPART,
        )?;
        if counterpart.is_empty() {
            return Err(refuse(
                "counterpart",
                "Say who the letter went to or came from.",
            ));
        }
        let subject = typed(
            "subject",
            "The subject",
            TextKind::SingleLine,
            input.subject,
            MAX_SUBJECT,
        )?;
        if subject.is_empty() {
            return Err(refuse(
                "subject",
                "Say in a few words what the letter is about.",
            ));
        }
        let channel = Channel::parse(input.channel).ok_or_else(|| {
            refuse(
                "channel",
                "Say how it went: email, letter, registered post or by hand.",
            )
        })?;
        let sent_on = input
            .sent_on
            .ok_or_else(|| refuse("sent_on", "Give the day it was sent, e.g. 1 May 2024."))?;
        if let Some(by) = input.reply_by {
            if by < sent_on {
                return Err(refuse(
                    "reply_by",
                    format!(
                        "The reply-by date, {}, is before the day the letter was sent, {}: give a later date, or none.",
                        long_date(by),
                        long_date(sent_on)
                    ),
                ));
            }
        }
        let proof = typed(
            "proof",
            "The proof of delivery",
            TextKind::SingleLine,
            input.proof,
            MAX_PROOF,
        )?;
        let status = match input.status.trim() {
            "" => LetterStatus::Awaiting,
            s => LetterStatus::parse(s).ok_or_else(|| {
                refuse(
                    "status",
                    "Choose where it stands: awaiting, answered, refused at reception or returned.",
                )
            })?,
        };
        let notes = typed(
            "notes",
            "The notes",
            TextKind::MultiLine,
            input.notes,
            MAX_NOTES,
        )?;
        Ok(NewLetter {
            direction,
            counterpart,
            subject,
            channel,
            sent_on,
            proof,
            reply_by: input.reply_by,
            status,
            notes,
        })
    }
}

/// The reminder an organiser gets when a letter's reply-by date has passed.
pub fn overdue_reminder(
    counterpart: &str,
    subject: &str,
    sent_on: NaiveDate,
    reply_by: NaiveDate,
) -> (String, String) {
    (
        format!("No reply yet from {counterpart}"),
        format!(
            "The letter \"{subject}\" sent to {counterpart} on {} asked for a reply by {}, and none is recorded.\n\n\
             If a reply came, record it on the correspondence log; if not, it is now on the desk's overdue list.\n",
            long_date(sent_on),
            long_date(reply_by)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn input<'a>() -> LetterInput<'a> {
        LetterInput {
            direction: "sent",
            counterpart: "Care Quality Commission",
            subject: "Unsafe caseloads in the mental health service",
            channel: "registered-post",
            sent_on: Some(day(2024, 5, 3)),
            proof: "Tracking AB123456789GB",
            reply_by: Some(day(2024, 5, 31)),
            status: "",
            notes: "",
        }
    }

    #[test]
    fn a_letter_is_checked_and_kept() {
        let l = NewLetter::parse(&input()).unwrap();
        assert_eq!(l.channel, Channel::RegisteredPost);
        assert_eq!(l.status, LetterStatus::Awaiting);
        assert_eq!(l.direction, Direction::Sent);
    }

    #[test]
    fn a_reply_by_date_before_the_sent_date_is_refused() {
        let err = NewLetter::parse(&LetterInput {
            reply_by: Some(day(2024, 5, 2)),
            ..input()
        })
        .unwrap_err();
        assert_eq!(err.field, "reply_by");
        assert_eq!(
            err.message,
            "The reply-by date, 2 May 2024, is before the day the letter was sent, 3 May 2024: give a later date, or none."
        );
        assert!(NewLetter::parse(&LetterInput {
            reply_by: Some(day(2024, 5, 3)),
            ..input()
        })
        .is_ok());
    }

    #[test]
    fn other_mistakes_name_their_field() {
        for (typed, field) in [
            (
                LetterInput {
                    direction: "sideways",
                    ..input()
                },
                "direction",
            ),
            (
                LetterInput {
                    counterpart: "",
                    ..input()
                },
                "counterpart",
            ),
            (
                LetterInput {
                    subject: "a\nb",
                    ..input()
                },
                "subject",
            ),
            (
                LetterInput {
                    channel: "fax",
                    ..input()
                },
                "channel",
            ),
            (
                LetterInput {
                    sent_on: None,
                    ..input()
                },
                "sent_on",
            ),
            (
                LetterInput {
                    status: "lost",
                    ..input()
                },
                "status",
            ),
        ] {
            assert_eq!(NewLetter::parse(&typed).unwrap_err().field, field);
        }
    }

    #[test]
    fn awaiting_past_the_reply_by_date_is_overdue() {
        let by = Some(day(2024, 5, 31));
        assert_eq!(
            shown_status(LetterStatus::Awaiting, by, day(2024, 5, 31)),
            ShownStatus::Recorded(LetterStatus::Awaiting)
        );
        assert_eq!(
            shown_status(LetterStatus::Awaiting, by, day(2024, 6, 1)),
            ShownStatus::Overdue
        );
        assert_eq!(ShownStatus::Overdue.label(), "Overdue");
        assert_eq!(
            shown_status(LetterStatus::RefusedAtReception, by, day(2024, 6, 1)),
            ShownStatus::Recorded(LetterStatus::RefusedAtReception)
        );
        assert_eq!(
            shown_status(LetterStatus::Awaiting, None, day(2030, 1, 1)),
            ShownStatus::Recorded(LetterStatus::Awaiting)
        );
    }

    #[test]
    fn the_reminder_uses_long_dates() {
        let (subject, body) = overdue_reminder(
            "Care Quality Commission",
            "Caseloads",
            day(2024, 5, 3),
            day(2024, 5, 31),
        );
        assert_eq!(subject, "No reply yet from Care Quality Commission");
        assert!(
            body.contains("on 3 May 2024") && body.contains("by 31 May 2024"),
            "{body}"
        );
    }
}
