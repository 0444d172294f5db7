//! The fund ledger's own refusals: raw SQL that bypasses the store and the domain must still
//! be unable to store an unbalanced or incomplete transaction, or change a posted one.

use picket_domain::fund::{BalancedTransaction, TransactionKind};
use picket_domain::{Division, Pence};
use picket_store::contract::Setup;
use picket_store::prelude::*;
use picket_test_support::test_db;
use sqlx::AnyPool;

struct Ledger {
    branch: i64,
    bank: i64,
    donations: i64,
}

async fn ledger(store: &dyn Store) -> Ledger {
    let branch = store
        .setup_branch(&"raw-fund".parse().unwrap(), "Raw", Division::Scotland)
        .await
        .unwrap();
    let mut work = store.begin().await.unwrap();
    work.ensure_fund_accounts(branch.id).await.unwrap();
    work.commit().await.unwrap();
    let id = |code: &'static str| async move {
        store
            .fund_account_by_code(branch.id, code)
            .await
            .unwrap()
            .id
            .0
    };
    Ledger {
        branch: branch.id.0,
        bank: id("bank").await,
        donations: id("donations").await,
    }
}

/// Runs `lines` (seq, next_seq, account, pence) as one raw transaction with its header;
/// the error text if the database refused it.
async fn raw_post(
    pool: &AnyPool,
    l: &Ledger,
    lines: &[(i64, Option<i64>, i64, i64)],
) -> Result<i64, String> {
    let mut tx = pool.begin().await.map_err(|e| e.to_string())?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO fund_transactions (branch_id, day, kind, memo, posted_at) \
         VALUES ($1, '2024-05-01', 'manual', 'raw', 0) RETURNING id",
    )
    .bind(l.branch)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| e.to_string())?;
    for (seq, next, account, pence) in lines {
        sqlx::query(
            "INSERT INTO fund_lines (branch_id, transaction_id, seq, next_seq, account_id, amount_pence) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(l.branch)
        .bind(id)
        .bind(seq)
        .bind(*next)
        .bind(account)
        .bind(pence)
        .execute(&mut *tx)
        .await
        .map_err(|e| e.to_string())?;
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(id)
}

async fn lines_stored(pool: &AnyPool) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM fund_lines")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_database_refuses_an_unbalanced_or_incomplete_transaction() {
    let db = test_db().await;
    let pool = db.store.pool();
    let l = ledger(&*db.dyn_store()).await;

    let balanced = raw_post(
        pool,
        &l,
        &[(1, Some(2), l.bank, 500), (2, None, l.donations, -500)],
    )
    .await;
    assert!(balanced.is_ok(), "{balanced:?}");
    assert_eq!(lines_stored(pool).await, 2);

    let unbalanced = raw_post(
        pool,
        &l,
        &[(1, Some(2), l.bank, 500), (2, None, l.donations, -499)],
    )
    .await;
    assert!(unbalanced.unwrap_err().contains("must balance"));
    let alone = raw_post(pool, &l, &[(1, None, l.bank, 500)]).await;
    assert!(alone.is_err(), "a single line is refused");
    let zero = raw_post(
        pool,
        &l,
        &[(1, Some(2), l.bank, 0), (2, None, l.donations, 0)],
    )
    .await;
    assert!(zero.is_err(), "lines of nothing are refused");
    // The last line never written: refused when the transaction commits.
    let missing = raw_post(pool, &l, &[(1, Some(2), l.bank, 500)]).await;
    assert!(missing.is_err(), "an incomplete transaction was committed");
    let skipped = raw_post(
        pool,
        &l,
        &[(1, Some(2), l.bank, 500), (3, None, l.donations, -500)],
    )
    .await;
    assert!(skipped.is_err(), "lines out of order are refused");
    assert_eq!(
        lines_stored(pool).await,
        2,
        "nothing of the refused transactions is left"
    );

    // Nothing may follow the last line of a posted transaction.
    let id = balanced.unwrap();
    let after = sqlx::query(
        "INSERT INTO fund_lines (branch_id, transaction_id, seq, next_seq, account_id, amount_pence) \
         VALUES ($1, $2, 3, NULL, $3, 0)",
    )
    .bind(l.branch)
    .bind(id)
    .bind(l.bank)
    .execute(pool)
    .await;
    assert!(after.is_err(), "a line was added to a closed transaction");
}

#[tokio::test]
async fn posted_lines_and_transactions_are_never_changed() {
    let db = test_db().await;
    let store = db.dyn_store();
    let pool = db.store.pool();
    let l = ledger(&*store).await;
    let t = BalancedTransaction::transfer(
        chrono::NaiveDate::from_ymd_opt(2024, 5, 1).unwrap(),
        TransactionKind::Manual,
        "Gift",
        picket_domain::FundAccountId(l.bank),
        picket_domain::FundAccountId(l.donations),
        Pence::from_pence(700),
    )
    .unwrap();
    let mut work = store.begin().await.unwrap();
    work.post_fund_transaction(picket_domain::BranchId(l.branch), &t, None)
        .await
        .unwrap();
    work.commit().await.unwrap();

    for statement in [
        "UPDATE fund_lines SET amount_pence = amount_pence * 2",
        "DELETE FROM fund_lines",
        "UPDATE fund_transactions SET memo = 'changed'",
        "DELETE FROM fund_transactions",
    ] {
        let done = sqlx::query(statement).execute(pool).await;
        assert!(done.is_err(), "`{statement}` was allowed");
    }
    assert_eq!(lines_stored(pool).await, 2);
    let memo: String = sqlx::query_scalar("SELECT memo FROM fund_transactions")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(memo, "Gift");
}
