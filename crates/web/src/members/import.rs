//! Import runs started from the web: the file is read and checked at upload (file-level
//! problems go straight back to the form), then a background task imports it in one unit of
//! work (the records, the run's outcome and the audit entry, committed together) while its
//! status page shows the rows done.
//!
//! Live progress is kept in this process (a write transaction on SQLite holds the only write
//! lock, so progress cannot be written to the database while it runs); the run's row in
//! `member_imports` has the total, the status and, at the end, the result. A status page
//! served by another process shows the run as working until it ends.
//!
//! A process that dies mid-import (a `kill -9`, a power cut) leaves its run 'running': nothing
//! was imported (the import is one unit of work) but nobody will finish the run. So each run
//! names the process working on it and holds a lease that process extends while it works
//! ([`keep_leases`]); `picket serve` marks failed, at start and then every minute, every run
//! whose lease ran out ([`fail_abandoned`]). With several processes on PostgreSQL a run is
//! failed only when its own process stopped extending it. On SQLite, which one process serves,
//! every run of another process is abandoned, and the lease is not extended (the import's
//! transaction holds the only write lock while it runs).

use crate::error::{AppError, AppResult};
use crate::extract::CurrentUser;
use crate::members::Access;
use crate::state::AppState;
use picket_domain::members::import::{parse_file, ColumnMap, ParsedFile};
use picket_domain::{BranchId, ImportRunId, UserId};
use picket_store::members::{ImportLease, ImportOptions, ImportOutcome, ImportPhase};
use picket_store::NewAuditEntry;
use picket_store::{Backend, StoreResult};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where a running import is, in this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// The phase.
    pub phase: ImportPhase,
    /// Rows done in it.
    pub done: u64,
    /// Rows it has.
    pub total: u64,
}

/// Progress of the import runs this process is working on, by run id, and this process's id
/// as the owner of their leases.
#[derive(Debug, Clone)]
pub struct ImportRuns(Arc<Mutex<HashMap<ImportRunId, Progress>>>, Arc<str>);

impl Default for ImportRuns {
    fn default() -> Self {
        ImportRuns(
            Arc::default(),
            crate::account::tokens::random_token()[..16].into(),
        )
    }
}

/// How long a run's lease lasts unless extended.
pub const LEASE: Duration = Duration::from_secs(90);
/// How often a process extends its runs' leases.
pub const RENEW_EVERY: Duration = Duration::from_secs(30);
/// How often `picket serve` looks for abandoned runs (after once at start).
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// What the status page of an abandoned run says.
pub const ABANDONED: &str =
    "Picket stopped before this import finished; nothing was imported. Upload the file again.";

impl ImportRuns {
    /// This process's id, which its runs' leases name.
    pub fn owner(&self) -> &str {
        &self.1
    }

    /// A lease for this process from now.
    pub fn lease(&self) -> ImportLease {
        ImportLease {
            owner: self.owner().to_string(),
            until: chrono::Utc::now()
                + chrono::Duration::from_std(LEASE).unwrap_or(chrono::Duration::zero()),
        }
    }

    /// A run's progress, if this process is running it.
    pub fn get(&self, id: ImportRunId) -> Option<Progress> {
        self.0.lock().ok().and_then(|m| m.get(&id).copied())
    }

    fn set(&self, id: ImportRunId, progress: Progress) {
        if let Ok(mut m) = self.0.lock() {
            m.insert(id, progress);
        }
    }

    fn remove(&self, id: ImportRunId) {
        if let Ok(mut m) = self.0.lock() {
            m.remove(&id);
        }
    }
}

/// What the upload form sent.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// `COLUMN=field` lines; empty means the branch's saved mapping.
    pub mapping: String,
    /// Only report.
    pub dry_run: bool,
}

/// The mapping to use: the lines given, else the branch's saved one.
pub async fn mapping(state: &AppState, access: &Access, text: &str) -> AppResult<ColumnMap> {
    if text.trim().is_empty() {
        return Ok(state
            .store
            .import_map(access.branch.id)
            .await?
            .unwrap_or_default());
    }
    ColumnMap::parse_lines(text.lines()).map_err(|e| AppError::invalid("mapping", e.to_string()))
}

/// Reads and checks the file, records the run and starts it in the background; returns the
/// run's id. A file-level problem is a 422 naming `file` or `mapping`.
pub async fn start(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
    upload: Upload,
    request_id: Option<String>,
) -> AppResult<ImportRunId> {
    if upload.bytes.is_empty() {
        return Err(AppError::invalid("file", "choose a CSV file to import"));
    }
    let map = mapping(state, access, &upload.mapping).await?;
    let given = !upload.mapping.trim().is_empty();
    let bytes = upload.bytes;
    let map_for_parse = map.clone();
    let parsed: ParsedFile =
        tokio::task::spawn_blocking(move || parse_file(&bytes, &map_for_parse))
            .await
            .map_err(|e| AppError::failed("reading the import file", e))?
            .map_err(|e| AppError::invalid("file", e.to_string()))?;
    // The run is recorded at once, so its status page can be shown; the import itself, its
    // outcome and its audit entry are one later change.
    let mut work = state.store.begin().await?;
    let id = work
        .start_import_run(
            access.branch.id,
            user.user.id,
            upload.dry_run,
            parsed.total,
            &state.import_runs.lease(),
        )
        .await?;
    work.commit().await?;
    let options = ImportOptions {
        dry_run: upload.dry_run,
        today: chrono::Utc::now().date_naive(),
        save_map: given.then_some(map),
    };
    let runs = state.import_runs.clone();
    runs.set(
        id,
        Progress {
            phase: ImportPhase::Checking,
            done: 0,
            total: parsed.rows.len() as u64,
        },
    );
    let run = Run {
        branch: access.branch.id,
        id,
        actor: user.user.id,
        request_id,
    };
    let state = state.clone();
    tokio::spawn(async move {
        let progress = |phase, done, total| runs.set(id, Progress { phase, done, total });
        if let Err(e) = run.import(&state, &parsed, &options, &progress).await {
            tracing::error!(error = %e, run = %id, "member import failed");
            let failed = run
                .fail(
                    &state,
                    options.dry_run,
                    "the database refused the import; nothing was changed",
                )
                .await;
            if let Err(e) = failed {
                tracing::error!(error = %e, run = %id, "recording the end of a member import failed");
            }
        }
        runs.remove(id);
    });
    Ok(id)
}

/// A web import run being worked on.
struct Run {
    branch: BranchId,
    id: ImportRunId,
    actor: UserId,
    request_id: Option<String>,
}

impl Run {
    fn audit(&self, dry_run: bool, outcome: Option<&ImportOutcome>) -> NewAuditEntry {
        NewAuditEntry {
            actor: Some(self.actor),
            branch: Some(self.branch),
            action: "member.import".into(),
            subject: Some(format!("import:{}", self.id)),
            detail: Some(summary(dry_run, outcome)),
            request_id: self.request_id.clone(),
        }
    }

    /// Imports the file, records the run's outcome and audits it, as one unit: the records
    /// are written with their run's end and audit entry, or not at all.
    async fn import(
        &self,
        state: &AppState,
        parsed: &ParsedFile,
        options: &ImportOptions,
        progress: picket_store::members::ImportProgress<'_>,
    ) -> StoreResult<()> {
        let mut work = state.store.begin().await?;
        let outcome = work
            .import_members(self.branch, parsed, options, progress)
            .await?;
        work.finish_import_run(self.branch, self.id, Ok(&outcome))
            .await?;
        work.audit(self.audit(options.dry_run, Some(&outcome)))
            .await?;
        work.commit().await
    }

    /// Records that the run failed (nothing of it was kept), with its audit entry.
    async fn fail(&self, state: &AppState, dry_run: bool, why: &str) -> StoreResult<()> {
        let mut work = state.store.begin().await?;
        work.finish_import_run(self.branch, self.id, Err(why))
            .await?;
        work.audit(self.audit(dry_run, None)).await?;
        work.commit().await
    }
}

/// The audit detail of an import: counts only.
pub fn summary(dry_run: bool, outcome: Option<&ImportOutcome>) -> String {
    match outcome {
        Some(o) => format!(
            "dry_run={dry_run}; applied={}; rows={}; created={}; updated={}; unchanged={}; rejected={}",
            o.applied,
            o.total,
            o.created,
            o.updated,
            o.unchanged,
            o.rejected.len()
        ),
        None => format!("dry_run={dry_run}; failed"),
    }
}

/// Marks failed every import run abandoned by a process that stopped (see the module's
/// documentation); returns how many.
pub async fn fail_abandoned(state: &AppState) -> Result<usize, picket_store::StoreError> {
    // SQLite is served by one process: a run of any other process is one that died.
    let any_lease = state.store.backend() == Backend::Sqlite;
    let failed = state
        .store
        .fail_abandoned_import_runs(
            state.import_runs.owner(),
            chrono::Utc::now(),
            any_lease,
            ABANDONED,
        )
        .await?;
    for id in &failed {
        tracing::warn!(run = %id, "marked an abandoned member import failed");
    }
    Ok(failed.len())
}

/// Extends this process's runs' leases every [`RENEW_EVERY`] and marks abandoned runs failed
/// every [`SWEEP_EVERY`], until `stop` turns true. `picket serve` runs it beside the server.
pub async fn keep_leases(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut renew = tokio::time::interval(RENEW_EVERY);
    let mut sweep = tokio::time::interval(SWEEP_EVERY);
    // Both fire at once at first; the start-up sweep has just been done.
    renew.tick().await;
    sweep.tick().await;
    loop {
        tokio::select! {
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    return;
                }
            }
            _ = renew.tick() => {
                // On SQLite a running import holds the write lock, and one process serves.
                if state.store.backend() != Backend::Sqlite {
                    if let Err(e) = state.store.renew_import_leases(&state.import_runs.lease()).await {
                        tracing::error!(error = %e, "extending member import leases failed");
                    }
                }
            }
            _ = sweep.tick() => {
                if let Err(e) = fail_abandoned(&state).await {
                    tracing::error!(error = %e, "looking for abandoned member imports failed");
                }
            }
        }
    }
}
