//! Bank holidays, working days and strike days against known dates.

use crate::support::d;
use chrono::NaiveDate;
use picket_domain::calendar::{easter_sunday, Excluded};
use picket_domain::{Calendar, CalendarError, Division, ExtraHoliday};

fn dates(division: Division, year: i32) -> Vec<NaiveDate> {
    Calendar::default()
        .holidays(division, year)
        .unwrap()
        .into_iter()
        .map(|h| h.date)
        .collect()
}

fn named(division: Division, year: i32) -> Vec<(NaiveDate, String)> {
    Calendar::default()
        .holidays(division, year)
        .unwrap()
        .into_iter()
        .map(|h| (h.date, h.name))
        .collect()
}

#[test]
fn easter_matches_published_table() {
    let table = [
        (1995, d(1995, 4, 16)),
        (2000, d(2000, 4, 23)),
        (2008, d(2008, 3, 23)),
        (2011, d(2011, 4, 24)),
        (2019, d(2019, 4, 21)),
        (2024, d(2024, 3, 31)),
        (2038, d(2038, 4, 25)),
        (2095, d(2095, 4, 24)),
        (2100, d(2100, 3, 28)),
    ];
    for (year, easter) in table {
        assert_eq!(easter_sunday(year), Some(easter), "Easter {year}");
    }
    assert_eq!(easter_sunday(1500), None);
}

#[test]
fn england_2024() {
    let h = named(Division::EnglandAndWales, 2024);
    let expected = [
        (d(2024, 1, 1), "New Year's Day"),
        (d(2024, 3, 29), "Good Friday"),
        (d(2024, 4, 1), "Easter Monday"),
        (d(2024, 5, 6), "Early May bank holiday"),
        (d(2024, 5, 27), "Spring bank holiday"),
        (d(2024, 8, 26), "Summer bank holiday"),
        (d(2024, 12, 25), "Christmas Day"),
        (d(2024, 12, 26), "Boxing Day"),
    ];
    let expected: Vec<(NaiveDate, String)> =
        expected.iter().map(|(d, n)| (*d, n.to_string())).collect();
    assert_eq!(h, expected);
}

#[test]
fn scotland_2024_has_first_monday_august_and_st_andrews_substitute() {
    let h = named(Division::Scotland, 2024);
    assert!(h.contains(&(d(2024, 1, 2), "2nd January".into())));
    assert!(h.contains(&(d(2024, 8, 5), "Summer bank holiday".into())));
    // 30 Nov 2024 is a Saturday: the holiday is Monday 2 Dec.
    assert!(h.contains(&(d(2024, 12, 2), "St Andrew's Day (substitute day)".into())));
    assert!(!h.iter().any(|(_, n)| n == "Easter Monday"));
    assert_eq!(h.len(), 9);
}

#[test]
fn northern_ireland_2026_boyne_substitute() {
    let h = named(Division::NorthernIreland, 2026);
    assert!(h.contains(&(d(2026, 3, 17), "St Patrick's Day".into())));
    // 12 Jul 2026 is a Sunday.
    assert!(h.contains(&(
        d(2026, 7, 13),
        "Battle of the Boyne (Orangemen's Day) (substitute day)".into()
    )));
    // Boxing Day 2026 is a Saturday.
    assert!(h.contains(&(d(2026, 12, 28), "Boxing Day (substitute day)".into())));
    assert_eq!(h.len(), 10);
}

#[test]
fn christmas_at_the_weekend() {
    // 2021: Christmas Saturday, Boxing Day Sunday.
    let h = named(Division::EnglandAndWales, 2021);
    assert!(h.contains(&(d(2021, 12, 27), "Christmas Day (substitute day)".into())));
    assert!(h.contains(&(d(2021, 12, 28), "Boxing Day (substitute day)".into())));
    // 2022: Christmas Sunday, Boxing Day Monday keeps its day.
    let h = named(Division::EnglandAndWales, 2022);
    assert!(h.contains(&(d(2022, 12, 26), "Boxing Day".into())));
    assert!(h.contains(&(d(2022, 12, 27), "Christmas Day (substitute day)".into())));
}

#[test]
fn scotland_new_year_at_the_weekend() {
    // 2022: 1 Jan Saturday, 2 Jan Sunday.
    let h = dates(Division::Scotland, 2022);
    assert!(h.contains(&d(2022, 1, 3)) && h.contains(&d(2022, 1, 4)));
    // 2023: 1 Jan Sunday, 2 Jan Monday: holidays Monday 2 and Tuesday 3.
    let h = dates(Division::Scotland, 2023);
    assert!(h.contains(&d(2023, 1, 2)) && h.contains(&d(2023, 1, 3)));
    assert_eq!(dates(Division::EnglandAndWales, 2023)[0], d(2023, 1, 2));
}

#[test]
fn one_offs() {
    let ew = |y| dates(Division::EnglandAndWales, y);
    assert!(ew(1995).contains(&d(1995, 5, 8)) && !ew(1995).contains(&d(1995, 5, 1)));
    assert!(ew(1999).contains(&d(1999, 12, 31)));
    assert!(ew(2002).contains(&d(2002, 6, 3)) && ew(2002).contains(&d(2002, 6, 4)));
    assert!(!ew(2002).contains(&d(2002, 5, 27)));
    assert!(ew(2011).contains(&d(2011, 4, 29)));
    assert!(ew(2012).contains(&d(2012, 6, 4)) && ew(2012).contains(&d(2012, 6, 5)));
    assert!(!ew(2012).contains(&d(2012, 5, 28)));
    assert!(ew(2020).contains(&d(2020, 5, 8)) && !ew(2020).contains(&d(2020, 5, 4)));
    for day in [d(2022, 6, 2), d(2022, 6, 3), d(2022, 9, 19)] {
        assert!(ew(2022).contains(&day));
    }
    assert!(!ew(2022).contains(&d(2022, 5, 30)));
    assert!(ew(2023).contains(&d(2023, 5, 8)));
    for division in Division::ALL {
        assert!(dates(division, 2022).contains(&d(2022, 9, 19)));
        assert!(dates(division, 2023).contains(&d(2023, 5, 8)));
    }
}

#[test]
fn st_andrews_day_starts_in_2007() {
    assert!(!dates(Division::Scotland, 2006).contains(&d(2006, 11, 30)));
    assert!(dates(Division::Scotland, 2007).contains(&d(2007, 11, 30)));
}

#[test]
fn years_outside_range_are_refused_naming_the_field() {
    let cal = Calendar::default();
    let err = cal.holidays(Division::Scotland, 1994).unwrap_err();
    assert_eq!(
        err.to_string(),
        "year: the year 1994 is outside the years Picket's calendar covers (1995 to 2100)"
    );
    let err = cal
        .working_days(Division::Scotland, d(2100, 12, 1), d(2101, 1, 5))
        .unwrap_err();
    assert!(matches!(
        err,
        CalendarError::YearOutOfRange {
            field: "to",
            year: 2101
        }
    ));
    let err = cal
        .working_days(Division::Scotland, d(2024, 5, 2), d(2024, 5, 1))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "to: the range ends (2024-05-01) before it starts (2024-05-02)"
    );
}

#[test]
fn working_days_13_may_to_1_june_2024_in_england() {
    let cal = Calendar::default();
    let w = cal
        .working_days(Division::EnglandAndWales, d(2024, 5, 13), d(2024, 6, 1))
        .unwrap();
    assert_eq!(w.working_days, 14);
    assert!(w.excluded.contains(&Excluded {
        date: d(2024, 5, 27),
        reason: "Spring bank holiday".into()
    }));
    assert!(w.excluded.contains(&Excluded {
        date: d(2024, 6, 1),
        reason: "Saturday".into()
    }));
    assert!(w.excluded.contains(&Excluded {
        date: d(2024, 5, 19),
        reason: "Sunday".into()
    }));
    assert_eq!(w.excluded.len(), 20 - 14);
}

#[test]
fn strike_days_as_the_seeds_count_them() {
    let cal = Calendar::default();
    let ew = Division::EnglandAndWales;
    // 37 days to 26 Apr 2024, then 56 "to 7 Jun 2024, not counting" 27 May.
    let to_7_june = cal
        .strike_days(ew, d(2024, 5, 13), d(2024, 6, 7), &[])
        .unwrap();
    assert_eq!(37 + to_7_june.days, 56);
    assert_eq!(
        to_7_june.rule,
        "weekdays less England and Wales bank holidays"
    );
    let to_14_june = cal
        .strike_days(ew, d(2024, 5, 13), d(2024, 6, 14), &[])
        .unwrap();
    assert_eq!(37 + to_14_june.days, 61);
    // Counting the bank holiday as a strike day adds it back.
    let counted = cal
        .strike_days(ew, d(2024, 5, 13), d(2024, 6, 7), &[d(2024, 5, 27)])
        .unwrap();
    assert_eq!(counted.days, to_7_june.days + 1);
    assert_eq!(
        counted.rule,
        "weekdays less England and Wales bank holidays, except that 2024-05-27 (Spring bank holiday) is counted as a strike day"
    );
    assert!(counted.excluded.iter().all(|e| e.date != d(2024, 5, 27)));
    // A day that is not a holiday in the range is refused.
    let err = cal
        .strike_days(ew, d(2024, 5, 13), d(2024, 6, 7), &[d(2024, 5, 28)])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "holidays_counted_as_strike: 2024-05-28 is not a England and Wales bank holiday between 2024-05-13 and 2024-06-07"
    );
}

#[test]
fn extra_holidays_from_settings() {
    let cal = Calendar::new(vec![ExtraHoliday::new(
        d(2026, 6, 15),
        "Bank holiday for Scotland at the World Cup",
        vec![Division::Scotland],
    )])
    .unwrap();
    assert!(cal
        .is_bank_holiday(Division::Scotland, d(2026, 6, 15))
        .unwrap());
    assert!(!cal
        .is_bank_holiday(Division::EnglandAndWales, d(2026, 6, 15))
        .unwrap());
    let w = cal
        .working_days(Division::Scotland, d(2026, 6, 15), d(2026, 6, 19))
        .unwrap();
    assert_eq!(w.working_days, 4);

    let weekend = Calendar::new(vec![ExtraHoliday::new(
        d(2026, 6, 13),
        "x",
        vec![Division::Scotland],
    )]);
    assert_eq!(
        weekend.unwrap_err().to_string(),
        "extra_holidays[0].date: 2026-06-13 is a Saturday; a bank holiday falls on a weekday"
    );
    let nowhere = Calendar::new(vec![ExtraHoliday::new(d(2026, 6, 15), "x", vec![])]);
    assert!(matches!(
        nowhere.unwrap_err(),
        CalendarError::Extra {
            field: "divisions",
            ..
        }
    ));
    let too_late = Calendar::new(vec![ExtraHoliday::new(
        d(2101, 6, 15),
        "x",
        vec![Division::Scotland],
    )]);
    assert!(matches!(
        too_late.unwrap_err(),
        CalendarError::Extra { field: "date", .. }
    ));
}

#[test]
fn holidays_serialize_with_plain_dates() {
    let h = Calendar::default()
        .holidays(Division::EnglandAndWales, 2024)
        .unwrap();
    let json = serde_json::to_value(&h[0]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"date": "2024-01-01", "name": "New Year's Day"})
    );
    let extra: ExtraHoliday = serde_json::from_value(serde_json::json!({
        "date": "2030-05-10", "name": "x", "divisions": ["scotland", "england-and-wales"]
    }))
    .unwrap();
    assert_eq!(extra.replaces, None);
    assert_eq!(
        extra.divisions,
        vec![Division::Scotland, Division::EnglandAndWales]
    );
}
