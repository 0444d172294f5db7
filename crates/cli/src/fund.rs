//! `picket export ledger --branch S --format csv|hledger [--output FILE]`: a branch's fund
//! ledger as CSV (one row per line, debit and credit columns) or as an hledger journal.
//! Transactions are read a page at a time and written as they come, with a progress bar on
//! standard error, so a ledger of a million lines is never held whole.

use crate::db::open_and_migrate;
use crate::usage;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use picket_domain::csv_safe::CsvWriter;
use picket_domain::disputes::Named;
use picket_domain::Pence;
use picket_store::fund::FundTransaction;
use picket_store::prelude::*;
use picket_store::StoreError;
use picket_web::settings::Settings;
use std::io::Write;
use std::path::PathBuf;

/// How the ledger is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LedgerFormat {
    /// One row per line: transaction, date, kind, description, reverses, account, kind,
    /// debit, credit.
    Csv,
    /// An hledger journal (`hledger -f FILE balance` reads it).
    Hledger,
}

/// `picket export ledger …`
#[derive(Debug, Args)]
pub struct LedgerArgs {
    /// The branch's slug.
    #[arg(long)]
    pub branch: String,
    /// CSV or an hledger journal.
    #[arg(long, value_enum)]
    pub format: LedgerFormat,
    /// Write here instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// Transactions read per page.
const PAGE: u32 = 2_000;

/// `picket export ledger`.
pub async fn export_ledger(settings: &Settings, args: &LedgerArgs) -> anyhow::Result<()> {
    let store = open_and_migrate(settings).await?;
    let branch = store
        .branch_by_slug(&args.branch)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => {
                usage(format!("--branch: there is no branch `{}`", args.branch))
            }
            other => other.into(),
        })?;
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .map_err(|e| usage(format!("--output: cannot write {}: {e}", path.display())))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let total = store.fund_transaction_count(branch.id).await?;
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("ledger [{bar:40}] {pos}/{len} transactions ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let mut csv = CsvWriter::new();
    match args.format {
        LedgerFormat::Csv => csv.row([
            "transaction",
            "date",
            "kind",
            "description",
            "reverses",
            "account",
            "account_kind",
            "debit",
            "credit",
        ])?,
        LedgerFormat::Hledger => writeln!(
            out,
            "; The fund ledger of {} ({}), exported by Picket.\n; Amounts in pounds; debits positive, credits negative.\n",
            hledger_text(&branch.name),
            branch.slug
        )?,
    }
    let mut after = None;
    loop {
        let page = store.fund_journal(branch.id, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        for t in &page {
            match args.format {
                LedgerFormat::Csv => csv_rows(&mut csv, t)?,
                LedgerFormat::Hledger => hledger_entry(&mut out, t)?,
            }
        }
        if args.format == LedgerFormat::Csv {
            out.write_all(&csv.take()?)?;
        }
        bar.inc(page.len() as u64);
    }
    out.flush()?;
    bar.finish_and_clear();
    eprintln!("exported {total} transactions of {}", branch.slug);
    Ok(())
}

fn csv_rows(csv: &mut CsvWriter, t: &FundTransaction) -> anyhow::Result<()> {
    for line in &t.lines {
        let (debit, credit) = if line.amount > Pence::ZERO {
            (line.amount.decimal(), String::new())
        } else {
            (
                String::new(),
                Pence::from_pence(-line.amount.pence()).decimal(),
            )
        };
        csv.row([
            t.id.to_string(),
            t.day.to_string(),
            t.kind.as_str().to_string(),
            t.memo.clone(),
            t.reverses.map(|r| r.to_string()).unwrap_or_default(),
            line.account_code.clone(),
            line.account_kind.as_str().to_string(),
            debit,
            credit,
        ])?;
    }
    Ok(())
}

/// Text safe in an hledger description or comment: one line, no `;` (which starts a comment).
fn hledger_text(s: &str) -> String {
    s.replace([';', '\n', '\r'], ",")
}

fn hledger_entry(out: &mut dyn Write, t: &FundTransaction) -> anyhow::Result<()> {
    writeln!(
        out,
        "{} ({}) {}  ; kind:{}{}",
        t.day,
        t.id,
        hledger_text(&t.memo),
        t.kind.as_str(),
        t.reverses
            .map(|r| format!(", reverses:{r}"))
            .unwrap_or_default()
    )?;
    for line in &t.lines {
        writeln!(
            out,
            "    {}:{}  {}",
            line.account_kind.hledger_root(),
            line.account_code,
            line.amount.decimal()
        )?;
    }
    writeln!(out)?;
    Ok(())
}
