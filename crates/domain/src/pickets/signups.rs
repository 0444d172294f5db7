//! Signing up for a picket shift: who (a member by their record, or a supporter by name with a
//! phone number or an email address, no account), and why a sign-up can be refused.

use crate::members::Phone;
use crate::text::{self, TextKind};
use crate::values::Email;
use serde::Serialize;

/// Longest name of a supporter or walk-up.
pub const MAX_NAME: usize = 120;

/// A supporter's sign-up details, checked.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Supporter {
    /// Their name.
    pub name: String,
    /// Their email address, if given.
    pub email: Option<Email>,
    /// Their phone number, if given.
    pub phone: Option<Phone>,
}

impl std::fmt::Debug for Supporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Personal data stays out of logs and panics.
        f.debug_struct("Supporter").finish_non_exhaustive()
    }
}

/// A sign-up refused before it reached the rota, naming the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SignUpError {
    /// `name`, `email` or `phone`.
    pub field: &'static str,
    /// What to fix.
    pub message: String,
}

fn refuse(field: &'static str, message: impl Into<String>) -> SignUpError {
    SignUpError {
        field,
        message: message.into(),
    }
}

/// Checks a name typed for a supporter or a walk-up.
pub fn person_name(raw: &str) -> Result<String, SignUpError> {
    let name = text::check(TextKind::Name, raw, MAX_NAME)
        .map_err(|e| refuse("name", e.message("The name")))?;
    if name.is_empty() {
        return Err(refuse(
            "name",
            "Give a name, so the rep on the line knows who to expect.",
        ));
    }
    Ok(name)
}

impl Supporter {
    /// Checks what a supporter typed: a name, and a phone number or an email address (or
    /// both), so the rota can reach them if the shift is moved or cancelled.
    pub fn parse(name: &str, email: &str, phone: &str) -> Result<Supporter, SignUpError> {
        let name = person_name(name)?;
        let email = match email.trim() {
            "" => None,
            s => Some(s.parse::<Email>().map_err(|_| {
                refuse(
                    "email",
                    "That email address does not look right: check it, e.g. name@example.org.",
                )
            })?),
        };
        let phone = match phone.trim() {
            "" => None,
            s => Some(s.parse::<Phone>().map_err(|_| {
                refuse(
                    "phone",
                    "That phone number does not look right: give 7 to 15 digits, e.g. 07700 900123.",
                )
            })?),
        };
        if email.is_none() && phone.is_none() {
            return Err(refuse(
                "email",
                "Give a phone number or an email address, so we can tell you if the shift is moved or cancelled.",
            ));
        }
        Ok(Supporter { name, email, phone })
    }
}

/// Where a sign-up left the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// A place on the shift.
    Taken,
    /// On the waiting list; moved up when someone cancels.
    Waiting,
}

/// Why the rota refused a sign-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum SignUpRefusal {
    /// Every place is taken and the person did not ask for the waiting list.
    #[error("This shift is full. Join its waiting list, or choose another shift.")]
    Full,
    /// The shift has started (or is over).
    #[error(
        "This shift has already started, so it no longer takes sign-ups: choose a later shift."
    )]
    Started,
    /// The person is already signed up (or waiting) for this shift.
    #[error("You are already signed up for this shift.")]
    Duplicate,
    /// The shift was cancelled.
    #[error("This shift was cancelled: choose another shift.")]
    Cancelled,
    /// A supporter asked for a shift that is for members only.
    #[error("This shift is for members only: choose a shift open to supporters.")]
    MembersOnly,
}

impl SignUpRefusal {
    /// The machine code for the API.
    pub fn code(self) -> &'static str {
        match self {
            SignUpRefusal::Full => "shift_full",
            SignUpRefusal::Started => "shift_started",
            SignUpRefusal::Duplicate => "already_signed_up",
            SignUpRefusal::Cancelled => "shift_cancelled",
            SignUpRefusal::MembersOnly => "members_only",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_supporter_needs_a_name_and_a_way_to_be_reached() {
        let s = Supporter::parse(" Sam ", "sam@example.org", "").unwrap();
        assert_eq!(s.name, "Sam");
        assert!(s.phone.is_none());
        assert!(Supporter::parse("Sam", "", "07700 900123").is_ok());
        let none = Supporter::parse("Sam", " ", "").unwrap_err();
        assert_eq!(none.field, "email");
        assert!(none.message.contains("phone number or an email address"));
        assert_eq!(
            Supporter::parse("", "a@b.org", "").unwrap_err().field,
            "name"
        );
        assert_eq!(
            Supporter::parse("Sam", "nope", "").unwrap_err().field,
            "email"
        );
        assert_eq!(
            Supporter::parse("Sam", "", "12").unwrap_err().field,
            "phone"
        );
        assert!(!format!("{s:?}").contains("Sam"));
    }

    #[test]
    fn refusals_say_what_to_do() {
        assert!(SignUpRefusal::Full.to_string().contains("waiting list"));
        assert_eq!(SignUpRefusal::Started.code(), "shift_started");
    }
}
