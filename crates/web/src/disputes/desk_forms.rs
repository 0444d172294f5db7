//! The dispute desk's forms, one handler each: `POST /{branch}/disputes/{id}/{form}`. Each
//! reads its own form, makes its change through the operations the API shares, and goes back
//! to the room the form lives in ([`Room::of_form`]); a form that fails is shown again in that
//! room with the message and exactly what was typed. Organisers use every form; reps record
//! participation.

use crate::disputes::edits::{self, ParticipationInput};
use crate::disputes::ops;
use crate::disputes::pages::{as_typed, kept};
use crate::disputes::rooms::{page, Open, Room};
use crate::disputes::{
    BallotForm, ClaimInput, DisputeInput, EventInput, PartyInput, PeriodInput, QuestionInput,
    RateInput, ResultInput,
};
use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::pages::render_with_status;
use crate::state::AppState;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use picket_domain::{DisputeId, Role};
use picket_store::Branch;
use serde::{Deserialize, Serialize};

/// A post to one of the desk's forms: who sends it, and to which dispute of which branch.
pub struct DeskPost {
    csrf: CsrfToken,
    user: CurrentUser,
    request_id: Option<String>,
    slug: String,
    id: DisputeId,
}

impl FromRequestParts<AppState> for DeskPost {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Path((slug, id)) = Path::<(String, DisputeId)>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let csrf = CsrfToken::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let user = CurrentUser::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Ok(RequestId(request_id)) = RequestId::from_request_parts(parts, state).await;
        Ok(DeskPost {
            csrf,
            user,
            request_id,
            slug,
            id,
        })
    }
}

impl DeskPost {
    /// The branch, once the sender's role in it is checked and the dispute found there.
    async fn open(&self, state: &AppState, role: Role) -> AppResult<Branch> {
        let branch = self
            .user
            .branch_access(&*state.store, &self.slug, role)
            .await?;
        state.store.dispute(branch.id, self.id).await?;
        Ok(branch)
    }

    fn actor<'a>(&'a self, branch: &'a Branch) -> Actor<'a> {
        Actor {
            user: &self.user,
            branch,
            request_id: self.request_id.clone(),
        }
    }

    /// Back to the top of the form's room, where the notice says what happened, once saved; or the room again with the message and
    /// what was typed when a field is wrong.
    async fn finish<T: Serialize>(
        &self,
        state: &AppState,
        branch: Branch,
        form: &str,
        typed: &T,
        result: AppResult<()>,
    ) -> AppResult<Response> {
        let room = Room::of_form(form);
        match result {
            Ok(()) => Ok(
                Redirect::to(&format!("{}?done=saved", room.url(&branch.slug, self.id)))
                    .into_response(),
            ),
            Err(e) => {
                let kept = kept(form, as_typed(typed), e)?;
                let open = Open {
                    room,
                    day: None,
                    kept,
                };
                let page = page(state, &self.csrf, &self.user, branch, self.id, open).await?;
                render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
            }
        }
    }
}

/// The id posted in a form's hidden or select field, or `missing` when it is not one.
fn posted<T: std::str::FromStr>(value: &str, missing: impl FnOnce() -> AppError) -> AppResult<T> {
    value.trim().parse().map_err(|_| missing())
}

fn not_found() -> AppError {
    AppError::NotFound
}

fn choose_ballot() -> AppError {
    AppError::invalid("ballot_id", "ballot_id: choose a ballot")
}

/// POST …/edit: the dispute's own values.
pub async fn edit(
    State(state): State<AppState>,
    post: DeskPost,
    CsrfForm(form): CsrfForm<DisputeInput>,
) -> AppResult<Response> {
    let branch = post.open(&state, Role::Organiser).await?;
    let result = ops::update_dispute(&state, &post.actor(&branch), post.id, &form).await;
    post.finish(&state, branch, "edit", &form, result.map(drop))
        .await
}

/// POST …/timeline: a timeline entry.
pub async fn timeline(
    State(state): State<AppState>,
    post: DeskPost,
    CsrfForm(form): CsrfForm<EventInput>,
) -> AppResult<Response> {
    let branch = post.open(&state, Role::Organiser).await?;
    let result = ops::add_event(&state, &post.actor(&branch), post.id, &form).await;
    post.finish(&state, branch, "timeline", &form, result.map(drop))
        .await
}

/// POST …/parties: a decision-maker or team.
pub async fn parties(
    State(state): State<AppState>,
    post: DeskPost,
    CsrfForm(form): CsrfForm<PartyInput>,
) -> AppResult<Response> {
    let branch = post.open(&state, Role::Organiser).await?;
    let result = ops::add_party(&state, &post.actor(&branch), post.id, &form).await;
    post.finish(&state, branch, "parties", &form, result.map(drop))
        .await
}

/// POST …/claims: a claim or offer.
pub async fn claims(
    State(state): State<AppState>,
    post: DeskPost,
    CsrfForm(form): CsrfForm<ClaimInput>,
) -> AppResult<Response> {
    let branch = post.open(&state, Role::Organiser).await?;
    let result = ops::add_claim(&state, &post.actor(&branch), post.id, &form).await;
    post.finish(&state, branch, "claims", &form, result.map(drop))
        .await
}

/// POST …/rates: an impact rate.
pub async fn rates(
    State(state): State<AppState>,
    post: DeskPost,
    CsrfForm(form): CsrfForm<RateInput>,
) -> AppResult<Response> {
    let branch = post.open(&state, Role::Organiser).await?;
    let result = ops::add_rate(&state, &post.actor(&branch), post.id, &form).await;
    post.finish(&state, branch, "rates", &form, result.map(drop))
        .await
}

/// POST …/ballots: a ballot or survey.
pub async fn ballots(
    State(state): State<AppState>,
    post: DeskPost,
    CsrfForm(form): CsrfForm<BallotForm>,
) -> AppResult<Response> {
    let branch = post.open(&state, Role::Organiser).await?;
    let result = ops::add_ballot(&state, &post.actor(&branch), post.id, &form).await;
    post.finish(&state, branch, "ballots", &form, result.map(drop))
        .await
}

/// POST …/periods: a period of action.
pub async fn periods(
    State(state): State<AppState>,
    post: DeskPost,
    CsrfForm(form): CsrfForm<PeriodInput>,
) -> AppResult<Response> {
    let branch = post.open(&state, Role::Organiser).await?;
    let result = ops::add_period(&state, &post.actor(&branch), post.id, &form).await;
    match result {
        // Says whether the new period is public, and if not, where to review it.
        Ok(period) => {
            let view =
                crate::disputes::publish::current(&state, &branch, post.id, period.id).await?;
            let done = if view.public {
                "period-public"
            } else {
                "period-private"
            };
            Ok(Redirect::to(&format!(
                "{}?done={done}&period={}",
                Room::Action.url(&branch.slug, post.id),
                period.id
            ))
            .into_response())
        }
        Err(e) => post.finish(&state, branch, "periods", &form, Err(e)).await,
    }
}

/// A ballot's result, as typed on the desk.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ResultForm {
    ballot_id: String,
    #[serde(flatten)]
    result: ResultInput,
}

/// POST …/result: the result of one of the dispute's ballots.
pub async fn result(
    State(state): State<AppState>,
    post: DeskPost,
    CsrfForm(form): CsrfForm<ResultForm>,
) -> AppResult<Response> {
    let branch = post.open(&state, Role::Organiser).await?;
    let result = match posted(&form.ballot_id, choose_ballot) {
        Ok(ballot) => {
            let actor = post.actor(&branch);
            ops::record_result(&state, &actor, post.id, ballot, &form.result)
                .await
                .map(drop)
        }
        Err(e) => Err(e),
    };
    post.finish(&state, branch, "result", &form, result).await
}

/// A survey question, as typed on the desk.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct QuestionForm {
    ballot_id: String,
    #[serde(flatten)]
    question: QuestionInput,
}

/// POST …/questions: a survey question of one of the dispute's ballots.
pub async fn questions(
    State(state): State<AppState>,
    post: DeskPost,
    CsrfForm(form): CsrfForm<QuestionForm>,
) -> AppResult<Response> {
    let branch = post.open(&state, Role::Organiser).await?;
    let result = match posted(&form.ballot_id, choose_ballot) {
        Ok(ballot) => {
            let actor = post.actor(&branch);
            ops::add_question(&state, &actor, post.id, ballot, &form.question)
                .await
                .map(drop)
        }
        Err(e) => Err(e),
    };
    post.finish(&state, branch, "questions", &form, result)
        .await
}

/// A timeline entry's edit (e.g. to publish it), as typed on the desk.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct EventEditForm {
    event_id: String,
    #[serde(flatten)]
    event: EventInput,
}

/// POST …/timeline-edit: a timeline entry's new values.
pub async fn timeline_edit(
    State(state): State<AppState>,
    post: DeskPost,
    CsrfForm(form): CsrfForm<EventEditForm>,
) -> AppResult<Response> {
    let branch = post.open(&state, Role::Organiser).await?;
    let event = posted(&form.event_id, not_found)?;
    let result = ops::update_event(&state, &post.actor(&branch), post.id, event, &form.event).await;
    post.finish(&state, branch, "timeline-edit", &form, result)
        .await
}

/// The bank holidays a period counts as strike days, as typed on the desk.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct HolidaysForm {
    period_id: String,
    holidays_as_strike: String,
}

/// POST …/holidays: which bank holidays in a period count as strike days.
pub async fn holidays(
    State(state): State<AppState>,
    post: DeskPost,
    CsrfForm(form): CsrfForm<HolidaysForm>,
) -> AppResult<Response> {
    let branch = post.open(&state, Role::Organiser).await?;
    let period = posted(&form.period_id, not_found)?;
    let actor = post.actor(&branch);
    let result =
        ops::set_period_holidays(&state, &actor, post.id, period, &form.holidays_as_strike).await;
    post.finish(&state, branch, "holidays", &form, result).await
}

/// A claim's new status, as chosen on the desk.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ClaimStatusForm {
    claim_id: String,
    status: String,
}

/// POST …/claim-status: a claim's or offer's new status.
pub async fn claim_status(
    State(state): State<AppState>,
    post: DeskPost,
    CsrfForm(form): CsrfForm<ClaimStatusForm>,
) -> AppResult<Response> {
    let branch = post.open(&state, Role::Organiser).await?;
    let claim = posted(&form.claim_id, not_found)?;
    let actor = post.actor(&branch);
    let result = ops::set_claim_status(&state, &actor, post.id, claim, &form.status).await;
    post.finish(&state, branch, "claim-status", &form, result)
        .await
}

/// A participation record, as typed on the desk.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ParticipationForm {
    period_id: String,
    #[serde(flatten)]
    participation: ParticipationInput,
}

/// POST …/participation: how many took part (reps and organisers).
pub async fn participation(
    State(state): State<AppState>,
    post: DeskPost,
    CsrfForm(form): CsrfForm<ParticipationForm>,
) -> AppResult<Response> {
    let branch = post.open(&state, Role::Rep).await?;
    let result = match posted(&form.period_id, || {
        AppError::invalid("period_id", "period_id: choose a period")
    }) {
        Ok(period) => {
            let actor = post.actor(&branch);
            edits::record_participation(&state, &actor, post.id, period, &form.participation)
                .await
                .map(drop)
        }
        Err(e) => Err(e),
    };
    post.finish(&state, branch, "participation", &form, result)
        .await
}

/// A ballot step's done date, as typed on the desk.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct StepForm {
    step_id: String,
    done: String,
}

/// POST …/steps: a statutory step done on a day (or not done).
pub async fn steps(
    State(state): State<AppState>,
    post: DeskPost,
    CsrfForm(form): CsrfForm<StepForm>,
) -> AppResult<Response> {
    let branch = post.open(&state, Role::Organiser).await?;
    let step = posted(&form.step_id, not_found)?;
    let result = ops::mark_step(&state, &post.actor(&branch), post.id, step, &form.done).await;
    post.finish(&state, branch, "steps", &form, result).await
}
