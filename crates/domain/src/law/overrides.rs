//! An organiser's overrides of the figures Picket could not confirm, each with a reason.

use super::period::Period;
use super::table::Figure;
use super::LawError;
use serde::{Deserialize, Serialize};

/// One changed figure and why it was changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override<T> {
    /// The value to use instead of Picket's.
    pub value: T,
    /// Why, in the organiser's words; shown in every answer that uses it.
    pub reason: String,
}

/// Overrides of the unconfirmed figures. Each is used only where the law table marks that
/// figure unconfirmed; every answer that uses one says so, with its reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LawOverrides {
    /// Whether the 50% turnout threshold still applies to ballots opened under ERA25
    /// (Picket assumes it does).
    pub era25_turnout_threshold_applies: Option<Override<bool>>,
    /// Days' notice of action that suffice under ERA25 when the employer agrees (Picket
    /// assumes no shorter period by agreement).
    pub era25_notice_days_by_agreement: Option<Override<u32>>,
    /// Weeks within which action must start after a Northern Ireland ballot (Picket: 4).
    pub ni_mandate_weeks: Option<Override<u32>>,
    /// The same with the employer's agreement (Picket: 8).
    pub ni_mandate_weeks_by_agreement: Option<Override<u32>>,
    /// The guide number of pickets per entrance under the 2026 Code (Picket: 6).
    pub era25_pickets_per_entrance: Option<Override<u32>>,
}

/// Names each overridable figure; the law table points at these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverrideKey {
    /// [`LawOverrides::era25_turnout_threshold_applies`].
    Era25TurnoutThresholdApplies,
    /// [`LawOverrides::era25_notice_days_by_agreement`].
    Era25NoticeDaysByAgreement,
    /// [`LawOverrides::ni_mandate_weeks`].
    NiMandateWeeks,
    /// [`LawOverrides::ni_mandate_weeks_by_agreement`].
    NiMandateWeeksByAgreement,
    /// [`LawOverrides::era25_pickets_per_entrance`].
    Era25PicketsPerEntrance,
}

impl OverrideKey {
    /// The settings field name.
    pub fn as_str(self) -> &'static str {
        match self {
            OverrideKey::Era25TurnoutThresholdApplies => "era25_turnout_threshold_applies",
            OverrideKey::Era25NoticeDaysByAgreement => "era25_notice_days_by_agreement",
            OverrideKey::NiMandateWeeks => "ni_mandate_weeks",
            OverrideKey::NiMandateWeeksByAgreement => "ni_mandate_weeks_by_agreement",
            OverrideKey::Era25PicketsPerEntrance => "era25_pickets_per_entrance",
        }
    }
}

/// An override's value, whatever its field.
#[derive(Debug, Clone, Copy)]
pub(crate) enum OverrideValue {
    Flag(bool),
    Number(u32),
}

fn check_number(
    field: &'static str,
    o: &Option<Override<u32>>,
    range: std::ops::RangeInclusive<u32>,
) -> Result<(), LawError> {
    if let Some(o) = o {
        if !range.contains(&o.value) {
            return Err(LawError::Override {
                field,
                message: format!(
                    "{} is not a sensible value: use {} to {}",
                    o.value,
                    range.start(),
                    range.end()
                ),
            });
        }
    }
    Ok(())
}

fn check_reason<T>(field: &'static str, o: &Option<Override<T>>) -> Result<(), LawError> {
    match o {
        Some(o) if o.reason.trim().is_empty() => Err(LawError::Override {
            field,
            message: "give the reason for changing this figure".into(),
        }),
        _ => Ok(()),
    }
}

impl LawOverrides {
    /// Checks every override has a reason and a sensible value.
    pub fn validate(&self) -> Result<(), LawError> {
        use OverrideKey as K;
        check_reason(
            K::Era25TurnoutThresholdApplies.as_str(),
            &self.era25_turnout_threshold_applies,
        )?;
        let numbers = [
            (
                K::Era25NoticeDaysByAgreement,
                &self.era25_notice_days_by_agreement,
                1..=10,
            ),
            (K::NiMandateWeeks, &self.ni_mandate_weeks, 1..=52),
            (
                K::NiMandateWeeksByAgreement,
                &self.ni_mandate_weeks_by_agreement,
                1..=52,
            ),
            (
                K::Era25PicketsPerEntrance,
                &self.era25_pickets_per_entrance,
                1..=50,
            ),
        ];
        for (key, o, range) in numbers {
            check_reason(key.as_str(), o)?;
            check_number(key.as_str(), o, range)?;
        }
        if let (Some(w), Some(a)) = (&self.ni_mandate_weeks, &self.ni_mandate_weeks_by_agreement) {
            if a.value < w.value {
                return Err(LawError::Override {
                    field: K::NiMandateWeeksByAgreement.as_str(),
                    message: format!(
                        "{} weeks by agreement is shorter than the {} weeks without it",
                        a.value, w.value
                    ),
                });
            }
        }
        Ok(())
    }

    /// The override for a key, if the organiser set one.
    pub(crate) fn get(&self, key: OverrideKey) -> Option<(OverrideValue, &str)> {
        use OverrideValue::{Flag, Number};
        fn number(o: &Option<Override<u32>>) -> Option<(OverrideValue, &str)> {
            o.as_ref().map(|o| (Number(o.value), o.reason.trim()))
        }
        match key {
            OverrideKey::Era25TurnoutThresholdApplies => self
                .era25_turnout_threshold_applies
                .as_ref()
                .map(|o| (Flag(o.value), o.reason.trim())),
            OverrideKey::Era25NoticeDaysByAgreement => number(&self.era25_notice_days_by_agreement),
            OverrideKey::NiMandateWeeks => number(&self.ni_mandate_weeks),
            OverrideKey::NiMandateWeeksByAgreement => number(&self.ni_mandate_weeks_by_agreement),
            OverrideKey::Era25PicketsPerEntrance => number(&self.era25_pickets_per_entrance),
        }
    }
}

/// A figure's value type that an override can replace.
pub(crate) trait FromOverride: Sized {
    /// The replacement, or `None` if the override does not fit this figure.
    fn from_override(default: &Self, value: OverrideValue) -> Option<Self>;
}

impl FromOverride for Option<u32> {
    fn from_override(default: &Self, value: OverrideValue) -> Option<Self> {
        match value {
            // A flag switches a figure (such as a threshold) on at its usual value, or off.
            OverrideValue::Flag(on) => Some(if on { *default } else { None }),
            OverrideValue::Number(n) => Some(Some(n)),
        }
    }
}

impl FromOverride for Period {
    fn from_override(default: &Self, value: OverrideValue) -> Option<Self> {
        match (default, value) {
            (Period::Weeks(_), OverrideValue::Number(n)) => Some(Period::Weeks(n)),
            (Period::Months(_), OverrideValue::Number(n)) => Some(Period::Months(n)),
            (_, OverrideValue::Flag(_)) => None,
        }
    }
}

impl FromOverride for Option<Period> {
    fn from_override(_default: &Self, value: OverrideValue) -> Option<Self> {
        match value {
            OverrideValue::Number(n) => Some(Some(Period::Weeks(n))),
            OverrideValue::Flag(_) => None,
        }
    }
}

/// Collects assumptions in order, without repeats.
#[derive(Debug, Default)]
pub(crate) struct Assumptions(Vec<String>);

impl Assumptions {
    pub(crate) fn push(&mut self, text: impl Into<String>) {
        let text = text.into();
        if !self.0.contains(&text) {
            self.0.push(text);
        }
    }

    pub(crate) fn into_vec(self) -> Vec<String> {
        self.0
    }
}

/// Reading a figure's value for an answer.
pub(crate) trait Resolve<T> {
    /// The figure's value after any override, recording the reading it rests on, whether it
    /// is unconfirmed, and any override used.
    fn resolve(
        &self,
        overrides: &LawOverrides,
        describe: impl Fn(&T) -> String,
        assumptions: &mut Assumptions,
    ) -> T;
}

impl<T: Clone + FromOverride> Resolve<T> for Figure<T> {
    fn resolve(
        &self,
        overrides: &LawOverrides,
        describe: impl Fn(&T) -> String,
        assumptions: &mut Assumptions,
    ) -> T {
        if let Some(reading) = self.reading {
            assumptions.push(reading);
        }
        let Some(u) = self.unconfirmed else {
            return self.value.clone();
        };
        let key = u.key.as_str();
        if let Some((raw, reason)) = overrides.get(u.key) {
            if let Some(value) = T::from_override(&self.value, raw) {
                assumptions.push(format!(
                    "{} An organiser changed this to {} (setting `{key}`), giving the reason: {reason}",
                    u.note,
                    describe(&value)
                ));
                return value;
            }
        }
        assumptions.push(format!(
            "{} Picket uses {} ({}); an organiser can change this with the setting `{key}`.",
            u.note,
            describe(&self.value),
            self.provision
        ));
        self.value.clone()
    }
}

impl FromOverride for u32 {
    fn from_override(_default: &Self, value: OverrideValue) -> Option<Self> {
        match value {
            OverrideValue::Number(n) => Some(n),
            OverrideValue::Flag(_) => None,
        }
    }
}

impl FromOverride for bool {
    fn from_override(_default: &Self, value: OverrideValue) -> Option<Self> {
        match value {
            OverrideValue::Flag(b) => Some(b),
            OverrideValue::Number(_) => None,
        }
    }
}
