//! The turnout drive for a statutory ballot, shared by its pages and API: what a member says
//! ("my paper arrived", "I have voted"; never how they voted), where each team a rep
//! represents stands against the thresholds the law engine says are in force, who to chase
//! (read as personal data, audited), and the reminder email to members who have not said they
//! voted, at most once every N days.

use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::CurrentUser;
use crate::pickets::common::mail_error;
use crate::state::AppState;
use chrono::Utc;
use picket_domain::disputes::BallotKind;
use picket_domain::turnout::{progress, targets, DriveBallot, Progress, Targets, TurnoutReport};
use picket_domain::{BallotId, DisputeId, Role, TeamId};
use picket_mail::OutgoingEmail;
use picket_store::disputes::{Ballot, Dispute};
use picket_store::turnout::{ChaseList, ReminderTurn, TeamTurnout, ToChase};
use picket_store::{Branch, NewAuditEntry};
use serde::Serialize;
use utoipa::ToSchema;

/// A statutory ballot of the dispute, else a message saying the drive is for those only.
pub async fn drive_ballot(
    state: &AppState,
    branch: &Branch,
    dispute: DisputeId,
    ballot: BallotId,
) -> AppResult<Ballot> {
    let b = state.store.ballot(branch.id, dispute, ballot).await?;
    if b.kind != BallotKind::Statutory {
        return Err(AppError::Conflict(
            "The turnout drive is for statutory ballots only.".into(),
        ));
    }
    Ok(b)
}

/// The thresholds in force for the ballot.
pub fn ballot_targets(state: &AppState, dispute: &Dispute, b: &Ballot) -> AppResult<Targets> {
    targets(
        &DriveBallot {
            nation: dispute.nation,
            opened: b.opened,
            closed: b.closed,
            ips: b.ips,
            welsh_devolved: b.welsh_devolved,
        },
        &state.law.overrides,
    )
    .map_err(|e| AppError::invalid("ballot", e.to_string()))
}

/// The teams a user's view covers: every team for organisers (`None`), else those they
/// represent.
pub async fn teams_in_view(
    state: &AppState,
    user: &CurrentUser,
    branch: &Branch,
) -> AppResult<Option<Vec<TeamId>>> {
    if crate::pickets::common::at_least(user, branch, Role::Organiser) {
        Ok(None)
    } else {
        Ok(Some(
            state.store.rep_team_ids(branch.id, user.user.id).await?,
        ))
    }
}

/// One team's standing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamStanding {
    /// The team's id (none: members with no team).
    pub team_id: Option<i64>,
    /// Its name.
    pub team: String,
    /// Where it works.
    pub workplace: Option<String>,
    /// Entitled to vote.
    pub entitled: u32,
    /// Say they voted.
    pub said_voted: u32,
    /// Say their paper arrived (or that they voted).
    pub paper_arrived: u32,
    /// Votes needed for the turnout threshold (none where none applies).
    pub turnout_needed: Option<u32>,
    /// How many more must vote to clear it.
    pub more_for_turnout: Option<u32>,
    /// Yes votes needed where the support rule applies.
    pub support_needed: Option<u32>,
}

impl TeamStanding {
    fn new(t: &TeamTurnout, p: Progress) -> Self {
        Self {
            team_id: t.team_id.map(|t| t.0),
            team: t.team_name.clone().unwrap_or_else(|| "No team".into()),
            workplace: t.workplace.clone(),
            entitled: p.entitled,
            said_voted: p.said_voted,
            paper_arrived: p.paper_arrived,
            turnout_needed: p.turnout_needed,
            more_for_turnout: p.more_for_turnout,
            support_needed: p.support_needed,
        }
    }
}

/// Where the drive stands, per team and overall.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Standing {
    /// The turnout rule in words, with its provision (none where none applies).
    pub turnout_rule: Option<String>,
    /// The support rule in words, with its provision, where it applies.
    pub support_rule: Option<String>,
    /// Per team.
    pub teams: Vec<TeamStanding>,
    /// All the teams in view together.
    pub total: TeamStanding,
}

/// The standing of the teams in the user's view.
pub async fn standing(
    state: &AppState,
    user: &CurrentUser,
    branch: &Branch,
    dispute: &Dispute,
    b: &Ballot,
) -> AppResult<Standing> {
    let targets = ballot_targets(state, dispute, b)?;
    let teams = teams_in_view(state, user, branch).await?;
    let rows = state
        .store
        .turnout_by_team(branch.id, b.id, teams.as_deref())
        .await?;
    let sum = |f: fn(&TeamTurnout) -> u32| rows.iter().map(f).sum::<u32>();
    let all = TeamTurnout {
        team_id: None,
        team_name: Some("All teams in view".into()),
        workplace: None,
        entitled: sum(|t| t.entitled),
        said_voted: sum(|t| t.said_voted),
        paper_arrived: sum(|t| t.paper_arrived),
    };
    let rule = |t: &Option<picket_domain::turnout::Target>| {
        t.as_ref()
            .map(|t| format!("{}: {}% ({})", t.name, t.percent, t.provision))
    };
    Ok(Standing {
        turnout_rule: rule(&targets.turnout),
        support_rule: rule(&targets.support),
        teams: rows
            .iter()
            .map(|t| {
                TeamStanding::new(
                    t,
                    progress(t.entitled, t.said_voted, t.paper_arrived, &targets),
                )
            })
            .collect(),
        total: TeamStanding::new(
            &all,
            progress(all.entitled, all.said_voted, all.paper_arrived, &targets),
        ),
    })
}

/// A chase list, read as personal data: audited with the reason.
pub async fn chase_list(
    state: &AppState,
    user: &CurrentUser,
    branch: &Branch,
    b: &Ballot,
    list: ChaseList,
    request_id: Option<String>,
) -> AppResult<Vec<ToChase>> {
    let teams = teams_in_view(state, user, branch).await?;
    let people = state
        .store
        .turnout_chase_list(branch.id, b.id, list, teams.as_deref())
        .await?;
    let which = match list {
        ChaseList::NotVoted => "turnout drive: who has not said they voted",
        ChaseList::PaperNotArrived => "turnout drive: papers not arrived",
    };
    state
        .store
        .audit(NewAuditEntry {
            actor: Some(user.user.id),
            branch: Some(branch.id),
            action: "member.search".into(),
            subject: Some(format!("ballot:{}", b.id)),
            detail: Some(format!("reason={which}; rows={}", people.len())),
            request_id,
        })
        .await?;
    Ok(people)
}

/// Records what a member says (audited as the member's own action).
pub async fn report(
    state: &AppState,
    actor: &Actor<'_>,
    b: &Ballot,
    what: TurnoutReport,
) -> AppResult<()> {
    let member = crate::pickets::common::require_member(state, actor.branch, actor.user).await?;
    let mut work = state.store.begin().await?;
    work.report_turnout(actor.branch.id, b.id, member.id, what, Utc::now())
        .await?;
    let mut entry = actor.entry("turnout.report", format!("ballot:{}", b.id));
    entry.detail = Some(what.as_str().into());
    work.audit(entry).await?;
    work.commit().await?;
    Ok(())
}

/// Sets the days between reminders (organisers; audited).
pub async fn set_reminder_days(
    state: &AppState,
    actor: &Actor<'_>,
    b: &Ballot,
    raw: &str,
) -> AppResult<u32> {
    let days = picket_domain::turnout::reminder_days(raw)
        .map_err(|m| AppError::invalid("reminder_every_days", m))?;
    let mut work = state.store.begin().await?;
    work.set_turnout_reminder_days(actor.branch.id, b.id, days)
        .await?;
    let mut entry = actor.entry("turnout.settings", format!("ballot:{}", b.id));
    entry.detail = Some(format!("reminder_every_days={days}"));
    work.audit(entry).await?;
    work.commit().await?;
    Ok(days)
}

/// What sending reminders did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Reminded {
    /// Emails queued.
    pub queued: usize,
    /// Members with no email address, to ring instead.
    pub without_email: usize,
}

/// Emails every member in view who has not said they voted, if the ballot's turn to remind
/// has come (organisers; audited with the count). Too soon: a message naming when.
pub async fn send_reminders(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: &Dispute,
    b: &Ballot,
) -> AppResult<Reminded> {
    let people = chase_list(
        state,
        actor.user,
        actor.branch,
        b,
        ChaseList::NotVoted,
        actor.request_id.clone(),
    )
    .await?;
    let now = Utc::now();
    let mut work = state.store.begin().await?;
    if let ReminderTurn::TooSoon(next) = work
        .take_turnout_reminder(actor.branch.id, b.id, now)
        .await?
    {
        let settings = state.store.turnout_settings(actor.branch.id, b.id).await?;
        return Err(AppError::Conflict(format!(
            "A reminder went less than {} days ago: the next may go on {}.",
            settings.reminder_every_days,
            picket_domain::dates::long_date(picket_domain::pickets::london::to_local(next).date())
        )));
    }
    let mut queued = 0;
    for p in &people {
        let Some(to) = p.email.as_deref() else {
            continue;
        };
        let email = OutgoingEmail::new(
            to,
            format!("Have you voted? {}", b.title),
            format!(
                "Dear {},\n\nThe ballot \"{}\" in our dispute \"{}\" closes on {}. Every vote counts: the ballot must clear the legal turnout threshold for action to be lawful.\n\nIf your paper has arrived, please vote and post it today. If it has not arrived, tell your rep so the branch can ask for a replacement.\n\nOnce you have voted, you can say so on Picket so we stop reminding you.\n",
                p.name,
                b.title,
                dispute.title,
                picket_domain::dates::long_date(b.closed)
            ),
        );
        let key = format!(
            "turnout-reminder:{}:{}:{}",
            b.id,
            p.member_id,
            now.timestamp()
        );
        picket_jobs::queue_email(&mut *work, &email, Some(key), 5)
            .await
            .map_err(mail_error)?;
        queued += 1;
    }
    let mut entry = actor.entry("turnout.remind", format!("ballot:{}", b.id));
    entry.detail = Some(format!("emails={queued}"));
    work.audit(entry).await?;
    work.commit().await?;
    Ok(Reminded {
        queued,
        without_email: people.len() - queued,
    })
}
