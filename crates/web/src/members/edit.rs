//! An organiser's edit of a member record, shared by the page and the API: the fields as
//! typed, their checks (every message says what to fix), and the change written through one
//! unit of work with its audit entry, which names the fields changed (never their values)
//! and the reason given.
//!
//! A change of email address made here takes effect at once: it comes from the union's
//! records, not from someone claiming an address. A member's own change of address waits
//! for the link sent to it (`crate::member_data::email_change`).

use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::member_data::checkbox;
use crate::state::AppState;
use chrono::NaiveDate;
use picket_domain::members::edits::audit_detail;
use picket_domain::members::{
    optional_name, optional_text, parse_date, ContactPreferences, MemberDetails, MemberError,
    MemberField, MembershipNumber, Phone,
};
use picket_domain::{Email, MemberId, Pence, TeamId};
use picket_store::members::{Member, Team};
use picket_store::StoreError;
use serde::Deserialize;

/// A member record as an organiser types it (the edit form, or the API's body once merged
/// with the record). Empty text clears an optional field.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct EditInput {
    /// Membership number.
    #[serde(default)]
    pub membership_number: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Phone.
    #[serde(default)]
    pub phone: String,
    /// Employer.
    #[serde(default)]
    pub employer: String,
    /// Team id, or empty for none.
    #[serde(default)]
    pub team: String,
    /// Workplace.
    #[serde(default)]
    pub workplace: String,
    /// Job title.
    #[serde(default)]
    pub job_title: String,
    /// Daily pay in pounds.
    #[serde(default)]
    pub daily_pay: String,
    /// Workplace rep.
    #[serde(default, deserialize_with = "checkbox")]
    pub rep: bool,
    /// May be emailed.
    #[serde(default, deserialize_with = "checkbox")]
    pub contact_email: bool,
    /// May be phoned or texted.
    #[serde(default, deserialize_with = "checkbox")]
    pub contact_phone: bool,
    /// The consent wording agreed to.
    #[serde(default)]
    pub consent_wording: String,
    /// The day they agreed (YYYY-MM-DD or DD/MM/YYYY).
    #[serde(default)]
    pub consent_date: String,
    /// The day their membership began (YYYY-MM-DD or DD/MM/YYYY), or empty if unknown.
    #[serde(default)]
    pub joined_on: String,
    /// The day it ended, or empty while they are a member.
    #[serde(default)]
    pub left_on: String,
    /// Why the record is changed (kept in the audit log).
    #[serde(default)]
    pub reason: String,
}

impl EditInput {
    /// The record as the form starts: what it holds now, and no reason.
    pub fn of(member: &Member) -> Self {
        let d = &member.details;
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Self {
            membership_number: d.membership_number.to_string(),
            name: d.name.clone(),
            email: d.email.as_ref().map(|e| e.to_string()).unwrap_or_default(),
            phone: d
                .phone
                .as_ref()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            employer: text(&d.employer),
            team: member.team_id.map(|t| t.to_string()).unwrap_or_default(),
            workplace: text(&d.workplace),
            job_title: text(&d.job_title),
            daily_pay: d
                .daily_pay_pence
                .map(|p| Pence::from_pence(p).decimal())
                .unwrap_or_default(),
            rep: d.is_rep,
            contact_email: d.contact.by_email,
            contact_phone: d.contact.by_phone,
            consent_wording: text(&d.contact.consent_wording),
            consent_date: d
                .contact
                .consent_date
                .map(|x| x.to_string())
                .unwrap_or_default(),
            joined_on: d.joined_on.map(|x| x.to_string()).unwrap_or_default(),
            left_on: d.left_on.map(|x| x.to_string()).unwrap_or_default(),
            reason: String::new(),
        }
    }
}

/// A field the organiser must fix, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The form field (the API's field name).
    pub field: &'static str,
    /// What to fix, in words.
    pub message: String,
}

/// An edit that passed its checks.
#[derive(Debug, Clone)]
pub struct Edit {
    /// The record's new details.
    pub details: MemberDetails,
    /// Its team.
    pub team: Option<TeamId>,
    /// Why.
    pub reason: String,
}

fn text_problem(label: &str, e: &MemberError) -> String {
    match e {
        MemberError::TooLong(max) => format!("Keep the {label} to {max} characters."),
        MemberError::Text(_) => {
            format!("Write the {label} on one line, without control characters.")
        }
        _ => format!("Check the {label}."),
    }
}

/// Checks an edit: every field with a problem is reported, each with what to fix.
pub fn check(
    input: &EditInput,
    teams: &[Team],
    today: NaiveDate,
) -> Result<Edit, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let mut problem = |field: &'static str, message: String| {
        problems.push(FieldProblem { field, message });
    };
    let number = match input.membership_number.parse::<MembershipNumber>() {
        Ok(n) => Some(n),
        Err(MemberError::Required) => {
            problem("membership_number", "Give the membership number.".into());
            None
        }
        Err(MemberError::TooLong(max)) => {
            problem(
                "membership_number",
                format!("Keep the membership number to {max} characters."),
            );
            None
        }
        Err(_) => {
            problem(
                "membership_number",
                "Use only letters, digits, - and / in the membership number (no spaces).".into(),
            );
            None
        }
    };
    let name = match optional_name(&input.name, MemberDetails::MAX_NAME) {
        Ok(Some(name)) => Some(name),
        Ok(None) => {
            problem("name", "Give the member's name.".into());
            None
        }
        Err(e) => {
            problem("name", text_problem("name", &e));
            None
        }
    };
    let email = match input.email.trim() {
        "" => None,
        typed => typed.parse::<Email>().map(Some).unwrap_or_else(|_| {
            problem(
                "email",
                "Enter an email address like name@example.org, or leave it empty.".into(),
            );
            None
        }),
    };
    let phone = match input.phone.trim() {
        "" => None,
        typed => typed.parse::<Phone>().map(Some).unwrap_or_else(|_| {
            problem(
                "phone",
                "Enter a phone number of 7 to 15 digits (spaces, brackets, - and a leading + \
                 are fine), or leave it empty."
                    .into(),
            );
            None
        }),
    };
    let mut text = |field: &'static str, label: &str, value: &str, max: usize| {
        optional_text(value, max).unwrap_or_else(|e| {
            problem(field, text_problem(label, &e));
            None
        })
    };
    let employer = text(
        "employer",
        "employer",
        &input.employer,
        MemberDetails::MAX_TEXT,
    );
    let workplace = text(
        "workplace",
        "workplace",
        &input.workplace,
        MemberDetails::MAX_TEXT,
    );
    let job_title = text(
        "job_title",
        "job title",
        &input.job_title,
        MemberDetails::MAX_TEXT,
    );
    let consent_wording = text(
        "consent_wording",
        "consent wording",
        &input.consent_wording,
        ContactPreferences::MAX_WORDING,
    );
    let team = match input.team.trim() {
        "" => None,
        typed => {
            let found = typed
                .parse::<TeamId>()
                .ok()
                .filter(|id| teams.iter().any(|t| t.id == *id));
            if found.is_none() {
                problem("team", "Choose a team from the list, or none.".into());
            }
            found
        }
    };
    let daily_pay_pence = match input.daily_pay.trim().trim_start_matches('£') {
        "" => None,
        typed => Pence::parse(typed)
            .ok()
            .filter(|p| p.pence() <= MemberDetails::MAX_DAILY_PAY_PENCE)
            .map(|p| p.pence())
            .or_else(|| {
                problem(
                    "daily_pay",
                    "Enter the daily pay in pounds, like 123.45, or leave it empty.".into(),
                );
                None
            }),
    };
    let consent_date = match input.consent_date.trim() {
        "" => None,
        typed => parse_date(typed).ok().or_else(|| {
            problem(
                "consent_date",
                "Enter the day consent was given as YYYY-MM-DD or DD/MM/YYYY, or leave it empty."
                    .into(),
            );
            None
        }),
    };
    let mut membership_date = |field: &'static str, typed: &str, what: &str| match typed.trim() {
        "" => None,
        typed => parse_date(typed).ok().or_else(|| {
            problem(
                field,
                format!("Enter the day {what} as YYYY-MM-DD or DD/MM/YYYY, or leave it empty."),
            );
            None
        }),
    };
    let joined_on = membership_date("joined_on", &input.joined_on, "they joined");
    let left_on = membership_date("left_on", &input.left_on, "they left");
    if matches!((joined_on, left_on), (Some(j), Some(l)) if l <= j) {
        problem(
            "left_on",
            "The day they left must come after the day they joined: check both dates.".into(),
        );
    }
    let contact = ContactPreferences {
        by_email: input.contact_email,
        by_phone: input.contact_phone,
        consent_wording,
        consent_date,
    };
    if input.contact_email && input.email.trim().is_empty() {
        problem(
            "email",
            "Give an email address, or untick “may be emailed”.".into(),
        );
    }
    if input.contact_phone && input.phone.trim().is_empty() {
        problem(
            "phone",
            "Give a phone number, or untick “may be phoned or texted”.".into(),
        );
    }
    let dates_ok = input.consent_date.trim().is_empty() || consent_date.is_some();
    if let Err((field, e)) = contact.check(today) {
        match (field, e) {
            (MemberField::ConsentWording, _) if input.consent_wording.trim().is_empty() => problem(
                "consent_wording",
                "Give the consent wording the member agreed to, or untick both ways of contact."
                    .into(),
            ),
            (MemberField::ConsentDate, MemberError::FutureDate) => problem(
                "consent_date",
                "The day consent was given cannot be after today.".into(),
            ),
            (MemberField::ConsentDate, _) if dates_ok => problem(
                "consent_date",
                "Give the day the member agreed, or untick both ways of contact.".into(),
            ),
            _ => {}
        }
    }
    let reason = picket_domain::member_data::reason(&input.reason).unwrap_or_else(|message| {
        problem(
            "reason",
            match message {
                m if m.starts_with("Give") => {
                    "Say why you are changing the record: the reason is kept in the audit log."
                        .into()
                }
                m => m.to_string(),
            },
        );
        String::new()
    });
    match (number, name) {
        (Some(number), Some(name)) if problems.is_empty() => {
            let mut details = MemberDetails::new(number, name);
            details.email = email;
            details.phone = phone;
            details.employer = employer;
            details.workplace = workplace;
            details.job_title = job_title;
            details.daily_pay_pence = daily_pay_pence;
            details.is_rep = input.rep;
            details.contact = contact;
            details.joined_on = joined_on;
            details.left_on = left_on;
            Ok(Edit {
                details,
                team,
                reason,
            })
        }
        _ => Err(problems),
    }
}

/// Writes an edit of member `id` with its audit entry (`member.edit`, the fields changed and
/// the reason) as one unit, and returns the fields changed; an edit that changes nothing
/// writes nothing. A membership number or an email taken elsewhere is
/// [`AppError::Invalid`] on that field.
pub async fn apply(
    state: &AppState,
    actor: &Actor<'_>,
    id: MemberId,
    edit: &Edit,
) -> AppResult<Vec<MemberField>> {
    let mut work = state.store.begin().await?;
    let changed = work
        .update_member(
            actor.branch.id,
            id,
            &edit.details,
            edit.team,
            Some(actor.user.user.id),
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict("membership number") => AppError::invalid(
                "membership_number",
                "Another member of the branch has that membership number. Check it against the \
                 union's records.",
            ),
            StoreError::Conflict("email") => AppError::invalid(
                "email",
                "Another Picket account uses that email address. Check it with the member.",
            ),
            other => other.into(),
        })?;
    if changed.is_empty() {
        return Ok(changed);
    }
    let mut entry = actor.entry("member.edit", format!("member:{id}"));
    entry.detail = Some(audit_detail(&changed, &edit.reason));
    work.audit(entry).await?;
    work.commit().await?;
    Ok(changed)
}
