//! Contract tests for members, teams, reps' teams and the CSV import.

use crate::contract::member_writes::*;
use crate::contract::Setup;
use crate::members::{ImportLease, ImportOptions, ImportPhase, ImportRunStatus, MemberFilter};
use crate::prelude::*;
use crate::{PageRequest, StoreError};
use chrono::{Duration, NaiveDate, Utc};
use picket_domain::members::import::{parse_file, ColumnMap, RowChange};
use picket_domain::members::{MemberDetails, MemberField};
use picket_domain::{BranchId, Division, Email, TeamId, UserId};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

async fn branch(store: &Arc<dyn Store>, slug: &str) -> BranchId {
    store
        .setup_branch(&slug.parse().unwrap(), slug, Division::EnglandAndWales)
        .await
        .unwrap()
        .id
}

fn details(number: &str, name: &str) -> MemberDetails {
    MemberDetails::new(number.parse().unwrap(), name)
}

fn options(dry_run: bool) -> ImportOptions {
    ImportOptions {
        dry_run,
        today: NaiveDate::from_ymd_opt(2024, 6, 1).unwrap(),
        save_map: None,
    }
}

fn no_progress(_: ImportPhase, _: u64, _: u64) {}

/// Members and teams belong to one branch: numbers and team names are unique per branch,
/// and another branch's records are not found.
pub async fn members_are_kept_per_branch(store: Arc<dyn Store>) {
    let north = branch(&store, "north").await;
    let south = branch(&store, "south").await;
    let duty = create_team(&*store, north, "Duty Team", Some("Civic Centre"))
        .await
        .unwrap();
    assert_eq!(duty.workplace.as_deref(), Some("Civic Centre"));
    let dup = create_team(&*store, north, "duty team", None).await;
    assert!(
        matches!(dup, Err(StoreError::Conflict("team name"))),
        "{dup:?}"
    );
    let south_team = create_team(&*store, south, "Duty Team", None)
        .await
        .unwrap();

    let mut d = details("a100", "Ana Example");
    d.email = Some("ana@example.org".parse::<Email>().unwrap());
    d.phone = Some("07700 900123".parse().unwrap());
    d.daily_pay_pence = Some(12_345);
    d.is_rep = true;
    d.contact.by_email = true;
    d.contact.consent_wording = Some("You may email me about the branch".into());
    d.contact.consent_date = NaiveDate::from_ymd_opt(2024, 1, 2);
    let ana = create_member(&*store, north, &d, Some(duty.id))
        .await
        .unwrap();
    assert_eq!(ana.details, d);
    assert_eq!(ana.details.membership_number.as_str(), "A100");
    assert_eq!(ana.team_name.as_deref(), Some("Duty Team"));
    assert_eq!(store.member(north, ana.id).await.unwrap(), ana);
    assert!(matches!(
        store.member(south, ana.id).await,
        Err(StoreError::NotFound)
    ));
    let again = create_member(&*store, north, &details("A100", "Someone Else"), None).await;
    assert!(
        matches!(again, Err(StoreError::Conflict("membership number"))),
        "{again:?}"
    );
    // The same number in another branch is another member.
    create_member(&*store, south, &details("A100", "Bo"), None)
        .await
        .unwrap();
    // A team from another branch is refused.
    let foreign = create_member(&*store, north, &details("A101", "Cy"), Some(south_team.id)).await;
    assert!(matches!(foreign, Err(StoreError::NotFound)), "{foreign:?}");

    let user = store
        .setup_user(&"ana@example.org".parse().unwrap(), "Ana", None)
        .await
        .unwrap();
    assert_eq!(store.member_for_user(north, user.id).await.unwrap(), None);
    link_member_user(&*store, north, ana.id, Some(user.id))
        .await
        .unwrap();
    let linked = store
        .member_for_user(north, user.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(linked.id, ana.id);
    assert_eq!(store.member_for_user(south, user.id).await.unwrap(), None);
    assert!(matches!(
        link_member_user(&*store, south, ana.id, Some(user.id)).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        !format!("{linked:?}").contains("Ana"),
        "Debug hides the person"
    );
}

/// Search finds by name, number or email, ignores case, treats `%` literally, filters by
/// team and pages.
pub async fn member_search_filters_and_pages(store: Arc<dyn Store>) {
    let b = branch(&store, "north").await;
    let other = branch(&store, "south").await;
    let t1 = create_team(&*store, b, "One", None).await.unwrap();
    let t2 = create_team(&*store, b, "Two", None).await.unwrap();
    for i in 0..25 {
        let mut d = details(&format!("N{i:03}"), &format!("Person {i:02}"));
        d.email = Some(format!("p{i}@example.org").parse().unwrap());
        let team = if i % 2 == 0 { t1.id } else { t2.id };
        create_member(&*store, b, &d, Some(team)).await.unwrap();
    }
    create_member(&*store, b, &details("X1", "Zed 100% Sure"), None)
        .await
        .unwrap();
    create_member(&*store, other, &details("N001", "Person Elsewhere"), None)
        .await
        .unwrap();
    let all = |query: Option<&str>, teams: Option<Vec<TeamId>>| MemberFilter {
        query: query.map(str::to_string),
        teams,
        include_erased: false,
    };
    let page = store
        .search_members(b, &all(None, None), PageRequest::new(2, 10))
        .await
        .unwrap();
    assert_eq!(page.total, 26);
    assert_eq!(page.items.len(), 10);
    assert_eq!(page.items[0].details.name, "Person 10");
    let found = store
        .search_members(b, &all(Some("PERSON 0"), None), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(found.total, 10);
    let by_number = store
        .search_members(b, &all(Some("n024"), None), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(by_number.items.len(), 1);
    assert_eq!(by_number.items[0].details.name, "Person 24");
    let by_email = store
        .search_members(b, &all(Some("p7@"), None), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(by_email.items.len(), 1);
    let percent = store
        .search_members(b, &all(Some("0%"), None), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(percent.items.len(), 1, "% is a literal character");
    let team_one = store
        .search_members(b, &all(None, Some(vec![t1.id])), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(team_one.total, 13);
    assert!(team_one.items.iter().all(|m| m.team_id == Some(t1.id)));
    let nobody = store
        .search_members(b, &all(None, Some(vec![])), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(nobody.total, 0);
    // The export reads in batches after a membership number: every match once, in order.
    let filter = all(Some("person"), Some(vec![t2.id]));
    let mut exported = Vec::new();
    let mut after = None;
    loop {
        let batch = store
            .export_members(b, &filter, after.as_ref(), 5)
            .await
            .unwrap();
        assert!(batch.len() <= 5);
        let Some(last) = batch.last() else { break };
        after = Some(last.details.membership_number.clone());
        exported.extend(batch);
    }
    assert_eq!(exported.len(), 12);
    let numbers: Vec<String> = exported
        .iter()
        .map(|m| m.details.membership_number.to_string())
        .collect();
    let mut sorted = numbers.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(numbers, sorted, "by membership number, each once");
    assert!(exported.iter().all(|m| m.team_id == Some(t2.id)));
}

/// A rep's teams are replaced as a whole; a team of another branch changes nothing.
pub async fn rep_teams_are_replaced_within_the_branch(store: Arc<dyn Store>) {
    let b = branch(&store, "north").await;
    let other = branch(&store, "south").await;
    let t1 = create_team(&*store, b, "One", None).await.unwrap();
    let t2 = create_team(&*store, b, "Two", None).await.unwrap();
    let foreign = create_team(&*store, other, "Three", None).await.unwrap();
    let (rep, _) = store
        .setup_branch_user(
            &"rep@example.org".parse().unwrap(),
            "Rep",
            None,
            b,
            picket_domain::Role::Rep,
        )
        .await
        .unwrap();
    assert!(store.rep_team_ids(b, rep.id).await.unwrap().is_empty());
    set_rep_teams(&*store, b, rep.id, &[t1.id, t2.id])
        .await
        .unwrap();
    assert_eq!(store.rep_team_ids(b, rep.id).await.unwrap(), [t1.id, t2.id]);
    set_rep_teams(&*store, b, rep.id, &[t2.id]).await.unwrap();
    assert_eq!(store.rep_team_ids(b, rep.id).await.unwrap(), [t2.id]);
    let bad = set_rep_teams(&*store, b, rep.id, &[t1.id, foreign.id]).await;
    assert!(matches!(bad, Err(StoreError::NotFound)), "{bad:?}");
    assert_eq!(store.rep_team_ids(b, rep.id).await.unwrap(), [t2.id]);
    assert!(store.rep_team_ids(other, rep.id).await.unwrap().is_empty());
}

/// An import creates new members, updates changed ones (keeping fields the file lacks),
/// leaves unchanged ones, and a dry run writes nothing.
pub async fn member_import_upserts_by_number(store: Arc<dyn Store>) {
    let b = branch(&store, "north").await;
    let team = create_team(&*store, b, "Duty", None).await.unwrap();
    let mut kept = details("A1", "Ana");
    kept.phone = Some("07700 900123".parse().unwrap());
    create_member(&*store, b, &kept, None).await.unwrap();
    create_member(&*store, b, &details("A2", "Bo"), None)
        .await
        .unwrap();
    let csv = "Member No,Full Name,email,Team\n\
               A1,Ana,ana@example.org,duty\n\
               A2,Bo,,\n\
               A3,Cy,cy@example.org,Duty\n";
    let file = parse_file(csv.as_bytes(), &ColumnMap::default()).unwrap();

    let dry = import_members(&*store, b, &file, &options(true))
        .await
        .unwrap();
    assert_eq!((dry.created, dry.updated, dry.unchanged), (1, 1, 1));
    assert!(!dry.applied);
    assert_eq!(
        dry.changes[0].change,
        RowChange::Updated {
            fields: vec![MemberField::Email, MemberField::Team]
        }
    );
    assert_eq!(dry.changes[1].membership_number, "A3");
    let everyone = MemberFilter::default();
    let before = store
        .search_members(b, &everyone, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(before.total, 2, "a dry run writes nothing");
    assert!(before.items.iter().all(|m| m.details.email.is_none()));

    let checked = AtomicU64::new(0);
    let progress = |phase: ImportPhase, done: u64, _total: u64| {
        if phase == ImportPhase::Writing {
            checked.store(done, Ordering::SeqCst);
        }
    };
    let mut opts = options(false);
    opts.save_map = Some(ColumnMap::parse_lines(["Full Name=name"]).unwrap());
    let mut work = store.begin().await.unwrap();
    let done = work
        .import_members(b, &file, &opts, &progress)
        .await
        .unwrap();
    work.commit().await.unwrap();
    assert!(done.applied);
    assert_eq!(checked.load(Ordering::SeqCst), 2, "two rows written");
    let after = store
        .search_members(b, &everyone, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(after.total, 3);
    let ana = &after.items[0];
    assert_eq!(
        ana.details.email.as_ref().map(Email::as_str),
        Some("ana@example.org")
    );
    assert_eq!(
        ana.details.phone, kept.phone,
        "phone is not in the file: kept"
    );
    assert_eq!(ana.team_id, Some(team.id));
    assert_eq!(after.items[2].details.name, "Cy");
    assert_eq!(store.import_map(b).await.unwrap(), opts.save_map);

    let again = import_members(&*store, b, &file, &options(false))
        .await
        .unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3));
}

/// One rejected row (an unknown team, a duplicate, consent missing) refuses the whole
/// import: nothing is written.
pub async fn member_import_is_all_or_nothing(store: Arc<dyn Store>) {
    let b = branch(&store, "north").await;
    create_team(&*store, b, "Duty", None).await.unwrap();
    let csv = "membership_number,name,team,contact_email\n\
               B1,Ana,Duty,no\n\
               B2,Bo,Nowhere,no\n\
               B1,Ana Twice,,no\n\
               B3,Cy,,yes\n";
    let file = parse_file(csv.as_bytes(), &ColumnMap::default()).unwrap();
    let out = import_members(&*store, b, &file, &options(false))
        .await
        .unwrap();
    assert!(!out.applied);
    let problems: Vec<_> = out.rejected.iter().map(|p| (p.row, p.field)).collect();
    assert_eq!(
        problems,
        [
            (3, Some(MemberField::Team)),
            (4, Some(MemberField::MembershipNumber)),
            (5, Some(MemberField::ConsentWording)),
        ]
    );
    let members = store
        .search_members(b, &MemberFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(members.total, 0, "a refused import writes nothing");
    assert_eq!(store.import_map(b).await.unwrap(), None);

    // The import is one unit: a step of the change that fails after the records were written
    // (here, finishing a run that is not the branch's) leaves none of them.
    let good = parse_file(
        b"membership_number,name\nB1,Ana\nB3,Cy\n",
        &ColumnMap::default(),
    )
    .unwrap();
    let mut opts = options(false);
    opts.save_map = Some(ColumnMap::parse_lines(["Full Name=name"]).unwrap());
    let failed: crate::StoreResult<()> = async {
        let mut work = store.begin().await?;
        let out = work.import_members(b, &good, &opts, &no_progress).await?;
        assert!(out.applied);
        work.finish_import_run(b, picket_domain::ImportRunId(i64::MAX), Ok(&out))
            .await?;
        work.commit().await
    }
    .await;
    assert!(matches!(failed, Err(StoreError::NotFound)), "{failed:?}");
    let members = store
        .search_members(b, &MemberFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        members.total, 0,
        "an import whose unit failed writes nothing"
    );
    assert_eq!(store.import_map(b).await.unwrap(), None);
}

/// A web import run records that it is running, then its outcome, in its branch only. (Its
/// progress while running is kept by the process running it: on SQLite the import holds the
/// write lock until it commits.)
pub async fn member_import_runs_record_their_outcome(store: Arc<dyn Store>) {
    let b = branch(&store, "north").await;
    let other = branch(&store, "south").await;
    let user = store
        .setup_user(&"org@example.org".parse().unwrap(), "Org", None)
        .await
        .unwrap();
    let id = start_import_run(&*store, b, user.id, false, 3, &lease("me", 60))
        .await
        .unwrap();
    let run = store.import_run(b, id).await.unwrap();
    assert_eq!(run.status, ImportRunStatus::Running);
    assert_eq!((run.rows_done, run.rows_total), (0, 3));
    assert!(run.outcome.is_none());
    assert!(matches!(
        store.import_run(other, id).await,
        Err(StoreError::NotFound)
    ));
    let file = parse_file(b"membership_number,name\nC1,Ana\n", &ColumnMap::default()).unwrap();
    // The import and the end of its run are one unit, as the web writes them.
    let mut work = store.begin().await.unwrap();
    let outcome = work
        .import_members(b, &file, &options(false), &no_progress)
        .await
        .unwrap();
    work.finish_import_run(b, id, Ok(&outcome)).await.unwrap();
    work.commit().await.unwrap();
    let run = store.import_run(b, id).await.unwrap();
    assert_eq!(run.status, ImportRunStatus::Done);
    assert_eq!(run.rows_done, 3);
    assert_eq!(run.outcome.as_ref().map(|o| o.created), Some(1));
    assert!(run.finished_at.is_some());

    let failed = start_import_run(&*store, b, user.id, true, 0, &lease("me", 60))
        .await
        .unwrap();
    finish_import_run(&*store, b, failed, Err("the file is empty"))
        .await
        .unwrap();
    let run = store.import_run(b, failed).await.unwrap();
    assert_eq!(run.status, ImportRunStatus::Failed);
    assert!(run.dry_run);
    assert_eq!(run.error.as_deref(), Some("the file is empty"));
}

fn lease(owner: &str, secs: i64) -> ImportLease {
    ImportLease {
        owner: owner.into(),
        until: Utc::now() + Duration::seconds(secs),
    }
}

/// A run left 'running' by a process that died (its lease ran out) is marked failed with the
/// reason; a run whose owner still extends its lease, a run of the sweeping process itself
/// and a finished run are left alone. With `any_lease` (SQLite: one process) every other
/// owner's running run is failed.
pub async fn abandoned_import_runs_are_marked_failed(store: Arc<dyn Store>) {
    let b = branch(&store, "north").await;
    let user = store
        .setup_user(&"org@example.org".parse().unwrap(), "Org", None)
        .await
        .unwrap();
    let start = |owner: &'static str, secs: i64| {
        let store = store.clone();
        async move {
            start_import_run(&*store, b, user.id, false, 1_000_000, &lease(owner, secs))
                .await
                .unwrap()
        }
    };
    let dead = start("dead", -10).await;
    let alive = start("alive", -10).await;
    let mine = start("me", -10).await;
    let done = start("dead", -10).await;
    finish_import_run(&*store, b, done, Err("the file is empty"))
        .await
        .unwrap();
    // The live process extends its lease; the dead one cannot.
    assert_eq!(
        store
            .renew_import_leases(&lease("alive", 60))
            .await
            .unwrap(),
        1
    );
    let reason = "Picket stopped before this import finished.";
    let failed = store
        .fail_abandoned_import_runs("me", Utc::now(), false, reason)
        .await
        .unwrap();
    assert_eq!(failed, vec![dead]);
    let run = store.import_run(b, dead).await.unwrap();
    assert_eq!(run.status, ImportRunStatus::Failed);
    assert_eq!(run.error.as_deref(), Some(reason));
    assert!(run.finished_at.is_some());
    for id in [alive, mine] {
        assert_eq!(
            store.import_run(b, id).await.unwrap().status,
            ImportRunStatus::Running
        );
    }
    assert_eq!(
        store.import_run(b, done).await.unwrap().error.as_deref(),
        Some("the file is empty"),
        "a finished run keeps its own ending"
    );
    // Once renewed leases are not considered, only the sweeper's own run is left running.
    let failed = store
        .fail_abandoned_import_runs("me", Utc::now(), true, reason)
        .await
        .unwrap();
    assert_eq!(failed, vec![alive]);
    assert_eq!(
        store.import_run(b, mine).await.unwrap().status,
        ImportRunStatus::Running
    );
}

/// The audit view filters a branch's entries by actor and by action prefix.
pub async fn audit_search_filters_by_actor_and_action(store: Arc<dyn Store>) {
    let b = branch(&store, "north").await;
    let other = branch(&store, "south").await;
    let ana = store
        .setup_user(&"ana@example.org".parse().unwrap(), "Ana", None)
        .await
        .unwrap();
    let bo = store
        .setup_user(&"bo@example.org".parse().unwrap(), "Bo", None)
        .await
        .unwrap();
    let entry = |actor: UserId, branch: BranchId, action: &str| crate::NewAuditEntry {
        actor: Some(actor),
        branch: Some(branch),
        action: action.into(),
        subject: None,
        detail: Some("reason=organising".into()),
        request_id: None,
    };
    store.audit(entry(ana.id, b, "member.view")).await.unwrap();
    store
        .audit(entry(ana.id, b, "member.search"))
        .await
        .unwrap();
    store.audit(entry(bo.id, b, "member.view")).await.unwrap();
    store.audit(entry(bo.id, b, "wall.moderate")).await.unwrap();
    store
        .audit(entry(ana.id, other, "member.view"))
        .await
        .unwrap();
    store.audit(entry(ana.id, b, "memberXview")).await.unwrap();
    let search = |actor: Option<UserId>, prefix: Option<&str>| {
        let store = store.clone();
        let filter = crate::AuditFilter {
            actor,
            action_prefix: prefix.map(str::to_string),
        };
        async move {
            store
                .audit_search(b, &filter, PageRequest::new(1, 2))
                .await
                .unwrap()
        }
    };
    assert_eq!(search(None, None).await.total, 5);
    let ana_members = search(Some(ana.id), Some("member.")).await;
    assert_eq!(
        ana_members.total, 2,
        "`.` is literal; other branch left out"
    );
    assert_eq!(ana_members.items[0].action, "member.search", "newest first");
    assert_eq!(
        ana_members.items[0].actor_email.as_deref(),
        Some("ana@example.org")
    );
    let page = search(None, Some("member")).await;
    assert_eq!((page.total, page.items.len()), (4, 2));
    assert_eq!(search(Some(bo.id), None).await.total, 2);
}
