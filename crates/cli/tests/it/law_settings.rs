//! The calendar and law commands honour the settings as `picket serve` does: one-off bank
//! holidays from `[[extra_holidays]]` and the organiser's `[law.KEY]` overrides (from
//! `--config` or `PICKET_*` variables), each override reported with its recorded reason; and
//! further one-offs from `--holidays-file`, whose errors name that option.

use crate::support::{picket, refused_naming as refused};
use serde_json::{json, Value};
use std::io::Write as _;

fn json(args: &[&str], env: &[(&str, &str)]) -> Value {
    let out = picket().args(args).envs(env).run();
    assert!(
        out.status.success(),
        "picket {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// A settings file with these contents.
fn config(text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new()
        .suffix(".toml")
        .tempfile()
        .expect("temp file");
    file.write_all(text.as_bytes()).expect("write config");
    file
}

const ONE_OFF: &str = r#"
[[extra_holidays]]
date = "2027-06-11"
name = "Royal wedding"
divisions = ["england-and-wales"]
"#;

#[test]
fn extra_holidays_from_the_settings_file_are_listed_and_not_counted() {
    let file = config(ONE_OFF);
    let path = file.path().to_str().unwrap();
    let year = [
        "holidays",
        "--division",
        "england-and-wales",
        "--year",
        "2027",
    ];

    let plain = json(&[&year[..], &["--json"]].concat(), &[]);
    let with = json(&[&["--config", path], &year[..], &["--json"]].concat(), &[]);
    assert_eq!(
        with.as_array().unwrap().len(),
        plain.as_array().unwrap().len() + 1
    );
    assert!(with
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["date"] == "2027-06-11" && h["name"] == "Royal wedding"));
    // Only the division named in the settings gets it.
    let scotland = json(
        &[
            "--config",
            path,
            "holidays",
            "--division",
            "scotland",
            "--year",
            "2027",
            "--json",
        ],
        &[],
    );
    assert!(scotland
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["date"] != "2027-06-11"));

    let week = [
        "working-days",
        "--division",
        "england-and-wales",
        "--from",
        "2027-06-07",
        "--to",
        "2027-06-11",
        "--json",
    ];
    assert_eq!(json(&week, &[])["working_days"], 5);
    let counted = json(&[&["--config", path], &week[..]].concat(), &[]);
    assert_eq!(counted["working_days"], 4);
    assert_eq!(counted["excluded"][0]["date"], "2027-06-11");
    assert_eq!(counted["excluded"][0]["reason"], "Royal wedding");
}

#[test]
fn law_overrides_from_a_file_change_the_ballot_answer_and_say_why() {
    let ballot = [
        "ballot",
        "check",
        "--nation",
        "england",
        "--opened",
        "2026-03-02",
        "--closed",
        "2026-03-16",
        "--entitled",
        "200",
        "--cast",
        "60",
        "--yes",
        "50",
        "--no",
        "10",
        "--json",
    ];
    // 30% turnout: no mandate while the 50% threshold is taken to apply.
    let safe = json(&ballot, &[]);
    assert_eq!(safe["valid_mandate"], false);
    assert_eq!(safe["thresholds"].as_array().unwrap().len(), 2);

    let file = config(
        "[law.era25_turnout_threshold_applies]\nvalue = false\nreason = \"E-balloting regulations commenced\"\n",
    );
    let path = file.path().to_str().unwrap();
    let changed = json(&[&["--config", path], &ballot[..]].concat(), &[]);
    assert_eq!(changed["valid_mandate"], true);
    assert_eq!(changed["thresholds"].as_array().unwrap().len(), 1);
    assert!(changed["assumptions"].as_array().unwrap().iter().any(|s| s
        .as_str()
        .unwrap()
        .contains("giving the reason: E-balloting regulations commenced")));

    // The text answer says so too.
    let text = picket()
        .args([&["--config", path], &ballot[..ballot.len() - 1]].concat())
        .run();
    assert!(text.status.success());
    assert!(String::from_utf8_lossy(&text.stdout).contains("E-balloting regulations commenced"));
}

#[test]
fn law_overrides_from_the_environment_change_the_mandate_and_the_notice() {
    let ni = [
        "ballot",
        "check",
        "--nation",
        "northern-ireland",
        "--opened",
        "2024-03-04",
        "--closed",
        "2024-03-24",
        "--entitled",
        "20",
        "--cast",
        "16",
        "--yes",
        "10",
        "--no",
        "6",
        "--json",
    ];
    // Four weeks beginning with the closing day by default, six by the override.
    assert_eq!(json(&ni, &[])["mandate_last_day"], "2024-04-20");
    let env = [
        ("PICKET_LAW__NI_MANDATE_WEEKS__VALUE", "6"),
        ("PICKET_LAW__NI_MANDATE_WEEKS__REASON", "Counsel's advice"),
    ];
    let six = json(&ni, &env);
    assert_eq!(six["mandate_last_day"], "2024-05-04");
    assert!(six["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s.as_str().unwrap().contains("Counsel's advice")));

    let notice = [
        "notice",
        "--nation",
        "england",
        "--action-starts",
        "2027-06-14",
        "--json",
    ];
    assert_eq!(
        json(&notice, &[])["notice_received_by_with_agreement"],
        Value::Null
    );
    let agreed = json(
        &notice,
        &[
            ("PICKET_LAW__ERA25_NOTICE_DAYS_BY_AGREEMENT__VALUE", "7"),
            (
                "PICKET_LAW__ERA25_NOTICE_DAYS_BY_AGREEMENT__REASON",
                "Agreed with HR",
            ),
        ],
    );
    assert_eq!(agreed["notice_received_by"], "2027-06-04");
    assert_eq!(agreed["notice_received_by_with_agreement"], "2027-06-07");
}

#[test]
fn bad_law_settings_exit_2_naming_the_setting() {
    let out = picket()
        .args([
            "notice",
            "--nation",
            "england",
            "--action-starts",
            "2027-06-14",
        ])
        .env("PICKET_LAW__NI_MANDATE_WEEKS__VALUE", "6")
        .run();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("reason") && err.contains("NI_MANDATE_WEEKS"),
        "{err}"
    );

    let file = config("[law.ni_mandate_weeks]\nvalue = 500\nreason = \"typo\"\n");
    let out = picket()
        .args([
            "--config",
            file.path().to_str().unwrap(),
            "holidays",
            "--division",
            "scotland",
            "--year",
            "2027",
        ])
        .run();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ni_mandate_weeks"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn holidays_file_adds_one_offs_and_its_errors_name_the_option() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("extra.json");
    std::fs::write(
        &good,
        r#"[{"date": "2030-05-10", "name": "Extra day", "divisions": ["england-and-wales"]}]"#,
    )
    .unwrap();
    let good = good.to_str().unwrap();
    let list = json(
        &[
            "holidays",
            "--division",
            "england-and-wales",
            "--year",
            "2030",
            "--holidays-file",
            good,
            "--json",
        ],
        &[],
    );
    assert!(list
        .as_array()
        .unwrap()
        .contains(&json!({"date": "2030-05-10", "name": "Extra day"})));
    // Scotland is not among its divisions.
    let list = json(
        &[
            "holidays",
            "--division",
            "scotland",
            "--year",
            "2030",
            "--holidays-file",
            good,
            "--json",
        ],
        &[],
    );
    assert!(!list.to_string().contains("Extra day"));
    // It is not a working day.
    let wd = json(
        &[
            "working-days",
            "--division",
            "england-and-wales",
            "--from",
            "2030-05-10",
            "--to",
            "2030-05-10",
            "--holidays-file",
            good,
            "--json",
        ],
        &[],
    );
    assert_eq!(wd["working_days"], 0);

    let saturday = dir.path().join("saturday.json");
    std::fs::write(
        &saturday,
        r#"[{"date": "2030-05-11", "name": "x", "divisions": ["scotland"]}]"#,
    )
    .unwrap();
    let err = refused(
        &[
            "holidays",
            "--division",
            "scotland",
            "--year",
            "2030",
            "--holidays-file",
            saturday.to_str().unwrap(),
        ],
        "--holidays-file",
    );
    assert!(err.contains("Saturday"), "{err}");
    let missing = dir.path().join("missing.json");
    refused(
        &[
            "holidays",
            "--division",
            "scotland",
            "--year",
            "2030",
            "--holidays-file",
            missing.to_str().unwrap(),
        ],
        "--holidays-file",
    );
    let not_json = dir.path().join("not.json");
    std::fs::write(&not_json, "{}").unwrap();
    refused(
        &[
            "holidays",
            "--division",
            "scotland",
            "--year",
            "2030",
            "--holidays-file",
            not_json.to_str().unwrap(),
        ],
        "--holidays-file",
    );
}
