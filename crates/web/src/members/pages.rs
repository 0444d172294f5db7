//! Member pages: the directory (search, team filter, pages), one member's record, the CSV
//! export and the branch's audit log. Nothing is listed or shown until the reader says why;
//! the reason goes into the audit entry of each search, view and export.

use crate::error::{AppError, AppResult};
use crate::extract::{CsrfToken, CurrentUser, RequestId};
use crate::filters;
use crate::members::{self, Access, Scope, Search};
use crate::pages::{render, render_with_status, urlencode, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use picket_domain::members::AccessReason;
use picket_domain::{MemberId, Pence, TeamId};
use picket_store::members::{Member, Team};
use picket_store::{AuditEntry, AuditFilter, Page, PageRequest};
use serde::Deserialize;

/// A reason as a select lists it.
pub struct ReasonOption {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

fn reasons(current: Option<&str>) -> Vec<ReasonOption> {
    AccessReason::ALL
        .iter()
        .map(|r| ReasonOption {
            value: r.as_str(),
            label: r.label(),
            selected: current == Some(r.as_str()),
        })
        .collect()
}

/// A row of the directory.
pub struct MemberRow {
    id: MemberId,
    name: String,
    number: String,
    team: String,
    workplace: String,
    rep: bool,
}

impl From<&Member> for MemberRow {
    fn from(m: &Member) -> Self {
        Self {
            id: m.id,
            name: m.details.name.clone(),
            number: m.details.membership_number.to_string(),
            team: m.team_name.clone().unwrap_or_default(),
            workplace: m.details.workplace.clone().unwrap_or_default(),
            rep: m.details.is_rep,
        }
    }
}

/// A team as a filter lists it.
pub struct TeamOption {
    id: TeamId,
    name: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "members/directory.html")]
struct DirectoryPage {
    layout: Layout,
    branch_slug: String,
    branch_name: String,
    organiser: bool,
    own_only: bool,
    reasons: Vec<ReasonOption>,
    reason: String,
    query: String,
    teams: Vec<TeamOption>,
    error: Option<String>,
    members: Option<Page<MemberRow>>,
    /// The query string every link on the page carries (reason, search, team).
    carry: String,
}

/// `?reason=&q=&team=&page=`
#[derive(Debug, Deserialize, Default)]
pub struct DirectoryQuery {
    reason: Option<String>,
    q: Option<String>,
    team: Option<String>,
    page: Option<u32>,
}

async fn team_options(
    state: &AppState,
    access: &Access,
    current: Option<TeamId>,
) -> AppResult<Vec<TeamOption>> {
    let teams: Vec<Team> = match &access.scope {
        Scope::Branch => state.store.teams(access.branch.id).await?,
        Scope::Teams(mine) => state
            .store
            .teams(access.branch.id)
            .await?
            .into_iter()
            .filter(|t| mine.contains(&t.id))
            .collect(),
        Scope::Own(_) => Vec::new(),
    };
    Ok(teams
        .into_iter()
        .map(|t| TeamOption {
            selected: current == Some(t.id),
            id: t.id,
            name: t.name,
        })
        .collect())
}

/// GET /{branch}/members
pub async fn directory(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    Query(q): Query<DirectoryQuery>,
) -> AppResult<Response> {
    let access = members::access(&state, &user, &slug).await?;
    let team = match q.team.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => Some(
            t.parse::<TeamId>()
                .map_err(|_| AppError::invalid("team", "choose a team from the list"))?,
        ),
        None => None,
    };
    let search = Search {
        query: q.q.clone().filter(|s| !s.trim().is_empty()),
        team,
    };
    let mut page = DirectoryPage {
        layout: Layout::new(
            format!("Members · {}", access.branch.name),
            &csrf,
            Some(&user),
        ),
        branch_slug: access.branch.slug.clone(),
        branch_name: access.branch.name.clone(),
        organiser: access.is_organiser(),
        own_only: matches!(access.scope, Scope::Own(_)),
        reasons: reasons(q.reason.as_deref()),
        reason: q.reason.clone().unwrap_or_default(),
        query: q.q.clone().unwrap_or_default(),
        teams: team_options(&state, &access, team).await?,
        error: None,
        members: None,
        carry: format!(
            "reason={}&q={}&team={}",
            urlencode(q.reason.as_deref().unwrap_or("")),
            urlencode(q.q.as_deref().unwrap_or("")),
            team.map(|t| t.to_string()).unwrap_or_default()
        ),
    };
    let why = match (q.reason.as_deref(), &access.scope) {
        (None, Scope::Branch | Scope::Teams(_)) => return render(&page),
        (given, _) => match members::reason(&access, given) {
            Ok(why) => why,
            Err(AppError::Invalid { field, message }) => {
                page.error = Some(crate::words::plain(field, &message));
                return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
            }
            Err(e) => return Err(e),
        },
    };
    let found = members::search(
        &state,
        &user,
        &access,
        &search,
        why,
        PageRequest::new(q.page.unwrap_or(1), 50),
        request_id,
    )
    .await?;
    page.reason = why.as_str().to_string();
    page.members = Some(Page {
        items: found.items.iter().map(MemberRow::from).collect(),
        page: found.page,
        per_page: found.per_page,
        total: found.total,
    });
    render(&page)
}

/// A field of a record as the page shows it.
pub struct FieldView {
    label: &'static str,
    value: String,
}

#[derive(Template)]
#[template(path = "members/record.html")]
struct RecordPage {
    layout: Layout,
    branch_slug: String,
    branch_name: String,
    id: MemberId,
    reasons: Vec<ReasonOption>,
    error: Option<String>,
    name: Option<String>,
    fields: Vec<FieldView>,
    reason_label: &'static str,
    back: String,
    /// Organisers get the subject access export and erasure (`crate::member_data::staff_pages`).
    data_actions: bool,
    /// The reason the record was opened for, as its links carry it.
    reason: String,
    /// After an edit: what it came to.
    saved: Option<&'static str>,
}

/// `?reason=`
#[derive(Debug, Deserialize, Default)]
pub struct RecordQuery {
    reason: Option<String>,
    /// `yes` or `none` after an edit.
    saved: Option<String>,
}

fn field_views(m: &Member) -> Vec<FieldView> {
    let d = &m.details;
    let or_dash = |v: Option<String>| v.filter(|s| !s.is_empty()).unwrap_or_else(|| "—".into());
    let yes = |b: bool| if b { "Yes" } else { "No" }.to_string();
    vec![
        FieldView {
            label: "Membership number",
            value: d.membership_number.to_string(),
        },
        FieldView {
            label: "Email",
            value: or_dash(d.email.as_ref().map(|e| e.to_string())),
        },
        FieldView {
            label: "Phone",
            value: or_dash(d.phone.as_ref().map(|p| p.as_str().to_string())),
        },
        FieldView {
            label: "Employer",
            value: or_dash(d.employer.clone()),
        },
        FieldView {
            label: "Team",
            value: or_dash(m.team_name.clone()),
        },
        FieldView {
            label: "Workplace",
            value: or_dash(d.workplace.clone()),
        },
        FieldView {
            label: "Job title",
            value: or_dash(d.job_title.clone()),
        },
        FieldView {
            label: "Daily pay",
            value: or_dash(d.daily_pay_pence.map(|p| Pence::from_pence(p).to_string())),
        },
        FieldView {
            label: "Workplace rep",
            value: yes(d.is_rep),
        },
        FieldView {
            label: "May be emailed",
            value: yes(d.contact.by_email),
        },
        FieldView {
            label: "May be phoned or texted",
            value: yes(d.contact.by_phone),
        },
        FieldView {
            label: "Consent wording",
            value: or_dash(d.contact.consent_wording.clone()),
        },
        FieldView {
            label: "Consent given on",
            value: or_dash(d.contact.consent_date.map(picket_domain::dates::long_date)),
        },
        FieldView {
            label: "Joined on",
            value: or_dash(d.joined_on.map(picket_domain::dates::long_date)),
        },
        FieldView {
            label: "Left on",
            value: or_dash(d.left_on.map(picket_domain::dates::long_date)),
        },
    ]
}

/// GET /{branch}/members/{id}
pub async fn record(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id)): Path<(String, MemberId)>,
    Query(q): Query<RecordQuery>,
) -> AppResult<Response> {
    let access = members::access(&state, &user, &slug).await?;
    let mut page = RecordPage {
        layout: Layout::new("Member record", &csrf, Some(&user)),
        branch_slug: access.branch.slug.clone(),
        branch_name: access.branch.name.clone(),
        id,
        reasons: reasons(q.reason.as_deref()),
        error: None,
        name: None,
        fields: Vec::new(),
        reason_label: "",
        back: format!(
            "/{}/members?reason={}",
            access.branch.slug,
            urlencode(q.reason.as_deref().unwrap_or(""))
        ),
        data_actions: false,
        reason: urlencode(q.reason.as_deref().unwrap_or("")),
        saved: match q.saved.as_deref() {
            Some("yes") => Some("Saved. The change is in the record's history with your reason."),
            Some("none") => Some("Nothing was changed: the record already said that."),
            _ => None,
        },
    };
    let why = match (q.reason.as_deref(), &access.scope) {
        (None, Scope::Branch | Scope::Teams(_)) => return render(&page),
        (given, _) => match members::reason(&access, given) {
            Ok(why) => why,
            Err(AppError::Invalid { field, message }) => {
                page.error = Some(crate::words::plain(field, &message));
                return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
            }
            Err(e) => return Err(e),
        },
    };
    let member = members::view(&state, &user, &access, id, why, request_id).await?;
    page.layout.title = format!("{} · Member record", member.details.name);
    page.name = Some(member.details.name.clone());
    page.fields = field_views(&member);
    page.reason_label = why.label();
    page.data_actions = matches!(access.scope, Scope::Branch) && member.erased_at.is_none();
    render(&page)
}

/// GET /{branch}/members/export.csv?reason=
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path(slug): Path<String>,
    Query(q): Query<RecordQuery>,
) -> AppResult<Response> {
    let access = members::organiser_access(&state, &user, &slug).await?;
    let why = members::reason(&access, q.reason.as_deref())?;
    let rows = members::export_csv(&state, &user, &access, why, request_id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}-members.csv\"",
                    access.branch.slug
                ),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        axum::body::Body::from_stream(rows),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "members/audit.html")]
struct AuditPage {
    layout: Layout,
    branch_slug: String,
    branch_name: String,
    actor: String,
    action: String,
    /// The kinds of entry to choose from, and whether `action` is one of them.
    filters: &'static [(&'static str, &'static str)],
    known_filter: bool,
    action_label: String,
    entries: Page<AuditEntry>,
    /// Each entry of `entries` in words, in the same order.
    sentences: Vec<String>,
    note: Option<String>,
    carry: String,
}

/// `?actor=EMAIL&action=PREFIX&page=`
#[derive(Debug, Deserialize, Default)]
pub struct AuditQuery {
    actor: Option<String>,
    action: Option<String>,
    page: Option<u32>,
}

/// GET /{branch}/members/audit: the branch's audit log, filterable by actor and action.
pub async fn audit(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(slug): Path<String>,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    let access = members::organiser_access(&state, &user, &slug).await?;
    let actor_text = q.actor.clone().unwrap_or_default().trim().to_string();
    let action = q.action.clone().unwrap_or_default().trim().to_string();
    let mut note = None;
    let actor = if actor_text.is_empty() {
        None
    } else {
        match state.store.user_by_email(&actor_text).await {
            Ok(u) => Some(u.id),
            Err(picket_store::StoreError::NotFound) => {
                note = Some("No user has that email; showing nobody's entries.".to_string());
                Some(picket_domain::UserId(0))
            }
            Err(e) => return Err(e.into()),
        }
    };
    let entries = state
        .store
        .audit_search(
            access.branch.id,
            &AuditFilter {
                actor,
                action_prefix: Some(action.clone()).filter(|a| !a.is_empty()),
            },
            PageRequest::new(q.page.unwrap_or(1), 50),
        )
        .await?;
    // The page is for organisers, who may read member records: names are shown.
    let names =
        super::audit_log::Names::load(&state, access.branch.id, &entries.items, true).await?;
    let sentences = entries
        .items
        .iter()
        .map(|e| super::audit_log::sentence(e, &names))
        .collect();
    render(&AuditPage {
        layout: Layout::new(
            format!("Audit log · {}", access.branch.name),
            &csrf,
            Some(&user),
        ),
        branch_slug: access.branch.slug.clone(),
        branch_name: access.branch.name.clone(),
        carry: format!(
            "actor={}&action={}",
            urlencode(&actor_text),
            urlencode(&action)
        ),
        actor: actor_text,
        filters: super::audit_log::FILTERS,
        known_filter: super::audit_log::FILTERS.iter().any(|(p, _)| *p == action),
        action_label: super::audit_log::filter_label(&action),
        action,
        entries,
        sentences,
        note,
    })
}
