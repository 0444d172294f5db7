//! Disputes for pages and the API alike: reading what was typed into validated records (each
//! error names its field), and assembling a dispute's dashboard with the law engine's answers
//! ([`view`]).
//!
//! Inputs keep every field as text, as a form posts it, so a form shown again holds exactly
//! what was typed. The API's typed bodies ([`crate::api`]) become these same inputs, so each
//! rule is checked in one place.

pub mod api;
pub mod api_ballots;
mod api_bodies;
pub mod api_periods;
pub mod api_records;
mod ballot_input;
pub mod desk_forms;
pub mod edits;
pub mod impact;
pub mod items;
pub mod ops;
pub mod overview;
pub mod pages;
pub mod publish;
pub mod rooms;
pub mod view;

use crate::error::{AppError, AppResult};
use chrono::{Datelike, NaiveDate};
use picket_domain::disputes::{ActionKind, ClaimKind, ClaimStatus, EventKind, Named};
use picket_domain::law::LawError;
use picket_domain::text::{self, TextError, TextKind};
use picket_domain::{BallotId, Nation};
use picket_store::disputes::{NewActionPeriod, NewClaim, NewDispute, NewParty, NewTimelineEvent};
use serde::{Deserialize, Deserializer, Serialize};

pub use ballot_input::{law_input, BallotForm, QuestionInput, ResultInput};

/// A form's checkbox: `"on"` (or `"true"`, `"1"`, `"yes"`) when ticked.
pub(crate) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let s = String::deserialize(d)?;
    Ok(matches!(s.as_str(), "on" | "true" | "1" | "yes"))
}

/// Checks typed text with the one text rule for its kind (see [`picket_domain::text`]),
/// naming the field.
fn typed(field: &'static str, kind: TextKind, value: &str, max: usize) -> AppResult<String> {
    text::check(kind, value, max).map_err(|e| match e {
        TextError::TooLong { max } => {
            AppError::invalid(field, format!("{field}: at most {max} characters"))
        }
        other => AppError::invalid(field, other.message(&format!("{field}:"))),
    })
}

fn filled(field: &'static str, value: String) -> AppResult<String> {
    if value.is_empty() {
        return Err(AppError::invalid(field, format!("{field}: fill this in")));
    }
    Ok(value)
}

/// One line that must not be empty, trimmed, at most `max` characters, with no control
/// characters.
pub fn required(field: &'static str, value: &str, max: usize) -> AppResult<String> {
    filled(field, typed(field, TextKind::SingleLine, value, max)?)
}

/// A name shown to others (one line, no direction controls) that must not be empty.
pub fn required_name(field: &'static str, value: &str, max: usize) -> AppResult<String> {
    filled(field, typed(field, TextKind::Name, value, max)?)
}

/// Several lines that must not be empty (newlines and tabs allowed, CR LF made LF).
pub fn required_lines(field: &'static str, value: &str, max: usize) -> AppResult<String> {
    filled(field, typed(field, TextKind::MultiLine, value, max)?)
}

/// One optional line, trimmed (empty when not given).
pub(crate) fn optional_text(field: &'static str, value: &str, max: usize) -> AppResult<String> {
    typed(field, TextKind::SingleLine, value, max)
}

/// Optional text of several lines, trimmed (empty when not given).
pub(crate) fn optional_lines(field: &'static str, value: &str, max: usize) -> AppResult<String> {
    typed(field, TextKind::MultiLine, value, max)
}

/// A calendar date as YYYY-MM-DD within 1995–2100.
pub fn date(field: &'static str, value: &str) -> AppResult<NaiveDate> {
    let d: NaiveDate = picket_domain::parse_iso_date(value).ok_or_else(|| {
        AppError::invalid(
            field,
            format!(
                "{field}: `{}` is not a date: write it as YYYY-MM-DD, like 2025-01-06",
                value.trim()
            ),
        )
    })?;
    if !(picket_domain::law::FIRST_YEAR..=picket_domain::law::LAST_YEAR).contains(&d.year()) {
        return Err(AppError::invalid(
            field,
            format!("{field}: {d} is outside the years Picket covers (1995 to 2100)"),
        ));
    }
    Ok(d)
}

pub(crate) fn optional_date(field: &'static str, value: &str) -> AppResult<Option<NaiveDate>> {
    if value.trim().is_empty() {
        Ok(None)
    } else {
        date(field, value).map(Some)
    }
}

/// A whole number from 0 to 10,000,000.
pub fn number(field: &'static str, value: &str) -> AppResult<u32> {
    value
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| *n <= 10_000_000)
        .ok_or_else(|| {
            AppError::invalid(
                field,
                format!("{field}: `{}` is not a whole number", value.trim()),
            )
        })
}

pub(crate) fn one_of<T: Named>(field: &'static str, value: &str) -> AppResult<T> {
    T::parse(value).ok_or_else(|| {
        AppError::invalid(
            field,
            format!(
                "{field}: `{}` is not one of {}",
                value.trim(),
                T::expected()
            ),
        )
    })
}

/// A decimal with at most two places, as hundredths (e.g. "2.5" → 250).
pub fn hundredths(field: &'static str, value: &str) -> AppResult<i64> {
    let bad = || {
        AppError::invalid(
            field,
            format!("{field}: `{}` is not a number like 10 or 2.5", value.trim()),
        )
    };
    let v = value.trim();
    let (whole, frac) = v.split_once('.').unwrap_or((v, ""));
    if whole.is_empty() || frac.len() > 2 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    if !(0..=100_000_000).contains(&whole) {
        return Err(bad());
    }
    Ok(whole * 100 + frac)
}

/// The field a law-engine refusal is about.
pub fn law_field(e: &LawError) -> &'static str {
    match e {
        LawError::DateOutOfRange { field, .. } => field,
        LawError::ClosedBeforeOpened { .. } => "closed",
        LawError::NoneEntitled => "entitled",
        LawError::CastExceedsEntitled { .. } | LawError::VotesDoNotAddUp { .. } => "cast",
        LawError::WelshFlagOutsideWales { .. } => "welsh_devolved",
        LawError::ActionEndsBeforeStart { .. } => "ends",
        LawError::ResultBeforeClose { .. } => "result_to_employer",
        LawError::Override { .. } => "overrides",
        LawError::UnknownNation(_) => "nation",
        LawError::UnknownIps(_) => "ips",
    }
}

/// A law-engine refusal as a validation error naming its field.
pub fn law_error(e: LawError) -> AppError {
    AppError::invalid(law_field(&e), e.to_string())
}

/// A dispute as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DisputeInput {
    /// Title (1–200 characters).
    pub title: String,
    /// Employer.
    pub employer: String,
    /// `england`, `wales`, `scotland` or `northern-ireland`.
    pub nation: String,
    /// `preparing`, `balloting`, `in-action`, `suspended`, `settled` or `closed`.
    pub status: String,
    /// A public summary.
    pub summary: String,
}

impl DisputeInput {
    /// The validated dispute.
    pub fn parse(&self) -> AppResult<NewDispute> {
        Ok(NewDispute {
            title: required("title", &self.title, 200)?,
            employer: required("employer", &self.employer, 200)?,
            nation: self.nation.trim().parse::<Nation>().map_err(law_error)?,
            status: one_of("status", &self.status)?,
            summary: optional_lines("summary", &self.summary, 5000)?,
        })
    }
}

/// A decision-maker or team as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PartyInput {
    /// `decision-maker` or `team`.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Role (decision-maker) or workplace (team).
    pub detail: String,
    /// Email (decision-maker).
    pub email: String,
    /// Postal address (decision-maker).
    pub address: String,
    /// Headcount (team).
    pub headcount: String,
}

impl PartyInput {
    /// The validated party.
    pub fn parse(&self) -> AppResult<NewParty> {
        let email = optional_text("email", &self.email, 254)?;
        if !email.is_empty() {
            email
                .parse::<picket_domain::Email>()
                .map_err(|e| AppError::invalid("email", format!("email: {e}")))?;
        }
        let headcount = if self.headcount.trim().is_empty() {
            None
        } else {
            Some(number("headcount", &self.headcount)?)
        };
        Ok(NewParty {
            kind: one_of("kind", &self.kind)?,
            name: required_name("name", &self.name, 200)?,
            detail: optional_text("detail", &self.detail, 200)?,
            email: Some(email).filter(|e| !e.is_empty()),
            address: Some(optional_lines("address", &self.address, 500)?).filter(|a| !a.is_empty()),
            headcount,
        })
    }
}

/// A claim or offer as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ClaimInput {
    /// `claim` or `offer`.
    pub kind: String,
    /// YYYY-MM-DD.
    pub dated: String,
    /// What is claimed or offered.
    pub summary: String,
    /// `tabled`, `rejected`, `withdrawn` or `accepted`.
    pub status: String,
}

impl ClaimInput {
    /// The validated claim.
    pub fn parse(&self) -> AppResult<NewClaim> {
        Ok(NewClaim {
            kind: one_of::<ClaimKind>("kind", &self.kind)?,
            dated: date("dated", &self.dated)?,
            summary: required_lines("summary", &self.summary, 2000)?,
            status: one_of::<ClaimStatus>("status", &self.status)?,
        })
    }
}

/// A timeline entry as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct EventInput {
    /// YYYY-MM-DD.
    pub dated: String,
    /// `meeting`, `letter`, `offer`, `failure-to-agree`, `acas`, `ballot`, `notice`, `action`, `press` or `note`.
    pub kind: String,
    /// What happened.
    pub title: String,
    /// The outcome.
    pub outcome: String,
    /// Shown on the public dispute page.
    #[serde(deserialize_with = "flag")]
    pub public: bool,
}

impl EventInput {
    /// The validated entry.
    pub fn parse(&self) -> AppResult<NewTimelineEvent> {
        Ok(NewTimelineEvent {
            dated: date("dated", &self.dated)?,
            kind: one_of::<EventKind>("kind", &self.kind)?,
            title: required("title", &self.title, 300)?,
            outcome: optional_lines("outcome", &self.outcome, 2000)?,
            public: self.public,
        })
    }
}

/// An impact rate as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RateInput {
    /// What is counted, e.g. "service-user contacts".
    pub label: String,
    /// How many per worker per strike day, e.g. "10" or "2.5".
    pub per_worker_day: String,
}

impl RateInput {
    /// The validated label and hundredths.
    pub fn parse(&self) -> AppResult<(String, i64)> {
        Ok((
            required("label", &self.label, 100)?,
            hundredths("per_worker_day", &self.per_worker_day)?,
        ))
    }
}

/// A period of action as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PeriodInput {
    /// `strike` or `asos`.
    pub kind: String,
    /// The id of the ballot whose mandate covers it (empty: none).
    pub ballot_id: String,
    /// First day, YYYY-MM-DD.
    pub starts: String,
    /// Last day, YYYY-MM-DD.
    pub ends: String,
    /// Teams called out.
    pub teams: String,
    /// How many members are called out.
    pub called_out: String,
    /// The day the employer received notice, YYYY-MM-DD (empty: not yet).
    pub notice_received: String,
    /// Bank holidays in the period to count as strike days, YYYY-MM-DD separated by commas.
    pub holidays_as_strike: String,
}

impl PeriodInput {
    /// The validated period (the holidays are checked against the calendar by the caller).
    pub fn parse(&self) -> AppResult<NewActionPeriod> {
        let starts = date("starts", &self.starts)?;
        let ends = date("ends", &self.ends)?;
        if ends < starts {
            return Err(AppError::invalid(
                "ends",
                format!("ends: the period ends ({ends}) before it starts ({starts})"),
            ));
        }
        let ballot_id = match self.ballot_id.trim() {
            "" => None,
            s => Some(s.parse::<BallotId>().map_err(|_| {
                AppError::invalid("ballot_id", format!("ballot_id: `{s}` is not a ballot"))
            })?),
        };
        let holidays_as_strike = self
            .holidays_as_strike
            .split([',', ' '])
            .filter(|s| !s.trim().is_empty())
            .map(|s| date("holidays_as_strike", s))
            .collect::<AppResult<Vec<_>>>()?;
        Ok(NewActionPeriod {
            ballot_id,
            kind: one_of::<ActionKind>("kind", &self.kind)?,
            starts,
            ends,
            teams: optional_text("teams", &self.teams, 500)?,
            called_out: number("called_out", &self.called_out)?,
            notice_received: optional_date("notice_received", &self.notice_received)?,
            holidays_as_strike,
        })
    }
}

/// Every value of a named set as (stored name, label), for a form's select.
pub fn names<T: Named>() -> Vec<(&'static str, &'static str)> {
    T::ALL.iter().map(|v| (v.as_str(), v.label())).collect()
}
