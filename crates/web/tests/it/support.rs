//! Real validators for the documents Picket publishes: Python's `feedparser` plus an RFC 4287
//! structural check for Atom, and Python's `icalendar` for iCalendar. `scripts/test` installs
//! them into its tools virtual environment and names its Python in `PICKET_TOOLS_PYTHON`.

use std::path::PathBuf;

/// The Python that has the validators.
pub fn python() -> String {
    std::env::var("PICKET_TOOLS_PYTHON")
        .or_else(|_| std::env::var("PICKET_OPENAPI_PYTHON"))
        .unwrap_or_else(|_| "python3".into())
}

/// Runs validator `script` (in the crate's `tests/support/`) over `document`; returns what it printed as
/// JSON, or fails the test with the validator's complaint.
pub fn validate(script: &str, document: &[u8]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("document");
    std::fs::write(&file, document).unwrap();
    let script_path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/support")
        .join(script);
    let python = python();
    let out = std::process::Command::new(&python)
        .arg(&script_path)
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    assert!(
        out.status.success(),
        "{script} refused the document (scripts/test installs feedparser and icalendar into its tools venv):\n{}{}\n--- document ---\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(document),
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{script} printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}
