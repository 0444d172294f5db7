//! The demo's dispute: the seeds' mental health social workers' dispute with its real dates,
//! figures and strike periods (September 2023 to July 2024), and invented names for persons.
//!
//! Strike days before April 2024 come to the seeds' 27 (405 striker-days at 15 called out,
//! 4,050 service-user contacts at 10 per worker per day); the April period brings 37; to 14 June
//! 2024 the count is the strikers' 61 (the Spring bank holiday not counted).

use anyhow::{anyhow, Context};
use picket_domain::disputes::{
    ActionKind, ClaimKind, ClaimStatus, DisputeStatus, EventKind, PartyKind,
};
use picket_domain::{DisputeId, Nation};
use picket_store::disputes::{NewActionPeriod, NewClaim, NewDispute, NewParty, NewTimelineEvent};
use picket_store::Branch;
use picket_web::disputes::BallotForm;
use picket_web::AppState;

/// The day the demo desk's figures are best seen as of: between the April and May strikes.
pub const DEMO_AS_OF: &str = "2024-05-01";

/// (kind, name, role or workplace, email, headcount)
const PARTIES: &[(PartyKind, &str, &str, &str, Option<u32>)] = &[
    (
        PartyKind::DecisionMaker,
        "Graham Pelletier",
        "Chief Executive",
        "chief.executive@northfield-council.example",
        None,
    ),
    (
        PartyKind::DecisionMaker,
        "Cllr Hannah Obuya",
        "Leader of the Council",
        "leader@northfield-council.example",
        None,
    ),
    (
        PartyKind::DecisionMaker,
        "Rosalind Farrow",
        "Executive Director of Adult Social Care (Communities, Adults and Health)",
        "exec.director.asc@northfield-council.example",
        None,
    ),
    (
        PartyKind::DecisionMaker,
        "Marcus Ebdon",
        "Director of Adult Social Care",
        "director.asc@northfield-council.example",
        None,
    ),
    (
        PartyKind::DecisionMaker,
        "Adults and Health Overview and Scrutiny Sub-Committee",
        "Councillors",
        "scrutiny@northfield-council.example",
        None,
    ),
    (
        PartyKind::Team,
        "Mental Health Team North",
        "Northfield Civic Centre",
        "",
        Some(11),
    ),
    (
        PartyKind::Team,
        "Mental Health Team South",
        "Southbank Resource Centre",
        "",
        Some(11),
    ),
    (
        PartyKind::Team,
        "Approved Mental Health Professionals service",
        "Borough-wide",
        "",
        Some(5),
    ),
];

/// (date, kind, title, outcome, public)
const TIMELINE: &[(&str, EventKind, &str, &str, bool)] = &[
    ("2023-02-24", EventKind::Letter, "Branch secretary emails the Executive Director asking for an urgent meeting", "Meeting offered for 10 March", false),
    ("2023-03-10", EventKind::Meeting, "Meeting with the Executive Director of Adult Social Care", "No agreement", true),
    ("2023-04-12", EventKind::Meeting, "Adults Joint Negotiating and Consultative Committee", "No agreement; the branch asks the Chief Executive for an emergency JNCG the same day", true),
    ("2023-05-18", EventKind::FailureToAgree, "Joint Negotiating Committee (General): Failure to Agree registered", "The Chief Executive could stay 15 minutes; members' survey presented", true),
    ("2023-06-13", EventKind::Ballot, "Application to the union's Industrial Action Committee to ballot the three teams", "Approved", false),
    ("2023-09-01", EventKind::Ballot, "Ballot result notified to the Chief Executive", "100% Yes on a 78.95% turnout", true),
    ("2023-10-18", EventKind::Press, "Strikers speak at a solidarity meeting, 16:30", "", true),
    ("2023-12-04", EventKind::Action, "Festive picket week, 08:00 to 12:30 daily", "", true),
    ("2023-12-05", EventKind::Press, "House of Commons panel debate on the dispute, 18:30", "", true),
    ("2024-03-11", EventKind::Ballot, "Re-ballot result notified to the employer", "100% Yes on a 91% turnout", true),
    ("2024-04-15", EventKind::Action, "Two-week strike begins with a mass picket", "", true),
    ("2024-05-17", EventKind::Offer, "Council emails all adult social care staff: a 5% offer and a 10-week outsourced duty service", "Rejected by the strikers", true),
    ("2024-05-20", EventKind::Note, "Council asks the branch to release a striker for AMHP duty because of sickness", "The branch agrees", false),
    ("2024-06-10", EventKind::Press, "Trade press: strikers start their fifth consecutive week", "", true),
    ("2024-06-12", EventKind::Letter, "Strikers take a letter to the health and care regulator's office", "Refused at reception; sent by registered post and signed for", true),
    ("2024-06-26", EventKind::Note, "No contact from the regulator yet", "", false),
];

/// (kind, title, opened, closed, entitled, cast, yes, no, told)
type DemoBallot = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const BALLOTS: &[DemoBallot] = &[
    (
        "survey",
        "Members' survey",
        "2023-05-02",
        "2023-05-12",
        "20",
        "",
        "",
        "",
        "",
    ),
    (
        "statutory",
        "Industrial action ballot",
        "2023-08-07",
        "2023-08-31",
        "19",
        "15",
        "15",
        "0",
        "2023-09-01",
    ),
    (
        "statutory",
        "Re-ballot",
        "2024-02-12",
        "2024-03-08",
        "22",
        "20",
        "20",
        "0",
        "2024-03-11",
    ),
];

/// The members' survey: (question, answer, percent).
const SURVEY: &[(&str, &str, i64)] = &[
    ("Do you have a safe working environment?", "No", 100),
    ("Have you considered leaving?", "Yes", 100),
    ("Is your salary fair?", "No", 95),
    (
        "Are you entitled to the recruitment and retention payment?",
        "Yes",
        100,
    ),
];

/// (first day, last day, called out, notice received)
const PERIODS: &[(&str, &str, u32, &str)] = &[
    ("2023-10-04", "2023-10-04", 15, "2023-09-18"),
    ("2023-10-11", "2023-10-11", 15, "2023-09-25"),
    ("2023-10-16", "2023-10-20", 15, "2023-09-29"),
    ("2023-11-06", "2023-11-10", 15, "2023-10-20"),
    ("2023-12-04", "2023-12-08", 15, "2023-11-17"),
    ("2024-01-15", "2024-01-19", 15, "2023-12-29"),
    ("2024-02-19", "2024-02-23", 15, "2024-02-02"),
    ("2024-04-15", "2024-04-26", 20, "2024-03-28"),
    ("2024-05-13", "2024-06-01", 20, "2024-04-26"),
    ("2024-06-03", "2024-06-14", 20, "2024-05-17"),
    ("2024-06-17", "2024-07-12", 20, "2024-05-31"),
];

fn day(s: &str) -> anyhow::Result<chrono::NaiveDate> {
    s.parse().with_context(|| format!("demo date {s}"))
}

/// Adds the seeds' dispute to the demo branch; returns its id.
pub async fn seed(state: &AppState, branch: &Branch) -> anyhow::Result<DisputeId> {
    let mut work = state.store.begin().await?;
    let dispute = work
        .create_dispute(
            branch.id,
            &NewDispute {
                title: "Mental health social workers: recruitment and retention payment".into(),
                employer: "Northfield London Borough Council".into(),
                nation: Nation::England,
                status: DisputeStatus::InAction,
                summary: "About twenty mental health social workers in two community teams and the AMHP service claim a 10% recruitment and retention payment, reviewed after two years, to stop the loss of experienced staff: nine of twenty-two left in three months, and the wait for a Care Act assessment has reached 17 months.".into(),
            },
        )
        .await?;
    let id = dispute.id;
    for (kind, name, detail, email, headcount) in PARTIES {
        let new = NewParty {
            kind: *kind,
            name: (*name).into(),
            detail: (*detail).into(),
            email: Some((*email).to_string()).filter(|e| !e.is_empty()),
            address: (*kind == PartyKind::DecisionMaker)
                .then(|| "Northfield Town Hall, High Street, London N99 9ZZ".to_string()),
            headcount: *headcount,
        };
        work.add_party(branch.id, id, &new).await?;
    }
    for (dated, kind, summary, status) in [
        ("2023-05-18", ClaimKind::Claim, "A 10% recruitment and retention payment for mental health social workers, reviewed after two years (reduced from an original 20%); family services social workers already receive 15% to 25%", ClaimStatus::Tabled),
        ("2024-05-17", ClaimKind::Offer, "5% for about 200 adult social care staff on condition the strike is called off; £1,000 for team managers", ClaimStatus::Rejected),
    ] {
        let new = NewClaim { kind, dated: day(dated)?, summary: summary.into(), status };
        work.add_claim(branch.id, id, &new).await?;
    }
    for (dated, kind, title, outcome, public) in TIMELINE {
        let new = NewTimelineEvent {
            dated: day(dated)?,
            kind: *kind,
            title: (*title).into(),
            outcome: (*outcome).into(),
            public: *public,
        };
        work.add_event(branch.id, id, &new).await?;
    }
    work.add_rate(branch.id, id, "service-user contacts", 1000)
        .await?;
    let mut ballots = Vec::new();
    for (kind, title, opened, closed, entitled, cast, yes, no, told) in BALLOTS {
        let form = BallotForm {
            kind: (*kind).into(),
            title: (*title).into(),
            opened: (*opened).into(),
            closed: (*closed).into(),
            entitled: (*entitled).into(),
            cast: (*cast).into(),
            yes: (*yes).into(),
            no: (*no).into(),
            result_to_employer: (*told).into(),
            ..BallotForm::default()
        };
        let new = form
            .parse(Nation::England)
            .map_err(|e| anyhow!("demo ballot {title}: {e}"))?;
        let ballot = work.create_ballot(branch.id, id, &new).await?;
        ballots.push(ballot.clone());
        if *kind == "survey" {
            for (question, answer, percent) in SURVEY {
                work.add_question(branch.id, id, ballot.id, question, answer, percent * 100)
                    .await?;
            }
        }
    }
    for (starts, ends, called_out, notice) in PERIODS {
        let new = NewActionPeriod {
            ballot_id: None,
            kind: ActionKind::Strike,
            starts: day(starts)?,
            ends: day(ends)?,
            teams: "Community Mental Health North, Community Mental Health South".into(),
            called_out: *called_out,
            notice_received: Some(day(notice)?),
            holidays_as_strike: Vec::new(),
        };
        work.create_action_period(branch.id, id, &new).await?;
    }
    work.commit().await?;
    // Every step of the ballots' checklists was done by its deadline, on the day the ballot's
    // own dates give where they give one (read once stored).
    let notices: Vec<(chrono::NaiveDate, chrono::NaiveDate)> = PERIODS
        .iter()
        .map(|(starts, _, _, notice)| Ok((day(starts)?, day(notice)?)))
        .collect::<anyhow::Result<_>>()?;
    let mut work = state.store.begin().await?;
    for ballot in ballots {
        for step in state.store.steps(branch.id, id, ballot.id).await? {
            let done = step_done(&step.name, step.due, &ballot, &notices);
            work.mark_step(branch.id, id, step.id, done).await?;
        }
    }
    work.commit().await?;
    Ok(id)
}

/// The day a demo ballot's step was done: the day the ballot's card gives for it (the result
/// told to the employer; the first notice of action under the mandate, from `notices` as
/// (first day of action, notice received)), else its deadline, else the closing day. A step
/// that asks nothing (no scrutineer needed) is done when the ballot opens.
pub fn step_done(
    name: &str,
    due: Option<chrono::NaiveDate>,
    ballot: &picket_store::disputes::Ballot,
    notices: &[(chrono::NaiveDate, chrono::NaiveDate)],
) -> Option<chrono::NaiveDate> {
    if name.starts_with("Tell the employer the result") {
        return Some(ballot.result_to_employer.unwrap_or(ballot.closed));
    }
    if name.starts_with("Notice of industrial action") {
        return notices
            .iter()
            .filter(|(starts, _)| *starts > ballot.closed)
            .min()
            .map(|(_, notice)| *notice);
    }
    if name.starts_with("No independent scrutineer needed") {
        return Some(ballot.opened);
    }
    Some(due.unwrap_or(ballot.closed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use picket_domain::Division;
    use picket_store::contract::Setup;
    use picket_web::disputes::view::assemble;
    use std::sync::Arc;

    #[tokio::test]
    async fn the_demo_desk_shows_the_seeds_figures_with_their_working() {
        let db = picket_test_support::test_db().await;
        let state = AppState::new(
            db.dyn_store(),
            Arc::new(picket_mail::MemoryMailer::new()),
            picket_test_support::test_settings(),
        );
        let branch = state
            .store
            .setup_branch(&"demo".parse().unwrap(), "Demo", Division::EnglandAndWales)
            .await
            .unwrap();
        let id = seed(&state, &branch).await.unwrap();
        let on = |s: &str| s.parse().unwrap();

        let march = assemble(&state, branch.id, id, on("2024-03-31"), false)
            .await
            .unwrap();
        assert_eq!(
            march.headline.days_so_far.value, "27",
            "27 strike days before April 2024"
        );
        assert_eq!(march.impact.estimates[0].label, "service-user contacts");

        let may = assemble(&state, branch.id, id, on(DEMO_AS_OF), false)
            .await
            .unwrap();
        let h = &may.headline;
        assert_eq!(h.days_so_far.value, "37");
        assert!(
            h.days_so_far
                .working
                .contains("10 (2024-04-15 to 2024-04-26)"),
            "{}",
            h.days_so_far.working
        );
        assert!(h
            .days_so_far
            .working
            .contains("weekdays less England and Wales bank holidays"));
        assert_eq!(h.mandate_last_day.value, "2024-09-07");
        assert!(
            h.mandate_last_day.working.contains("90.91% turnout"),
            "{}",
            h.mandate_last_day.working
        );
        assert_eq!(h.next_notice.value, "2024-04-29");
        assert!(
            h.next_notice.working.contains("14 days"),
            "{}",
            h.next_notice.working
        );

        let june = assemble(&state, branch.id, id, on("2024-06-14"), false)
            .await
            .unwrap();
        assert_eq!(
            june.headline.days_so_far.value, "61",
            "the strikers' 61 days to 14 June 2024"
        );
        assert!(
            may.periods
                .iter()
                .all(|p| p.inside_mandate && p.warnings.is_empty()),
            "every demo period is inside a mandate with notice in time"
        );
        let first = &may.ballots[1];
        let a = first.assessment.as_ref().expect("assessed");
        assert_eq!(a.turnout_percent, 78.95);
        assert_eq!(a.yes_percent_of_cast, 100.0);
        let public = assemble(&state, branch.id, id, on(DEMO_AS_OF), true)
            .await
            .unwrap();
        assert!(public.timeline.iter().all(|e| e.public));
        assert!(public.timeline.len() < may.timeline.len());
    }
}
