//! Members for pages and the API alike: who may see which records, and the audit entry every
//! read, search and export leaves (who, when, why).
//!
//! Organisers and admins see the branch's directory; a rep sees the members of the teams they
//! represent; anyone else sees only the record linked to their own login. A record outside
//! the caller's view is "not found", so its existence does not leak.

pub mod api;
pub mod audit_log;
pub mod edit;
pub mod edit_pages;
pub mod import;
pub mod import_pages;
pub mod pages;
pub mod teams;

use crate::error::{AppError, AppResult};
use crate::extract::CurrentUser;
use crate::state::AppState;
use picket_domain::csv_safe::CsvWriter;
use picket_domain::members::{AccessReason, MemberField};
use picket_domain::Role;
use picket_domain::{MemberId, Pence, TeamId};
use picket_store::members::{Member, MemberFilter};
use picket_store::{Branch, NewAuditEntry, Page, PageRequest};

/// Which member records a user may see in a branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every record (organisers and admins).
    Branch,
    /// Members of these teams (a rep's).
    Teams(Vec<TeamId>),
    /// Only their own record, if one is linked to their login.
    Own(Option<MemberId>),
}

/// A user's access to a branch's member records.
#[derive(Debug, Clone)]
pub struct Access {
    /// The branch.
    pub branch: Branch,
    /// The user's role there (admin for an instance admin).
    pub role: Role,
    /// What they may see.
    pub scope: Scope,
}

impl Access {
    /// Whether the user sees the whole branch (and so may import, export and audit).
    pub fn is_organiser(&self) -> bool {
        self.scope == Scope::Branch
    }
}

/// Works out what `user` may see of the branch's members. Not a member of the branch: 404.
pub async fn access(state: &AppState, user: &CurrentUser, slug: &str) -> AppResult<Access> {
    let branch = user
        .branch_access(&*state.store, slug, Role::Member)
        .await?;
    let role = if user.is_admin() {
        Role::Admin
    } else {
        user.role_in(slug).unwrap_or(Role::Member)
    };
    let scope = match role {
        Role::Organiser | Role::Admin => Scope::Branch,
        Role::Rep => Scope::Teams(state.store.rep_team_ids(branch.id, user.user.id).await?),
        Role::Member | Role::Treasurer => Scope::Own(
            state
                .store
                .member_for_user(branch.id, user.user.id)
                .await?
                .map(|m| m.id),
        ),
    };
    Ok(Access {
        branch,
        role,
        scope,
    })
}

/// Like [`access`], but only for those who see the whole branch (403 for others).
pub async fn organiser_access(
    state: &AppState,
    user: &CurrentUser,
    slug: &str,
) -> AppResult<Access> {
    let access = access(state, user, slug).await?;
    if !access.is_organiser() {
        return Err(AppError::Forbidden);
    }
    Ok(access)
}

/// The reason given for reading member data. A person reading only their own record needs
/// to give none: it is recorded as "the member asked".
pub fn reason(access: &Access, given: Option<&str>) -> AppResult<AccessReason> {
    match given.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => r
            .parse()
            .map_err(|message: String| AppError::invalid("reason", message)),
        None if matches!(access.scope, Scope::Own(_)) => Ok(AccessReason::MemberRequest),
        None => Err(AppError::invalid(
            "reason",
            "say why you are reading member data: choose a reason",
        )),
    }
}

/// What to search for.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// Words in the name, membership number or email.
    pub query: Option<String>,
    /// Only this team.
    pub team: Option<TeamId>,
}

/// Records a read of member data: an access, not a change, so it is written on its own.
pub(crate) async fn record(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
    action: &str,
    subject: String,
    detail: String,
    request_id: Option<String>,
) -> AppResult<()> {
    state
        .store
        .audit(NewAuditEntry {
            actor: Some(user.user.id),
            branch: Some(access.branch.id),
            action: action.into(),
            subject: Some(subject),
            detail: Some(detail),
            request_id,
        })
        .await?;
    Ok(())
}

fn filter_for(access: &Access, search: &Search) -> MemberFilter {
    let teams = match (&access.scope, search.team) {
        (Scope::Teams(mine), Some(t)) => Some(mine.iter().copied().filter(|m| *m == t).collect()),
        (Scope::Teams(mine), None) => Some(mine.clone()),
        (_, Some(t)) => Some(vec![t]),
        (_, None) => None,
    };
    MemberFilter {
        query: search.query.clone(),
        teams,
        include_erased: false,
    }
}

/// A page of the members `access` allows, matching `search`; audited as `member.search`.
pub async fn search(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
    search: &Search,
    why: AccessReason,
    page: PageRequest,
    request_id: Option<String>,
) -> AppResult<Page<Member>> {
    picket_domain::members::search_words(search.query.as_deref())
        .map_err(|e| AppError::invalid("q", format!("The search {e}.")))?;
    let found = match &access.scope {
        Scope::Own(own) => {
            let items = match own {
                Some(id) => vec![state.store.member(access.branch.id, *id).await?],
                None => Vec::new(),
            };
            Page {
                total: items.len() as u64,
                items,
                page: 1,
                per_page: page.per_page,
            }
        }
        _ => {
            state
                .store
                .search_members(access.branch.id, &filter_for(access, search), page)
                .await?
        }
    };
    let detail = format!(
        "reason={}; query={}; team={}; page={}; results={}",
        why.as_str(),
        if search
            .query
            .as_deref()
            .is_some_and(|q| !q.trim().is_empty())
        {
            "given"
        } else {
            "none"
        },
        search
            .team
            .map_or_else(|| "all".to_string(), |t| t.to_string()),
        found.page,
        found.total
    );
    record(
        state,
        user,
        access,
        "member.search",
        format!("branch:{}", access.branch.id),
        detail,
        request_id,
    )
    .await?;
    Ok(found)
}

/// One member's record, if `access` allows it (else not found); audited as `member.view`.
pub async fn view(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
    id: MemberId,
    why: AccessReason,
    request_id: Option<String>,
) -> AppResult<Member> {
    let allowed = match &access.scope {
        Scope::Own(own) => *own == Some(id),
        _ => true,
    };
    if !allowed {
        return Err(AppError::NotFound);
    }
    let member = state.store.member(access.branch.id, id).await?;
    if let Scope::Teams(teams) = &access.scope {
        if !member.team_id.is_some_and(|t| teams.contains(&t)) {
            return Err(AppError::NotFound);
        }
    }
    record(
        state,
        user,
        access,
        "member.view",
        format!("member:{id}"),
        format!("reason={}", why.as_str()),
        request_id,
    )
    .await?;
    Ok(member)
}

/// Members read from the store at a time while an export streams.
pub const EXPORT_BATCH: u32 = 1000;

/// A CSV export as it is sent: pieces of the file, each whole rows.
pub type CsvStream = futures::stream::BoxStream<'static, Result<bytes::Bytes, std::io::Error>>;

/// The branch directory as CSV (organisers only), streamed: the members are read in batches
/// of [`EXPORT_BATCH`] by membership number and each batch is sent as it is written, so an
/// export of any size holds one batch in memory. Audited as `member.export` with the reason
/// and the count before the first row leaves, so an export cut off half way is on record too.
/// A database error part way ends the body early, so the download fails rather than looking
/// complete.
pub async fn export_csv(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
    why: AccessReason,
    request_id: Option<String>,
) -> AppResult<CsvStream> {
    use futures::StreamExt;
    if !access.is_organiser() {
        return Err(AppError::Forbidden);
    }
    let filter = MemberFilter::default();
    let rows = state
        .store
        .search_members(access.branch.id, &filter, PageRequest::new(1, 1))
        .await?
        .total;
    record(
        state,
        user,
        access,
        "member.export",
        format!("branch:{}", access.branch.id),
        format!("reason={}; rows={rows}", why.as_str()),
        request_id,
    )
    .await?;
    // Every cell through the one CSV writer, which neutralises formulas.
    let mut header = CsvWriter::new();
    header
        .row(MemberField::ALL.iter().map(|f| f.as_str()))
        .map_err(csv_error)?;
    let header = bytes::Bytes::from(header.finish().map_err(csv_error)?);
    let store = state.store.clone();
    let branch = access.branch.id;
    // The state is where the next batch starts: `Some(None)` at the beginning,
    // `Some(Some(number))` after a full batch, `None` once a batch came back short.
    let batches = futures::stream::try_unfold(Some(None), move |next: Option<Option<_>>| {
        let store = store.clone();
        let filter = filter.clone();
        async move {
            let Some(after) = next else {
                return Ok(None);
            };
            let batch = store
                .export_members(branch, &filter, after.as_ref(), EXPORT_BATCH)
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "members export stopped part way");
                    std::io::Error::other("the export could not be read")
                })?;
            let mut out = CsvWriter::new();
            for m in &batch {
                out.row(export_row(m)).map_err(std::io::Error::other)?;
            }
            let following = (batch.len() == EXPORT_BATCH as usize)
                .then(|| batch.last().map(|m| m.details.membership_number.clone()));
            let piece = bytes::Bytes::from(out.finish().map_err(std::io::Error::other)?);
            Ok(if batch.is_empty() {
                None
            } else {
                Some((piece, following))
            })
        }
    });
    Ok(futures::stream::once(async { Ok(header) })
        .chain(batches)
        .boxed())
}

fn csv_error(e: csv::Error) -> AppError {
    AppError::failed("writing the CSV export", e)
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

/// A member's fields in [`MemberField::ALL`] order, as an export (and a re-import) writes them.
pub fn export_row(m: &Member) -> Vec<String> {
    let d = &m.details;
    vec![
        d.membership_number.to_string(),
        d.name.clone(),
        d.email.as_ref().map(|e| e.to_string()).unwrap_or_default(),
        d.phone
            .as_ref()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
        d.employer.clone().unwrap_or_default(),
        m.team_name.clone().unwrap_or_default(),
        d.workplace.clone().unwrap_or_default(),
        d.job_title.clone().unwrap_or_default(),
        d.daily_pay_pence
            .map(|p| Pence::from_pence(p).decimal())
            .unwrap_or_default(),
        yes_no(d.is_rep),
        yes_no(d.contact.by_email),
        yes_no(d.contact.by_phone),
        d.contact.consent_wording.clone().unwrap_or_default(),
        date(d.contact.consent_date),
        date(d.joined_on),
        date(d.left_on),
    ]
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|x| x.to_string()).unwrap_or_default()
}
