//! The JSON API fuzzed by schemathesis against its own OpenAPI document, on a live instance
//! over the backend `PICKET_TEST_BACKEND` selects: no answer may be a 5xx, and no status,
//! content type, header or body may contradict `/api/v1/openapi.json`.
//!
//! The database is seeded first (two branches, an organiser with an API token, members, one
//! of them the organiser's own record, a dispute with parties, claims, rates, timeline
//! entries, ballots with results, steps and survey questions, periods of action with
//! participation records, and wall messages). Three runs follow:
//!
//! - **seeded**: as the organiser, every path names the seeded branch and records, so the
//!   generated queries and bodies reach the handlers' real work (validation, the law engine,
//!   the store) rather than stopping at 404. Records a `DELETE` removes are seeded for it
//!   alone, so what the other operations reach does not depend on the order they run in;
//! - **addresses**: as the organiser, with the paths generated too (other branches, unknown
//!   ids, ids that are not whole numbers);
//! - **public**: the wall's public operations with no token.
//!
//! Strings are now and then ones that have broken text handling before (NUL, control
//! characters, a bidi override, CR LF). Runs are reproducible: deterministic generation (the
//! seed is recorded too), one worker, no example database, and a bounded number of examples
//! per operation. `scripts/test` installs schemathesis into its tools venv and names its
//! Python in `PICKET_TOOLS_PYTHON`; a missing schemathesis fails the test, it is never
//! skipped.

use crate::support;
use picket_domain::members::MemberDetails;
use picket_domain::Role;
use picket_store::contract::member_writes;
use picket_test_support::{Api, TestApp};
use serde_json::{json, Value};
use std::path::Path;

mod config;

use config::{config, Run, Seeded};

/// Examples per operation and phase: enough to reach every handler's
/// validation and its successful path, small enough for about a minute per engine.
const MAX_EXAMPLES: u32 = 15;

async fn post_ok(api: &Api, path: &str, body: Value) -> Value {
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
    let team = member_writes::create_team(&*store, north.id, "Duty team", Some("Civic Centre"))
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
        let m = member_writes::create_member(&*store, north.id, &details, Some(team.id))
            .await
            .unwrap();
        members.push(m.id);
    }
    let org = store.user_by_email("org@example.org").await.unwrap();
    member_writes::link_member_user(&*store, north.id, members[0], Some(org.id))
        .await
        .unwrap();
    let erase_target = *members.last().unwrap();

    // A dispute with its records, two ballots and two periods.
    let base = "/api/v1/branches/northfield/disputes";
    let dispute = id(
        &post_ok(
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
            let a = id(&post_ok(api, &path, body.clone()).await, "/id");
            let b = id(&post_ok(api, &path, body).await, "/id");
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
        json!({"label": "home visits", "per_worker_day": 2.5}),
    )
    .await;
    let events = two(
        format!("{d}/timeline"),
        json!({"dated": "2024-01-15", "kind": "meeting", "title": "Talks with the director",
               "outcome": "No offer", "public": true}),
    )
    .await;
    let ballot_body = json!({"kind": "statutory", "title": "Strike ballot",
        "opened": "2024-02-12", "closed": "2024-03-08", "entitled": 22, "entitled_reason": "members not yet imported", "cast": 20,
        "yes": 20, "no": 0, "result_to_employer": "2024-03-11"});
    let ballot_id = id(
        &post_ok(&api, &format!("{d}/ballots"), ballot_body.clone()).await,
        "/ballot/id",
    );
    let doomed_ballot = id(
        &post_ok(&api, &format!("{d}/ballots"), ballot_body.clone()).await,
        "/ballot/id",
    );
    // A ballot of its own for the steps checklist: editing a ballot works its steps out again.
    let step = id(
        &post_ok(&api, &format!("{d}/ballots"), ballot_body).await,
        "/steps/0/id",
    );
    let survey = id(
        &post_ok(
            &api,
            &format!("{d}/ballots"),
            json!({"kind": "survey", "title": "Caseload survey", "opened": "2024-01-02",
                   "closed": "2024-01-09", "entitled": 22, "entitled_reason": "members not yet imported"}),
        )
        .await,
        "/ballot/id",
    );
    let question = |text: &'static str| {
        let api = &api;
        async move {
            id(
                &post_ok(
                    api,
                    &format!("/api/v1/branches/northfield/ballots/{survey}/questions"),
                    json!({"question": text, "answer": "Yes", "percent": 81}),
                )
                .await,
                "/id",
            )
        }
    };
    question("Is your caseload safe?").await;
    let doomed_question = question("Would you strike?").await;
    let period_body = json!({"kind": "strike", "ballot_id": ballot_id,
        "starts": "2024-04-29", "ends": "2024-05-10", "teams": "Duty team",
        "called_out": 15, "called_out_reason": "members not yet imported", "notice_received": "2024-04-10"});
    let period = id(
        &post_ok(&api, &format!("{d}/action-periods"), period_body.clone()).await,
        "/period/id",
    );
    let doomed_period = id(
        &post_ok(&api, &format!("{d}/action-periods"), period_body).await,
        "/period/id",
    );
    let participation = format!("{d}/action-periods/{period}/participation");
    post_ok(
        &api,
        &participation,
        json!({"day": "2024-04-29", "took_part": 14}),
    )
    .await;
    let doomed_record = id(
        &post_ok(
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
        let posted = post_ok(
            &public,
            "/api/v1/branches/northfield/wall",
            json!({"name": format!("Supporter {i}"), "kind": kind,
                   "message": format!("Solidarity from us all, number {i}.")}),
        )
        .await;
        wall.push(id(&posted, "/id"));
    }
    for message in &wall[1..] {
        post_ok(
            &api,
            &format!("/api/v1/branches/northfield/wall/{message}/moderation"),
            json!({"action": "approve"}),
        )
        .await;
    }

    let s = |v: i64| v.to_string();
    let dispute_only = |op| (op, vec![("id", s(dispute))]);
    let paths = vec![
        ("getMember", vec![("id", s(members[1].0))]),
        ("getMemberSubjectAccess", vec![("id", s(members[2].0))]),
        ("eraseMember", vec![("id", s(erase_target.0))]),
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
