//! Delivery through an SMTP relay with lettre's async transport.

use crate::email::{redact_address, redact_text, OutgoingEmail};
use crate::error::MailError;
use crate::message::{build_message, parse_mailbox};
use crate::settings::Secret;
use crate::Mailer;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::response::{Category, Severity};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// How the connection to the relay is protected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text. Only for a relay on the same host or a test server.
    None,
    /// Connect in plain text, then upgrade with STARTTLS (required); the default, port 587.
    #[default]
    StartTls,
    /// Implicit TLS from the first byte ("SMTPS"), port 465.
    Tls,
}

impl SmtpTls {
    /// The usual port for this mode: 25, 587 or 465.
    pub fn default_port(self) -> u16 {
        match self {
            SmtpTls::None => 25,
            SmtpTls::StartTls => 587,
            SmtpTls::Tls => 465,
        }
    }

    fn name(self) -> &'static str {
        match self {
            SmtpTls::None => "no tls",
            SmtpTls::StartTls => "starttls",
            SmtpTls::Tls => "tls",
        }
    }
}

/// Where and how to deliver mail over SMTP.
///
/// ```toml
/// [mail]
/// kind = "smtp"
/// host = "smtp.example.org"
/// username = "picket"
/// password = "…"
/// from = "Picket <picket@branch.example.org>"
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    /// The relay's host name (also the name its TLS certificate must carry).
    pub host: String,
    /// The port; when absent, the usual one for `tls` (see [`SmtpTls::default_port`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// The login, if the relay wants one; needs `password` too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The password; hidden from `Debug` and serialised as `********`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
    /// Connection security; STARTTLS unless set.
    #[serde(default)]
    pub tls: SmtpTls,
    /// The From mailbox of every message, e.g. `Picket <picket@branch.example.org>`.
    pub from: String,
    /// How long any one network step may take, in seconds.
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
}

fn default_timeout_secs() -> u64 {
    30
}

impl SmtpSettings {
    /// Settings for `host` sending as `from`, with STARTTLS on port 587, no login and a 30 s
    /// timeout.
    pub fn new(host: impl Into<String>, from: impl Into<String>) -> Self {
        SmtpSettings {
            host: host.into(),
            port: None,
            username: None,
            password: None,
            tls: SmtpTls::default(),
            from: from.into(),
            timeout_secs: default_timeout_secs(),
        }
    }

    /// The port actually used: `port`, or the usual one for `tls`.
    pub fn effective_port(&self) -> u16 {
        self.port.unwrap_or(self.tls.default_port())
    }
}

/// A [`Mailer`] that hands each message to an SMTP relay, one connection per message.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    description: String,
}

impl SmtpMailer {
    /// Checks the settings and prepares the transport; connects only when sending.
    pub fn new(settings: &SmtpSettings) -> Result<Self, MailError> {
        let from = parse_mailbox("from", &settings.from)?;
        if settings.host.trim().is_empty() {
            return Err(MailError::Config("the SMTP host is empty".into()));
        }
        let tls = match settings.tls {
            SmtpTls::None => Tls::None,
            SmtpTls::StartTls => Tls::Required(tls_parameters(&settings.host)?),
            SmtpTls::Tls => Tls::Wrapper(tls_parameters(&settings.host)?),
        };
        let port = settings.effective_port();
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.trim())
                .port(port)
                .tls(tls)
                .timeout(Some(Duration::from_secs(settings.timeout_secs.max(1))));
        let mut description = format!("smtp {}:{port} ({})", settings.host, settings.tls.name());
        match (&settings.username, &settings.password) {
            (Some(username), Some(password)) => {
                builder = builder.credentials(Credentials::new(
                    username.clone(),
                    password.expose().to_string(),
                ));
                description.push_str(&format!(" as {username}"));
            }
            (None, None) => {}
            (Some(_), None) => {
                return Err(MailError::Config(
                    "an SMTP username needs a password".into(),
                ))
            }
            (None, Some(_)) => {
                return Err(MailError::Config(
                    "an SMTP password needs a username".into(),
                ))
            }
        }
        Ok(SmtpMailer {
            transport: builder.build(),
            from,
            description,
        })
    }

    /// Connects, greets the relay and hangs up: for `picket` to check the settings at start-up.
    pub async fn check_connection(&self) -> Result<(), MailError> {
        match self.transport.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => Err(MailError::Transport(format!(
                "{} did not answer NOOP",
                self.description
            ))),
            Err(e) => Err(classify(&e)),
        }
    }
}

fn tls_parameters(host: &str) -> Result<TlsParameters, MailError> {
    TlsParameters::new(host.trim().to_string())
        .map_err(|e| MailError::Config(format!("TLS for {host}: {e}")))
}

/// Sorts a lettre error into retry or give up.
///
/// A 5xx reply is permanent, except the 53x authentication replies: bad credentials are the
/// operator's to fix, and every message would fail alike, so the outbox should keep them.
/// Any other reply is temporary. With no reply at all, a connection that could not be made
/// (or TLS that could not start) is temporary; a connection that broke or went quiet once
/// the conversation had begun is [`MailError::Interrupted`]: the server may have the message.
fn classify(error: &lettre::transport::smtp::Error) -> MailError {
    let full = error.to_string();
    let text = redact_text(&full);
    match error.status() {
        Some(code)
            if code.severity == Severity::PermanentNegativeCompletion
                && code.category != Category::Unspecified3 =>
        {
            MailError::Permanent(text)
        }
        Some(_) => MailError::Transport(text),
        // lettre names a failure to connect only in its message ("Connection error: …").
        None if error.is_tls() || error.is_client() || full.starts_with("Connection error") => {
            MailError::Transport(text)
        }
        None => MailError::Interrupted(text),
    }
}

#[async_trait::async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<(), MailError> {
        let message = build_message(&self.from, email)?;
        match self.transport.send(message).await {
            Ok(_) => {
                tracing::debug!(to = %redact_address(&email.to), relay = %self.description, "mail sent");
                Ok(())
            }
            Err(e) => Err(classify(&e)),
        }
    }

    fn describe(&self) -> String {
        self.description.clone()
    }
}

impl fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("relay", &self.description)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_follow_tls_unless_set() {
        let mut s = SmtpSettings::new("mail.example.org", "p@example.org");
        assert_eq!(s.effective_port(), 587);
        s.tls = SmtpTls::Tls;
        assert_eq!(s.effective_port(), 465);
        s.tls = SmtpTls::None;
        assert_eq!(s.effective_port(), 25);
        s.port = Some(2525);
        assert_eq!(s.effective_port(), 2525);
    }

    #[test]
    fn credentials_come_in_pairs_and_stay_hidden() {
        let mut s = SmtpSettings::new("mail.example.org", "p@example.org");
        s.username = Some("picket".into());
        assert!(matches!(SmtpMailer::new(&s), Err(MailError::Config(_))));
        s.password = Some(Secret::new("hunter2"));
        let mailer = SmtpMailer::new(&s).unwrap();
        assert_eq!(
            mailer.describe(),
            "smtp mail.example.org:587 (starttls) as picket"
        );
        assert!(!format!("{mailer:?}").contains("hunter2"));
        assert!(!format!("{s:?}").contains("hunter2"));
        s.username = None;
        assert!(matches!(SmtpMailer::new(&s), Err(MailError::Config(_))));
    }

    #[test]
    fn implicit_tls_builds() {
        let mut s = SmtpSettings::new("mail.example.org", "p@example.org");
        s.tls = SmtpTls::Tls;
        assert_eq!(
            SmtpMailer::new(&s).unwrap().describe(),
            "smtp mail.example.org:465 (tls)"
        );
    }
}
