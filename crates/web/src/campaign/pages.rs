//! The public campaign page of a dispute (`/{branch}/disputes/{id}`) and what hangs off it:
//! live counters by Server-Sent Events, the strike calendar as iCalendar, and a printable A4
//! poster with a QR code. Public, cached, and never anything about members.

use crate::cache::CachedPage;
use crate::campaign::{Campaign, Counters, Snapshot};
use crate::error::{AppError, AppResult};
use crate::extract::{CsrfToken, CurrentUser};
use crate::filters;
use crate::pages::Layout;
use crate::state::AppState;
use askama::Template;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::Response;
use picket_domain::disputes::Named;
use picket_domain::DisputeId;
use picket_store::Branch;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "campaign/page.html")]
struct CampaignPage<'a> {
    layout: Layout,
    branch: &'a Branch,
    c: &'a Campaign,
    /// The page's description for link previews.
    description: String,
    /// Whether the visitor organises this branch (links to the desk and the pickets form).
    can_edit: bool,
}

fn description(c: &Campaign) -> String {
    let mut d = c.claim.clone();
    if let Some(next) = c.upcoming.first() {
        d.push_str(&format!(" Next action: {}.", next.dates));
    }
    d
}

async fn snapshot(
    state: &AppState,
    slug: &str,
    id: DisputeId,
) -> AppResult<(Branch, Arc<Snapshot>)> {
    let snap = state.campaign_cache.get(state, slug, id).await?;
    Ok((snap.branch.clone(), snap))
}

fn template_error(e: askama::Error) -> AppError {
    AppError::failed("rendering a page", e)
}

/// GET /{branch}/disputes/{id}: the campaign page. Anonymous visitors share one rendered,
/// precompressed page per process (with an ETag, 304 on revalidation, and a short public cache
/// lifetime); a signed-in person gets theirs rendered, with their navigation.
pub async fn page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Path((slug, id)): Path<(String, DisputeId)>,
    mut parts: Parts,
) -> AppResult<Response> {
    let (branch, snap) = snapshot(&state, &slug, id).await?;
    let c = &snap.campaign;
    if let Some(user) = user {
        // Only a signed-in person has a form on this page (sign out), so only they get a token.
        let csrf = CsrfToken::from_request_parts(&mut parts, &state).await?;
        let can_edit = user.is_admin()
            || user
                .role_in(&branch.slug)
                .is_some_and(|r| r.at_least(picket_domain::Role::Organiser));
        let html = CampaignPage {
            layout: Layout::new(c.dispute.title.clone(), &csrf, Some(&user)),
            branch: &branch,
            c,
            description: description(c),
            can_edit,
        }
        .render()
        .map_err(template_error)?;
        return Ok(crate::cache::respond(
            &parts.headers,
            "text/html; charset=utf-8",
            "private, no-store",
            html,
        ));
    }
    let cached = {
        let kept = snap.page.lock().unwrap_or_else(|e| e.into_inner()).clone();
        match kept {
            Some(page) => page,
            None => {
                let html = CampaignPage {
                    layout: Layout {
                        title: c.dispute.title.clone(),
                        ..Layout::default()
                    },
                    branch: &branch,
                    c,
                    description: description(c),
                    can_edit: false,
                }
                .render()
                .map_err(template_error)?;
                let page = Arc::new(CachedPage::new(html, 0));
                *snap.page.lock().unwrap_or_else(|e| e.into_inner()) = Some(page.clone());
                page
            }
        }
    };
    Ok(crate::cache::respond_page(
        &parts.headers,
        &cached,
        "public, max-age=10",
    ))
}

/// GET /{branch}/disputes/{id}/counters: the live counters as Server-Sent Events (`event:
/// counters`, JSON `{"strike_days", "wall_messages"}`): once at once, then whenever they
/// change (an approved wall message, a new day). Without JavaScript the page shows the
/// figures as they were when it loaded.
pub async fn counters(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, DisputeId)>,
) -> AppResult<
    axum::response::sse::Sse<
        impl futures::Stream<Item = Result<axum::response::sse::Event, std::convert::Infallible>>,
    >,
> {
    use axum::response::sse::{Event, KeepAlive, Sse};
    use tokio::sync::broadcast::error::RecvError;
    let (branch, _) = snapshot(&state, &slug, id).await?;
    struct Watch {
        state: AppState,
        branch: Branch,
        id: DisputeId,
        events: tokio::sync::broadcast::Receiver<crate::wall::LiveEvent>,
        tick: tokio::time::Interval,
        last: Option<Counters>,
    }
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let watch = Watch {
        events: state.live_events.subscribe(),
        state,
        branch,
        id,
        tick,
        last: None,
    };
    let stream = futures::stream::unfold(watch, |mut w| async move {
        loop {
            if w.last.is_some() {
                tokio::select! {
                    event = w.events.recv() => match event {
                        Ok(e) if e.wall_of(w.branch.id).is_none() => continue,
                        Err(RecvError::Closed) => return None,
                        Ok(_) | Err(RecvError::Lagged(_)) => {}
                    },
                    _ = w.tick.tick() => {}
                }
            }
            let Ok(snap) = w
                .state
                .campaign_cache
                .get(&w.state, &w.branch.slug, w.id)
                .await
            else {
                // The dispute is gone or no longer public; a database hiccup retries next time.
                w.last.as_ref()?;
                continue;
            };
            let now = snap.campaign.counters.clone();
            if w.last.as_ref() == Some(&now) {
                continue;
            }
            let event = Event::default().event("counters").json_data(&now).ok()?;
            w.last = Some(now);
            return Some((Ok(event), w));
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// GET /{branch}/disputes/{id}/strikes.ics: the periods of action as an iCalendar feed that
/// calendar apps subscribe to: one all-day event per period, with the days counted.
pub async fn ics(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, DisputeId)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let (branch, snap) = snapshot(&state, &slug, id).await?;
    let host = url::Url::parse(state.settings.public_base())
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "picket.invalid".into());
    let body = crate::campaign::ics::calendar(&branch, &snap.campaign, &host);
    Ok(crate::cache::respond(
        &headers,
        "text/calendar; charset=utf-8",
        "public, max-age=300",
        body,
    ))
}

#[derive(Template)]
#[template(path = "campaign/poster.html")]
struct PosterPage<'a> {
    branch: &'a Branch,
    c: &'a Campaign,
    qr: String,
}

/// The QR code for `url` as a standalone SVG document.
pub fn qr_document(url: &str) -> AppResult<String> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| AppError::failed("drawing the QR code", e))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

/// The QR code for `url` as an SVG element (no XML declaration, so it sits inside HTML).
pub fn qr_svg(url: &str) -> AppResult<String> {
    let svg = qr_document(url)?;
    Ok(match svg.find("<svg") {
        Some(start) => svg[start..].to_string(),
        None => svg,
    })
}

/// GET /{branch}/disputes/{id}/poster: an A4 poster to print: the claim, the dates of action
/// and a QR code to the page's address (from `server.public_url`).
pub async fn poster(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, DisputeId)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let (branch, snap) = snapshot(&state, &slug, id).await?;
    let html = PosterPage {
        branch: &branch,
        c: &snap.campaign,
        qr: qr_svg(&snap.campaign.url)?,
    }
    .render()
    .map_err(template_error)?;
    Ok(crate::cache::respond(
        &headers,
        "text/html; charset=utf-8",
        "public, max-age=60",
        html,
    ))
}

/// GET /{branch}/disputes/{id}/qr.svg: the QR code alone, for leaflets and slides.
pub async fn qr(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, DisputeId)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let (_, snap) = snapshot(&state, &slug, id).await?;
    let svg = qr_document(&snap.campaign.url)?;
    Ok(crate::cache::respond(
        &headers,
        "image/svg+xml",
        "public, max-age=3600",
        svg,
    ))
}
