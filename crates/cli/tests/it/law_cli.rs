//! The calendar and law commands, run as the real `picket` binary: the JSON field names
//! other tools script against, the figures, and exit code 2 naming the option on bad input.

use crate::support::{picket, refused_naming as refused};
use picket_test_support::cli::text;
use serde_json::{json, Value};

/// Runs `picket … --json`, expecting success, and parses the answer.
fn picket_json(args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.push("--json");
    let out = picket().args(&args).run();
    assert!(
        out.status.success(),
        "picket {args:?} failed: {}",
        text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

fn sorted_keys(v: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = v
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

/// The seeds' ballot (19 entitled, 15 voted, all Yes), closing on 15 Sep 2023.
const SEEDS_BALLOT: &[&str] = &[
    "ballot",
    "check",
    "--nation",
    "england",
    "--opened",
    "2023-09-01",
    "--closed",
    "2023-09-15",
    "--entitled",
    "19",
    "--cast",
    "15",
    "--yes",
    "15",
    "--no",
    "0",
];

/// The seeds' ballot with some options replaced.
fn ballot_with(changes: &[(&str, &str)]) -> Vec<String> {
    let mut args: Vec<String> = SEEDS_BALLOT.iter().map(|s| s.to_string()).collect();
    for (option, value) in changes {
        match args.iter().position(|a| a == option) {
            Some(i) => args[i + 1] = value.to_string(),
            None => {
                args.push(option.to_string());
                args.push(value.to_string());
            }
        }
    }
    args
}

fn refused_ballot(changes: &[(&str, &str)], option: &str) -> String {
    let args = ballot_with(changes);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    refused(&args, option)
}

#[test]
fn holidays_json_lists_the_year_with_stable_fields() {
    let list = picket_json(&[
        "holidays",
        "--division",
        "england-and-wales",
        "--year",
        "2024",
    ]);
    let list = list.as_array().expect("an array");
    assert_eq!(list.len(), 8);
    assert!(list.iter().all(|h| sorted_keys(h) == ["date", "name"]));
    assert!(list.contains(&json!({"date": "2024-05-27", "name": "Spring bank holiday"})));
    assert_eq!(
        list[0],
        json!({"date": "2024-01-01", "name": "New Year's Day"})
    );
    let dates: Vec<&str> = list.iter().map(|h| h["date"].as_str().unwrap()).collect();
    let mut sorted = dates.clone();
    sorted.sort_unstable();
    assert_eq!(dates, sorted, "in date order");

    // Scotland has 2 January and St Andrew's Day too.
    let scotland = picket_json(&["holidays", "--division", "scotland", "--year", "2024"]);
    assert_eq!(scotland.as_array().unwrap().len(), 9);
}

#[test]
fn holidays_text_is_readable() {
    let out = picket()
        .args([
            "holidays",
            "--division",
            "england-and-wales",
            "--year",
            "2024",
        ])
        .run();
    assert!(out.status.success());
    let shown = text(&out.stdout);
    assert!(shown.starts_with("Bank holidays in England and Wales, 2024"));
    assert!(shown.contains("2024-05-27 (Monday)     Spring bank holiday"));
    assert!(shown.contains("8 bank holidays."));
    assert!(shown.ends_with("Picket informs; it is not legal advice.\n"));
}

#[test]
fn working_days_json_counts_both_ends_and_lists_exclusions() {
    let wd = picket_json(&[
        "working-days",
        "--division",
        "england-and-wales",
        "--from",
        "2024-05-13",
        "--to",
        "2024-06-01",
    ]);
    assert_eq!(sorted_keys(&wd), ["excluded", "working_days"]);
    assert_eq!(wd["working_days"], 14);
    let excluded = wd["excluded"].as_array().unwrap();
    assert!(excluded
        .iter()
        .all(|e| sorted_keys(e) == ["date", "reason"]));
    assert!(excluded.contains(&json!({"date": "2024-05-27", "reason": "Spring bank holiday"})));
    assert!(excluded.contains(&json!({"date": "2024-05-18", "reason": "Saturday"})));
    assert!(excluded.contains(&json!({"date": "2024-06-01", "reason": "Saturday"})));
    assert_eq!(excluded.len(), 6);

    // One day, both ends included.
    let one = picket_json(&[
        "working-days",
        "--division",
        "scotland",
        "--from",
        "2024-05-13",
        "--to",
        "2024-05-13",
    ]);
    assert_eq!(one, json!({"working_days": 1, "excluded": []}));
}

#[test]
fn working_days_text_shows_the_sum() {
    let out = picket()
        .args([
            "working-days",
            "--division",
            "england-and-wales",
            "--from",
            "2024-05-13",
            "--to",
            "2024-06-01",
        ])
        .run();
    assert!(out.status.success());
    let shown = text(&out.stdout);
    assert!(shown.contains("both included: 14"));
    assert!(shown.contains(
        "20 days, less 5 weekend days, less 1 bank holiday on a weekday = 14 working days"
    ));
    assert!(shown.contains("2024-05-27 (Monday)     Spring bank holiday"));
    assert!(shown.ends_with("Picket informs; it is not legal advice.\n"));
}

#[test]
fn ballot_check_json_has_the_stable_fields_and_the_seeds_figures() {
    let a = picket_json(SEEDS_BALLOT);
    assert_eq!(
        sorted_keys(&a),
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
            "yes_percent_of_entitled",
        ]
    );
    assert_eq!(
        a["regime"],
        "TULRCA 1992 as amended by the Trade Union Act 2016"
    );
    assert_eq!(a["turnout_percent"], json!(78.95));
    assert_eq!(a["yes_percent_of_cast"], json!(100.0));
    assert_eq!(a["yes_percent_of_entitled"], json!(78.95));
    assert_eq!(a["valid_mandate"], json!(true));
    // Six months beginning with 15 Sep 2023 end on 14 Mar 2024.
    assert_eq!(a["mandate_last_day"], "2024-03-14");
    assert_eq!(a["mandate_last_day_with_extension"], "2024-06-14");

    let thresholds = a["thresholds"].as_array().unwrap();
    assert_eq!(thresholds.len(), 2);
    for t in thresholds {
        assert_eq!(
            sorted_keys(t),
            [
                "actual_percent",
                "met",
                "name",
                "provision",
                "required_percent"
            ]
        );
        assert_eq!(t["met"], json!(true));
    }
    assert_eq!(thresholds[1]["required_percent"], json!(50.0));
    assert_eq!(thresholds[1]["actual_percent"], json!(78.95));
    assert_eq!(thresholds[1]["provision"], "TULRCA 1992 s.226(2)(a)(iia)");

    let steps = a["steps"].as_array().unwrap();
    assert!(steps
        .iter()
        .all(|s| sorted_keys(s) == ["deadline", "name", "provision"]));
    // Notice of the ballot by the 7th day before opening; sample paper by the 3rd.
    assert_eq!(steps[0]["deadline"], "2023-08-25");
    assert_eq!(steps[0]["provision"], "TULRCA 1992 s.226A(1)(a)");
    assert_eq!(steps[1]["deadline"], "2023-08-29");
    assert!(steps[2]["name"]
        .as_str()
        .unwrap()
        .starts_with("No independent scrutineer"));
    assert_eq!(steps[2]["deadline"], Value::Null);
    assert!(a["assumptions"].is_array());
}

#[test]
fn ballot_check_reports_ambiguous_months_and_failed_thresholds() {
    // The seeds' ballot as it really closed, on 31 Aug 2023: no 31 Feb, so the earlier
    // reading, and said so.
    let args = ballot_with(&[("--opened", "2023-08-07"), ("--closed", "2023-08-31")]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let a = picket_json(&args);
    assert_eq!(a["mandate_last_day"], "2024-02-28");
    assert!(a["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s.as_str().unwrap().contains("earlier reading")));

    // 9 of 19 voted: turnout below 50%, no mandate.
    let args = ballot_with(&[("--cast", "9"), ("--yes", "9")]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let a = picket_json(&args);
    assert_eq!(a["turnout_percent"], json!(47.37));
    assert_eq!(a["valid_mandate"], json!(false));
    assert_eq!(a["mandate_last_day"], Value::Null);
    assert_eq!(a["thresholds"][1]["met"], json!(false));

    // Important public services: the 40% support threshold is added.
    let args = ballot_with(&[("--ips", "health"), ("--yes", "7"), ("--no", "8")]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let a = picket_json(&args);
    assert_eq!(a["thresholds"].as_array().unwrap().len(), 3);
    assert_eq!(a["thresholds"][2]["required_percent"], json!(40.0));
    assert_eq!(a["valid_mandate"], json!(false));
}

#[test]
fn ballot_check_text_shows_the_working() {
    let out = picket().args(SEEDS_BALLOT).run();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    for expected in [
        "Regime: TULRCA 1992 as amended by the Trade Union Act 2016",
        "turnout 78.95%",
        "[met] Turnout: at least 50% of those entitled voted",
        "required 50%, actual 78.95% (TULRCA 1992 s.226(2)(a)(iia))",
        "Last day of the mandate: 2024-03-14 (Thursday)",
        "by 2023-08-25 (Friday) (TULRCA 1992 s.226A(1)(a))",
    ] {
        assert!(
            shown.contains(expected),
            "missing {expected:?} in:\n{shown}"
        );
    }
    assert!(shown.ends_with("\nPicket informs; it is not legal advice.\n"));

    let args = ballot_with(&[("--cast", "9"), ("--yes", "9")]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let shown = text(&picket().args(&args).run().stdout);
    assert!(shown.contains("[NOT MET] Turnout"));
    assert!(shown.contains("NO MANDATE"));
}

#[test]
fn notice_json_gives_the_deadline_regime_and_provision() {
    let n = picket_json(&[
        "notice",
        "--nation",
        "england",
        "--action-starts",
        "2024-05-13",
    ]);
    assert_eq!(n["notice_received_by"], "2024-04-29");
    assert_eq!(
        n["regime"],
        "TULRCA 1992 as amended by the Trade Union Act 2016"
    );
    assert_eq!(n["provision"], "TULRCA 1992 s.234A(4)(b)");
    assert_eq!(n["period_days"], 14);
    assert_eq!(n["notice_received_by_with_agreement"], "2024-05-06");
    assert!(n["assumptions"].is_array());

    let ni = picket_json(&[
        "notice",
        "--nation",
        "northern-ireland",
        "--action-starts",
        "2024-05-13",
    ]);
    assert_eq!(ni["notice_received_by"], "2024-05-06");

    let out = picket()
        .args([
            "notice",
            "--nation",
            "england",
            "--action-starts",
            "2024-05-13",
        ])
        .run();
    let shown = text(&out.stdout);
    assert!(shown.contains("The employer must receive notice by: 2024-04-29 (Monday)"));
    assert!(shown.ends_with("Picket informs; it is not legal advice.\n"));
}

#[test]
fn bad_ballots_exit_2_naming_the_option() {
    let err = refused_ballot(
        &[("--opened", "2023-08-10"), ("--closed", "2023-08-01")],
        "--closed",
    );
    assert_eq!(
        err.trim_end(),
        "error: --closed: the ballot closed (2023-08-01) before it opened (2023-08-10)"
    );
    let err = refused_ballot(&[("--cast", "20"), ("--yes", "20")], "--cast");
    assert!(err.contains("20 votes were cast but only 19"), "{err}");
    let err = refused_ballot(&[("--yes", "14")], "--cast");
    assert!(
        err.contains("Yes (14) + No (0) + spoiled (0) = 14"),
        "{err}"
    );
    refused_ballot(&[("--spoiled", "1")], "--cast");
    refused_ballot(
        &[("--entitled", "0"), ("--cast", "0"), ("--yes", "0")],
        "--entitled",
    );
    refused_ballot(&[("--opened", "1994-12-31")], "--opened");
    refused_ballot(&[("--closed", "2101-01-01")], "--closed");
    refused_ballot(&[("--opened", "1/9/2023")], "--opened");
    refused_ballot(&[("--closed", "2023-02-30")], "--closed");
    refused_ballot(&[("--nation", "mars")], "--nation");
    refused_ballot(&[("--nation", "england-and-wales")], "--nation");
    refused_ballot(&[("--ips", "social-care")], "--ips");
    refused_ballot(&[("--cast", "-1")], "--cast");

    let mut welsh = SEEDS_BALLOT.to_vec();
    welsh.push("--welsh-devolved-authority");
    refused(&welsh, "--welsh-devolved-authority");
}

#[test]
fn bad_calendar_and_notice_input_exits_2_naming_the_option() {
    refused(
        &["holidays", "--division", "wales", "--year", "2024"],
        "--division",
    );
    refused(
        &["holidays", "--division", "scotland", "--year", "1994"],
        "--year",
    );
    refused(
        &["holidays", "--division", "scotland", "--year", "2101"],
        "--year",
    );
    refused(
        &["holidays", "--division", "scotland", "--year", "next"],
        "--year",
    );
    refused(
        &[
            "working-days",
            "--division",
            "england",
            "--from",
            "2024-01-01",
            "--to",
            "2024-01-31",
        ],
        "--division",
    );
    let err = refused(
        &[
            "working-days",
            "--division",
            "scotland",
            "--from",
            "2024-01-31",
            "--to",
            "2024-01-01",
        ],
        "--to",
    );
    assert!(
        err.starts_with("error: --to: the range ends (2024-01-01) before it starts (2024-01-31)")
    );
    refused(
        &[
            "working-days",
            "--division",
            "scotland",
            "--from",
            "1994-12-01",
            "--to",
            "2024-01-01",
        ],
        "--from",
    );
    refused(
        &[
            "working-days",
            "--division",
            "scotland",
            "--from",
            "2024-01-01",
            "--to",
            "31 Jan 2024",
        ],
        "--to",
    );
    refused(
        &[
            "notice",
            "--nation",
            "france",
            "--action-starts",
            "2024-05-13",
        ],
        "--nation",
    );
    refused(
        &[
            "notice",
            "--nation",
            "wales",
            "--action-starts",
            "2101-05-13",
        ],
        "--action-starts",
    );
    refused(
        &[
            "notice",
            "--nation",
            "wales",
            "--action-starts",
            "13/05/2024",
        ],
        "--action-starts",
    );
}

#[test]
fn help_documents_the_json_fields() {
    for (args, fields) in [
        (&["holidays", "--help"][..], &["date", "name"][..]),
        (
            &["working-days", "--help"],
            &["working_days", "excluded", "reason"],
        ),
        (
            &["ballot", "check", "--help"],
            &[
                "regime",
                "turnout_percent",
                "yes_percent_of_cast",
                "yes_percent_of_entitled",
                "thresholds",
                "required_percent",
                "actual_percent",
                "met",
                "provision",
                "valid_mandate",
                "mandate_last_day",
                "steps",
                "deadline",
                "assumptions",
            ],
        ),
        (
            &["notice", "--help"],
            &["notice_received_by", "regime", "provision"],
        ),
    ] {
        let out = picket().args(args).run();
        assert!(out.status.success());
        let help = text(&out.stdout);
        assert!(help.contains("--json"), "{args:?}");
        for field in fields {
            assert!(help.contains(field), "{args:?} help lacks {field}");
        }
    }
}
