//! The strike-breaking monitor's page: reports of agencies or contractors covering strikers'
//! work, the letters sent to them (from the correspondence log), what came of each, and what
//! the law table says about Regulation 7 from the day the branch learned of it: facts with
//! dates, not a verdict. Members read; organisers write.

use crate::eactions::admin::{named, refused, shown_again, Desk, Done};
use crate::eactions::ops::{self, ReportBody};
use crate::error::AppResult;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::filters;
use crate::pages::{render, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use picket_domain::disputes::Named;
use picket_domain::monitor::{regulation7_facts, Outcome, Regulation7Facts};
use picket_domain::{DisputeId, LetterId, Nation, ReportId};
use picket_store::correspondence::Letter;
use picket_store::monitor::Report;
use serde::Deserialize;

/// A report with its letters and the law's facts.
pub struct Shown {
    /// The report.
    pub r: Report,
    /// Letters linked to it.
    pub letters: Vec<Letter>,
    /// Regulation 7 from the day learned to today (`None` when the law table has no answer).
    pub facts: Option<Regulation7Facts>,
}

/// Regulation 7's facts for a report on `today`.
pub fn facts(nation: Nation, learned_on: NaiveDate, today: NaiveDate) -> Option<Regulation7Facts> {
    regulation7_facts(nation, learned_on, today.max(learned_on)).ok()
}

/// A dispute's reports, each with its letters and facts.
pub async fn shown(state: &AppState, desk: &Desk) -> AppResult<Vec<Shown>> {
    let (b, d) = (desk.branch.id, desk.dispute.id);
    let today = chrono::Utc::now().date_naive();
    let mut out = Vec::new();
    for r in state.store.reports(b, d).await? {
        let letters = state.store.report_letters(b, d, r.id).await?;
        let facts = facts(desk.dispute.nation, r.report.learned_on, today);
        out.push(Shown { r, letters, facts });
    }
    Ok(out)
}

refused!(MonitorPage);

#[derive(Template)]
#[template(path = "eactions/monitor.html")]
struct MonitorPage {
    layout: Layout,
    desk: Desk,
    reports: Vec<Shown>,
    letters: Vec<Letter>,
    outcomes: Vec<(&'static str, &'static str)>,
    form: ReportBody,
    notice: Option<&'static str>,
    error: Option<String>,
    error_field: &'static str,
}

async fn monitor_page(state: &AppState, desk: Desk) -> AppResult<MonitorPage> {
    let reports = shown(state, &desk).await?;
    let letters = state.store.letters(desk.branch.id, desk.dispute.id).await?;
    Ok(MonitorPage {
        layout: desk.layout("Strike-breaking monitor"),
        desk,
        reports,
        letters,
        outcomes: named::<Outcome>(),
        form: ReportBody::default(),
        notice: None,
        error: None,
        error_field: "",
    })
}

/// GET /{branch}/disputes/{id}/monitor
pub async fn page(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(rid): RequestId,
    Path((slug, id)): Path<(String, DisputeId)>,
    Query(q): Query<Done>,
) -> AppResult<Response> {
    let desk = Desk::open(&state, csrf, user, &slug, id, false, rid).await?;
    let mut page = monitor_page(&state, desk).await?;
    page.notice = match q.done.as_deref() {
        Some("added") => Some("The report is recorded."),
        Some("outcome") => Some("The outcome is recorded."),
        Some("letter") => Some("The letter is linked to the report."),
        _ => None,
    };
    render(&page)
}

/// POST /{branch}/disputes/{id}/monitor
pub async fn add(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(rid): RequestId,
    Path((slug, id)): Path<(String, DisputeId)>,
    CsrfForm(form): CsrfForm<ReportBody>,
) -> AppResult<Response> {
    let desk = Desk::open(&state, csrf, user, &slug, id, true, rid).await?;
    let done = async {
        let report = form.parse()?;
        ops::add_report(&state, &desk.actor(), id, &report).await
    }
    .await;
    match done {
        Ok(r) => {
            Ok(Redirect::to(&format!("{}/monitor?done=added#r{r}", desk.base())).into_response())
        }
        Err(error) => shown_again(error, monitor_page(&state, desk), |p| p.form = form).await,
    }
}

/// The outcome form.
#[derive(Debug, Deserialize)]
pub struct OutcomeForm {
    #[serde(default)]
    outcome: String,
}

/// POST /{branch}/disputes/{id}/monitor/{report}/outcome
pub async fn set_outcome(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(rid): RequestId,
    Path((slug, id, report)): Path<(String, DisputeId, ReportId)>,
    CsrfForm(form): CsrfForm<OutcomeForm>,
) -> AppResult<Response> {
    let desk = Desk::open(&state, csrf, user, &slug, id, true, rid).await?;
    let outcome = ops::outcome(&form.outcome)?;
    ops::set_outcome(&state, &desk.actor(), id, report, outcome).await?;
    Ok(Redirect::to(&format!("{}/monitor?done=outcome#r{report}", desk.base())).into_response())
}

/// The link-a-letter form.
#[derive(Debug, Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    letter_id: String,
}

/// POST /{branch}/disputes/{id}/monitor/{report}/letters
pub async fn link(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(rid): RequestId,
    Path((slug, id, report)): Path<(String, DisputeId, ReportId)>,
    CsrfForm(form): CsrfForm<LinkForm>,
) -> AppResult<Response> {
    let desk = Desk::open(&state, csrf, user, &slug, id, true, rid).await?;
    let letter = form.letter_id.trim().parse().map(LetterId).map_err(|_| {
        crate::error::AppError::invalid("letter_id", "Choose a letter from the log.")
    })?;
    ops::link_letter(&state, &desk.actor(), id, report, letter).await?;
    Ok(Redirect::to(&format!("{}/monitor?done=letter#r{report}", desk.base())).into_response())
}
