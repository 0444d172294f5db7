//! Striker-days from participation records: worked examples and properties over any days,
//! counts and records.

use chrono::NaiveDate;
use picket_domain::impact::{striker_days, Count, Source};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Mon 13 to Fri 17 May 2024.
fn week() -> Vec<NaiveDate> {
    [
        "2024-05-13",
        "2024-05-14",
        "2024-05-15",
        "2024-05-16",
        "2024-05-17",
    ]
    .map(d)
    .to_vec()
}

fn on(day: &str, took_part: u32) -> Count {
    Count {
        day: Some(d(day)),
        took_part,
    }
}

#[test]
fn without_records_everyone_called_out_counts() {
    let s = striker_days(&week(), 20, &[]);
    assert_eq!((s.total, s.source), (100, Source::CalledOut));
    assert_eq!(s.working, "20 called out × 5 days = 100");
}

#[test]
fn a_period_record_stands_for_every_day() {
    let whole = Count {
        day: None,
        took_part: 17,
    };
    let s = striker_days(&week(), 20, &[whole]);
    assert_eq!((s.total, s.source), (85, Source::Participation));
    assert_eq!(s.working, "17 took part (period record) × 5 days = 85");
}

#[test]
fn daily_records_count_their_days_and_the_rest_falls_back() {
    let recs = [on("2024-05-13", 18), on("2024-05-14", 16)];
    let s = striker_days(&week(), 20, &recs);
    assert_eq!(s.total, 18 + 16 + 20 * 3);
    assert_eq!(s.source, Source::ParticipationAndCalledOut);
    assert_eq!(
        s.working,
        "took part on 2 recorded days: 18 + 16; plus 20 called out × 3 days without a daily record = 94"
    );
    let mut with_whole = recs.to_vec();
    with_whole.push(Count {
        day: None,
        took_part: 15,
    });
    let s = striker_days(&week(), 20, &with_whole);
    assert_eq!(
        (s.total, s.source),
        (18 + 16 + 15 * 3, Source::Participation)
    );
    // A day the period does not count changes nothing.
    let s = striker_days(&week(), 20, &[on("2024-05-18", 9)]);
    assert_eq!((s.total, s.source), (100, Source::CalledOut));
    // Thousands are separated in the working.
    let s = striker_days(&week(), 1000, &[]);
    assert_eq!(s.working, "1000 called out × 5 days = 5,000");
}

fn day_in(range: u64) -> impl Strategy<Value = NaiveDate> {
    (0..range).prop_map(|n| d("2024-01-01") + chrono::Days::new(n))
}

proptest! {
    #[test]
    fn the_total_is_each_counted_day_from_its_best_record(
        counted in proptest::collection::btree_set(day_in(60), 0..30),
        called_out in 0u32..500,
        daily in proptest::collection::vec((day_in(60), 0u32..500), 0..20),
        whole in proptest::option::of(0u32..500),
    ) {
        let counted: Vec<NaiveDate> = counted.into_iter().collect();
        let mut records: Vec<Count> = daily
            .iter()
            .map(|(day, n)| Count { day: Some(*day), took_part: *n })
            .collect();
        if let Some(n) = whole {
            records.push(Count { day: None, took_part: n });
        }
        // The last count given for a day stands.
        let last: BTreeMap<NaiveDate, u32> = daily.iter().copied().collect();
        let expected: u64 = counted
            .iter()
            .map(|day| u64::from(last.get(day).copied().or(whole).unwrap_or(called_out)))
            .sum();
        let s = striker_days(&counted, called_out, &records);
        prop_assert_eq!(s.total, expected);
        let tail = format!("= {}", picket_domain::impact::thousands(expected));
        prop_assert!(s.working.ends_with(&tail), "{} / {}", s.working, tail);
        let any_daily = counted.iter().any(|d| last.contains_key(d));
        let source = match (any_daily, whole.is_some()) {
            (false, false) => Source::CalledOut,
            (false, true) => Source::Participation,
            (true, true) => Source::Participation,
            (true, false) if counted.iter().all(|d| last.contains_key(d)) => Source::Participation,
            (true, false) => Source::ParticipationAndCalledOut,
        };
        prop_assert_eq!(s.source, source);
    }

    #[test]
    fn without_records_it_is_called_out_times_days(
        counted in proptest::collection::btree_set(day_in(400), 0..300),
        called_out in 0u32..100_000,
    ) {
        let counted: Vec<NaiveDate> = counted.into_iter().collect();
        let s = striker_days(&counted, called_out, &[]);
        prop_assert_eq!(s.total, u64::from(called_out) * counted.len() as u64);
        prop_assert_eq!(s.source, Source::CalledOut);
    }
}
