//! Campaigns over JSON. Organisers create and change them and read the signatures (audited);
//! members of the branch read them; anyone reads an opened campaign's public view and signs
//! it (limited per address and in size, as the wall is).

use crate::api::ErrorBody;
use crate::disputes::api::{ApiJson, Created};
use crate::eactions::ops::{self, CampaignBody, ReplyBody, TargetBody};
use crate::eactions::public::PublicView;
use crate::eactions::{public_campaign, sign, SignInput};
use crate::error::AppResult;
use crate::extract::caller::{Member, Organiser};
use crate::security::ClientIp;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use picket_domain::disputes::Named;
use picket_domain::{DisputeId, EactionId, TargetId};
use picket_store::eactions::{Eaction, SignatureCounts, Target};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A campaign as organisers and members see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EactionView {
    /// Id.
    #[schema(value_type = i64)]
    pub id: EactionId,
    /// `email` or `petition`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Email subject (empty for a petition).
    pub subject: String,
    /// The letter with placeholders, or the statement.
    pub body: String,
    /// `each-signature`, `daily-digest` or `count-only`.
    pub delivery: String,
    /// Emails one target receives in an hour (0 unless each-signature).
    pub per_hour: u32,
    /// A signature counts once its address is confirmed.
    pub confirm_email: bool,
    /// Own words limit (0: none asked for).
    pub own_words_max: u32,
    /// Takes signatures.
    pub open: bool,
    /// The first day it was open.
    pub opened_on: Option<NaiveDate>,
    /// Signatures that count.
    pub signatures: u64,
    /// Signatures waiting for their address to be confirmed.
    pub pending: u64,
}

impl EactionView {
    fn new(e: &Eaction, c: SignatureCounts) -> Self {
        Self {
            id: e.id,
            kind: e.kind.as_str().into(),
            title: e.title.clone(),
            subject: e.subject.clone(),
            body: e.body.clone(),
            delivery: e.delivery.kind().as_str().into(),
            per_hour: e.delivery.per_hour(),
            confirm_email: e.confirm_email,
            own_words_max: e.own_words_max,
            open: e.open,
            opened_on: e.opened_on,
            signatures: c.confirmed,
            pending: c.pending,
        }
    }
}

/// A target with its reply.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetView {
    /// Id.
    #[schema(value_type = i64)]
    pub id: TargetId,
    /// The dispute's decision-maker it was taken from.
    #[schema(value_type = Option<i64>)]
    pub party_id: Option<picket_domain::PartyId>,
    /// Name.
    pub name: String,
    /// Role.
    pub role: String,
    /// Email address.
    pub email: Option<String>,
    /// The day their reply arrived.
    pub replied_on: Option<NaiveDate>,
    /// What it says.
    pub reply_summary: Option<String>,
    /// The reply's text.
    pub reply_text: Option<String>,
}

impl From<&Target> for TargetView {
    fn from(t: &Target) -> Self {
        Self {
            id: t.id,
            party_id: t.party_id,
            name: t.name.clone(),
            role: t.role.clone(),
            email: t.email.clone(),
            replied_on: t.reply.as_ref().map(|r| r.received_on),
            reply_summary: t.reply.as_ref().map(|r| r.summary.clone()),
            reply_text: t.reply.as_ref().map(|r| r.text.clone()),
        }
    }
}

/// A campaign with its targets.
#[derive(Debug, Serialize, ToSchema)]
pub struct EactionDetail {
    /// The campaign.
    pub campaign: EactionView,
    /// Its targets.
    pub targets: Vec<TargetView>,
}

/// A dispute's campaigns (members of the branch).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/eactions", operation_id = "listEactions", tag = "eactions",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    responses((status = 200, body = [EactionView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, id)): Path<(String, DisputeId)>,
) -> AppResult<Json<Vec<EactionView>>> {
    let b = c.branch.id;
    let mut out = Vec::new();
    for e in state.store.eactions(b, id).await? {
        let counts = state.store.signature_counts(b, id, e.id).await?;
        out.push(EactionView::new(&e, counts));
    }
    Ok(Json(out))
}

/// Create a campaign (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/eactions", operation_id = "createEaction", tag = "eactions",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id")),
    request_body = CampaignBody,
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id)): Path<(String, DisputeId)>,
    ApiJson(body): ApiJson<CampaignBody>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let new = body.parse()?;
    let e = ops::create(&state, &c.actor(), id, &new).await?;
    Ok((StatusCode::CREATED, Json(Created { id: e.0 })))
}

/// One campaign with its targets and replies (members of the branch).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/eactions/{eaction}", operation_id = "getEaction", tag = "eactions",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("eaction" = i64, Path, description = "Campaign id")),
    responses((status = 200, body = EactionDetail), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_one(
    State(state): State<AppState>,
    Member(c): Member,
    Path((_slug, id, eaction)): Path<(String, DisputeId, EactionId)>,
) -> AppResult<Json<EactionDetail>> {
    let b = c.branch.id;
    let e = state.store.eaction(b, id, eaction).await?;
    let counts = state.store.signature_counts(b, id, eaction).await?;
    let targets = state.store.targets(b, id, eaction).await?;
    Ok(Json(EactionDetail {
        campaign: EactionView::new(&e, counts),
        targets: targets.iter().map(TargetView::from).collect(),
    }))
}

/// Open or close a campaign.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OpenBody {
    /// `true` to take signatures, `false` to stop.
    pub open: bool,
}

/// Open or close a campaign (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/eactions/{eaction}/open", operation_id = "openEaction", tag = "eactions",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("eaction" = i64, Path, description = "Campaign id")),
    request_body = OpenBody,
    responses((status = 204, description = "Done"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_open(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, eaction)): Path<(String, DisputeId, EactionId)>,
    ApiJson(body): ApiJson<OpenBody>,
) -> AppResult<StatusCode> {
    ops::set_open(&state, &c.actor(), id, eaction, body.open).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a target: a decision-maker of the dispute (`party_id`) or someone typed (organisers).
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/eactions/{eaction}/targets", operation_id = "addEactionTarget", tag = "eactions",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("eaction" = i64, Path, description = "Campaign id")),
    request_body = TargetBody,
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_target(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, eaction)): Path<(String, DisputeId, EactionId)>,
    ApiJson(body): ApiJson<TargetBody>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let t = ops::add_target(&state, &c.actor(), id, eaction, &body).await?;
    Ok((StatusCode::CREATED, Json(Created { id: t.0 })))
}

/// Remove a target (organisers).
#[utoipa::path(delete, path = "/api/v1/branches/{branch}/disputes/{id}/eactions/{eaction}/targets/{target}", operation_id = "removeEactionTarget", tag = "eactions",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("eaction" = i64, Path, description = "Campaign id"), ("target" = i64, Path, description = "Target id")),
    responses((status = 204, description = "Removed"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn remove_target(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, eaction, target)): Path<(String, DisputeId, EactionId, TargetId)>,
) -> AppResult<StatusCode> {
    ops::remove_target(&state, &c.actor(), id, eaction, target).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Record (or replace) a target's reply (organisers).
#[utoipa::path(put, path = "/api/v1/branches/{branch}/disputes/{id}/eactions/{eaction}/targets/{target}/reply", operation_id = "recordEactionReply", tag = "eactions",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("eaction" = i64, Path, description = "Campaign id"), ("target" = i64, Path, description = "Target id")),
    request_body = ReplyBody,
    responses((status = 204, description = "Recorded"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn reply(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, eaction, target)): Path<(String, DisputeId, EactionId, TargetId)>,
    ApiJson(body): ApiJson<ReplyBody>,
) -> AppResult<StatusCode> {
    ops::record_reply(&state, &c.actor(), id, eaction, target, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A counted signature, for a hand-in.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignatureView {
    /// Name.
    pub name: String,
    /// Email address.
    pub email: String,
    /// Postcode.
    pub postcode: String,
    /// Their own words.
    pub own_words: String,
    /// When they signed (RFC 3339).
    pub signed_at: String,
    /// The wording of the consent to future contact they gave, if they gave it.
    pub consent: Option<String>,
}

/// Every counted signature, oldest first, for a hand-in (organisers; audited).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/eactions/{eaction}/signatures", operation_id = "eactionSignatures", tag = "eactions",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("eaction" = i64, Path, description = "Campaign id")),
    responses((status = 200, body = [SignatureView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn signatures(
    State(state): State<AppState>,
    Organiser(c): Organiser,
    Path((_slug, id, eaction)): Path<(String, DisputeId, EactionId)>,
) -> AppResult<Json<Vec<SignatureView>>> {
    let b = c.branch.id;
    state.store.eaction(b, id, eaction).await?;
    ops::audit_read(&state, &c.actor(), eaction).await?;
    let all = super::handin::all_signatures(&state, b, id, eaction).await?;
    let out = all
        .into_iter()
        .map(|s| SignatureView {
            name: s.name,
            email: s.email,
            postcode: s.postcode,
            own_words: s.own_words,
            signed_at: s.signed_at.to_rfc3339(),
            consent: s.consent,
        })
        .collect();
    Ok(Json(out))
}

/// An opened campaign as the public sees it: count, targets, replies or how long they have
/// not replied (public).
#[utoipa::path(get, path = "/api/v1/branches/{branch}/disputes/{id}/eactions/{eaction}/public", operation_id = "publicEaction", tag = "eactions",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("eaction" = i64, Path, description = "Campaign id")),
    responses((status = 200, body = PublicView), (status = 404, body = ErrorBody)))]
pub async fn public(
    State(state): State<AppState>,
    Path((slug, id, eaction)): Path<(String, DisputeId, EactionId)>,
) -> AppResult<Json<PublicView>> {
    let c = public_campaign(&state, &slug, id, eaction).await?;
    let counts = state
        .store
        .signature_counts(c.branch.id, id, eaction)
        .await?;
    Ok(Json(PublicView::new(
        &c,
        counts.confirmed,
        chrono::Utc::now().date_naive(),
    )))
}

/// A supporter's signature.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SignBody {
    /// Their name (1–100 characters).
    #[serde(default)]
    pub name: String,
    /// Their email address: never shown.
    #[serde(default)]
    pub email: String,
    /// Their UK postcode.
    #[serde(default)]
    pub postcode: String,
    /// Their own words, where the campaign asks for them (up to its `own_words_max`).
    #[serde(default)]
    pub own_words: String,
    /// Agreement to future contact, with the wording the public view gives; separate from
    /// signing.
    #[serde(default)]
    pub consent: bool,
}

/// What became of a signature.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignAnswer {
    /// `signed`, `awaiting-confirmation` (a link was emailed), `already-signed` (nothing
    /// changed), `confirmation-sent-again` (signed before, still waiting: a new link was
    /// emailed) or `confirmation-sent-recently` (as that, but the last link went too recently
    /// to send another).
    pub outcome: String,
    /// A sentence for the supporter.
    pub message: String,
}

/// Sign a campaign (public; limited per address). The answer comes once the signature is
/// committed. One email address signs once: a second attempt is `already-signed`.
#[utoipa::path(post, path = "/api/v1/branches/{branch}/disputes/{id}/eactions/{eaction}/signatures", operation_id = "signEaction", tag = "eactions",
    params(("branch" = String, Path, description = "Branch slug"), ("id" = i64, Path, description = "Dispute id"), ("eaction" = i64, Path, description = "Campaign id")),
    request_body = SignBody,
    responses((status = 201, body = SignAnswer, description = "Signed, or waiting for the address to be confirmed"),
              (status = 200, body = SignAnswer, description = "This address had signed already: still one signature (a waiting one may have had its link emailed again)"),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "The campaign is closed"),
              (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn sign_one(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path((slug, id, eaction)): Path<(String, DisputeId, EactionId)>,
    ApiJson(body): ApiJson<SignBody>,
) -> AppResult<(StatusCode, Json<SignAnswer>)> {
    let c = public_campaign(&state, &slug, id, eaction).await?;
    let input = SignInput {
        name: body.name,
        email: body.email,
        postcode: body.postcode,
        own_words: body.own_words,
        consent: body.consent,
    };
    let done = sign(&state, &c, &input, &ip).await?;
    let status = match done {
        super::Signed::AlreadySigned | super::Signed::SentAgain | super::Signed::SentRecently => {
            StatusCode::OK
        }
        _ => StatusCode::CREATED,
    };
    Ok((
        status,
        Json(SignAnswer {
            outcome: done.code().into(),
            message: done.message().into(),
        }),
    ))
}
