//! Contract tests for the strike-breaking monitor.

use crate::contract::correspondence::letter;
use crate::contract::disputes::{create_dispute, unit};
use crate::contract::Setup;
use crate::disputes::NewDispute;
use crate::prelude::*;
use crate::StoreError;
use chrono::NaiveDate;
use picket_domain::disputes::DisputeStatus;
use picket_domain::monitor::{NewReport, Outcome};
use picket_domain::{Division, Nation};
use std::sync::Arc;

fn report(who: &str) -> NewReport {
    NewReport::parse(
        who,
        "Approved mental health professional rota",
        NaiveDate::from_ymd_opt(2024, 5, 7),
        "Seen on the rota.",
        "",
    )
    .expect("valid report")
}

/// Reports are kept per dispute with their outcome; letters of the same dispute are linked to
/// them (once); another dispute's letter, or another branch, is refused.
pub async fn strikebreaking_reports_link_their_letters(store: Arc<dyn Store>) {
    let branch = store
        .setup_branch(
            &"monitor-a".parse().unwrap(),
            "A",
            Division::EnglandAndWales,
        )
        .await
        .unwrap()
        .id;
    let stranger = store
        .setup_branch(
            &"monitor-b".parse().unwrap(),
            "B",
            Division::EnglandAndWales,
        )
        .await
        .unwrap()
        .id;
    let new = NewDispute {
        title: "Caseloads".into(),
        employer: "A council".into(),
        nation: Nation::England,
        status: DisputeStatus::InAction,
        summary: String::new(),
    };
    let dispute = create_dispute(&*store, branch, &new).await.unwrap().id;
    let other = create_dispute(&*store, branch, &new).await.unwrap().id;

    let swift = unit!(store, |w| w.add_report(
        branch,
        dispute,
        &report("Swift Staffing Ltd")
    ))
    .unwrap();
    let carers = unit!(store, |w| w.add_report(
        branch,
        dispute,
        &report("Carers Direct")
    ))
    .unwrap();
    let r = unit!(store, |w| w.add_report(stranger, dispute, &report("X")));
    assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
    let reports = store.reports(branch, dispute).await.unwrap();
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0].report, report("Swift Staffing Ltd"));
    assert!(store.reports(branch, other).await.unwrap().is_empty());

    let to_swift = unit!(store, |w| w.add_letter(
        branch,
        dispute,
        &letter("Swift Staffing Ltd", None)
    ))
    .unwrap();
    let elsewhere = unit!(store, |w| w.add_letter(
        branch,
        other,
        &letter("Elsewhere", None)
    ))
    .unwrap();
    unit!(store, |w| w.link_letter(branch, dispute, swift, to_swift)).unwrap();
    unit!(store, |w| w.link_letter(branch, dispute, swift, to_swift)).unwrap();
    for (what, r) in [
        (
            "another dispute's letter",
            unit!(store, |w| w.link_letter(branch, dispute, swift, elsewhere)),
        ),
        (
            "through another dispute",
            unit!(store, |w| w.link_letter(branch, other, swift, to_swift)),
        ),
        (
            "through another branch",
            unit!(store, |w| w.link_letter(stranger, dispute, swift, to_swift)),
        ),
    ] {
        assert!(matches!(r, Err(StoreError::NotFound)), "{what}: {r:?}");
    }
    let letters = store.report_letters(branch, dispute, swift).await.unwrap();
    assert_eq!(letters.iter().map(|l| l.id).collect::<Vec<_>>(), [to_swift]);
    assert!(store
        .report_letters(branch, dispute, carers)
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        store.report_letters(branch, other, swift).await,
        Err(StoreError::NotFound)
    ));

    unit!(store, |w| w.set_outcome(
        branch,
        dispute,
        swift,
        Outcome::Withdrew
    ))
    .unwrap();
    let r = unit!(store, |w| w.set_outcome(
        branch,
        other,
        carers,
        Outcome::Withdrew
    ));
    assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
    let mut changed = report("Carers Direct");
    changed.outcome = Outcome::Continuing;
    unit!(store, |w| w
        .update_report(branch, dispute, carers, &changed))
    .unwrap();
    let got = store.report(branch, dispute, swift).await.unwrap();
    assert_eq!(got.report.outcome, Outcome::Withdrew);
    assert_eq!(
        store.report(branch, dispute, carers).await.unwrap().report,
        changed
    );
    assert!(matches!(
        store.report(stranger, dispute, swift).await,
        Err(StoreError::NotFound)
    ));
}
