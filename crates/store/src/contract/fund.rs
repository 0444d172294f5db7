//! Contract tests for the strike fund's ledger and donations.

use crate::contract::Setup;
use crate::fund::{FundTransaction, NewFundAccount};
use crate::prelude::*;
use crate::{StoreError, StoreResult};
use chrono::NaiveDate;
use picket_domain::fund::{
    AccountKind, BalancedTransaction, DonationMethod, DonorKind, NewDonation, Posting, Restriction,
    TransactionKind,
};
use picket_domain::{BranchId, Division, FundAccountId, FundTransactionId, Pence, UserId};
use std::collections::BTreeMap;
use std::sync::Arc;

pub(crate) fn day(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 5, n).expect("a day in May 2024")
}

pub(crate) fn p(pence: i64) -> Pence {
    Pence::from_pence(pence)
}

/// A branch with its standard accounts, and a treasurer.
pub(crate) async fn fund_branch(store: &dyn Store, slug: &str) -> (BranchId, UserId) {
    let branch = store
        .setup_branch(&slug.parse().unwrap(), "Fund", Division::EnglandAndWales)
        .await
        .unwrap();
    let user = store
        .setup_user(
            &format!("treasurer@{slug}.example.org").parse().unwrap(),
            "Treasurer",
            None,
        )
        .await
        .unwrap();
    let mut work = store.begin().await.unwrap();
    work.ensure_fund_accounts(branch.id).await.unwrap();
    work.commit().await.unwrap();
    (branch.id, user.id)
}

pub(crate) async fn account(store: &dyn Store, branch: BranchId, code: &str) -> FundAccountId {
    store.fund_account_by_code(branch, code).await.unwrap().id
}

async fn post(
    store: &dyn Store,
    branch: BranchId,
    t: &BalancedTransaction,
    by: UserId,
) -> StoreResult<FundTransactionId> {
    let mut work = store.begin().await?;
    let id = work.post_fund_transaction(branch, t, Some(by)).await?;
    work.commit().await?;
    Ok(id)
}

async fn reverse(
    store: &dyn Store,
    branch: BranchId,
    id: FundTransactionId,
    reason: &str,
    by: UserId,
) -> StoreResult<FundTransactionId> {
    let mut work = store.begin().await?;
    let id = work
        .reverse_fund_transaction(branch, id, day(20), reason, Some(by))
        .await?;
    work.commit().await?;
    Ok(id)
}

/// Every transaction of the branch, read a page at a time.
pub async fn whole_journal(store: &dyn Store, branch: BranchId) -> Vec<FundTransaction> {
    let mut all = Vec::new();
    loop {
        let page = store
            .fund_journal(branch, all.last().map(|t: &FundTransaction| t.id), 7)
            .await
            .unwrap();
        if page.is_empty() {
            return all;
        }
        all.extend(page);
    }
}

/// Every transaction balances with two or more lines, and every kept balance is the sum of
/// its account's lines.
pub async fn assert_ledger_adds_up(store: &dyn Store, branch: BranchId) {
    let mut sums: BTreeMap<FundAccountId, (i64, u64)> = BTreeMap::new();
    for t in whole_journal(store, branch).await {
        assert!(
            t.lines.len() >= 2,
            "transaction {} has {} lines",
            t.id,
            t.lines.len()
        );
        let total: i64 = t.lines.iter().map(|l| l.amount.pence()).sum();
        assert_eq!(total, 0, "transaction {} does not balance", t.id);
        for l in &t.lines {
            let e = sums.entry(l.account_id).or_default();
            e.0 += l.amount.pence();
            e.1 += 1;
        }
    }
    for a in store.fund_accounts(branch).await.unwrap() {
        let (sum, lines) = sums.get(&a.id).copied().unwrap_or_default();
        assert_eq!(a.balance.pence(), sum, "kept balance of {}", a.code);
        assert_eq!(a.line_count, lines, "line count of {}", a.code);
    }
}

/// Balanced transactions are posted with who and when, balances are kept, a correction is a
/// reversal with a reason (once), and nothing crosses branches.
pub async fn fund_ledger_keeps_balances_and_reverses(store: Arc<dyn Store>) {
    let (branch, treasurer) = fund_branch(&*store, "fund-ledger").await;
    let (other, _) = fund_branch(&*store, "fund-other").await;
    let bank = account(&*store, branch, "bank").await;
    let cash = account(&*store, branch, "cash").await;
    let donations = account(&*store, branch, "donations").await;
    let accounts = store.fund_accounts(branch).await.unwrap();
    assert_eq!(
        accounts.len(),
        picket_domain::fund::ledger::STANDARD_ACCOUNTS.len()
    );
    assert!(accounts.iter().all(|a| a.balance == Pence::ZERO));

    let mut work = store.begin().await.unwrap();
    work.ensure_fund_accounts(branch).await.unwrap();
    let float = work
        .add_fund_account(
            branch,
            &NewFundAccount {
                code: "float".parse().unwrap(),
                name: "Picket line float".into(),
                kind: AccountKind::Asset,
            },
        )
        .await
        .unwrap();
    work.commit().await.unwrap();
    let mut work = store.begin().await.unwrap();
    let again = work
        .add_fund_account(
            branch,
            &NewFundAccount {
                code: "float".parse().unwrap(),
                name: "Again".into(),
                kind: AccountKind::Asset,
            },
        )
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict("account code"))),
        "{again:?}"
    );
    drop(work);

    let gift = BalancedTransaction::new(
        day(1),
        TransactionKind::Manual,
        "Opening balances",
        vec![
            Posting::debit(bank, p(25_000)),
            Posting::debit(cash, p(1_550)),
            Posting::credit(donations, p(26_550)),
        ],
    )
    .unwrap();
    let first = post(&*store, branch, &gift, treasurer).await.unwrap();
    let to_float = BalancedTransaction::transfer(
        day(2),
        TransactionKind::Manual,
        "Float",
        float,
        cash,
        p(500),
    )
    .unwrap();
    post(&*store, branch, &to_float, treasurer).await.unwrap();

    let read = store.fund_transaction(branch, first).await.unwrap();
    assert_eq!((read.day, read.memo.as_str()), (day(1), "Opening balances"));
    assert_eq!(read.posted_by, Some(treasurer));
    assert_eq!(read.kind, TransactionKind::Manual);
    let amounts: Vec<(String, i64)> = read
        .lines
        .iter()
        .map(|l| (l.account_code.clone(), l.amount.pence()))
        .collect();
    assert_eq!(
        amounts,
        [
            ("bank".to_string(), 25_000),
            ("cash".to_string(), 1_550),
            ("donations".to_string(), -26_550)
        ]
    );
    assert_eq!(
        store.fund_account(branch, cash).await.unwrap().balance,
        p(1_050)
    );
    let income = store.fund_account(branch, donations).await.unwrap();
    assert_eq!(
        (income.balance, income.shown_balance()),
        (p(-26_550), p(26_550))
    );

    // Another branch reads none of it, and cannot post to these accounts.
    assert!(matches!(
        store.fund_transaction(other, first).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.fund_account(other, bank).await,
        Err(StoreError::NotFound)
    ));
    assert!(store
        .fund_journal(other, None, 100)
        .await
        .unwrap()
        .iter()
        .all(|t| t.id != first));
    let theirs = post(&*store, other, &gift, treasurer).await;
    assert!(matches!(theirs, Err(StoreError::NotFound)), "{theirs:?}");
    assert!(matches!(
        reverse(&*store, other, first, "Mistake", treasurer).await,
        Err(StoreError::NotFound)
    ));

    // The only correction: a reversal, with a reason, once.
    assert!(matches!(
        reverse(&*store, branch, first, " ", treasurer).await,
        Err(StoreError::Refused(_))
    ));
    let undo = reverse(&*store, branch, first, "Entered twice", treasurer)
        .await
        .unwrap();
    let undone = store.fund_transaction(branch, undo).await.unwrap();
    assert_eq!(undone.reverses, Some(first));
    assert_eq!(undone.kind, TransactionKind::Reversal);
    assert_eq!(undone.memo, "Reversal: Entered twice");
    assert_eq!(
        store.fund_reversal_of(branch, first).await.unwrap(),
        Some(undo)
    );
    assert_eq!(store.fund_reversal_of(branch, undo).await.unwrap(), None);
    assert_eq!(store.fund_reversal_of(other, first).await.unwrap(), None);
    assert!(matches!(
        reverse(&*store, branch, first, "Again", treasurer).await,
        Err(StoreError::Conflict("reversal"))
    ));
    assert!(matches!(
        reverse(&*store, branch, undo, "Undo the undo", treasurer).await,
        Err(StoreError::Conflict("reversal"))
    ));
    assert_eq!(
        store.fund_account(branch, bank).await.unwrap().balance,
        Pence::ZERO
    );
    assert_eq!(
        store.fund_account(branch, cash).await.unwrap().balance,
        p(-500)
    );
    assert_eq!(store.fund_transaction_count(branch).await.unwrap(), 3);
    assert_ledger_adds_up(&*store, branch).await;
    assert_ledger_adds_up(&*store, other).await;
}

/// Many tasks posting at once, some of them failing after their lines are written: every
/// transaction kept is whole, none of the failed ones is left, and each kept balance is the
/// sum of its lines.
pub async fn fund_postings_in_parallel_are_whole(store: Arc<dyn Store>) {
    let (branch, treasurer) = fund_branch(&*store, "fund-parallel").await;
    let bank = account(&*store, branch, "bank").await;
    let cash = account(&*store, branch, "cash").await;
    let donations = account(&*store, branch, "donations").await;
    let owed = account(&*store, branch, "strike-pay-owed").await;
    let mut tasks = Vec::new();
    for task in 0..6_i64 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut kept = 0_i64;
            for i in 0..8_i64 {
                let amount = 100 + task * 10 + i;
                // Accounts in a different order per task, so lock order is not the caller's.
                let lines = if task % 2 == 0 {
                    vec![
                        Posting::debit(bank, p(amount)),
                        Posting::debit(cash, p(1)),
                        Posting::credit(donations, p(amount + 1)),
                    ]
                } else {
                    vec![
                        Posting::credit(donations, p(amount + 1)),
                        Posting::debit(owed, p(1)),
                        Posting::debit(bank, p(amount)),
                    ]
                };
                let t = BalancedTransaction::new(day(3), TransactionKind::Manual, "Gift", lines)
                    .unwrap();
                let fail = i % 3 == 2;
                let done: StoreResult<()> = async {
                    let mut work = store.begin().await?;
                    work.post_fund_transaction(branch, &t, Some(treasurer))
                        .await?;
                    if fail {
                        // A later step of the change fails: the unit is dropped, not committed.
                        return Err(StoreError::NotFound);
                    }
                    work.commit().await
                }
                .await;
                match done {
                    Ok(()) => kept += amount,
                    Err(StoreError::NotFound) if fail => {}
                    Err(e) => panic!("posting failed: {e}"),
                }
            }
            kept
        }));
    }
    let mut kept = 0;
    for t in tasks {
        kept += t.await.unwrap();
    }
    assert_ledger_adds_up(&*store, branch).await;
    assert_eq!(
        store.fund_account(branch, bank).await.unwrap().balance,
        p(kept)
    );
    // 6 tasks × 8 postings, of which i = 2 and 5 failed.
    assert_eq!(store.fund_transaction_count(branch).await.unwrap(), 36);
}

/// A donation posts its transaction in the same unit; restricted money goes to its own
/// accounts; the public total names only donors who agreed.
pub async fn donations_post_to_the_ledger_and_name_only_who_agreed(store: Arc<dyn Store>) {
    let (branch, treasurer) = fund_branch(&*store, "fund-donations").await;
    let (other, _) = fund_branch(&*store, "fund-donations-b").await;
    let message = crate::contract::wall::submit(
        &*store,
        crate::contract::wall::post(branch, "Eastfield Branch", "union-body", "With you", "ip9"),
        crate::wall::WallPostLimits::NONE,
    )
    .await
    .unwrap()
    .id()
    .unwrap();
    let gift = |kind, name: &str, named, pence, method, wall, restriction| {
        NewDonation::new(
            kind,
            name,
            named,
            p(pence),
            day(4),
            method,
            wall,
            restriction,
            day(30),
        )
        .unwrap()
    };
    let record = |d: NewDonation, b: BranchId| {
        let store = store.clone();
        async move {
            let mut work = store.begin().await?;
            let out = work.record_donation(b, &d, Some(treasurer)).await?;
            work.commit().await?;
            Ok::<_, StoreError>(out)
        }
    };
    let (first, posted) = record(
        gift(
            DonorKind::Organisation,
            "Eastfield Branch",
            true,
            25_000,
            DonationMethod::BankTransfer,
            Some(message),
            None,
        ),
        branch,
    )
    .await
    .unwrap();
    record(
        gift(
            DonorKind::Person,
            "A Secret Person",
            false,
            15_000,
            DonationMethod::Cash,
            None,
            None,
        ),
        branch,
    )
    .await
    .unwrap();
    record(
        gift(
            DonorKind::Organisation,
            "Eastfield Branch",
            true,
            5_000,
            DonationMethod::Cheque,
            None,
            Some(Restriction::Hardship),
        ),
        branch,
    )
    .await
    .unwrap();
    // A wall message of another branch: refused, and nothing posted there.
    let refused = record(
        gift(
            DonorKind::Person,
            "Someone",
            true,
            100,
            DonationMethod::Cash,
            Some(message),
            None,
        ),
        other,
    )
    .await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
    assert_eq!(store.fund_transaction_count(other).await.unwrap(), 0);

    let balance = |code: &'static str| {
        let store = store.clone();
        async move {
            store
                .fund_account_by_code(branch, code)
                .await
                .unwrap()
                .shown_balance()
        }
    };
    assert_eq!(balance("bank").await, p(25_000));
    assert_eq!(balance("cash").await, p(15_000));
    assert_eq!(balance("donations").await, p(40_000));
    assert_eq!(
        balance("hardship-fund").await,
        p(5_000),
        "restricted money kept apart"
    );
    assert_eq!(balance("donations-hardship").await, p(5_000));

    let listed = store.donations(branch).await.unwrap();
    assert_eq!(listed.len(), 3);
    let eastfield = listed.iter().find(|d| d.id == first).unwrap();
    assert_eq!(eastfield.wall_message, Some(message));
    assert_eq!(eastfield.transaction_id, posted);
    let t = store.fund_transaction(branch, posted).await.unwrap();
    assert_eq!(t.kind, TransactionKind::Donation);
    assert_eq!(t.memo, "Donation from Eastfield Branch");

    let raised = store.raised_so_far(branch).await.unwrap();
    assert_eq!((raised.total, raised.donations), (p(45_000), 3));
    assert_eq!(raised.named.len(), 1);
    assert_eq!(
        (raised.named[0].name.as_str(), raised.named[0].amount),
        ("Eastfield Branch", p(30_000))
    );
    let public = serde_json::to_string(&raised).unwrap();
    assert!(
        !public.contains("Secret"),
        "an unnamed donor leaked: {public}"
    );
    let memos: Vec<String> = whole_journal(&*store, branch)
        .await
        .into_iter()
        .map(|t| t.memo)
        .collect();
    assert!(memos.iter().all(|m| !m.contains("Secret")), "{memos:?}");
    assert_eq!(store.raised_so_far(other).await.unwrap().donations, 0);
    assert_ledger_adds_up(&*store, branch).await;
}
