//! The schemathesis configuration for each run of `api_fuzz`: the checks, the values
//! generated fields are often given, and the seeded records every path names.

use serde_json::Value;
use std::fmt::Write as _;

/// The seed schemathesis records (generation is deterministic).
const SEED: u64 = 20_240_415;

/// The checks every answer must pass. Left out: `positive_data_acceptance` (the document
/// gives the fields' types, not every rule a value must meet, such as a date being on a
/// calendar or a count being at most those entitled, so well-typed values are rightly
/// refused with 422), `max_response_time` (no timed assertions in this suite), and the
/// checks that need links between operations or a second user in the document
/// (`use_after_free`, `ensure_resource_availability`, `object_level_authorization`; branch
/// isolation and roles are tested in `roles.rs`).
const CHECKS: [&str; 10] = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "ignored_auth",
];

/// Strings every text field and parameter is sometimes given.
const AWKWARD: [&str; 7] = [
    "\u{0}",
    "Strike\u{0}fund",
    "line one\r\nline two",
    "bell\u{7}",
    "\u{202e}txt.exe",
    "tab\there",
    "Cafè ✊ 🚩",
];

/// What was seeded, by the name the schemathesis configuration uses.
pub struct Seeded {
    /// The organiser's API token.
    pub token: String,
    /// `(operation id, [(path parameter, value)])`.
    pub paths: Vec<(&'static str, Vec<(&'static str, String)>)>,
    /// The confirmation phrase of the member seeded to be erased.
    pub erase_phrase: String,
}

/// A TOML string.
fn q(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

/// A TOML value for a path parameter: ids are integers in the document, a date a string.
fn path_value(value: &str) -> String {
    match value.parse::<i64>() {
        Ok(n) => n.to_string(),
        Err(_) => q(value),
    }
}

/// One schemathesis run.
#[derive(Clone, Copy, PartialEq)]
pub enum Run {
    /// As the organiser, every path naming the seeded branch and records.
    Seeded,
    /// As the organiser, with paths generated: other branches, unknown ids, ids that are not
    /// numbers.
    Addresses,
    /// As the public (no token), on the seeded branch.
    Public,
}

/// Named lists of values the API accepts, which generated fields are often given so that a
/// body passes validation and its text reaches the store.
const DICTIONARIES: [(&str, &[&str]); 12] = [
    (
        "wall_kinds",
        &[
            "union-body",
            "politician",
            "resident",
            "service-user",
            "worker",
            "other",
        ],
    ),
    (
        "wall_actions",
        &["approve", "reject", "spam", "feature", "unfeature", "edit"],
    ),
    (
        "nations",
        &["england", "wales", "scotland", "northern-ireland"],
    ),
    (
        "dispute_statuses",
        &[
            "preparing",
            "balloting",
            "in-action",
            "suspended",
            "settled",
            "closed",
        ],
    ),
    ("party_kinds", &["decision-maker"]),
    ("claim_kinds", &["claim", "offer"]),
    (
        "claim_statuses",
        &["tabled", "rejected", "withdrawn", "accepted"],
    ),
    (
        "event_kinds",
        &[
            "meeting",
            "letter",
            "offer",
            "failure-to-agree",
            "acas",
            "note",
        ],
    ),
    ("ballot_kinds", &["statutory", "consultative", "survey"]),
    ("period_kinds", &["strike", "asos"]),
    (
        "dates",
        &[
            "2024-02-12",
            "2024-03-08",
            "2024-04-29",
            "2024-05-01",
            "2024-05-10",
        ],
    ),
    (
        "reasons",
        &[
            "casework",
            "organising",
            "subject access request of 3 March",
        ],
    ),
];

/// Counts the API accepts (JSON numbers), which generated number fields are often given.
const COUNTS: [u32; 6] = [0, 2, 12, 15, 20, 22];

/// Fields given values from a dictionary: in every operation (`*`) or in one.
const FIELDS: [(&str, &str, &str); 38] = [
    ("*", "body.nation", "nations"),
    ("*", "body.dated", "dates"),
    ("*", "body.opened", "dates"),
    ("*", "body.closed", "dates"),
    ("*", "body.starts", "dates"),
    ("*", "body.ends", "dates"),
    ("*", "body.notice_received", "dates"),
    ("*", "body.result_to_employer", "dates"),
    ("*", "body.day", "dates"),
    ("*", "body.done", "dates"),
    ("*", "body.holidays_as_strike[*]", "dates"),
    ("*", "body.entitled", "counts"),
    ("*", "body.cast", "counts"),
    ("*", "body.yes", "counts"),
    ("*", "body.no", "counts"),
    ("*", "body.spoiled", "counts"),
    ("*", "body.called_out", "counts"),
    ("*", "body.took_part", "counts"),
    ("*", "body.percent", "counts"),
    ("*", "body.per_worker_day", "counts"),
    ("*", "query.reason", "reasons"),
    ("postWall", "body.kind", "wall_kinds"),
    ("moderateWall", "body.action", "wall_actions"),
    ("createDispute", "body.status", "dispute_statuses"),
    ("updateDispute", "body.status", "dispute_statuses"),
    ("addParty", "body.kind", "party_kinds"),
    ("updateParty", "body.kind", "party_kinds"),
    ("addClaim", "body.kind", "claim_kinds"),
    ("updateClaim", "body.kind", "claim_kinds"),
    ("addClaim", "body.status", "claim_statuses"),
    ("updateClaim", "body.status", "claim_statuses"),
    ("setClaimStatus", "body.status", "claim_statuses"),
    ("addTimelineEntry", "body.kind", "event_kinds"),
    ("updateTimelineEntry", "body.kind", "event_kinds"),
    ("createBallot", "body.kind", "ballot_kinds"),
    ("updateBallot", "body.kind", "ballot_kinds"),
    ("createActionPeriod", "body.kind", "period_kinds"),
    ("updateActionPeriod", "body.kind", "period_kinds"),
];

/// A TOML array of strings.
fn list<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = values.into_iter().map(q).collect();
    format!("[{}]", quoted.join(", "))
}

/// `"key" = { dictionary = "name", probability = p }`
fn binding(key: &str, dictionary: &str, probability: f64) -> String {
    format!(
        "{} = {{ dictionary = {}, probability = {probability} }}\n",
        q(key),
        q(dictionary)
    )
}

/// The schemathesis configuration for a run: one worker and deterministic generation, the
/// organiser's token unless the run is public, the checks, and (unless the paths are what is
/// fuzzed) the seeded branch and records in every path.
pub fn config(seeded: &Seeded, run: Run) -> String {
    let mut c = format!("seed = {SEED}\nworkers = 1\nrequest-timeout = 30\n");
    if run != Run::Public {
        let bearer = q(&format!("Bearer {}", seeded.token));
        writeln!(c, "headers = {{ Authorization = {bearer} }}").unwrap();
    }
    c.push_str("[generation]\ndeterministic = true\ndatabase = \"none\"\n");
    // Now and then a string is one that has broken text handling before.
    c.push_str("[generation.dictionaries]\n");
    c.push_str(&binding("string", "awkward", 0.1));
    // Methods the document does not list for a path must be refused (405 with `Allow`); two
    // of them are enough to show it on every path.
    c.push_str("[phases.coverage]\nunexpected-methods = [\"PATCH\", \"TRACE\"]\n");
    c.push_str("[checks]\nenabled = false\n");
    for check in CHECKS {
        writeln!(c, "{check}.enabled = true").unwrap();
    }
    c.push_str("[dictionaries]\n");
    writeln!(c, "awkward = {{ values = {} }}", list(AWKWARD)).unwrap();
    let erasure = [seeded.erase_phrase.as_str()];
    writeln!(c, "erasure = {{ values = {} }}", list(erasure)).unwrap();
    for (name, values) in DICTIONARIES {
        writeln!(
            c,
            "{name} = {{ values = {} }}",
            list(values.iter().copied())
        )
        .unwrap();
    }
    let counts: Vec<String> = COUNTS.iter().map(u32::to_string).collect();
    writeln!(c, "counts = {{ values = [{}] }}", counts.join(", ")).unwrap();
    c.push_str("[parameters]\n");
    if run != Run::Addresses {
        c.push_str("\"path.branch\" = \"northfield\"\n");
    }
    for (_, key, dictionary) in FIELDS.iter().filter(|(op, _, _)| *op == "*") {
        c.push_str(&binding(key, dictionary, 0.8));
    }
    for (op, params) in &seeded.paths {
        writeln!(c, "[[operations]]\ninclude-operation-id = {}", q(op)).unwrap();
        c.push_str("[operations.parameters]\n");
        if run != Run::Addresses {
            for (name, value) in params {
                writeln!(c, "\"path.{name}\" = {}", path_value(value)).unwrap();
            }
        }
        if *op == "eraseMember" {
            c.push_str(&binding("body.confirm", "erasure", 0.8));
        }
        for (_, key, dictionary) in FIELDS.iter().filter(|(o, _, _)| o == op) {
            c.push_str(&binding(key, dictionary, 0.8));
        }
    }
    c
}
