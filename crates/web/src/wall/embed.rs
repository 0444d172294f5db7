//! The wall for other websites: `/{branch}/embed/wall` may be framed by any site (the branch
//! pastes an iframe into its own website) and carries the latest messages and the form.
//!
//! Inside a cross-site frame the browser withholds SameSite cookies; like the main wall's, this
//! form carries a signed time stamp instead (see [`crate::wall::form_stamp`]).

use crate::error::AppResult;
use crate::pages::render_with_status;
use crate::security::ClientIp;
use crate::state::AppState;
use crate::wall::{check_form_stamp, form_stamp, submit, Submitted};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Utc;
use picket_domain::wall::{SenderKind, WallSubmission};
use picket_store::wall::{WallFilter, WallStatus};
use picket_store::{Branch, PageRequest};
use serde::Deserialize;

/// The embed's policy: framable anywhere, everything else as strict as the rest of Picket.
pub const EMBED_CSP: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; form-action 'self'; frame-ancestors *; base-uri 'none'; object-src 'none'";

/// A message in the embed.
pub struct EmbedMessage {
    name: String,
    organisation: Option<String>,
    kind: &'static str,
    message: String,
    url: String,
}

/// The embed form as typed; kept when it fails.
#[derive(Debug, Default, Deserialize)]
pub struct EmbedForm {
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
    website: String,
    #[serde(default)]
    stamp: String,
}

#[derive(Template)]
#[template(path = "wall/embed.html")]
struct EmbedPage {
    branch: Branch,
    messages: Vec<EmbedMessage>,
    kinds: Vec<(&'static str, &'static str)>,
    form: EmbedForm,
    stamp: String,
    error: Option<String>,
    error_field: &'static str,
    posted: bool,
    wall_url: String,
}

async fn page(state: &AppState, branch: Branch) -> AppResult<EmbedPage> {
    let latest = state
        .store
        .wall_messages(
            branch.id,
            WallFilter {
                status: Some(WallStatus::Approved),
                kind: None,
            },
            PageRequest::new(1, 10),
        )
        .await?;
    let base = state
        .settings
        .server
        .public_url
        .trim_end_matches('/')
        .to_string();
    Ok(EmbedPage {
        messages: latest
            .items
            .iter()
            .map(|m| EmbedMessage {
                name: m.name.clone(),
                organisation: m.organisation.clone(),
                kind: m.kind.label(),
                message: m.message.clone(),
                url: format!("{base}/{}/wall/{}", branch.slug, m.id),
            })
            .collect(),
        kinds: SenderKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        form: EmbedForm::default(),
        stamp: form_stamp(state, &branch, Utc::now().timestamp()).await?,
        error: None,
        error_field: "",
        posted: false,
        wall_url: format!("{base}/{}/wall", branch.slug),
        branch,
    })
}

fn framable(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(EMBED_CSP),
    );
    response
}

/// `?posted=1`
#[derive(Debug, Deserialize)]
pub struct EmbedQuery {
    posted: Option<u8>,
}

/// GET /{branch}/embed/wall
pub async fn embed(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<EmbedQuery>,
) -> AppResult<Response> {
    let branch = state.store.branch_by_slug(&slug).await?;
    let mut p = page(&state, branch).await?;
    p.posted = q.posted.is_some();
    Ok(framable(render_with_status(StatusCode::OK, &p)?))
}

/// POST /{branch}/embed/wall
pub async fn post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(slug): Path<String>,
    Form(form): Form<EmbedForm>,
) -> AppResult<Response> {
    let branch = state.store.branch_by_slug(&slug).await?;
    let fill_secs = check_form_stamp(&state, &branch, &form.stamp).await?;
    let submission = WallSubmission {
        name: form.name.clone(),
        organisation: Some(form.organisation.clone()),
        kind: form.kind.clone(),
        message: form.message.clone(),
        email: Some(form.email.clone()),
        ..WallSubmission::default()
    };
    let (status, message, field) = match submit(
        &state,
        &branch,
        &submission,
        Some(&form.website),
        Some(fill_secs),
        &ip,
    )
    .await
    {
        Ok(Submitted::Pending(_) | Submitted::Spam(_)) => {
            return Ok(
                Redirect::to(&format!("/{}/embed/wall?posted=1", branch.slug)).into_response(),
            )
        }
        Err(error) => crate::wall::refusal(error)?,
    };
    let mut p = page(&state, branch).await?;
    p.form = form;
    p.error = Some(message);
    p.error_field = field;
    Ok(framable(render_with_status(status, &p)?))
}
