//! `picket token create/list/revoke` and `picket user password/end-sessions` on the backend
//! this run selects: tokens get an expiry and stop working when revoked; a new password ends
//! every session of the account; everything is audited.

use picket_store::prelude::*;
use picket_store::PageRequest;
use picket_test_support::db::fresh_url;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn picket(args: &[&str], url: &str, stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_picket"));
    cmd.args(args)
        .env_remove("PICKET_CONFIG")
        .env("PICKET_DATABASE_URL", url)
        .env("PICKET_SECURITY__ARGON2_MEMORY_KIB", "8192")
        .env("PICKET_SECURITY__ARGON2_ITERATIONS", "1")
        .env("PICKET_MAIL__KIND", "memory")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run picket");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child.wait_with_output().expect("picket output")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

#[tokio::test]
async fn tokens_expire_list_and_revoke_and_passwords_end_sessions() {
    let (url, _dir) = fresh_url().await;
    ok(&picket(&["migrate"], &url, None));
    ok(&picket(
        &[
            "branch",
            "add",
            "--slug",
            "northfield",
            "--name",
            "Northfield",
            "--division",
            "england-and-wales",
        ],
        &url,
        None,
    ));
    ok(&picket(
        &[
            "user",
            "add",
            "--email",
            "dana@example.org",
            "--branch",
            "northfield",
            "--role",
            "organiser",
            "--password-stdin",
        ],
        &url,
        Some("a long enough password\n"),
    ));
    let store = match picket_test_support::test_backend() {
        picket_store::Backend::Sqlite => picket_store_sqlite::connect(&url, 2).await.unwrap(),
        picket_store::Backend::Postgres => picket_store_postgres::connect(&url, 2).await.unwrap(),
    };
    let now = chrono::Utc::now();
    let works = |secret: String| {
        let store = store.clone();
        async move {
            store
                .api_token_user(&picket_web::tokens::hash_token(&secret), chrono::Utc::now())
                .await
                .is_ok()
        }
    };

    // Tokens: with and without an expiry; a bad expiry is the caller's mistake.
    let expiring = picket(
        &[
            "token",
            "create",
            "--email",
            "dana@example.org",
            "--name",
            "laptop",
            "--expires-days",
            "30",
        ],
        &url,
        None,
    );
    let expiring_secret = ok(&expiring).trim().to_string();
    let until = (now + chrono::Duration::days(30))
        .format("%-d %B %Y")
        .to_string();
    assert!(
        text(&expiring.stderr).contains(&format!("It works until {until}")),
        "{}",
        text(&expiring.stderr)
    );
    let forever_secret = ok(&picket(
        &[
            "token",
            "create",
            "--email",
            "dana@example.org",
            "--name",
            "website",
        ],
        &url,
        None,
    ))
    .trim()
    .to_string();
    for bad in ["0", "5000"] {
        let out = picket(
            &[
                "token",
                "create",
                "--email",
                "dana@example.org",
                "--name",
                "x",
                "--expires-days",
                bad,
            ],
            &url,
            None,
        );
        assert_eq!(out.status.code(), Some(2), "--expires-days {bad}");
        assert!(text(&out.stderr).contains("--expires-days"));
    }
    assert!(works(expiring_secret.clone()).await && works(forever_secret.clone()).await);

    let list = ok(&picket(
        &["token", "list", "--email", "dana@example.org"],
        &url,
        None,
    ));
    let rows: Vec<Vec<&str>> = list
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(rows.len(), 2, "{list}");
    let laptop = rows
        .iter()
        .find(|r| r[1] == "laptop")
        .expect("laptop listed");
    assert_eq!((laptop[4], laptop[5]), (until.as_str(), "works"), "{list}");
    let website = rows
        .iter()
        .find(|r| r[1] == "website")
        .expect("website listed");
    assert_eq!(website[4], "never");
    let id = laptop[0].to_string();

    let revoked = ok(&picket(&["token", "revoke", "--id", &id], &url, None));
    assert!(revoked.contains("revoked token") && revoked.contains("laptop"));
    assert!(
        !works(expiring_secret).await,
        "a revoked token no longer works"
    );
    assert!(works(forever_secret).await);
    let list = ok(&picket(
        &["token", "list", "--email", "dana@example.org"],
        &url,
        None,
    ));
    assert!(list
        .lines()
        .any(|l| l.starts_with(&format!("{id}\t")) && l.ends_with("revoked")));
    let missing = picket(&["token", "revoke", "--id", "99999"], &url, None);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("--id"));

    // Passwords: a new one ends every session; a short one is refused.
    let user = store.user_by_email("dana@example.org").await.unwrap();
    let later = now + chrono::Duration::hours(1);
    for session in ["laptop-session", "phone-session"] {
        store.create_session(session, user.id, later).await.unwrap();
    }
    let short = picket(
        &[
            "user",
            "password",
            "--email",
            "dana@example.org",
            "--password-stdin",
        ],
        &url,
        Some("short\n"),
    );
    assert_eq!(short.status.code(), Some(2));
    assert!(store.session_user("laptop-session", now).await.is_ok());
    let changed = ok(&picket(
        &[
            "user",
            "password",
            "--email",
            "dana@example.org",
            "--password-stdin",
        ],
        &url,
        Some("an entirely new password\n"),
    ));
    assert!(changed.contains("2 sessions ended"), "{changed}");
    assert!(store.session_user("laptop-session", now).await.is_err());
    let hash = store
        .user_by_email("dana@example.org")
        .await
        .unwrap()
        .password_hash
        .unwrap();
    let hasher = picket_web::passwords::PasswordHasher::new(8 * 1024, 1);
    assert!(hasher.verify("an entirely new password", Some(&hash)).await);
    assert!(!hasher.verify("a long enough password", Some(&hash)).await);
    let nobody = picket(
        &[
            "user",
            "password",
            "--email",
            "nobody@example.org",
            "--password-stdin",
        ],
        &url,
        Some("an entirely new password\n"),
    );
    assert_eq!(nobody.status.code(), Some(2));

    store
        .create_session("tablet-session", user.id, later)
        .await
        .unwrap();
    let ended = ok(&picket(
        &["user", "end-sessions", "--email", "dana@example.org"],
        &url,
        None,
    ));
    assert!(ended.contains("1 session ended"), "{ended}");
    assert!(store.session_user("tablet-session", now).await.is_err());

    let audit = store
        .audit_entries(None, PageRequest::new(1, 100))
        .await
        .unwrap();
    let actions: Vec<_> = audit.items.iter().map(|e| e.action.as_str()).collect();
    for action in [
        "token.create",
        "token.revoke",
        "password.reset",
        "user.sessions_end",
    ] {
        assert!(
            actions.contains(&action),
            "{action} not audited: {actions:?}"
        );
    }
    assert!(audit
        .items
        .iter()
        .filter(|e| e.action == "token.revoke")
        .all(|e| e.detail.as_deref().unwrap_or("").contains("command line")));
}
