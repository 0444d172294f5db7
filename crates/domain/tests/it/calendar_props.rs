//! Properties of the calendar over every year it covers.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use picket_domain::calendar::{easter_sunday, FIRST_YEAR, LAST_YEAR};
use picket_domain::{Calendar, Division};
use proptest::prelude::*;

fn division() -> impl Strategy<Value = Division> {
    prop::sample::select(Division::ALL.to_vec())
}

fn date() -> impl Strategy<Value = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1).unwrap();
    (0u64..38_000).prop_map(move |n| first + Days::new(n))
}

/// Years with a one-off change that alters the count of holidays.
const EXTRA_DAY_YEARS: [(i32, usize); 6] = [
    (1999, 1),
    (2002, 1),
    (2011, 1),
    (2012, 1),
    (2022, 2),
    (2023, 1),
];

#[test]
fn every_year_every_division_is_weekdays_sorted_unique_and_counted() {
    let cal = Calendar::default();
    for year in FIRST_YEAR..=LAST_YEAR {
        let extra = EXTRA_DAY_YEARS
            .iter()
            .find(|(y, _)| *y == year)
            .map_or(0, |(_, n)| *n);
        for division in Division::ALL {
            let h = cal.holidays(division, year).unwrap();
            for w in h.windows(2) {
                assert!(w[0].date < w[1].date, "{division} {year}: {w:?}");
            }
            for day in &h {
                assert!(
                    !matches!(day.date.weekday(), Weekday::Sat | Weekday::Sun),
                    "{division} {year}: {day:?} at a weekend"
                );
                assert_eq!(day.date.year(), year);
            }
            let normal = match division {
                Division::EnglandAndWales => 8,
                Division::Scotland if year < 2007 => 8,
                Division::Scotland => 9,
                Division::NorthernIreland => 10,
            };
            assert_eq!(h.len(), normal + extra, "{division} {year}: {h:?}");
        }
    }
}

#[test]
fn easter_is_between_22_march_and_25_april_and_a_sunday() {
    for year in FIRST_YEAR..=LAST_YEAR {
        let e = easter_sunday(year).unwrap();
        assert_eq!(e.weekday(), Weekday::Sun);
        let lo = NaiveDate::from_ymd_opt(year, 3, 22).unwrap();
        let hi = NaiveDate::from_ymd_opt(year, 4, 25).unwrap();
        assert!(e >= lo && e <= hi, "{e}");
    }
}

proptest! {
    #[test]
    fn working_days_and_exclusions_cover_the_range(div in division(), from in date(), len in 0u64..400) {
        let to = from + Days::new(len);
        prop_assume!(to.year() <= LAST_YEAR);
        let cal = Calendar::default();
        let w = cal.working_days(div, from, to).unwrap();
        prop_assert_eq!(u64::from(w.working_days) + w.excluded.len() as u64, len + 1);
        for e in &w.excluded {
            prop_assert!(e.date >= from && e.date <= to);
        }
        let s = cal.strike_days(div, from, to, &[]).unwrap();
        prop_assert_eq!(s.days, w.working_days);
    }

    #[test]
    fn working_days_add_up_over_a_split(div in division(), from in date(), a in 0u64..200, b in 1u64..200) {
        let mid = from + Days::new(a);
        let to = mid + Days::new(b);
        prop_assume!(to.year() <= LAST_YEAR);
        let cal = Calendar::default();
        let whole = cal.working_days(div, from, to).unwrap().working_days;
        let left = cal.working_days(div, from, mid).unwrap().working_days;
        let right = cal.working_days(div, mid.succ_opt().unwrap(), to).unwrap().working_days;
        prop_assert_eq!(whole, left + right);
    }

    #[test]
    fn is_bank_holiday_agrees_with_the_list(div in division(), day in date()) {
        let cal = Calendar::default();
        let listed = cal.holidays(div, day.year()).unwrap().iter().any(|h| h.date == day);
        prop_assert_eq!(cal.is_bank_holiday(div, day).unwrap(), listed);
    }
}
