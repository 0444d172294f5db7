//! What every handler can reach.

use crate::account::passwords::PasswordHasher;
use crate::settings::Settings;
use picket_domain::DisputeId;
use picket_mail::Mailer;
use picket_store::disputes::Dispute;
use picket_store::Branch;
use picket_store::Store;
use std::sync::Arc;

/// The law engine's configuration from settings: one-off bank holidays and the organiser's
/// recorded overrides of unconfirmed rules.
#[derive(Debug, Clone, Default)]
pub struct LawConfig {
    /// Bank holidays with the extra ones from `extra_holidays`.
    pub calendar: picket_domain::Calendar,
    /// From `law`.
    pub overrides: picket_domain::LawOverrides,
}

/// Shared application state: one pointer, so cloning it (the router does, for every request
/// and every layer) is one counter increment.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] holds.
pub struct Shared {
    /// The database.
    pub store: Arc<dyn Store>,
    /// Outgoing email (used by the worker; features queue email in the outbox).
    pub mailer: Arc<dyn Mailer>,
    /// The effective settings.
    pub settings: Arc<Settings>,
    /// argon2id with the configured cost.
    pub hasher: PasswordHasher,
    /// The instance's key for hashing client addresses, read from the store once.
    pub ip_key: Arc<tokio::sync::OnceCell<String>>,
    /// The instance's secret for picket links (cancel links, calendar addresses), read from
    /// the store once.
    pub picket_link_secret: Arc<tokio::sync::OnceCell<String>>,
    /// What open live pages hear (Server-Sent Events): newly approved wall messages and
    /// campaigns' new signature counts.
    pub live_events: tokio::sync::broadcast::Sender<crate::wall::LiveEvent>,
    /// The public wall as anonymous visitors see it, rendered once.
    pub wall_cache: Arc<crate::wall::cache::WallCache>,
    /// Calendar and law overrides from settings.
    pub law: Arc<LawConfig>,
    /// Progress of the member imports this process is running.
    pub import_runs: crate::members::import::ImportRuns,
    /// Public campaign pages, computed once every few seconds per process.
    pub campaign_cache: Arc<crate::campaign::CampaignCache>,
    /// E-actions' signature writer, sign-form limits, cached campaigns and watched counts.
    pub eactions: Arc<crate::eactions::EactionsState>,
    /// Public picket sign-ups counted per client address this hour.
    pub picket_signups: Arc<crate::security::HourlyLimiter>,
    /// Branches and disputes read for public picket pages and sign-ups, kept for a moment
    /// ([`crate::recent`]); forgotten when a dispute is changed here.
    pub public_disputes: Arc<crate::recent::Recent<(String, DisputeId), (Branch, Dispute)>>,
}

impl AppState {
    /// State over a store and mailer with these settings.
    pub fn new(store: Arc<dyn Store>, mailer: Arc<dyn Mailer>, settings: Settings) -> Self {
        let settings_extra = settings.extra_holidays.clone();
        let settings_law = settings.law.clone();
        let hasher = PasswordHasher::new(
            settings.security.argon2_memory_kib,
            settings.security.argon2_iterations,
        );
        Self(Arc::new(Shared {
            store,
            mailer,
            settings: Arc::new(settings),
            hasher,
            ip_key: Arc::new(tokio::sync::OnceCell::new()),
            picket_link_secret: Arc::new(tokio::sync::OnceCell::new()),
            live_events: tokio::sync::broadcast::channel(256).0,
            eactions: Arc::default(),
            picket_signups: Arc::default(),
            public_disputes: Arc::default(),
            wall_cache: Arc::default(),
            campaign_cache: Arc::default(),
            law: Arc::new(LawConfig {
                // Settings were validated when loaded, so the calendar builds.
                calendar: picket_domain::Calendar::new(settings_extra.clone()).unwrap_or_default(),
                overrides: settings_law.clone(),
            }),
            import_runs: Default::default(),
        }))
    }
}
