//! Contract tests for strike pay runs: computed with their working, approved once, never
//! paying a day twice, and paid no more than is owed.

use crate::contract::disputes::unit;
use crate::contract::fund::{assert_ledger_adds_up, p};
use crate::contract::strike_days::strike_setup;
use crate::prelude::*;
use crate::strike_days::DayEntry;
use crate::strike_pay::PayRunStatus;
use crate::StoreError;
use chrono::NaiveDate;
use picket_domain::fund::strike_pay::{PayPolicy, PayRate};
use picket_domain::strike_days::{DaySource, DayStatus};
use picket_domain::Pence;
use std::sync::Arc;

fn d(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 5, n).expect("a day in May 2024")
}

/// A run pays the counted days of each member with the working shown; approval posts the
/// liability once; a later run over the same days pays them no more; payments clear what
/// is owed and no more.
pub async fn strike_pay_runs_pay_each_day_once(store: Arc<dyn Store>) {
    let (b, dispute, period, m) =
        strike_setup(&store, "pay-a", "", &[Some("Duty Team"), Some("Duty Team")]).await;
    let refused = unit!(store, |w| w.create_pay_run(b, dispute, d(13), d(17), None));
    assert!(
        matches!(refused, Err(StoreError::Refused(_))),
        "no policy yet: {refused:?}"
    );
    let policy = PayPolicy::new(
        PayRate::Flat { daily: p(5_000) },
        [DayStatus::OnStrike].into_iter().collect(),
        None,
    )
    .unwrap();
    unit!(store, |w| w.set_pay_policy(b, dispute, &policy, None)).unwrap();
    assert_eq!(store.pay_policy(b, dispute).await.unwrap(), Some(policy));
    let days = [
        (m[0], 13, DayStatus::OnStrike),
        (m[0], 14, DayStatus::OnStrike),
        (m[0], 15, DayStatus::Working),
        (m[1], 13, DayStatus::OnStrike),
    ]
    .map(|(member, day, status)| DayEntry {
        member,
        day: d(day),
        status,
    });
    unit!(store, |w| w.record_strike_days(
        b,
        dispute,
        period,
        DaySource::Rep,
        &days,
        None
    ))
    .unwrap();

    let run = unit!(store, |w| w.create_pay_run(b, dispute, d(13), d(15), None)).unwrap();
    let read = store.pay_run(b, run).await.unwrap();
    assert_eq!((read.status, read.total), (PayRunStatus::Draft, p(15_000)));
    assert_eq!(read.lines.len(), 4);
    assert_eq!(read.lines[2].working, "Working is not paid");
    assert_eq!(read.lines[0].working, "counted day 1: flat rate £50.00");
    // A second draft over the same days, before either is approved.
    let rival = unit!(store, |w| w.create_pay_run(b, dispute, d(13), d(14), None)).unwrap();

    // Two treasurers approve at once: one posts, the other is told it is done.
    let mut tasks = Vec::new();
    for _ in 0..2 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            unit!(store, |w| w.approve_pay_run(b, run, d(20), None))
        }));
    }
    let mut posted = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(Some(_)) => posted += 1,
            Err(StoreError::Conflict("approval")) => {}
            other => panic!("unexpected approval outcome: {other:?}"),
        }
    }
    assert_eq!(posted, 1, "exactly one approval posts");
    let approved = store.pay_run(b, run).await.unwrap();
    assert_eq!(approved.status, PayRunStatus::Approved);
    let owed = store
        .fund_account_by_code(b, "strike-pay-owed")
        .await
        .unwrap();
    assert_eq!(owed.shown_balance(), p(15_000));

    // The rival run's days are paid already: approving it is refused, nothing posted.
    let r = unit!(store, |w| w.approve_pay_run(b, rival, d(20), None));
    assert!(matches!(r, Err(StoreError::Conflict("paid day"))), "{r:?}");
    assert_eq!(
        store.pay_run(b, rival).await.unwrap().status,
        PayRunStatus::Draft
    );
    // A new run over the same days finds them paid and pays nothing.
    let again = unit!(store, |w| w.create_pay_run(b, dispute, d(13), d(17), None)).unwrap();
    let again_run = store.pay_run(b, again).await.unwrap();
    assert_eq!(again_run.total, Pence::ZERO);
    assert!(again_run
        .lines
        .iter()
        .any(|l| l.working == "already paid by an earlier run"));
    assert_eq!(
        unit!(store, |w| w.approve_pay_run(b, again, d(21), None)).unwrap(),
        None
    );

    // Payments: no more than owed, from an asset account.
    assert_eq!(store.strike_pay_owed(b, m[0]).await.unwrap(), p(10_000));
    let over = unit!(store, |w| w.pay_strike_pay(
        b,
        m[0],
        p(10_001),
        d(22),
        "bank",
        None
    ));
    let Err(StoreError::Refused(why)) = over else {
        panic!("{over:?}")
    };
    assert!(
        why.contains("more than the £100.00 this member is owed"),
        "{why}"
    );
    let wrong = unit!(store, |w| w.pay_strike_pay(
        b,
        m[0],
        p(100),
        d(22),
        "donations",
        None
    ));
    assert!(matches!(wrong, Err(StoreError::Refused(_))), "{wrong:?}");
    let zero = unit!(store, |w| w.pay_strike_pay(
        b,
        m[0],
        Pence::ZERO,
        d(22),
        "bank",
        None
    ));
    assert!(matches!(zero, Err(StoreError::Refused(_))), "{zero:?}");
    unit!(store, |w| w.pay_strike_pay(
        b,
        m[0],
        p(10_000),
        d(22),
        "bank",
        None
    ))
    .unwrap();
    assert_eq!(store.strike_pay_owed(b, m[0]).await.unwrap(), Pence::ZERO);
    // Two payments of all that is owed at once: one is refused.
    let mut tasks = Vec::new();
    for _ in 0..2 {
        let store = store.clone();
        let member = m[1];
        tasks.push(tokio::spawn(async move {
            unit!(store, |w| w.pay_strike_pay(
                b,
                member,
                p(5_000),
                d(22),
                "bank",
                None
            ))
        }));
    }
    let mut paid = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => paid += 1,
            Err(StoreError::Refused(_)) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(paid, 1, "a member is never paid more than owed");
    let owed = store
        .fund_account_by_code(b, "strike-pay-owed")
        .await
        .unwrap();
    assert_eq!(owed.balance, Pence::ZERO);
    let bank = store.fund_account_by_code(b, "bank").await.unwrap();
    assert_eq!(bank.balance, p(-15_000));
    assert_ledger_adds_up(&*store, b).await;
    // Another branch finds none of it.
    assert!(matches!(
        store.pay_run(picket_domain::BranchId(999_999), run).await,
        Err(StoreError::NotFound)
    ));
}

/// A run settles each day from the rep's, the member's and a settled entry, leaves a
/// conflict unpaid with the reason, and counts days before its range towards the day national
/// strike pay starts.
pub async fn strike_pay_runs_settle_entries_and_count_earlier_days(store: Arc<dyn Store>) {
    let (b, dispute, period, m) =
        strike_setup(&store, "pay-c", "", &[Some("Duty Team"), Some("Duty Team")]).await;
    let policy = PayPolicy::new(
        PayRate::Flat { daily: p(5_000) },
        [DayStatus::OnStrike].into_iter().collect(),
        Some(picket_domain::fund::strike_pay::NationalPay {
            from_day: 2,
            daily: p(2_000),
        }),
    )
    .unwrap();
    unit!(store, |w| w.set_pay_policy(b, dispute, &policy, None)).unwrap();
    let entries = |list: &[(usize, u32, DayStatus)]| {
        list.iter()
            .map(|&(member, day, status)| DayEntry {
                member: m[member],
                day: d(day),
                status,
            })
            .collect::<Vec<_>>()
    };
    let rep = entries(&[
        (0, 13, DayStatus::OnStrike),
        (0, 14, DayStatus::OnStrike),
        (0, 15, DayStatus::OnStrike),
        (1, 14, DayStatus::OnStrike),
    ]);
    let member = entries(&[(0, 15, DayStatus::Working), (1, 14, DayStatus::Working)]);
    let settled = entries(&[(1, 14, DayStatus::OnStrike)]);
    for (source, list) in [
        (DaySource::Rep, &rep),
        (DaySource::Member, &member),
        (DaySource::Settled, &settled),
    ] {
        unit!(store, |w| w
            .record_strike_days(b, dispute, period, source, list, None))
        .unwrap();
    }
    // From the 14th: the 13th is before the range but is the first counted day.
    let run = unit!(store, |w| w.create_pay_run(b, dispute, d(14), d(15), None)).unwrap();
    let read = store.pay_run(b, run).await.unwrap();
    let lines: Vec<_> = read
        .lines
        .iter()
        .map(|l| (l.member_id, l.day, l.status, l.amount, l.working.as_str()))
        .collect();
    assert_eq!(
        lines,
        vec![
            (
                m[0],
                d(14),
                Some(DayStatus::OnStrike),
                p(3_000),
                "counted day 2: flat rate £50.00, less national strike pay £20.00 from day 2"
            ),
            (
                m[0],
                d(15),
                None,
                Pence::ZERO,
                "entries conflict: a rep must settle the day"
            ),
            (
                m[1],
                d(14),
                Some(DayStatus::OnStrike),
                p(5_000),
                "counted day 1: flat rate £50.00"
            ),
        ]
    );
    assert_eq!(read.total, p(8_000));
}

/// The reads the fund's pages use: a dispute's runs, a member's statement, every member's
/// balance, and an account's statement a page at a time with the balance after each line.
pub async fn strike_pay_statements_and_account_statements_add_up(store: Arc<dyn Store>) {
    let (b, dispute, period, m) =
        strike_setup(&store, "pay-s", "", &[Some("Duty Team"), Some("Duty Team")]).await;
    let policy = PayPolicy::new(
        PayRate::Flat { daily: p(3_000) },
        [DayStatus::OnStrike].into_iter().collect(),
        None,
    )
    .unwrap();
    unit!(store, |w| w.set_pay_policy(b, dispute, &policy, None)).unwrap();
    let days: Vec<DayEntry> = [13, 14, 15]
        .iter()
        .flat_map(|n| {
            m.iter().map(move |member| DayEntry {
                member: *member,
                day: d(*n),
                status: DayStatus::OnStrike,
            })
        })
        .collect();
    unit!(store, |w| w.record_strike_days(
        b,
        dispute,
        period,
        DaySource::Rep,
        &days,
        None
    ))
    .unwrap();
    let first = unit!(store, |w| w.create_pay_run(b, dispute, d(13), d(14), None)).unwrap();
    unit!(store, |w| w.approve_pay_run(b, first, d(20), None)).unwrap();
    let second = unit!(store, |w| w.create_pay_run(b, dispute, d(13), d(17), None)).unwrap();
    let runs = store.pay_runs(b, dispute).await.unwrap();
    assert_eq!(
        runs.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![second, first],
        "newest first"
    );
    assert!(runs.iter().all(|r| r.lines.is_empty()));
    assert_eq!(runs[0].total, p(6_000), "only the 15th is left to pay");
    unit!(store, |w| w.approve_pay_run(b, second, d(21), None)).unwrap();
    unit!(store, |w| w.pay_strike_pay(
        b,
        m[0],
        p(4_000),
        d(22),
        "bank",
        None
    ))
    .unwrap();
    unit!(store, |w| w.pay_strike_pay(
        b,
        m[0],
        p(1_000),
        d(23),
        "cash",
        None
    ))
    .unwrap();

    let statement = store.strike_pay_statement(b, m[0]).await.unwrap();
    assert_eq!(statement.days.len(), 3);
    assert_eq!(statement.days[2].run_id, second);
    assert_eq!(statement.payments.len(), 2);
    assert_eq!(
        (statement.due, statement.paid, statement.owed),
        (p(9_000), p(5_000), p(4_000))
    );
    let balances = store.strike_pay_balances(b).await.unwrap();
    assert_eq!(balances.len(), 2);
    let other = balances.iter().find(|x| x.member_id == m[1]).unwrap();
    assert_eq!(
        (other.due, other.paid, other.owed),
        (p(9_000), p(0), p(9_000))
    );

    // The liability account: two credits (the runs), two debits (the payments).
    let owed = store
        .fund_account_by_code(b, "strike-pay-owed")
        .await
        .unwrap();
    let page = store
        .fund_statement(b, owed.id, crate::PageRequest::new(1, 3))
        .await
        .unwrap();
    assert_eq!(page.total, 4);
    assert_eq!(page.items.len(), 3);
    assert_eq!(page.items[0].balance_after, owed.balance, "newest first");
    assert_eq!(page.items[0].amount, p(1_000));
    let older = store
        .fund_statement(b, owed.id, crate::PageRequest::new(2, 3))
        .await
        .unwrap();
    assert_eq!(older.items.len(), 1);
    assert_eq!(older.items[0].amount, Pence::from_pence(-12_000));
    assert_eq!(older.items[0].balance_after, Pence::from_pence(-12_000));
    for pair in page.items.windows(2) {
        assert_eq!(
            pair[1].balance_after.pence(),
            pair[0].balance_after.pence() - pair[0].amount.pence()
        );
    }
    assert_eq!(
        page.items[2].balance_after.pence() - page.items[2].amount.pence(),
        older.items[0].balance_after.pence()
    );
    assert_ledger_adds_up(&*store, b).await;
}
