//! The correspondence log's pages: a dispute's letters with where each stands (overdue once
//! its reply-by date has passed), a form for a new one, status changes, putting one on the
//! public timeline; and the branch's overdue list. Members of the branch read; organisers
//! write. Never public.

use crate::eactions::admin::{named, refused, shown_again, Desk, Done};
use crate::eactions::ops::{self, LetterBody};
use crate::error::AppResult;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::filters;
use crate::pages::{render, render_with_status, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use picket_domain::correspondence::{Channel, Direction, LetterStatus, ShownStatus};
use picket_domain::disputes::Named;
use picket_domain::{DisputeId, LetterId, Role};
use picket_store::correspondence::Letter;
use serde::Deserialize;

/// A letter with where it stands today.
pub struct Shown {
    /// The letter.
    pub l: Letter,
    /// Its status for people.
    pub status: &'static str,
    /// Whether it is overdue.
    pub overdue: bool,
}

impl Shown {
    /// `l` as it stands on `today`.
    pub fn new(l: Letter, today: NaiveDate) -> Self {
        let shown = l.shown_status(today);
        Shown {
            status: shown.label(),
            overdue: shown == ShownStatus::Overdue,
            l,
        }
    }
}

refused!(LettersPage);

#[derive(Template)]
#[template(path = "eactions/letters.html")]
struct LettersPage {
    layout: Layout,
    desk: Desk,
    letters: Vec<Shown>,
    directions: Vec<(&'static str, &'static str)>,
    channels: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    form: LetterBody,
    notice: Option<&'static str>,
    error: Option<String>,
    error_field: &'static str,
}

async fn letters_page(state: &AppState, desk: Desk) -> AppResult<LettersPage> {
    let today = chrono::Utc::now().date_naive();
    let letters = state
        .store
        .letters(desk.branch.id, desk.dispute.id)
        .await?
        .into_iter()
        .map(|l| Shown::new(l, today))
        .collect();
    Ok(LettersPage {
        layout: desk.layout("Correspondence log"),
        desk,
        letters,
        directions: named::<Direction>(),
        channels: named::<Channel>(),
        statuses: named::<LetterStatus>(),
        form: LetterBody {
            direction: "sent".into(),
            channel: "email".into(),
            status: "awaiting".into(),
            ..Default::default()
        },
        notice: None,
        error: None,
        error_field: "",
    })
}

/// GET /{branch}/disputes/{id}/letters
pub async fn list(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(rid): RequestId,
    Path((slug, id)): Path<(String, DisputeId)>,
    Query(q): Query<Done>,
) -> AppResult<Response> {
    let desk = Desk::open(&state, csrf, user, &slug, id, false, rid).await?;
    let mut page = letters_page(&state, desk).await?;
    page.notice = match q.done.as_deref() {
        Some("added") => Some("The letter is in the log."),
        Some("status") => Some("Where the letter stands is changed."),
        Some("timeline") => Some("The letter is on the dispute's public timeline."),
        _ => None,
    };
    render(&page)
}

/// POST /{branch}/disputes/{id}/letters
pub async fn add(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(rid): RequestId,
    Path((slug, id)): Path<(String, DisputeId)>,
    CsrfForm(form): CsrfForm<LetterBody>,
) -> AppResult<Response> {
    let desk = Desk::open(&state, csrf, user, &slug, id, true, rid).await?;
    let done = async {
        let letter = form.parse()?;
        ops::add_letter(&state, &desk.actor(), id, &letter).await
    }
    .await;
    match done {
        Ok(_) => Ok(Redirect::to(&format!("{}/letters?done=added", desk.base())).into_response()),
        Err(error) => shown_again(error, letters_page(&state, desk), |p| p.form = form).await,
    }
}

/// The status form.
#[derive(Debug, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
}

/// POST /{branch}/disputes/{id}/letters/{letter}/status
pub async fn set_status(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(rid): RequestId,
    Path((slug, id, letter)): Path<(String, DisputeId, LetterId)>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> AppResult<Response> {
    let desk = Desk::open(&state, csrf, user, &slug, id, true, rid).await?;
    let status = ops::letter_status(&form.status)?;
    ops::set_letter_status(&state, &desk.actor(), id, letter, status).await?;
    Ok(Redirect::to(&format!("{}/letters?done=status#l{letter}", desk.base())).into_response())
}

/// POST /{branch}/disputes/{id}/letters/{letter}/timeline
pub async fn timeline(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(rid): RequestId,
    Path((slug, id, letter)): Path<(String, DisputeId, LetterId)>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let desk = Desk::open(&state, csrf, user, &slug, id, true, rid).await?;
    ops::put_on_timeline(&state, &desk.actor(), id, letter).await?;
    Ok(Redirect::to(&format!("{}/letters?done=timeline#l{letter}", desk.base())).into_response())
}

#[derive(Template)]
#[template(path = "eactions/overdue.html")]
struct OverduePage {
    layout: Layout,
    branch_name: String,
    branch_slug: String,
    today: NaiveDate,
    letters: Vec<(Letter, i64)>,
}

/// GET /{branch}/letters/overdue: every letter of the branch still awaiting a reply after
/// its reply-by date, longest overdue first.
pub async fn overdue(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Member)
        .await?;
    let today = chrono::Utc::now().date_naive();
    let letters = state
        .store
        .overdue_letters(branch.id, today)
        .await?
        .into_iter()
        .map(|l| {
            let days = l.letter.reply_by.map_or(0, |by| (today - by).num_days());
            (l, days)
        })
        .collect();
    render_with_status(
        StatusCode::OK,
        &OverduePage {
            layout: Layout::new(
                format!("Overdue replies · {}", branch.name),
                &csrf,
                Some(&user),
            ),
            branch_name: branch.name,
            branch_slug: branch.slug,
            today,
            letters,
        },
    )
}
