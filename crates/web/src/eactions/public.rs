//! The public campaign page: the letter or statement, who it goes to and whether they have
//! replied, the live count, and the sign form; and the page a confirmation link opens.
//! No supporter's name or address is ever shown here.

use crate::eactions::admin::{refused, shown_again};
use crate::eactions::{public_campaign, sign, PublicCampaign, SignInput, Signed};
use crate::error::AppResult;
use crate::extract::{CsrfToken, CurrentUser};
use crate::filters;
use crate::pages::{render, render_with_status, Layout};
use crate::security::ClientIp;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use picket_domain::disputes::Named;
use picket_domain::eactions::{no_reply_sentence, ActionKind, DEFAULT_CONSENT_WORDING};
use picket_domain::{DisputeId, EactionId};
use serde::{Deserialize, Serialize};

/// A target as the public sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicTarget {
    /// Name.
    pub name: String,
    /// Role.
    pub role: String,
    /// The day their reply arrived, if one has.
    pub replied_on: Option<NaiveDate>,
    /// What the reply says, in a line or two.
    pub reply_summary: Option<String>,
    /// "The Chief Executive has not replied after 12 days." while no reply is recorded.
    pub no_reply: Option<String>,
}

/// A campaign as the public sees it (page and API).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicView {
    /// Id.
    #[schema(value_type = i64)]
    pub id: EactionId,
    /// `email` or `petition`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// The letter (placeholders shown as "[your name]" and so on) or the statement.
    pub text: String,
    /// Whether it takes signatures.
    pub open: bool,
    /// The day it opened.
    pub opened_on: Option<NaiveDate>,
    /// Signatures that count.
    pub signatures: u64,
    /// The most characters of their own words a supporter may add (0: none asked for).
    pub own_words_max: u32,
    /// Whether a signature counts only once its address is confirmed by email.
    pub confirm_email: bool,
    /// The wording a supporter agrees to when they tick "keep me in touch".
    pub consent_wording: String,
    /// Its targets.
    pub targets: Vec<PublicTarget>,
}

impl PublicView {
    /// The public view of `c` on `today` with `signatures` counted.
    pub fn new(c: &PublicCampaign, signatures: u64, today: NaiveDate) -> Self {
        let e = &c.eaction;
        let targets = c
            .targets
            .iter()
            .map(|t| {
                let who = if t.role.is_empty() {
                    t.name.clone()
                } else {
                    format!("The {}", t.role)
                };
                PublicTarget {
                    name: t.name.clone(),
                    role: t.role.clone(),
                    replied_on: t.reply.as_ref().map(|r| r.received_on),
                    reply_summary: t.reply.as_ref().map(|r| r.summary.clone()),
                    no_reply: match (&t.reply, e.opened_on) {
                        (None, Some(opened)) => no_reply_sentence(&who, opened, today),
                        _ => None,
                    },
                }
            })
            .collect();
        Self {
            id: e.id,
            kind: e.kind.as_str().into(),
            title: e.title.clone(),
            text: e
                .body
                .replace("{name}", "[your name]")
                .replace("{postcode}", "[your postcode]")
                .replace("{own_words}", "[your own words]"),
            open: e.open,
            opened_on: e.opened_on,
            signatures,
            own_words_max: e.own_words_max,
            confirm_email: e.confirm_email,
            consent_wording: DEFAULT_CONSENT_WORDING.into(),
            targets,
        }
    }
}

/// The sign form as typed, kept when it is shown again.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SignForm {
    #[serde(default)]
    stamp: String,
    #[serde(default)]
    website: String,
    #[serde(flatten)]
    input: SignInput,
}

#[derive(Template)]
#[template(path = "eactions/public.html")]
struct PublicPage {
    layout: Layout,
    branch_name: String,
    branch_slug: String,
    dispute_title: String,
    base: String,
    petition: bool,
    v: PublicView,
    stamp: String,
    form: SignInput,
    notice: Option<&'static str>,
    error: Option<String>,
    error_field: &'static str,
}

refused!(PublicPage);

async fn public_page(
    state: &AppState,
    csrf: &CsrfToken,
    user: Option<&CurrentUser>,
    c: &PublicCampaign,
) -> AppResult<PublicPage> {
    let counts = state
        .store
        .signature_counts(c.branch.id, c.dispute.id, c.eaction.id)
        .await?;
    let now = chrono::Utc::now();
    Ok(PublicPage {
        layout: Layout::new(
            format!("{} · {}", c.eaction.title, c.branch.name),
            csrf,
            user,
        ),
        branch_name: c.branch.name.clone(),
        branch_slug: c.branch.slug.clone(),
        dispute_title: c.dispute.title.clone(),
        base: format!(
            "/{}/disputes/{}/actions/{}",
            c.branch.slug, c.dispute.id, c.eaction.id
        ),
        petition: c.eaction.kind == ActionKind::Petition,
        v: PublicView::new(c, counts.confirmed, now.date_naive()),
        stamp: crate::wall::form_stamp(state, &c.branch, now.timestamp()).await?,
        form: SignInput::default(),
        notice: None,
        error: None,
        error_field: "",
    })
}

/// `?done=` after signing.
#[derive(Debug, Deserialize)]
pub struct Done {
    done: Option<String>,
}

/// GET /{branch}/disputes/{id}/actions/{eaction}: the public page.
pub async fn page(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: Option<CurrentUser>,
    Path((slug, dispute, id)): Path<(String, DisputeId, EactionId)>,
    Query(q): Query<Done>,
) -> AppResult<Response> {
    let c = public_campaign(&state, &slug, dispute, id).await?;
    let mut page = public_page(&state, &csrf, user.as_ref(), &c).await?;
    page.notice = match q.done.as_deref() {
        Some("signed") => Some(Signed::Counted.message()),
        Some("awaiting-confirmation") => Some(Signed::AwaitingConfirmation.message()),
        Some("already-signed") => Some(Signed::AlreadySigned.message()),
        Some("confirmation-sent-again") => Some(Signed::SentAgain.message()),
        Some("confirmation-sent-recently") => Some(Signed::SentRecently.message()),
        _ => None,
    };
    render(&page)
}

/// POST /{branch}/disputes/{id}/actions/{eaction}: signs, then back to the page with a
/// thank-you; a refusal shows the page again with the message and what was typed.
pub async fn post(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: Option<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path((slug, dispute, id)): Path<(String, DisputeId, EactionId)>,
    axum::Form(form): axum::Form<SignForm>,
) -> AppResult<Response> {
    let c = public_campaign(&state, &slug, dispute, id).await?;
    crate::wall::check_form_stamp(&state, &c.branch, &form.stamp).await?;
    let outcome = if form.website.is_empty() {
        sign(&state, &c, &form.input, &ip).await
    } else {
        // A robot filled the hidden box: it is thanked, and nothing is stored.
        Ok(Signed::Counted)
    };
    match outcome {
        Ok(done) => Ok(Redirect::to(&format!(
            "/{}/disputes/{}/actions/{}?done={}#sign",
            c.branch.slug,
            c.dispute.id,
            c.eaction.id,
            done.code()
        ))
        .into_response()),
        Err(error) => {
            let page = public_page(&state, &csrf, user.as_ref(), &c);
            shown_again(error, page, |p| p.form = form.input).await
        }
    }
}

#[derive(Template)]
#[template(path = "eactions/confirm.html")]
struct ConfirmPage {
    layout: Layout,
    branch_name: String,
    branch_slug: String,
    token: String,
    outcome: Option<&'static str>,
}

/// `?token=` on a confirmation link.
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// GET /{branch}/actions/confirm?token=…: a page with a button (a link opened by a mail
/// scanner confirms nothing).
pub async fn confirm_page(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: Option<CurrentUser>,
    Path(slug): Path<String>,
    Query(q): Query<TokenQuery>,
) -> AppResult<Response> {
    let branch = state.store.branch_by_slug(&slug).await?;
    render(&ConfirmPage {
        layout: Layout::new("Confirm your signature", &csrf, user.as_ref()),
        branch_name: branch.name,
        branch_slug: branch.slug,
        token: q.token.trim().to_string(),
        outcome: None,
    })
}

/// POST /{branch}/actions/confirm: the signature counts from now.
pub async fn confirm(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: Option<CurrentUser>,
    Path(slug): Path<String>,
    axum::Form(q): axum::Form<TokenQuery>,
) -> AppResult<Response> {
    let branch = state.store.branch_by_slug(&slug).await?;
    let (status, outcome) = match super::confirm(&state, &branch, &q.token).await? {
        Some((_, true)) => (StatusCode::OK, "Thank you: your signature now counts."),
        Some((_, false)) => (StatusCode::OK, "Your signature was confirmed already: it counts. Thank you."),
        None => (
            StatusCode::NOT_FOUND,
            "This link does not match a signature. Check that the whole link was copied from the email.",
        ),
    };
    render_with_status(
        status,
        &ConfirmPage {
            layout: Layout::new("Confirm your signature", &csrf, user.as_ref()),
            branch_name: branch.name,
            branch_slug: branch.slug,
            token: String::new(),
            outcome: Some(outcome),
        },
    )
}
