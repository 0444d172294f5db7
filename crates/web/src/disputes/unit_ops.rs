//! The bargaining unit's operations, shared by its page ([`crate::disputes::unit`]) and the
//! API ([`crate::disputes::api_unit`]): the unit on a day with the figures of the dispute's
//! periods and ballots, choosing its teams, and hand figures with their reason, each change
//! audited in words in its unit of work.

use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::state::AppState;
use chrono::NaiveDate;
use picket_domain::bargaining::{Basis, HandFigure};
use picket_domain::disputes::Named;
use picket_domain::{BallotId, DisputeId, PeriodId, TeamId};
use picket_store::bargaining::{TeamsChange, UnitTeam};
use picket_store::Branch;
use serde::Serialize;
use utoipa::ToSchema;

/// A figure the desk uses (members called out for a period, or entitled to vote in a
/// ballot), where it comes from, and what the member records count on its day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FigureView {
    /// The period's or ballot's id.
    pub id: i64,
    /// The period's dates or the ballot's title, in words.
    pub title: String,
    /// The day it is counted on: a period's first day, a ballot's opening day.
    pub day: NaiveDate,
    /// The figure the desk uses.
    pub figure: u32,
    /// Where it comes from: `counted` from member records, or typed by `hand`.
    #[schema(value_type = Object)]
    pub basis: Basis,
    /// The basis in words.
    pub basis_words: String,
    /// The members counted in the dispute's teams on `day`, whatever the basis.
    pub counted: u32,
}

impl FigureView {
    /// The hand figure's reason, if typed by hand.
    pub fn reason(&self) -> &str {
        match &self.basis {
            Basis::Hand { reason } => reason,
            Basis::Counted { .. } => "",
        }
    }
}

/// A dispute's bargaining unit on a day, with the figures of its periods and ballots.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitView {
    /// The day the teams' members are counted on.
    pub as_of: NaiveDate,
    /// The dispute's teams, each with its members on `as_of`.
    #[schema(value_type = Vec<Object>)]
    pub teams: Vec<UnitTeam>,
    /// All their members on `as_of`.
    pub total: u32,
    /// The periods of action: members called out.
    pub periods: Vec<FigureView>,
    /// The ballots: members entitled to vote.
    pub ballots: Vec<FigureView>,
}

/// The members in the dispute's teams on `day`: the one count every figure uses.
async fn counted_on(
    state: &AppState,
    branch: &Branch,
    dispute: DisputeId,
    day: NaiveDate,
) -> AppResult<u32> {
    Ok(state
        .store
        .unit_teams(branch.id, dispute, day)
        .await?
        .iter()
        .map(|t| t.members)
        .sum())
}

/// The dispute's unit on `as_of` and the figures of its periods and ballots.
pub async fn unit_view(
    state: &AppState,
    branch: &Branch,
    dispute: DisputeId,
    as_of: NaiveDate,
) -> AppResult<UnitView> {
    let teams = state.store.unit_teams(branch.id, dispute, as_of).await?;
    let mut periods = Vec::new();
    for p in state.store.action_periods(branch.id, dispute).await? {
        periods.push(FigureView {
            id: p.id.0,
            title: format!(
                "{}, {}",
                p.kind.label(),
                picket_domain::dates::date_range(p.starts, p.ends)
            ),
            day: p.starts,
            figure: p.called_out,
            basis_words: p.called_out_basis.words(),
            basis: p.called_out_basis,
            counted: counted_on(state, branch, dispute, p.starts).await?,
        });
    }
    let mut ballots = Vec::new();
    for b in state.store.ballots(branch.id, dispute).await? {
        ballots.push(FigureView {
            id: b.id.0,
            title: b.title,
            day: b.opened,
            figure: b.entitled,
            basis_words: b.entitled_basis.words(),
            basis: b.entitled_basis,
            counted: counted_on(state, branch, dispute, b.opened).await?,
        });
    }
    Ok(UnitView {
        as_of,
        total: teams.iter().map(|t| t.members).sum(),
        teams,
        periods,
        ballots,
    })
}

/// Names in a sentence: "North", "North and South", "North, South and Duty".
fn listed(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The change to the dispute's teams in words, for the audit log.
fn change_words(change: &TeamsChange) -> String {
    let mut parts = Vec::new();
    if !change.added.is_empty() {
        parts.push(format!("Added {}.", listed(&change.added)));
    }
    if !change.removed.is_empty() {
        parts.push(format!("Took off {}.", listed(&change.removed)));
    }
    if parts.is_empty() {
        "No change.".into()
    } else {
        parts.join(" ")
    }
}

/// Makes `teams` the dispute's teams (organisers): each must be one of the branch's teams,
/// or nothing changes. Audited with the teams added and taken off.
pub async fn set_teams(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    teams: &[TeamId],
) -> AppResult<TeamsChange> {
    state.store.dispute(actor.branch.id, dispute).await?;
    let branch_teams = state.store.teams(actor.branch.id).await?;
    if let Some(stranger) = teams
        .iter()
        .find(|t| !branch_teams.iter().any(|b| b.id == **t))
    {
        return Err(AppError::invalid(
            "teams",
            format!(
                "teams: team {stranger} is not one of this branch's teams: choose the dispute's teams from the branch's list"
            ),
        ));
    }
    let mut work = state.store.begin().await?;
    let change = work
        .set_dispute_teams(actor.branch.id, dispute, teams)
        .await?;
    let mut entry = actor.entry("dispute.teams", format!("dispute:{dispute}"));
    entry.detail = Some(change_words(&change));
    work.audit(entry).await?;
    work.commit().await?;
    Ok(change)
}

/// A hand figure's audit detail in words.
fn figure_words(hand: Option<&HandFigure>) -> String {
    match hand {
        Some(h) => format!("{} typed by hand: {}", h.value, h.reason),
        None => "Counted from member records.".into(),
    }
}

/// Sets (or with `None` clears, so it is counted) a period's hand figure of members called
/// out (organisers). Audited with the figure and its reason.
pub async fn set_called_out(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    period: PeriodId,
    hand: Option<&HandFigure>,
) -> AppResult<()> {
    let mut work = state.store.begin().await?;
    work.set_called_out_figure(actor.branch.id, dispute, period, hand)
        .await?;
    let mut entry = actor.entry("action.called_out", format!("action_period:{period}"));
    entry.detail = Some(figure_words(hand));
    work.audit(entry).await?;
    work.commit().await?;
    Ok(())
}

/// Sets (or clears) a ballot's hand figure of members entitled to vote (organisers).
pub async fn set_entitled(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    ballot: BallotId,
    hand: Option<&HandFigure>,
) -> AppResult<()> {
    let mut work = state.store.begin().await?;
    work.set_entitled_figure(actor.branch.id, dispute, ballot, hand)
        .await?;
    let mut entry = actor.entry("ballot.entitled", format!("ballot:{ballot}"));
    entry.detail = Some(figure_words(hand));
    work.audit(entry).await?;
    work.commit().await?;
    Ok(())
}
