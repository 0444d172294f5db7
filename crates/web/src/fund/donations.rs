//! Donations: the treasurer records who gave, how much, when and how, whether the donor may
//! be named in public and whether the money is restricted (hardship only, kept apart by the
//! ledger); organisers see the list. Each donation posts its ledger transaction in the same
//! unit of work as its audit entry.

use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::filters;
use crate::fund::{self, Access};
use crate::pages::{render, render_with_status, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use picket_domain::disputes::Named;
use picket_domain::fund::{DonationMethod, DonorKind, NewDonation, Restriction};
use picket_domain::{DonationId, WallMessageId};
use picket_store::fund::Donation;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A donation as typed in the form or sent over the API: amounts in pounds ("250.00").
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct DonationInput {
    /// `organisation` or `person`.
    pub donor_kind: String,
    /// The donor's name (kept private unless `may_be_named`).
    pub donor_name: String,
    /// Whether the donor agreed to be named in public: `on`/`true` in a form.
    #[schema(value_type = bool)]
    pub may_be_named: Flag,
    /// The amount in pounds, like `250.00`.
    pub amount: String,
    /// The day it was received, `YYYY-MM-DD`.
    pub received: String,
    /// `bank-transfer`, `cheque`, `cash` or `online`.
    pub method: String,
    /// `hardship` to keep it for hardship grants only; empty for none.
    pub restriction: String,
    /// The id of the wall message that came with it, if any.
    pub wall_message: Option<String>,
}

/// A checkbox in a form (`on`) or a boolean in JSON.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flag(pub bool);

impl Serialize for Flag {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(self.0)
    }
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Bool(bool),
            Text(String),
        }
        Ok(Flag(match Either::deserialize(d)? {
            Either::Bool(b) => b,
            Either::Text(t) => matches!(t.trim(), "on" | "true" | "yes" | "1"),
        }))
    }
}

impl DonationInput {
    /// Checks every field, naming the first at fault.
    pub fn check(&self, today: chrono::NaiveDate) -> AppResult<NewDonation> {
        let kind = DonorKind::parse(&self.donor_kind).ok_or_else(|| {
            AppError::invalid(
                "donor_kind",
                "Choose whether the donor is an organisation or a person.",
            )
        })?;
        let amount = fund::amount("amount", &self.amount)?;
        let received = fund::day("received", &self.received)?;
        let method = DonationMethod::parse(&self.method).ok_or_else(|| {
            AppError::invalid(
                "method",
                format!(
                    "Choose how the money came: one of {}.",
                    DonationMethod::expected()
                ),
            )
        })?;
        let restriction = match self.restriction.trim() {
            "" | "none" => None,
            r => Some(Restriction::parse(r).ok_or_else(|| {
                AppError::invalid("restriction", "Choose hardship only, or no restriction.")
            })?),
        };
        let wall_message = match self.wall_message.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(w) => Some(WallMessageId(w.parse().map_err(|_| {
                AppError::invalid(
                    "wall_message",
                    "Give the wall message's number, or leave it empty.",
                )
            })?)),
        };
        NewDonation::new(
            kind,
            &self.donor_name,
            self.may_be_named.0,
            amount,
            received,
            method,
            wall_message,
            restriction,
            today,
        )
        .map_err(|e| {
            let field = match e {
                picket_domain::fund::DonationError::NameMissing
                | picket_domain::fund::DonationError::Name(_) => "donor_name",
                picket_domain::fund::DonationError::InFuture => "received",
                _ => "amount",
            };
            AppError::invalid(field, e.to_string())
        })
    }
}

/// Records a checked donation and posts it, with its audit entry, in one unit of work.
pub async fn record(
    state: &AppState,
    actor: &Actor<'_>,
    input: &DonationInput,
) -> AppResult<DonationId> {
    let donation = input.check(chrono::Utc::now().date_naive())?;
    let mut work = state.store.begin().await?;
    let (id, transaction) = work
        .record_donation(actor.branch.id, &donation, Some(actor.user.user.id))
        .await?;
    let mut entry = actor.entry("fund.donation", format!("donation:{id}"));
    entry.detail = Some(format!(
        "amount={}; transaction={transaction}",
        donation.amount.decimal()
    ));
    work.audit(entry).await?;
    work.commit().await?;
    Ok(id)
}

/// A donation as listed.
pub struct DonationRow {
    /// The donation.
    pub d: Donation,
    /// How it came, for people.
    pub method: &'static str,
    /// Its restriction, for people.
    pub restriction: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "fund/donations.html")]
struct DonationsPage {
    layout: Layout,
    slug: String,
    donations: Vec<DonationRow>,
    does_money: bool,
    form: DonationInput,
    error: Option<String>,
    kinds: Vec<(&'static str, &'static str)>,
    methods: Vec<(&'static str, &'static str)>,
}

fn page(
    csrf: &CsrfToken,
    user: &CurrentUser,
    access: &Access,
    donations: Vec<Donation>,
) -> DonationsPage {
    DonationsPage {
        layout: Layout::new(
            format!("Donations · {}", access.branch.name),
            csrf,
            Some(user),
        ),
        slug: access.branch.slug.clone(),
        donations: donations
            .into_iter()
            .map(|d| DonationRow {
                method: d.method.label(),
                restriction: d.restriction.map(|r| r.label()),
                d,
            })
            .collect(),
        does_money: access.does_money(),
        form: DonationInput {
            donor_kind: "organisation".into(),
            method: "bank-transfer".into(),
            received: chrono::Utc::now().date_naive().to_string(),
            ..DonationInput::default()
        },
        error: None,
        kinds: DonorKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        methods: DonationMethod::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
    }
}

/// GET /{branch}/fund/donations (treasurer, organisers).
pub async fn list(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?.must_see()?;
    let donations = state.store.donations(access.branch.id).await?;
    render(&page(&csrf, &user, &access, donations))
}

/// POST /{branch}/fund/donations (treasurer): a bad field is named, what was typed kept.
pub async fn add(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<DonationInput>,
) -> AppResult<Response> {
    let access = fund::access(&state, &user, &slug).await?.must_do_money()?;
    let actor = Actor {
        user: &user,
        branch: &access.branch,
        request_id,
    };
    let (status, message) = match record(&state, &actor, &form).await {
        Ok(_) => {
            return Ok(
                Redirect::to(&format!("/{}/fund/donations", access.branch.slug)).into_response(),
            )
        }
        Err(e) => refusal(e)?,
    };
    let donations = state.store.donations(access.branch.id).await?;
    let mut p = page(&csrf, &user, &access, donations);
    p.form = form;
    p.error = Some(message);
    render_with_status(status, &p)
}

/// A refusal to show on the form again (its status and words); any other error goes on.
pub fn refusal(e: AppError) -> AppResult<(StatusCode, String)> {
    match e {
        AppError::Invalid { field, message } => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            crate::words::plain(field, &message),
        )),
        AppError::Conflict(message) => Ok((StatusCode::CONFLICT, message)),
        other => Err(other),
    }
}
