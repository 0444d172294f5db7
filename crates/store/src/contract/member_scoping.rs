//! Contract tests that each member record is reached only through its own branch (and a
//! member's own data only through their own account): another branch's id is not found,
//! whether read or written, and a refused write changes nothing.

use crate::contract::member_data::{link, member, outbox};
use crate::contract::member_writes::*;
use crate::contract::Setup;
use crate::member_data::{LinkUse, NewMagicLink, OwnDetails};
use crate::members::{ImportOptions, ImportRunStatus, MemberFilter};
use crate::prelude::*;
use crate::{PageRequest, StoreError};
use chrono::{Duration, NaiveDate, Utc};
use picket_domain::member_data::LinkState;
use picket_domain::members::import::{parse_file, ColumnMap};
use picket_domain::members::{ContactPreferences, MemberDetails};
use picket_domain::{BranchId, Division, Role, UserId};
use std::sync::Arc;

async fn branch(store: &Arc<dyn Store>, slug: &str) -> BranchId {
    store
        .setup_branch(&slug.parse().unwrap(), slug, Division::EnglandAndWales)
        .await
        .unwrap()
        .id
}

fn not_found<T: std::fmt::Debug>(result: crate::StoreResult<T>) {
    assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
}

/// Members, teams, reps' teams, the import mapping and import runs are read and changed only
/// through their branch.
pub async fn member_records_are_refused_through_another_branch(store: Arc<dyn Store>) {
    let north = branch(&store, "scope-north").await;
    let south = branch(&store, "scope-south").await;
    let team = create_team(&*store, north, "Duty", None).await.unwrap();
    let details = MemberDetails::new("S1".parse().unwrap(), "Ana Example");
    let ana = create_member(&*store, north, &details, Some(team.id))
        .await
        .unwrap();
    let (rep, _) = store
        .setup_branch_user(
            &"rep@example.org".parse().unwrap(),
            "Rep",
            None,
            north,
            Role::Rep,
        )
        .await
        .unwrap();

    // Reads through the other branch find nothing.
    assert!(store.teams(south).await.unwrap().is_empty());
    not_found(store.member(south, ana.id).await);
    let by_team = MemberFilter {
        teams: Some(vec![team.id]),
        ..MemberFilter::default()
    };
    assert_eq!(
        store
            .search_members(south, &by_team, PageRequest::default())
            .await
            .unwrap()
            .total,
        0
    );
    assert!(store
        .export_members(south, &MemberFilter::default(), None, 10)
        .await
        .unwrap()
        .is_empty());

    // Writes through the other branch are refused and change nothing.
    not_found(create_member(&*store, south, &details, Some(team.id)).await);
    assert_eq!(
        store
            .search_members(south, &MemberFilter::default(), PageRequest::default())
            .await
            .unwrap()
            .total,
        0
    );
    not_found(link_member_user(&*store, south, ana.id, Some(rep.id)).await);
    assert_eq!(store.member(north, ana.id).await.unwrap().user_id, None);
    link_member_user(&*store, north, ana.id, Some(rep.id))
        .await
        .unwrap();
    assert_eq!(store.member_for_user(south, rep.id).await.unwrap(), None);

    // A rep's teams: only the branch's teams, only for someone with a role there.
    not_found(set_rep_teams(&*store, south, rep.id, &[team.id]).await);
    set_rep_teams(&*store, north, rep.id, &[team.id])
        .await
        .unwrap();
    assert!(store.rep_team_ids(south, rep.id).await.unwrap().is_empty());
    let stranger = store
        .setup_user(&"stranger@example.org".parse().unwrap(), "S", None)
        .await
        .unwrap();
    not_found(set_rep_teams(&*store, north, stranger.id, &[team.id]).await);
    assert!(store
        .rep_team_ids(north, stranger.id)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store.rep_team_ids(north, rep.id).await.unwrap(),
        [team.id],
        "the refused change left the rep's teams alone"
    );

    // The import: a branch's mapping is its own, and a team is found by name in the
    // importing branch only.
    let file = parse_file(
        b"membership_number,name,team\nS1,Ana Changed,Duty\n",
        &ColumnMap::default(),
    )
    .unwrap();
    let options = ImportOptions {
        dry_run: false,
        today: NaiveDate::from_ymd_opt(2024, 6, 1).unwrap(),
        save_map: Some(ColumnMap::parse_lines(["Full Name=name"]).unwrap()),
    };
    let refused = import_members(&*store, south, &file, &options)
        .await
        .unwrap();
    assert!(!refused.applied, "Duty is not a team of the south branch");
    assert_eq!(store.import_map(south).await.unwrap(), None);
    assert_eq!(
        store.member(north, ana.id).await.unwrap().details.name,
        "Ana Example"
    );

    // Import runs.
    let lease = crate::members::ImportLease {
        owner: "me".into(),
        until: Utc::now() + Duration::seconds(60),
    };
    let run = start_import_run(&*store, north, rep.id, false, 1, &lease)
        .await
        .unwrap();
    not_found(store.import_run(south, run).await);
    not_found(finish_import_run(&*store, south, run, Err("not theirs")).await);
    let kept = store.import_run(north, run).await.unwrap();
    assert_eq!(kept.status, ImportRunStatus::Running);
    assert_eq!(kept.error, None);
}

/// A member's own data (sign-in links, own corrections, consent, subject access records,
/// erasure) is reached only through the member's branch, and their corrections only by their
/// own account.
pub async fn own_data_is_refused_through_another_branch_or_member(store: Arc<dyn Store>) {
    let north = branch(&store, "own-north").await;
    let south = branch(&store, "own-south").await;
    let ana = member(&store, north, "O1", "ana@example.org").await;
    let bo = member(&store, north, "O2", "bo@example.org").await;
    let now = Utc::now();

    // A link to another branch's member is not stored, nor its email queued.
    let pending = store.outbox_counts().await.unwrap().pending;
    let theirs = NewMagicLink {
        branch: south,
        member_id: ana,
        token_hash: "h-south".into(),
        expires_at: now + Duration::minutes(30),
    };
    not_found(create_magic_link(&*store, &theirs, Some(outbox("h-south"))).await);
    assert_eq!(store.outbox_counts().await.unwrap().pending, pending);
    not_found(store.magic_link_state("h-south", now).await);
    assert_eq!(
        store
            .member_for_sign_in(south, &"ana@example.org".parse().unwrap())
            .await
            .unwrap(),
        None
    );

    // A link is used only through its own branch; through another it is not found and stays
    // usable.
    link(&store, north, ana, "h-ana", 30).await;
    link(&store, north, bo, "h-bo", 30).await;
    not_found(use_magic_link(&*store, south, "h-ana", now, "s-south").await);
    assert_eq!(
        store.magic_link_state("h-ana", now).await.unwrap(),
        (north, LinkState::Usable)
    );
    assert!(store.session_user("s-south", now).await.is_err());
    let signed_in = |used: LinkUse| -> UserId {
        match used {
            LinkUse::SignedIn { user, .. } => user.id,
            other => panic!("expected a sign-in, got {other:?}"),
        }
    };
    let ana_user = signed_in(
        use_magic_link(&*store, north, "h-ana", now, "s-ana")
            .await
            .unwrap(),
    );
    let bo_user = signed_in(
        use_magic_link(&*store, north, "h-bo", now, "s-bo")
            .await
            .unwrap(),
    );

    // Own corrections: only the linked account, only through the branch.
    let details = OwnDetails {
        email: Some("changed@example.org".parse().unwrap()),
        phone: None,
        contact: ContactPreferences {
            by_email: true,
            by_phone: false,
            consent_wording: Some("You may email me.".into()),
            consent_date: NaiveDate::from_ymd_opt(2026, 1, 2),
        },
    };
    not_found(update_own_details(&*store, north, ana, bo_user, &details).await);
    not_found(update_own_details(&*store, north, bo, ana_user, &details).await);
    not_found(update_own_details(&*store, south, ana, ana_user, &details).await);
    for (id, address) in [(ana, "ana@example.org"), (bo, "bo@example.org")] {
        let record = store.member(north, id).await.unwrap();
        assert_eq!(
            record.details.email.as_ref().map(|e| e.as_str()),
            Some(address),
            "a refused correction changes nothing"
        );
        assert!(store.consent_history(north, id).await.unwrap().is_empty());
    }
    assert_eq!(
        store.user_by_id(bo_user).await.unwrap().email,
        "bo@example.org",
        "nor the account"
    );
    update_own_details(&*store, north, ana, ana_user, &details)
        .await
        .unwrap();
    assert_eq!(store.consent_history(north, ana).await.unwrap().len(), 1);

    // Consent and subject access records through another branch: nothing.
    assert!(store.consent_history(south, ana).await.unwrap().is_empty());
    not_found(store.subject_records(south, ana).await);
    let bo_records = store.subject_records(north, bo).await.unwrap();
    assert_eq!(bo_records.sign_in_links.len(), 1, "only Bo's own link");
    assert!(bo_records.consents.is_empty());
    assert_eq!(bo_records.account.map(|u| u.id), Some(bo_user));

    // Erasure through another branch is refused and erases nothing.
    not_found(erase_member(&*store, south, ana).await);
    assert_eq!(store.member(north, ana).await.unwrap().erased_at, None);
    assert_eq!(
        store.session_user("s-ana", now).await.unwrap().id,
        ana_user,
        "still signed in"
    );
    assert_eq!(
        store
            .subject_records(north, ana)
            .await
            .unwrap()
            .consents
            .len(),
        1
    );
}
