//! Contract tests for the solidarity wall.

use crate::contract::Setup;
use crate::prelude::*;
use crate::wall::WallMessage;
use crate::wall::{
    Moderation, NewWallMessage, WallFilter, WallPostLimits, WallStatus, WallSubmitted,
};
use crate::{PageRequest, StoreError, StoreResult};
use chrono::{Duration, Utc};
use picket_domain::wall::{duplicate_key, validate, SenderKind, WallLimits, WallSubmission};
use picket_domain::{BranchId, Division, Email, Role, UserId, WallMessageId};
use std::sync::Arc;

pub(crate) fn post(
    branch: BranchId,
    name: &str,
    kind: &str,
    message: &str,
    ip: &str,
) -> NewWallMessage {
    let submission = WallSubmission {
        name: name.into(),
        kind: kind.into(),
        message: message.into(),
        email: Some("poster@example.org".into()),
        pledge: Some("speaker".into()),
        consent: true,
        ..Default::default()
    };
    NewWallMessage {
        branch,
        post: validate(&submission, None, None, &WallLimits::default()).expect("valid post"),
        content_key: duplicate_key(message),
        ip_hash: ip.into(),
        status: WallStatus::Pending,
    }
}

/// Stores a post in a unit of its own, as the wall's form does.
pub(crate) async fn submit(
    store: &dyn Store,
    message: NewWallMessage,
    limits: WallPostLimits,
) -> StoreResult<WallSubmitted> {
    let mut work = store.begin().await?;
    let submitted = work.submit_wall_message(message, limits).await?;
    work.commit().await?;
    Ok(submitted)
}

/// Applies a moderator's decision in a unit of its own; the post as it now stands.
pub(crate) async fn moderate(
    store: &dyn Store,
    branch: BranchId,
    id: WallMessageId,
    action: &Moderation,
    moderator: UserId,
) -> StoreResult<WallMessage> {
    let mut work = store.begin().await?;
    let moderated = work
        .moderate_wall_message(branch, id, action, moderator)
        .await?;
    work.commit().await?;
    Ok(moderated.message)
}

async fn follow_up(
    store: &dyn Store,
    branch: BranchId,
    id: WallMessageId,
    user: UserId,
    done: bool,
) -> StoreResult<()> {
    let mut work = store.begin().await?;
    work.set_followed_up(branch, id, user, done).await?;
    work.commit().await
}

/// Posts wait for moderation; approved ones list featured first, then newest; filters work;
/// another branch's wall neither lists nor finds them.
pub async fn wall_posts_are_moderated_and_scoped(store: Arc<dyn Store>) {
    let a = store
        .setup_branch(&"wall-a".parse().unwrap(), "A", Division::EnglandAndWales)
        .await
        .unwrap();
    let b = store
        .setup_branch(&"wall-b".parse().unwrap(), "B", Division::Scotland)
        .await
        .unwrap();
    let moderator: Email = "mod@example.org".parse().unwrap();
    let (moderator, _) = store
        .setup_branch_user(&moderator, "Mod", None, a.id, Role::Organiser)
        .await
        .unwrap();

    let first = submit(
        &*store,
        post(a.id, "Riverside Branch", "union-body", "Solidarity!", "ip1"),
        WallPostLimits::NONE,
    )
    .await
    .unwrap()
    .id()
    .unwrap();
    let second = submit(
        &*store,
        post(a.id, "A resident", "resident", "We back you.", "ip2"),
        WallPostLimits::NONE,
    )
    .await
    .unwrap()
    .id()
    .unwrap();
    let third = submit(
        &*store,
        post(
            a.id,
            "An MP",
            "politician",
            "Proud to stand with you.",
            "ip3",
        ),
        WallPostLimits::NONE,
    )
    .await
    .unwrap()
    .id()
    .unwrap();

    let approved = WallFilter {
        status: Some(WallStatus::Approved),
        kind: None,
    };
    assert_eq!(
        store
            .wall_messages(a.id, approved, PageRequest::default())
            .await
            .unwrap()
            .total,
        0,
        "nothing shows before moderation"
    );
    for id in [first, second, third] {
        moderate(&*store, a.id, id, &Moderation::Approve, moderator.id)
            .await
            .unwrap();
    }
    moderate(
        &*store,
        a.id,
        first,
        &Moderation::Feature(true),
        moderator.id,
    )
    .await
    .unwrap();
    let shown = store
        .wall_messages(a.id, approved, PageRequest::default())
        .await
        .unwrap();
    let order: Vec<_> = shown.items.iter().map(|m| m.id).collect();
    assert_eq!(order, [first, third, second], "featured first, then newest");
    assert_eq!(
        shown.items[0].email.as_deref(),
        Some("poster@example.org"),
        "kept for moderators"
    );

    let residents = WallFilter {
        status: Some(WallStatus::Approved),
        kind: Some(SenderKind::Resident),
    };
    let only = store
        .wall_messages(a.id, residents, PageRequest::new(1, 1))
        .await
        .unwrap();
    assert_eq!((only.total, only.items[0].id), (1, second));

    assert!(matches!(
        store.wall_message(b.id, first).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        moderate(&*store, b.id, first, &Moderation::Reject, moderator.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .wall_messages(b.id, WallFilter::default(), PageRequest::default())
            .await
            .unwrap()
            .total,
        0
    );
}

/// A typo correction keeps the original; the counts per status.
pub async fn wall_edits_counts_and_purge(store: Arc<dyn Store>) {
    let a = store
        .setup_branch(&"wall-c".parse().unwrap(), "C", Division::EnglandAndWales)
        .await
        .unwrap();
    let who: Email = "m2@example.org".parse().unwrap();
    let (moderator, _) = store
        .setup_branch_user(&who, "Mod", None, a.id, Role::Organiser)
        .await
        .unwrap();
    let id = submit(
        &*store,
        post(a.id, "Nurse", "worker", "Solidarty from the ward", "ip9"),
        WallPostLimits::NONE,
    )
    .await
    .unwrap()
    .id()
    .unwrap();
    let edited = moderate(
        &*store,
        a.id,
        id,
        &Moderation::Edit("Solidarity from the ward".into()),
        moderator.id,
    )
    .await
    .unwrap();
    assert_eq!(edited.message, "Solidarity from the ward");
    assert_eq!(edited.original.as_deref(), Some("Solidarty from the ward"));
    let again = moderate(
        &*store,
        a.id,
        id,
        &Moderation::Edit("Solidarity from the whole ward".into()),
        moderator.id,
    )
    .await
    .unwrap();
    assert_eq!(
        again.original.as_deref(),
        Some("Solidarty from the ward"),
        "the first text is kept"
    );

    let spam = submit(
        &*store,
        post(a.id, "Bot", "other", "cheap pills", "ip8"),
        WallPostLimits::NONE,
    )
    .await
    .unwrap()
    .id()
    .unwrap();
    moderate(&*store, a.id, spam, &Moderation::Spam, moderator.id)
        .await
        .unwrap();
    let counts = store.wall_counts(a.id).await.unwrap();
    assert_eq!((counts.pending, counts.spam), (1, 1));
}

/// Offers are follow-up tasks: listed until done, scoped to the branch, rejected ones dropped.
pub async fn wall_pledges_are_followed_up(store: Arc<dyn Store>) {
    let a = store
        .setup_branch(&"wall-p".parse().unwrap(), "P", Division::EnglandAndWales)
        .await
        .unwrap();
    let b = store
        .setup_branch(&"wall-q".parse().unwrap(), "Q", Division::EnglandAndWales)
        .await
        .unwrap();
    let who: Email = "m3@example.org".parse().unwrap();
    let (organiser, _) = store
        .setup_branch_user(&who, "Org", None, a.id, Role::Organiser)
        .await
        .unwrap();
    let first = submit(
        &*store,
        post(a.id, "Speaker host", "worker", "Come and speak", "ip1"),
        WallPostLimits::NONE,
    )
    .await
    .unwrap()
    .id()
    .unwrap();
    let second = submit(
        &*store,
        post(a.id, "Rejected host", "worker", "Rude offer", "ip2"),
        WallPostLimits::NONE,
    )
    .await
    .unwrap()
    .id()
    .unwrap();
    moderate(&*store, a.id, second, &Moderation::Reject, organiser.id)
        .await
        .unwrap();

    let open = store
        .wall_pledges(a.id, true, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(open.items.iter().map(|m| m.id).collect::<Vec<_>>(), [first]);
    assert_eq!(open.items[0].email.as_deref(), Some("poster@example.org"));
    assert!(matches!(
        follow_up(&*store, b.id, first, organiser.id, true).await,
        Err(StoreError::NotFound)
    ));
    follow_up(&*store, a.id, first, organiser.id, true)
        .await
        .unwrap();
    assert_eq!(
        store
            .wall_pledges(a.id, true, PageRequest::default())
            .await
            .unwrap()
            .total,
        0
    );
    let all = store
        .wall_pledges(a.id, false, PageRequest::default())
        .await
        .unwrap();
    assert!(all.items[0].followed_up_at.is_some());
    follow_up(&*store, a.id, first, organiser.id, false)
        .await
        .unwrap();
    assert_eq!(
        store
            .wall_pledges(a.id, true, PageRequest::default())
            .await
            .unwrap()
            .total,
        1
    );
}

/// The feed's list: approved posts only, newest first whether pinned or not, at most the
/// limit, and never another branch's.
pub async fn wall_feed_is_newest_approved_first(store: Arc<dyn Store>) {
    let a = store
        .setup_branch(&"feed-a".parse().unwrap(), "A", Division::EnglandAndWales)
        .await
        .unwrap();
    let b = store
        .setup_branch(&"feed-b".parse().unwrap(), "B", Division::Scotland)
        .await
        .unwrap();
    let moderator: Email = "feedmod@example.org".parse().unwrap();
    let (moderator, _) = store
        .setup_branch_user(&moderator, "Mod", None, a.id, Role::Organiser)
        .await
        .unwrap();
    let mut ids = Vec::new();
    for n in 0..4 {
        let id = submit(
            &*store,
            post(
                a.id,
                &format!("Poster {n}"),
                "resident",
                &format!("Message number {n}"),
                &format!("feed-ip{n}"),
            ),
            WallPostLimits::NONE,
        )
        .await
        .unwrap()
        .id()
        .unwrap();
        ids.push(id);
    }
    for id in &ids[..3] {
        moderate(&*store, a.id, *id, &Moderation::Approve, moderator.id)
            .await
            .unwrap();
    }
    // The oldest is pinned: the wall lists it first, the feed in its place by age.
    moderate(
        &*store,
        a.id,
        ids[0],
        &Moderation::Feature(true),
        moderator.id,
    )
    .await
    .unwrap();
    let other = submit(
        &*store,
        post(b.id, "Elsewhere", "resident", "Other wall", "feed-ipb"),
        WallPostLimits::NONE,
    )
    .await
    .unwrap()
    .id()
    .unwrap();
    let feed = store.newest_approved_wall(a.id, 50).await.unwrap();
    let got: Vec<WallMessageId> = feed.iter().map(|m| m.id).collect();
    assert_eq!(
        got,
        vec![ids[2], ids[1], ids[0]],
        "approved only, newest first"
    );
    assert!(!got.contains(&other));
    let two = store.newest_approved_wall(a.id, 2).await.unwrap();
    assert_eq!(two.len(), 2);
    assert_eq!(two[0].id, ids[2]);
    assert!(store
        .newest_approved_wall(b.id, 50)
        .await
        .unwrap()
        .is_empty());
}

/// The limits are checked as the post is stored: the address limit counts recent posts from
/// that address on any wall, the duplicate check the same words on this wall only, and
/// neither counts what is older than its window.
pub async fn wall_limits_are_checked_as_a_post_is_stored(store: Arc<dyn Store>) {
    let a = store
        .setup_branch(&"lim-a".parse().unwrap(), "A", Division::EnglandAndWales)
        .await
        .unwrap();
    let b = store
        .setup_branch(&"lim-b".parse().unwrap(), "B", Division::Scotland)
        .await
        .unwrap();
    let now = Utc::now();
    let two_an_hour = WallPostLimits {
        per_address: Some((2, now - Duration::hours(1))),
        duplicates_since: Some(now - Duration::hours(1)),
    };
    let first = submit(
        &*store,
        post(a.id, "Ana", "resident", "Solidarity from the ward", "ip-l"),
        two_an_hour,
    )
    .await
    .unwrap();
    assert!(matches!(first, WallSubmitted::Stored(_)));
    assert_eq!(
        submit(
            &*store,
            post(a.id, "Ana", "resident", "solidarity FROM the ward!", "ip-m"),
            two_an_hour,
        )
        .await
        .unwrap(),
        WallSubmitted::Duplicate,
        "the same words, however written"
    );
    assert!(
        matches!(
            submit(
                &*store,
                post(b.id, "Ana", "resident", "Solidarity from the ward", "ip-m"),
                two_an_hour,
            )
            .await
            .unwrap(),
            WallSubmitted::Stored(_)
        ),
        "another wall may carry the same words"
    );
    let later = WallPostLimits {
        duplicates_since: Some(now + Duration::seconds(30)),
        ..two_an_hour
    };
    assert!(
        matches!(
            submit(
                &*store,
                post(a.id, "Ana", "resident", "Solidarity from the ward", "ip-n"),
                later,
            )
            .await
            .unwrap(),
            WallSubmitted::Stored(_)
        ),
        "a repeat older than the window is not a duplicate"
    );

    // Two from ip-l: the one on the other wall counts too.
    assert!(matches!(
        submit(
            &*store,
            post(b.id, "Ana", "resident", "Second", "ip-l"),
            two_an_hour
        )
        .await
        .unwrap(),
        WallSubmitted::Stored(_)
    ));
    let refused = submit(
        &*store,
        post(a.id, "Ana", "resident", "Third", "ip-l"),
        two_an_hour,
    )
    .await
    .unwrap();
    assert_eq!(refused, WallSubmitted::TooManyFromAddress { recent: 2 });
    let fresh_window = WallPostLimits {
        per_address: Some((2, now + Duration::seconds(30))),
        ..two_an_hour
    };
    assert!(
        matches!(
            submit(
                &*store,
                post(a.id, "Ana", "resident", "Third", "ip-l"),
                fresh_window
            )
            .await
            .unwrap(),
            WallSubmitted::Stored(_)
        ),
        "posts before the window do not count"
    );
    let refused_text = store
        .wall_messages(a.id, WallFilter::default(), PageRequest::default())
        .await
        .unwrap()
        .items
        .iter()
        .filter(|m| m.message == "Third")
        .count();
    assert_eq!(refused_text, 1, "a refused post is not stored");
}

/// A burst sent at the same moment is counted one post after another: 30 parallel posts
/// from one address under a limit of 10 store exactly 10, and 20 parallel copies of one
/// message from different addresses store exactly one.
pub async fn wall_limits_hold_under_a_parallel_burst(store: Arc<dyn Store>) {
    let a = store
        .setup_branch(&"burst".parse().unwrap(), "A", Division::EnglandAndWales)
        .await
        .unwrap();
    let now = Utc::now();
    let limits = WallPostLimits {
        per_address: Some((10, now - Duration::hours(1))),
        duplicates_since: Some(now - Duration::hours(1)),
    };
    let outcomes = |messages: Vec<NewWallMessage>| {
        let store = store.clone();
        async move {
            let tasks: Vec<_> = messages
                .into_iter()
                .map(|m| {
                    let store = store.clone();
                    tokio::spawn(async move { submit(&*store, m, limits).await })
                })
                .collect();
            let mut all = Vec::new();
            for task in tasks {
                all.push(task.await.unwrap().unwrap());
            }
            all
        }
    };
    let from_one = (0..30)
        .map(|n| post(a.id, "Ana", "resident", &format!("Post {n}"), "one-address"))
        .collect();
    let got = outcomes(from_one).await;
    let stored = got.iter().filter(|o| o.id().is_some()).count();
    let refused = got
        .iter()
        .filter(|o| matches!(o, WallSubmitted::TooManyFromAddress { recent: 10 }))
        .count();
    assert_eq!((stored, refused), (10, 20), "{got:?}");

    let same_words = (0..20)
        .map(|n| {
            post(
                a.id,
                "Ana",
                "resident",
                "We stand with you",
                &format!("addr-{n}"),
            )
        })
        .collect();
    let got = outcomes(same_words).await;
    let stored = got.iter().filter(|o| o.id().is_some()).count();
    let duplicates = got
        .iter()
        .filter(|o| **o == WallSubmitted::Duplicate)
        .count();
    assert_eq!((stored, duplicates), (1, 19), "{got:?}");
    assert_eq!(
        store
            .wall_messages(a.id, WallFilter::default(), PageRequest::default())
            .await
            .unwrap()
            .total,
        11
    );
}

/// A decision reports where the post stood before it; of two moderators approving at the
/// same moment only one puts it on the wall; a decision in a unit that is not committed
/// leaves the post as it was.
pub async fn wall_moderation_reports_what_it_changed(store: Arc<dyn Store>) {
    let a = store
        .setup_branch(&"wall-m".parse().unwrap(), "M", Division::EnglandAndWales)
        .await
        .unwrap();
    let who: Email = "m4@example.org".parse().unwrap();
    let (moderator, _) = store
        .setup_branch_user(&who, "Mod", None, a.id, Role::Organiser)
        .await
        .unwrap();
    let id = submit(
        &*store,
        post(a.id, "Ana", "resident", "Solidarity", "ip-mod"),
        WallPostLimits::NONE,
    )
    .await
    .unwrap()
    .id()
    .unwrap();

    // Not committed: nothing changes.
    let mut work = store.begin().await.unwrap();
    let undone = work
        .moderate_wall_message(a.id, id, &Moderation::Approve, moderator.id)
        .await
        .unwrap();
    assert!(undone.newly_approved());
    drop(work);
    assert_eq!(
        store.wall_message(a.id, id).await.unwrap().status,
        WallStatus::Pending
    );

    // Two approvals at once: each waits for the other, and one of them finds it approved.
    let approvals: Vec<_> = (0..2)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut work = store.begin().await?;
                let done = work
                    .moderate_wall_message(a.id, id, &Moderation::Approve, moderator.id)
                    .await?;
                // Held open a moment, so the other decision arrives while this one is in hand.
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                work.commit().await?;
                Ok::<_, StoreError>(done)
            })
        })
        .collect();
    let mut firsts = 0;
    for approval in approvals {
        let done = approval.await.unwrap().unwrap();
        assert_eq!(done.message.status, WallStatus::Approved);
        firsts += usize::from(done.newly_approved());
    }
    assert_eq!(firsts, 1, "one approval puts it on the wall");

    let mut work = store.begin().await.unwrap();
    let featured = work
        .moderate_wall_message(a.id, id, &Moderation::Feature(true), moderator.id)
        .await
        .unwrap();
    work.commit().await.unwrap();
    assert_eq!(featured.before, WallStatus::Approved);
    assert!(!featured.newly_approved() && featured.message.featured);
}
