//! Which mailer to run, as configuration, and the [`Secret`] wrapper for passwords.

use crate::smtp::SmtpSettings;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::path::PathBuf;

/// The mailer section of Picket's settings, tagged by `kind`.
///
/// ```toml
/// [mail]
/// kind = "file"          # or "smtp" (see SmtpSettings) or "memory"
/// dir = "data/mail"
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum MailerSettings {
    /// Deliver through an SMTP relay.
    Smtp(SmtpSettings),
    /// Write each message as an `.eml` file in `dir` (created if missing).
    File {
        /// The directory the files go into.
        dir: PathBuf,
        /// The From mailbox; `Picket <picket@localhost>` when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
    },
    /// Keep messages in memory (tests and throwaway demos; nothing is delivered).
    Memory,
}

/// A configuration secret: readable with [`Secret::expose`], shown as `********` by `Debug`
/// and by `Serialize` (so `picket print-config` never prints it).
///
/// Deserialises from a plain string. Because serialising hides the value, a printed config
/// cannot be fed back in without re-entering the secret; that is the point.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// What `Debug` and `Serialize` print in place of the value.
    pub const MASK: &'static str = "********";

    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Self::MASK)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(Self::MASK)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smtp::SmtpTls;

    #[derive(Debug, Deserialize, Serialize)]
    struct Config {
        mail: MailerSettings,
    }

    #[test]
    fn smtp_settings_from_toml_with_defaults() {
        let config: Config = toml::from_str(
            r#"
            [mail]
            kind = "smtp"
            host = "smtp.example.org"
            username = "picket"
            password = "hunter2"
            from = "Picket <picket@branch.example.org>"
            "#,
        )
        .unwrap();
        let MailerSettings::Smtp(smtp) = &config.mail else {
            panic!("expected smtp: {config:?}")
        };
        assert_eq!(smtp.tls, SmtpTls::StartTls);
        assert_eq!(smtp.port, None);
        assert_eq!(smtp.effective_port(), 587);
        assert_eq!(smtp.timeout_secs, 30);
        assert_eq!(smtp.password.as_ref().unwrap().expose(), "hunter2");

        let printed = toml::to_string(&config).unwrap();
        assert!(printed.contains("password = \"********\""), "{printed}");
        assert!(printed.contains("kind = \"smtp\""), "{printed}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(!format!("{config:?}").contains("hunter2"));
    }

    #[test]
    fn tls_modes_and_ports_parse() {
        for (text, tls) in [
            ("none", SmtpTls::None),
            ("starttls", SmtpTls::StartTls),
            ("tls", SmtpTls::Tls),
        ] {
            let mail: MailerSettings = serde_json::from_value(serde_json::json!({
                "kind": "smtp", "host": "h", "port": 2525, "tls": text, "from": "p@example.org", "timeout_secs": 5
            }))
            .unwrap();
            let MailerSettings::Smtp(smtp) = mail else {
                panic!()
            };
            assert_eq!(
                (smtp.tls, smtp.port, smtp.timeout_secs),
                (tls, Some(2525), 5)
            );
        }
    }

    #[test]
    fn typos_are_refused() {
        let err = toml::from_str::<Config>(
            "[mail]\nkind = \"smtp\"\nhost = \"h\"\nfrom = \"p@example.org\"\npasword = \"x\"\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("pasword"), "{err}");
        assert!(toml::from_str::<Config>("[mail]\nkind = \"carrier-pigeon\"\n").is_err());
    }

    #[test]
    fn file_and_memory_parse() {
        let config: Config =
            toml::from_str("[mail]\nkind = \"file\"\ndir = \"data/mail\"\n").unwrap();
        assert_eq!(
            config.mail,
            MailerSettings::File {
                dir: "data/mail".into(),
                from: None
            }
        );
        let config: Config = toml::from_str("[mail]\nkind = \"memory\"\n").unwrap();
        assert_eq!(config.mail, MailerSettings::Memory);
        assert_eq!(
            toml::to_string(&config).unwrap().trim(),
            "[mail]\nkind = \"memory\""
        );
    }
}
