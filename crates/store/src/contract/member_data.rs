//! Contract tests for a member's own access: sign-in links, own corrections and consent
//! history, subject access records, and erasure.

use crate::contract::member_writes::*;
use crate::contract::Setup;
use crate::member_data::*;
use crate::members::ImportOptions;
use crate::prelude::*;
use crate::{NewAuditEntry, NewOutboxEmail, StoreError};
use chrono::{Duration, NaiveDate, Utc};
use picket_domain::member_data::LinkState;
use picket_domain::members::import::{parse_file, ColumnMap};
use picket_domain::members::ContactPreferences;
use picket_domain::members::MemberDetails;
use picket_domain::{BranchId, Division, Email, MemberId, Role};
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

pub(crate) async fn member(
    store: &Arc<dyn Store>,
    branch: BranchId,
    number: &str,
    address: &str,
) -> MemberId {
    let mut details =
        MemberDetails::new(number.parse().expect("number"), format!("Member {number}"));
    details.email = Some(email(address));
    create_member(&**store, branch, &details, None)
        .await
        .expect("create member")
        .id
}

pub(crate) fn outbox(key: &str) -> NewOutboxEmail {
    NewOutboxEmail {
        idempotency_key: Some(key.into()),
        payload: "{}".into(),
        max_attempts: 3,
        run_after: Utc::now(),
        send_once: false,
    }
}

pub(crate) async fn link(
    store: &Arc<dyn Store>,
    branch: BranchId,
    member_id: MemberId,
    hash: &str,
    minutes: i64,
) {
    let link = NewMagicLink {
        branch,
        member_id,
        token_hash: hash.into(),
        expires_at: Utc::now() + Duration::minutes(minutes),
    };
    create_magic_link(&**store, &link, Some(outbox(hash)))
        .await
        .unwrap();
}

/// A sign-in link works once, before it expires, and makes or reuses the member's account.
pub async fn sign_in_links_work_once_and_expire(store: Arc<dyn Store>) {
    let north = branch(&store, "northfield").await;
    let south = branch(&store, "southfield").await;
    let ana = member(&store, north, "N1", "Ana@Example.org").await;
    assert_eq!(
        store
            .member_for_sign_in(north, &email("ana@example.org"))
            .await
            .unwrap(),
        Some((ana, "Ana@example.org".to_string())),
        "found whatever the case"
    );
    assert_eq!(
        store
            .member_for_sign_in(south, &email("ana@example.org"))
            .await
            .unwrap(),
        None,
        "another branch's member is not found"
    );
    link(&store, north, ana, "hash-1", 30).await;
    assert_eq!(
        store.outbox_counts().await.unwrap().pending,
        1,
        "email queued"
    );
    let now = Utc::now();
    let (b, state) = store.magic_link_state("hash-1", now).await.unwrap();
    assert_eq!((b, state), (north, LinkState::Usable));
    assert!(matches!(
        store.magic_link_state("nope", now).await,
        Err(StoreError::NotFound)
    ));

    let used = use_magic_link(&*store, north, "hash-1", now, "session-1")
        .await
        .unwrap();
    let LinkUse::SignedIn {
        user,
        member_id,
        created,
    } = used
    else {
        panic!("expected a sign-in, got {used:?}");
    };
    assert_eq!(member_id, ana);
    assert!(created);
    assert!(user.password_hash.is_none());
    assert_eq!(
        store.session_user("session-1", now).await.unwrap().id,
        user.id
    );
    let roles = store.memberships_of(user.id).await.unwrap();
    assert_eq!(roles.len(), 1);
    assert_eq!((roles[0].branch.id, roles[0].role), (north, Role::Member));
    assert_eq!(
        store
            .member_for_user(north, user.id)
            .await
            .unwrap()
            .map(|m| m.id),
        Some(ana)
    );
    assert!(store
        .member_for_user(south, user.id)
        .await
        .unwrap()
        .is_none());

    // Twice: refused, and no second session.
    let again = use_magic_link(&*store, north, "hash-1", now, "session-2")
        .await
        .unwrap();
    assert_eq!(again, LinkUse::Refused(LinkState::Used));
    assert!(store.session_user("session-2", now).await.is_err());

    // Expired: refused; a fresh one reuses the same account.
    link(&store, north, ana, "hash-2", 30).await;
    let late = now + Duration::minutes(31);
    assert_eq!(
        use_magic_link(&*store, north, "hash-2", late, "session-3")
            .await
            .unwrap(),
        LinkUse::Refused(LinkState::Expired)
    );
    link(&store, north, ana, "hash-3", 30).await;
    match use_magic_link(&*store, north, "hash-3", now, "session-4")
        .await
        .unwrap()
    {
        LinkUse::SignedIn {
            user: again,
            created,
            ..
        } => {
            assert_eq!(again.id, user.id);
            assert!(!created);
        }
        other => panic!("{other:?}"),
    }
    // Retention takes expired links, and only those.
    let rule = crate::retention::rule_named("magic_links").expect("a retention kind");
    assert_eq!(
        store
            .retention_due(rule, now + Duration::minutes(20))
            .await
            .unwrap(),
        0,
        "none has expired twenty minutes on"
    );
    assert_eq!(
        crate::contract::retention::apply(&*store, &[(rule, now + Duration::hours(1))]).await,
        vec![3]
    );
}

/// An account with a password is linked but not signed in by a link; a held role is kept.
pub async fn sign_in_links_respect_passwords_and_roles(store: Arc<dyn Store>) {
    let north = branch(&store, "northfield").await;
    let (org, _) = store
        .setup_branch_user(
            &email("org@example.org"),
            "Org",
            Some("$argon2id$fake"),
            north,
            Role::Organiser,
        )
        .await
        .unwrap();
    let m = member(&store, north, "N2", "ORG@example.org").await;
    link(&store, north, m, "hash-p", 30).await;
    let now = Utc::now();
    let used = use_magic_link(&*store, north, "hash-p", now, "session-p")
        .await
        .unwrap();
    assert!(
        matches!(&used, LinkUse::PasswordAccount { user, member_id } if user.id == org.id && member_id == &m),
        "{used:?}"
    );
    assert!(store.session_user("session-p", now).await.is_err());
    let roles = store.memberships_of(org.id).await.unwrap();
    assert_eq!(roles[0].role, Role::Organiser, "not demoted");
    assert_eq!(
        store
            .member_for_user(north, org.id)
            .await
            .unwrap()
            .map(|x| x.id),
        Some(m)
    );
}

/// A member's corrections are saved together, and a change of consent is kept in history.
pub async fn own_details_and_consent_history(store: Arc<dyn Store>) {
    let north = branch(&store, "northfield").await;
    let ana = member(&store, north, "N3", "ana@example.org").await;
    link(&store, north, ana, "h", 30).await;
    let now = Utc::now();
    let LinkUse::SignedIn { user, .. } =
        use_magic_link(&*store, north, "h", now, "s").await.unwrap()
    else {
        panic!("sign-in");
    };
    let agreed = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let consent = ContactPreferences {
        by_email: true,
        by_phone: false,
        consent_wording: Some("You may email me.".into()),
        consent_date: Some(agreed),
    };
    let details = OwnDetails {
        email: Some(email("ana.new@example.org")),
        phone: Some("07700 900123".parse().unwrap()),
        contact: consent.clone(),
    };
    update_own_details(&*store, north, ana, user.id, &details)
        .await
        .unwrap();
    // The same choices again: no new history entry.
    update_own_details(&*store, north, ana, user.id, &details)
        .await
        .unwrap();
    let history = store.consent_history(north, ana).await.unwrap();
    assert_eq!(history.len(), 1);
    assert!(history[0].by_email && !history[0].by_phone);
    assert_eq!(history[0].wording.as_deref(), Some("You may email me."));
    assert_eq!(history[0].agreed_on, Some(agreed));
    assert_eq!(history[0].source, ConsentSource::Member);
    assert_eq!(history[0].actor, Some(user.id));
    // The account made for links follows the new address.
    assert_eq!(
        store.user_by_id(user.id).await.unwrap().email,
        "ana.new@example.org"
    );
    assert_eq!(
        store
            .member_for_sign_in(north, &email("ana.new@example.org"))
            .await
            .unwrap()
            .map(|m| m.0),
        Some(ana)
    );
    // Withdrawn.
    let withdrawn = OwnDetails {
        contact: ContactPreferences::default(),
        ..details
    };
    update_own_details(&*store, north, ana, user.id, &withdrawn)
        .await
        .unwrap();
    let history = store.consent_history(north, ana).await.unwrap();
    assert_eq!(history.len(), 2);
    assert!(!history[1].by_email && history[1].wording.is_none());
    // Someone else's address is refused, and nothing is half-saved.
    store
        .setup_branch_user(&email("taken@example.org"), "T", None, north, Role::Member)
        .await
        .unwrap();
    let clash = OwnDetails {
        email: Some(email("taken@example.org")),
        phone: None,
        contact: consent,
    };
    assert!(matches!(
        update_own_details(&*store, north, ana, user.id, &clash).await,
        Err(StoreError::Conflict("email"))
    ));
    assert_eq!(store.consent_history(north, ana).await.unwrap().len(), 2);
    let records = store.subject_records(north, ana).await.unwrap();
    assert_eq!(records.consents.len(), 2);
    assert_eq!(
        records.account.as_ref().map(|u| u.email.as_str()),
        Some("ana.new@example.org")
    );
    assert!(matches!(
        store.subject_records(BranchId(north.0 + 1000), ana).await,
        Err(StoreError::NotFound)
    ));
}

/// Subject access gathers what is held; erasure removes the personal parts in one go and
/// keeps the row.
pub async fn subject_records_and_erasure(store: Arc<dyn Store>) {
    let north = branch(&store, "northfield").await;
    let ana = member(&store, north, "N4", "ana@example.org").await;
    let other = member(&store, north, "N5", "bo@example.org").await;
    link(&store, north, ana, "h1", 30).await;
    let now = Utc::now();
    let LinkUse::SignedIn { user, .. } = use_magic_link(&*store, north, "h1", now, "s1")
        .await
        .unwrap()
    else {
        panic!("sign-in");
    };
    store
        .audit(NewAuditEntry {
            actor: Some(user.id),
            branch: Some(north),
            action: "member.self.view".into(),
            subject: Some(format!("member:{ana}")),
            ..Default::default()
        })
        .await
        .unwrap();
    store
        .audit(NewAuditEntry {
            branch: Some(north),
            action: "member.view".into(),
            subject: Some(format!("member:{other}")),
            ..Default::default()
        })
        .await
        .unwrap();
    let records = store.subject_records(north, ana).await.unwrap();
    assert_eq!(records.audit_about.len(), 1);
    assert!(records.audit_by.iter().all(|a| a.actor == Some(user.id)));
    assert!(!records.audit_by.is_empty());
    assert_eq!(records.sign_in_links.len(), 1);
    assert!(records.sign_in_links[0].used_at.is_some());
    assert_eq!(records.roles.len(), 1);

    let (organiser, _) = store
        .setup_branch_user(
            &email("org@example.org"),
            "Org",
            None,
            north,
            Role::Organiser,
        )
        .await
        .unwrap();
    let team = create_team(&*store, north, "Crisis", None).await.unwrap();
    set_rep_teams(&*store, north, user.id, &[team.id])
        .await
        .unwrap();
    // The erasure and its audit entry, in one unit as an organiser's erasure is written.
    let mut work = store.begin().await.unwrap();
    let report = work
        .erase_member(
            north,
            &Erasure {
                member_id: ana,
                number_key: "test-key".into(),
            },
        )
        .await
        .unwrap();
    work.audit(NewAuditEntry {
        actor: Some(organiser.id),
        branch: Some(north),
        action: "member.erase".into(),
        subject: Some(format!("member:{ana}")),
        detail: Some(report.audit_detail("asked to be forgotten")),
        request_id: None,
    })
    .await
    .unwrap();
    work.commit().await.unwrap();
    assert_eq!(report.sessions, 1);
    assert_eq!(report.sign_in_links, 1);
    assert_eq!(report.account, Some(user.id));
    assert!(store.session_user("s1", now).await.is_err(), "signed out");
    assert!(store.memberships_of(user.id).await.unwrap().is_empty());
    assert!(store.rep_team_ids(north, user.id).await.unwrap().is_empty());
    let account = store.user_by_id(user.id).await.unwrap();
    assert!(account.email.ends_with("@erased.invalid"));
    assert!(!account.display_name.contains("ana"));
    assert_eq!(
        store
            .member_for_sign_in(north, &email("ana@example.org"))
            .await
            .unwrap(),
        None,
        "no link can be asked for"
    );
    let records = store.subject_records(north, ana).await.unwrap();
    assert!(records.consents.is_empty() && records.sign_in_links.is_empty());
    assert!(records.account.is_none());
    let erased = records
        .audit_about
        .iter()
        .find(|a| a.action == "member.erase")
        .expect("erasure audited");
    assert_eq!(erased.actor, Some(organiser.id));
    let detail = erased.detail.clone().unwrap_or_default();
    assert!(detail.contains("asked to be forgotten"), "{detail}");
    assert!(!detail.contains("ana@"), "{detail}");
    // The number is gone from the row, but importing it again is refused by name.
    store
        .instance_secret(NUMBER_KEY_SECRET, "test-key")
        .await
        .unwrap();
    let file = parse_file(
        b"membership_number,name\nn4,Ana Again\nN6,Cy New\n",
        &ColumnMap::default(),
    )
    .unwrap();
    let outcome = import_members(
        &*store,
        north,
        &file,
        &ImportOptions {
            dry_run: true,
            today: Utc::now().date_naive(),
            save_map: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(outcome.rejected.len(), 1, "{:?}", outcome.rejected);
    assert_eq!(outcome.rejected[0].row, 2);
    assert!(outcome.rejected[0].reason.contains("erased"));
    assert_eq!(outcome.created, 1);

    // An import that sets or changes contact choices adds to the consent history; one that
    // leaves them alone does not.
    let import = |csv: &'static str| {
        let store = store.clone();
        async move {
            let file = parse_file(csv.as_bytes(), &ColumnMap::default()).unwrap();
            let out = import_members(
                &*store,
                north,
                &file,
                &ImportOptions {
                    dry_run: false,
                    today: Utc::now().date_naive(),
                    save_map: None,
                },
            )
            .await
            .unwrap();
            assert!(out.applied, "{:?}", out.rejected);
        }
    };
    import(
        "membership_number,name,contact_email,consent_wording,consent_date\n\
         N7,Di New,yes,Email me,2024-05-01\nN8,Ed New,no,,\n",
    )
    .await;
    let find = |number: &'static str| {
        let store = store.clone();
        async move {
            store
                .search_members(
                    north,
                    &crate::members::MemberFilter {
                        query: Some(number.into()),
                        ..Default::default()
                    },
                    crate::PageRequest::default(),
                )
                .await
                .unwrap()
                .items[0]
                .id
        }
    };
    let n7 = find("N7").await;
    let n8 = find("N8").await;
    let history = store.consent_history(north, n7).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].source, ConsentSource::Import);
    assert!(history[0].by_email);
    assert_eq!(history[0].wording.as_deref(), Some("Email me"));
    assert!(store.consent_history(north, n8).await.unwrap().is_empty());
    import(
        "membership_number,name,contact_email,consent_wording,consent_date\n\
         N7,Di New,no,,\nN8,Ed Renamed,no,,\n",
    )
    .await;
    let history = store.consent_history(north, n7).await.unwrap();
    assert_eq!(history.len(), 2, "withdrawn by the import");
    assert!(!history[1].by_email);
    assert!(store.consent_history(north, n8).await.unwrap().is_empty());

    // Twice: not found (already erased); the other member is untouched.
    assert!(matches!(
        erase_member(&*store, north, ana).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .member_for_sign_in(north, &email("bo@example.org"))
            .await
            .unwrap()
            .map(|m| m.0),
        Some(other)
    );
}
