//! Taking and giving up places: a member's one tap (taken, or the waiting list when full), a
//! supporter's sign-up by name with a phone number or an email address, and cancelling by the
//! member or by the link in their email (a keyed hash of the place, no account needed). A
//! place given up goes to the first on the waiting list, who is emailed, in the same unit.
//! Capacity is held by the store: a refused sign-up stores nothing.

use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::pages::{render, Layout};
use crate::pickets::common::{dispute_for, links, mail_error, require_member};
use crate::pickets::rota::{rota_page, Shown};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::Utc;
use picket_domain::pickets::signups::{Place, SignUpRefusal, Supporter};
use picket_domain::{DisputeId, MemberId, PicketShiftId, PicketSignupId, Role};
use picket_jobs::pickets::{queue_promotion, Links, CANCEL_PURPOSE};
use picket_mail::OutgoingEmail;
use picket_store::disputes::Dispute;
use picket_store::shifts::{link_token_matches, Shift, SignUp, SignUpOutcome, SignupStatus, Who};
use picket_store::{Branch, NewAuditEntry};
use serde::Deserialize;

/// A form with nothing but its CSRF token.
#[derive(Debug, Default, Deserialize)]
pub struct NoFields {}

/// Where a sign-up left someone.
pub type SignedUp = Result<(PicketSignupId, Place), SignUpRefusal>;

/// Who is taking a place, and how to write to them.
#[derive(Debug, Clone, Copy)]
pub struct Joining<'a> {
    /// The shift.
    pub shift: PicketShiftId,
    /// A member or a supporter.
    pub who: Who<'a>,
    /// Their name, for the email.
    pub name: &'a str,
    /// Their email address, if known.
    pub email: Option<&'a str>,
    /// Whether to join the waiting list when the shift is full.
    pub waiting_list: bool,
}

fn confirmation(
    links: &Links,
    branch: &Branch,
    dispute: &Dispute,
    shift: &Shift,
    (name, to): (&str, &str),
    (id, place): (PicketSignupId, Place),
) -> OutgoingEmail {
    let what = match place {
        Place::Taken => "You have a place on the picket.",
        Place::Waiting => {
            "The shift is full, so you are on its waiting list: we will email you if a place comes free."
        }
    };
    let mut body = format!(
        "Dear {name},\n\n{what}\n\nWhen: {}\nWhere: {} ({})\nDispute: {}\n",
        shift.times.words(),
        shift.site_name,
        shift.entrance_name,
        dispute.title
    );
    if !shift.notes.trim().is_empty() {
        body.push_str(&format!("What to bring: {}\n", shift.notes.trim()));
    }
    body.push_str(&format!(
        "\nIf you can no longer come, please cancel so someone else can take your place:\n{}\n",
        links.cancel(&branch.slug, id)
    ));
    OutgoingEmail::new(to, format!("Picket: {}", shift.times.words()), body)
}

/// Signs someone up in one unit, with their confirmation email (when there is an address)
/// and, for a member, the audit entry. A refusal stores nothing.
pub async fn sign_up(
    state: &AppState,
    branch: &Branch,
    dispute: &Dispute,
    joining: Joining<'_>,
    audit: Option<&Actor<'_>>,
) -> AppResult<SignedUp> {
    let request = SignUp {
        shift: joining.shift,
        who: joining.who,
        waiting_list: joining.waiting_list,
        now: Utc::now(),
    };
    // Refused as things stand (a full shift, a second sign-up …): answered from reads, so a
    // crowd arriving at a full shift does not queue for the write.
    if let Some(reason) = state
        .store
        .sign_up_refusal(branch.id, dispute.id, &request)
        .await?
    {
        return Ok(Err(reason));
    }
    let stored = state
        .store
        .picket_shift(branch.id, dispute.id, joining.shift)
        .await?;
    let links = links(state).await?;
    let mut work = state.store.begin().await?;
    let outcome = work.sign_up(branch.id, dispute.id, &request).await?;
    let (id, place) = match outcome {
        SignUpOutcome::Done { id, place } => (id, place),
        SignUpOutcome::Refused { reason } => return Ok(Err(reason)),
    };
    if let Some(to) = joining.email {
        let email = confirmation(
            &links,
            branch,
            dispute,
            &stored,
            (joining.name, to),
            (id, place),
        );
        picket_jobs::queue_email(&mut *work, &email, Some(format!("picket-signup:{id}")), 5)
            .await
            .map_err(mail_error)?;
    }
    if let Some(actor) = audit {
        work.audit(actor.entry("picket.signup", format!("picket-signup:{id}")))
            .await?;
    }
    work.commit().await?;
    Ok(Ok((id, place)))
}

/// A member's own sign-up.
pub async fn member_sign_up(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: &Dispute,
    shift: PicketShiftId,
    waiting_list: bool,
) -> AppResult<SignedUp> {
    let member = require_member(state, actor.branch, actor.user).await?;
    let email = member
        .details
        .email
        .as_ref()
        .map(|e| e.as_str().to_string());
    let joining = Joining {
        shift,
        who: Who::Member(member.id),
        name: &member.details.name,
        email: email.as_deref(),
        waiting_list,
    };
    sign_up(state, actor.branch, dispute, joining, Some(actor)).await
}

/// A supporter's sign-up: checked, then stored.
pub async fn supporter_sign_up(
    state: &AppState,
    branch: &Branch,
    dispute: &Dispute,
    shift: PicketShiftId,
    supporter: &Supporter,
    waiting_list: bool,
) -> AppResult<SignedUp> {
    let email = supporter.email.as_ref().map(|e| e.as_str().to_string());
    let joining = Joining {
        shift,
        who: Who::Supporter(supporter),
        name: &supporter.name,
        email: email.as_deref(),
        waiting_list,
    };
    sign_up(state, branch, dispute, joining, None).await
}

/// Cancels a place (only `member`'s, when given) and moves the first on the waiting list up,
/// emailing them, in one unit; `audit` writes the entry for a signed-in person.
pub async fn cancel_place(
    state: &AppState,
    branch: &Branch,
    dispute: &Dispute,
    id: PicketSignupId,
    member: Option<MemberId>,
    audit: Option<NewAuditEntry>,
) -> AppResult<()> {
    let links = links(state).await?;
    let mut work = state.store.begin().await?;
    let done = work
        .cancel_signup(branch.id, dispute.id, id, member, Utc::now())
        .await?;
    if let Some(promoted) = &done.promoted {
        let shift = state
            .store
            .picket_shift(branch.id, dispute.id, done.shift_id)
            .await?;
        queue_promotion(
            &mut *work,
            &links,
            &branch.slug,
            &dispute.title,
            &shift,
            promoted,
        )
        .await
        .map_err(mail_error)?;
    }
    if let Some(entry) = audit {
        work.audit(entry).await?;
    }
    work.commit().await?;
    Ok(())
}

/// The member's own place on a shift.
pub async fn own_place(
    state: &AppState,
    branch: &Branch,
    dispute: DisputeId,
    shift: PicketShiftId,
    member: MemberId,
) -> AppResult<PicketSignupId> {
    state
        .store
        .shift_signups(branch.id, dispute, shift)
        .await?
        .into_iter()
        .find(|p| p.member_id == Some(member) && p.status != SignupStatus::WalkUp)
        .map(|p| p.id)
        .ok_or_else(|| AppError::Conflict("You have no place on this shift to cancel.".into()))
}

/// What a sign-up says on the page.
pub fn outcome_words(done: &SignedUp) -> Result<String, String> {
    match done {
        Ok((_, Place::Taken)) => Ok("You have a place on this shift. Thank you!".into()),
        Ok((_, Place::Waiting)) => Ok(
            "The shift is full, so you are on its waiting list: you will be told if a place comes free."
                .into(),
        ),
        Err(reason) => Err(reason.to_string()),
    }
}

/// The sign-up form's one choice.
#[derive(Debug, Default, Deserialize)]
pub struct TapForm {
    /// `on` to join the waiting list when the shift is full.
    #[serde(default)]
    waiting_list: String,
}

/// POST /{branch}/disputes/{id}/pickets/shifts/{shift}/signup: the member's one tap.
pub async fn tap(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id, shift)): Path<(String, DisputeId, PicketShiftId)>,
    CsrfForm(form): CsrfForm<TapForm>,
) -> AppResult<Response> {
    let (branch, dispute) = dispute_for(&state, &user, &slug, id, Role::Member).await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    let waiting = !form.waiting_list.is_empty();
    let shown = match member_sign_up(&state, &actor, &dispute, shift, waiting).await {
        Ok(done) => match outcome_words(&done) {
            Ok(notice) => Shown {
                notice: Some(notice),
                ..Shown::default()
            },
            Err(message) => Shown {
                failed: Some(("rota", message, "")),
                ..Shown::default()
            },
        },
        Err(AppError::Invalid { message, .. }) => Shown {
            failed: Some(("rota", message, "")),
            ..Shown::default()
        },
        Err(e) => return Err(e),
    };
    rota_page(&state, &csrf, &user, &slug, id, shown).await
}

/// POST /{branch}/disputes/{id}/pickets/shifts/{shift}/leave: the member gives up their place.
pub async fn leave(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id, shift)): Path<(String, DisputeId, PicketShiftId)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> AppResult<Response> {
    let (branch, dispute) = dispute_for(&state, &user, &slug, id, Role::Member).await?;
    let member = require_member(&state, &branch, &user).await?;
    let place = own_place(&state, &branch, id, shift, member.id).await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    let entry = actor.entry("picket.signup.cancel", format!("picket-signup:{place}"));
    cancel_place(
        &state,
        &branch,
        &dispute,
        place,
        Some(member.id),
        Some(entry),
    )
    .await?;
    let shown = Shown {
        notice: Some("Your place was cancelled. Thank you for letting us know.".into()),
        ..Shown::default()
    };
    rota_page(&state, &csrf, &user, &slug, id, shown).await
}

/// The token of a cancel link.
#[derive(Debug, Default, Deserialize)]
pub struct LinkToken {
    #[serde(default)]
    token: String,
}

#[derive(Template)]
#[template(path = "pickets/cancel.html")]
struct CancelPage {
    layout: Layout,
    branch: Branch,
    place: PicketSignupId,
    token: String,
    shift: Option<String>,
    done: bool,
    already: bool,
}

/// The place a cancel link stands for, once its token is checked (else not found).
async fn linked_place(
    state: &AppState,
    slug: &str,
    id: PicketSignupId,
    token: &str,
) -> AppResult<(Branch, Dispute, picket_store::shifts::Signup, Shift)> {
    let links = links(state).await?;
    if !link_token_matches(&links.secret, CANCEL_PURPOSE, id.0, 0, token.trim()) {
        return Err(AppError::NotFound);
    }
    let branch = state.store.branch_by_slug(slug).await?;
    let (branch_id, dispute_id, place) = state.store.signup_for_link(id).await?;
    if branch_id != branch.id {
        return Err(AppError::NotFound);
    }
    let dispute = state.store.dispute(branch.id, dispute_id).await?;
    let shift = state
        .store
        .picket_shift(branch.id, dispute_id, place.shift_id)
        .await?;
    Ok((branch, dispute, place, shift))
}

fn shift_words(shift: &Shift) -> String {
    format!(
        "{} ({}), {}",
        shift.site_name,
        shift.entrance_name,
        shift.times.words()
    )
}

/// GET /{branch}/pickets/places/{id}/cancel?token=: asks before cancelling (a link opened
/// by a mail scanner changes nothing).
pub async fn cancel_form(
    State(state): State<AppState>,
    csrf: CsrfToken,
    Path((slug, id)): Path<(String, PicketSignupId)>,
    Query(q): Query<LinkToken>,
) -> AppResult<Response> {
    let (branch, _, place, shift) = linked_place(&state, &slug, id, &q.token).await?;
    render(&CancelPage {
        layout: Layout::new("Cancel your picket place", &csrf, None),
        branch,
        place: id,
        token: q.token,
        shift: Some(shift_words(&shift)),
        done: false,
        already: place.status == SignupStatus::Cancelled,
    })
}

/// The cancel form's token.
#[derive(Debug, Default, Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    token: String,
}

/// POST /{branch}/pickets/places/{id}/cancel: cancels the place the link stands for.
pub async fn cancel_by_link(
    State(state): State<AppState>,
    csrf: CsrfToken,
    Path((slug, id)): Path<(String, PicketSignupId)>,
    CsrfForm(form): CsrfForm<CancelForm>,
) -> AppResult<Response> {
    let (branch, dispute, place, shift) = linked_place(&state, &slug, id, &form.token).await?;
    let already = place.status == SignupStatus::Cancelled;
    if !already {
        cancel_place(&state, &branch, &dispute, id, None, None).await?;
    }
    render(&CancelPage {
        layout: Layout::new("Picket place cancelled", &csrf, None),
        branch,
        place: id,
        token: String::new(),
        shift: Some(shift_words(&shift)),
        done: !already,
        already,
    })
}
