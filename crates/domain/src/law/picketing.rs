//! Picketing rules, the protected period for strikers, and the agency-worker ban.

use super::overrides::{Assumptions, LawOverrides, Resolve};
use super::period::Period;
use super::table::{caveats, regime_on, AGENCY_BAN};
use super::{check_date, Jurisdiction, LawError, Nation};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The rules for picketing on a given day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PicketingAnswer {
    /// The regime in force on the picketing day.
    pub regime: String,
    /// Whether the union must appoint a picket supervisor.
    pub supervisor_required: bool,
    /// What the supervisor rule requires, item by item (empty when not required).
    pub supervisor_duties: Vec<String>,
    /// The provision for the supervisor rule.
    pub supervisor_provision: String,
    /// The guide number of pickets at an entrance (guidance, not law), if one is recorded.
    pub pickets_per_entrance: Option<u32>,
    /// Where that guidance comes from.
    pub pickets_per_entrance_source: String,
    /// Every unconfirmed figure, override and reading the answer rests on.
    pub assumptions: Vec<String>,
}

/// The rules for picketing in `nation` on `picketing_day`.
pub fn picketing_rules(
    nation: Nation,
    picketing_day: NaiveDate,
    overrides: &LawOverrides,
) -> Result<PicketingAnswer, LawError> {
    overrides.validate()?;
    check_date("picketing_day", picketing_day)?;
    let jurisdiction = nation.jurisdiction();
    let regime = regime_on(jurisdiction, picketing_day);
    let r = &regime.rules;
    let mut assumptions = Assumptions::default();
    let required = r.picket_supervisor_required.resolve(
        overrides,
        |b| {
            if *b {
                "a supervisor is required".into()
            } else {
                "no supervisor is required".into()
            }
        },
        &mut assumptions,
    );
    let guide = r.pickets_per_entrance.resolve(
        overrides,
        |n| match n {
            Some(n) => format!("a guide of {n} pickets per entrance"),
            None => "no guide number".into(),
        },
        &mut assumptions,
    );
    for note in caveats(jurisdiction, picketing_day) {
        assumptions.push(note);
    }
    Ok(PicketingAnswer {
        regime: regime.name.into(),
        supervisor_required: required,
        supervisor_duties: if required {
            r.picket_supervisor_duties
                .iter()
                .map(|d| d.to_string())
                .collect()
        } else {
            Vec::new()
        },
        supervisor_provision: r.picket_supervisor_required.provision.into(),
        pickets_per_entrance: guide,
        pickets_per_entrance_source: r.pickets_per_entrance.provision.into(),
        assumptions: assumptions.into_vec(),
    })
}

/// The protected period for strikers whose action starts on a given day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtectedPeriodAnswer {
    /// The regime in force on the first day of action.
    pub regime: String,
    /// The length in weeks; `None` where there is no time limit or none is recorded.
    pub weeks: Option<u32>,
    /// The last day of the period, beginning with the first day of action.
    pub last_day: Option<NaiveDate>,
    /// The provision.
    pub provision: String,
    /// Every unconfirmed figure and reading the answer rests on.
    pub assumptions: Vec<String>,
}

/// The protected period (dismissal for taking protected action is automatically unfair
/// within it) for action whose first day is `first_day_of_action`.
pub fn protected_period(
    nation: Nation,
    first_day_of_action: NaiveDate,
) -> Result<ProtectedPeriodAnswer, LawError> {
    check_date("first_day_of_action", first_day_of_action)?;
    let jurisdiction = nation.jurisdiction();
    let regime = regime_on(jurisdiction, first_day_of_action);
    let figure = &regime.rules.protected_period_weeks;
    let mut assumptions = Assumptions::default();
    let weeks = figure.resolve(
        &LawOverrides::default(),
        |w| match w {
            Some(w) => format!("{w} weeks"),
            None => "no time limit".into(),
        },
        &mut assumptions,
    );
    if weeks.is_some() {
        assumptions.push(
            "The protected period is extended by any days on which the employer locked the employees out; Picket does not add them.",
        );
    }
    for note in caveats(jurisdiction, first_day_of_action) {
        assumptions.push(note);
    }
    Ok(ProtectedPeriodAnswer {
        regime: regime.name.into(),
        weeks,
        last_day: weeks.map(|w| {
            Period::Weeks(w)
                .last_day_beginning_with(first_day_of_action)
                .0
        }),
        provision: figure.provision.into(),
        assumptions: assumptions.into_vec(),
    })
}

/// Whether employment businesses were forbidden to supply workers to cover strikers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyBanAnswer {
    /// Whether the ban applied on the day; `None` where Picket's table has no answer.
    pub in_force: Option<bool>,
    /// The provision.
    pub provision: String,
    /// Every reading the answer rests on.
    pub assumptions: Vec<String>,
}

/// Whether the ban on supplying agency workers to do strikers' work applied on `date`.
/// It says nothing about whether an outsourced service is "supply": that is for argument.
pub fn agency_supply_ban(nation: Nation, date: NaiveDate) -> Result<AgencyBanAnswer, LawError> {
    check_date("date", date)?;
    if nation.jurisdiction() == Jurisdiction::NorthernIreland {
        return Ok(AgencyBanAnswer {
            in_force: None,
            provision: "not recorded in Picket's law table".into(),
            assumptions: vec![
                "Picket's law table records the Great Britain regulation only; Northern Ireland has its own regulations.".into(),
            ],
        });
    }
    let row = AGENCY_BAN
        .iter()
        .find(|r| r.from.is_none_or(|f| date >= f) && r.until.is_none_or(|u| date <= u));
    let mut assumptions = Vec::new();
    if date < super::data::ymd(2004, 4, 6) {
        assumptions.push(
            "The 2003 Regulations came into force on 6 Apr 2004; Picket assumes the 1976 Regulations' equivalent ban applied before then.".to_string(),
        );
    }
    Ok(AgencyBanAnswer {
        in_force: row.map(|r| r.in_force),
        provision: row.map_or("", |r| r.provision).into(),
        assumptions,
    })
}
