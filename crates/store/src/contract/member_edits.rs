//! Contract tests for an organiser's edit of a member record and a member's change of their
//! own email address, which waits for the link sent to the new address.

use crate::contract::Setup;
use crate::member_data::{ConsentSource, EmailChangeUse, NewEmailChange};
use crate::prelude::*;
use crate::StoreError;
use chrono::{Duration, NaiveDate, Utc};
use picket_domain::member_data::LinkState;
use picket_domain::members::{MemberDetails, MemberField};
use picket_domain::{BranchId, Division, Email, MemberId, Role, TeamId, UserId};
use std::sync::Arc;

fn email(s: &str) -> Email {
    s.parse().expect("test email")
}

async fn branch(store: &Arc<dyn Store>, slug: &str) -> BranchId {
    store
        .setup_branch(&slug.parse().unwrap(), slug, Division::EnglandAndWales)
        .await
        .unwrap()
        .id
}

async fn team(store: &Arc<dyn Store>, branch: BranchId, name: &str) -> TeamId {
    crate::contract::member_writes::create_team(&**store, branch, name, None)
        .await
        .unwrap()
        .id
}

async fn member(store: &Arc<dyn Store>, branch: BranchId, number: &str, address: &str) -> MemberId {
    let mut details = MemberDetails::new(number.parse().unwrap(), format!("Member {number}"));
    details.email = Some(email(address));
    crate::contract::member_writes::create_member(&**store, branch, &details, None)
        .await
        .unwrap()
        .id
}

async fn edit(
    store: &Arc<dyn Store>,
    branch: BranchId,
    id: MemberId,
    details: &MemberDetails,
    team: Option<TeamId>,
) -> Result<Vec<MemberField>, StoreError> {
    let mut w = store.begin().await?;
    let changed = w.update_member(branch, id, details, team, None).await?;
    w.commit().await?;
    Ok(changed)
}

/// An edit writes what changed and says which fields; an unchanged edit writes nothing; a
/// record or a team of another branch, a taken number and an erased record are refused and
/// change nothing.
pub async fn member_edits_are_checked_and_scoped(store: Arc<dyn Store>) {
    let north = branch(&store, "north").await;
    let south = branch(&store, "south").await;
    let duty = team(&store, north, "Duty").await;
    let theirs = team(&store, south, "Theirs").await;
    let ana = member(&store, north, "N1", "ana@example.org").await;
    let bo = member(&store, north, "N2", "bo@example.org").await;
    let before = store.member(north, ana).await.unwrap();

    let mut details = before.details.clone();
    details.name = "Ana Rees".into();
    details.job_title = Some("Team manager".into());
    details.contact.by_email = true;
    details.contact.consent_wording = Some("Yes".into());
    details.contact.consent_date = NaiveDate::from_ymd_opt(2024, 5, 1);
    let changed = edit(&store, north, ana, &details, Some(duty))
        .await
        .unwrap();
    assert_eq!(
        changed,
        vec![
            MemberField::Name,
            MemberField::Team,
            MemberField::JobTitle,
            MemberField::ContactEmail,
            MemberField::ConsentWording,
            MemberField::ConsentDate
        ]
    );
    let after = store.member(north, ana).await.unwrap();
    assert_eq!(after.details.name, "Ana Rees");
    assert_eq!(after.team_id, Some(duty));
    let history = store.consent_history(north, ana).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].source, ConsentSource::Organiser);
    assert!(edit(&store, north, ana, &details, Some(duty))
        .await
        .unwrap()
        .is_empty());

    // Refusals change nothing.
    assert!(matches!(
        edit(&store, south, ana, &details, None).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        edit(&store, north, ana, &details, Some(theirs)).await,
        Err(StoreError::NotFound)
    ));
    let mut taken = details.clone();
    taken.membership_number = "N2".parse().unwrap();
    assert!(matches!(
        edit(&store, north, ana, &taken, Some(duty)).await,
        Err(StoreError::Conflict("membership number"))
    ));
    assert_eq!(store.member(north, ana).await.unwrap(), after);
    assert_eq!(
        store.member(north, bo).await.unwrap().details.name,
        "Member N2"
    );
    crate::contract::member_writes::erase_member(&*store, north, bo)
        .await
        .unwrap();
    let erased = store.member(north, bo).await.unwrap();
    assert!(matches!(
        edit(&store, north, bo, &erased.details, None).await,
        Err(StoreError::NotFound)
    ));
}

async fn ask(store: &Arc<dyn Store>, change: &NewEmailChange) -> Result<(), StoreError> {
    let mut w = store.begin().await?;
    w.request_email_change(change).await?;
    w.commit().await
}

async fn spend(store: &Arc<dyn Store>, hash: &str) -> Result<EmailChangeUse, StoreError> {
    let mut w = store.begin().await?;
    let out = w.confirm_email_change(hash, Utc::now()).await?;
    w.commit().await?;
    Ok(out)
}

/// A member's new address waits for its link: the record keeps the old one until the link
/// is used, once, before it expires; only the linked account may ask, and a newer request
/// or an organiser's change of address drops the waiting one.
pub async fn email_changes_wait_for_their_link(store: Arc<dyn Store>) {
    let north = branch(&store, "north").await;
    let south = branch(&store, "south").await;
    let ana = member(&store, north, "N1", "ana@example.org").await;
    let (user, _) = store
        .setup_branch_user(&email("ana@example.org"), "Ana", None, north, Role::Member)
        .await
        .unwrap();
    let (other, _) = store
        .setup_branch_user(&email("bo@example.org"), "Bo", None, north, Role::Member)
        .await
        .unwrap();
    crate::contract::member_writes::link_member_user(&*store, north, ana, Some(user.id))
        .await
        .unwrap();
    let change = |hash: &str, who: UserId, branch: BranchId, minutes: i64| NewEmailChange {
        branch,
        member_id: ana,
        user: who,
        new_email: email("ana.new@example.org"),
        token_hash: hash.into(),
        expires_at: Utc::now() + Duration::minutes(minutes),
    };
    assert!(matches!(
        ask(&store, &change("h0", other.id, north, 60)).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        ask(&store, &change("h0", user.id, south, 60)).await,
        Err(StoreError::NotFound)
    ));
    ask(&store, &change("h1", user.id, north, 60))
        .await
        .unwrap();
    let pending = store
        .pending_email_change(north, ana, Utc::now())
        .await
        .unwrap()
        .expect("waiting");
    assert_eq!(pending.new_email, "ana.new@example.org");
    let still = store.member(north, ana).await.unwrap();
    assert_eq!(still.details.email, Some(email("ana@example.org")));

    // A newer request drops the older one's link.
    ask(&store, &change("h2", user.id, north, 60))
        .await
        .unwrap();
    assert!(matches!(
        store.email_change_state("h1", Utc::now()).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store.email_change_state("h2", Utc::now()).await.unwrap(),
        (north, LinkState::Usable)
    );
    assert_eq!(
        spend(&store, "h2").await.unwrap(),
        EmailChangeUse::Changed {
            branch: north,
            member_id: ana,
            user: Some(user.id)
        }
    );
    let changed = store.member(north, ana).await.unwrap();
    assert_eq!(changed.details.email, Some(email("ana.new@example.org")));
    assert_eq!(
        store.user_by_id(user.id).await.unwrap().email,
        "ana.new@example.org",
        "the passwordless account follows"
    );
    assert_eq!(
        spend(&store, "h2").await.unwrap(),
        EmailChangeUse::Refused {
            branch: north,
            state: LinkState::Used
        }
    );
    assert!(store
        .pending_email_change(north, ana, Utc::now())
        .await
        .unwrap()
        .is_none());

    // An expired link changes nothing.
    let mut expired = change("h3", user.id, north, -1);
    expired.new_email = email("ana.third@example.org");
    ask(&store, &expired).await.unwrap();
    assert_eq!(
        spend(&store, "h3").await.unwrap(),
        EmailChangeUse::Refused {
            branch: north,
            state: LinkState::Expired
        }
    );
    assert!(matches!(
        spend(&store, "nope").await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store.member(north, ana).await.unwrap().details.email,
        Some(email("ana.new@example.org"))
    );

    // An organiser's change of address wins over one waiting for its link.
    ask(&store, &change("h4", user.id, north, 60))
        .await
        .unwrap();
    let mut details = store.member(north, ana).await.unwrap().details;
    details.email = Some(email("ana.records@example.org"));
    let mut w = store.begin().await.unwrap();
    w.update_member(north, ana, &details, None, None)
        .await
        .unwrap();
    w.commit().await.unwrap();
    assert!(matches!(
        store.email_change_state("h4", Utc::now()).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store.user_by_id(user.id).await.unwrap().email,
        "ana.records@example.org"
    );
}
