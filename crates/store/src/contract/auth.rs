//! Contract tests of sign-in and roles: role changes checked against the role replaced,
//! attempt limits that hold under parallel requests, API tokens that expire and are revoked,
//! and sessions ended together.

use crate::contract::Setup;
use crate::prelude::*;
use crate::{ApiToken, Attempt, AttemptLimit, NewBranchUser, StoreResult, User};
use chrono::{DateTime, Duration, Utc};
use picket_domain::{ApiTokenId, Division, Email, Role, UserId};
use std::sync::Arc;

fn email(s: &str) -> Email {
    s.parse().expect("test email")
}

/// Creates an API token in a unit of its own.
pub(crate) async fn create_token(
    store: &dyn Store,
    user: UserId,
    name: &str,
    hash: &str,
    expires_at: Option<DateTime<Utc>>,
) -> StoreResult<ApiToken> {
    let mut work = store.begin().await?;
    let token = work.create_api_token(user, name, hash, expires_at).await?;
    work.commit().await?;
    Ok(token)
}

async fn revoke(
    store: &dyn Store,
    id: ApiTokenId,
    owner: Option<UserId>,
    at: DateTime<Utc>,
) -> StoreResult<ApiToken> {
    let mut work = store.begin().await?;
    let token = work.revoke_api_token(id, owner, at).await?;
    work.commit().await?;
    Ok(token)
}

async fn change_password(
    store: &dyn Store,
    user: UserId,
    hash: &str,
    keep: Option<&str>,
) -> StoreResult<u64> {
    let mut work = store.begin().await?;
    let ended = work.change_password(user, hash, keep).await?;
    work.commit().await?;
    Ok(ended)
}

fn within<'a>(
    email: &'a Email,
    branch: picket_domain::BranchId,
    role: Role,
    authority: Role,
) -> NewBranchUser<'a> {
    NewBranchUser {
        email,
        display_name: "Someone",
        password_hash: None,
        branch,
        role,
        authority,
    }
}

/// Adds someone to a branch on another's behalf, in a unit of its own.
async fn add_within(
    store: &dyn Store,
    request: NewBranchUser<'_>,
) -> StoreResult<Option<(User, bool)>> {
    let mut work = store.begin().await?;
    let added = work.add_branch_user_within(request).await?;
    // Committed even when refused: a refusal must have written nothing to commit.
    work.commit().await?;
    Ok(added)
}

/// A role change on someone's behalf is refused, with nothing written, when the role given or
/// the role replaced is above their authority, or replaces an instance admin's role.
pub async fn role_changes_respect_the_role_replaced(store: Arc<dyn Store>) {
    let a = store
        .setup_branch(&"roles-a".parse().unwrap(), "A", Division::EnglandAndWales)
        .await
        .unwrap();
    let b = store
        .setup_branch(&"roles-b".parse().unwrap(), "B", Division::EnglandAndWales)
        .await
        .unwrap();
    let admin = email("admin@example.org");
    let org = email("org@example.org");
    let root = email("root@example.org");
    store
        .setup_branch_user(&admin, "Admin", None, a.id, Role::Admin)
        .await
        .unwrap();
    store
        .setup_branch_user(&org, "Org", None, a.id, Role::Organiser)
        .await
        .unwrap();
    store
        .setup_branch_user(&root, "Root", None, a.id, Role::Admin)
        .await
        .unwrap();
    store
        .setup_branch_user(&root, "Root", None, b.id, Role::Member)
        .await
        .unwrap();
    let role_of = |e: &'static str, branch: picket_domain::BranchId| {
        let store = store.clone();
        async move {
            let user = store.user_by_email(e).await.unwrap();
            store
                .memberships_of(user.id)
                .await
                .unwrap()
                .into_iter()
                .find(|m| m.branch.id == branch)
                .map(|m| m.role)
        }
    };

    let refused = add_within(&*store, within(&admin, a.id, Role::Member, Role::Organiser))
        .await
        .unwrap();
    assert!(refused.is_none(), "an organiser demoted an admin");
    assert_eq!(role_of("admin@example.org", a.id).await, Some(Role::Admin));

    let refused = add_within(&*store, within(&root, b.id, Role::Rep, Role::Organiser))
        .await
        .unwrap();
    assert!(
        refused.is_none(),
        "an instance admin's role elsewhere changed"
    );
    assert_eq!(role_of("root@example.org", b.id).await, Some(Role::Member));

    let refused = add_within(&*store, within(&org, a.id, Role::Member, Role::Rep))
        .await
        .unwrap();
    assert!(refused.is_none(), "a rep demoted an organiser");
    assert_eq!(
        role_of("org@example.org", a.id).await,
        Some(Role::Organiser)
    );

    let newcomer = email("new@example.org");
    let refused = add_within(
        &*store,
        within(&newcomer, a.id, Role::Admin, Role::Organiser),
    )
    .await
    .unwrap();
    assert!(refused.is_none(), "an organiser made an admin");
    assert!(
        store.user_by_email("new@example.org").await.is_err(),
        "a refused change writes nothing"
    );

    let (user, created) = add_within(&*store, within(&org, a.id, Role::Rep, Role::Organiser))
        .await
        .unwrap()
        .expect("an organiser may change a peer's role");
    assert!(!created);
    assert_eq!(role_of("org@example.org", a.id).await, Some(Role::Rep));
    assert_eq!(user.email, "org@example.org");

    let given = add_within(&*store, within(&admin, a.id, Role::Organiser, Role::Admin))
        .await
        .unwrap();
    assert!(given.is_some(), "an admin may change an admin's role");
    assert_eq!(
        role_of("admin@example.org", a.id).await,
        Some(Role::Organiser)
    );
}

/// Attempts are counted against every limit at once, refused with nothing recorded at a
/// limit, given back on success, and a parallel burst passes no limit.
pub async fn attempts_are_limited_atomically(store: Arc<dyn Store>) {
    let now = Utc::now();
    let since = now - Duration::minutes(15);
    let limits = [
        AttemptLimit {
            key: "account:a",
            max: 3,
        },
        AttemptLimit {
            key: "address:x",
            max: 4,
        },
    ];
    let mut tickets = Vec::new();
    for _ in 0..3 {
        match store.take_attempt(&limits, since, now).await.unwrap() {
            Attempt::Counted(t) => tickets.push(t),
            refused => panic!("refused below the limit: {refused:?}"),
        }
    }
    assert_eq!(
        store.take_attempt(&limits, since, now).await.unwrap(),
        Attempt::Refused(0)
    );
    assert_eq!(
        store
            .login_failures_since("address:x", since)
            .await
            .unwrap(),
        3,
        "a refused attempt is not counted"
    );
    store.release_attempt(&tickets[0]).await.unwrap();
    assert_eq!(
        store
            .login_failures_since("account:a", since)
            .await
            .unwrap(),
        2
    );
    let other = [
        AttemptLimit {
            key: "account:b",
            max: 3,
        },
        AttemptLimit {
            key: "address:x",
            max: 4,
        },
    ];
    // The address holds 2 (one attempt was given back): two more on another account.
    for _ in 0..2 {
        assert!(matches!(
            store.take_attempt(&other, since, now).await.unwrap(),
            Attempt::Counted(_)
        ));
    }
    assert_eq!(
        store.take_attempt(&other, since, now).await.unwrap(),
        Attempt::Refused(1),
        "the address is at its limit"
    );
    let later = now + Duration::minutes(20);
    assert!(
        matches!(
            store
                .take_attempt(&limits, later - Duration::minutes(15), later)
                .await
                .unwrap(),
            Attempt::Counted(_)
        ),
        "old attempts no longer count"
    );

    // 25 at once against a limit of 5: exactly 5 are counted.
    let burst = (0..25).map(|_| {
        let store = store.clone();
        tokio::spawn(async move {
            let limits = [AttemptLimit {
                key: "account:burst",
                max: 5,
            }];
            store.take_attempt(&limits, since, now).await.unwrap()
        })
    });
    let outcomes = futures::future::join_all(burst).await;
    let counted = outcomes
        .into_iter()
        .filter(|o| matches!(o.as_ref().unwrap(), Attempt::Counted(_)))
        .count();
    assert_eq!(counted, 5);
    assert_eq!(
        store
            .login_failures_since("account:burst", since)
            .await
            .unwrap(),
        5
    );
}

/// API tokens are listed with their dates, stop working when they expire or are revoked,
/// and only their owner (or the command line) revokes them.
pub async fn api_tokens_expire_and_are_revoked(store: Arc<dyn Store>) {
    let u = store
        .setup_user(&email("tok@example.org"), "Tok", None)
        .await
        .unwrap();
    let other = store
        .setup_user(&email("other@example.org"), "Other", None)
        .await
        .unwrap();
    let now = Utc::now();
    let forever = create_token(&*store, u.id, "forever", "hash-forever", None)
        .await
        .unwrap();
    let soon = create_token(
        &*store,
        u.id,
        "soon",
        "hash-soon",
        Some(now + Duration::days(1)),
    )
    .await
    .unwrap();
    assert_eq!(
        soon.expires_at.map(|t| t.timestamp()),
        Some((now + Duration::days(1)).timestamp())
    );
    assert!(store.api_token_user("hash-soon", now).await.is_ok());
    assert!(
        matches!(
            store
                .api_token_user("hash-soon", now + Duration::days(2))
                .await,
            Err(crate::StoreError::NotFound)
        ),
        "an expired token no longer works"
    );
    let listed = store.api_tokens_of(u.id).await.unwrap();
    assert_eq!(
        listed.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["soon", "forever"]
    );
    assert!(listed[0].last_used_at.is_some(), "use is recorded");
    assert!(listed[1].last_used_at.is_none());

    assert!(matches!(
        revoke(&*store, forever.id, Some(other.id), now).await,
        Err(crate::StoreError::NotFound)
    ));
    assert!(store.api_token_user("hash-forever", now).await.is_ok());
    let revoked = revoke(&*store, forever.id, Some(u.id), now).await.unwrap();
    assert!(revoked.revoked_at.is_some() && !revoked.is_live(now));
    assert!(store.api_token_user("hash-forever", now).await.is_err());
    let again = revoke(&*store, forever.id, None, now + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(
        again.revoked_at, revoked.revoked_at,
        "the first revocation stands"
    );
    assert!(matches!(
        revoke(&*store, ApiTokenId(999_999), None, now).await,
        Err(crate::StoreError::NotFound)
    ));
}

/// A password change ends the user's other sessions in the same transaction; ending sessions
/// touches no one else's.
pub async fn password_changes_end_other_sessions(store: Arc<dyn Store>) {
    let u = store
        .setup_user(&email("pw@example.org"), "Pw", Some("old-hash"))
        .await
        .unwrap();
    let other = store
        .setup_user(&email("keep@example.org"), "Keep", None)
        .await
        .unwrap();
    let now = Utc::now();
    let later = now + Duration::hours(1);
    for hash in ["here", "laptop", "phone"] {
        store.create_session(hash, u.id, later).await.unwrap();
    }
    store
        .create_session("theirs", other.id, later)
        .await
        .unwrap();
    let ended = change_password(&*store, u.id, "new-hash", Some("here"))
        .await
        .unwrap();
    assert_eq!(ended, 2);
    assert_eq!(
        store
            .user_by_id(u.id)
            .await
            .unwrap()
            .password_hash
            .as_deref(),
        Some("new-hash")
    );
    assert!(store.session_user("here", now).await.is_ok());
    assert!(store.session_user("laptop", now).await.is_err());
    // A change not committed changes nothing.
    let mut work = store.begin().await.unwrap();
    work.change_password(u.id, "dropped-hash", None)
        .await
        .unwrap();
    drop(work);
    assert!(store.session_user("here", now).await.is_ok());
    assert_eq!(
        store
            .user_by_id(u.id)
            .await
            .unwrap()
            .password_hash
            .as_deref(),
        Some("new-hash")
    );
    let mut work = store.begin().await.unwrap();
    assert_eq!(work.end_sessions(u.id, None).await.unwrap(), 1);
    work.commit().await.unwrap();
    assert!(store.session_user("here", now).await.is_err());
    assert!(store.session_user("theirs", now).await.is_ok());
    assert!(matches!(
        change_password(&*store, UserId(999_999), "x", None).await,
        Err(crate::StoreError::NotFound)
    ));
}
