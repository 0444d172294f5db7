//! `picket token create/list/revoke` and `picket user password/end-sessions` on the backend
//! this run selects: tokens get an expiry and stop working when revoked; a new password ends
//! every session of the account; everything is audited.

use crate::support::picket;
use picket_store::prelude::*;
use picket_store::PageRequest;
use picket_test_support::cli::{ok, text};
use picket_test_support::db::fresh_url;

#[tokio::test]
async fn tokens_expire_list_and_revoke_and_passwords_end_sessions() {
    let (url, _dir) = fresh_url().await;
    ok(&picket().args(["migrate"]).database(&url).run());
    ok(&picket()
        .args([
            "branch",
            "add",
            "--slug",
            "northfield",
            "--name",
            "Northfield",
            "--division",
            "england-and-wales",
        ])
        .database(&url)
        .run());
    ok(&picket()
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
        .stdin("a long enough password\n")
        .run());
    let store = match picket_test_support::test_backend() {
        picket_store::Backend::Sqlite => picket_store_sqlite::connect(&url, 2).await.unwrap(),
        picket_store::Backend::Postgres => picket_store_postgres::connect(&url, 2).await.unwrap(),
    };
    let now = chrono::Utc::now();
    let works = |secret: String| {
        let store = store.clone();
        async move {
            store
                .api_token_user(
                    &picket_web::account::tokens::hash_token(&secret),
                    chrono::Utc::now(),
                )
                .await
                .is_ok()
        }
    };

    // Tokens: with and without an expiry; a bad expiry is the caller's mistake.
    let expiring = picket()
        .args([
            "token",
            "create",
            "--email",
            "dana@example.org",
            "--name",
            "laptop",
            "--expires-days",
            "30",
        ])
        .database(&url)
        .run();
    let expiring_secret = ok(&expiring).trim().to_string();
    let until = (now + chrono::Duration::days(30))
        .format("%-d %B %Y")
        .to_string();
    assert!(
        text(&expiring.stderr).contains(&format!("It works until {until}")),
        "{}",
        text(&expiring.stderr)
    );
    let forever_secret = ok(&picket()
        .args([
            "token",
            "create",
            "--email",
            "dana@example.org",
            "--name",
            "website",
        ])
        .database(&url)
        .run())
    .trim()
    .to_string();
    for bad in ["0", "5000"] {
        let out = picket()
            .args([
                "token",
                "create",
                "--email",
                "dana@example.org",
                "--name",
                "x",
                "--expires-days",
                bad,
            ])
            .database(&url)
            .run();
        assert_eq!(out.status.code(), Some(2), "--expires-days {bad}");
        assert!(text(&out.stderr).contains("--expires-days"));
    }
    assert!(works(expiring_secret.clone()).await && works(forever_secret.clone()).await);

    let list = ok(&picket()
        .args(["token", "list", "--email", "dana@example.org"])
        .database(&url)
        .run());
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

    let revoked = ok(&picket()
        .args(["token", "revoke", "--id", &id])
        .database(&url)
        .run());
    assert!(revoked.contains("revoked token") && revoked.contains("laptop"));
    assert!(
        !works(expiring_secret).await,
        "a revoked token no longer works"
    );
    assert!(works(forever_secret).await);
    let list = ok(&picket()
        .args(["token", "list", "--email", "dana@example.org"])
        .database(&url)
        .run());
    assert!(list
        .lines()
        .any(|l| l.starts_with(&format!("{id}\t")) && l.ends_with("revoked")));
    let missing = picket()
        .args(["token", "revoke", "--id", "99999"])
        .database(&url)
        .run();
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("--id"));

    // Passwords: a new one ends every session; a short one is refused.
    let user = store.user_by_email("dana@example.org").await.unwrap();
    let later = now + chrono::Duration::hours(1);
    for session in ["laptop-session", "phone-session"] {
        store.create_session(session, user.id, later).await.unwrap();
    }
    let short = picket()
        .args([
            "user",
            "password",
            "--email",
            "dana@example.org",
            "--password-stdin",
        ])
        .database(&url)
        .stdin("short\n")
        .run();
    assert_eq!(short.status.code(), Some(2));
    assert!(store.session_user("laptop-session", now).await.is_ok());
    let changed = ok(&picket()
        .args([
            "user",
            "password",
            "--email",
            "dana@example.org",
            "--password-stdin",
        ])
        .database(&url)
        .stdin("an entirely new password\n")
        .run());
    assert!(changed.contains("2 sessions ended"), "{changed}");
    assert!(store.session_user("laptop-session", now).await.is_err());
    let hash = store
        .user_by_email("dana@example.org")
        .await
        .unwrap()
        .password_hash
        .unwrap();
    let hasher = picket_web::account::passwords::PasswordHasher::new(8 * 1024, 1);
    assert!(hasher.verify("an entirely new password", Some(&hash)).await);
    assert!(!hasher.verify("a long enough password", Some(&hash)).await);
    let nobody = picket()
        .args([
            "user",
            "password",
            "--email",
            "nobody@example.org",
            "--password-stdin",
        ])
        .database(&url)
        .stdin("an entirely new password\n")
        .run();
    assert_eq!(nobody.status.code(), Some(2));

    store
        .create_session("tablet-session", user.id, later)
        .await
        .unwrap();
    let ended = ok(&picket()
        .args(["user", "end-sessions", "--email", "dana@example.org"])
        .database(&url)
        .run());
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
