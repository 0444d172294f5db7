//! Members' own access, shared by pages and the API: asking for a sign-in link (the same
//! answer whether or not the address is known, rate-limited per address and per client),
//! using one (a single-use token, only its hash stored), and saving a member's corrections
//! and consent choices.

pub mod api;
pub mod email_change;
pub mod pages;
pub mod staff_pages;
pub mod subject_access;

use crate::account::tokens::{hash_token, random_token};
use crate::error::{AppError, AppResult};
use crate::extract::CurrentUser;
use crate::security::keyed_hash;
use crate::state::AppState;
use chrono::{Duration, Utc};
use picket_domain::members::{ContactPreferences, Phone};
use picket_domain::{BranchId, Email};
use picket_mail::OutgoingEmail;
use picket_store::member_data::{LinkUse, NewMagicLink, OwnDetails};
use picket_store::members::Member;
use picket_store::{Attempt, AttemptLimit, Branch, NewAuditEntry};

/// The one answer to a request for a sign-in link, whether or not the address is known.
pub const LINK_SENT: &str =
    "If we know this address, a sign-in link is on its way. It works once, for a short time.";

/// The throttle window for link requests.
const WINDOW_MINUTES: i64 = 60;

/// Handles a request for a sign-in link to `branch`. Refuses a malformed address (422) and
/// too many requests for one address or from one client (429); otherwise, when a member of
/// the branch has this address, stores a link, queues its email and audits it, in one unit
/// of work. Either way the caller shows [`LINK_SENT`].
pub async fn request_link(
    state: &AppState,
    branch: &Branch,
    typed: &str,
    client_ip: &str,
    request_id: Option<String>,
) -> AppResult<()> {
    let email: Email = typed.parse().map_err(|_| {
        AppError::invalid(
            "email",
            "Enter the email address the branch has for you, like name@example.org.",
        )
    })?;
    let settings = &state.settings.self_service;
    // Counted whether or not the address is known, so the limit says nothing about members.
    let email_key = keyed_hash(
        state,
        &format!("link-email:{}:{}", branch.id, email.as_str().to_lowercase()),
    )
    .await?;
    let ip_key = keyed_hash(state, &format!("link-ip:{client_ip}")).await?;
    let now = Utc::now();
    let since = now - Duration::minutes(WINDOW_MINUTES);
    // Counted and checked in one atomic step, so parallel requests cannot pass the limits.
    let limits = [
        AttemptLimit {
            key: &email_key,
            max: settings.links_per_email_per_hour,
        },
        AttemptLimit {
            key: &ip_key,
            max: settings.links_per_ip_per_hour,
        },
    ];
    if let Attempt::Refused(_) = state.store.take_attempt(&limits, since, now).await? {
        // A refusal changes nothing: its audit entry is written on its own.
        state
            .store
            .audit(NewAuditEntry {
                branch: Some(branch.id),
                action: "member.link.throttled".into(),
                request_id,
                ..Default::default()
            })
            .await?;
        return Err(AppError::TooManyRequests(format!(
            "Too many sign-in links have been asked for. Wait {WINDOW_MINUTES} minutes, then try again."
        )));
    }
    let Some((member_id, address)) = state.store.member_for_sign_in(branch.id, &email).await?
    else {
        return Ok(());
    };
    let token = random_token();
    let token_hash = hash_token(&token);
    let url = format!(
        "{}/login/link?token={token}",
        state.settings.server.public_url.trim_end_matches('/')
    );
    let message = OutgoingEmail::new(
        address,
        format!("Your sign-in link for {}", branch.name),
        format!(
            "Someone (we hope you) asked to sign in to {branch} on Picket to see and correct \
             your membership details.\n\nOpen this link and press the button to sign in. It works \
             once, within {minutes} minutes:\n{url}\n\nIf you did not ask, ignore this email: \
             nothing happens until the link is used.\n",
            branch = branch.name,
            minutes = settings.link_minutes,
        ),
    );
    let mut work = state.store.begin().await?;
    work.create_magic_link(&NewMagicLink {
        branch: branch.id,
        member_id,
        token_hash: token_hash.clone(),
        expires_at: now + Duration::minutes(settings.link_minutes),
    })
    .await?;
    picket_jobs::queue_email(
        &mut *work,
        &message,
        Some(format!("magic-link:{token_hash}")),
        state.settings.worker.max_attempts,
    )
    .await
    .map_err(|e| AppError::failed("queueing the sign-in email", e))?;
    work.audit(NewAuditEntry {
        branch: Some(branch.id),
        action: "member.link.sent".into(),
        subject: Some(format!("member:{member_id}")),
        request_id,
        ..Default::default()
    })
    .await?;
    work.commit().await?;
    Ok(())
}

/// Uses the sign-in link with `token` (of `branch`): returns the outcome and, when it signed
/// someone in, the new session token for the cookie. The link's use and its audit entry are
/// one unit of work. An unknown token, or one of another branch, is [`AppError::NotFound`].
pub async fn use_link(
    state: &AppState,
    branch: BranchId,
    token: &str,
    request_id: Option<String>,
) -> AppResult<(LinkUse, Option<String>)> {
    let session = random_token();
    let now = Utc::now();
    let mut work = state.store.begin().await?;
    let outcome = work
        .use_magic_link(
            branch,
            &hash_token(token.trim()),
            now,
            &hash_token(&session),
            now + Duration::hours(state.settings.security.session_hours),
        )
        .await?;
    let (entry, session) = match &outcome {
        LinkUse::SignedIn {
            user,
            member_id,
            created,
        } => (
            NewAuditEntry {
                actor: Some(user.id),
                branch: Some(branch),
                action: "login.link".into(),
                subject: Some(format!("member:{member_id}")),
                detail: created.then(|| format!("account user:{} created", user.id)),
                request_id,
            },
            Some(session),
        ),
        LinkUse::PasswordAccount { user, member_id } => (
            NewAuditEntry {
                actor: Some(user.id),
                branch: Some(branch),
                action: "member.link.password_account".into(),
                subject: Some(format!("member:{member_id}")),
                request_id,
                detail: None,
            },
            None,
        ),
        LinkUse::Refused(state_now) => (
            NewAuditEntry {
                branch: Some(branch),
                action: "member.link.refused".into(),
                detail: Some(format!("{state_now:?}").to_lowercase()),
                request_id,
                ..Default::default()
            },
            None,
        ),
    };
    work.audit(entry).await?;
    work.commit().await?;
    Ok((outcome, session))
}

/// The `Set-Cookie` value for a new session token.
pub fn session_cookie(state: &AppState, token: &str) -> String {
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        crate::extract::auth::SESSION_COOKIE,
        state.settings.security.session_hours * 3600,
        if state.settings.is_https() {
            "; Secure"
        } else {
            ""
        }
    )
}

/// What saving a member's own corrections came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnSaved {
    /// Everything is saved.
    Saved,
    /// Everything else is saved; the new email address waits for the link sent to it.
    ConfirmEmail,
}

/// Saves `member`'s corrections to their own record, made by `user` (the account linked to
/// it), with the audit entry, as one unit. A new email address is not used yet: the record
/// keeps the old one and a link to confirm the new one is sent to it, in the same unit
/// (see [`email_change`]). Removing the address, or changing only its case, needs no link.
pub async fn save_own_details(
    state: &AppState,
    branch: &Branch,
    member: &Member,
    user: &CurrentUser,
    details: &OwnDetails,
    request_id: Option<String>,
) -> AppResult<OwnSaved> {
    let current = member.details.email.as_ref();
    let new_address = details
        .email
        .as_ref()
        .filter(|new| current.is_none_or(|old| !old.as_str().eq_ignore_ascii_case(new.as_str())));
    let mut work = state.store.begin().await?;
    let mut now = details.clone();
    if new_address.is_some() {
        now.email = current.cloned();
    }
    work.update_own_details(branch.id, member.id, user.user.id, &now)
        .await?;
    work.audit(NewAuditEntry {
        actor: Some(user.user.id),
        branch: Some(branch.id),
        action: "member.self.update".into(),
        subject: Some(format!("member:{}", member.id)),
        request_id: request_id.clone(),
        ..Default::default()
    })
    .await?;
    if let Some(new) = new_address {
        email_change::request(
            state,
            &mut *work,
            branch,
            member.id,
            user.user.id,
            new,
            request_id,
        )
        .await?;
    }
    work.commit().await?;
    Ok(if new_address.is_some() {
        OwnSaved::ConfirmEmail
    } else {
        OwnSaved::Saved
    })
}

/// A member's corrections as typed (form or JSON).
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct OwnDetailsInput {
    /// Email address (sign-in links go here); empty removes it.
    #[serde(default)]
    pub email: String,
    /// Phone number; empty removes it.
    #[serde(default)]
    pub phone: String,
    /// Agree to be emailed.
    #[serde(default, deserialize_with = "checkbox")]
    pub contact_email: bool,
    /// Agree to be phoned or texted.
    #[serde(default, deserialize_with = "checkbox")]
    pub contact_phone: bool,
}

/// A checkbox: present with any value but "false"/"0"/"off" means ticked; JSON booleans work too.
pub(crate) fn checkbox<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Tick {
        Bool(bool),
        Text(String),
    }
    Ok(match <Tick as serde::Deserialize>::deserialize(d)? {
        Tick::Bool(b) => b,
        Tick::Text(t) => !matches!(t.as_str(), "" | "false" | "0" | "off"),
    })
}

/// Validates a member's corrections against their current consent: a choice that did not
/// change keeps the day it was given; a new "yes" takes today's date and the branch's
/// wording; no "yes" at all withdraws consent.
pub fn own_details(
    state: &AppState,
    input: &OwnDetailsInput,
    current: &ContactPreferences,
) -> AppResult<OwnDetails> {
    let email = match input.email.trim() {
        "" => None,
        typed => Some(typed.parse::<Email>().map_err(|_| {
            AppError::invalid(
                "email",
                "Enter an email address like name@example.org, or leave it empty.",
            )
        })?),
    };
    let phone = match input.phone.trim() {
        "" => None,
        typed => Some(
            typed
                .parse::<Phone>()
                .map_err(|e| AppError::invalid("phone", format!("The phone number {e}.")))?,
        ),
    };
    if input.contact_email && email.is_none() {
        return Err(AppError::invalid(
            "email",
            "Give an email address if you agree to be emailed.",
        ));
    }
    if input.contact_phone && phone.is_none() {
        return Err(AppError::invalid(
            "phone",
            "Give a phone number if you agree to be phoned.",
        ));
    }
    let unchanged =
        current.by_email == input.contact_email && current.by_phone == input.contact_phone;
    let contact = if !(input.contact_email || input.contact_phone) {
        ContactPreferences::default()
    } else if unchanged && current.consent_wording.is_some() && current.consent_date.is_some() {
        current.clone()
    } else {
        ContactPreferences {
            by_email: input.contact_email,
            by_phone: input.contact_phone,
            consent_wording: Some(state.settings.self_service.consent_wording.clone()),
            consent_date: Some(Utc::now().date_naive()),
        }
    };
    Ok(OwnDetails {
        email,
        phone,
        contact,
    })
}
