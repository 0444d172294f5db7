//! The shape of the law table and how a date picks its row. The rows themselves are in
//! `data.rs`.

use super::data::{AGENCY_ROWS, CAVEAT_ROWS, REGIME_ROWS};
use super::overrides::OverrideKey;
use super::period::Period;
use super::{Jurisdiction, Nation};
use chrono::NaiveDate;
use serde::Serialize;

/// Which regime a row of the table is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegimeId {
    /// Great Britain until 28 Feb 2017.
    GbBefore2017,
    /// Great Britain under the Trade Union Act 2016, 1 Mar 2017 to 17 Feb 2026.
    GbTua16,
    /// Great Britain under the Employment Rights Act 2025, from 18 Feb 2026.
    GbEra25,
    /// Northern Ireland under the 1995 Order.
    Ni1995,
}

/// A figure could not be confirmed from sources: answers say so and an organiser may
/// override it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Unconfirmed {
    /// What is uncertain, as a sentence.
    pub note: &'static str,
    /// The override that replaces it.
    pub key: OverrideKey,
}

/// One figure of the law with the provision behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Figure<T> {
    /// The value (`None` where the rule does not exist in this regime).
    pub value: T,
    /// The provision, e.g. "TULRCA 1992 s.226(2)(a)(iia)".
    pub provision: &'static str,
    /// Set when the figure could not be confirmed.
    pub unconfirmed: Option<Unconfirmed>,
    /// A reading Picket takes whenever it uses this figure, reported as an assumption.
    pub reading: Option<&'static str>,
}

impl<T> Figure<T> {
    /// A confirmed figure.
    pub(crate) const fn of(value: T, provision: &'static str) -> Self {
        Figure {
            value,
            provision,
            unconfirmed: None,
            reading: None,
        }
    }

    /// An unconfirmed figure that the override `key` replaces.
    pub(crate) const fn unconfirmed(
        value: T,
        provision: &'static str,
        note: &'static str,
        key: OverrideKey,
    ) -> Self {
        Figure {
            value,
            provision,
            unconfirmed: Some(Unconfirmed { note, key }),
            reading: None,
        }
    }

    /// The same figure, resting on a stated reading.
    pub(crate) const fn reading(mut self, reading: &'static str) -> Self {
        self.reading = Some(reading);
        self
    }
}

/// Whether a mandate limits when action starts or when it takes place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MandateKind {
    /// Action must start within the period; once started it may continue.
    ActionMustStart,
    /// Action must take place within the period; later action needs a new ballot.
    ActionMustTakePlace,
}

/// How long a ballot supports action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MandateRule {
    /// Start-within or take-place-within.
    pub kind: MandateKind,
    /// The period beginning with the closing day.
    pub length: Figure<Period>,
    /// The longer period allowed by agreement with the employer, if any.
    pub by_agreement: Figure<Option<Period>>,
}

/// Every figure of one regime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rules {
    /// Notice of the ballot must reach the employer by this many days before opening.
    pub ballot_notice_days: Figure<u32>,
    /// What the notice of ballot must contain, in words.
    pub ballot_notice_content: &'static str,
    /// The sample voting paper must reach the employer by this many days before opening.
    pub sample_paper_days: Figure<u32>,
    /// An independent scrutineer is needed when more than this many are entitled to vote.
    pub scrutineer_when_more_than: Figure<u32>,
    /// The result to members; the value says what it must state.
    pub result_to_members: Figure<&'static str>,
    /// The result to the employer.
    pub result_to_employer: Figure<&'static str>,
    /// A simple majority (more Yes than No); the value is unused.
    pub majority: Figure<()>,
    /// Minimum turnout as a percentage of those entitled, if any.
    pub turnout_percent: Figure<Option<u32>>,
    /// Minimum Yes votes as a percentage of those entitled, for important public services.
    pub ips_support_percent: Figure<Option<u32>>,
    /// The mandate.
    pub mandate: MandateRule,
    /// Notice of action must be received by this many days before the first day of action.
    pub action_notice_days: Figure<u32>,
    /// The shorter notice allowed when the employer agrees, if any.
    pub action_notice_days_by_agreement: Figure<Option<u32>>,
    /// Whether a picket supervisor is required.
    pub picket_supervisor_required: Figure<bool>,
    /// What the supervisor rule requires, item by item.
    pub picket_supervisor_duties: &'static [&'static str],
    /// Guidance on pickets at an entrance (not law), if any is recorded.
    pub pickets_per_entrance: Figure<Option<u32>>,
    /// The protected period for strikers in weeks, `None` where there is no limit or none
    /// is recorded.
    pub protected_period_weeks: Figure<Option<u32>>,
}

/// One row of the law table: a regime, where and when it applies, and its figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Regime {
    /// Which regime.
    pub id: RegimeId,
    /// Its name in answers, e.g. "TULRCA 1992 as amended by the Trade Union Act 2016".
    pub name: &'static str,
    /// Great Britain or Northern Ireland.
    pub jurisdiction: Jurisdiction,
    /// The first day it decides (`None`: from before the table's first year).
    pub from: Option<NaiveDate>,
    /// The last day it decides (`None`: still in force).
    pub until: Option<NaiveDate>,
    /// Its figures.
    pub rules: Rules,
}

impl Regime {
    /// Whether this regime decides questions about `date`.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|f| date >= f) && self.until.is_none_or(|u| date <= u)
    }
}

/// The whole law table, in date order within each jurisdiction.
pub fn regimes() -> &'static [Regime] {
    &REGIME_ROWS
}

/// The regime in force in `jurisdiction` on `date` (the date that decides the question).
pub fn regime_on(jurisdiction: Jurisdiction, date: NaiveDate) -> &'static Regime {
    let mut rows = REGIME_ROWS
        .iter()
        .filter(|r| r.jurisdiction == jurisdiction);
    // The table covers every date in each jurisdiction (a test checks), so the fallback to
    // the jurisdiction's first row is never used.
    rows.clone()
        .find(|r| r.covers(date))
        .or_else(|| rows.next())
        .unwrap_or(&REGIME_ROWS[0])
}

/// A dated exemption from a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Exemption {
    /// Where it applies.
    pub nation: Nation,
    /// The first opening day it covers.
    pub from: NaiveDate,
    /// The last opening day it covers, if it has ended.
    pub until: Option<NaiveDate>,
    /// The provision.
    pub provision: &'static str,
}

impl Exemption {
    /// Whether the exemption covers a ballot opened on `date`.
    pub fn covers(&self, date: NaiveDate) -> bool {
        date >= self.from && self.until.is_none_or(|u| date <= u)
    }
}

/// Devolved Welsh public authorities are exempt from the 40% support threshold.
pub const WELSH_DEVOLVED_EXEMPTION: Exemption = Exemption {
    nation: Nation::Wales,
    from: super::data::ymd(2017, 9, 13),
    until: None,
    provision: "Trade Union (Wales) Act 2017 s.1",
};

/// Whether employment businesses were forbidden to supply workers to cover strikers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AgencyBanPeriod {
    /// First day (`None`: from before the table's first year).
    pub from: Option<NaiveDate>,
    /// Last day (`None`: still so).
    pub until: Option<NaiveDate>,
    /// Whether the ban applied.
    pub in_force: bool,
    /// The provision.
    pub provision: &'static str,
}

/// The ban on supplying agency workers to cover strikers in Great Britain, over time.
pub const AGENCY_BAN: &[AgencyBanPeriod] = &AGENCY_ROWS;

/// A warning attached to answers decided by a date on or before `until`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caveat {
    pub jurisdiction: Jurisdiction,
    pub until: NaiveDate,
    pub note: &'static str,
}

/// The caveats that apply to an answer decided by `date`.
pub(crate) fn caveats(
    jurisdiction: Jurisdiction,
    date: NaiveDate,
) -> impl Iterator<Item = &'static str> {
    CAVEAT_ROWS
        .iter()
        .filter(move |c| c.jurisdiction == jurisdiction && date <= c.until)
        .map(|c| c.note)
}
