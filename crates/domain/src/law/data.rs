//! The rows of the law table (`LAW.md` as data). Change the law here, not in the code that
//! answers questions.

use super::overrides::OverrideKey as K;
use super::period::Period::{Months, Weeks};
use super::table::{
    AgencyBanPeriod, Caveat, Figure as F, MandateKind, MandateRule, Regime, RegimeId, Rules,
};
use super::Jurisdiction::{GreatBritain as GB, NorthernIreland as NI};
use chrono::NaiveDate;

/// A date for the table; an impossible date fails the build.
pub(crate) const fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => d,
        None => panic!("impossible date in the law table"),
    }
}

/// Trade Union Act 2016 commencement.
const TUA16_FROM: NaiveDate = ymd(2017, 3, 1);
/// Employment Rights Act 2025 trade-union changes commencement (SI 2026/3).
const ERA25_FROM: NaiveDate = ymd(2026, 2, 18);

const NI_ORDER: &str = "Trade Union and Labour Relations (Northern Ireland) Order 1995";

const SUPERVISOR_DUTIES: &[&str] = &[
    "appoint a picket supervisor: an official or member of the union who is familiar with the Code of Practice on Picketing",
    "give the supervisor a letter of authorisation, to be shown to the employer or its representative on request",
    "tell the police the supervisor's name, where the picketing will take place and how to contact the supervisor",
    "the supervisor is present on the picket line or readily contactable and able to attend at short notice",
    "the supervisor wears something (a badge, armband or tabard) that identifies them",
];

const START_WITHIN: &str = "Under this regime the mandate is the time within which action must start; action that started in time may continue after it ends.";

const RESULT_PRE2017: &str =
    "the number of votes cast, the Yes votes, the No votes and the spoiled papers";

/// Great Britain before the Trade Union Act 2016.
const GB_BEFORE_2017: Rules = Rules {
    ballot_notice_days: F::of(7, "TULRCA 1992 s.226A(1)(a)"),
    ballot_notice_content:
        "the categories and workplaces of the employees concerned and their numbers",
    sample_paper_days: F::of(3, "TULRCA 1992 s.226A(1)(b)"),
    scrutineer_when_more_than: F::of(50, "TULRCA 1992 s.226B; s.226C (ballots of 50 or fewer)"),
    result_to_members: F::of(RESULT_PRE2017, "TULRCA 1992 s.231"),
    result_to_employer: F::of(RESULT_PRE2017, "TULRCA 1992 s.231A"),
    majority: F::of((), "TULRCA 1992 s.226(2)(a)(iii)"),
    turnout_percent: F::of(
        None,
        "TULRCA 1992 s.226 (no turnout threshold before the Trade Union Act 2016)",
    ),
    ips_support_percent: F::of(
        None,
        "TULRCA 1992 s.226 (no support threshold before the Trade Union Act 2016)",
    ),
    mandate: MandateRule {
        kind: MandateKind::ActionMustStart,
        length: F::of(Weeks(4), "TULRCA 1992 s.234(1)").reading(START_WITHIN),
        by_agreement: F::of(Some(Weeks(8)), "TULRCA 1992 s.234(1)"),
    },
    action_notice_days: F::of(7, "TULRCA 1992 s.234A(4)(b)"),
    action_notice_days_by_agreement: F::of(None, "TULRCA 1992 s.234A(4)(b)"),
    picket_supervisor_required: F::of(
        false,
        "TULRCA 1992 s.220 (no supervisor requirement before s.220A)",
    ),
    picket_supervisor_duties: &[],
    pickets_per_entrance: F::of(Some(6), "Code of Practice: Picketing (guidance, not law)"),
    protected_period_weeks: F::of(Some(12), "TULRCA 1992 s.238A"),
};

const RESULT_TUA16: &str = "the number entitled to vote, the votes cast, the Yes votes, the No votes, the spoiled papers, whether the 50% turnout threshold was met and, where it applies, whether the 40% support threshold was met";

/// Great Britain under the Trade Union Act 2016.
const GB_TUA16: Rules = Rules {
    ballot_notice_days: F::of(7, "TULRCA 1992 s.226A(1)(a)"),
    ballot_notice_content: "the categories of employee and workplaces concerned, the numbers in each, and how those figures were worked out",
    sample_paper_days: F::of(3, "TULRCA 1992 s.226A(1)(b)"),
    scrutineer_when_more_than: F::of(50, "TULRCA 1992 s.226B; s.226C (ballots of 50 or fewer)"),
    result_to_members: F::of(RESULT_TUA16, "TULRCA 1992 s.231"),
    result_to_employer: F::of(RESULT_TUA16, "TULRCA 1992 s.231A"),
    majority: F::of((), "TULRCA 1992 s.226(2)(a)(iii), (2A)"),
    turnout_percent: F::of(Some(50), "TULRCA 1992 s.226(2)(a)(iia)"),
    ips_support_percent: F::of(Some(40), "TULRCA 1992 s.226(2B)"),
    mandate: MandateRule {
        kind: MandateKind::ActionMustTakePlace,
        length: F::of(Months(6), "TULRCA 1992 s.234(1)"),
        by_agreement: F::of(Some(Months(9)), "TULRCA 1992 s.234(1)"),
    },
    action_notice_days: F::of(14, "TULRCA 1992 s.234A(4)(b)"),
    action_notice_days_by_agreement: F::of(Some(7), "TULRCA 1992 s.234A(4)(b)"),
    picket_supervisor_required: F::of(true, "TULRCA 1992 s.220A"),
    picket_supervisor_duties: SUPERVISOR_DUTIES,
    pickets_per_entrance: F::of(Some(6), "Code of Practice: Picketing (2017) (guidance, not law)"),
    protected_period_weeks: F::of(Some(12), "TULRCA 1992 s.238A"),
};

const RESULT_ERA25: &str = "the number entitled to vote, the votes cast, the Yes votes, the No votes, the spoiled papers and whether the 50% turnout threshold was met";

/// Great Britain under the Employment Rights Act 2025.
const GB_ERA25: Rules = Rules {
    ballot_notice_days: F::of(7, "TULRCA 1992 s.226A(1)(a)"),
    ballot_notice_content: "the categories of employee and workplaces concerned and the total number of employees concerned",
    sample_paper_days: F::of(3, "TULRCA 1992 s.226A(1)(b)"),
    scrutineer_when_more_than: F::of(50, "TULRCA 1992 s.226B; s.226C (ballots of 50 or fewer)"),
    result_to_members: F::of(RESULT_ERA25, "TULRCA 1992 s.231"),
    result_to_employer: F::of(RESULT_ERA25, "TULRCA 1992 s.231A"),
    majority: F::of((), "TULRCA 1992 s.226(2)(a)(iii), (2A)"),
    turnout_percent: F::unconfirmed(
        Some(50),
        "TULRCA 1992 s.226(2)(a)(iia)",
        "The Employment Rights Act 2025 repeals the 50% turnout threshold, but the repeal waits for e-balloting regulations and its commencement is unconfirmed.",
        K::Era25TurnoutThresholdApplies,
    ),
    ips_support_percent: F::of(None, "TULRCA 1992 s.226(2B), repealed by the Employment Rights Act 2025 for ballots opened from 18 Feb 2026"),
    mandate: MandateRule {
        kind: MandateKind::ActionMustTakePlace,
        length: F::of(Months(12), "TULRCA 1992 s.234(1) as amended by the Employment Rights Act 2025").reading(
            "The Employment Rights Act 2025's 12 months are counted as s.234 counts the mandate, beginning with the closing day, so the last day is the day before the anniversary (the earlier reading).",
        ),
        by_agreement: F::of(None, "TULRCA 1992 s.234(1) as amended by the Employment Rights Act 2025 (no extension)"),
    },
    action_notice_days: F::of(10, "TULRCA 1992 s.234A(4)(b) as amended by the Employment Rights Act 2025"),
    action_notice_days_by_agreement: F::unconfirmed(
        None,
        "TULRCA 1992 s.234A(4)(b) as amended by the Employment Rights Act 2025",
        "Whether the Employment Rights Act 2025 keeps the option of 7 days' notice of action by agreement with the employer is unconfirmed.",
        K::Era25NoticeDaysByAgreement,
    ),
    picket_supervisor_required: F::of(false, "TULRCA 1992 s.220A, repealed by the Employment Rights Act 2025 for picketing from 18 Feb 2026"),
    picket_supervisor_duties: &[],
    pickets_per_entrance: F::unconfirmed(
        Some(6),
        "Code of Practice: Picketing (2026) (guidance, not law)",
        "That the 2026 Code of Practice on Picketing keeps its guide of no more than six pickets at an entrance is unconfirmed.",
        K::Era25PicketsPerEntrance,
    ),
    protected_period_weeks: F::of(None, "TULRCA 1992 s.238A as amended by the Employment Rights Act 2025 (no time limit for action starting from 18 Feb 2026)"),
};

const RESULT_NI: &str =
    "the number of votes cast, the Yes votes, the No votes and the spoiled papers";

/// Northern Ireland under the 1995 Order (TUA16, the MSL Act and ERA25 do not apply).
const NI_1995: Rules = Rules {
    ballot_notice_days: F::of(7, "Trade Union and Labour Relations (Northern Ireland) Order 1995 art.105"),
    ballot_notice_content: "the information in the union's possession that would help the employer plan, including the number, categories and workplaces of the employees concerned",
    sample_paper_days: F::of(3, "Trade Union and Labour Relations (Northern Ireland) Order 1995 art.105").reading(
        "Picket assumes the sample voting paper must reach a Northern Ireland employer by the 3rd day before the opening day, as in Great Britain.",
    ),
    scrutineer_when_more_than: F::of(50, "Trade Union and Labour Relations (Northern Ireland) Order 1995 art.106").reading(
        "Picket assumes Northern Ireland, like Great Britain, needs an independent scrutineer only when more than 50 are entitled to vote.",
    ),
    result_to_members: F::of(RESULT_NI, "Trade Union and Labour Relations (Northern Ireland) Order 1995 art.112"),
    result_to_employer: F::of(RESULT_NI, "Trade Union and Labour Relations (Northern Ireland) Order 1995 art.113"),
    majority: F::of((), "Trade Union and Labour Relations (Northern Ireland) Order 1995 art.104(3)(a)(iii)"),
    turnout_percent: F::of(None, "Trade Union and Labour Relations (Northern Ireland) Order 1995 art.104 (no turnout threshold)"),
    ips_support_percent: F::of(None, "Trade Union and Labour Relations (Northern Ireland) Order 1995 art.104 (no support threshold)"),
    mandate: MandateRule {
        kind: MandateKind::ActionMustStart,
        length: F::unconfirmed(
            Weeks(4),
            "Trade Union and Labour Relations (Northern Ireland) Order 1995, Part VIII (period of effectiveness of the ballot)",
            "The length of a Northern Ireland ballot's mandate is unconfirmed.",
            K::NiMandateWeeks,
        )
        .reading(START_WITHIN),
        by_agreement: F::unconfirmed(
            Some(Weeks(8)),
            "Trade Union and Labour Relations (Northern Ireland) Order 1995, Part VIII (period of effectiveness of the ballot)",
            "How far a Northern Ireland mandate can be extended by agreement with the employer is unconfirmed.",
            K::NiMandateWeeksByAgreement,
        ),
    },
    action_notice_days: F::of(7, "Trade Union and Labour Relations (Northern Ireland) Order 1995 art.118(4)(b)"),
    action_notice_days_by_agreement: F::of(None, "Trade Union and Labour Relations (Northern Ireland) Order 1995 art.118(4)(b)"),
    picket_supervisor_required: F::of(false, "Trade Union and Labour Relations (Northern Ireland) Order 1995 (TULRCA s.220A does not extend to Northern Ireland)"),
    picket_supervisor_duties: &[],
    pickets_per_entrance: F::of(None, "not recorded in Picket's law table").reading(
        "Picket's law table records no guide number of pickets per entrance for Northern Ireland; check the Northern Ireland code of practice.",
    ),
    protected_period_weeks: F::of(None, "Employment Rights (Northern Ireland) Order 1996 (not recorded in Picket's law table)").reading(
        "Picket's law table records no protected period for strikers in Northern Ireland; check the Employment Rights (Northern Ireland) Order 1996 before relying on one.",
    ),
};

/// The regimes, in date order within each jurisdiction; together they cover every date.
pub(crate) const REGIME_ROWS: [Regime; 4] = [
    Regime {
        id: RegimeId::GbBefore2017,
        name: "TULRCA 1992 before the Trade Union Act 2016",
        jurisdiction: GB,
        from: None,
        until: Some(ymd(2017, 2, 28)),
        rules: GB_BEFORE_2017,
    },
    Regime {
        id: RegimeId::GbTua16,
        name: "TULRCA 1992 as amended by the Trade Union Act 2016",
        jurisdiction: GB,
        from: Some(TUA16_FROM),
        until: Some(ymd(2026, 2, 17)),
        rules: GB_TUA16,
    },
    Regime {
        id: RegimeId::GbEra25,
        name: "TULRCA 1992 as amended by the Employment Rights Act 2025",
        jurisdiction: GB,
        from: Some(ERA25_FROM),
        until: None,
        rules: GB_ERA25,
    },
    Regime {
        id: RegimeId::Ni1995,
        name: NI_ORDER,
        jurisdiction: NI,
        from: None,
        until: None,
        rules: NI_1995,
    },
];

/// Regulation 7 of the Conduct of Employment Agencies and Employment Businesses
/// Regulations 2003 over time.
pub(crate) const AGENCY_ROWS: [AgencyBanPeriod; 3] = [
    AgencyBanPeriod {
        from: None,
        until: Some(ymd(2022, 7, 20)),
        in_force: true,
        provision: "Conduct of Employment Agencies and Employment Businesses Regulations 2003 reg.7",
    },
    AgencyBanPeriod {
        from: Some(ymd(2022, 7, 21)),
        until: Some(ymd(2023, 8, 9)),
        in_force: false,
        provision: "Conduct of Employment Agencies and Employment Businesses Regulations 2003 reg.7, revoked from 21 Jul 2022",
    },
    AgencyBanPeriod {
        from: Some(ymd(2023, 8, 10)),
        until: None,
        in_force: true,
        provision: "Conduct of Employment Agencies and Employment Businesses Regulations 2003 reg.7; the revocation was quashed from 10 Aug 2023 (R (ASLEF & ors) v SSBT [2023] EWHC 1781 (Admin))",
    },
];

/// Warnings for dates the table does not model in full.
pub(crate) const CAVEAT_ROWS: [Caveat; 2] = [
    Caveat {
        jurisdiction: GB,
        until: ymd(2005, 12, 31),
        note: "Picket's pre-2017 figures are the law as it stood in the years before the Trade Union Act 2016; earlier changes (the Employment Relations Acts 1999 and 2004, e.g. the protected period, which began in 2000 at 8 weeks) are not modelled, so check figures for dates before 2006.",
    },
    Caveat {
        jurisdiction: NI,
        until: ymd(2005, 12, 31),
        note: "Picket's Northern Ireland figures are the 1995 Order as later amended; changes by the Employment Relations (Northern Ireland) Orders 1999 and 2004 are not modelled, so check figures for dates before 2006.",
    },
];
