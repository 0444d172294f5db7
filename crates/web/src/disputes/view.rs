//! A dispute's dashboard: its records with the law engine's answers and the strike-day and
//! impact figures, each with its working. Pages and the API show the same assembly.

use super::impact::{impact, striker_days};
pub use super::impact::{Estimate, Impact};
use super::law_input;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::state::LawConfig;
use chrono::NaiveDate;
use picket_domain::calendar::Excluded;
use picket_domain::disputes::{ActionKind, BallotKind};
use picket_domain::law::{
    action_check, assess_ballot, notice_deadline, regime_on, ActionPlan, BallotAssessment,
    NoticeAnswer,
};
use picket_domain::{BallotId, BranchId, DisputeId};
use picket_store::dispute_edits::Participation;
use picket_store::disputes::{
    ActionPeriod, Ballot, BallotStep, Claim, Dispute, ImpactRate, NewActionPeriod, NewBallot,
    Party, SurveyQuestion, TimelineEvent,
};
use picket_store::strike_days::DayTally;
use serde::Serialize;
use utoipa::ToSchema;

/// A ballot with the law engine's answer (statutory ballots with a result).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BallotView {
    /// The ballot as stored.
    #[schema(value_type = Object)]
    pub ballot: Ballot,
    /// The law engine's assessment: regime, turnout, thresholds, mandate, steps, assumptions.
    #[schema(value_type = Option<Object>)]
    pub assessment: Option<BallotAssessment>,
    /// The steps checklist with due and done dates.
    #[schema(value_type = Vec<Object>)]
    pub steps: Vec<BallotStep>,
    /// Survey questions and their answers.
    #[schema(value_type = Vec<Object>)]
    pub questions: Vec<SurveyQuestion>,
}

/// A problem with a period of action.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Warning {
    /// A stable code, e.g. `notice-too-late`, `mandate-expired`, `no-ballot-result`.
    pub code: String,
    /// The problem in words.
    pub message: String,
    /// The provision, if any.
    pub provision: String,
}

/// A period of action with its deadlines and counts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeriodView {
    /// The period as stored.
    #[schema(value_type = Object)]
    pub period: ActionPeriod,
    /// Strike (or action) days in the period under the counting rule.
    pub days: u32,
    /// The counting rule in words.
    pub rule: String,
    /// Days of the period not counted, and why.
    #[schema(value_type = Vec<Object>)]
    pub excluded: Vec<Excluded>,
    /// Strike days of the dispute up to the end of this period (strikes only).
    pub cumulative_strike_days: u32,
    /// Striker-days lost: from the per-member records of who struck on the days that have
    /// any, else the typed participation counts where they exist, else members called
    /// out × days.
    pub striker_days: u64,
    /// How `striker_days` was worked out.
    pub striker_days_working: String,
    /// Which formula gave `striker_days`: `called-out`, `participation`,
    /// `participation-and-called-out` (counts for some days only), `member-records` (every
    /// day from the per-member records of who struck) or `member-records-and-counts`.
    pub striker_days_source: String,
    /// The period's per-member records added up by day (for the figures; not sent).
    #[serde(skip)]
    pub tallies: Vec<DayTally>,
    /// The period's participation records (whole period first, then by day).
    #[schema(value_type = Vec<Object>)]
    pub participation: Vec<Participation>,
    /// The ballot whose mandate was checked.
    pub ballot_id: Option<BallotId>,
    /// By when the employer must receive notice.
    #[schema(value_type = Object)]
    pub notice: NoticeAnswer,
    /// How the notice deadline was worked out.
    pub notice_working: String,
    /// Whether every day of the period is inside a live mandate.
    pub inside_mandate: bool,
    /// The mandate's last day as it applies to this period.
    pub mandate_last_day: Option<NaiveDate>,
    /// Every problem found.
    pub warnings: Vec<Warning>,
    /// Unconfirmed figures and readings the answers rest on.
    pub assumptions: Vec<String>,
    /// Whether the period is shown on public pages, feeds and posters: when the law checks
    /// found no problem, or an organiser confirmed every warning it has now.
    pub public: bool,
}

impl PeriodView {
    /// The warnings no organiser has confirmed: while there are any, the period is private.
    pub fn unconfirmed(&self) -> Vec<&Warning> {
        let confirmed = self.period.publication.as_ref().map(|p| &p.despite);
        self.warnings
            .iter()
            .filter(|w| confirmed.is_none_or(|c| !c.contains(&w.code)))
            .collect()
    }
}

/// A figure with its working.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Figure {
    /// The figure, for people.
    pub value: String,
    /// How it was worked out.
    pub working: String,
}

/// The dashboard's headline figures as of a day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Headline {
    /// The day the figures are for.
    pub as_of: NaiveDate,
    /// Days on strike so far.
    pub days_so_far: Figure,
    /// The live mandate's last day.
    pub mandate_last_day: Figure,
    /// The next notice deadline.
    pub next_notice: Figure,
    /// Striker-days lost so far (the impact's figure, with its rule in the working).
    pub striker_days: Figure,
    /// Which rule gave `striker_days`: `member-records`, `counts` or
    /// `member-records-and-counts` (see [`Impact::striker_days_basis`]).
    pub striker_days_basis: String,
}

/// Everything the dispute dashboard shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DisputeView {
    /// The dispute.
    #[schema(value_type = Object)]
    pub dispute: Dispute,
    /// Decision-makers and teams.
    #[schema(value_type = Vec<Object>)]
    pub parties: Vec<Party>,
    /// Claims and offers.
    #[schema(value_type = Vec<Object>)]
    pub claims: Vec<Claim>,
    /// The timeline (public entries only on the public page).
    #[schema(value_type = Vec<Object>)]
    pub timeline: Vec<TimelineEvent>,
    /// Impact rates.
    #[schema(value_type = Vec<Object>)]
    pub rates: Vec<ImpactRate>,
    /// Ballots with their answers.
    pub ballots: Vec<BallotView>,
    /// Periods of action with deadlines and counts.
    pub periods: Vec<PeriodView>,
    /// Headline figures.
    pub headline: Headline,
    /// Impact figures.
    pub impact: Impact,
}

/// A whole number with thousands separators.
pub fn thousands(n: u64) -> String {
    picket_domain::impact::thousands(n)
}

/// Hundredths as a decimal for people: 405000 → "4,050", 250 → "2.5".
pub fn hundredths_text(h: i64) -> String {
    let whole = thousands(u64::try_from(h / 100).unwrap_or(0));
    if h % 100 == 0 {
        whole
    } else {
        format!("{whole}.{:02}", h % 100)
            .trim_end_matches('0')
            .to_string()
    }
}

/// The law engine's assessment of a statutory ballot with a result.
pub fn assess(law: &LawConfig, dispute: &Dispute, ballot: &Ballot) -> Option<BallotAssessment> {
    let result = ballot.result?;
    if ballot.kind != BallotKind::Statutory {
        return None;
    }
    assess_ballot(
        &law_input(dispute.nation, &as_new(ballot), ballot.entitled, result),
        &law.overrides,
    )
    .ok()
}

fn as_new(b: &Ballot) -> NewBallot {
    NewBallot {
        kind: b.kind,
        title: b.title.clone(),
        opened: b.opened,
        closed: b.closed,
        entitled: b.entitled_basis.hand(b.entitled),
        ips: b.ips,
        welsh_devolved: b.welsh_devolved,
        extension_agreed: b.extension_agreed,
        result: b.result,
        result_to_employer: b.result_to_employer,
        steps: Vec::new(),
    }
}

/// Checks a new period's holidays against the calendar, naming the field.
pub fn check_period(law: &LawConfig, dispute: &Dispute, new: &NewActionPeriod) -> AppResult<()> {
    law.calendar
        .strike_days(
            dispute.nation.division(),
            new.starts,
            new.ends,
            &new.holidays_as_strike,
        )
        .map(|_| ())
        .map_err(|e| {
            // The calendar names its own parameter; the form and API call it holidays_as_strike.
            let message =
                e.to_string()
                    .replacen("holidays_counted_as_strike", "holidays_as_strike", 1);
            AppError::invalid("holidays_as_strike", message)
        })
}

/// The statutory ballot that covers a period: the one named, else the latest with a result
/// that closed before the period starts.
fn covering<'a>(ballots: &'a [Ballot], period: &ActionPeriod) -> Option<&'a Ballot> {
    match period.ballot_id {
        Some(id) => ballots.iter().find(|b| b.id == id),
        None => ballots
            .iter()
            .filter(|b| {
                b.kind == BallotKind::Statutory && b.result.is_some() && b.closed < period.starts
            })
            .max_by_key(|b| b.closed),
    }
}

fn notice_working(n: &NoticeAnswer, starts: NaiveDate) -> String {
    let mut s = format!(
        "{} days' notice before the first day of action ({starts}) under {} ({}): received by the end of {}",
        n.period_days, n.regime, n.provision, n.notice_received_by
    );
    if let Some(agreed) = n.notice_received_by_with_agreement {
        s.push_str(&format!(
            "; {agreed} if the employer agrees to shorter notice"
        ));
    }
    s
}

fn warning(code: &str, message: String) -> Warning {
    Warning {
        code: code.into(),
        message,
        provision: String::new(),
    }
}

/// Checks a period against its ballot: (inside mandate, mandate's last day, warnings,
/// assumptions).
fn check_against(
    law: &LawConfig,
    dispute: &Dispute,
    ballot: Option<&Ballot>,
    period: &ActionPeriod,
) -> (bool, Option<NaiveDate>, Vec<Warning>, Vec<String>) {
    use picket_domain::law::ActionWarningCode as C;
    let Some(b) = ballot else {
        return (
            false,
            None,
            vec![warning(
                "no-ballot",
                "No statutory ballot with a result closed before this period: there is no mandate"
                    .into(),
            )],
            Vec::new(),
        );
    };
    let (Some(result), Some(told)) = (b.result, b.result_to_employer) else {
        let message = if b.result.is_none() {
            format!(
                "The ballot \"{}\" has no result recorded: no mandate can be checked",
                b.title
            )
        } else {
            format!(
                "Record the day the employer was told the result of \"{}\": notice counts only from then",
                b.title
            )
        };
        return (
            false,
            None,
            vec![warning("no-ballot-result", message)],
            Vec::new(),
        );
    };
    let plan = ActionPlan {
        result_to_employer: told,
        action_from: period.starts,
        action_to: period.ends,
        notice_received: period.notice_received,
        extension_agreed: b.extension_agreed,
        shorter_notice_agreed: false,
    };
    let input = law_input(dispute.nation, &as_new(b), b.entitled, result);
    match action_check(&input, &plan, &law.overrides) {
        Ok(check) => {
            let inside = !check.warnings.iter().any(|w| {
                matches!(
                    w.code,
                    C::NoValidMandate
                        | C::ActionBeforeResult
                        | C::MandateExpired
                        | C::ActionOutlastsMandate
                )
            });
            let warnings = check
                .warnings
                .into_iter()
                .map(|w| Warning {
                    code: serde_json::to_value(w.code)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    message: w.message,
                    provision: w.provision,
                })
                .collect();
            (inside, check.mandate_last_day, warnings, check.assumptions)
        }
        Err(e) => (
            false,
            None,
            vec![warning("invalid", e.to_string())],
            Vec::new(),
        ),
    }
}

fn period_view(
    law: &LawConfig,
    dispute: &Dispute,
    ballots: &[Ballot],
    period: &ActionPeriod,
    records: &[Participation],
    tallies: &[DayTally],
) -> AppResult<PeriodView> {
    let count = law
        .calendar
        .strike_days(
            dispute.nation.division(),
            period.starts,
            period.ends,
            &period.holidays_as_strike,
        )
        .map_err(|e| AppError::failed("the law engine", e))?;
    let notice = notice_deadline(dispute.nation, period.starts, &law.overrides)
        .map_err(|e| AppError::failed("the law engine", e))?;
    let ballot = covering(ballots, period);
    let (inside_mandate, mandate_last_day, warnings, mut assumptions) =
        check_against(law, dispute, ballot, period);
    if assumptions.is_empty() {
        assumptions.clone_from(&notice.assumptions);
    }
    let participation: Vec<Participation> = records
        .iter()
        .filter(|r| r.period_id == period.id)
        .cloned()
        .collect();
    let tallies: Vec<DayTally> = tallies
        .iter()
        .filter(|t| t.period_id == period.id)
        .copied()
        .collect();
    let lost = striker_days(period, &count.excluded, &participation, &tallies);
    Ok(PeriodView {
        days: count.days,
        rule: count.rule,
        excluded: count.excluded,
        // Set by the caller, which knows the periods before it.
        cumulative_strike_days: 0,
        striker_days: lost.total,
        striker_days_working: lost.working,
        striker_days_source: lost.source.as_str().into(),
        participation,
        tallies,
        ballot_id: ballot.map(|b| b.id),
        notice_working: notice_working(&notice, period.starts),
        notice,
        inside_mandate,
        mandate_last_day,
        public: false,
        warnings,
        assumptions,
        period: period.clone(),
    })
}

fn days_so_far(
    law: &LawConfig,
    dispute: &Dispute,
    periods: &[PeriodView],
    as_of: NaiveDate,
) -> AppResult<Figure> {
    let division = dispute.nation.division();
    let mut parts = Vec::new();
    let mut total = 0;
    let mut rule = format!("weekdays less {} bank holidays", division.label());
    for p in periods
        .iter()
        .filter(|p| p.period.kind == ActionKind::Strike && p.period.starts <= as_of)
    {
        let to = p.period.ends.min(as_of);
        let holidays: Vec<NaiveDate> = p
            .period
            .holidays_as_strike
            .iter()
            .copied()
            .filter(|d| *d <= to)
            .collect();
        let count = law
            .calendar
            .strike_days(division, p.period.starts, to, &holidays)
            .map_err(|e| AppError::failed("the law engine", e))?;
        total += count.days;
        parts.push(format!("{} ({} to {to})", count.days, p.period.starts));
        if !holidays.is_empty() {
            rule = count.rule;
        }
    }
    Ok(Figure {
        value: total.to_string(),
        working: if parts.is_empty() {
            format!("No strike days on or before {as_of}")
        } else {
            format!("{} = {total}; counting rule: {rule}", parts.join(" + "))
        },
    })
}

fn mandate_figure(dispute: &Dispute, ballots: &[BallotView], as_of: NaiveDate) -> Figure {
    let live = ballots
        .iter()
        .filter(|b| b.ballot.closed <= as_of)
        .filter_map(|b| b.assessment.as_ref().map(|a| (b, a)))
        .filter(|(_, a)| a.valid_mandate)
        .max_by_key(|(b, _)| b.ballot.closed);
    let Some((b, a)) = live else {
        return Figure {
            value: "none".into(),
            working: format!("No statutory ballot closed on or before {as_of} gave a mandate"),
        };
    };
    let regime = regime_on(dispute.nation.jurisdiction(), b.ballot.opened);
    let last = if b.ballot.extension_agreed {
        a.mandate_last_day_with_extension.or(a.mandate_last_day)
    } else {
        a.mandate_last_day
    };
    let last_text = last.map_or_else(|| "none".to_string(), |d| d.to_string());
    let expired = last.is_some_and(|d| d < as_of);
    Figure {
        value: format!("{last_text}{}", if expired { " (expired)" } else { "" }),
        working: format!(
            "\"{}\" closed {}: {}% turnout, {}% of votes cast Yes. A mandate of {}{} beginning with the closing day under {} ({}) ends on {last_text}",
            b.ballot.title,
            b.ballot.closed,
            a.turnout_percent,
            a.yes_percent_of_cast,
            regime.rules.mandate.length.value,
            if b.ballot.extension_agreed { ", extended by agreement" } else { "" },
            a.regime,
            regime.rules.mandate.length.provision,
        ),
    }
}

fn headline(
    law: &LawConfig,
    dispute: &Dispute,
    ballots: &[BallotView],
    periods: &[PeriodView],
    impact: &Impact,
    as_of: NaiveDate,
) -> AppResult<Headline> {
    let next_notice = match periods.iter().find(|p| p.period.starts > as_of) {
        Some(p) => Figure {
            value: p.notice.notice_received_by.to_string(),
            working: p.notice_working.clone(),
        },
        None => Figure {
            value: "none".into(),
            working: format!("No action is planned after {as_of}"),
        },
    };
    Ok(Headline {
        as_of,
        days_so_far: days_so_far(law, dispute, periods, as_of)?,
        mandate_last_day: mandate_figure(dispute, ballots, as_of),
        next_notice,
        striker_days: impact.striker_days.clone(),
        striker_days_basis: impact.striker_days_basis.clone(),
    })
}

/// Assembles a dispute's dashboard as of a day; `public_only` keeps only the public timeline
/// and the periods of action that may be public (see [`PeriodView::public`]), and counts only
/// those.
pub async fn assemble(
    state: &AppState,
    branch: BranchId,
    id: DisputeId,
    as_of: NaiveDate,
    public_only: bool,
) -> AppResult<DisputeView> {
    let store = &state.store;
    let dispute = store.dispute(branch, id).await?;
    let stored = store.ballots(branch, id).await?;
    let mut ballots = Vec::new();
    for b in &stored {
        ballots.push(BallotView {
            assessment: assess(&state.law, &dispute, b),
            steps: store.steps(branch, id, b.id).await?,
            questions: store.questions(branch, id, b.id).await?,
            ballot: b.clone(),
        });
    }
    let mut cumulative = 0;
    let records = store.participation(branch, id).await?;
    let tallies = store.strike_day_tallies(branch, id).await?;
    let mut periods = Vec::new();
    for p in store.action_periods(branch, id).await? {
        let mut view = period_view(&state.law, &dispute, &stored, &p, &records, &tallies)?;
        view.public = view.unconfirmed().is_empty();
        // A public page counts only what it shows.
        if public_only && !view.public {
            continue;
        }
        if view.period.kind == ActionKind::Strike {
            cumulative += view.days;
        }
        view.cumulative_strike_days = cumulative;
        periods.push(view);
    }
    let rates = store.rates(branch, id).await?;
    let impact = impact(&periods, &rates, as_of);
    Ok(DisputeView {
        headline: headline(&state.law, &dispute, &ballots, &periods, &impact, as_of)?,
        impact,
        parties: store.parties(branch, id).await?,
        claims: store.claims(branch, id).await?,
        timeline: store.timeline(branch, id, public_only).await?,
        rates,
        ballots,
        periods,
        dispute,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_for_people() {
        assert_eq!(thousands(4050), "4,050");
        assert_eq!(thousands(405), "405");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(hundredths_text(405_000), "4,050");
        assert_eq!(hundredths_text(250), "2.5");
        assert_eq!(hundredths_text(1205), "12.05");
    }
}
