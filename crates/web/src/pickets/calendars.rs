//! Shift calendars (text/calendar, timed events in Europe/London with the zone defined): a
//! public feed of a dispute's shifts open to supporters (places, never people), and each
//! member's own shifts at a secret address made from a keyed hash of the member and a key
//! generation, so resetting it ends the old address.

use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::pages::{render, Layout};
use crate::pickets::common::{host, links, public_dispute, require_member, today, FEED_PURPOSE};
use crate::pickets::signups::NoFields;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::Duration;
use picket_domain::pickets::ical::{feed, FeedShift};
use picket_domain::{DisputeId, MemberId, Role};
use picket_store::shifts::{link_token, link_token_matches, Shift};
use picket_store::Branch;

fn feed_shift(state: &AppState, branch: &Branch, s: &Shift, dispute: &str) -> FeedShift {
    FeedShift {
        id: s.id.0,
        times: s.times,
        site: s.site_name.clone(),
        entrance: s.entrance_name.clone(),
        address: s.site_address.clone(),
        notes: s.notes.clone(),
        dispute: dispute.to_string(),
        cancelled: s.cancelled_at.is_some(),
        updated_at: s.cancelled_at.unwrap_or(s.starts_at - Duration::days(1)),
        url: Some(format!(
            "{}/{}/disputes/{}/pickets/join",
            state.settings.public_base(),
            branch.slug,
            s.dispute_id
        )),
    }
}

fn respond(headers: &HeaderMap, cache: &'static str, body: String) -> Response {
    crate::cache::respond(headers, "text/calendar; charset=utf-8", cache, body)
}

/// GET /{branch}/disputes/{id}/pickets.ics: the shifts open to supporters (public).
pub async fn public_feed(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, DisputeId)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let (branch, dispute) = public_dispute(&state, &slug, id).await?;
    let from = today() - Duration::days(30);
    let shifts: Vec<FeedShift> = state
        .store
        .picket_shifts(branch.id, id, Some(from), None)
        .await?
        .iter()
        .filter(|s| s.open_to_supporters)
        .map(|s| feed_shift(&state, &branch, s, &dispute.title))
        .collect();
    let name = format!("{}: picket shifts, {}", branch.name, dispute.title);
    Ok(respond(
        &headers,
        "public, max-age=300",
        feed(&name, &host(&state), &shifts),
    ))
}

/// The secret address of a member's own calendar.
pub async fn private_address(
    state: &AppState,
    branch: &Branch,
    member: MemberId,
) -> AppResult<String> {
    let links = links(state).await?;
    let generation = state.store.feed_generation(branch.id, member).await?;
    Ok(format!(
        "{}/{}/pickets/feeds/{member}/{}.ics",
        state.settings.public_base(),
        branch.slug,
        link_token(&links.secret, FEED_PURPOSE, member.0, generation)
    ))
}

/// GET /{branch}/pickets/feeds/{member}/{token}.ics: a member's own shifts (the address is
/// the secret; a reset address is not found).
pub async fn private_feed(
    State(state): State<AppState>,
    Path((slug, member, file)): Path<(String, MemberId, String)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let token = file.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    let branch = state.store.branch_by_slug(&slug).await?;
    let links = links(&state).await?;
    let generation = match state.store.feed_generation(branch.id, member).await {
        Ok(g) => g,
        Err(picket_store::StoreError::NotFound) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    };
    if !link_token_matches(&links.secret, FEED_PURPOSE, member.0, generation, token) {
        return Err(AppError::NotFound);
    }
    let from = today() - Duration::days(30);
    let shifts = state.store.member_shifts(branch.id, member, from).await?;
    let mut titles: std::collections::HashMap<DisputeId, String> = Default::default();
    let mut events = Vec::new();
    for s in &shifts {
        let title = match titles.entry(s.dispute_id) {
            std::collections::hash_map::Entry::Occupied(t) => t.into_mut(),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(state.store.dispute(branch.id, s.dispute_id).await?.title)
            }
        };
        events.push(feed_shift(&state, &branch, s, title));
    }
    let name = format!("{}: my picket shifts", branch.name);
    Ok(respond(
        &headers,
        "private, no-store",
        feed(&name, &host(&state), &events),
    ))
}

#[derive(Template)]
#[template(path = "pickets/calendar.html")]
struct CalendarPage {
    layout: Layout,
    branch: Branch,
    address: Option<String>,
    reset: bool,
}

async fn calendar_page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    slug: &str,
    reset: bool,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, slug, Role::Member)
        .await?;
    let member = crate::pickets::common::own_member(state, &branch, user).await?;
    let address = match member {
        Some(m) => Some(private_address(state, &branch, m.id).await?),
        None => None,
    };
    render(&CalendarPage {
        layout: Layout::new("My picket calendar", csrf, Some(user)),
        branch,
        address,
        reset,
    })
}

/// GET /{branch}/pickets/calendar: the member's secret calendar address.
pub async fn calendar(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    calendar_page(&state, &csrf, &user, &slug, false).await
}

/// POST /{branch}/pickets/calendar: a new secret address (the old one stops working).
pub async fn reset(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Member)
        .await?;
    let member = require_member(&state, &branch, &user).await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    let mut work = state.store.begin().await?;
    work.reset_feed_key(branch.id, member.id).await?;
    work.audit(actor.entry("picket.feed.reset", format!("member:{}", member.id)))
        .await?;
    work.commit().await?;
    calendar_page(&state, &csrf, &user, &slug, true).await
}
