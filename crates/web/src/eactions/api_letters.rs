//! The correspondence log and the strike-breaking monitor over JSON. Members of the branch
//! read; organisers write. Neither is public.

use crate::api::ErrorBody;
use crate::disputes::api::{ApiJson, Created};
use crate::eactions::ops::{self, LetterBody, ReportBody};
use crate::error::AppResult;
use crate::extract::caller::{Member, Organiser};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use picket_domain::disputes::Named;
use picket_domain::{DisputeId, LetterId, ReportId};
use picket_store::correspondence::Letter;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A letter in the log.
#[derive(Debug, Serialize, ToSchema)]
pub struct LetterView {
    /// Id.
    #[schema(value_type = i64)]
    pub id: LetterId,
    /// Its dispute.
    #[schema(value_type = i64)]
    pub dispute_id: DisputeId,
    /// `sent` or `received`.
    pub direction: String,
    /// Who it went to or came from.
    pub counterpart: String,
    /// What it is about.
    pub subject: String,
    /// `email`, `letter`, `registered-post` or `by-hand`.
    pub channel: String,
    /// The day it was sent.
    pub sent_on: NaiveDate,
    /// Proof of delivery.
    pub proof: String,
    /// The day a reply is due.
    pub reply_by: Option<NaiveDate>,
    /// As recorded: `awaiting`, `answered`, `refused-at-reception` or `returned`.
    pub status: String,
    /// Where it stands today: the recorded status, or `overdue`.
    pub shown_status: String,
    /// Notes.
    pub notes: String,
    /// Whether it is on the dispute's public timeline.
    pub on_timeline: bool,
}

impl LetterView {
    fn new(l: &Letter, today: NaiveDate) -> Self {
        use picket_domain::correspondence::ShownStatus;
        let n = &l.letter;
        Self {
            id: l.id,
            dispute_id: l.dispute_id,
            direction: n.direction.as_str().into(),
            counterpart: n.counterpart.clone(),
            subject: n.subject.clone(),
            channel: n.channel.as_str().into(),
            sent_on: n.sent_on,
            proof: n.proof.clone(),
            reply_by: n.reply_by,
            status: n.status.as_str().into(),
            shown_status: match l.shown_status(today) {
                ShownStatus::Overdue => "overdue".into(),
                ShownStatus::Recorded(s) => s.as_str().into(),
            },
            notes: n.notes.clone(),
            on_timeline: l.timeline_entry.is_some(),
        }
    }
}

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// A dispute's correspondence log, newest first (members of the branch).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/letters", operation_id = "listLetters", tag = "eactions",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    responses((status = 200, body = [LetterView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn letters(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, id)): Path<(String, DisputeId)>,
) -> AppResult<Json<Vec<LetterView>>> {
    state.store.dispute(c.branch.id, id).await?;
    let today = today();
    let all = state.store.letters(c.branch.id, id).await?;
    Ok(Json(
        all.iter().map(|l| LetterView::new(l, today)).collect(),
    ))
}

/// Record a letter (organisers). A reply-by date before the day it was sent is refused.
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/letters", operation_id = "addLetter", tag = "eactions",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body = LetterBody,
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_letter(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id)): Path<(String, DisputeId)>,
    ApiJson(body): ApiJson<LetterBody>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let letter = body.parse()?;
    let l = ops::add_letter(&state, &c.actor(), id, &letter).await?;
    Ok((StatusCode::CREATED, Json(Created { id: l.0 })))
}

/// A new status.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StatusBody {
    /// `awaiting`, `answered`, `refused-at-reception` or `returned`.
    pub status: String,
}

/// Change where a letter stands (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/letters/{letter}/status", operation_id = "setLetterStatus", tag = "eactions",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("letter" = i64, Path, description = "Letter id")),
    request_body = StatusBody,
    responses((status = 204, description = "Changed"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_status(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, letter)): Path<(String, DisputeId, LetterId)>,
    ApiJson(body): ApiJson<StatusBody>,
) -> AppResult<StatusCode> {
    let status = ops::letter_status(&body.status)?;
    ops::set_letter_status(&state, &c.actor(), id, letter, status).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Put a letter on the dispute's public timeline (organisers; once).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/letters/{letter}/timeline", operation_id = "putLetterOnTimeline", tag = "eactions",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("letter" = i64, Path, description = "Letter id")),
    responses((status = 204, description = "On the timeline"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn timeline(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, letter)): Path<(String, DisputeId, LetterId)>,
) -> AppResult<StatusCode> {
    ops::put_on_timeline(&state, &c.actor(), id, letter).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The branch's letters awaiting a reply after their reply-by date, longest overdue first
/// (members of the branch).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/letters/overdue", operation_id = "overdueLetters", tag = "eactions",
    params(("branch" = String, Path, description = "Branch slug")),
    responses((status = 200, body = [LetterView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn overdue(
    State(state): State<AppState>,
    Member(c): Member,
) -> AppResult<Json<Vec<LetterView>>> {
    let today = today();
    let all = state.store.overdue_letters(c.branch.id, today).await?;
    Ok(Json(
        all.iter().map(|l| LetterView::new(l, today)).collect(),
    ))
}

/// One stretch of Regulation 7.
#[derive(Debug, Serialize, ToSchema)]
pub struct Regulation7View {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub until: NaiveDate,
    /// Whether the ban applied.
    pub in_force: bool,
    /// The provision as the law table cites it.
    pub provision: String,
    /// The stretch as a sentence.
    pub sentence: String,
}

/// A report with its letters and the law table's facts.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    /// Id.
    #[schema(value_type = i64)]
    pub id: ReportId,
    /// The agency or contractor.
    pub who: String,
    /// The service covered.
    pub service: String,
    /// The day the branch learned of it.
    pub learned_on: NaiveDate,
    /// Evidence.
    pub evidence: String,
    /// `unknown`, `withdrew` or `continuing`.
    pub outcome: String,
    /// Letters linked from the log, in the order sent.
    pub letters: Vec<LetterView>,
    /// What the law table records about Regulation 7 from the day learned to today.
    pub regulation7: Vec<Regulation7View>,
    /// What the facts rest on, and that they are not a verdict.
    pub regulation7_notes: Vec<String>,
}

/// A dispute's strike-breaking reports (members of the branch).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/reports", operation_id = "listReports", tag = "eactions",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    responses((status = 200, body = [ReportView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn reports(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, id)): Path<(String, DisputeId)>,
) -> AppResult<Json<Vec<ReportView>>> {
    let dispute = state.store.dispute(c.branch.id, id).await?;
    let today = today();
    let mut out = Vec::new();
    for r in state.store.reports(c.branch.id, id).await? {
        let letters = state.store.report_letters(c.branch.id, id, r.id).await?;
        let facts = super::monitor::facts(dispute.nation, r.report.learned_on, today);
        let (periods, notes) = facts.map_or((Vec::new(), Vec::new()), |f| (f.periods, f.notes));
        out.push(ReportView {
            id: r.id,
            who: r.report.who,
            service: r.report.service,
            learned_on: r.report.learned_on,
            evidence: r.report.evidence,
            outcome: r.report.outcome.as_str().into(),
            letters: letters.iter().map(|l| LetterView::new(l, today)).collect(),
            regulation7: periods
                .into_iter()
                .map(|p| Regulation7View {
                    from: p.from,
                    until: p.until,
                    in_force: p.in_force,
                    provision: p.provision,
                    sentence: p.sentence,
                })
                .collect(),
            regulation7_notes: notes,
        });
    }
    Ok(Json(out))
}

/// Record a report (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/reports", operation_id = "addReport", tag = "eactions",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body = ReportBody,
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_report(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id)): Path<(String, DisputeId)>,
    ApiJson(body): ApiJson<ReportBody>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let report = body.parse()?;
    let r = ops::add_report(&state, &c.actor(), id, &report).await?;
    Ok((StatusCode::CREATED, Json(Created { id: r.0 })))
}

/// A report's outcome.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OutcomeBody {
    /// `unknown`, `withdrew` or `continuing`.
    pub outcome: String,
}

/// Record what came of a report (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/reports/{report}/outcome", operation_id = "setReportOutcome", tag = "eactions",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("report" = i64, Path, description = "Report id")),
    request_body = OutcomeBody,
    responses((status = 204, description = "Recorded"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_outcome(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, report)): Path<(String, DisputeId, ReportId)>,
    ApiJson(body): ApiJson<OutcomeBody>,
) -> AppResult<StatusCode> {
    let outcome = ops::outcome(&body.outcome)?;
    ops::set_outcome(&state, &c.actor(), id, report, outcome).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A letter to link.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LinkBody {
    /// A letter of the same dispute's log.
    #[schema(value_type = i64)]
    pub letter_id: LetterId,
}

/// Link a letter of the log to a report (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/reports/{report}/letters", operation_id = "linkReportLetter", tag = "eactions",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("report" = i64, Path, description = "Report id")),
    request_body = LinkBody,
    responses((status = 204, description = "Linked"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn link_letter(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, report)): Path<(String, DisputeId, ReportId)>,
    ApiJson(body): ApiJson<LinkBody>,
) -> AppResult<StatusCode> {
    ops::link_letter(&state, &c.actor(), id, report, body.letter_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routes of campaigns, the log and the monitor, to be merged into the API router.
pub fn routes() -> axum::Router<AppState> {
    use crate::eactions::api as e;
    use axum::routing::{delete, get, post, put};
    let d = "/branches/{branch}/disputes/{id}";
    axum::Router::new()
        .route(&format!("{d}/eactions"), get(e::list).post(e::create))
        .route(&format!("{d}/eactions/{{eaction}}"), get(e::get_one))
        .route(&format!("{d}/eactions/{{eaction}}/open"), post(e::set_open))
        .route(
            &format!("{d}/eactions/{{eaction}}/targets"),
            post(e::add_target),
        )
        .route(
            &format!("{d}/eactions/{{eaction}}/targets/{{target}}"),
            delete(e::remove_target),
        )
        .route(
            &format!("{d}/eactions/{{eaction}}/targets/{{target}}/reply"),
            put(e::reply),
        )
        .route(
            &format!("{d}/eactions/{{eaction}}/signatures"),
            get(e::signatures)
                .post(e::sign_one)
                .layer(axum::extract::DefaultBodyLimit::max(super::SIGN_BODY_LIMIT)),
        )
        .route(&format!("{d}/eactions/{{eaction}}/public"), get(e::public))
        .route(
            &format!("{d}/eactions/{{eaction}}/consents"),
            get(crate::eactions::consent::consent_counts),
        )
        .route(&format!("{d}/letters"), get(letters).post(add_letter))
        .route(&format!("{d}/letters/{{letter}}/status"), post(set_status))
        .route(&format!("{d}/letters/{{letter}}/timeline"), post(timeline))
        .route("/branches/{branch}/letters/overdue", get(overdue))
        .route(&format!("{d}/reports"), get(reports).post(add_report))
        .route(
            &format!("{d}/reports/{{report}}/outcome"),
            post(set_outcome),
        )
        .route(
            &format!("{d}/reports/{{report}}/letters"),
            post(link_letter),
        )
}
