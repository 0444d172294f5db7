//! The public sign-up page, `/{branch}/disputes/{id}/pickets/join`: shifts open to
//! supporters with the places left (never who has them), and a form taking a name with a
//! phone number or an email address, no account. Like the wall, the form is rate-limited per
//! client address and its body is size-limited.

use crate::error::{AppError, AppResult};
use crate::extract::{CsrfForm, CsrfToken};
use crate::pages::{render_with_status, Layout};
use crate::pickets::common::{public_dispute, signup_error, today, ShiftView};
use crate::pickets::signups::{outcome_words, supporter_sign_up};
use crate::security::ClientIp;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use picket_domain::pickets::signups::Supporter;
use picket_domain::{DisputeId, PicketShiftId};
use picket_store::disputes::Dispute;
use picket_store::Branch;
use serde::Deserialize;

/// Largest body the public sign-up form accepts, in bytes.
pub const MAX_FORM_BYTES: usize = 8 * 1024;

/// The supporter's form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct JoinForm {
    #[serde(default)]
    shift: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    waiting_list: String,
}

#[derive(Template)]
#[template(path = "pickets/join.html")]
struct JoinPage {
    layout: Layout,
    branch: Branch,
    dispute: Dispute,
    shifts: Vec<ShiftView>,
    form: JoinForm,
    error: Option<String>,
    field: &'static str,
    notice: Option<String>,
}

async fn page(
    state: &AppState,
    csrf: &CsrfToken,
    branch: Branch,
    dispute: Dispute,
    form: JoinForm,
    outcome: Result<Option<String>, (String, &'static str)>,
) -> AppResult<Response> {
    let now = Utc::now();
    let shifts = state
        .store
        .picket_shifts(branch.id, dispute.id, Some(today()), None)
        .await?
        .iter()
        .filter(|s| s.open_to_supporters && s.cancelled_at.is_none() && s.starts_at > now)
        .map(|s| ShiftView::new(s, now))
        .collect();
    let (status, notice, error, field) = match outcome {
        Ok(notice) => (StatusCode::OK, notice, None, ""),
        Err((message, field)) => (StatusCode::UNPROCESSABLE_ENTITY, None, Some(message), field),
    };
    render_with_status(
        status,
        &JoinPage {
            layout: Layout::new(format!("Join the picket · {}", dispute.title), csrf, None),
            branch,
            dispute,
            shifts,
            form,
            error,
            field,
            notice,
        },
    )
}

/// GET /{branch}/disputes/{id}/pickets/join (public).
pub async fn join_form(
    State(state): State<AppState>,
    csrf: CsrfToken,
    Path((slug, id)): Path<(String, DisputeId)>,
) -> AppResult<Response> {
    let (branch, dispute) = public_dispute(&state, &slug, id).await?;
    page(
        &state,
        &csrf,
        branch,
        dispute,
        JoinForm::default(),
        Ok(None),
    )
    .await
}

/// Counts one public sign-up from `ip` against the hourly limit (in this process's memory,
/// as the e-actions' sign forms are: a write per request would hold up a burst).
pub fn count_public_signup(state: &AppState, ip: &str) -> AppResult<()> {
    let max = state.settings.pickets.signups_per_ip_per_hour;
    if state.picket_signups.take(ip, max, Utc::now().timestamp()) {
        Ok(())
    } else {
        Err(AppError::TooManyRequests(format!(
            "We accept at most {max} picket sign-ups an hour from one place. Please try again later."
        )))
    }
}

/// Checks a supporter's details and the shift chosen, counts the attempt, and signs up.
/// `NotFound`: the shift is not one of the dispute's.
pub async fn join(
    state: &AppState,
    branch: &Branch,
    dispute: &Dispute,
    ip: &str,
    shift: &str,
    supporter: Result<Supporter, AppError>,
    waiting_list: bool,
) -> AppResult<crate::pickets::signups::SignedUp> {
    let shift: i64 = shift
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("shift", "Choose the shift you want to join."))?;
    let supporter = supporter?;
    count_public_signup(state, ip)?;
    supporter_sign_up(
        state,
        branch,
        dispute,
        PicketShiftId(shift),
        &supporter,
        waiting_list,
    )
    .await
}

/// POST /{branch}/disputes/{id}/pickets/join (public, rate-limited).
pub async fn join_post(
    State(state): State<AppState>,
    csrf: CsrfToken,
    ClientIp(ip): ClientIp,
    Path((slug, id)): Path<(String, DisputeId)>,
    CsrfForm(form): CsrfForm<JoinForm>,
) -> AppResult<Response> {
    let (branch, dispute) = public_dispute(&state, &slug, id).await?;
    let supporter = Supporter::parse(&form.name, &form.email, &form.phone).map_err(signup_error);
    let outcome = join(
        &state,
        &branch,
        &dispute,
        &ip,
        &form.shift,
        supporter,
        !form.waiting_list.is_empty(),
    )
    .await
    .map_err(|e| match e {
        AppError::NotFound => AppError::invalid("shift", "Choose one of the shifts listed."),
        other => other,
    });
    let shown = match outcome {
        Ok(done) => match outcome_words(&done) {
            Ok(notice) => {
                let kept = JoinForm::default();
                return page(&state, &csrf, branch, dispute, kept, Ok(Some(notice))).await;
            }
            Err(message) => Err((message, "shift")),
        },
        Err(AppError::Invalid { field, message }) => {
            Err((crate::words::plain(field, &message), field))
        }
        Err(other) => return Err(other),
    };
    page(&state, &csrf, branch, dispute, form, shown).await
}
