//! The hand-in: a campaign's counted signatures as CSV (through the one CSV writer, which
//! neutralises formulas), and a printable list of names and postcodes without email
//! addresses. Organisers only; each copy is audited.

use crate::eactions::admin::Desk;
use crate::error::{AppError, AppResult};
use crate::extract::{CsrfToken, CurrentUser, RequestId};
use crate::filters;
use crate::pages::{render, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use picket_domain::csv_safe::CsvWriter;
use picket_domain::{BranchId, DisputeId, EactionId};
use picket_store::eactions::{Eaction, Signature};
use picket_store::PageRequest;

/// Every counted signature of a campaign, oldest first.
pub async fn all_signatures(
    state: &AppState,
    branch: BranchId,
    dispute: DisputeId,
    id: EactionId,
) -> AppResult<Vec<Signature>> {
    let mut out = Vec::new();
    for page in 1.. {
        let got = state
            .store
            .signatures(branch, dispute, id, PageRequest::new(page, 200))
            .await?;
        let full = got.items.len() == 200;
        out.extend(got.items);
        if !full {
            break;
        }
    }
    Ok(out)
}

/// The CSV of `signatures`: name, email, postcode, own words, when signed, consent given.
pub fn csv(signatures: &[Signature]) -> AppResult<Vec<u8>> {
    let fail = |e: csv::Error| AppError::failed("writing the hand-in list", e);
    let mut out = CsvWriter::new();
    out.row([
        "name",
        "email",
        "postcode",
        "own_words",
        "signed_at",
        "consent",
    ])
    .map_err(fail)?;
    for s in signatures {
        let signed_at = s.signed_at.to_rfc3339();
        let consent = s.consent.as_deref().unwrap_or("");
        out.row([
            s.name.as_str(),
            s.email.as_str(),
            s.postcode.as_str(),
            s.own_words.as_str(),
            signed_at.as_str(),
            consent,
        ])
        .map_err(fail)?;
    }
    out.finish().map_err(fail)
}

/// GET …/actions/{eaction}/handin.csv
pub async fn export(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(rid): RequestId,
    Path((slug, id, eaction)): Path<(String, DisputeId, EactionId)>,
) -> AppResult<Response> {
    let desk = Desk::open(&state, csrf, user, &slug, id, true, rid).await?;
    state.store.eaction(desk.branch.id, id, eaction).await?;
    super::ops::audit_read(&state, &desk.actor(), eaction).await?;
    let body = csv(&all_signatures(&state, desk.branch.id, id, eaction).await?)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"campaign-{eaction}-signatures.csv\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

/// One line of the printable list.
struct Line {
    name: String,
    postcode: String,
}

#[derive(Template)]
#[template(path = "eactions/handin.html")]
struct HandinPage {
    layout: Layout,
    branch_name: String,
    e: Eaction,
    today: chrono::NaiveDate,
    lines: Vec<Line>,
}

/// GET …/actions/{eaction}/handin: names and postcodes to print, no email addresses.
pub async fn printable(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(rid): RequestId,
    Path((slug, id, eaction)): Path<(String, DisputeId, EactionId)>,
) -> AppResult<Response> {
    let desk = Desk::open(&state, csrf, user, &slug, id, true, rid).await?;
    let e = state.store.eaction(desk.branch.id, id, eaction).await?;
    super::ops::audit_read(&state, &desk.actor(), eaction).await?;
    let lines = all_signatures(&state, desk.branch.id, id, eaction)
        .await?
        .into_iter()
        .map(|s| Line {
            name: s.name,
            postcode: s.postcode,
        })
        .collect();
    render(&HandinPage {
        layout: desk.layout(&e.title),
        branch_name: desk.branch.name.clone(),
        e,
        today: chrono::Utc::now().date_naive(),
        lines,
    })
}
