//! The one error type of the mail layer, and what it means for retries.

/// Why a message was not sent (or a mailer not built).
///
/// Messages never contain a full address or body: addresses are redacted with
/// [`redact_address`](crate::redact_address), so the error can be logged as it is.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// An address field (`to`, `reply_to` or the configured `from`) is not a valid mailbox.
    #[error("invalid `{field}` address {redacted}: {reason}")]
    InvalidAddress {
        /// Which field: `"to"`, `"reply_to"` or `"from"`.
        field: &'static str,
        /// The address, redacted.
        redacted: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A temporary failure (connection refused, timeout, TLS, 4xx reply, authentication):
    /// try again later.
    #[error("mail transport failed (will retry): {0}")]
    Transport(String),
    /// The connection broke, or went quiet, after the conversation with the server began: it
    /// may have taken the message before it went. Worth retrying for most email; an email
    /// that must never arrive twice is given up instead (see [`MailError::may_have_arrived`]).
    #[error("the connection to the mail server broke during the send: {0}")]
    Interrupted(String),
    /// The server refused this message for good (a 5xx reply such as an unknown mailbox),
    /// or the message cannot be built: retrying will not help.
    #[error("mail permanently rejected: {0}")]
    Permanent(String),
    /// Reading or writing a file (the file mailer) failed.
    #[error("mail i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// The mailer settings cannot work (for example a username without a password).
    #[error("invalid mail settings: {0}")]
    Config(String),
}

impl MailError {
    /// True when retrying the same message cannot succeed, so the outbox should give up on it.
    ///
    /// Invalid addresses, permanent rejections and impossible settings are permanent;
    /// transport and I/O failures are worth retrying with back-off.
    pub fn is_permanent(&self) -> bool {
        match self {
            MailError::InvalidAddress { .. } | MailError::Permanent(_) | MailError::Config(_) => {
                true
            }
            MailError::Transport(_) | MailError::Interrupted(_) | MailError::Io(_) => false,
        }
    }

    /// True when the message may have reached the server although the send failed: the
    /// connection broke after the conversation began, before the server said it took it.
    pub fn may_have_arrived(&self) -> bool {
        matches!(self, MailError::Interrupted(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permanence() {
        let invalid = MailError::InvalidAddress {
            field: "to",
            redacted: "***".into(),
            reason: "missing @".into(),
        };
        assert!(invalid.is_permanent());
        assert!(MailError::Permanent("550".into()).is_permanent());
        assert!(MailError::Config("no password".into()).is_permanent());
        assert!(!MailError::Transport("refused".into()).is_permanent());
        assert!(!MailError::Io(std::io::Error::other("disk full")).is_permanent());
        let broke = MailError::Interrupted("incomplete response".into());
        assert!(!broke.is_permanent() && broke.may_have_arrived());
        assert!(!MailError::Transport("451".into()).may_have_arrived());
        assert_eq!(invalid.to_string(), "invalid `to` address ***: missing @");
    }
}
