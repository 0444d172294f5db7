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

    let started = Instant::now();
    let mut w = store.begin().await?;
    let run = w
        .create_pay_run(branch.id, dispute, first, last, None)
        .await?;
    w.commit().await?;
    let pay_run = started.elapsed();
    let total = store.pay_run(branch.id, run).await?.total;

    // The ledger: a donation adds the standard accounts, then transfers between bank and
    // cash, two lines each, a unit of work per thousand.
    let today = Utc::now().date_naive();
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
    let mut posted = 2;
    while posted < lines {
        let mut w = store.begin().await?;
        for _ in 0..1000 {
            if posted >= lines {
                break;
            }
            let (to, from) = if posted % 4 == 0 {
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
                Pence::from_pence(100 + (posted as i64 % 900)),
            )?;
            w.post_fund_transaction(branch.id, &t, None).await?;
            posted += 2;
        }
        w.commit().await?;
    }
    let posting = started.elapsed();

    let mut reads = Vec::with_capacity(1000);
    for _ in 0..1000 {
        let started = Instant::now();
        let account = store.fund_account(branch.id, bank).await?;
        reads.push(started.elapsed());
        std::hint::black_box(account);
    }
    reads.sort();
    let median = reads[reads.len() / 2];
    let worst = reads[reads.len() - 1];

    let started = Instant::now();
    let out = std::process::Command::new(&picket)
        .args([
            "export", "ledger", "--branch", "bench", "--format", "hledger", "--output",
        ])
        .arg(std::env::temp_dir().join(format!("picket-fund-bench-{}.journal", std::process::id())))
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
    let _ = std::fs::remove_file(
        std::env::temp_dir().join(format!("picket-fund-bench-{}.journal", std::process::id())),
    );
    println!(
        "| {} | {} | {:.1} s | {:.3} s ({total}) | {} | {:.1} s | {:.2} ms (worst {:.2} ms) | {:.1} s |",
        backend.as_str(),
        entries.len(),
        recording.as_secs_f64(),
        pay_run.as_secs_f64(),
        posted,
        posting.as_secs_f64(),
        median.as_secs_f64() * 1000.0,
        worst.as_secs_f64() * 1000.0,
        export.as_secs_f64(),
    );
    Ok(())
}
