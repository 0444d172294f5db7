//! Ballot assessment under each regime, on both sides of each change in the law.

use crate::support::{d, seeds_ballot};
use chrono::NaiveDate;
use picket_domain::law::{
    assess_ballot, BallotAssessment, BallotInput, IpsCategory, LawError, LawOverrides, Nation,
    Override,
};

/// 100 entitled, `cast` voted, `yes` Yes and the rest No.
fn ballot(nation: Nation, opened: NaiveDate, cast: u32, yes: u32) -> BallotInput {
    BallotInput {
        nation,
        opened,
        closed: opened + chrono::Days::new(20),
        entitled: 100,
        cast,
        yes,
        no: cast - yes,
        spoiled: 0,
        ips: None,
        welsh_devolved_authority: false,
    }
}

fn assess(input: &BallotInput) -> BallotAssessment {
    assess_ballot(input, &LawOverrides::default()).unwrap()
}

#[test]
fn seeds_ballot_gives_a_mandate() {
    let a = assess(&seeds_ballot());
    assert_eq!(
        a.regime,
        "TULRCA 1992 as amended by the Trade Union Act 2016"
    );
    assert_eq!(a.turnout_percent, 78.95);
    assert_eq!(a.yes_percent_of_cast, 100.0);
    assert_eq!(a.yes_percent_of_entitled, 78.95);
    assert!(a.valid_mandate);
    assert_eq!(a.thresholds.len(), 2);
    assert_eq!(a.thresholds[1].provision, "TULRCA 1992 s.226(2)(a)(iia)");
    assert!(a.thresholds.iter().all(|t| t.met));
    // Six months beginning with 31 Aug 2023: no 31 Feb, so the earlier reading, said so.
    assert_eq!(a.mandate_last_day, Some(d(2024, 2, 28)));
    assert_eq!(a.mandate_last_day_with_extension, Some(d(2024, 5, 30)));
    assert!(a.assumptions.iter().any(|s| s.contains("earlier reading")));
    assert_eq!(a.steps[0].deadline, Some(d(2023, 7, 31)));
    assert_eq!(a.steps[0].provision, "TULRCA 1992 s.226A(1)(a)");
    assert_eq!(a.steps[1].deadline, Some(d(2023, 8, 4)));
    assert!(a.steps[2].name.starts_with("No independent scrutineer"));
    assert!(a.steps[3..5].iter().all(|s| s.deadline.is_none()));
}

#[test]
fn json_has_exactly_the_agreed_fields() {
    let json = serde_json::to_value(assess(&seeds_ballot())).unwrap();
    let mut keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "assumptions",
            "mandate_last_day",
            "mandate_last_day_with_extension",
            "regime",
            "steps",
            "thresholds",
            "turnout_percent",
            "valid_mandate",
            "yes_percent_of_cast",
            "yes_percent_of_entitled"
        ]
    );
    assert_eq!(json["turnout_percent"], serde_json::json!(78.95));
    assert_eq!(json["mandate_last_day"], "2024-02-28");
    let t = json["thresholds"][1].as_object().unwrap();
    let mut tk: Vec<&str> = t.keys().map(|k| k.as_str()).collect();
    tk.sort();
    assert_eq!(
        tk,
        [
            "actual_percent",
            "met",
            "name",
            "provision",
            "required_percent"
        ]
    );
    let s = json["steps"][0].as_object().unwrap();
    let mut sk: Vec<&str> = s.keys().map(|k| k.as_str()).collect();
    sk.sort();
    assert_eq!(sk, ["deadline", "name", "provision"]);
    assert_eq!(json["steps"][0]["deadline"], "2023-07-31");
}

#[test]
fn six_months_beginning_with_15_september() {
    let mut b = seeds_ballot();
    b.opened = d(2023, 9, 1);
    b.closed = d(2023, 9, 15);
    let a = assess(&b);
    assert_eq!(a.mandate_last_day, Some(d(2024, 3, 14)));
    assert_eq!(a.mandate_last_day_with_extension, Some(d(2024, 6, 14)));
    assert!(a.assumptions.is_empty(), "{:?}", a.assumptions);
}

#[test]
fn trade_union_act_2016_starts_on_1_march_2017() {
    // 40% turnout, all Yes.
    let before = assess(&ballot(Nation::England, d(2017, 2, 28), 40, 40));
    assert_eq!(before.regime, "TULRCA 1992 before the Trade Union Act 2016");
    assert!(before.valid_mandate);
    assert_eq!(before.thresholds.len(), 1);
    // Four weeks beginning with the closing day (20 Mar 2017), eight by agreement.
    assert_eq!(before.mandate_last_day, Some(d(2017, 4, 16)));
    assert_eq!(before.mandate_last_day_with_extension, Some(d(2017, 5, 14)));
    assert!(before.assumptions.iter().any(|s| s.contains("must start")));

    let after = assess(&ballot(Nation::England, d(2017, 3, 1), 40, 40));
    assert_eq!(
        after.regime,
        "TULRCA 1992 as amended by the Trade Union Act 2016"
    );
    assert!(!after.valid_mandate);
    assert!(!after.thresholds[1].met);
    assert_eq!(after.mandate_last_day, None);
    // Exactly 50% is enough.
    assert!(assess(&ballot(Nation::England, d(2017, 3, 1), 50, 50)).valid_mandate);
    assert!(!assess(&ballot(Nation::England, d(2017, 3, 1), 49, 49)).valid_mandate);
}

#[test]
fn important_public_services_threshold_ends_on_18_february_2026() {
    // 60% turnout, 35 of 100 entitled voted Yes.
    let mut b = ballot(Nation::Scotland, d(2026, 2, 17), 60, 35);
    b.ips = Some(IpsCategory::Health);
    let before = assess(&b);
    assert_eq!(
        before.regime,
        "TULRCA 1992 as amended by the Trade Union Act 2016"
    );
    assert_eq!(before.thresholds.len(), 3);
    assert_eq!(before.thresholds[2].provision, "TULRCA 1992 s.226(2B)");
    assert_eq!(before.thresholds[2].actual_percent, 35.0);
    assert!(!before.valid_mandate);

    b.opened = d(2026, 2, 18);
    let after = assess(&b);
    assert_eq!(
        after.regime,
        "TULRCA 1992 as amended by the Employment Rights Act 2025"
    );
    assert_eq!(after.thresholds.len(), 2);
    assert!(after.valid_mandate);
    // Twelve months beginning with the closing day (still 9 Mar 2026), no extension.
    assert_eq!(after.mandate_last_day, Some(d(2027, 3, 8)));
    assert_eq!(after.mandate_last_day_with_extension, None);
    assert!(after
        .assumptions
        .iter()
        .any(|s| s.contains("era25_turnout_threshold_applies")));

    // The 40% line itself: 40 of 100 is enough, 39 is not.
    let mut edge = ballot(Nation::England, d(2024, 1, 8), 60, 40);
    edge.ips = Some(IpsCategory::Transport);
    assert!(assess(&edge).valid_mandate);
    edge.yes = 39;
    edge.no = 21;
    assert!(!assess(&edge).valid_mandate);
}

#[test]
fn mandate_length_changes_with_the_opening_day_in_2026() {
    let before = assess(&ballot(Nation::Wales, d(2026, 2, 17), 60, 60));
    assert_eq!(before.mandate_last_day, Some(d(2026, 9, 8)));
    assert_eq!(before.mandate_last_day_with_extension, Some(d(2026, 12, 8)));
    let after = assess(&ballot(Nation::Wales, d(2026, 2, 18), 60, 60));
    assert_eq!(after.mandate_last_day, Some(d(2027, 3, 9)));
}

#[test]
fn welsh_devolved_authorities_exempt_from_13_september_2017() {
    let mut b = ballot(Nation::Wales, d(2017, 9, 12), 60, 35);
    b.ips = Some(IpsCategory::EducationUnder17);
    b.welsh_devolved_authority = true;
    let before = assess(&b);
    assert!(!before.valid_mandate);
    assert!(before
        .assumptions
        .iter()
        .any(|s| s.contains("opened before 2017-09-13")));

    b.opened = d(2017, 9, 13);
    let after = assess(&b);
    assert!(after.valid_mandate);
    assert_eq!(after.thresholds.len(), 2);
    assert!(after
        .assumptions
        .iter()
        .any(|s| s.contains("Trade Union (Wales) Act 2017 s.1")));

    // Not a devolved authority: the threshold applies in Wales too.
    b.welsh_devolved_authority = false;
    assert!(!assess(&b).valid_mandate);
    // And the flag is refused outside Wales.
    b.nation = Nation::England;
    b.welsh_devolved_authority = true;
    assert_eq!(
        assess_ballot(&b, &LawOverrides::default()).unwrap_err().to_string(),
        "welsh_devolved_authority: only a ballot in Wales can be at a devolved Welsh public authority (this ballot is in England)"
    );
}

#[test]
fn northern_ireland_needs_only_a_majority() {
    let a = assess(&ballot(Nation::NorthernIreland, d(2024, 3, 4), 10, 6));
    assert_eq!(
        a.regime,
        "Trade Union and Labour Relations (Northern Ireland) Order 1995"
    );
    assert!(a.valid_mandate);
    assert_eq!(a.thresholds.len(), 1);
    // 4 weeks beginning with 24 Mar 2024 (unconfirmed), 8 by agreement.
    assert_eq!(a.mandate_last_day, Some(d(2024, 4, 20)));
    assert_eq!(a.mandate_last_day_with_extension, Some(d(2024, 5, 18)));
    assert!(a.assumptions.iter().any(|s| s.contains("ni_mandate_weeks")));
    // A tie is not a majority.
    assert!(!assess(&ballot(Nation::NorthernIreland, d(2024, 3, 4), 10, 5)).valid_mandate);
}

#[test]
fn overrides_are_used_and_reported_with_their_reason() {
    let overrides: LawOverrides = serde_json::from_value(serde_json::json!({
        "era25_turnout_threshold_applies": {"value": false, "reason": "E-balloting regulations commenced"},
        "ni_mandate_weeks": {"value": 6, "reason": "Union legal department advice"}
    }))
    .unwrap();
    let low_turnout = ballot(Nation::England, d(2026, 3, 2), 30, 20);
    assert!(!assess(&low_turnout).valid_mandate);
    let a = assess_ballot(&low_turnout, &overrides).unwrap();
    assert!(a.valid_mandate);
    assert_eq!(a.thresholds.len(), 1);
    assert!(a
        .assumptions
        .iter()
        .any(|s| s.contains("E-balloting regulations commenced")));

    let ni = assess_ballot(
        &ballot(Nation::NorthernIreland, d(2024, 3, 4), 10, 6),
        &overrides,
    )
    .unwrap();
    assert_eq!(ni.mandate_last_day, Some(d(2024, 5, 4)));
    assert!(ni
        .assumptions
        .iter()
        .any(|s| s.contains("Union legal department advice")));

    // The ERA25 override does not touch a TUA16 ballot, and says nothing there.
    let tua = assess_ballot(&ballot(Nation::England, d(2025, 3, 3), 30, 20), &overrides).unwrap();
    assert!(!tua.valid_mandate);
    assert!(tua.assumptions.iter().all(|s| !s.contains("E-balloting")));
}

#[test]
fn overrides_need_a_reason_and_a_sensible_value() {
    let no_reason = LawOverrides {
        ni_mandate_weeks: Some(Override {
            value: 6,
            reason: "  ".into(),
        }),
        ..Default::default()
    };
    assert_eq!(
        assess_ballot(&seeds_ballot(), &no_reason)
            .unwrap_err()
            .to_string(),
        "overrides.ni_mandate_weeks: give the reason for changing this figure"
    );
    let silly = LawOverrides {
        era25_notice_days_by_agreement: Some(Override {
            value: 0,
            reason: "x".into(),
        }),
        ..Default::default()
    };
    assert!(matches!(
        silly.validate(),
        Err(LawError::Override {
            field: "era25_notice_days_by_agreement",
            ..
        })
    ));
    let unknown = serde_json::from_value::<LawOverrides>(serde_json::json!({"turnout": 1}));
    assert!(unknown.is_err());
    assert_eq!(
        serde_json::from_value::<LawOverrides>(serde_json::json!({})).unwrap(),
        LawOverrides::default()
    );
}

/// An edit that spoils a valid ballot.
type Change = Box<dyn Fn(&mut BallotInput)>;

#[test]
fn invalid_input_names_the_field() {
    let cases: Vec<(Change, &str)> = vec![
        (
            Box::new(|b| {
                b.opened = d(2023, 8, 10);
                b.closed = d(2023, 8, 1);
            }),
            "closed: the ballot closed (2023-08-01) before it opened (2023-08-10)",
        ),
        (
            Box::new(|b| b.cast = 20),
            "cast: 20 votes were cast but only 19 members were entitled to vote",
        ),
        (
            Box::new(|b| b.spoiled = 1),
            "cast: Yes (15) + No (0) + spoiled (1) = 16, not the 15 votes cast",
        ),
        (
            Box::new(|b| b.opened = d(1994, 12, 31)),
            "opened: 1994-12-31 is outside the years Picket's law tables cover (1995 to 2100)",
        ),
        (
            Box::new(|b| b.closed = d(2101, 1, 1)),
            "closed: 2101-01-01 is outside the years Picket's law tables cover (1995 to 2100)",
        ),
        (
            Box::new(|b| {
                b.entitled = 0;
                b.cast = 0;
                b.yes = 0;
            }),
            "entitled: no one was entitled to vote; a ballot needs at least one voter",
        ),
    ];
    for (change, message) in cases {
        let mut b = seeds_ballot();
        change(&mut b);
        assert_eq!(
            assess_ballot(&b, &LawOverrides::default())
                .unwrap_err()
                .to_string(),
            message
        );
    }
}

#[test]
fn scrutineer_needed_above_fifty() {
    let mut b = ballot(Nation::England, d(2024, 6, 3), 40, 40);
    b.entitled = 51;
    let a = assess(&b);
    assert!(a.steps[2]
        .name
        .starts_with("Appoint an independent scrutineer"));
    assert_eq!(a.steps[2].deadline, Some(d(2024, 6, 2)));
    b.entitled = 50;
    assert!(assess(&b).steps[2]
        .name
        .starts_with("No independent scrutineer"));
}

#[test]
fn names_parse_and_social_work_is_not_ips() {
    assert_eq!(
        "northern-ireland".parse::<Nation>().unwrap(),
        Nation::NorthernIreland
    );
    assert_eq!("wales".parse::<Nation>().unwrap(), Nation::Wales);
    assert!("england-and-wales".parse::<Nation>().is_err());
    assert_eq!(
        "education-under-17".parse::<IpsCategory>().unwrap(),
        IpsCategory::EducationUnder17
    );
    let err = "social-work"
        .parse::<IpsCategory>()
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("ips: `social-work` is not"), "{err}");
    assert!(err.contains("social work and social care are not important public services"));
    let input: BallotInput = serde_json::from_value(serde_json::json!({
        "nation": "northern-ireland", "opened": "2024-03-04", "closed": "2024-03-24",
        "entitled": 10, "cast": 10, "yes": 6, "no": 4, "spoiled": 0
    }))
    .unwrap();
    assert_eq!(input.ips, None);
    assert!(!input.welsh_devolved_authority);
}

#[test]
fn early_dates_carry_a_caveat() {
    let a = assess(&ballot(Nation::England, d(1999, 6, 1), 40, 40));
    assert!(a.assumptions.iter().any(|s| s.contains("before 2006")));
    let b = assess(&ballot(Nation::England, d(2010, 6, 1), 40, 40));
    assert!(b.assumptions.iter().all(|s| !s.contains("before 2006")));
}
