//! The strike fund's speed on either engine, on a fresh database: a pay run over MEMBERS
//! members × DAYS strike days of participation records, reading an account's balance once
//! the ledger holds LINES lines, and `picket export ledger --format hledger` over them. Run
//! through `bench/fund.sh`.
//!
//! ```text
//! fund_bench sqlite|postgres MEMBERS DAYS LINES PICKET   prints one Markdown table row
//! ```

use anyhow::{bail, Context};
use chrono::{Datelike, NaiveDate, Utc};
use picket_domain::disputes::{ActionKind, DisputeStatus};
use picket_domain::fund::strike_pay::{PayPolicy, PayRate};
use picket_domain::fund::{
    BalancedTransaction, DonationMethod, DonorKind, NewDonation, TransactionKind,
};
use picket_domain::members::MemberDetails;
use picket_domain::strike_days::{DaySource, DayStatus};
use picket_domain::{Division, Nation, Pence};
use picket_store::contract::Setup;
use picket_store::disputes::{NewActionPeriod, NewDispute};
use picket_store::strike_days::DayEntry;
use picket_store::Backend;
use std::collections::BTreeSet;
use std::time::Instant;

/// Ledger lines posted through the store (the rest are written straight into the tables).
const STORE_LINES: usize = 10_000;
/// Transactions written by one statement when filling the ledger.
const BULK_TRANSACTIONS: usize = 50_000;

/// Writes `n` two-line transfers between bank and cash straight into the ledger's tables, in
/// one unit of work, and brings the accounts' kept balances and line counts up to date: the
/// same rows the store's posting writes (and the schema's checks accept), without a round
/// trip per line. Only for filling a benchmark's ledger quickly.
async fn bulk_transfers(
    store: &picket_store::sql::SqlStore,
    branch: picket_domain::BranchId,
    bank: picket_domain::FundAccountId,
    cash: picket_domain::FundAccountId,
    n: usize,
    day: NaiveDate,
) -> anyhow::Result<()> {
    let mut tx = store.begin_write().await?;
    let before: i64 =
        sqlx::query_scalar("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM fund_transactions")
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
         INSERT INTO fund_transactions (branch_id, day, kind, memo, posted_at) \
         SELECT $2, $3, 'manual', 'Float', $4 FROM n",
    )
    .bind(i64::try_from(n)?)
    .bind(branch.0)
    .bind(day.to_string())
    .bind(Utc::now().timestamp())
    .execute(&mut *tx)
    .await?;
    // Line 1 debits one account, line 2 credits the other; every other transfer goes the
    // other way.
    sqlx::query(
        "INSERT INTO fund_lines (branch_id, transaction_id, seq, next_seq, account_id, amount_pence) \
         SELECT t.branch_id, t.id, s.seq, CASE WHEN s.seq = 1 THEN 2 END, \
         CASE WHEN (t.id % 2 = 0) = (s.seq = 1) THEN $1 ELSE $2 END, \
         CASE WHEN s.seq = 1 THEN 100 + t.id % 900 ELSE -(100 + t.id % 900) END \
         FROM fund_transactions t CROSS JOIN (SELECT 1 AS seq UNION ALL SELECT 2) s \
         WHERE t.branch_id = $3 AND t.id > $4 ORDER BY t.id, s.seq",
    )
    .bind(cash.0)
    .bind(bank.0)
    .bind(branch.0)
    .bind(before)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE fund_accounts SET \
         balance_pence = (SELECT CAST(COALESCE(SUM(amount_pence), 0) AS BIGINT) FROM fund_lines l WHERE l.account_id = fund_accounts.id), \
         line_count = (SELECT COUNT(*) FROM fund_lines l WHERE l.account_id = fund_accounts.id) \
         WHERE branch_id = $1 AND id IN ($2, $3)",
    )
    .bind(branch.0)
    .bind(bank.0)
    .bind(cash.0)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    sqlx::any::install_default_drivers();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or_default();
    let backend = match arg(0) {
        "sqlite" => Backend::Sqlite,
        "postgres" => Backend::Postgres,
        other => bail!("fund_bench: sqlite or postgres, not `{other}`"),
    };
    let members: usize = arg(1).parse().context("MEMBERS")?;
    let days: usize = arg(2).parse().context("DAYS")?;
    let lines: usize = arg(3).parse().context("LINES")?;
    let picket = arg(4).to_string();
    let db = picket_test_support::db::test_db_on(backend).await;
    let store = db.dyn_store();

    let branch = store
        .setup_branch(&"bench".parse()?, "Bench", Division::EnglandAndWales)
        .await?;
    let mut w = store.begin().await?;
    let dispute = w
        .create_dispute(
            branch.id,
            &NewDispute {
                title: "Bench".into(),
                employer: "Council".into(),
                nation: Nation::England,
                status: DisputeStatus::InAction,
                summary: String::new(),
            },
        )
        .await?
        .id;
    let first = NaiveDate::from_ymd_opt(2023, 1, 2).context("a day")?;
    let strike_days: Vec<NaiveDate> = first
        .iter_days()
        .filter(|d| d.weekday().number_from_monday() <= 5)
        .take(days)
        .collect();
    let last = *strike_days.last().context("no days")?;
    let period = w
        .create_action_period(
            branch.id,
            dispute,
            &NewActionPeriod {
                ballot_id: None,
                kind: ActionKind::Strike,
                starts: first,
                ends: last,
                teams: "Duty team".into(),
                called_out: None,
                notice_received: None,
                holidays_as_strike: Vec::new(),
            },
        )
        .await?
        .id;
    let team = w.create_team(branch.id, "Duty team", None).await?;
    let mut ids = Vec::with_capacity(members);
    for i in 0..members {
        let mut d = MemberDetails::new(format!("B{i:06}").parse()?, format!("Member {i}"));
        d.daily_pay_pence = Some(10_000 + (i as i64 % 50) * 100);
        ids.push(w.create_member(branch.id, &d, Some(team.id)).await?.id);
    }
    w.set_pay_policy(
        branch.id,
        dispute,
        &PayPolicy::new(
            PayRate::Share {
                hundredths: 5_000,
                cap: Pence::from_pence(6_000),
            },
            BTreeSet::from([DayStatus::OnStrike]),
            None,
        )?,
        None,
    )
    .await?;
    w.commit().await?;

    let mut entries = Vec::with_capacity(members * days);
    for (n, id) in ids.iter().enumerate() {
        for (k, d) in strike_days.iter().enumerate() {
            entries.push(DayEntry {
                member: *id,
                day: *d,
                status: if (n + k) % 10 == 0 {
                    DayStatus::Working
                } else {
                    DayStatus::OnStrike
                },
            });
        }
    }
    // A tenth of the members to a unit of work.
    let started = Instant::now();
    for chunk in entries.chunks(members * 10) {
        let mut w = store.begin().await?;
        w.record_strike_days(branch.id, dispute, period, DaySource::Rep, chunk, None)
            .await?;
        w.commit().await?;
    }
    let recording = started.elapsed();

    // The pay run: computed and written as a draft, read back whole as the page that shows
    // it for approval reads it, approved (its days marked paid, its liability posted), and
    // made again over the same days, which must pay nothing.
    let started = Instant::now();
    let mut w = store.begin().await?;
    let run = w
        .create_pay_run(branch.id, dispute, first, last, None)
        .await?;
    w.commit().await?;
    let pay_run = started.elapsed();
    let started = Instant::now();
    let shown = store.pay_run(branch.id, run).await?;
    let read_back = started.elapsed();
    let total = shown.total;
    let lines_in_run = shown.lines.len();
    drop(shown);
    let today = Utc::now().date_naive();
    let started = Instant::now();
    let mut w = store.begin().await?;
    w.approve_pay_run(branch.id, run, today, None).await?;
    w.commit().await?;
    let approve = started.elapsed();
    let started = Instant::now();
    let mut w = store.begin().await?;
    let again = w
        .create_pay_run(branch.id, dispute, first, last, None)
        .await?;
    w.commit().await?;
    let run_again = started.elapsed();
    let again_total = store.pay_run(branch.id, again).await?.total;
    if again_total != Pence::ZERO {
        bail!("a second run over paid days pays {again_total}");
    }

    // The ledger: a donation adds the standard accounts; then transfers between bank and
    // cash, two lines each: the first STORE_LINES through the store (a thousand transactions
    // to a unit of work), the rest written straight into the tables.
    let mut w = store.begin().await?;
    w.record_donation(
        branch.id,
        &NewDonation::new(
            DonorKind::Organisation,
            "Bench branch",
            true,
            Pence::from_pence(100_000_000),
            today,
            DonationMethod::BankTransfer,
            None,
            None,
            today,
        )?,
        None,
    )
    .await?;
    w.commit().await?;
    let bank = store.fund_account_by_code(branch.id, "bank").await?.id;
    let cash = store.fund_account_by_code(branch.id, "cash").await?.id;
    let started = Instant::now();
    let mut through_store = 0;
    while through_store < lines.min(STORE_LINES) {
        let mut w = store.begin().await?;
        for _ in 0..1000 {
            if through_store >= lines.min(STORE_LINES) {
                break;
            }
            let (to, from) = if through_store % 4 == 0 {
                (cash, bank)
            } else {
                (bank, cash)
            };
            let t = BalancedTransaction::transfer(
                today,
                TransactionKind::Manual,
                "Float",
                to,
                from,
                Pence::from_pence(100 + (through_store as i64 % 900)),
            )?;
            w.post_fund_transaction(branch.id, &t, None).await?;
            through_store += 2;
        }
        w.commit().await?;
    }
    let posting = started.elapsed();
    let per_transaction = posting / u32::try_from(through_store / 2).unwrap_or(1).max(1);
    let mut posted = through_store;
    while posted < lines {
        let transactions = ((lines - posted) / 2).clamp(1, BULK_TRANSACTIONS);
        bulk_transfers(&db.store, branch.id, bank, cash, transactions, today).await?;
        posted += transactions * 2;
    }
    let posted_lines: i64 =
        sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM fund_lines WHERE branch_id = $1")
            .bind(branch.id.0)
            .fetch_one(db.store.pool())
            .await?;

    let mut reads = Vec::with_capacity(1000);
    for _ in 0..1000 {
        let started = Instant::now();
        let account = store.fund_account(branch.id, bank).await?;
        reads.push(started.elapsed());
        std::hint::black_box(account);
    }
    reads.sort();
    let median = reads[reads.len() / 2];
    let p99 = reads[reads.len() * 99 / 100];
    let worst = reads[reads.len() - 1];

    let journal =
        std::env::temp_dir().join(format!("picket-fund-bench-{}.journal", std::process::id()));
    let started = Instant::now();
    let out = std::process::Command::new(&picket)
        .args([
            "export", "ledger", "--branch", "bench", "--format", "hledger", "--output",
        ])
        .arg(&journal)
        .env("PICKET_DATABASE_URL", &db.url)
        .env("PICKET_LOG__LEVEL", "warn")
        .output()
        .context("running picket export ledger")?;
    let export = started.elapsed();
    if !out.status.success() {
        bail!(
            "picket export ledger failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let journal_bytes = std::fs::metadata(&journal)?.len();
    let _ = std::fs::remove_file(&journal);
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    println!(
        "| {} | {} | {:.1} s | {:.0} ms ({lines_in_run} lines, {total}) | {:.0} ms | {:.0} ms | {:.0} ms | {posted_lines} | {:.2} ms per transaction | {:.2} ms (p99 {:.2} ms, worst {:.2} ms) | {:.1} s ({journal_bytes} bytes) |",
        backend.as_str(),
        entries.len(),
        recording.as_secs_f64(),
        ms(pay_run),
        ms(read_back),
        ms(approve),
        ms(run_again),
        ms(per_transaction),
        ms(median),
        ms(p99),
        ms(worst),
        export.as_secs_f64(),
    );
    Ok(())
}
