//! Notice of industrial action: by when the employer must receive it.
//!
//! The regime is decided by the day the notice is *received*, so near a change in the law
//! the days on which a notice is in time need not be one unbroken run. Picket answers with
//! the last day up to which every earlier day is in time, and says when a later day could
//! also be.

use super::overrides::{Assumptions, LawOverrides, Resolve};
use super::table::{caveats, regime_on, Regime};
use super::{check_date, LawError, Nation};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// By when notice of industrial action must be received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeAnswer {
    /// The last day the employer may receive the notice (received by the end of it).
    pub notice_received_by: NaiveDate,
    /// The same where the employer agrees to shorter notice, if the regime allows that.
    pub notice_received_by_with_agreement: Option<NaiveDate>,
    /// The days' notice that decides `notice_received_by`.
    pub period_days: u32,
    /// The regime in force on `notice_received_by`.
    pub regime: String,
    /// The provision.
    pub provision: String,
    /// Every unconfirmed figure, override and reading the answer rests on.
    pub assumptions: Vec<String>,
}

/// How far back to look: longer than any notice period in the table.
const LOOK_BACK_DAYS: u64 = 60;

/// Days' notice under `regime`, with or without the employer's agreement to shorter notice.
fn period(
    regime: &Regime,
    agreed: bool,
    overrides: &LawOverrides,
    assumptions: &mut Assumptions,
) -> u32 {
    let r = &regime.rules;
    let standard =
        r.action_notice_days
            .resolve(overrides, |d| format!("{d} days' notice"), assumptions);
    let shorter = r.action_notice_days_by_agreement.resolve(
        overrides,
        |d| match d {
            Some(d) => format!("{d} days' notice where the employer agrees"),
            None => "no shorter notice by agreement".into(),
        },
        assumptions,
    );
    match shorter {
        Some(d) if agreed => d,
        _ => standard,
    }
}

/// Whether a notice received on `received` is in time for action starting `starts`.
pub(crate) fn in_time(
    nation: Nation,
    received: NaiveDate,
    starts: NaiveDate,
    agreed: bool,
    overrides: &LawOverrides,
    assumptions: &mut Assumptions,
) -> bool {
    let regime = regime_on(nation.jurisdiction(), received);
    let days = period(regime, agreed, overrides, assumptions);
    received
        .checked_add_days(Days::new(u64::from(days)))
        .is_some_and(|d| d <= starts)
}

/// The safe last day, and the latest day that is also in time if later.
fn last_day(
    nation: Nation,
    starts: NaiveDate,
    agreed: bool,
    overrides: &LawOverrides,
    assumptions: &mut Assumptions,
) -> (NaiveDate, Option<NaiveDate>) {
    let earliest = starts
        .checked_sub_days(Days::new(LOOK_BACK_DAYS))
        .unwrap_or(starts);
    let mut safe = earliest;
    let mut later = None;
    let mut unbroken = true;
    let mut day = earliest;
    while day < starts {
        // Assumptions from days that do not decide the answer are not wanted.
        let ok = in_time(
            nation,
            day,
            starts,
            agreed,
            overrides,
            &mut Assumptions::default(),
        );
        if ok && unbroken {
            safe = day;
        } else if ok {
            later = Some(day);
        } else {
            unbroken = false;
        }
        day = day.succ_opt().unwrap_or(starts);
    }
    // Record the assumptions of the regime that decides the answer.
    in_time(nation, safe, starts, agreed, overrides, assumptions);
    (safe, later)
}

/// By when the employer must receive notice of action that starts on `action_starts`.
///
/// Notice periods are calendar days: bank holidays do not move them. A notice also counts
/// only if received on or after the day the employer was told the ballot result (see
/// [`super::action_check`]).
pub fn notice_deadline(
    nation: Nation,
    action_starts: NaiveDate,
    overrides: &LawOverrides,
) -> Result<NoticeAnswer, LawError> {
    overrides.validate()?;
    check_date("action_starts", action_starts)?;
    let jurisdiction = nation.jurisdiction();
    let mut assumptions = Assumptions::default();
    let (safe, later) = last_day(nation, action_starts, false, overrides, &mut assumptions);
    let regime = regime_on(jurisdiction, safe);
    let period_days = period(regime, false, overrides, &mut Assumptions::default());
    if let Some(later) = later {
        let later_regime = regime_on(jurisdiction, later);
        let later_days = period(later_regime, false, overrides, &mut Assumptions::default());
        assumptions.push(format!(
            "The notice period depends on the day the notice is received. A notice received by {safe} is in time ({period_days} days under {}). One received later, up to {later}, is in time only if it arrives on or after {} ({later_days} days under {}); Picket gives the safe date.",
            regime.name,
            later_regime.from.map_or_else(|| "the change".to_string(), |d| d.to_string()),
            later_regime.name
        ));
    }
    let (agreed, _) = last_day(
        nation,
        action_starts,
        true,
        overrides,
        &mut Assumptions::default(),
    );
    let agreed_regime = regime_on(jurisdiction, agreed);
    // Agreement matters only where it moves the date.
    let with_agreement = (agreed != safe).then_some(agreed);
    if with_agreement.is_some() {
        // The agreed figure may itself be unconfirmed or overridden.
        period(agreed_regime, true, overrides, &mut assumptions);
    }
    for note in caveats(jurisdiction, safe) {
        assumptions.push(note);
    }
    Ok(NoticeAnswer {
        notice_received_by: safe,
        notice_received_by_with_agreement: with_agreement,
        period_days,
        regime: regime.name.into(),
        provision: regime.rules.action_notice_days.provision.into(),
        assumptions: assumptions.into_vec(),
    })
}
