//! Picket's outgoing mail: the [`Mailer`] trait and its SMTP, file and memory mailers.
//!
//! Nothing in Picket sends mail inline: a change writes an [`OutgoingEmail`] to the outbox in
//! the same transaction, and the outbox worker hands it to a [`Mailer`] later. That worker
//! asks [`MailError::is_permanent`] whether a failure is worth retrying.
//!
//! Which mailer runs is configuration ([`MailerSettings`]), turned into a mailer by
//! [`build_mailer`]:
//! - [`SmtpMailer`] delivers through an SMTP relay (lettre, plain, STARTTLS or implicit TLS);
//! - [`FileMailer`] writes each message as a complete `.eml` file, for development and demos;
//! - [`MemoryMailer`] keeps messages in memory, for tests.
//!
//! Personal data stays out of logs: the `Debug` output of [`OutgoingEmail`] shows only the
//! subject and a redacted recipient, and [`Secret`] hides passwords from `Debug` and from
//! `print-config`.

pub mod email;
pub mod error;
pub mod file;
pub mod memory;
mod message;
pub mod settings;
pub mod smtp;

use std::sync::Arc;

pub use email::{mailbox, redact_address, OutgoingEmail};
pub use error::MailError;
pub use file::FileMailer;
pub use memory::MemoryMailer;
pub use settings::{MailerSettings, Secret};
pub use smtp::{SmtpMailer, SmtpSettings, SmtpTls};

/// Something that delivers an [`OutgoingEmail`].
///
/// Implementations validate the addresses themselves, so every mailer refuses the same bad
/// input with the same [`MailError::InvalidAddress`].
#[async_trait::async_trait]
pub trait Mailer: Send + Sync {
    /// Delivers one message, or says why not (see [`MailError::is_permanent`]).
    async fn send(&self, email: &OutgoingEmail) -> Result<(), MailError>;

    /// A one-line description for logs and `picket print-config`, without secrets.
    fn describe(&self) -> String;
}

/// Builds the mailer the settings ask for.
///
/// SMTP settings are checked here (the sender address, TLS parameters) but no connection is
/// made; the file mailer creates its directory.
pub fn build_mailer(settings: &MailerSettings) -> Result<Arc<dyn Mailer>, MailError> {
    Ok(match settings {
        MailerSettings::Smtp(smtp) => Arc::new(SmtpMailer::new(smtp)?),
        MailerSettings::File { dir, from } => match from {
            Some(from) => Arc::new(FileMailer::with_from(dir, from)?),
            None => Arc::new(FileMailer::new(dir)?),
        },
        MailerSettings::Memory => Arc::new(MemoryMailer::new()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_mailer_builds_each_kind() {
        let dir = tempfile::tempdir().unwrap();
        let file = MailerSettings::File {
            dir: dir.path().join("outbox"),
            from: None,
        };
        let mailer = build_mailer(&file).unwrap();
        assert!(mailer.describe().starts_with("file "));
        assert!(
            dir.path().join("outbox").is_dir(),
            "the file mailer creates its directory"
        );

        assert_eq!(
            build_mailer(&MailerSettings::Memory).unwrap().describe(),
            "memory"
        );

        let smtp = MailerSettings::Smtp(SmtpSettings::new(
            "mail.example.org",
            "Picket <picket@example.org>",
        ));
        assert_eq!(
            build_mailer(&smtp).unwrap().describe(),
            "smtp mail.example.org:587 (starttls)"
        );
    }

    #[test]
    fn build_mailer_refuses_a_bad_sender() {
        let smtp = MailerSettings::Smtp(SmtpSettings::new("mail.example.org", "not an address"));
        let err = build_mailer(&smtp)
            .err()
            .expect("a bad from address is refused");
        assert!(
            matches!(err, MailError::InvalidAddress { field: "from", .. }),
            "{err}"
        );
    }
}
