//! A member's own access to their record: sign-in links, the state of a link, the typed
//! confirmation an organiser gives before erasing a record, and how an erased record reads.
//!
//! Pure rules; the store keeps the links (by hash) and the web layer sends them.

use crate::{MemberId, UserId};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Where a sign-in link stands when someone follows or uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    /// Not used and not expired: it may be used once.
    Usable,
    /// Already used: a link signs in once only.
    Used,
    /// Past its expiry.
    Expired,
}

impl LinkState {
    /// The state of a link that expires at `expires_at` and was used at `used_at`, at `now`.
    /// A used link stays "used" after it would have expired, which is the more useful answer.
    pub fn of(
        expires_at: DateTime<Utc>,
        used_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Self {
        match used_at {
            Some(_) => LinkState::Used,
            None if now >= expires_at => LinkState::Expired,
            None => LinkState::Usable,
        }
    }

    /// Why a link that is not usable was refused, in words for the member.
    pub fn refusal(self) -> &'static str {
        match self {
            LinkState::Usable => "",
            LinkState::Used => {
                "This sign-in link has already been used. Each link works once: ask for a new one below."
            }
            LinkState::Expired => {
                "This sign-in link has expired. Links work for a short time only: ask for a new one below."
            }
        }
    }
}

/// The words an organiser types to confirm erasing member `id`.
pub fn erasure_phrase(id: MemberId) -> String {
    format!("erase member {id}")
}

/// Whether `typed` confirms erasing member `id` (case and surrounding space ignored, inner
/// runs of space treated as one).
pub fn erasure_confirmed(typed: &str, id: MemberId) -> bool {
    let typed = typed.split_whitespace().collect::<Vec<_>>().join(" ");
    typed.eq_ignore_ascii_case(&erasure_phrase(id))
}

/// The name an erased record carries instead of the person's.
pub fn erased_name(id: MemberId) -> String {
    format!("Erased member #{id}")
}

/// The sign-in address an account keeps after its owner's record is erased: unique, and in
/// the reserved `.invalid` domain, so it can never receive mail or match a real address.
pub fn erased_account_email(user_id: UserId) -> String {
    format!("erased-{user_id}@erased.invalid")
}

/// The longest reason an organiser may give for reading, exporting or erasing a record.
pub const MAX_REASON_CHARS: usize = 500;

/// A reason given for reading, exporting or erasing a member's record: trimmed, required,
/// at most [`MAX_REASON_CHARS`] characters.
pub fn reason(text: &str) -> Result<String, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Give a reason: it is kept in the audit log.");
    }
    if text.chars().count() > MAX_REASON_CHARS {
        return Err("Keep the reason to 500 characters.");
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_link_is_usable_once_and_until_it_expires() {
        let now = Utc::now();
        let later = now + Duration::minutes(30);
        assert_eq!(LinkState::of(later, None, now), LinkState::Usable);
        assert_eq!(LinkState::of(now, None, now), LinkState::Expired);
        assert_eq!(
            LinkState::of(now - Duration::seconds(1), None, now),
            LinkState::Expired
        );
        assert_eq!(LinkState::of(later, Some(now), now), LinkState::Used);
        assert_eq!(
            LinkState::of(
                now - Duration::hours(1),
                Some(now - Duration::hours(2)),
                now
            ),
            LinkState::Used
        );
        assert!(LinkState::Used.refusal().contains("already been used"));
        assert!(LinkState::Expired.refusal().contains("expired"));
    }

    #[test]
    fn erasure_needs_the_exact_words_for_that_member() {
        let id = MemberId(42);
        assert!(erasure_confirmed("erase member 42", id));
        assert!(erasure_confirmed("  ERASE   Member 42 ", id));
        assert!(!erasure_confirmed("erase member 4", id));
        assert!(!erasure_confirmed("erase member 421", id));
        assert!(!erasure_confirmed("erase", id));
        assert!(!erasure_confirmed("", id));
        assert_eq!(erased_name(MemberId(7)), "Erased member #7");
        assert!(erased_account_email(UserId(3)).ends_with(".invalid"));
    }

    #[test]
    fn reasons_are_required_and_bounded() {
        assert_eq!(reason("  member asked  ").unwrap(), "member asked");
        assert!(reason("   ").is_err());
        assert!(reason(&"x".repeat(501)).is_err());
        assert!(reason(&"é".repeat(500)).is_ok());
    }
}
