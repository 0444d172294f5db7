//! Offers made on the wall — donations, speaker invitations, banners, visits — as follow-up
//! tasks for organisers. The list shows posters' emails (given with consent to be contacted),
//! so every view is audited.

use crate::error::AppResult;
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::pages::{render, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use picket_domain::wall::Pledge;
use picket_domain::{Role, WallMessageId};
use picket_store::{Branch, NewAuditEntry, Page, PageRequest};
use serde::Deserialize;

/// A follow-up task.
pub struct PledgeView {
    id: WallMessageId,
    name: String,
    organisation: Option<String>,
    offer: String,
    email: String,
    consent: bool,
    message: String,
    status: &'static str,
    done: bool,
}

fn offer(pledge: Option<&Pledge>) -> String {
    match pledge {
        Some(Pledge::Donation { pence }) => {
            format!("Donation of {pence}")
        }
        Some(Pledge::Speaker) => "Invites a speaker".into(),
        Some(Pledge::Banner) => "Offers a banner".into(),
        Some(Pledge::Visit) => "Will visit the picket line".into(),
        None => String::new(),
    }
}

#[derive(Template)]
#[template(path = "wall/pledges.html")]
struct PledgesPage {
    layout: Layout,
    branch: Branch,
    pledges: Page<PledgeView>,
    show_done: bool,
}

/// `?all=1&page=`
#[derive(Debug, Deserialize)]
pub struct PledgesQuery {
    all: Option<u8>,
    page: Option<u32>,
}

/// GET /{branch}/wall/pledges
pub async fn list(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    Query(q): Query<PledgesQuery>,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let show_done = q.all.is_some();
    let found = state
        .store
        .wall_pledges(
            branch.id,
            !show_done,
            PageRequest::new(q.page.unwrap_or(1), 50),
        )
        .await?;
    state
        .store
        .audit(NewAuditEntry {
            actor: Some(user.user.id),
            branch: Some(branch.id),
            action: "wall.pledges.view".into(),
            subject: Some(format!("branch:{}", branch.id)),
            detail: Some(format!("page {}", found.page)),
            request_id,
        })
        .await?;
    render(&PledgesPage {
        layout: Layout::new(format!("Offers · {}", branch.name), &csrf, Some(&user)),
        pledges: Page {
            items: found
                .items
                .iter()
                .map(|m| PledgeView {
                    id: m.id,
                    name: m.name.clone(),
                    organisation: m.organisation.clone(),
                    offer: offer(m.pledge.as_ref()),
                    email: m.email.clone().unwrap_or_default(),
                    consent: m.consent,
                    message: m.message.clone(),
                    status: m.status.as_str(),
                    done: m.followed_up_at.is_some(),
                })
                .collect(),
            page: found.page,
            per_page: found.per_page,
            total: found.total,
        },
        branch,
        show_done,
    })
}

/// The done/undo form.
#[derive(Debug, Deserialize)]
pub struct FollowUpForm {
    done: String,
}

/// POST /{branch}/wall/{id}/follow-up
pub async fn follow_up(
    State(state): State<AppState>,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, WallMessageId)>,
    CsrfForm(form): CsrfForm<FollowUpForm>,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    let done = form.done == "yes";
    let mut work = state.store.begin().await?;
    work.set_followed_up(branch.id, id, user.user.id, done)
        .await?;
    let action = if done {
        "wall.followup.done"
    } else {
        "wall.followup.reopen"
    };
    work.audit(actor.entry(action, format!("wall:{id}")))
        .await?;
    work.commit().await?;
    Ok(Redirect::to(&format!("/{}/wall/pledges", branch.slug)).into_response())
}
