//! Notice of action, action checks, picketing, the protected period and the agency ban.

use crate::support::{d, seeds_ballot};
use chrono::NaiveDate;
use picket_domain::law::{
    action_check, agency_supply_ban, notice_deadline, picketing_rules, protected_period, regimes,
    ActionPlan, ActionWarningCode, BallotInput, Jurisdiction, LawOverrides, Nation, Override,
};

fn none() -> LawOverrides {
    LawOverrides::default()
}

#[test]
fn fourteen_days_for_action_on_13_may_2024() {
    let n = notice_deadline(Nation::England, d(2024, 5, 13), &none()).unwrap();
    assert_eq!(n.notice_received_by, d(2024, 4, 29));
    assert_eq!(n.notice_received_by_with_agreement, Some(d(2024, 5, 6)));
    assert_eq!(n.period_days, 14);
    assert_eq!(
        n.regime,
        "TULRCA 1992 as amended by the Trade Union Act 2016"
    );
    assert_eq!(n.provision, "TULRCA 1992 s.234A(4)(b)");
    assert!(n.assumptions.is_empty());
}

#[test]
fn notice_around_1_march_2017_follows_the_day_of_receipt() {
    // All receipt days up to 28 Feb fall under the old 7 days.
    let n = notice_deadline(Nation::Scotland, d(2017, 3, 1), &none()).unwrap();
    assert_eq!((n.notice_received_by, n.period_days), (d(2017, 2, 22), 7));
    let n = notice_deadline(Nation::Scotland, d(2017, 3, 7), &none()).unwrap();
    assert_eq!((n.notice_received_by, n.period_days), (d(2017, 2, 28), 7));
    // Received on 1 Mar or later, 14 days apply.
    let n = notice_deadline(Nation::Scotland, d(2017, 3, 20), &none()).unwrap();
    assert_eq!((n.notice_received_by, n.period_days), (d(2017, 3, 6), 14));
}

#[test]
fn notice_around_18_february_2026_takes_the_safe_reading() {
    let n = notice_deadline(Nation::England, d(2026, 2, 20), &none()).unwrap();
    assert_eq!((n.notice_received_by, n.period_days), (d(2026, 2, 6), 14));
    let n = notice_deadline(Nation::England, d(2026, 3, 10), &none()).unwrap();
    assert_eq!((n.notice_received_by, n.period_days), (d(2026, 2, 28), 10));
    assert_eq!(
        n.regime,
        "TULRCA 1992 as amended by the Employment Rights Act 2025"
    );
    assert_eq!(n.notice_received_by_with_agreement, None);
    assert!(n
        .assumptions
        .iter()
        .any(|s| s.contains("era25_notice_days_by_agreement")));
    // Action on 1 Mar 2026: 14 days if received before 18 Feb, 10 from then. Days 16 and
    // 17 Feb are too late under either, so the safe answer is 15 Feb, and the answer says
    // that 18 or 19 Feb would also do.
    let n = notice_deadline(Nation::England, d(2026, 3, 1), &none()).unwrap();
    assert_eq!((n.notice_received_by, n.period_days), (d(2026, 2, 15), 14));
    assert!(n
        .assumptions
        .iter()
        .any(|s| s.contains("up to 2026-02-19") && s.contains("on or after 2026-02-18")));
}

#[test]
fn northern_ireland_and_before_2017_have_seven_days() {
    let n = notice_deadline(Nation::NorthernIreland, d(2024, 5, 13), &none()).unwrap();
    assert_eq!((n.notice_received_by, n.period_days), (d(2024, 5, 6), 7));
    assert_eq!(
        n.provision,
        "Trade Union and Labour Relations (Northern Ireland) Order 1995 art.118(4)(b)"
    );
    let n = notice_deadline(Nation::Wales, d(2010, 5, 13), &none()).unwrap();
    assert_eq!((n.notice_received_by, n.period_days), (d(2010, 5, 6), 7));
    assert_eq!(n.notice_received_by_with_agreement, None);
}

#[test]
fn era25_notice_by_agreement_override() {
    let o = LawOverrides {
        era25_notice_days_by_agreement: Some(Override {
            value: 7,
            reason: "Regulations confirmed it".into(),
        }),
        ..Default::default()
    };
    let n = notice_deadline(Nation::England, d(2026, 6, 15), &o).unwrap();
    assert_eq!(n.notice_received_by, d(2026, 6, 5));
    assert_eq!(n.notice_received_by_with_agreement, Some(d(2026, 6, 8)));
    assert!(n
        .assumptions
        .iter()
        .any(|s| s.contains("Regulations confirmed it")));
    let err = notice_deadline(Nation::England, d(2101, 1, 3), &none()).unwrap_err();
    assert!(err
        .to_string()
        .starts_with("action_starts: 2101-01-03 is outside"));
}

fn plan(from: NaiveDate, to: NaiveDate, notice: Option<NaiveDate>) -> ActionPlan {
    ActionPlan {
        result_to_employer: d(2023, 9, 1),
        action_from: from,
        action_to: to,
        notice_received: notice,
        extension_agreed: false,
        shorter_notice_agreed: false,
    }
}

fn codes(p: &ActionPlan) -> Vec<ActionWarningCode> {
    action_check(&seeds_ballot(), p, &none())
        .unwrap()
        .warnings
        .iter()
        .map(|w| w.code)
        .collect()
}

#[test]
fn action_checks() {
    use ActionWarningCode::*;
    let good = plan(d(2023, 10, 4), d(2023, 10, 4), Some(d(2023, 9, 5)));
    let check = action_check(&seeds_ballot(), &good, &none()).unwrap();
    assert!(check.ok, "{:?}", check.warnings);
    assert_eq!(check.mandate_last_day, Some(d(2024, 2, 28)));
    assert_eq!(check.notice.notice_received_by, d(2023, 9, 20));

    assert_eq!(
        codes(&plan(d(2023, 10, 4), d(2023, 10, 4), Some(d(2023, 9, 25)))),
        [NoticeTooLate]
    );
    assert_eq!(
        codes(&plan(d(2023, 10, 4), d(2023, 10, 4), None)),
        [NoNotice]
    );
    assert_eq!(
        codes(&plan(d(2023, 10, 4), d(2023, 10, 4), Some(d(2023, 8, 31)))),
        [NoticeBeforeResult]
    );
    assert_eq!(
        codes(&plan(d(2024, 2, 1), d(2024, 3, 10), Some(d(2024, 1, 2)))),
        [ActionOutlastsMandate]
    );
    assert_eq!(
        codes(&plan(d(2024, 3, 4), d(2024, 3, 4), Some(d(2024, 1, 2)))),
        [MandateExpired]
    );
    assert_eq!(
        codes(&plan(d(2023, 9, 1), d(2023, 9, 1), Some(d(2023, 9, 1)))),
        [ActionBeforeResult, NoticeTooLate]
    );
    // With the employer's agreement: 9 months, and 7 days' notice.
    let mut agreed = plan(d(2024, 3, 4), d(2024, 3, 4), Some(d(2024, 2, 26)));
    agreed.extension_agreed = true;
    agreed.shorter_notice_agreed = true;
    let check = action_check(&seeds_ballot(), &agreed, &none()).unwrap();
    assert!(check.ok, "{:?}", check.warnings);
    assert_eq!(check.mandate_last_day, Some(d(2024, 5, 30)));

    // A failed ballot.
    let mut failed = seeds_ballot();
    failed.cast = 9;
    failed.yes = 9;
    let check = action_check(&failed, &good, &none()).unwrap();
    assert_eq!(check.warnings[0].code, NoValidMandate);

    // Impossible plans are errors, naming the field.
    let backwards = plan(d(2023, 10, 4), d(2023, 10, 3), None);
    assert_eq!(
        action_check(&seeds_ballot(), &backwards, &none())
            .unwrap_err()
            .to_string(),
        "action_to: the action ends (2023-10-03) before it starts (2023-10-04)"
    );
    let mut early = good.clone();
    early.result_to_employer = d(2023, 8, 30);
    assert!(action_check(&seeds_ballot(), &early, &none())
        .unwrap_err()
        .to_string()
        .starts_with("result_to_employer:"));
}

#[test]
fn start_within_mandate_lets_action_continue() {
    let ni = BallotInput {
        nation: Nation::NorthernIreland,
        ..seeds_ballot()
    };
    // Four weeks beginning with 31 Aug 2023 end on 27 Sep; action started in time may run on.
    let p = plan(d(2023, 9, 20), d(2023, 12, 1), Some(d(2023, 9, 4)));
    let check = action_check(&ni, &p, &none()).unwrap();
    assert!(check.ok, "{:?}", check.warnings);
    assert_eq!(check.mandate_last_day, Some(d(2023, 9, 27)));
    let late = plan(d(2023, 9, 28), d(2023, 9, 28), Some(d(2023, 9, 4)));
    let check = action_check(&ni, &late, &none()).unwrap();
    assert_eq!(check.warnings[0].code, ActionWarningCode::MandateExpired);
}

#[test]
fn picket_supervisor_by_picketing_day() {
    let on = |nation, day| picketing_rules(nation, day, &none()).unwrap();
    assert!(!on(Nation::England, d(2017, 2, 28)).supervisor_required);
    let tua = on(Nation::England, d(2017, 3, 1));
    assert!(tua.supervisor_required);
    assert_eq!(tua.supervisor_provision, "TULRCA 1992 s.220A");
    assert_eq!(tua.supervisor_duties.len(), 5);
    assert!(on(Nation::Scotland, d(2026, 2, 17)).supervisor_required);
    let era = on(Nation::Scotland, d(2026, 2, 18));
    assert!(!era.supervisor_required);
    assert!(era.supervisor_duties.is_empty());
    assert_eq!(era.pickets_per_entrance, Some(6));
    assert!(era
        .assumptions
        .iter()
        .any(|s| s.contains("era25_pickets_per_entrance")));
    let ni = on(Nation::NorthernIreland, d(2024, 5, 13));
    assert!(!ni.supervisor_required);
    assert_eq!(ni.pickets_per_entrance, None);

    let o = LawOverrides {
        era25_pickets_per_entrance: Some(Override {
            value: 8,
            reason: "New code published".into(),
        }),
        ..Default::default()
    };
    let changed = picketing_rules(Nation::Wales, d(2026, 9, 1), &o).unwrap();
    assert_eq!(changed.pickets_per_entrance, Some(8));
    assert!(changed
        .assumptions
        .iter()
        .any(|s| s.contains("New code published")));
}

#[test]
fn protected_period_by_first_day_of_action() {
    let before = protected_period(Nation::England, d(2026, 2, 17)).unwrap();
    assert_eq!(before.weeks, Some(12));
    assert_eq!(before.last_day, Some(d(2026, 5, 11)));
    assert_eq!(before.provision, "TULRCA 1992 s.238A");
    let after = protected_period(Nation::England, d(2026, 2, 18)).unwrap();
    assert_eq!((after.weeks, after.last_day), (None, None));
    assert_eq!(
        protected_period(Nation::England, d(2017, 2, 28))
            .unwrap()
            .weeks,
        Some(12)
    );
}

#[test]
fn agency_supply_ban_over_time() {
    let ban = |day| agency_supply_ban(Nation::England, day).unwrap().in_force;
    assert_eq!(ban(d(2022, 7, 20)), Some(true));
    assert_eq!(ban(d(2022, 7, 21)), Some(false));
    assert_eq!(ban(d(2023, 8, 9)), Some(false));
    assert_eq!(ban(d(2023, 8, 10)), Some(true));
    assert_eq!(ban(d(2024, 5, 20)), Some(true));
    assert_eq!(
        agency_supply_ban(Nation::NorthernIreland, d(2024, 5, 20))
            .unwrap()
            .in_force,
        None
    );
}

#[test]
fn the_table_covers_every_day_once_in_each_jurisdiction() {
    for j in [Jurisdiction::GreatBritain, Jurisdiction::NorthernIreland] {
        let rows: Vec<_> = regimes().iter().filter(|r| r.jurisdiction == j).collect();
        assert!(rows.first().unwrap().from.is_none());
        assert!(rows.last().unwrap().until.is_none());
        for pair in rows.windows(2) {
            let until = pair[0].until.unwrap();
            assert_eq!(until.succ_opt(), pair[1].from, "{j:?}");
        }
    }
    let json = serde_json::to_value(regimes()).unwrap();
    assert_eq!(json[1]["from"], "2017-03-01");
    assert_eq!(
        json[2]["rules"]["turnout_percent"]["unconfirmed"]["key"],
        "era25_turnout_threshold_applies"
    );
}
