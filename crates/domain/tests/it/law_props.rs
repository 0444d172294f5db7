//! Properties of the law engine over arbitrary ballots and dates.

use chrono::{Days, NaiveDate};
use picket_domain::law::{
    assess_ballot, notice_deadline, regime_on, regimes, BallotInput, IpsCategory, Jurisdiction,
    LawOverrides, Nation,
};
use proptest::prelude::*;

fn date() -> impl Strategy<Value = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(1995, 3, 1).unwrap();
    // Up to the end of 2099, leaving room for a ballot's length.
    (0u64..38_000).prop_map(move |n| first + Days::new(n))
}

fn nation() -> impl Strategy<Value = Nation> {
    prop::sample::select(Nation::ALL.to_vec())
}

prop_compose! {
    fn ballot()(
        nation in nation(),
        opened in date(),
        length in 0u64..60,
        entitled in 1u32..2_000,
        cast_share in 0.0f64..=1.0,
        yes_share in 0.0f64..=1.0,
        spoiled_share in 0.0f64..=0.2,
        ips in prop::option::of(prop::sample::select(IpsCategory::ALL.to_vec())),
        welsh in any::<bool>(),
    ) -> BallotInput {
        let cast = (f64::from(entitled) * cast_share) as u32;
        let spoiled = (f64::from(cast) * spoiled_share) as u32;
        let yes = (f64::from(cast - spoiled) * yes_share) as u32;
        BallotInput {
            nation,
            opened,
            closed: opened + Days::new(length),
            entitled,
            cast,
            yes,
            no: cast - spoiled - yes,
            spoiled,
            ips,
            welsh_devolved_authority: welsh && nation == Nation::Wales,
        }
    }
}

proptest! {
    #[test]
    fn assessments_are_consistent(b in ballot()) {
        let a = assess_ballot(&b, &LawOverrides::default()).unwrap();
        prop_assert!((0.0..=100.0).contains(&a.turnout_percent));
        let exact = f64::from(b.cast) * 100.0 / f64::from(b.entitled);
        prop_assert!((a.turnout_percent - exact).abs() <= 0.005 + 1e-9);
        prop_assert_eq!(a.valid_mandate, a.thresholds.iter().all(|t| t.met));
        if a.valid_mandate {
            prop_assert!(b.yes > b.no);
            let last = a.mandate_last_day.unwrap();
            prop_assert!(last >= b.closed);
            if let Some(ext) = a.mandate_last_day_with_extension {
                prop_assert!(ext > last);
            }
        } else {
            prop_assert_eq!(a.mandate_last_day, None);
        }
        for s in a.steps.iter().filter_map(|s| s.deadline) {
            prop_assert!(s < b.opened);
        }
        // Northern Ireland never has a turnout or support threshold.
        if b.nation == Nation::NorthernIreland {
            prop_assert_eq!(a.thresholds.len(), 1);
        }
    }

    #[test]
    fn notice_deadline_is_before_action_and_in_time(nation in nation(), start in date()) {
        let n = notice_deadline(nation, start, &LawOverrides::default()).unwrap();
        prop_assert!(n.notice_received_by < start);
        prop_assert!(n.notice_received_by + Days::new(u64::from(n.period_days)) <= start);
        prop_assert!(n.period_days >= 7 && n.period_days <= 14);
        prop_assert!(start - Days::new(14) <= n.notice_received_by);
        if let Some(agreed) = n.notice_received_by_with_agreement {
            prop_assert!(agreed > n.notice_received_by && agreed < start);
        }
    }

    #[test]
    fn exactly_one_regime_per_day(day in date()) {
        for j in [Jurisdiction::GreatBritain, Jurisdiction::NorthernIreland] {
            let covering = regimes().iter().filter(|r| r.jurisdiction == j && r.covers(day)).count();
            prop_assert_eq!(covering, 1);
            prop_assert!(regime_on(j, day).covers(day));
        }
    }
}
