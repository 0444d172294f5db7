//! The JSON API fuzzed by schemathesis against its own OpenAPI document, on a live instance
//! over the backend `PICKET_TEST_BACKEND` selects: no answer may be a 5xx, and no status,
//! content type or body may contradict `/api/v1/openapi.json`.
//!
//! The database is seeded first (a branch with an organiser, members, a dispute with its
//! records, ballots and periods, wall messages), and every `{branch}` and record id in a path
//! is drawn mostly from what was seeded, so the generated requests reach the handlers' real
//! work rather than stopping at 404. Records that a `DELETE` removes are seeded for it alone,
//! so what the other operations reach does not depend on the order they run in.
//!
//! Runs are reproducible: a fixed seed, deterministic generation, one worker, no example
//! database, and a bounded number of examples per operation. `scripts/test` installs
//! schemathesis into its tools venv (`PICKET_TOOLS_PYTHON`); a missing schemathesis fails the
//! test, it is never skipped.

#[expect(
    dead_code,
    reason = "this binary runs schemathesis, not the document validators"
)]
mod support;

use picket_domain::members::MemberDetails;
use picket_domain::Role;
use picket_test_support::{Api, TestApp};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::Path;

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

/// Operations whose bodies are read leniently, as the HTML forms that share their input
/// types are: a number, a boolean, an array or an object where the document says text is
/// taken as its JSON text, and a flag is any of `true`, `"on"`, `"1"`… So
/// `negative_data_rejection` (a wrongly typed value must be refused) is not checked on these
/// operations until the API's request bodies take typed values; every other check is.
const LENIENT_BODIES: [&str; 17] = [
    "createDispute",
    "updateDispute",
    "addTimelineEntry",
    "updateTimelineEntry",
    "addParty",
    "updateParty",
    "addClaim",
    "updateClaim",
    "addImpactRate",
    "updateImpactRate",
    "createBallot",
    "updateBallot",
    "recordBallotResult",
    "addSurveyQuestion",
    "createActionPeriod",
    "updateActionPeriod",
    "recordParticipation",
];

/// Examples per operation and phase, and the seed: enough to reach every handler's
/// validation and its successful path, small enough for about a minute per engine.
const MAX_EXAMPLES: u32 = 15;
const SEED: u64 = 20_240_415;

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
struct Seeded {
    token: String,
    /// `(operation id, [(path parameter, value)])`.
    paths: Vec<(&'static str, Vec<(&'static str, String)>)>,
    /// The confirmation phrase of the member seeded to be erased.
    erase_phrase: String,
}

async fn ok_id(api: &Api, path: &str, body: Value) -> Value {
    let (status, answer) = api.post(path, &body).await;
    assert!(
        (200..300).contains(&status),
        "seeding POST {path} {body}: {status} {answer}"
    );
    answer
}

fn id(v: &Value, pointer: &str) -> i64 {
    v.pointer(pointer)
        .and_then(Value::as_i64)
        .unwrap_or_else(|| panic!("no {pointer} in {v}"))
}

async fn seed(app: &TestApp) -> Seeded {
    let north = app.branch("northfield").await;
    let south = app.branch("southgate").await;
    app.user(&north, "org@example.org", Role::Organiser).await;
    app.user(&south, "other@example.org", Role::Organiser).await;
    let token = app.api_token("org@example.org").await;
    let api = app.api(&token);
    let store = app.store();

    // Members, one of them the organiser's own record (for `/me/data`).
    let team = store
        .create_team(north.id, "Duty team", Some("Civic Centre"))
        .await
        .unwrap();
    let mut members = Vec::new();
    for (i, name) in [
        "Asha Patel",
        "Ben Okafor",
        "Cath Doyle",
        "Dev Rao",
        "Erin Moss",
    ]
    .into_iter()
    .enumerate()
    {
        let mut details = MemberDetails::new(format!("M{:05}", i + 1).parse().unwrap(), name);
        details.email = Some(format!("member{i}@example.org").parse().unwrap());
        details.job_title = Some("Social worker".into());
        details.employer = Some("Northfield Council".into());
        details.daily_pay_pence = Some(11_250);
        let m = store
            .create_member(north.id, &details, Some(team.id))
            .await
            .unwrap();
        members.push(m.id);
    }
    let org = store.user_by_email("org@example.org").await.unwrap();
    store
        .link_member_user(north.id, members[0], Some(org.id))
        .await
        .unwrap();
    let erase_target = *members.last().unwrap();

    // A dispute with its records, two ballots and two periods.
    let base = "/api/v1/branches/northfield/disputes";
    let dispute = id(
        &ok_id(
            &api,
            base,
            json!({"title": "Recruitment and retention", "employer": "Northfield Council",
                   "nation": "england", "status": "in-action", "summary": "Caseloads."}),
        )
        .await,
        "/id",
    );
    let d = format!("{base}/{dispute}");
    let two = |path: String, body: Value| {
        let api = &api;
        async move {
            let a = id(&ok_id(api, &path, body.clone()).await, "/id");
            let b = id(&ok_id(api, &path, body).await, "/id");
            (a, b)
        }
    };
    let parties = two(
        format!("{d}/parties"),
        json!({"kind": "decision-maker", "name": "Director of Children's Services",
               "detail": "Director", "email": "director@northfield.example"}),
    )
    .await;
    let claims = two(
        format!("{d}/claims"),
        json!({"kind": "claim", "dated": "2024-01-08", "summary": "A caseload cap of 18",
               "status": "tabled"}),
    )
    .await;
    let rates = two(
        format!("{d}/rates"),
        json!({"label": "home visits", "per_worker_day": "2.5"}),
    )
    .await;
    let events = two(
        format!("{d}/timeline"),
        json!({"dated": "2024-01-15", "kind": "meeting", "title": "Talks with the director",
               "outcome": "No offer", "public": true}),
    )
    .await;
    let ballot_body = json!({"kind": "statutory", "title": "Strike ballot",
        "opened": "2024-02-12", "closed": "2024-03-08", "entitled": 22, "cast": 20,
        "yes": 20, "no": 0, "result_to_employer": "2024-03-11"});
    let ballot_id = id(
        &ok_id(&api, &format!("{d}/ballots"), ballot_body.clone()).await,
        "/ballot/id",
    );
    let doomed_ballot = id(
        &ok_id(&api, &format!("{d}/ballots"), ballot_body.clone()).await,
        "/ballot/id",
    );
    // A ballot of its own for the steps checklist: editing a ballot works its steps out again.
    let step = id(
        &ok_id(&api, &format!("{d}/ballots"), ballot_body).await,
        "/steps/0/id",
    );
    let survey = id(
        &ok_id(
            &api,
            &format!("{d}/ballots"),
            json!({"kind": "survey", "title": "Caseload survey", "opened": "2024-01-02",
                   "closed": "2024-01-09", "entitled": 22}),
        )
        .await,
        "/ballot/id",
    );
    let question = |text: &'static str| {
        let api = &api;
        async move {
            id(
                &ok_id(
                    api,
                    &format!("/api/v1/branches/northfield/ballots/{survey}/questions"),
                    json!({"question": text, "answer": "Yes", "percent": "81"}),
                )
                .await,
                "/id",
            )
        }
    };
    question("Is your caseload safe?").await;
    let doomed_question = question("Would you strike?").await;
    let period_body = json!({"kind": "strike", "ballot_id": ballot_id.to_string(),
        "starts": "2024-04-29", "ends": "2024-05-10", "teams": "Duty team",
        "called_out": 15, "notice_received": "2024-04-10"});
    let period = id(
        &ok_id(&api, &format!("{d}/action-periods"), period_body.clone()).await,
        "/period/id",
    );
    let doomed_period = id(
        &ok_id(&api, &format!("{d}/action-periods"), period_body).await,
        "/period/id",
    );
    let participation = format!("{d}/action-periods/{period}/participation");
    ok_id(
        &api,
        &participation,
        json!({"day": "2024-04-29", "took_part": 14}),
    )
    .await;
    let doomed_record = id(
        &ok_id(
            &api,
            &participation,
            json!({"day": "2024-04-30", "took_part": 13}),
        )
        .await,
        "/id",
    );

    // Wall messages: some approved, one left pending for moderation.
    let public = app.public_api();
    let mut wall = Vec::new();
    for (i, kind) in ["union-body", "resident", "politician", "worker"]
        .into_iter()
        .enumerate()
    {
        let posted = ok_id(
            &public,
            "/api/v1/branches/northfield/wall",
            json!({"name": format!("Supporter {i}"), "kind": kind,
                   "message": format!("Solidarity from us all, number {i}.")}),
        )
        .await;
        wall.push(id(&posted, "/id"));
    }
    for message in &wall[1..] {
        ok_id(
            &api,
            &format!("/api/v1/branches/northfield/wall/{message}/moderation"),
            json!({"action": "approve"}),
        )
        .await;
    }

    let s = |v: i64| v.to_string();
    let dispute_only = |op| (op, vec![("id", s(dispute))]);
    let paths = vec![
        ("getMember", vec![("id", s(members[1]))]),
        ("getMemberSubjectAccess", vec![("id", s(members[2]))]),
        ("eraseMember", vec![("id", s(erase_target))]),
        ("moderateWall", vec![("id", s(wall[0]))]),
        ("postWall", vec![]),
        ("createDispute", vec![]),
        dispute_only("getDispute"),
        dispute_only("updateDispute"),
        dispute_only("listTimeline"),
        dispute_only("addTimelineEntry"),
        dispute_only("addParty"),
        dispute_only("addClaim"),
        dispute_only("addImpactRate"),
        dispute_only("listBallots"),
        dispute_only("createBallot"),
        dispute_only("listActionPeriods"),
        dispute_only("createActionPeriod"),
        (
            "updateTimelineEntry",
            vec![("id", s(dispute)), ("event", s(events.0))],
        ),
        (
            "deleteTimelineEntry",
            vec![("id", s(dispute)), ("event", s(events.1))],
        ),
        (
            "updateParty",
            vec![("id", s(dispute)), ("party", s(parties.0))],
        ),
        (
            "deleteParty",
            vec![("id", s(dispute)), ("party", s(parties.1))],
        ),
        (
            "updateClaim",
            vec![("id", s(dispute)), ("claim", s(claims.0))],
        ),
        (
            "setClaimStatus",
            vec![("id", s(dispute)), ("claim", s(claims.0))],
        ),
        (
            "deleteClaim",
            vec![("id", s(dispute)), ("claim", s(claims.1))],
        ),
        (
            "updateImpactRate",
            vec![("id", s(dispute)), ("rate", s(rates.0))],
        ),
        (
            "deleteImpactRate",
            vec![("id", s(dispute)), ("rate", s(rates.1))],
        ),
        (
            "updateBallot",
            vec![("id", s(dispute)), ("ballot", s(ballot_id))],
        ),
        (
            "deleteBallot",
            vec![("id", s(dispute)), ("ballot", s(doomed_ballot))],
        ),
        ("recordBallotResult", vec![("id", s(ballot_id))]),
        ("addSurveyQuestion", vec![("id", s(survey))]),
        (
            "deleteSurveyQuestion",
            vec![("id", s(dispute)), ("question", s(doomed_question))],
        ),
        ("markBallotStep", vec![("id", s(step))]),
        (
            "updateActionPeriod",
            vec![("id", s(dispute)), ("period", s(period))],
        ),
        (
            "deleteActionPeriod",
            vec![("id", s(dispute)), ("period", s(doomed_period))],
        ),
        (
            "markHolidayAsStrikeDay",
            vec![
                ("id", s(dispute)),
                ("period", s(period)),
                ("date", "2024-05-06".into()),
            ],
        ),
        (
            "unmarkHolidayAsStrikeDay",
            vec![
                ("id", s(dispute)),
                ("period", s(period)),
                ("date", "2024-05-06".into()),
            ],
        ),
        (
            "recordParticipation",
            vec![("id", s(dispute)), ("period", s(period))],
        ),
        (
            "deleteParticipation",
            vec![("id", s(dispute)), ("record", s(doomed_record))],
        ),
    ];
    Seeded {
        token,
        paths,
        erase_phrase: format!("erase member {erase_target}"),
    }
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
enum Run {
    /// As the organiser, every path naming the seeded branch and records.
    Seeded,
    /// As the organiser, with paths generated: other branches, unknown ids, ids that are not
    /// numbers.
    Addresses,
    /// As the public (no token), on the seeded branch.
    Public,
}

/// The schemathesis configuration for a run: one worker and reproducible generation, the
/// organiser's token unless the run is public, and (unless the paths are what is fuzzed) the
/// seeded branch and records in every path. Enumerated fields get their values often enough
/// to pass validation.
fn config(seeded: &Seeded, run: Run) -> String {
    let mut c = String::new();
    writeln!(c, "seed = {SEED}").unwrap();
    writeln!(c, "workers = 1").unwrap();
    writeln!(c, "request-timeout = 30").unwrap();
    if run != Run::Public {
        let bearer = q(&format!("Bearer {}", seeded.token));
        writeln!(c, "headers = {{ Authorization = {bearer} }}").unwrap();
    }
    writeln!(c, "[generation]").unwrap();
    writeln!(c, "deterministic = true").unwrap();
    writeln!(c, "database = \"none\"").unwrap();
    // Methods the document does not list for a path must be refused (405 with `Allow`); two
    // of them are enough to show it on every path.
    writeln!(c, "[phases.coverage]").unwrap();
    writeln!(c, "unexpected-methods = [\"PATCH\", \"TRACE\"]").unwrap();
    writeln!(c, "[checks]").unwrap();
    writeln!(c, "enabled = false").unwrap();
    for check in CHECKS {
        writeln!(c, "{check}.enabled = true").unwrap();
    }
    // Now and then a string is one that has broken text handling before: NUL (which
    // PostgreSQL refuses), other control characters, a bidi override, CR LF.
    writeln!(c, "[generation.dictionaries]").unwrap();
    writeln!(
        c,
        "string = {{ dictionary = \"awkward\", probability = 0.05 }}"
    )
    .unwrap();
    writeln!(c, "[dictionaries]").unwrap();
    let awkward: Vec<String> = AWKWARD.iter().map(|s| q(s)).collect();
    writeln!(c, "awkward = {{ values = [{}] }}", awkward.join(", ")).unwrap();
    writeln!(c, "erasure = {{ values = [{}] }}", q(&seeded.erase_phrase)).unwrap();
    writeln!(
        c,
        "kinds = {{ values = [\"union-body\", \"politician\", \"resident\", \"service-user\", \"worker\", \"other\"] }}"
    )
    .unwrap();
    writeln!(
        c,
        "actions = {{ values = [\"approve\", \"reject\", \"spam\", \"feature\", \"unfeature\", \"edit\"] }}"
    )
    .unwrap();
    if run != Run::Addresses {
        writeln!(c, "[parameters]").unwrap();
        writeln!(c, "\"path.branch\" = \"northfield\"").unwrap();
    }
    let bodies: [(&str, &str, &str); 3] = [
        ("eraseMember", "confirm", "erasure"),
        ("postWall", "kind", "kinds"),
        ("moderateWall", "action", "actions"),
    ];
    for (op, params) in &seeded.paths {
        writeln!(c, "[[operations]]").unwrap();
        writeln!(c, "include-operation-id = {}", q(op)).unwrap();
        writeln!(c, "[operations.parameters]").unwrap();
        if run != Run::Addresses {
            for (name, value) in params {
                writeln!(c, "\"path.{name}\" = {}", path_value(value)).unwrap();
            }
        }
        for (_, field, dictionary) in bodies.iter().filter(|(o, _, _)| o == op) {
            writeln!(
                c,
                "\"body.{field}\" = {{ dictionary = \"{dictionary}\", probability = 0.8 }}"
            )
            .unwrap();
        }
        if LENIENT_BODIES.contains(op) {
            writeln!(c, "[operations.checks.negative_data_rejection]").unwrap();
            writeln!(c, "enabled = false").unwrap();
        }
    }
    c
}

/// Runs schemathesis over the document as `run` says: whether it passed, and its report.
async fn schemathesis(app: &TestApp, dir: &Path, seeded: &Seeded, run: Run) -> (bool, String) {
    let (name, phases, examples, only): (&str, &str, u32, &[&str]) = match run {
        Run::Seeded => ("seeded", "examples,coverage,fuzzing", MAX_EXAMPLES, &[]),
        Run::Addresses => ("addresses", "fuzzing", 5, &[]),
        Run::Public => (
            "public",
            "examples,coverage,fuzzing",
            MAX_EXAMPLES,
            &["listWall", "postWall"],
        ),
    };
    let config = config(seeded, run);
    let config_file = dir.join(format!("{name}.toml"));
    std::fs::write(&config_file, &config).unwrap();
    let python = support::python();
    let out = tokio::process::Command::new(&python)
        .args(["-m", "schemathesis.cli", "--config-file"])
        .arg(&config_file)
        .args(["run", "--phases", phases])
        .args(["--max-examples", &examples.to_string()])
        .args(["--no-color", "--report", "har", "--report-dir"])
        .arg(dir.join(name))
        .args(only.iter().flat_map(|op| ["--include-operation-id", op]))
        .arg(app.url("/api/v1/openapi.json"))
        .current_dir(dir)
        .kill_on_drop(true)
        .output()
        .await
        .unwrap_or_else(|e| {
            panic!("cannot run {python} (scripts/test installs schemathesis into its tools venv and names it in PICKET_TOOLS_PYTHON): {e}")
        });
    let report = format!(
        "==> schemathesis, {name} run\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        (true, report)
    } else {
        (false, format!("{report}\n--- {name}.toml ---\n{config}"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_server_error_and_nothing_the_document_does_not_allow() {
    let app = TestApp::spawn_with(|s| {
        s.wall.min_fill_secs = 0;
        s.wall.posts_per_ip_per_hour = 1_000_000;
    })
    .await;
    let seeded = seed(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let mut failed = Vec::new();
    for run in [Run::Seeded, Run::Addresses, Run::Public] {
        let (passed, report) = schemathesis(&app, dir.path(), &seeded, run).await;
        println!("{report}");
        if !passed {
            failed.push(report);
        }
    }
    assert!(
        failed.is_empty(),
        "schemathesis found answers that are 5xx or contradict the OpenAPI document:\n{}",
        failed.join("\n")
    );
}
