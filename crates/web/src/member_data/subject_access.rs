//! Subject access and erasure, shared by pages and the API.
//!
//! A subject access export holds everything Picket keeps about one member record: the record,
//! its consent history, the linked account and its roles, audit entries about the record and
//! by the account, wall messages sent from the member's address in the branch, and the times
//! of sign-in links. Each export is audited (with the organiser's reason when an organiser
//! makes it). Erasure and its audit entry are one unit of work; see `docs/SECURITY.md`.

use crate::error::{AppError, AppResult};
use crate::filters;
use crate::members::audit_log::{sentence, Names};
use crate::state::AppState;
use askama::Template;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use picket_domain::member_data::{erasure_confirmed, erasure_phrase, reason};
use picket_domain::{MemberId, UserId};
use picket_store::member_data::{
    ConsentRecord, Erasure, ErasureReport, MagicLinkRecord, WallTrace,
};
use picket_store::members::Member;
use picket_store::{AuditEntry, Branch, NewAuditEntry};
use serde::Serialize;

/// Everything Picket holds about a member, as exported.
#[derive(Debug, Serialize)]
pub struct SubjectAccess {
    /// When the export was made.
    pub generated_at: DateTime<Utc>,
    /// The branch that holds the record.
    pub branch: BranchView,
    /// The member record.
    pub member: MemberView,
    /// Each change of contact consent, oldest first.
    pub consent_history: Vec<ConsentRecord>,
    /// The login account linked to the record, if any.
    pub account: Option<AccountView>,
    /// The account's roles in branches.
    pub roles: Vec<RoleView>,
    /// Audit entries about the record: who read, exported or changed it, when and why.
    pub audit_about_member: Vec<AuditView>,
    /// Audit entries of what the linked account did.
    pub audit_by_member: Vec<AuditView>,
    /// Messages to the branch's solidarity wall sent with the member's email address.
    pub wall_messages: Vec<WallTrace>,
    /// Sign-in links asked for: times only (the links themselves are never kept).
    pub sign_in_links: Vec<MagicLinkRecord>,
    /// A change of email address the member asked for and has not confirmed yet.
    pub pending_email_change: Option<PendingEmailView>,
    /// Strike days recorded and the strike pay statement.
    pub strike_pay: crate::fund::reports::OwnStrikePay,
    /// Hardship grant applications, with their reasons while kept.
    pub hardship_applications: Vec<crate::fund::own_hardship::OwnApplication>,
}

/// An email change waiting for its link (the link itself is never kept).
#[derive(Debug, Serialize)]
pub struct PendingEmailView {
    /// The address the member asked to use.
    pub new_email: String,
    /// When they asked.
    pub asked_at: DateTime<Utc>,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
}

/// The branch holding the record.
#[derive(Debug, Serialize)]
pub struct BranchView {
    /// Its URL name.
    pub slug: String,
    /// Its name.
    pub name: String,
}

/// The member record, field by field.
#[derive(Debug, Serialize)]
pub struct MemberView {
    /// The record's id.
    pub id: MemberId,
    /// Membership number.
    pub membership_number: String,
    /// Name.
    pub name: String,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Employer.
    pub employer: Option<String>,
    /// Team.
    pub team: Option<String>,
    /// Workplace.
    pub workplace: Option<String>,
    /// Job title.
    pub job_title: Option<String>,
    /// Daily pay in pence (for strike pay).
    pub daily_pay_pence: Option<i64>,
    /// Workplace rep.
    pub is_rep: bool,
    /// Agreed to be emailed.
    pub contact_by_email: bool,
    /// Agreed to be phoned or texted.
    pub contact_by_phone: bool,
    /// The consent wording agreed to.
    pub consent_wording: Option<String>,
    /// The day consent was given.
    pub consent_date: Option<String>,
    /// The day the membership began, if known.
    pub joined_on: Option<String>,
    /// The day it ended, if it has.
    pub left_on: Option<String>,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// When it was erased, if it was.
    pub erased_at: Option<DateTime<Utc>>,
}

impl MemberView {
    /// The record as exported.
    pub fn of(member: &Member) -> Self {
        let d = &member.details;
        MemberView {
            id: member.id,
            membership_number: d.membership_number.to_string(),
            name: d.name.clone(),
            email: d.email.as_ref().map(|e| e.as_str().to_string()),
            phone: d.phone.as_ref().map(|p| p.as_str().to_string()),
            employer: d.employer.clone(),
            team: member.team_name.clone(),
            workplace: d.workplace.clone(),
            job_title: d.job_title.clone(),
            daily_pay_pence: d.daily_pay_pence,
            is_rep: d.is_rep,
            contact_by_email: d.contact.by_email,
            contact_by_phone: d.contact.by_phone,
            consent_wording: d.contact.consent_wording.clone(),
            consent_date: d.contact.consent_date.map(|x| x.to_string()),
            joined_on: d.joined_on.map(|x| x.to_string()),
            left_on: d.left_on.map(|x| x.to_string()),
            created_at: member.created_at,
            updated_at: member.updated_at,
            erased_at: member.erased_at,
        }
    }
}

/// The linked account.
#[derive(Debug, Serialize)]
pub struct AccountView {
    /// Its id.
    pub id: UserId,
    /// Its sign-in address.
    pub email: String,
    /// Its display name.
    pub display_name: String,
    /// Whether it has a password (the hash itself is never exported).
    pub has_password: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A role in a branch.
#[derive(Debug, Serialize)]
pub struct RoleView {
    /// The branch's slug.
    pub branch: String,
    /// The role.
    pub role: String,
}

/// An audit entry. Actors are named by account id only: other people's addresses are theirs.
#[derive(Debug, Serialize)]
pub struct AuditView {
    /// The entry in words, as the branch's audit log says it (accounts by number).
    pub said: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Who acted (`user:ID`), if anyone was signed in.
    pub actor: Option<String>,
    /// What happened.
    pub action: String,
    /// What it concerned.
    pub subject: Option<String>,
    /// Why, or further detail.
    pub detail: Option<String>,
}

impl AuditView {
    fn of(entry: &AuditEntry, names: &Names) -> Self {
        AuditView {
            said: sentence(entry, names),
            at: entry.at,
            actor: entry.actor.map(|a| format!("user:{a}")),
            action: entry.action.clone(),
            subject: entry.subject.clone(),
            detail: entry.detail.clone(),
        }
    }
}

/// Gathers the export for member `id` of `branch` and records who asked and why (the entry
/// is written before reading, so it is part of the export too; a read, so written on its own).
pub async fn export(
    state: &AppState,
    branch: &Branch,
    id: MemberId,
    actor: UserId,
    why: &str,
    request_id: Option<String>,
) -> AppResult<SubjectAccess> {
    let member = state.store.member(branch.id, id).await?;
    state
        .store
        .audit(NewAuditEntry {
            actor: Some(actor),
            branch: Some(branch.id),
            action: "member.subject_access".into(),
            subject: Some(format!("member:{id}")),
            detail: Some(format!("reason: {why}")),
            request_id,
        })
        .await?;
    let records = state.store.subject_records(branch.id, id).await?;
    let pending = state
        .store
        .pending_email_change(branch.id, id, Utc::now())
        .await?;
    // Words for the entries: accounts by number (never their addresses), this record by name.
    let mut names = Names::default();
    for e in records.audit_about.iter().chain(&records.audit_by) {
        if let Some(a) = e.actor {
            names.users.insert(a.0, format!("Account {}", a.0));
        }
    }
    names
        .subjects
        .insert(format!("member:{id}"), member.details.name.clone());
    Ok(SubjectAccess {
        generated_at: Utc::now(),
        branch: BranchView {
            slug: branch.slug.clone(),
            name: branch.name.clone(),
        },
        member: MemberView::of(&member),
        consent_history: records.consents,
        account: records.account.map(|u| AccountView {
            id: u.id,
            email: u.email.clone(),
            display_name: u.display_name.clone(),
            has_password: u.password_hash.is_some(),
            created_at: u.created_at,
        }),
        roles: records
            .roles
            .iter()
            .map(|m| RoleView {
                branch: m.branch.slug.clone(),
                role: m.role.to_string(),
            })
            .collect(),
        audit_about_member: records
            .audit_about
            .iter()
            .map(|e| AuditView::of(e, &names))
            .collect(),
        audit_by_member: records
            .audit_by
            .iter()
            .map(|e| AuditView::of(e, &names))
            .collect(),
        wall_messages: records.wall_messages,
        sign_in_links: records.sign_in_links,
        pending_email_change: pending.map(|p| PendingEmailView {
            new_email: p.new_email,
            asked_at: p.created_at,
            expires_at: p.expires_at,
        }),
        strike_pay: crate::fund::reports::own(state, branch.id, id).await?,
        hardship_applications: crate::fund::own_hardship::own(state, branch.id, id).await?,
    })
}

#[derive(Template)]
#[template(path = "member_data/own_export.html")]
struct ExportPage<'a> {
    data: &'a SubjectAccess,
}

/// Which form an export takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON, for machines and other systems.
    Json,
    /// A readable HTML document.
    Html,
}

impl Format {
    /// From a form or query value; anything but `html` is JSON.
    pub fn parse(s: &str) -> Self {
        if s.eq_ignore_ascii_case("html") {
            Format::Html
        } else {
            Format::Json
        }
    }
}

/// The export as a download.
pub fn download(data: &SubjectAccess, format: Format) -> AppResult<Response> {
    let stem = format!(
        "picket-{}-member-{}-{}",
        data.branch.slug,
        data.member.id,
        data.generated_at.format("%Y%m%d")
    );
    let (body, content_type, ext) = match format {
        Format::Json => (
            serde_json::to_string_pretty(data)
                .map_err(|e| AppError::failed("writing the data export", e))?,
            "application/json",
            "json",
        ),
        Format::Html => (
            ExportPage { data }
                .render()
                .map_err(|e| AppError::failed("rendering the data export", e))?,
            "text/html; charset=utf-8",
            "html",
        ),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}.{ext}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

/// Erases member `id` of `branch` after checking the typed confirmation and the reason; the
/// erasure and its audit entry (the reason and the counts, nothing personal) are one unit.
pub async fn erase(
    state: &AppState,
    branch: &Branch,
    id: MemberId,
    actor: UserId,
    confirm: &str,
    why: &str,
    request_id: Option<String>,
) -> AppResult<ErasureReport> {
    let member = state.store.member(branch.id, id).await?;
    if member.erased_at.is_some() {
        return Err(AppError::Conflict(
            "This member's record has already been erased.".into(),
        ));
    }
    if !erasure_confirmed(confirm, id) {
        return Err(AppError::invalid(
            "confirm",
            format!("Type “{}” to confirm the erasure.", erasure_phrase(id)),
        ));
    }
    let why = reason(why).map_err(|m| AppError::invalid("reason", m))?;
    // The number is replaced by a keyed hash of it: gone, but recognised if imported again.
    let number_key = crate::security::hash_key(state).await?;
    let mut work = state.store.begin().await?;
    let report = work
        .erase_member(
            branch.id,
            &Erasure {
                member_id: id,
                number_key,
            },
        )
        .await?;
    work.audit(NewAuditEntry {
        actor: Some(actor),
        branch: Some(branch.id),
        action: "member.erase".into(),
        subject: Some(format!("member:{id}")),
        detail: Some(report.audit_detail(&why)),
        request_id,
    })
    .await?;
    work.commit().await?;
    Ok(report)
}
