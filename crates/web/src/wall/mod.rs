//! The solidarity wall's rules at the web edge, shared by its pages and its API: rate limits,
//! duplicates and spam on the way in; moderation, its audit entry and the approval email on
//! the way out.

pub mod api;
pub mod cache;
pub mod embed;
pub mod feed;
pub mod pages;
pub mod pledges;

use crate::account::tokens::hash_token;
use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::state::AppState;
use chrono::{Duration, Utc};
use picket_domain::wall::{duplicate_key, validate, WallError, WallSubmission};
use picket_domain::WallMessageId;
use picket_mail::OutgoingEmail;
use picket_store::wall::{
    Moderation, NewWallMessage, WallMessage, WallPostLimits, WallStatus, WallSubmitted,
};
use picket_store::Branch;

/// A newly approved message as open wall pages receive it: plain text fields only, which the
/// page's script inserts with `textContent`, never as HTML.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WallEvent {
    /// The wall's branch.
    #[serde(skip)]
    pub branch: picket_domain::BranchId,
    /// Message id.
    pub id: WallMessageId,
    /// Poster's name.
    pub name: String,
    /// Their organisation.
    pub organisation: Option<String>,
    /// Who they are, for people.
    pub kind: &'static str,
    /// The message.
    pub message: String,
    /// Posted, for people.
    pub date: String,
    /// Permalink.
    pub url: String,
}

/// What open live pages hear: a newly approved wall message, or a campaign's new count. One
/// broadcast carries both, fed by [`forward_events`].
#[derive(Debug, Clone)]
pub enum LiveEvent {
    /// A wall message was approved.
    Wall(WallEvent),
    /// A campaign's count of signatures changed.
    Count(crate::eactions::live::CountEvent),
}

impl LiveEvent {
    /// The wall message, when this is one approved on `branch`'s wall.
    pub fn wall_of(&self, branch: picket_domain::BranchId) -> Option<&WallEvent> {
        match self {
            LiveEvent::Wall(e) if e.branch == branch => Some(e),
            _ => None,
        }
    }
}

/// How long a stamped wall form stays valid.
const STAMP_HOURS: i64 = 6;

/// A signed time stamp for a wall form, made for the second `at`.
///
/// Wall posts are anonymous: there is no session for a forged cross-site post to ride, so the
/// wall's forms need no per-visitor CSRF token. The stamp proves the form came from this
/// server, times how long it was open (a spam defence), and keeps the page the same for every
/// visitor, so it can be cached.
pub async fn form_stamp(state: &AppState, branch: &Branch, at: i64) -> AppResult<String> {
    // Keyed with the instance secret: only this server can make a valid stamp.
    let key = crate::security::keyed_hash(state, &format!("wall-form:{}:{at}", branch.id)).await?;
    Ok(format!("{at}.{}", &hash_token(&key)[..32]))
}

/// Checks a wall form's stamp and returns the seconds since the form was made.
pub async fn check_form_stamp(state: &AppState, branch: &Branch, stamp: &str) -> AppResult<i64> {
    let refused = || {
        AppError::Csrf(
            "This form is too old or was not made by Picket. Reload the page and try again.",
        )
    };
    let (at, _) = stamp.split_once('.').ok_or_else(refused)?;
    let at: i64 = at.parse().map_err(|_| refused())?;
    let expected = form_stamp(state, branch, at).await?;
    let age = Utc::now().timestamp() - at;
    if !crate::account::tokens::same_secret(&expected, stamp)
        || !(0..=STAMP_HOURS * 3600).contains(&age)
    {
        return Err(refused());
    }
    Ok(age)
}

/// The event topic for a newly approved wall message.
pub const WALL_APPROVED: &str = "wall.approved";

/// Turns `wall.approved` events from every process into [`WallEvent`]s for this process's
/// open wall pages: one database read per event per process, however many pages are open.
/// Campaigns' `eaction.signed` events become their new counts the same way
/// ([`crate::eactions::live`]).
pub async fn forward_events(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    use tokio::sync::broadcast::error::RecvError;
    let mut events = state.store.subscribe();
    loop {
        let event = tokio::select! {
            _ = stop.wait_for(|s| *s) => break,
            event = events.recv() => event,
        };
        match event {
            Ok(event) if event.topic == WALL_APPROVED => {
                if let Err(e) = forward_one(&state, &event.payload).await {
                    tracing::warn!(error = %e, "could not forward a wall event");
                }
            }
            Ok(event) if event.topic == picket_store::signing::SIGNED => {
                crate::eactions::live::count_changed(&state, &event.payload);
            }
            Ok(_) | Err(RecvError::Lagged(_)) => {}
            Err(RecvError::Closed) => break,
        }
    }
}

async fn forward_one(state: &AppState, payload: &str) -> AppResult<()> {
    #[derive(serde::Deserialize)]
    struct Approved {
        branch: picket_domain::BranchId,
        slug: String,
        id: WallMessageId,
    }
    let a: Approved =
        serde_json::from_str(payload).map_err(|e| AppError::Internal(e.to_string()))?;
    let branch = a.branch;
    state.wall_cache.invalidate(&a.slug);
    let m = state.store.wall_message(branch, a.id).await?;
    if m.status != WallStatus::Approved {
        return Ok(());
    }
    // Nobody listening is fine: the page shows it on the next load.
    let _ = state.live_events.send(LiveEvent::Wall(WallEvent {
        branch,
        id: m.id,
        name: m.name.clone(),
        organisation: m.organisation.clone(),
        kind: m.kind.label(),
        message: m.message.clone(),
        date: picket_domain::dates::long_date(m.created_at.date_naive()),
        url: format!("/{}/wall/{}", a.slug, m.id),
    }));
    Ok(())
}

/// What became of a submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submitted {
    /// Stored and waiting for a moderator.
    Pending(WallMessageId),
    /// Caught by the spam defences: stored as spam (unless too malformed to keep), and the
    /// sender is told nothing different.
    Spam(Option<WallMessageId>),
}

/// Checks and stores a public post. `honeypot` and `fill_secs` come from the HTML form only.
pub async fn submit(
    state: &AppState,
    branch: &Branch,
    submission: &WallSubmission,
    honeypot: Option<&str>,
    fill_secs: Option<i64>,
    ip: &str,
) -> AppResult<Submitted> {
    let settings = &state.settings.wall;
    let ip_hash = crate::security::keyed_hash(state, ip).await?;
    let (post, status) = match validate(submission, honeypot, fill_secs, &settings.limits()) {
        Ok(post) => (post, WallStatus::Pending),
        Err(WallError::Invalid { field, message }) => {
            return Err(AppError::invalid(field, message))
        }
        Err(WallError::Spam) => {
            // Keep what a robot sent for the moderators' spam view, without its email.
            let mut loose = submission.clone();
            loose.email = None;
            loose.pledge = None;
            let lenient = picket_domain::wall::WallLimits {
                min_fill_secs: 0,
                ..settings.limits()
            };
            match validate(&loose, None, None, &lenient) {
                Ok(post) => (post, WallStatus::Spam),
                Err(_) => return Ok(Submitted::Spam(None)),
            }
        }
    };
    let now = Utc::now();
    // Checked by the store in the same transaction that writes the post. Spam counts against
    // its address but is kept whatever it repeats.
    let limits = WallPostLimits {
        per_address: Some((settings.posts_per_ip_per_hour, now - Duration::hours(1))),
        duplicates_since: (status == WallStatus::Pending)
            .then(|| now - Duration::hours(settings.duplicate_window_hours)),
    };
    // The post is the whole change: an anonymous post has no audit entry, email or event.
    let mut work = state.store.begin().await?;
    let stored = work
        .submit_wall_message(
            NewWallMessage {
                branch: branch.id,
                content_key: duplicate_key(&post.message),
                post,
                ip_hash,
                status,
            },
            limits,
        )
        .await?;
    work.commit().await?;
    match (stored, status) {
        (WallSubmitted::Stored(id), WallStatus::Spam) => Ok(Submitted::Spam(Some(id))),
        (WallSubmitted::Stored(id), _) => Ok(Submitted::Pending(id)),
        (WallSubmitted::TooManyFromAddress { recent }, _) => Err(AppError::TooManyRequests(format!(
            "You have posted {recent} messages in the last hour, the most we accept. Please try again later."
        ))),
        (WallSubmitted::Duplicate, _) => Err(AppError::Conflict(
            "We have already received this message. Thank you: it will appear once a moderator has approved it.".into(),
        )),
    }
}

/// Parses a moderation action as the form and the API send it.
pub fn parse_action(action: &str, text: Option<&str>) -> AppResult<Moderation> {
    Ok(match action {
        "approve" => Moderation::Approve,
        "reject" => Moderation::Reject,
        "spam" => Moderation::Spam,
        "feature" => Moderation::Feature(true),
        "unfeature" => Moderation::Feature(false),
        "edit" => {
            // The poster's rules for text, without the length limit: a moderator shortens.
            let limits = picket_domain::wall::WallLimits {
                max_message_chars: usize::MAX,
                ..Default::default()
            };
            let text = picket_domain::wall::edited_message(text.unwrap_or_default(), &limits)
                .map_err(|e| match e {
                    WallError::Invalid { field, message } => AppError::invalid(field, message),
                    WallError::Spam => AppError::invalid("text", "Give the corrected message."),
                })?;
            Moderation::Edit(text)
        }
        other => {
            return Err(AppError::invalid(
                "action",
                format!("`{other}` is not a moderation action: use approve, reject, spam, feature, unfeature or edit"),
            ))
        }
    })
}

/// Applies a moderator's decision in one unit with its audit entry and, when it puts the post
/// on the wall, the `wall.approved` event and the email to a poster who left an address.
pub async fn moderate(
    state: &AppState,
    actor: &Actor<'_>,
    id: WallMessageId,
    action: &Moderation,
) -> AppResult<WallMessage> {
    let branch = actor.branch;
    let mut work = state.store.begin().await?;
    let moderated = work
        .moderate_wall_message(branch.id, id, action, actor.user.user.id)
        .await?;
    let name = match action {
        Moderation::Approve => "wall.approve",
        Moderation::Reject => "wall.reject",
        Moderation::Spam => "wall.spam",
        Moderation::Feature(true) => "wall.feature",
        Moderation::Feature(false) => "wall.unfeature",
        Moderation::Edit(_) => "wall.edit",
    };
    work.audit(actor.entry(name, format!("wall:{id}"))).await?;
    let after = moderated.message.clone();
    if moderated.newly_approved() {
        // Every process's open walls hear of it (LISTEN/NOTIFY on PostgreSQL).
        work.publish(picket_store::StoreEvent {
            topic: WALL_APPROVED.into(),
            payload:
                serde_json::json!({"branch": branch.id.0, "slug": branch.slug, "id": after.id})
                    .to_string(),
        });
        if let (true, Some(email)) = (state.settings.wall.email_on_approval, &after.email) {
            let link = format!(
                "{}/{}/wall/{}",
                state.settings.server.public_url, branch.slug, after.id
            );
            let message = OutgoingEmail::new(
                email.clone(),
                format!("Your message is on the {} solidarity wall", branch.name),
                format!("Thank you for your support. Your message is now on the wall:\n{link}\n"),
            );
            picket_jobs::queue_email(
                &mut *work,
                &message,
                Some(format!("wall-approved:{}", after.id)),
                state.settings.worker.max_attempts,
            )
            .await
            .map_err(|e| AppError::failed("queueing the approval email", e))?;
        }
    }
    work.commit().await?;
    state.wall_cache.invalidate(&branch.slug);
    Ok(after)
}

/// How a page shows a refused submission: the status, the message, and the field at fault.
/// Other errors pass through.
pub fn refusal(error: AppError) -> AppResult<(axum::http::StatusCode, String, &'static str)> {
    use axum::http::StatusCode;
    match error {
        AppError::Invalid { field, message } => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            crate::words::plain(field, &message),
            field,
        )),
        AppError::Conflict(message) => Ok((StatusCode::CONFLICT, message, "message")),
        AppError::TooManyRequests(message) => Ok((StatusCode::TOO_MANY_REQUESTS, message, "")),
        other => Err(other),
    }
}
