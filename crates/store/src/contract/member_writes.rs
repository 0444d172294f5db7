//! Each write of members' storage in a unit of its own, committed when it succeeds: for the
//! contract tests, and for other crates' tests that need members, teams or sign-in links to
//! exist.

use crate::member_data::{Erasure, ErasureReport, LinkUse, NewMagicLink, OwnDetails};
use crate::members::{ImportLease, ImportOptions, ImportOutcome, Member, Team};
use crate::prelude::*;
use crate::{NewOutboxEmail, StoreResult};
use chrono::{DateTime, Utc};
use picket_domain::members::import::ParsedFile;
use picket_domain::members::MemberDetails;
use picket_domain::{BranchId, ImportRunId, MagicLinkId, MemberId, TeamId, UserId};

/// Adds a team (see [`MemberWrites::create_team`]).
pub async fn create_team(
    store: &dyn Store,
    branch: BranchId,
    name: &str,
    workplace: Option<&str>,
) -> StoreResult<Team> {
    let mut w = store.begin().await?;
    let out = w.create_team(branch, name, workplace).await?;
    w.commit().await?;
    Ok(out)
}

/// Replaces a rep's teams (see [`MemberWrites::set_rep_teams`]).
pub async fn set_rep_teams(
    store: &dyn Store,
    branch: BranchId,
    user: UserId,
    teams: &[TeamId],
) -> StoreResult<()> {
    let mut w = store.begin().await?;
    w.set_rep_teams(branch, user, teams).await?;
    w.commit().await
}

/// Adds a member (see [`MemberWrites::create_member`]).
pub async fn create_member(
    store: &dyn Store,
    branch: BranchId,
    details: &MemberDetails,
    team: Option<TeamId>,
) -> StoreResult<Member> {
    let mut w = store.begin().await?;
    let out = w.create_member(branch, details, team).await?;
    w.commit().await?;
    Ok(out)
}

/// Links a member record to a login (see [`MemberWrites::link_member_user`]).
pub async fn link_member_user(
    store: &dyn Store,
    branch: BranchId,
    id: MemberId,
    user: Option<UserId>,
) -> StoreResult<()> {
    let mut w = store.begin().await?;
    w.link_member_user(branch, id, user).await?;
    w.commit().await
}

/// Imports a parsed file (see [`MemberWrites::import_members`]).
pub async fn import_members(
    store: &dyn Store,
    branch: BranchId,
    file: &ParsedFile,
    options: &ImportOptions,
) -> StoreResult<ImportOutcome> {
    let mut w = store.begin().await?;
    let out = w
        .import_members(branch, file, options, &|_, _, _| {})
        .await?;
    w.commit().await?;
    Ok(out)
}

/// Records the start of an import run (see [`MemberWrites::start_import_run`]).
pub async fn start_import_run(
    store: &dyn Store,
    branch: BranchId,
    user: UserId,
    dry_run: bool,
    rows_total: u64,
    lease: &ImportLease,
) -> StoreResult<ImportRunId> {
    let mut w = store.begin().await?;
    let out = w
        .start_import_run(branch, user, dry_run, rows_total, lease)
        .await?;
    w.commit().await?;
    Ok(out)
}

/// Records how an import run ended (see [`MemberWrites::finish_import_run`]).
pub async fn finish_import_run(
    store: &dyn Store,
    branch: BranchId,
    id: ImportRunId,
    result: Result<&ImportOutcome, &str>,
) -> StoreResult<()> {
    let mut w = store.begin().await?;
    w.finish_import_run(branch, id, result).await?;
    w.commit().await
}

/// Stores a sign-in link, with the email that carries it if one is given, in one unit as
/// asking for a link does (see [`MemberDataWrites::create_magic_link`]).
pub async fn create_magic_link(
    store: &dyn Store,
    link: &NewMagicLink,
    email: Option<NewOutboxEmail>,
) -> StoreResult<MagicLinkId> {
    let mut w = store.begin().await?;
    let id = w.create_magic_link(link).await?;
    if let Some(email) = email {
        w.enqueue_email(email).await?;
    }
    w.commit().await?;
    Ok(id)
}

/// Uses a sign-in link; the session lasts an hour (see
/// [`MemberDataWrites::use_magic_link`]).
pub async fn use_magic_link(
    store: &dyn Store,
    branch: BranchId,
    token_hash: &str,
    now: DateTime<Utc>,
    session_hash: &str,
) -> StoreResult<LinkUse> {
    let mut w = store.begin().await?;
    let out = w
        .use_magic_link(
            branch,
            token_hash,
            now,
            session_hash,
            now + chrono::Duration::hours(1),
        )
        .await?;
    w.commit().await?;
    Ok(out)
}

/// Saves a member's own corrections (see [`MemberDataWrites::update_own_details`]).
pub async fn update_own_details(
    store: &dyn Store,
    branch: BranchId,
    member: MemberId,
    user: UserId,
    details: &OwnDetails,
) -> StoreResult<()> {
    let mut w = store.begin().await?;
    w.update_own_details(branch, member, user, details).await?;
    w.commit().await
}

/// Erases a member with the number key `test-key` (see
/// [`MemberDataWrites::erase_member`]).
pub async fn erase_member(
    store: &dyn Store,
    branch: BranchId,
    member: MemberId,
) -> StoreResult<ErasureReport> {
    let mut w = store.begin().await?;
    let out = w
        .erase_member(
            branch,
            &Erasure {
                member_id: member,
                number_key: "test-key".into(),
            },
        )
        .await?;
    w.commit().await?;
    Ok(out)
}
