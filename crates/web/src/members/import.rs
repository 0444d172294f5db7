//! Import runs started from the web: the file is read and checked at upload (file-level
//! problems go straight back to the form), then a background task imports it in one
//! transaction while its status page shows the rows done.
//!
//! Live progress is kept in this process (a write transaction on SQLite holds the only write
//! lock, so progress cannot be written to the database while it runs); the run's row in
//! `member_imports` has the total, the status and, at the end, the result. A status page
//! served by another process shows the run as working until it ends.

use crate::error::{AppError, AppResult};
use crate::extract::CurrentUser;
use crate::members::Access;
use crate::state::AppState;
use picket_domain::members::import::{parse_file, ColumnMap, ParsedFile};
use picket_store::members::{ImportOptions, ImportOutcome, ImportPhase};
use picket_store::NewAuditEntry;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

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

/// Progress of the import runs this process is working on, by run id.
#[derive(Debug, Clone, Default)]
pub struct ImportRuns(Arc<Mutex<HashMap<i64, Progress>>>);

impl ImportRuns {
    /// A run's progress, if this process is running it.
    pub fn get(&self, id: i64) -> Option<Progress> {
        self.0.lock().ok().and_then(|m| m.get(&id).copied())
    }

    fn set(&self, id: i64, progress: Progress) {
        if let Ok(mut m) = self.0.lock() {
            m.insert(id, progress);
        }
    }

    fn remove(&self, id: i64) {
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
) -> AppResult<i64> {
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
            .map_err(|e| AppError::Internal(format!("import parse task: {e}")))?
            .map_err(|e| AppError::invalid("file", e.to_string()))?;
    let id = state
        .store
        .start_import_run(access.branch.id, user.user.id, upload.dry_run, parsed.total)
        .await?;
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
    let state = state.clone();
    let branch = access.branch.id;
    let actor = user.user.id;
    tokio::spawn(async move {
        let progress = |phase, done, total| runs.set(id, Progress { phase, done, total });
        let result = state
            .store
            .import_members(branch, &parsed, &options, &progress)
            .await;
        let finished = match &result {
            Ok(outcome) => state.store.finish_import_run(id, Ok(outcome)).await,
            Err(e) => {
                tracing::error!(error = %e, run = id, "member import failed");
                state
                    .store
                    .finish_import_run(
                        id,
                        Err("the database refused the import; nothing was changed"),
                    )
                    .await
            }
        };
        if let Err(e) = finished {
            tracing::error!(error = %e, run = id, "recording the end of a member import failed");
        }
        let audited = state
            .store
            .audit(NewAuditEntry {
                actor: Some(actor),
                branch: Some(branch),
                action: "member.import".into(),
                subject: Some(format!("import:{id}")),
                detail: Some(summary(options.dry_run, result.as_ref().ok())),
                request_id,
            })
            .await;
        if let Err(e) = audited {
            tracing::error!(error = %e, run = id, "auditing a member import failed");
        }
        runs.remove(id);
    });
    Ok(id)
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
