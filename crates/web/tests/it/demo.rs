//! Demo-like data for the tests that look at every page a person sees: a branch with an
//! organiser (Dana Whitlock), a rep and a member whose login opens her own record (Eilidh
//! Iqbal); a dispute with a claim and an offer, a party, a timeline, an impact rate, a
//! statutory ballot with its result and steps, a survey with its questions, a period of
//! strike action with its notice and participation; wall messages approved and waiting, one
//! with an offer; and audited reads of a member record.

use picket_domain::members::MemberDetails;
use picket_domain::wall::WallSubmission;
use picket_domain::{Email, Role};
use picket_store::contract::directory_writes::Setup as _;
use picket_store::contract::member_writes;
use picket_store::Branch;
use picket_test_support::{TestApp, TEST_PASSWORD};
use serde_json::{json, Value};

/// The organiser's sign-in address and name.
pub const ORGANISER: (&str, &str) = ("dana@example.org", "Dana Whitlock");
/// The rep's.
pub const REP: (&str, &str) = ("ravi@example.org", "Ravi Chand");
/// The member's, whose login is linked to her member record.
pub const MEMBER: (&str, &str) = ("eilidh@example.org", "Eilidh Iqbal");

/// What [`seed`] made.
pub struct Demo {
    /// The running Picket.
    pub app: TestApp,
    /// The dispute's id.
    pub dispute: i64,
    /// Eilidh Iqbal's member record.
    pub member: i64,
    /// An approved wall message.
    pub message: i64,
}

async fn person(app: &TestApp, branch: &Branch, (email, name): (&str, &str), role: Role) {
    let hasher = picket_web::account::passwords::PasswordHasher::new(8 * 1024, 1);
    let hash = hasher.hash(TEST_PASSWORD).await.expect("hash");
    let email: Email = email.parse().expect("email");
    app.store()
        .setup_branch_user(&email, name, Some(&hash), branch.id, role)
        .await
        .expect("add user");
}

async fn post_ok(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let (status, answer) = app.api(token).post(path, &body).await;
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

/// Seeds a fresh Picket with the demo-like data.
pub async fn seed() -> Demo {
    let app = TestApp::spawn().await;
    let branch = app.branch("northfield").await;
    person(&app, &branch, ORGANISER, Role::Organiser).await;
    person(&app, &branch, REP, Role::Rep).await;
    person(&app, &branch, MEMBER, Role::Member).await;
    let store = app.store();
    let token = app.api_token(ORGANISER.0).await;

    let team = member_writes::create_team(
        &*store,
        branch.id,
        "Community Mental Health North",
        Some("Civic Centre"),
    )
    .await
    .unwrap();
    let mut member = 0;
    for (i, name) in [MEMBER.1, "Ben Okafor", "Cath Doyle"]
        .into_iter()
        .enumerate()
    {
        let mut details = MemberDetails::new(format!("N{:05}", i + 1).parse().unwrap(), name);
        let email = if i == 0 {
            MEMBER.0.to_string()
        } else {
            format!("member{i}@example.org")
        };
        details.email = Some(email.parse().unwrap());
        details.job_title = Some("Social worker".into());
        details.employer = Some("Northfield Council".into());
        let m = member_writes::create_member(&*store, branch.id, &details, Some(team.id))
            .await
            .unwrap();
        if i == 0 {
            member = m.id.0;
            let user = store.user_by_email(MEMBER.0).await.unwrap();
            member_writes::link_member_user(&*store, branch.id, m.id, Some(user.id))
                .await
                .unwrap();
        }
    }
    let rep = store.user_by_email(REP.0).await.unwrap();
    member_writes::set_rep_teams(&*store, branch.id, rep.id, &[team.id])
        .await
        .unwrap();

    let base = "/api/v1/branches/northfield/disputes";
    let dispute = id(
        &post_ok(
            &app,
            &token,
            base,
            json!({"title": "Mental health social workers", "employer": "Northfield Council",
                   "nation": "england", "status": "in-action",
                   "summary": "Recruitment and retention of mental health social workers."}),
        )
        .await,
        "/id",
    );
    let d = format!("{base}/{dispute}");
    for (path, body) in [
        (
            "claims",
            json!({"kind": "claim", "dated": "2023-05-01",
            "summary": "A 10% recruitment and retention payment", "status": "tabled"}),
        ),
        (
            "claims",
            json!({"kind": "offer", "dated": "2023-06-01",
            "summary": "Two per cent, once", "status": "rejected"}),
        ),
        (
            "parties",
            json!({"kind": "decision-maker", "name": "Chief Executive",
            "detail": "Chief executive", "email": "chief@council.example"}),
        ),
        (
            "rates",
            json!({"label": "service-user contacts", "per_worker_day": 10}),
        ),
        (
            "timeline",
            json!({"dated": "2023-09-04", "kind": "meeting",
            "title": "Talks with the director", "outcome": "No offer", "public": true}),
        ),
    ] {
        post_ok(&app, &token, &format!("{d}/{path}"), body).await;
    }
    let ballot = id(
        &post_ok(
            &app,
            &token,
            &format!("{d}/ballots"),
            json!({"kind": "statutory", "title": "Strike ballot", "opened": "2024-02-12",
                   "closed": "2024-03-08", "entitled": 19, "entitled_reason": "members not yet imported", "cast": 15, "yes": 14, "no": 1,
                   "result_to_employer": "2024-03-11"}),
        )
        .await,
        "/ballot/id",
    );
    let survey = id(
        &post_ok(
            &app,
            &token,
            &format!("{d}/ballots"),
            json!({"kind": "survey", "title": "Caseload survey", "opened": "2024-01-02",
                   "closed": "2024-01-09", "entitled": 19, "entitled_reason": "members not yet imported"}),
        )
        .await,
        "/ballot/id",
    );
    for question in ["Would you strike?", "Is your caseload safe"] {
        post_ok(
            &app,
            &token,
            &format!("/api/v1/branches/northfield/ballots/{survey}/questions"),
            json!({"question": question, "answer": "Yes", "percent": 81}),
        )
        .await;
    }
    let period = id(
        &post_ok(
            &app,
            &token,
            &format!("{d}/action-periods"),
            json!({"kind": "strike", "ballot_id": ballot, "starts": "2024-04-15",
                   "ends": "2024-04-26", "teams": "Community Mental Health North",
                   "called_out": 15, "called_out_reason": "members not yet imported", "notice_received": "2024-03-25"}),
        )
        .await,
        "/period/id",
    );
    post_ok(
        &app,
        &token,
        &format!("{d}/action-periods/{period}/participation"),
        json!({"day": "2024-04-15", "took_part": 14}),
    )
    .await;

    // The wall: two approved messages, two waiting (one with an offer to follow up).
    let mut message = 0;
    for (n, approve, pledge) in [
        (1, true, false),
        (2, true, false),
        (3, false, true),
        (4, false, false),
    ] {
        let submission = WallSubmission {
            name: format!("Supporter {n}"),
            kind: "resident".into(),
            message: format!("Solidarity with the social workers, from supporter {n}."),
            email: pledge.then(|| format!("supporter{n}@private.example")),
            pledge: pledge.then(|| "speaker".to_string()),
            consent: pledge,
            ..Default::default()
        };
        let posted = app
            .wall_post(
                &branch,
                &submission,
                &format!("ip{n}"),
                approve.then_some(ORGANISER.0),
            )
            .await;
        if approve {
            message = posted.0;
        }
    }

    // An audited read of Eilidh's record, as the audit log will show it.
    let client = app.client();
    app.login(&client, ORGANISER.0).await;
    let r = client
        .get(app.url(&format!("/northfield/members/{member}?reason=casework")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the organiser reads Eilidh's record");

    Demo {
        app,
        dispute,
        member,
        message,
    }
}
