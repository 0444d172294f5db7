//! One typed `Settings`: defaults, then a TOML file, then `PICKET_*` environment variables.
//!
//! Nested keys use a double underscore in the environment: `PICKET_SERVER__ADDR=0.0.0.0:8080`,
//! `PICKET_DATABASE_URL=postgres://…`. Unknown keys are refused, so a typo is caught at start.

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use picket_mail::{MailerSettings, Secret};
use picket_store::retention::{RetentionRule, RULES};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every setting Picket reads.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `sqlite://PATH` (created if absent) or `postgres://…`. May hold a password: shown
    /// redacted by `print-config`.
    pub database_url: Secret,
    /// Database connections held open per process.
    pub database_max_connections: u32,
    /// The HTTP server.
    pub server: ServerSettings,
    /// Sign-in and sessions.
    pub security: SecuritySettings,
    /// Outgoing email.
    pub mail: MailerSettings,
    /// The sender address on Picket's own email.
    pub mail_from: String,
    /// The outbox worker inside `picket serve`.
    pub worker: WorkerSettings,
    /// Logging.
    pub log: LogSettings,
    /// The public solidarity wall.
    pub wall: WallSettings,
    /// E-actions and petitions.
    pub eactions: EactionSettings,
    /// Members' own access: sign-in links by email and the consent wording they agree to.
    pub self_service: SelfServiceSettings,
    /// Member records and their import.
    pub members: MembersSettings,
    /// Picket shifts: the public sign-up form's limits.
    pub pickets: PicketSettings,
    /// How long each kind of record is kept: `retention.<kind>_days`, 0 for ever.
    pub retention: RetentionSettings,
    /// One-off bank holidays announced by proclamation, beyond those Picket computes:
    /// `[[extra_holidays]]` with `date`, `name`, `divisions` (and `replaces` for a moved one).
    pub extra_holidays: Vec<picket_domain::ExtraHoliday>,
    /// Overrides of rules LAW.md marks unconfirmed, each with the organiser's recorded reason:
    /// `[law.era25_turnout_threshold_applies]` with `value` and `reason`, and so on.
    pub law: picket_domain::LawOverrides,
}

/// The solidarity wall's limits. Every spam defence is a setting.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WallSettings {
    /// Longest message, in characters.
    pub max_message_chars: usize,
    /// Most links one message may hold.
    pub max_links: usize,
    /// Fewest seconds between opening the form and posting it.
    pub min_fill_secs: i64,
    /// Posts accepted from one address per hour, across every wall.
    pub posts_per_ip_per_hour: u64,
    /// The same words posted to one wall within this many hours are a duplicate.
    pub duplicate_window_hours: i64,
    /// Moved to `retention.wall_rejected_days`; refused with a message saying so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<i64>,
    /// Email the poster (when they gave an address) when their message is approved.
    pub email_on_approval: bool,
}

impl WallSettings {
    /// The domain's view of the limits.
    pub fn limits(&self) -> picket_domain::wall::WallLimits {
        picket_domain::wall::WallLimits {
            max_message_chars: self.max_message_chars,
            max_links: self.max_links,
            min_fill_secs: self.min_fill_secs,
        }
    }
}

/// E-actions and petitions: the public sign form's limit.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EactionSettings {
    /// Signatures accepted from one client address per hour, across every campaign (one
    /// office or phone network can hold many supporters).
    pub signatures_per_ip_per_hour: u64,
    /// A supporter who signs again while their signature waits for confirmation is sent the
    /// confirmation email again, at most once in this many minutes.
    pub confirm_again_minutes: u32,
}

/// Members' own access by emailed sign-in links.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelfServiceSettings {
    /// How long a sign-in link works, in minutes.
    pub link_minutes: i64,
    /// Links asked for one address per hour before further requests are refused (429).
    pub links_per_email_per_hour: u64,
    /// Links asked for from one client address per hour before further requests are refused.
    pub links_per_ip_per_hour: u64,
    /// The words a member agrees to when they choose to be contacted; kept with each choice.
    pub consent_wording: String,
}

/// Picket shifts: the public sign-up form's limits.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PicketSettings {
    /// Supporter sign-ups accepted from one client address per hour (429 beyond).
    pub signups_per_ip_per_hour: u64,
}

/// Member records and their import.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MembersSettings {
    /// Largest CSV file the import page accepts, in bytes (413 beyond).
    pub import_max_bytes: usize,
}

/// `[retention]`: days each kind of record is kept, one `<kind>_days` key per kind of the
/// store's retention rules (`wall_rejected_days`, `audit_days` …); 0 keeps it for ever.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RetentionSettings(BTreeMap<String, i64>);

impl Default for RetentionSettings {
    fn default() -> Self {
        Self(
            RULES
                .iter()
                .map(|r| (RetentionSettings::key(r), r.default_days))
                .collect(),
        )
    }
}

impl RetentionSettings {
    /// The settings key of a rule.
    pub fn key(rule: &RetentionRule) -> String {
        format!("{}_days", rule.kind)
    }

    /// Days `rule`'s records are kept (0: for ever).
    pub fn days(&self, rule: &RetentionRule) -> i64 {
        self.0
            .get(&Self::key(rule))
            .copied()
            .unwrap_or(rule.default_days)
    }

    /// Sets the days of the kind `kind` (for tests and tools).
    pub fn set(&mut self, kind: &str, days: i64) {
        self.0.insert(format!("{kind}_days"), days);
    }

    fn validate(&self) -> Result<(), SettingsError> {
        for (key, days) in &self.0 {
            if !RULES.iter().any(|r| Self::key(r) == *key) {
                let known: Vec<String> = RULES.iter().map(Self::key).collect();
                return Err(SettingsError::Invalid(format!(
                    "`retention.{key}` is not a kind of record Picket keeps; the keys are {}",
                    known.join(", ")
                )));
            }
            if *days < 0 {
                return Err(SettingsError::Invalid(format!(
                    "`retention.{key}` must be 0 (keep for ever) or a number of days"
                )));
            }
        }
        Ok(())
    }
}

/// The HTTP server.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    /// Address to listen on.
    pub addr: String,
    /// The address people use to reach Picket (links in email, Origin checks). With `https://`
    /// cookies are marked Secure and HSTS is sent.
    pub public_url: String,
    /// Believe `X-Forwarded-For` from a reverse proxy for the client address.
    pub trust_proxy_headers: bool,
    /// Longest time a request may take, in seconds.
    pub request_timeout_secs: u64,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
}

/// Sign-in and sessions.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecuritySettings {
    /// How long a session lasts, in hours.
    pub session_hours: i64,
    /// Failed sign-ins for one account (from anywhere) within the window before sign-in to
    /// it is refused: stops a guesser spread over many addresses.
    pub max_failures_per_email: u64,
    /// Failed sign-ins for one account from one address within the window before that
    /// address may not try it again: stops a guesser at one address, without locking the
    /// account's owner out elsewhere.
    pub max_failures_per_pair: u64,
    /// Failed sign-ins from one address, over all accounts, within the window before the
    /// address is refused: a ceiling far above what an office sharing an address reaches,
    /// that stops one address trying many accounts.
    pub max_failures_per_ip: u64,
    /// The throttling window, in minutes.
    pub failure_window_minutes: i64,
    /// argon2id memory cost in KiB.
    pub argon2_memory_kib: u32,
    /// argon2id iterations.
    pub argon2_iterations: u32,
}

/// The outbox worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkerSettings {
    /// Run the worker inside `picket serve` (turn off when `picket worker` runs separately).
    pub in_server: bool,
    /// Seconds between polls of an empty outbox.
    pub poll_interval_secs: u64,
    /// Seconds a claimed job is leased to one worker.
    pub lease_secs: u64,
    /// Attempts before an email is given up.
    pub max_attempts: u32,
}

/// Logging.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    /// A tracing filter, e.g. `info` or `picket_web=debug,info`.
    pub level: String,
    /// `text` for people, `json` for log collectors.
    pub format: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: Secret::new("sqlite://picket.db"),
            database_max_connections: 10,
            server: ServerSettings {
                addr: "127.0.0.1:8080".into(),
                public_url: "http://127.0.0.1:8080".into(),
                trust_proxy_headers: false,
                request_timeout_secs: 30,
                body_limit_bytes: 1024 * 1024,
            },
            security: SecuritySettings {
                session_hours: 24 * 14,
                max_failures_per_email: 20,
                max_failures_per_pair: 5,
                max_failures_per_ip: 100,
                failure_window_minutes: 15,
                argon2_memory_kib: 19 * 1024,
                argon2_iterations: 2,
            },
            mail: MailerSettings::File {
                dir: PathBuf::from("picket-mail"),
                from: None,
            },
            mail_from: "Picket <picket@localhost>".into(),
            worker: WorkerSettings {
                in_server: true,
                poll_interval_secs: 5,
                lease_secs: 120,
                max_attempts: 8,
            },
            log: LogSettings {
                level: "info".into(),
                format: "text".into(),
            },
            wall: WallSettings {
                max_message_chars: 3000,
                max_links: 2,
                min_fill_secs: 3,
                posts_per_ip_per_hour: 10,
                duplicate_window_hours: 24,
                retention_days: None,
                email_on_approval: true,
            },
            eactions: EactionSettings {
                signatures_per_ip_per_hour: 60,
                confirm_again_minutes: 10,
            },
            self_service: SelfServiceSettings {
                link_minutes: 30,
                links_per_email_per_hour: 3,
                links_per_ip_per_hour: 20,
                consent_wording: "The branch may contact me about the dispute and union business \
                    by the means I have ticked. I can change this at any time."
                    .into(),
            },
            members: MembersSettings {
                import_max_bytes: 20 * 1024 * 1024,
            },
            pickets: PicketSettings {
                signups_per_ip_per_hour: 10,
            },
            retention: RetentionSettings::default(),
            extra_holidays: Vec::new(),
            law: picket_domain::LawOverrides::default(),
        }
    }
}

/// Why settings could not be loaded. The message names the key and the source.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The file, a variable or a value is wrong.
    #[error("configuration error: {0}")]
    Invalid(String),
}

impl Settings {
    /// Defaults, then `file` (which must exist if given), then `PICKET_*` variables.
    pub fn load(file: Option<&Path>) -> Result<Self, SettingsError> {
        let mut figment = Figment::from(Serialized::defaults(RawDefaults::new()));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(SettingsError::Invalid(format!(
                    "the config file {} does not exist",
                    path.display()
                )));
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        Self::from_figment(figment.merge(settings_env()))
    }

    /// Settings from a TOML text over the defaults (for tests and `--config -`).
    pub fn from_toml(text: &str) -> Result<Self, SettingsError> {
        Self::from_figment(
            Figment::from(Serialized::defaults(RawDefaults::new())).merge(Toml::string(text)),
        )
    }

    fn from_figment(figment: Figment) -> Result<Self, SettingsError> {
        let settings: Settings = figment.extract().map_err(|e| {
            SettingsError::Invalid(
                e.into_iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks that values make sense together.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let bad = |key: &str, why: &str| Err(SettingsError::Invalid(format!("`{key}` {why}")));
        let url = self.database_url.expose();
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            return bad("database_url", "must start with sqlite:// or postgres://");
        }
        if self.server.addr.parse::<std::net::SocketAddr>().is_err() {
            return bad(
                "server.addr",
                "must be an address and port such as 127.0.0.1:8080",
            );
        }
        match url::Url::parse(&self.server.public_url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
            _ => return bad("server.public_url", "must be an http:// or https:// URL"),
        }
        if self.server.body_limit_bytes < 1024 {
            return bad("server.body_limit_bytes", "must be at least 1024");
        }
        if self.security.session_hours < 1 {
            return bad("security.session_hours", "must be at least 1");
        }
        for (key, value) in [
            (
                "security.max_failures_per_email",
                self.security.max_failures_per_email,
            ),
            (
                "security.max_failures_per_pair",
                self.security.max_failures_per_pair,
            ),
            (
                "security.max_failures_per_ip",
                self.security.max_failures_per_ip,
            ),
        ] {
            if value < 1 {
                return bad(key, "must be at least 1");
            }
        }
        if self.security.failure_window_minutes < 1 {
            return bad("security.failure_window_minutes", "must be at least 1");
        }
        if !(1..=24 * 60).contains(&self.self_service.link_minutes) {
            return bad(
                "self_service.link_minutes",
                "must be between 1 and 1440 (a day)",
            );
        }
        if self.self_service.consent_wording.trim().is_empty() {
            return bad("self_service.consent_wording", "must not be empty");
        }
        if let Err(e) = picket_domain::Calendar::new(self.extra_holidays.clone()) {
            return bad("extra_holidays", &format!("is not valid: {e}"));
        }
        if let Err(e) = self.law.validate() {
            return bad("law", &format!("is not valid: {e}"));
        }
        if !matches!(self.log.format.as_str(), "text" | "json") {
            return bad("log.format", "must be `text` or `json`");
        }
        if self.wall.retention_days.is_some() {
            return bad(
                "wall.retention_days",
                "has moved: set `retention.wall_rejected_days` instead",
            );
        }
        self.retention.validate()
    }

    /// Days each kind of record is kept (0: for ever), for the retention pass.
    pub fn retention_policy(&self) -> picket_jobs::retention::RetentionPolicy {
        RULES
            .iter()
            .map(|rule| (rule, self.retention.days(rule)))
            .collect()
    }

    /// The public URL without a trailing slash, to make absolute links (feeds, share links,
    /// posters' QR codes).
    pub fn public_base(&self) -> &str {
        self.server.public_url.trim_end_matches('/')
    }

    /// Whether Picket is reached over https (cookies marked Secure, HSTS sent).
    pub fn is_https(&self) -> bool {
        self.server.public_url.starts_with("https://")
    }

    /// The settings as TOML with secrets hidden, for `picket print-config`.
    pub fn to_redacted_toml(&self) -> String {
        let mut shown = self.clone();
        shown.database_url = Secret::new(redact_url(self.database_url.expose()));
        // `Secret` serialises as a mask; show the database URL with only its password hidden.
        let mut value = toml::Value::try_from(&shown).unwrap_or(toml::Value::String(String::new()));
        if let Some(table) = value.as_table_mut() {
            table.insert(
                "database_url".into(),
                toml::Value::String(redact_url(self.database_url.expose())),
            );
        }
        toml::to_string_pretty(&value).unwrap_or_default()
    }
}

/// The top-level keys; other `PICKET_*` variables (`PICKET_CONFIG`, test switches) are not settings.
const TOP_LEVEL_KEYS: &[&str] = &[
    "database_url",
    "database_max_connections",
    "server",
    "security",
    "mail",
    "mail_from",
    "worker",
    "log",
    "wall",
    "eactions",
    "self_service",
    "members",
    "pickets",
    "retention",
    "extra_holidays",
    "law",
];

fn settings_env() -> Env {
    Env::prefixed("PICKET_")
        .filter(|key| {
            let key = key.as_str().to_ascii_lowercase();
            TOP_LEVEL_KEYS
                .iter()
                .any(|top| key == *top || key.starts_with(&format!("{top}__")))
        })
        .split("__")
}

/// The defaults with the database URL as plain text, so figment can merge over them.
#[derive(Serialize)]
struct RawDefaults {
    database_url: String,
    #[serde(flatten)]
    rest: toml::Value,
}

impl RawDefaults {
    fn new() -> Self {
        let defaults = Settings::default();
        let mut rest =
            toml::Value::try_from(&defaults).unwrap_or(toml::Value::Table(Default::default()));
        if let Some(t) = rest.as_table_mut() {
            t.remove("database_url");
        }
        Self {
            database_url: defaults.database_url.expose().to_string(),
            rest,
        }
    }
}

/// Hides the password in a database URL.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("********"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_overrides_defaults_and_names_bad_keys() {
        let s = Settings::from_toml(
            "database_url = \"postgres://u:pw@db/picket\"\n[server]\naddr = \"0.0.0.0:9000\"",
        )
        .unwrap();
        assert_eq!(s.server.addr, "0.0.0.0:9000");
        assert_eq!(
            s.server.request_timeout_secs, 30,
            "unset keys keep their defaults"
        );
        let printed = s.to_redacted_toml();
        assert!(
            printed.contains("postgres://u:********@db/picket"),
            "{printed}"
        );
        assert!(!printed.contains("pw@"), "{printed}");

        let err = Settings::from_toml("[server]\nadress = \"x\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("adress"), "{err}");
        let err = Settings::from_toml("[server]\nrequest_timeout_secs = \"soon\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("request_timeout_secs"), "{err}");
        let err = Settings::from_toml("[wall]\nretention_days = 10")
            .unwrap_err()
            .to_string();
        assert!(err.contains("retention.wall_rejected_days"), "{err}");
        let err = Settings::from_toml("[retention]\nforever_days = 10")
            .unwrap_err()
            .to_string();
        assert!(err.contains("retention.forever_days"), "{err}");
        let err = Settings::from_toml("[retention]\naudit_days = -1")
            .unwrap_err()
            .to_string();
        assert!(err.contains("retention.audit_days"), "{err}");
        let s = Settings::from_toml("[retention]\naudit_days = 0").unwrap();
        let audit = picket_store::retention::rule_named("audit").unwrap();
        let wall = picket_store::retention::rule_named("wall_rejected").unwrap();
        assert_eq!(s.retention.days(audit), 0);
        assert_eq!(s.retention.days(wall), 30, "others keep their defaults");
        assert!(s.to_redacted_toml().contains("audit_days = 0"));
        let s = Settings::from_toml("[security]\nmax_failures_per_pair = 3").unwrap();
        assert_eq!(s.security.max_failures_per_pair, 3);
        assert_eq!(
            s.security.max_failures_per_ip, 100,
            "others keep their defaults"
        );
        let err = Settings::from_toml("[security]\nmax_failures_per_pairs = 3")
            .unwrap_err()
            .to_string();
        assert!(err.contains("max_failures_per_pairs"), "{err}");
        let err = Settings::from_toml("[security]\nmax_failures_per_ip = 0")
            .unwrap_err()
            .to_string();
        assert!(err.contains("security.max_failures_per_ip"), "{err}");
        let err = Settings::from_toml("database_url = \"mysql://x\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("database_url"), "{err}");
    }
}
