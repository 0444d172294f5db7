//! `picket backup`, `picket restore`, `picket export instance`, `picket import instance` and
//! `picket retention run`.
//!
//! Backups and instance moves share one portable archive format and one engine
//! (`picket_store::archive`): an archive written from SQLite restores into PostgreSQL and
//! back. Progress bars go to standard error (only when it is a terminal); the summary line
//! to standard output.

use crate::db::open_url;
use crate::usage;
use anyhow::Context;
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use picket_store::archive::{
    is_encrypted, open_archive, ArchiveError, ArchiveSummary, ArchiveWriter, Progress, SecretString,
};
use picket_store::retention::RetentionAction;
use picket_web::Settings;
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The environment variable a passphrase may come from.
pub const PASSPHRASE_VAR: &str = "PICKET_BACKUP_PASSPHRASE";

/// Options of `picket backup` and `picket export instance`.
#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// The archive to write (gzip'd JSON lines; refused if it exists, unless --force).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Encrypt the archive with a passphrase (age, scrypt): from --passphrase-file, else
    /// PICKET_BACKUP_PASSPHRASE, else asked for at the terminal.
    #[arg(long)]
    pub encrypt: bool,
    /// Read the passphrase from the first line of this file.
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
    /// Read this database instead of `database_url`.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

/// Options of `picket restore` and `picket import instance`.
#[derive(Debug, Clone, Args)]
pub struct RestoreArgs {
    /// The archive to load (plain or encrypted: detected).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Read the passphrase of an encrypted archive from the first line of this file (else
    /// PICKET_BACKUP_PASSPHRASE, else asked for at the terminal).
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// Load into this database instead of `database_url` (it is migrated first, and must be
    /// empty).
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

/// `picket export …`
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write the whole instance to an archive, to move it to another database (say from
    /// SQLite to PostgreSQL). The same format and code as `picket backup`.
    Instance(BackupArgs),
    /// Write a branch's fund ledger as CSV or as an hledger journal
    /// (`export ledger --branch S --format csv|hledger [--output FILE]`).
    Ledger(crate::fund::LedgerArgs),
}

/// `picket retention …`
#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Apply the `[retention]` settings now, printing per kind how many records went (`picket
    /// serve` does this daily). The run is audited with its counts.
    Run {
        /// Only count what would go; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// `picket backup` and `picket export instance`.
pub async fn backup(settings: &Settings, args: &BackupArgs) -> anyhow::Result<()> {
    if args.file.exists() && !args.force {
        return Err(usage(format!(
            "FILE: {} exists; choose another name or give --force",
            args.file.display()
        )));
    }
    if args.passphrase_file.is_some() && !args.encrypt {
        return Err(usage("--passphrase-file is for --encrypt"));
    }
    let passphrase = if args.encrypt {
        Some(passphrase(args.passphrase_file.as_deref(), true)?)
    } else {
        None
    };
    let url = target_url(settings, args.database_url.as_deref());
    let store = open_url(&url, 2).await?;
    // Written beside the target and renamed at the end: a failed backup leaves no half file.
    let partial = partial_path(&args.file);
    let file =
        create_private(&partial).with_context(|| format!("creating {}", partial.display()))?;
    let result = async {
        let mut writer = ArchiveWriter::new(BufWriter::new(file), passphrase)?;
        let summary = store.write_archive(&mut writer, &Bars::default()).await?;
        writer
            .finish()?
            .into_inner()
            .map_err(|e| e.into_error())?
            .sync_all()?;
        Ok::<_, ArchiveError>(summary)
    }
    .await;
    let summary = match result {
        Ok(summary) => summary,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(archive_error(e));
        }
    };
    std::fs::rename(&partial, &args.file)
        .with_context(|| format!("renaming {} to {}", partial.display(), args.file.display()))?;
    // A backup is an export of every member's data: it is in the audit log like any other.
    audit_archive(&store, "instance.backup", &summary, args.encrypt).await?;
    println!(
        "wrote {} rows of {} tables (schema version {}{}) to {}",
        summary.rows,
        summary.header.tables.len(),
        summary.header.schema_version,
        if args.encrypt { ", encrypted" } else { "" },
        args.file.display()
    );
    Ok(())
}

/// `picket restore` and `picket import instance`.
pub async fn restore(settings: &Settings, args: &RestoreArgs) -> anyhow::Result<()> {
    let file = File::open(&args.file)
        .map_err(|e| usage(format!("FILE: cannot open {}: {e}", args.file.display())))?;
    let mut input = BufReader::new(file);
    let passphrase_given = is_encrypted(&mut input)?;
    let passphrase = if passphrase_given {
        Some(passphrase(args.passphrase_file.as_deref(), false)?)
    } else {
        None
    };
    let url = target_url(settings, args.database_url.as_deref());
    let store = open_url(&url, 2).await?;
    let summary: ArchiveSummary = async {
        let mut lines = open_archive(input, passphrase)?;
        store.restore_archive(&mut lines, &Bars::default()).await
    }
    .await
    .map_err(archive_error)?;
    audit_archive(&store, "instance.restore", &summary, passphrase_given).await?;
    println!(
        "restored {} rows of {} tables (schema version {}, written {} by Picket {} on {})",
        summary.rows,
        summary.header.tables.len(),
        summary.header.schema_version,
        summary.header.created_at,
        summary.header.picket_version,
        summary.header.source_backend
    );
    Ok(())
}

/// Records a backup or restore in the audit log: counts and the schema version, never a path
/// or a passphrase.
async fn audit_archive(
    store: &picket_store::sql::SqlStore,
    action: &str,
    summary: &ArchiveSummary,
    encrypted: bool,
) -> anyhow::Result<()> {
    use picket_store::{prelude::*, NewAuditEntry};
    store
        .audit(NewAuditEntry {
            actor: None,
            branch: None,
            action: action.to_string(),
            subject: None,
            detail: Some(format!(
                "{} rows of {} tables, schema version {}{}",
                summary.rows,
                summary.header.tables.len(),
                summary.header.schema_version,
                if encrypted { ", encrypted" } else { "" }
            )),
            request_id: None,
        })
        .await
        .context("recording the audit entry")?;
    Ok(())
}

/// `picket retention run`.
pub async fn retention(settings: &Settings, cmd: &RetentionCommand) -> anyhow::Result<()> {
    let RetentionCommand::Run { dry_run } = cmd;
    let store = crate::db::open_and_migrate(settings).await?;
    let outcomes = picket_jobs::retention::run_retention(
        &store,
        &settings.retention_policy(),
        chrono::Utc::now(),
        *dry_run,
    )
    .await?;
    for o in outcomes {
        let verb = match (o.rule.action, *dry_run) {
            (RetentionAction::Delete, false) => "deleted",
            (RetentionAction::Delete, true) => "would be deleted",
            (RetentionAction::Clear(_), false) => "cleared",
            (RetentionAction::Clear(_), true) => "would be cleared",
        };
        match o.count {
            Some(n) => println!(
                "{:<16} {:>6} days  {n} {verb}",
                o.rule.kind,
                o.days.to_string()
            ),
            None => println!("{:<16} {:>11}  kept", o.rule.kind, "for ever"),
        }
    }
    Ok(())
}

fn target_url(settings: &Settings, given: Option<&str>) -> String {
    given.map_or_else(
        || settings.database_url.expose().to_string(),
        str::to_string,
    )
}

fn partial_path(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    file.with_file_name(name)
}

/// A file only its owner may read: a backup holds everything.
fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// The passphrase from the file, the environment or the terminal (asked twice to encrypt).
fn passphrase(file: Option<&Path>, confirm: bool) -> anyhow::Result<SecretString> {
    let text = if let Some(path) = file {
        let text = std::fs::read_to_string(path).map_err(|e| {
            usage(format!(
                "--passphrase-file: cannot read {}: {e}",
                path.display()
            ))
        })?;
        text.lines().next().unwrap_or_default().to_string()
    } else if let Ok(text) = std::env::var(PASSPHRASE_VAR) {
        text
    } else {
        let first = rpassword::prompt_password("Backup passphrase: ").map_err(|_| {
            usage(format!(
                "the archive needs a passphrase: give --passphrase-file or {PASSPHRASE_VAR} \
                 when not at a terminal"
            ))
        })?;
        if confirm && rpassword::prompt_password("Passphrase again: ")? != first {
            return Err(usage("the two passphrases differ"));
        }
        first
    };
    if text.is_empty() {
        return Err(usage("the passphrase is empty"));
    }
    Ok(SecretString::from(text))
}

/// Errors the person running the command can fix exit with 2.
fn archive_error(e: ArchiveError) -> anyhow::Error {
    match e {
        ArchiveError::NotAnArchive
        | ArchiveError::PassphraseNeeded
        | ArchiveError::WrongPassphrase
        | ArchiveError::FormatVersion { .. }
        | ArchiveError::SchemaMismatch { .. }
        | ArchiveError::NotEmpty { .. } => usage(e.to_string()),
        other => anyhow::Error::new(other),
    }
}

/// One progress bar per table on standard error (drawn only on a terminal).
#[derive(Default)]
struct Bars {
    current: Mutex<Option<ProgressBar>>,
}

impl Progress for Bars {
    fn start_table(&self, name: &str, rows: u64) {
        let bar = ProgressBar::new(rows).with_prefix(name.to_string());
        bar.set_style(
            ProgressStyle::with_template("{prefix:>24} [{bar:30}] {pos}/{len} rows")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        if let Ok(mut current) = self.current.lock() {
            *current = Some(bar);
        }
    }

    fn advance(&self, rows: u64) {
        if let Ok(current) = self.current.lock() {
            if let Some(bar) = current.as_ref() {
                bar.inc(rows);
            }
        }
    }

    fn finish_table(&self) {
        if let Ok(mut current) = self.current.lock() {
            if let Some(bar) = current.take() {
                bar.finish();
            }
        }
    }
}
