//! An import cut off by a dead process: its run stays 'running' with nobody to finish it, and
//! its status page would refresh itself for ever. The next `picket serve` to start marks it
//! failed with a plain reason, which the page shows, and the page stops refreshing.

use chrono::{Duration, Utc};
use picket_domain::Role;
use picket_store::contract::member_writes;
use picket_store::members::{ImportLease, ImportRunStatus};
use picket_test_support::{test_settings, BodyText, TestApp};
use std::sync::Arc;

#[tokio::test]
async fn a_run_left_by_a_dead_process_is_failed_when_picket_starts_again() {
    let first = TestApp::spawn().await;
    let branch = first.branch("alpha").await;
    first
        .user(&branch, "org@example.org", Role::Organiser)
        .await;
    let store = first.store();
    let user = store.user_by_email("org@example.org").await.unwrap();
    // What a process killed at row 524,000 of 1,000,000 leaves: a run still 'running', whose
    // lease its process stopped extending.
    let dead = ImportLease {
        owner: "a-process-that-died".into(),
        until: Utc::now() - Duration::minutes(5),
    };
    let id = member_writes::start_import_run(&*store, branch.id, user.id, false, 1_000_000, &dead)
        .await
        .unwrap();
    let page = format!("/alpha/members/import/{id}");
    let org = first.client();
    first.login(&org, "org@example.org").await;
    let before = org.get(first.url(&page)).body_text().await;
    assert!(
        before.contains("Working: 0 of 1000000") && before.contains("http-equiv=\"refresh\""),
        "the run looks alive until a process starts: {before}"
    );

    // Picket starts again over the same database, as after a restart.
    let second = picket_web::App::build(
        test_settings(),
        store.clone(),
        Arc::new(picket_mail::MemoryMailer::new()),
    )
    .await
    .unwrap();
    let addr = second.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(second.serve(async move {
        let _ = stopped.await;
    }));
    // Sessions live in the database, and cookies do not depend on the port.
    let after = org.get(format!("http://{addr}{page}")).body_text().await;
    assert!(
        after.contains("data-status=\"failed\""),
        "the run is failed: {after}"
    );
    assert!(
        after.contains(
            "Picket stopped before this import finished; nothing was imported. Upload the file again."
        ),
        "the page says why: {after}"
    );
    assert!(
        !after.contains("http-equiv=\"refresh\""),
        "the page stops refreshing: {after}"
    );
    let run = store.import_run(branch.id, id).await.unwrap();
    assert_eq!(run.status, ImportRunStatus::Failed);
    assert!(run.finished_at.is_some());
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}
