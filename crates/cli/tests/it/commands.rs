//! The `picket` binary: help, settings, exit codes, and the admin commands on the backend this
//! run selects.

use crate::support::picket;
use picket_test_support::cli::text;
use picket_test_support::db::fresh_url;
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

#[test]
fn help_documents_every_command() {
    let out = picket().args(["--help"]).run();
    assert!(out.status.success());
    let help = text(&out.stdout);
    for command in [
        "serve",
        "worker",
        "migrate",
        "demo",
        "print-config",
        "branch",
        "user",
        "token",
        "import",
        "team",
        "export",
        "backup",
        "restore",
        "retention",
        "pickets",
        "holidays",
        "working-days",
        "ballot",
        "notice",
    ] {
        assert!(
            help.contains(command),
            "--help does not mention {command}:\n{help}"
        );
    }
    for sub in [
        &["branch", "add", "--help"][..],
        &["user", "add", "--help"],
        &["token", "create", "--help"],
        &["demo", "--help"],
        &["import", "members", "--help"],
        &["import", "instance", "--help"],
        &["export", "instance", "--help"],
        &["backup", "--help"],
        &["restore", "--help"],
        &["retention", "run", "--help"],
        &["team", "add", "--help"],
        &["pickets", "remind", "--help"],
    ] {
        let out = picket().args(sub).run();
        assert!(out.status.success(), "{sub:?}");
        assert!(text(&out.stdout).contains("Usage:"));
    }
    let version = picket().args(["--version"]).run();
    assert!(text(&version.stdout).starts_with("picket "));
}

#[test]
fn print_config_hides_secrets_and_bad_config_exits_2_naming_the_key() {
    let out = picket()
        .args(["print-config"])
        .database("postgres://picket:hunter22@db.example/picket")
        .run();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(
        shown.contains("postgres://picket:********@db.example/picket"),
        "{shown}"
    );
    assert!(!shown.contains("hunter22"));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("picket.toml");
    std::fs::write(&file, "[server]\nrequest_timeout_secs = \"soon\"\n").unwrap();
    let out = picket()
        .args(["--config", file.to_str().unwrap(), "print-config"])
        .run();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("request_timeout_secs"),
        "{}",
        text(&out.stderr)
    );

    let missing = picket()
        .args(["--config", "/nonexistent/picket.toml", "print-config"])
        .run();
    assert_eq!(missing.status.code(), Some(2));
    let unknown = picket().args(["serve", "--bogus"]).run();
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn an_unreachable_database_is_a_clear_failure() {
    let out = picket()
        .args(["migrate"])
        .database("postgres://postgres@127.0.0.1:1/picket")
        .run();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("cannot reach the database at postgres://postgres@127.0.0.1:1/picket"),
        "{err}"
    );
}

#[tokio::test]
async fn branch_user_and_token_commands() {
    let (url, _dir) = fresh_url().await;
    let out = picket().args(["migrate"]).database(&url).run();
    assert!(out.status.success(), "{}", text(&out.stderr));

    let reserved = picket()
        .args([
            "branch",
            "add",
            "--slug",
            "api",
            "--name",
            "X",
            "--division",
            "scotland",
        ])
        .database(&url)
        .run();
    assert_eq!(reserved.status.code(), Some(2));
    assert!(
        text(&reserved.stderr).contains("reserved"),
        "{}",
        text(&reserved.stderr)
    );
    let bad_division = picket()
        .args([
            "branch",
            "add",
            "--slug",
            "north",
            "--name",
            "X",
            "--division",
            "wales",
        ])
        .database(&url)
        .run();
    assert_eq!(bad_division.status.code(), Some(2));
    assert!(text(&bad_division.stderr).contains("--division"));

    let ok = picket()
        .args([
            "branch",
            "add",
            "--slug",
            "northfield",
            "--name",
            "Northfield Branch",
            "--division",
            "england-and-wales",
        ])
        .database(&url)
        .run();
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let again = picket()
        .args([
            "branch",
            "add",
            "--slug",
            "northfield",
            "--name",
            "Again",
            "--division",
            "scotland",
        ])
        .database(&url)
        .run();
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("already exists"));

    let short = picket()
        .args([
            "user",
            "add",
            "--email",
            "dana@example.org",
            "--branch",
            "northfield",
            "--role",
            "organiser",
            "--password-stdin",
        ])
        .database(&url)
        .stdin("short\n")
        .run();
    assert_eq!(short.status.code(), Some(2));
    assert!(
        text(&short.stderr).contains("--password"),
        "{}",
        text(&short.stderr)
    );
    let no_branch = picket()
        .args([
            "user",
            "add",
            "--email",
            "dana@example.org",
            "--branch",
            "nowhere",
            "--role",
            "rep",
            "--no-password",
        ])
        .database(&url)
        .run();
    assert_eq!(no_branch.status.code(), Some(2));
    let bad_role = picket()
        .args([
            "user",
            "add",
            "--email",
            "dana@example.org",
            "--branch",
            "northfield",
            "--role",
            "chair",
            "--no-password",
        ])
        .database(&url)
        .run();
    assert_eq!(bad_role.status.code(), Some(2));
    assert!(text(&bad_role.stderr).contains("--role"));

    let added = picket()
        .args([
            "user",
            "add",
            "--email",
            "dana@example.org",
            "--branch",
            "northfield",
            "--role",
            "organiser",
            "--name",
            "Dana Whitlock",
            "--password-stdin",
        ])
        .database(&url)
        .stdin("a long enough password\n")
        .run();
    assert!(added.status.success(), "{}", text(&added.stderr));
    assert!(text(&added.stdout).contains("added dana@example.org in northfield as organiser"));

    let token = picket()
        .args([
            "token",
            "create",
            "--email",
            "dana@example.org",
            "--name",
            "laptop",
        ])
        .database(&url)
        .run();
    assert!(token.status.success(), "{}", text(&token.stderr));
    let secret = text(&token.stdout).trim().to_string();
    assert!(
        secret.starts_with("picket_") && secret.len() > 40,
        "{secret}"
    );
    let nobody = picket()
        .args([
            "token",
            "create",
            "--email",
            "nobody@example.org",
            "--name",
            "x",
        ])
        .database(&url)
        .run();
    assert_eq!(nobody.status.code(), Some(2));

    // The token works against a server on the same database.
    let store = match picket_test_support::test_backend() {
        picket_store::Backend::Sqlite => picket_store_sqlite::connect(&url, 2).await.unwrap(),
        picket_store::Backend::Postgres => picket_store_postgres::connect(&url, 2).await.unwrap(),
    };
    use picket_store::prelude::*;
    let user = store
        .api_token_user(
            &picket_web::account::tokens::hash_token(&secret),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    assert_eq!(user.display_name, "Dana Whitlock");
}

#[test]
fn demo_serves_a_seeded_branch_and_prints_the_logins() {
    let mut child = picket()
        .args(["demo", "--addr", "127.0.0.1:0"])
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the demo");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("Picket demo: ")
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_string();
    let rest: Vec<String> = lines
        .by_ref()
        .take_while(|l| !l.as_ref().unwrap().starts_with("Press Ctrl-C"))
        .map(Result::unwrap)
        .collect();
    let printed = rest.join("\n");
    assert!(
        printed.contains("organiser@picket.example") && printed.contains("picket-demo-2024"),
        "{printed}"
    );
    let body = http_get(&url, "/northfield");
    let wall = http_get(&url, "/northfield/wall");
    let dispute = http_get(&url, "/northfield/disputes/1");
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        body.contains("Northfield Local Government Branch"),
        "{body}"
    );
    assert!(
        wall.contains("Harbourside Health Branch") && wall.contains("Lorna Achterberg MP"),
        "the demo wall is filled"
    );
    assert!(
        !wall.contains("Samir Okafor"),
        "unapproved demo posts wait for moderation"
    );
    assert!(
        printed.contains("/northfield/disputes/1/desk?as_of=2024-05-01"),
        "{printed}"
    );
    assert!(
        dispute.contains("Failure to Agree registered")
            && !dispute.contains("No contact from the regulator yet"),
        "the public dispute page shows only the public timeline"
    );
    assert!(
        dispute.contains("Civic Centre, main entrance")
            && printed.contains("Campaign page: http://"),
        "the campaign page shows the demo's picket locations and is announced"
    );
}

/// A plain HTTP/1.1 GET over loopback, without a client library.
fn http_get(base: &str, path: &str) -> String {
    use std::io::Read;
    let host = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).expect("connect to the demo");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[tokio::test]
async fn picket_reminders_are_queued_for_a_day_and_a_bad_day_is_refused() {
    let (url, _dir) = fresh_url().await;
    let out = picket()
        .args(["pickets", "remind", "--day", "2024-05-13"])
        .database(&url)
        .run();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("0 picket reminder(s) queued"));
    let out = picket().args(["pickets", "remind"]).database(&url).run();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bad = picket()
        .args(["pickets", "remind", "--day", "13/05/2024"])
        .database(&url)
        .run();
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("YYYY-MM-DD"),
        "{}",
        text(&bad.stderr)
    );
}
