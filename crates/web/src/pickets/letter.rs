//! The picket supervisor's letter of authorisation, a printable A4 page: the union branch,
//! the dispute and employer, the site, every day the member supervises there, and the
//! provision the law engine names (or that the role is good practice where no law requires
//! it). Reading the supervisor's name is audited.

use crate::error::{AppError, AppResult};
use crate::extract::{CurrentUser, RequestId};
use crate::pages::render;
use crate::pickets::common::dispute_for;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use picket_domain::pickets::supervisor::{
    authorisation_letter, supervisor_rule, AuthorisationLetter, LetterInput,
};
use picket_domain::{DisputeId, PicketShiftId, Role};
use picket_store::NewAuditEntry;

#[derive(Template)]
#[template(path = "pickets/letter.html")]
struct LetterPage {
    title: String,
    letter: AuthorisationLetter,
}

/// GET /{branch}/disputes/{id}/pickets/shifts/{shift}/letter (organisers).
pub async fn letter(
    State(state): State<AppState>,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id, shift)): Path<(String, DisputeId, PicketShiftId)>,
) -> AppResult<Response> {
    let (branch, dispute) = dispute_for(&state, &user, &slug, id, Role::Organiser).await?;
    let stored = state.store.picket_shift(branch.id, id, shift).await?;
    let supervisor = stored.supervisor.ok_or_else(|| {
        AppError::Conflict(
            "No supervisor is named for this shift yet: name one on the shift's page first.".into(),
        )
    })?;
    let member = state.store.member(branch.id, supervisor).await?;
    state
        .store
        .audit(NewAuditEntry {
            actor: Some(user.user.id),
            branch: Some(branch.id),
            action: "member.view".into(),
            subject: Some(format!("member:{supervisor}")),
            detail: Some("reason=picket supervisor letter".into()),
            request_id,
        })
        .await?;
    let all = state.store.picket_shifts(branch.id, id, None, None).await?;
    let mut days: Vec<_> = all
        .iter()
        .filter(|s| {
            s.site_id == stored.site_id
                && s.supervisor == Some(supervisor)
                && s.cancelled_at.is_none()
        })
        .map(|s| s.times.day)
        .collect();
    days.sort_unstable();
    let first = days.first().copied().unwrap_or(stored.times.day);
    let rule = supervisor_rule(dispute.nation, first, &state.law.overrides)
        .map_err(crate::pickets::common::shift_error)?;
    let letter = authorisation_letter(&LetterInput {
        branch: &branch.name,
        dispute: &dispute.title,
        employer: &dispute.employer,
        site: &stored.site_name,
        address: &stored.site_address,
        days: &days,
        supervisor: &member.details.name,
        rule: &rule,
    });
    render(&LetterPage {
        title: letter.title.clone(),
        letter,
    })
}
