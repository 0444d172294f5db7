//! `picket export ledger` run as the built binary: the CSV rows, and an hledger journal that
//! Debian's `hledger` parses with the same balances as Picket's.

use crate::support::{picket, refused_naming};
use chrono::NaiveDate;
use picket_domain::fund::{
    BalancedTransaction, DonationMethod, DonorKind, NewDonation, Posting, TransactionKind,
};
use picket_domain::Pence;
use picket_store::prelude::*;
use picket_store::Backend;
use picket_test_support::cli::{ok, refused};
use picket_test_support::db::{fresh_url, test_backend};
use std::collections::BTreeMap;
use std::process::Command;

async fn store(url: &str) -> picket_store::sql::SqlStore {
    match test_backend() {
        Backend::Sqlite => picket_store_sqlite::connect(url, 2).await.unwrap(),
        Backend::Postgres => picket_store_postgres::connect(url, 2).await.unwrap(),
    }
}

fn day(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 5, n).unwrap()
}

/// A branch `north` whose ledger holds donations, a transfer with three lines, a reversal
/// and a memo with a semicolon; Picket's non-zero balances by hledger account name.
async fn ledger(url: &str) -> BTreeMap<String, String> {
    ok(&picket()
        .args([
            "branch",
            "add",
            "--slug",
            "north",
            "--name",
            "North",
            "--division",
            "scotland",
        ])
        .database(url)
        .run());
    let s = store(url).await;
    let b = s.branch_by_slug("north").await.unwrap().id;
    let mut w = s.begin().await.unwrap();
    for (name, pence, method) in [
        ("Eastfield Branch", 25_000, DonationMethod::BankTransfer),
        ("Westfield Branch", 15_000, DonationMethod::Cheque),
        ("Bucket collection", 1_234, DonationMethod::Cash),
    ] {
        let d = NewDonation::new(
            DonorKind::Organisation,
            name,
            true,
            Pence::from_pence(pence),
            day(2),
            method,
            None,
            None,
            day(30),
        )
        .unwrap();
        w.record_donation(b, &d, None).await.unwrap();
    }
    w.commit().await.unwrap();
    let id = |code: &'static str| {
        let s = s.clone();
        async move { s.fund_account_by_code(b, code).await.unwrap().id }
    };
    let (bank, cash, owed, pay) = (
        id("bank").await,
        id("cash").await,
        id("strike-pay-owed").await,
        id("strike-pay").await,
    );
    let t = BalancedTransaction::new(
        day(3),
        TransactionKind::Manual,
        "Strike pay; day 1",
        vec![
            Posting::debit(pay, Pence::from_pence(9_000)),
            Posting::credit(bank, Pence::from_pence(8_000)),
            Posting::credit(cash, Pence::from_pence(1_000)),
        ],
    )
    .unwrap();
    let mut w = s.begin().await.unwrap();
    let posted = w.post_fund_transaction(b, &t, None).await.unwrap();
    let t = BalancedTransaction::transfer(
        day(4),
        TransactionKind::Manual,
        "Owed",
        pay,
        owed,
        Pence::from_pence(555),
    )
    .unwrap();
    w.post_fund_transaction(b, &t, None).await.unwrap();
    w.reverse_fund_transaction(b, posted, day(5), "Paid from the wrong account", None)
        .await
        .unwrap();
    w.commit().await.unwrap();
    let mut balances = BTreeMap::new();
    for a in s.fund_accounts(b).await.unwrap() {
        if a.balance != Pence::ZERO {
            balances.insert(
                format!("{}:{}", a.kind.hledger_root(), a.code),
                a.balance.decimal(),
            );
        }
    }
    s.close().await;
    balances
}

#[tokio::test]
async fn the_hledger_journal_parses_with_picket_s_balances() {
    let (url, _db) = fresh_url().await;
    let dir = tempfile::tempdir().unwrap();
    let ours = ledger(&url).await;
    assert_eq!(ours.len(), 5, "{ours:?}");
    let file = dir.path().join("fund.journal");
    let file_arg = file.display().to_string();
    ok(&picket()
        .args([
            "export", "ledger", "--branch", "north", "--format", "hledger", "--output", &file_arg,
        ])
        .database(&url)
        .run());
    let journal = std::fs::read_to_string(&file).unwrap();
    assert!(journal.contains("Strike pay, day 1"), "{journal}");
    let out = Command::new("hledger")
        .args([
            "-f",
            &file_arg,
            "balance",
            "--flat",
            "--no-total",
            "-O",
            "csv",
        ])
        .output()
        .expect("Debian's hledger must be installed (scripts/test installs it)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "hledger refused the journal: {}\n{journal}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut theirs = BTreeMap::new();
    for row in stdout.lines().skip(1) {
        let cells: Vec<&str> = row.split(',').map(|c| c.trim_matches('"')).collect();
        theirs.insert(cells[0].to_string(), cells[1].to_string());
    }
    assert_eq!(
        theirs, ours,
        "hledger's balances differ from Picket's\n{journal}"
    );
}

#[tokio::test]
async fn the_csv_export_has_a_row_per_line_with_debit_and_credit() {
    let (url, _db) = fresh_url().await;
    ledger(&url).await;
    let out = ok(&picket()
        .args(["export", "ledger", "--branch", "north", "--format", "csv"])
        .database(&url)
        .run());
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(
        rows[0],
        "transaction,date,kind,description,reverses,account,account_kind,debit,credit"
    );
    // 3 donations × 2 lines, 3 + 2 lines, and the reversal's 3.
    assert_eq!(rows.len(), 1 + 6 + 3 + 2 + 3, "{out}");
    assert!(
        rows.contains(&"1,2024-05-02,donation,Donation from Eastfield Branch,,bank,asset,250.00,"),
        "{out}"
    );
    assert!(
        rows.iter()
            .any(|r| r.ends_with(",donations,income,,250.00")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|r| r.contains("reversal") && r.contains("Reversal: Paid from the wrong account")),
        "{out}"
    );
    let missing = picket()
        .args(["export", "ledger", "--branch", "nowhere", "--format", "csv"])
        .database(&url)
        .run();
    assert_eq!(missing.status.code(), Some(2));
    assert!(refused(&missing).contains("--branch: there is no branch `nowhere`"));
    refused_naming(
        &["export", "ledger", "--branch", "north", "--format", "pdf"],
        "--format",
    );
}
