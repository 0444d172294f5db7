//! The solidarity wall's pages: the public wall with its form, a permalink per message, and
//! the moderation queue.

use crate::cache::CachedPage;
use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, LazyCsrfToken, RequestId};
use crate::pages::{render, render_with_status, Layout};
use crate::security::ClientIp;
use crate::state::AppState;
use crate::wall::cache::Lookup;
use crate::wall::{moderate as apply_moderation, parse_action, submit, Submitted};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use picket_domain::wall::{Pledge, SenderKind, WallSubmission};
use picket_domain::{Role, WallMessageId};
use picket_store::wall::{WallFilter, WallMessage, WallStatus};
use picket_store::{Branch, Page, PageRequest};
use serde::Deserialize;

/// A message as a page shows it: plain text, never the poster's email.
pub struct MessageView {
    /// Its id, for the permalink.
    pub id: WallMessageId,
    /// Poster's name.
    pub name: String,
    /// Their organisation.
    pub organisation: Option<String>,
    /// Label of who they are.
    pub kind: &'static str,
    /// The text.
    pub message: String,
    /// Pinned to the top.
    pub featured: bool,
    /// Posted, as a date for people.
    pub date: String,
    /// Offer shown to moderators only.
    pub pledge: Option<String>,
    /// Shown to moderators only.
    pub email: Option<String>,
    /// Status, for moderators.
    pub status: &'static str,
    /// Whether a moderator corrected it.
    pub edited: bool,
}

impl MessageView {
    fn public(m: &WallMessage) -> Self {
        Self {
            id: m.id,
            name: m.name.clone(),
            organisation: m.organisation.clone(),
            kind: m.kind.label(),
            message: m.message.clone(),
            featured: m.featured,
            date: picket_domain::dates::long_date(m.created_at.date_naive()),
            pledge: None,
            email: None,
            status: m.status.as_str(),
            edited: m.original.is_some(),
        }
    }

    fn for_moderators(m: &WallMessage) -> Self {
        let pledge = m.pledge.as_ref().map(|p| match p {
            Pledge::Donation { pence } => {
                format!("donation of {pence}")
            }
            Pledge::Speaker => "invites a speaker".into(),
            Pledge::Banner => "offers a banner".into(),
            Pledge::Visit => "will visit the picket line".into(),
        });
        Self {
            pledge,
            email: m.email.clone(),
            ..Self::public(m)
        }
    }
}

/// The wall form as typed; kept when it fails.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct WallForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    pledge: String,
    #[serde(default)]
    pledge_amount: String,
    #[serde(default)]
    consent: Option<String>,
    /// The honeypot: hidden from people, filled by robots.
    #[serde(default)]
    website: String,
    /// The form's signed time stamp.
    #[serde(default)]
    stamp: String,
}

impl WallForm {
    fn submission(&self) -> WallSubmission {
        WallSubmission {
            name: self.name.clone(),
            organisation: Some(self.organisation.clone()),
            kind: self.kind.clone(),
            message: self.message.clone(),
            email: Some(self.email.clone()),
            pledge: Some(self.pledge.clone()),
            pledge_amount: Some(self.pledge_amount.clone()),
            consent: self.consent.is_some(),
        }
    }
}

#[derive(Template)]
#[template(path = "wall/wall.html")]
struct WallPage {
    layout: Layout,
    branch: Branch,
    messages: Page<MessageView>,
    kinds: Vec<(&'static str, &'static str)>,
    kind: String,
    form: WallForm,
    error: Option<String>,
    error_field: &'static str,
    stamp: String,
    posted: bool,
    max_chars: usize,
    can_moderate: bool,
    /// The wall's public address, for links shared elsewhere.
    url: String,
}

/// `?kind=&page=&posted=`
#[derive(Debug, Deserialize)]
pub struct WallQuery {
    kind: Option<String>,
    page: Option<u32>,
    posted: Option<u8>,
}

async fn wall_page(
    state: &AppState,
    csrf: &CsrfToken,
    user: Option<&CurrentUser>,
    branch: Branch,
    kind: Option<String>,
    page: u32,
) -> AppResult<WallPage> {
    let kind_filter = kind
        .as_deref()
        .filter(|k| !k.is_empty())
        .and_then(|k| k.parse::<SenderKind>().ok());
    let filter = WallFilter {
        status: Some(WallStatus::Approved),
        kind: kind_filter,
    };
    let found = state
        .store
        .wall_messages(branch.id, filter, PageRequest::new(page, 20))
        .await?;
    let messages = Page {
        items: found.items.iter().map(MessageView::public).collect(),
        page: found.page,
        per_page: found.per_page,
        total: found.total,
    };
    let can_moderate = user.is_some_and(|u| {
        u.role_in(&branch.slug)
            .is_some_and(|r| r.at_least(Role::Organiser))
            || u.is_admin()
    });
    let stamp = crate::wall::form_stamp(state, &branch, Utc::now().timestamp()).await?;
    let url = format!("{}/{}/wall", state.settings.public_base(), branch.slug);
    Ok(WallPage {
        layout: Layout::new(format!("Solidarity wall · {}", branch.name), csrf, user),
        branch,
        messages,
        kinds: SenderKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        kind: kind_filter
            .map(|k| k.as_str().to_string())
            .unwrap_or_default(),
        form: WallForm::default(),
        error: None,
        error_field: "",
        stamp,
        posted: false,
        max_chars: state.settings.wall.max_message_chars,
        can_moderate,
        url,
    })
}

/// GET /{branch}/wall. Anonymous visitors get the cached, precompressed page
/// ([`crate::wall::cache`]) with an ETag; signed-in people get theirs rendered.
pub async fn wall(
    State(state): State<AppState>,
    csrf: LazyCsrfToken,
    user: Option<CurrentUser>,
    Path(slug): Path<String>,
    Query(q): Query<WallQuery>,
    // The request itself rather than a copy of its headers: only two of them are read.
    request: axum::extract::Request,
) -> AppResult<Response> {
    let page_number = q.page.unwrap_or(1).max(1);
    if user.is_some() || q.posted.is_some() {
        // Boxed, here and below, so that the future of the common case (a cached page) is
        // small: every request's future is moved into the heap as a whole.
        return Box::pin(async move {
            let branch = state.store.branch_by_slug(&slug).await?;
            let csrf = csrf.token();
            let mut page =
                wall_page(&state, &csrf, user.as_ref(), branch, q.kind, page_number).await?;
            page.posted = q.posted.is_some();
            render(&page)
        })
        .await;
    }
    let second = Utc::now().timestamp();
    let key = (
        slug.clone(),
        q.kind.clone().unwrap_or_default(),
        page_number,
    );
    let cached = match state.wall_cache.lookup(&key, second) {
        Lookup::Page(page) => page,
        Lookup::Render => Box::pin(render_anonymous(&state, key, q.kind, second)).await?,
    };
    Ok(crate::cache::respond_page(
        request.headers(),
        &cached,
        "no-cache",
    ))
}

/// Renders the wall page an anonymous visitor gets, and keeps it in the cache.
async fn render_anonymous(
    state: &AppState,
    key: crate::wall::cache::PageKey,
    kind: Option<String>,
    second: i64,
) -> AppResult<std::sync::Arc<CachedPage>> {
    let generation = state.wall_cache.generation(&key.0);
    let branch = state.store.branch_by_slug(&key.0).await?;
    // The anonymous page has no form that needs the visitor's token (the wall's own form is
    // checked by its stamp), so it is rendered without one and sets no cookie.
    let no_token = CsrfToken(String::new());
    let page = wall_page(state, &no_token, None, branch, kind, key.2).await?;
    let html = page
        .render()
        .map_err(|e| AppError::Internal(format!("template: {e}")))?;
    let cached = std::sync::Arc::new(CachedPage::new(html, second));
    state.wall_cache.put(key, cached.clone(), generation);
    Ok(cached)
}

/// POST /{branch}/wall
pub async fn post(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: Option<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(slug): Path<String>,
    axum::Form(form): axum::Form<WallForm>,
) -> AppResult<Response> {
    let branch = state.store.branch_by_slug(&slug).await?;
    let fill_secs = crate::wall::check_form_stamp(&state, &branch, &form.stamp).await?;
    let outcome = submit(
        &state,
        &branch,
        &form.submission(),
        Some(&form.website),
        Some(fill_secs),
        &ip,
    )
    .await;
    let (status, message, field) = match outcome {
        Ok(Submitted::Pending(_) | Submitted::Spam(_)) => {
            return Ok(
                Redirect::to(&format!("/{}/wall?posted=1#form", branch.slug)).into_response(),
            )
        }
        Err(error) => crate::wall::refusal(error)?,
    };
    let mut page = wall_page(&state, &csrf, user.as_ref(), branch, None, 1).await?;
    page.form = form;
    page.form.stamp.clone_from(&page.stamp);
    page.error = Some(message);
    page.error_field = field;
    render_with_status(status, &page)
}

#[derive(Template)]
#[template(path = "wall/message.html")]
struct MessagePage {
    layout: Layout,
    branch: Branch,
    m: MessageView,
}

/// GET /{branch}/wall/{id}: one approved message.
pub async fn message(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: Option<CurrentUser>,
    Path((slug, id)): Path<(String, WallMessageId)>,
) -> AppResult<Response> {
    let branch = state.store.branch_by_slug(&slug).await?;
    let m = state.store.wall_message(branch.id, id).await?;
    if m.status != WallStatus::Approved {
        return Err(AppError::NotFound);
    }
    render(&MessagePage {
        layout: Layout::new(
            format!("{} · solidarity with {}", m.name, branch.name),
            &csrf,
            user.as_ref(),
        ),
        m: MessageView::public(&m),
        branch,
    })
}

#[derive(Template)]
#[template(path = "wall/moderate.html")]
struct ModeratePage {
    layout: Layout,
    branch: Branch,
    messages: Page<MessageView>,
    status: &'static str,
    counts: picket_store::wall::WallCounts,
    error: Option<String>,
    embed_url: String,
}

/// `?status=&page=`
#[derive(Debug, Deserialize)]
pub struct QueueQuery {
    status: Option<String>,
    page: Option<u32>,
}

/// GET /{branch}/wall/moderate: the queue (organisers).
pub async fn queue(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    Query(q): Query<QueueQuery>,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let status = q
        .status
        .as_deref()
        .and_then(WallStatus::parse)
        .unwrap_or(WallStatus::Pending);
    let found = state
        .store
        .wall_messages(
            branch.id,
            WallFilter {
                status: Some(status),
                kind: None,
            },
            PageRequest::new(q.page.unwrap_or(1), 25),
        )
        .await?;
    // The queue shows posters' emails: reading it is an access to personal data.
    state
        .store
        .audit(picket_store::NewAuditEntry {
            actor: Some(user.user.id),
            branch: Some(branch.id),
            action: "wall.queue.view".into(),
            subject: Some(format!("branch:{}", branch.id)),
            detail: Some(format!("{} page {}", status.as_str(), found.page)),
            request_id,
        })
        .await?;
    render(&ModeratePage {
        layout: Layout::new(format!("Moderate · {}", branch.name), &csrf, Some(&user)),
        counts: state.store.wall_counts(branch.id).await?,
        messages: Page {
            items: found
                .items
                .iter()
                .map(MessageView::for_moderators)
                .collect(),
            page: found.page,
            per_page: found.per_page,
            total: found.total,
        },
        status: status.as_str(),
        embed_url: format!(
            "{}/{}/embed/wall",
            state.settings.server.public_url.trim_end_matches('/'),
            branch.slug
        ),
        branch,
        error: None,
    })
}

/// The moderation form.
#[derive(Debug, Deserialize)]
pub struct ModerateForm {
    action: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    back: Option<String>,
}

/// POST /{branch}/wall/{id}/moderate
pub async fn moderate(
    State(state): State<AppState>,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, WallMessageId)>,
    CsrfForm(form): CsrfForm<ModerateForm>,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let action = parse_action(&form.action, form.text.as_deref())?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    apply_moderation(&state, &actor, id, &action).await?;
    let back = form
        .back
        .as_deref()
        .and_then(WallStatus::parse)
        .unwrap_or(WallStatus::Pending);
    Ok(Redirect::to(&format!(
        "/{}/wall/moderate?status={}#m{id}",
        branch.slug,
        back.as_str()
    ))
    .into_response())
}

/// GET /{branch}/wall/events: newly approved messages as Server-Sent Events (`event: message`,
/// JSON data). Without JavaScript the wall simply shows them on the next load.
pub async fn events(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> AppResult<
    axum::response::sse::Sse<
        impl futures::Stream<Item = Result<axum::response::sse::Event, std::convert::Infallible>>,
    >,
> {
    use axum::response::sse::{Event, KeepAlive, Sse};
    use futures::StreamExt;
    let branch = state.store.branch_by_slug(&slug).await?;
    let receiver = state.live_events.subscribe();
    let stream = tokio_stream::wrappers::BroadcastStream::new(receiver).filter_map(move |event| {
        let wanted = event.ok().and_then(|e| e.wall_of(branch.id).cloned());
        async move {
            wanted
                .and_then(|e| {
                    Event::default()
                        .event("message")
                        .id(e.id.to_string())
                        .json_data(&e)
                        .ok()
                })
                .map(Ok)
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
