//! E-actions and petitions at the web edge, with the correspondence log and the
//! strike-breaking monitor: organisers' pages and API, the public campaign page with its
//! sign form and live count, and the hand-in.
//!
//! A signature goes through the store's [`SignatureWriter`] (group commit): the supporter is
//! told it is signed only once the commit that holds it is done. The public sign form and the
//! public API are limited per client address and in size, as the wall's are.

pub mod admin;
pub mod api;
pub mod api_letters;
pub mod consent;
pub mod handin;
pub mod letters;
pub mod live;
pub mod monitor;
pub mod ops;
pub mod public;

use crate::account::tokens::{hash_token, random_token};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use picket_domain::eactions::{EactionError, Signer, DEFAULT_CONSENT_WORDING};
use picket_domain::{DisputeId, EactionId};
use picket_mail::OutgoingEmail;
use picket_store::disputes::Dispute;
use picket_store::eactions::{Confirmation, Eaction, NewSignature, SignOutcome, Target};
use picket_store::signing::{SignatureWriter, WriterConfig};
use picket_store::{Branch, NewOutboxEmail};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The largest sign form or JSON signature accepted, in bytes: room for the longest name,
/// address, postcode and own words (with every character escaped), and no more.
pub const SIGN_BODY_LIMIT: usize = 16 * 1024;

/// A campaign as a public address names it: branch slug, dispute, campaign.
type CampaignKey = (String, DisputeId, EactionId);

/// What e-actions keep per process.
#[derive(Default)]
pub struct EactionsState {
    writer: tokio::sync::OnceCell<SignatureWriter>,
    limiter: crate::security::HourlyLimiter,
    campaigns: crate::recent::Recent<CampaignKey, Arc<PublicCampaign>>,
    /// Campaigns whose live count someone in this process is watching.
    pub(crate) watched: Mutex<HashMap<EactionId, live::Watched>>,
}

impl EactionsState {
    /// The signature writer, started on first use.
    pub async fn writer(&self, state: &AppState) -> &SignatureWriter {
        self.writer
            .get_or_init(|| async {
                SignatureWriter::start(
                    state.store.clone(),
                    WriterConfig::for_backend(state.store.backend()),
                )
            })
            .await
    }

    /// Counts one signature from `ip` against the hourly limit; `false` when it is reached.
    fn take(&self, ip: &str, per_hour: u64, now: i64) -> bool {
        self.limiter.take(ip, per_hour, now)
    }

    /// Forgets the campaigns read for the public (after an organiser changed one).
    pub fn forget(&self) {
        self.campaigns.forget();
    }
}

/// A campaign as the public sees it.
#[derive(Debug, Clone)]
pub struct PublicCampaign {
    /// Its branch.
    pub branch: Branch,
    /// Its dispute.
    pub dispute: Dispute,
    /// The campaign.
    pub eaction: Eaction,
    /// Its targets (with their replies).
    pub targets: Vec<Target>,
}

/// A campaign the public may see: one that has been opened (a draft is not found), read at
/// most every two seconds per process.
pub async fn public_campaign(
    state: &AppState,
    slug: &str,
    dispute: DisputeId,
    id: EactionId,
) -> AppResult<Arc<PublicCampaign>> {
    let key = (slug.to_string(), dispute, id);
    state
        .eactions
        .campaigns
        .get_or_read(&key, async {
            let branch = state.store.branch_by_slug(slug).await?;
            let d = state.store.dispute(branch.id, dispute).await?;
            let eaction = state.store.eaction(branch.id, dispute, id).await?;
            if eaction.opened_on.is_none() {
                return Err(AppError::NotFound);
            }
            let targets = state.store.targets(branch.id, dispute, id).await?;
            Ok(Arc::new(PublicCampaign {
                branch,
                dispute: d,
                eaction,
                targets,
            }))
        })
        .await
}

/// A domain refusal as a validation error naming its field.
pub fn invalid(e: EactionError) -> AppError {
    AppError::invalid(e.field, e.message)
}

/// What a supporter typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SignInput {
    /// Their name.
    #[serde(default)]
    pub name: String,
    /// Their email address.
    #[serde(default)]
    pub email: String,
    /// Their postcode.
    #[serde(default)]
    pub postcode: String,
    /// Their own words.
    #[serde(default)]
    pub own_words: String,
    /// Whether they agree to future contact (a ticked box: any value).
    #[serde(default, deserialize_with = "crate::disputes::flag")]
    pub consent: bool,
}

/// What became of a signature, for the supporter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signed {
    /// Stored and counted.
    Counted,
    /// Stored; it counts once the link emailed to them is followed.
    AwaitingConfirmation,
    /// This address had signed already: nothing changed.
    AlreadySigned,
    /// This address had signed and not yet confirmed: the link was emailed again.
    SentAgain,
    /// As [`Signed::SentAgain`], but the link went a few minutes ago: nothing changed.
    SentRecently,
}

impl Signed {
    /// The machine name the API gives.
    pub fn code(self) -> &'static str {
        match self {
            Signed::Counted => "signed",
            Signed::AwaitingConfirmation => "awaiting-confirmation",
            Signed::AlreadySigned => "already-signed",
            Signed::SentAgain => "confirmation-sent-again",
            Signed::SentRecently => "confirmation-sent-recently",
        }
    }

    /// What the supporter is told.
    pub fn message(self) -> &'static str {
        match self {
            Signed::Counted => "Thank you: your signature is counted.",
            Signed::AwaitingConfirmation => {
                "Thank you. We have emailed you a link: your signature counts once you follow it."
            }
            Signed::AlreadySigned => {
                "You have already signed this one with that email address, so nothing has changed. Thank you for your support."
            }
            Signed::SentAgain => {
                "You have signed this one already and it counts once you confirm. We have emailed you a new link (the old one no longer works). Thank you."
            }
            Signed::SentRecently => {
                "You have signed this one already and it counts once you confirm. We emailed you the link a few minutes ago, so please look for it (it may be in your spam folder). Thank you."
            }
        }
    }
}

/// The message for a closed campaign.
pub const CLOSED: &str =
    "This campaign has closed and takes no more signatures. Thank you for wanting to sign.";

/// Checks and writes one supporter's signature; returns once the commit holding it is done.
/// Nothing is stored when anything typed is refused, the campaign is closed, or `ip` has
/// signed as often as the hourly limit allows.
pub async fn sign(
    state: &AppState,
    c: &PublicCampaign,
    input: &SignInput,
    ip: &str,
) -> AppResult<Signed> {
    if !c.eaction.open {
        return Err(AppError::Conflict(CLOSED.into()));
    }
    let signer = Signer::parse(
        &input.name,
        &input.email,
        &input.postcode,
        &input.own_words,
        c.eaction.own_words_max,
    )
    .map_err(invalid)?;
    let limit = state.settings.eactions.signatures_per_ip_per_hour;
    if !state
        .eactions
        .take(ip, limit, chrono::Utc::now().timestamp())
    {
        return Err(AppError::TooManyRequests(format!(
            "{limit} signatures have come from your connection in the last hour, the most we accept. Please try again later."
        )));
    }
    let confirmation = match c.eaction.confirm_email {
        true => Some(confirmation(state, c, &signer, input.consent)?),
        false => None,
    };
    let new = NewSignature {
        branch: c.branch.id,
        dispute: c.dispute.id,
        eaction: c.eaction.id,
        signer,
        consent: input.consent.then(|| DEFAULT_CONSENT_WORDING.to_string()),
        confirmation,
    };
    let writer = state.eactions.writer(state).await;
    match writer.sign(new).await? {
        SignOutcome::Signed { .. } => Ok(Signed::Counted),
        SignOutcome::AwaitingConfirmation { .. } => Ok(Signed::AwaitingConfirmation),
        SignOutcome::AlreadySigned => Ok(Signed::AlreadySigned),
        SignOutcome::ConfirmationSentAgain => Ok(Signed::SentAgain),
        SignOutcome::ConfirmationSentRecently => Ok(Signed::SentRecently),
        SignOutcome::Closed => Err(AppError::Conflict(CLOSED.into())),
    }
}

/// The link a supporter follows to make their signature count: only the token's hash is kept.
/// A supporter who agreed to future contact also gets a link that withdraws it, in the text
/// and as `List-Unsubscribe` (with one-click `List-Unsubscribe-Post`, RFC 8058).
fn confirmation(
    state: &AppState,
    c: &PublicCampaign,
    signer: &Signer,
    consent: bool,
) -> AppResult<Confirmation> {
    let token = random_token();
    let token_hash = hash_token(&token);
    let base = format!("{}/{}/actions", state.settings.public_base(), c.branch.slug);
    let link = format!("{base}/confirm?token={token}");
    let mut text = format!(
        "Dear {},\n\nThank you for signing \"{}\" for {}. Your signature counts once you \
         confirm this is your email address by opening this link:\n\n{link}\n\n\
         If you did not sign, ignore this email and nothing more will happen.\n",
        signer.name, c.eaction.title, c.branch.name
    );
    let unsubscribe = consent.then(|| {
        let token = random_token();
        (
            hash_token(&token),
            format!("{base}/unsubscribe?token={token}"),
        )
    });
    if let Some((_, link)) = &unsubscribe {
        text.push_str(&consent::unsubscribe_paragraph(&c.branch.name, link));
    }
    let mut email = OutgoingEmail::new(
        signer.email.as_str(),
        format!("Please confirm your signature: {}", c.eaction.title),
        text,
    );
    if let Some((_, link)) = &unsubscribe {
        email = email.with_list_unsubscribe(link.clone());
    }
    let payload = serde_json::to_string(&email)
        .map_err(|e| AppError::failed("writing a confirmation email", e))?;
    Ok(Confirmation {
        email: NewOutboxEmail {
            idempotency_key: Some(format!("eaction-confirm:{token_hash}")),
            payload,
            max_attempts: state.settings.worker.max_attempts,
            run_after: chrono::Utc::now(),
            send_once: false,
        },
        token_hash,
        unsubscribe_hash: unsubscribe.map(|(hash, _)| hash),
        again_after_secs: i64::from(state.settings.eactions.confirm_again_minutes) * 60,
    })
}

/// Follows a confirmation link: the signature counts from now, and open pages hear the new
/// count. Returns the campaign, or `None` for a link that matches no signature.
pub async fn confirm(
    state: &AppState,
    branch: &Branch,
    token: &str,
) -> AppResult<Option<(EactionId, bool)>> {
    use picket_store::eactions::ConfirmOutcome;
    let mut work = state.store.begin().await?;
    let outcome = work.confirm_signature(&hash_token(token.trim())).await?;
    let answer = match outcome {
        ConfirmOutcome::Confirmed(id) => Some((id, true)),
        ConfirmOutcome::AlreadyConfirmed(id) => Some((id, false)),
        ConfirmOutcome::Unknown => None,
    };
    if let Some((id, true)) = answer {
        work.publish(picket_store::StoreEvent {
            topic: picket_store::signing::SIGNED.into(),
            payload: format!("{{\"branch\":{},\"eaction\":{}}}", branch.id.0, id.0),
        });
    }
    work.commit().await?;
    Ok(answer)
}

/// The pages of campaigns, the log and the monitor, to be merged into the page router.
pub fn page_routes() -> axum::Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};
    let d = "/{branch}/disputes/{id}";
    axum::Router::new()
        .route(
            &format!("{d}/actions"),
            get(admin::list).post(admin::create),
        )
        .route(
            &format!("{d}/actions/{{eaction}}"),
            get(public::page)
                .post(public::post)
                .layer(DefaultBodyLimit::max(SIGN_BODY_LIMIT)),
        )
        .route(
            &format!("{d}/actions/{{eaction}}/events"),
            get(live::events),
        )
        .route(
            &format!("{d}/actions/{{eaction}}/manage"),
            get(admin::manage),
        )
        .route(
            &format!("{d}/actions/{{eaction}}/open"),
            post(admin::set_open),
        )
        .route(
            &format!("{d}/actions/{{eaction}}/targets"),
            post(admin::add_target),
        )
        .route(
            &format!("{d}/actions/{{eaction}}/targets/{{target}}/remove"),
            post(admin::remove_target),
        )
        .route(
            &format!("{d}/actions/{{eaction}}/targets/{{target}}/reply"),
            post(admin::reply),
        )
        .route(
            &format!("{d}/actions/{{eaction}}/handin.csv"),
            get(handin::export),
        )
        .route(
            &format!("{d}/actions/{{eaction}}/handin"),
            get(handin::printable),
        )
        .route(
            "/{branch}/actions/confirm",
            get(public::confirm_page)
                .post(public::confirm)
                .layer(DefaultBodyLimit::max(SIGN_BODY_LIMIT)),
        )
        .route(
            "/{branch}/actions/unsubscribe",
            get(consent::unsubscribe_page)
                .post(consent::unsubscribe)
                .layer(DefaultBodyLimit::max(SIGN_BODY_LIMIT)),
        )
        .route(
            &format!("{d}/letters"),
            get(letters::list).post(letters::add),
        )
        .route(
            &format!("{d}/letters/{{letter}}/status"),
            post(letters::set_status),
        )
        .route(
            &format!("{d}/letters/{{letter}}/timeline"),
            post(letters::timeline),
        )
        .route("/{branch}/letters/overdue", get(letters::overdue))
        .route(
            &format!("{d}/monitor"),
            get(monitor::page).post(monitor::add),
        )
        .route(
            &format!("{d}/monitor/{{report}}/outcome"),
            post(monitor::set_outcome),
        )
        .route(
            &format!("{d}/monitor/{{report}}/letters"),
            post(monitor::link),
        )
}
