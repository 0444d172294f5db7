//! Checking planned industrial action against the ballot and the notice given.

use super::ballot::{assess_ballot, mandate_days, BallotInput};
use super::notice::{in_time, notice_deadline, NoticeAnswer};
use super::overrides::{Assumptions, LawOverrides};
use super::table::{regime_on, MandateKind};
use super::{check_date, LawError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Planned action and the notice given for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionPlan {
    /// The day the employer was told the ballot result.
    pub result_to_employer: NaiveDate,
    /// The first day of action.
    pub action_from: NaiveDate,
    /// The last day of action.
    pub action_to: NaiveDate,
    /// The day the employer received notice of the action, if it has.
    #[serde(default)]
    pub notice_received: Option<NaiveDate>,
    /// The employer agreed to the longer mandate the regime allows.
    #[serde(default)]
    pub extension_agreed: bool,
    /// The employer agreed to the shorter notice the regime allows.
    #[serde(default)]
    pub shorter_notice_agreed: bool,
}

/// What is wrong with a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionWarningCode {
    /// The ballot gave no mandate.
    NoValidMandate,
    /// Action starts before the employer was told the result.
    ActionBeforeResult,
    /// Action starts after the mandate ended.
    MandateExpired,
    /// Action continues past a mandate within which action must take place.
    ActionOutlastsMandate,
    /// No notice of action recorded.
    NoNotice,
    /// Notice received before the employer was told the result, so it does not count.
    NoticeBeforeResult,
    /// Notice received too late.
    NoticeTooLate,
}

/// One problem with a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionWarning {
    /// Which problem.
    pub code: ActionWarningCode,
    /// The problem in words, with dates.
    pub message: String,
    /// The provision.
    pub provision: String,
}

/// The result of checking a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionCheck {
    /// No warnings.
    pub ok: bool,
    /// The mandate's last day as it applies to this plan (extension included if agreed).
    pub mandate_last_day: Option<NaiveDate>,
    /// By when notice had to be received for this plan's first day.
    pub notice: NoticeAnswer,
    /// Every problem found.
    pub warnings: Vec<ActionWarning>,
    /// Every unconfirmed figure, override and reading the answer rests on.
    pub assumptions: Vec<String>,
}

/// Checks planned action against the ballot (mandate and its dates) and the notice given.
pub fn action_check(
    ballot: &BallotInput,
    plan: &ActionPlan,
    overrides: &LawOverrides,
) -> Result<ActionCheck, LawError> {
    let assessment = assess_ballot(ballot, overrides)?;
    check_date("result_to_employer", plan.result_to_employer)?;
    check_date("action_from", plan.action_from)?;
    check_date("action_to", plan.action_to)?;
    if let Some(r) = plan.notice_received {
        check_date("notice_received", r)?;
    }
    if plan.action_to < plan.action_from {
        return Err(LawError::ActionEndsBeforeStart {
            from: plan.action_from,
            to: plan.action_to,
        });
    }
    if plan.result_to_employer < ballot.closed {
        return Err(LawError::ResultBeforeClose {
            told: plan.result_to_employer,
            closed: ballot.closed,
        });
    }
    let jurisdiction = ballot.nation.jurisdiction();
    let regime = regime_on(jurisdiction, ballot.opened);
    let mut assumptions = Assumptions::default();
    for a in &assessment.assumptions {
        assumptions.push(a.clone());
    }
    let mut warnings = Vec::new();
    let mut warn = |code, message: String, provision: &str| {
        warnings.push(ActionWarning {
            code,
            message,
            provision: provision.into(),
        })
    };
    let mandate_provision = regime.rules.mandate.length.provision;
    let mut mandate_last_day = None;
    if assessment.valid_mandate {
        let (last, extended) = mandate_days(ballot.closed, regime, overrides, &mut assumptions);
        let last = match (plan.extension_agreed, extended) {
            (true, Some(extended)) => extended,
            (true, None) => {
                assumptions.push(format!(
                    "An extension was agreed, but {} allows none; Picket uses the ordinary mandate.",
                    regime.name
                ));
                last
            }
            (false, _) => last,
        };
        mandate_last_day = Some(last);
        if plan.action_from > last {
            warn(
                ActionWarningCode::MandateExpired,
                format!(
                    "The action starts on {} but the mandate ended on {last}: a new ballot is needed.",
                    plan.action_from
                ),
                mandate_provision,
            );
        } else if plan.action_to > last
            && regime.rules.mandate.kind == MandateKind::ActionMustTakePlace
        {
            warn(
                ActionWarningCode::ActionOutlastsMandate,
                format!(
                    "The action runs to {} but the mandate ends on {last}: action after that day needs a new ballot.",
                    plan.action_to
                ),
                mandate_provision,
            );
        }
    } else {
        warn(
            ActionWarningCode::NoValidMandate,
            "The ballot did not give a mandate: it failed at least one threshold.".into(),
            regime.rules.majority.provision,
        );
    }
    if plan.action_from <= plan.result_to_employer {
        warn(
            ActionWarningCode::ActionBeforeResult,
            format!(
                "The action starts on {} but the employer was told the result only on {}.",
                plan.action_from, plan.result_to_employer
            ),
            regime.rules.result_to_employer.provision,
        );
    }
    let notice = notice_deadline(ballot.nation, plan.action_from, overrides)?;
    for a in &notice.assumptions {
        assumptions.push(a.clone());
    }
    match plan.notice_received {
        None => warn(
            ActionWarningCode::NoNotice,
            format!(
                "No notice of action is recorded: the employer must receive it by {}.",
                notice.notice_received_by
            ),
            &notice.provision,
        ),
        Some(received) if received < plan.result_to_employer => warn(
            ActionWarningCode::NoticeBeforeResult,
            format!(
                "The notice was received on {received}, before the employer was told the result on {}, so it does not count: give notice again.",
                plan.result_to_employer
            ),
            &notice.provision,
        ),
        Some(received) => {
            let agreed = plan.shorter_notice_agreed;
            if !in_time(ballot.nation, received, plan.action_from, agreed, overrides, &mut assumptions) {
                let by = match (agreed, notice.notice_received_by_with_agreement) {
                    (true, Some(d)) => d,
                    _ => notice.notice_received_by,
                };
                let provision = regime_on(jurisdiction, received)
                    .rules
                    .action_notice_days
                    .provision;
                warn(
                    ActionWarningCode::NoticeTooLate,
                    format!(
                        "The notice was received on {received}, too late for action starting on {}: it had to arrive by {by}.",
                        plan.action_from
                    ),
                    provision,
                );
            }
        }
    }
    Ok(ActionCheck {
        ok: warnings.is_empty(),
        mandate_last_day,
        notice,
        warnings,
        assumptions: assumptions.into_vec(),
    })
}
