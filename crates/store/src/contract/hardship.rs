//! Contract tests for hardship grants and the retention of their reasons.

use crate::contract::disputes::unit;
use crate::contract::fund::{assert_ledger_adds_up, day, p};
use crate::contract::strike_days::strike_setup;
use crate::prelude::*;
use crate::retention::rule_named;
use crate::StoreError;
use chrono::{Duration, Utc};
use picket_domain::fund::hardship::NewHardshipApplication;
use picket_domain::fund::{DonationMethod, DonorKind, NewDonation, Restriction};
use picket_domain::BranchId;
use std::sync::Arc;

/// An application is decided once; a grant posts what is owed and is paid once, from an
/// asset account; retention clears the reason after the decision and keeps the ledger.
pub async fn hardship_grants_are_decided_paid_and_forgotten(store: Arc<dyn Store>) {
    let (b, _, _, m) = strike_setup(&store, "hardship", "", &[Some("Duty Team")]).await;
    let gift = NewDonation::new(
        DonorKind::Organisation,
        "Trades council",
        true,
        p(30_000),
        day(2),
        DonationMethod::BankTransfer,
        None,
        Some(Restriction::Hardship),
        day(30),
    )
    .unwrap();
    unit!(store, |w| w.record_donation(b, &gift, None)).unwrap();
    let apply = |pence| {
        NewHardshipApplication::new(
            m[0],
            p(pence),
            "Rent arrears after 10 strike days",
            day(3),
            day(30),
        )
        .unwrap()
    };
    let first = unit!(store, |w| w.apply_for_hardship(b, &apply(20_000), None)).unwrap();
    let second = unit!(store, |w| w.apply_for_hardship(b, &apply(5_000), None)).unwrap();
    let elsewhere = unit!(store, |w| w.apply_for_hardship(
        BranchId(999_999),
        &apply(1),
        None
    ));
    assert!(
        matches!(elsewhere, Err(StoreError::NotFound)),
        "{elsewhere:?}"
    );

    let early = unit!(store, |w| w.pay_hardship(
        b,
        first,
        day(4),
        "hardship-fund",
        None
    ));
    assert!(matches!(early, Err(StoreError::Refused(_))), "{early:?}");
    let posted = unit!(store, |w| w.decide_hardship(b, first, true, day(4), None)).unwrap();
    assert!(posted.is_some());
    assert_eq!(
        unit!(store, |w| w.decide_hardship(b, second, false, day(4), None)).unwrap(),
        None
    );
    let again = unit!(store, |w| w.decide_hardship(b, first, false, day(4), None));
    assert!(
        matches!(again, Err(StoreError::Conflict("decision"))),
        "{again:?}"
    );
    let wrong = unit!(store, |w| w.pay_hardship(
        b,
        first,
        day(5),
        "hardship-grants",
        None
    ));
    assert!(matches!(wrong, Err(StoreError::Refused(_))), "{wrong:?}");
    unit!(store, |w| w.pay_hardship(
        b,
        first,
        day(5),
        "hardship-fund",
        None
    ))
    .unwrap();
    let twice = unit!(store, |w| w.pay_hardship(
        b,
        first,
        day(5),
        "hardship-fund",
        None
    ));
    assert!(matches!(twice, Err(StoreError::Refused(_))), "{twice:?}");
    let balance = |code: &'static str| {
        let store = store.clone();
        async move {
            store
                .fund_account_by_code(b, code)
                .await
                .unwrap()
                .shown_balance()
        }
    };
    assert_eq!(balance("hardship-fund").await, p(10_000));
    assert_eq!(balance("hardship-grants").await, p(20_000));
    assert_eq!(balance("hardship-owed").await, p(0));

    // Retention clears the reasons of decided applications, and nothing else.
    let third = unit!(store, |w| w.apply_for_hardship(b, &apply(100), None)).unwrap();
    let rule = rule_named("hardship_reasons").expect("a retention kind for hardship reasons");
    let cutoff = Utc::now() + Duration::days(1);
    assert_eq!(store.retention_due(rule, cutoff).await.unwrap(), 2);
    let counts = unit!(store, |w| w.apply_retention(&[(rule, cutoff)])).unwrap();
    assert_eq!(counts, [2]);
    let grants = store.hardship_grants(b).await.unwrap();
    assert_eq!(store.hardship_grants_of(b, m[0]).await.unwrap(), grants);
    assert!(store
        .hardship_grants_of(BranchId(b.0 + 1), m[0])
        .await
        .unwrap()
        .is_empty());
    let reason = |id| grants.iter().find(|g| g.id == id).unwrap().reason.clone();
    assert_eq!((reason(first), reason(second)), (None, None));
    assert_eq!(
        reason(third).as_deref(),
        Some("Rent arrears after 10 strike days")
    );
    assert_eq!(
        grants.iter().find(|g| g.id == first).unwrap().amount,
        p(20_000)
    );
    assert_eq!(
        balance("hardship-grants").await,
        p(20_000),
        "the ledger is kept"
    );
    assert_ledger_adds_up(&*store, b).await;
}
