//! Organisers' pages for a dispute's campaigns: the list with a form for a new one, and each
//! campaign's page (open or close it, its targets, their replies, the hand-in). Members of the
//! branch may look; organisers change. A form that fails is shown again with the message and
//! what was typed.

use crate::eactions::ops::{self, CampaignBody, ReplyBody, TargetBody};
use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::filters;
use crate::pages::{render_with_status, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use picket_domain::disputes::{Named, PartyKind};
use picket_domain::eactions::{ActionKind, DeliveryKind};
use picket_domain::{DisputeId, EactionId, Role, TargetId};
use picket_store::disputes::{Dispute, Party};
use picket_store::eactions::{Eaction, SignatureCounts, Target};
use picket_store::Branch;
use serde::Deserialize;

/// A page request of a branch member, with the dispute checked.
pub struct Desk {
    /// The visitor's CSRF token.
    pub csrf: CsrfToken,
    /// Who.
    pub user: CurrentUser,
    /// Their branch.
    pub branch: Branch,
    /// The dispute.
    pub dispute: Dispute,
    /// Whether they may change things (organisers).
    pub can_edit: bool,
    /// The request, for the audit log.
    pub request_id: Option<String>,
}

impl Desk {
    /// Checks that `user` may read (`write`: change) the dispute's desk.
    pub async fn open(
        state: &AppState,
        csrf: CsrfToken,
        user: CurrentUser,
        slug: &str,
        dispute: DisputeId,
        write: bool,
        request_id: Option<String>,
    ) -> AppResult<Desk> {
        let role = if write { Role::Organiser } else { Role::Member };
        let branch = user.branch_access(&*state.store, slug, role).await?;
        let can_edit = user.is_admin()
            || user
                .role_in(slug)
                .is_some_and(|r| r.at_least(Role::Organiser));
        let dispute = state.store.dispute(branch.id, dispute).await?;
        Ok(Desk {
            csrf,
            user,
            branch,
            dispute,
            can_edit,
            request_id,
        })
    }

    /// Who is writing.
    pub fn actor(&self) -> Actor<'_> {
        Actor {
            user: &self.user,
            branch: &self.branch,
            request_id: self.request_id.clone(),
        }
    }

    /// The layout for a page titled `title`.
    pub fn layout(&self, title: &str) -> Layout {
        Layout::new(
            format!("{title} · {}", self.dispute.title),
            &self.csrf,
            Some(&self.user),
        )
    }

    /// `/{branch}/disputes/{id}`.
    pub fn base(&self) -> String {
        format!("/{}/disputes/{}", self.branch.slug, self.dispute.id)
    }
}

/// A page with a form that can be shown again with a refusal's message.
pub trait Refused {
    /// Shows `message` about `field`.
    fn refused(&mut self, message: String, field: &'static str);
}

/// A refused form's page again: the refusal's status and message, and what was typed (put
/// back by `keep`). Errors that are not a refusal pass through.
pub async fn shown_again<P: Template + Refused>(
    error: AppError,
    page: impl std::future::Future<Output = AppResult<P>>,
    keep: impl FnOnce(&mut P),
) -> AppResult<Response> {
    let (status, message, field) = crate::wall::refusal(error)?;
    let mut page = page.await?;
    keep(&mut page);
    page.refused(message, field);
    render_with_status(status, &page)
}

/// Implements [`Refused`] for pages with `error` and `error_field`.
macro_rules! refused {
    ($($page:ty),*) => {$(
        impl $crate::eactions::admin::Refused for $page {
            fn refused(&mut self, message: String, field: &'static str) {
                self.error = Some(message);
                self.error_field = field;
            }
        }
    )*};
}
pub(crate) use refused;

/// A named kind's values and labels, for a select.
pub fn named<T: Named + Copy + 'static>() -> Vec<(&'static str, &'static str)> {
    T::ALL.iter().map(|k| (k.as_str(), k.label())).collect()
}

/// `?done=` after a change.
#[derive(Debug, Deserialize)]
pub struct Done {
    /// What was done.
    pub done: Option<String>,
}

/// A campaign in the list.
struct Row {
    e: Eaction,
    counts: SignatureCounts,
}

#[derive(Template)]
#[template(path = "eactions/list.html")]
struct ListPage {
    layout: Layout,
    desk: Desk,
    rows: Vec<Row>,
    kinds: Vec<(&'static str, &'static str)>,
    deliveries: Vec<(&'static str, &'static str)>,
    form: CampaignBody,
    error: Option<String>,
    error_field: &'static str,
}

refused!(ListPage, ManagePage);

async fn list_page(state: &AppState, desk: Desk) -> AppResult<ListPage> {
    let mut rows = Vec::new();
    for e in state
        .store
        .eactions(desk.branch.id, desk.dispute.id)
        .await?
    {
        let counts = state
            .store
            .signature_counts(desk.branch.id, desk.dispute.id, e.id)
            .await?;
        rows.push(Row { e, counts });
    }
    Ok(ListPage {
        layout: desk.layout("E-actions and petitions"),
        desk,
        rows,
        kinds: named::<ActionKind>(),
        deliveries: named::<DeliveryKind>(),
        form: CampaignBody {
            kind: "email".into(),
            delivery: "each-signature".into(),
            per_hour: 30,
            ..Default::default()
        },
        error: None,
        error_field: "",
    })
}

/// GET /{branch}/disputes/{id}/actions
pub async fn list(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(rid): RequestId,
    Path((slug, id)): Path<(String, DisputeId)>,
) -> AppResult<Response> {
    let desk = Desk::open(&state, csrf, user, &slug, id, false, rid).await?;
    render_with_status(StatusCode::OK, &list_page(&state, desk).await?)
}

/// The create form: the API's body, with ticked boxes as forms send them.
#[derive(Debug, Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    delivery: String,
    #[serde(default)]
    per_hour: String,
    #[serde(default, deserialize_with = "crate::disputes::flag")]
    confirm_email: bool,
    #[serde(default)]
    own_words_max: String,
    #[serde(default, deserialize_with = "crate::disputes::flag")]
    open: bool,
}

fn whole(field: &'static str, value: &str) -> AppResult<u32> {
    match value.trim() {
        "" => Ok(0),
        v => v.parse().map_err(|_| {
            crate::error::AppError::invalid(
                field,
                format!("{field}: write a whole number, like 30"),
            )
        }),
    }
}

/// POST /{branch}/disputes/{id}/actions: a new campaign.
pub async fn create(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(rid): RequestId,
    Path((slug, id)): Path<(String, DisputeId)>,
    CsrfForm(form): CsrfForm<CreateForm>,
) -> AppResult<Response> {
    let desk = Desk::open(&state, csrf, user, &slug, id, true, rid).await?;
    let mut body = CampaignBody {
        kind: form.kind,
        title: form.title,
        subject: form.subject,
        body: form.body,
        delivery: form.delivery,
        confirm_email: form.confirm_email,
        open: form.open,
        ..Default::default()
    };
    let done = async {
        body.per_hour = whole("per_hour", &form.per_hour)?;
        body.own_words_max = whole("own_words_max", &form.own_words_max)?;
        let new = body.parse()?;
        ops::create(&state, &desk.actor(), id, &new).await
    }
    .await;
    match done {
        Ok(e) => Ok(Redirect::to(&format!("{}/actions/{e}/manage", desk.base())).into_response()),
        Err(error) => shown_again(error, list_page(&state, desk), |p| p.form = body).await,
    }
}

#[derive(Template)]
#[template(path = "eactions/manage.html")]
struct ManagePage {
    layout: Layout,
    desk: Desk,
    e: Eaction,
    counts: SignatureCounts,
    targets: Vec<Target>,
    parties: Vec<Party>,
    target_form: TargetBody,
    reply_form: ReplyBody,
    reply_to: Option<TargetId>,
    notice: Option<&'static str>,
    error: Option<String>,
    error_field: &'static str,
}

impl ManagePage {
    /// Whether the reply form shown again is `t`'s.
    fn replying(&self, t: &Target) -> bool {
        self.reply_to == Some(t.id)
    }
}

async fn manage_page(state: &AppState, desk: Desk, id: EactionId) -> AppResult<ManagePage> {
    let (b, d) = (desk.branch.id, desk.dispute.id);
    let e = state.store.eaction(b, d, id).await?;
    let counts = state.store.signature_counts(b, d, id).await?;
    let targets = state.store.targets(b, d, id).await?;
    let parties = state
        .store
        .parties(b, d)
        .await?
        .into_iter()
        .filter(|p| p.kind == PartyKind::DecisionMaker)
        .collect();
    Ok(ManagePage {
        layout: desk.layout(&e.title),
        desk,
        e,
        counts,
        targets,
        parties,
        target_form: TargetBody::default(),
        reply_form: ReplyBody::default(),
        reply_to: None,
        notice: None,
        error: None,
        error_field: "",
    })
}

/// GET /{branch}/disputes/{id}/actions/{eaction}/manage
pub async fn manage(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(rid): RequestId,
    Path((slug, id, eaction)): Path<(String, DisputeId, EactionId)>,
    Query(q): Query<Done>,
) -> AppResult<Response> {
    let desk = Desk::open(&state, csrf, user, &slug, id, false, rid).await?;
    let mut page = manage_page(&state, desk, eaction).await?;
    page.notice = match q.done.as_deref() {
        Some("opened") => Some("The campaign is open for signatures."),
        Some("closed") => Some("The campaign is closed: it takes no more signatures."),
        Some("target") => Some("The target is added."),
        Some("removed") => Some("The target is removed."),
        Some("reply") => Some("The reply is recorded."),
        _ => None,
    };
    render_with_status(StatusCode::OK, &page)
}

/// The open or close button.
#[derive(Debug, Deserialize)]
pub struct OpenForm {
    #[serde(default, deserialize_with = "crate::disputes::flag")]
    open: bool,
}

/// POST …/actions/{eaction}/open
pub async fn set_open(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(rid): RequestId,
    Path((slug, id, eaction)): Path<(String, DisputeId, EactionId)>,
    CsrfForm(form): CsrfForm<OpenForm>,
) -> AppResult<Response> {
    let desk = Desk::open(&state, csrf, user, &slug, id, true, rid).await?;
    ops::set_open(&state, &desk.actor(), id, eaction, form.open).await?;
    let done = if form.open { "opened" } else { "closed" };
    Ok(Redirect::to(&format!(
        "{}/actions/{eaction}/manage?done={done}",
        desk.base()
    ))
    .into_response())
}

/// The add-target form: a decision-maker chosen, or someone typed.
#[derive(Debug, Deserialize)]
pub struct TargetForm {
    #[serde(default)]
    party_id: String,
    #[serde(flatten)]
    typed: TargetBody,
}

/// POST …/actions/{eaction}/targets
pub async fn add_target(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(rid): RequestId,
    Path((slug, id, eaction)): Path<(String, DisputeId, EactionId)>,
    CsrfForm(form): CsrfForm<TargetForm>,
) -> AppResult<Response> {
    let desk = Desk::open(&state, csrf, user, &slug, id, true, rid).await?;
    let mut body = form.typed;
    body.party_id = form
        .party_id
        .trim()
        .parse()
        .ok()
        .map(picket_domain::PartyId);
    match ops::add_target(&state, &desk.actor(), id, eaction, &body).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "{}/actions/{eaction}/manage?done=target",
            desk.base()
        ))
        .into_response()),
        Err(error) => {
            shown_again(error, manage_page(&state, desk, eaction), |p| {
                p.target_form = body
            })
            .await
        }
    }
}

/// POST …/actions/{eaction}/targets/{target}/remove
pub async fn remove_target(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(rid): RequestId,
    Path((slug, id, eaction, target)): Path<(String, DisputeId, EactionId, TargetId)>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let desk = Desk::open(&state, csrf, user, &slug, id, true, rid).await?;
    ops::remove_target(&state, &desk.actor(), id, eaction, target).await?;
    Ok(Redirect::to(&format!(
        "{}/actions/{eaction}/manage?done=removed",
        desk.base()
    ))
    .into_response())
}

/// POST …/actions/{eaction}/targets/{target}/reply
pub async fn reply(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(rid): RequestId,
    Path((slug, id, eaction, target)): Path<(String, DisputeId, EactionId, TargetId)>,
    CsrfForm(form): CsrfForm<ReplyBody>,
) -> AppResult<Response> {
    let desk = Desk::open(&state, csrf, user, &slug, id, true, rid).await?;
    match ops::record_reply(&state, &desk.actor(), id, eaction, target, &form).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "{}/actions/{eaction}/manage?done=reply",
            desk.base()
        ))
        .into_response()),
        Err(error) => {
            shown_again(error, manage_page(&state, desk, eaction), |p| {
                p.reply_form = form;
                p.reply_to = Some(target);
            })
            .await
        }
    }
}
