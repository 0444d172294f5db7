//! `picket`: the dispute desk of a trade union branch, on the command line.
//!
//! Exit codes: 0 success, 1 a failure while running (database unreachable, say), 2 bad
//! arguments or configuration.

mod admin;
mod backup;
#[cfg(test)]
mod backup_fund_tests;
#[cfg(test)]
mod backup_tests;
mod db;
mod demo;
mod demo_campaign;
mod demo_disputes;
mod demo_eactions;
mod demo_fund;
mod demo_members;
mod demo_pickets;
mod demo_wall;
mod fund;
mod import;
mod law;
mod pickets;
mod serve;

use clap::{Parser, Subcommand};

/// mimalloc rather than the system allocator: a web server allocates and frees small buffers
/// for every request, from every worker thread at once, which the system allocator does
/// more slowly (see docs/PERFORMANCE.md). Built without transparent huge pages (`no_thp`):
/// with them, thousands of open live streams, each holding a few small buffers, kept whole
/// 2 MiB pages resident.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::path::PathBuf;
use std::process::ExitCode;

/// Picket runs an industrial dispute or campaign from the first claim to the settlement.
///
/// Settings come from the defaults, then the TOML file given by --config, then PICKET_*
/// environment variables (PICKET_DATABASE_URL, PICKET_SERVER__ADDR …). See `picket print-config`.
#[derive(Debug, Parser)]
#[command(name = "picket", version, about, long_about, propagate_version = true)]
pub struct Cli {
    /// A TOML settings file.
    #[arg(long, global = true, value_name = "FILE", env = "PICKET_CONFIG")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web application and API (and, unless disabled, the outbox worker and the
    /// picket reminders).
    Serve(serve::ServeArgs),
    /// Run only the outbox worker that delivers queued email.
    Worker,
    /// Apply database migrations and exit.
    Migrate,
    /// Serve a demonstration branch on a fresh database and print the demo logins.
    Demo(demo::DemoArgs),
    /// Print the effective settings, with secrets hidden.
    PrintConfig,
    /// Manage branches.
    #[command(subcommand)]
    Branch(admin::BranchCommand),
    /// Manage users.
    #[command(subcommand)]
    User(admin::UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(admin::TokenCommand),
    /// Import records from a file (`picket import members FILE --branch S`), or a whole
    /// instance into an empty database (`import instance FILE`, as `restore` does).
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Manage a branch's teams and the teams each rep represents.
    #[command(subcommand)]
    Team(import::TeamCommand),
    /// Write a consistent snapshot of the database to an archive, optionally encrypted, while
    /// Picket runs. The archive is portable: it restores into SQLite or PostgreSQL.
    Backup(backup::BackupArgs),
    /// Load a backup into an empty database (migrated first), in one transaction.
    Restore(backup::RestoreArgs),
    /// Export data (`export instance FILE`: the whole instance, as `backup` does;
    /// `export ledger --branch S --format csv|hledger`: a branch's fund ledger).
    #[command(subcommand)]
    Export(backup::ExportCommand),
    /// Picket shifts (`pickets remind [--day DATE]`: queue the reminders for tomorrow's shifts).
    #[command(subcommand)]
    Pickets(pickets::PicketsCommand),
    /// Apply the retention settings (`retention run [--dry-run]`).
    #[command(subcommand)]
    Retention(backup::RetentionCommand),
    // Holidays, WorkingDays and Notice take their help (with the JSON fields) from their
    // argument types in law.rs: a doc comment here would replace it.
    Holidays(law::HolidaysArgs),
    WorkingDays(law::WorkingDaysArgs),
    /// Check ballots against the law (no database needed; honours the law settings).
    #[command(subcommand)]
    Ballot(law::BallotCommand),
    Notice(law::NoticeArgs),
}

/// A failure that is the caller's to fix (exit code 2).
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Shorthand for a usage error.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    UsageError(message.into()).into()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            if e.downcast_ref::<UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn load_settings(cli: &Cli) -> anyhow::Result<picket_web::Settings> {
    picket_web::Settings::load(cli.config.as_deref()).map_err(|e| usage(e.to_string()))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Demo(args) => demo::run(load_settings(&cli)?, args.clone()).await,
        Command::PrintConfig => {
            print!("{}", load_settings(&cli)?.to_redacted_toml());
            Ok(())
        }
        Command::Serve(args) => serve::serve(load_settings(&cli)?, args).await,
        Command::Worker => serve::worker(load_settings(&cli)?).await,
        Command::Migrate => {
            let settings = load_settings(&cli)?;
            serve::init_logging(&settings);
            let store = db::open_and_migrate(&settings).await?;
            let version = picket_store::sql::schema_version(store.pool()).await?;
            println!("database is at schema version {}", version.unwrap_or(0));
            Ok(())
        }
        Command::Branch(cmd) => admin::branch(load_settings(&cli)?, cmd).await,
        Command::User(cmd) => admin::user(load_settings(&cli)?, cmd).await,
        Command::Token(cmd) => admin::token(load_settings(&cli)?, cmd).await,
        Command::Import(cmd) => import::import(load_settings(&cli)?, cmd).await,
        Command::Team(cmd) => import::team(load_settings(&cli)?, cmd).await,
        Command::Backup(args) | Command::Export(backup::ExportCommand::Instance(args)) => {
            backup::backup(&load_settings(&cli)?, args).await
        }
        Command::Export(backup::ExportCommand::Ledger(args)) => {
            fund::export_ledger(&load_settings(&cli)?, args).await
        }
        Command::Restore(args) => backup::restore(&load_settings(&cli)?, args).await,
        Command::Pickets(cmd) => pickets::pickets(&load_settings(&cli)?, cmd).await,
        Command::Retention(cmd) => backup::retention(&load_settings(&cli)?, cmd).await,
        Command::Holidays(args) => law::holidays(args, &(&load_settings(&cli)?).into()),
        Command::WorkingDays(args) => law::working_days(args, &(&load_settings(&cli)?).into()),
        Command::Ballot(cmd) => law::ballot(cmd, &(&load_settings(&cli)?).into()),
        Command::Notice(args) => law::notice(args, &(&load_settings(&cli)?).into()),
    }
}
