//! Shared helpers for the integration tests: a real SMTP server (Debian's aiosmtpd) and an
//! independent RFC 5322 parser (Python's `email` package), both driven by
//! `tests/support/smtp_sink.py`.
//!
//! aiosmtpd is a required prerequisite (`scripts/test` installs `python3-aiosmtpd`): when it
//! is missing the SMTP tests fail with instructions. They never skip.

use serde::Deserialize;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};

/// The helper script in picket-mail's tests. This file is also compiled into picket-jobs'
/// tests (a crate beside picket-mail), so the path goes up to `crates/` and back down.
fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../mail/tests/support/smtp_sink.py")
}

/// The first Python that can import `module`: `$PICKET_PYTHON`, then Debian's
/// `/usr/bin/python3` (a pyenv or venv `python3` on PATH may lack Debian's packages), then
/// `python3` on PATH.
pub fn python_with(module: &str) -> String {
    let mut candidates: Vec<String> = std::env::var("PICKET_PYTHON").into_iter().collect();
    candidates.extend(["/usr/bin/python3".to_string(), "python3".to_string()]);
    for python in &candidates {
        let ok = Command::new(python)
            .args(["-c", &format!("import {module}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return python.clone();
        }
    }
    panic!(
        "no Python with the `{module}` module among {candidates:?}. The SMTP tests need \
         Debian's aiosmtpd: `apt-get install -y python3-aiosmtpd` (scripts/test installs it), \
         or point PICKET_PYTHON at a Python that has it. These tests are never skipped."
    );
}

/// One message as the test SMTP server (or the parser) saw it.
#[derive(Debug, Deserialize)]
pub struct Received {
    /// Header names in order.
    pub header_names: Vec<String>,
    pub subject: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub reply_to: Option<String>,
    #[serde(default)]
    pub list_unsubscribe: Option<String>,
    #[serde(default)]
    pub list_unsubscribe_post: Option<String>,
    pub message_id: Option<String>,
    pub date: Option<String>,
    pub date_valid: bool,
    pub mime_version: Option<String>,
    pub content_type: String,
    pub charsets: Vec<Option<String>>,
    pub text: Option<String>,
    pub html: Option<String>,
    pub defects: Vec<String>,
    pub crlf_only: bool,
    pub longest_line: usize,
    /// The message as received, for failure messages.
    pub raw: String,
    /// Envelope sender (server only).
    #[serde(default)]
    pub mail_from: Option<String>,
    /// Envelope recipients (server only).
    #[serde(default)]
    pub rcpt_tos: Vec<String>,
    /// The login the client authenticated as (server only).
    #[serde(default)]
    pub authenticated_as: Option<String>,
}

impl Received {
    /// The text part with line breaks as `\n` and trailing blank lines dropped: MIME text is
    /// sent with CRLF line breaks and lettre ends the body with an extra CRLF.
    pub fn text_body(&self) -> Option<String> {
        self.text.as_deref().map(normalise)
    }

    /// The HTML part, normalised like [`Self::text_body`].
    pub fn html_body(&self) -> Option<String> {
        self.html.as_deref().map(normalise)
    }
}

fn normalise(body: &str) -> String {
    body.replace("\r\n", "\n")
        .trim_end_matches('\n')
        .to_string()
}

/// Parses an `.eml` file with Python's standard `email` package.
pub fn parse_eml(path: &Path) -> Received {
    let output = Command::new(python_with("email"))
        .arg(script())
        .arg("parse")
        .arg(path)
        .output()
        .expect("run python");
    assert!(
        output.status.success(),
        "parse failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("parser output is JSON")
}

/// A running aiosmtpd server that records what it receives; killed on drop.
pub struct SmtpSink {
    child: Child,
    // Held open: the server exits when this closes, even if the test process dies.
    _stdin: ChildStdin,
    /// The port it listens on, on 127.0.0.1.
    pub port: u16,
    dir: tempfile::TempDir,
}

impl SmtpSink {
    /// Starts a server accepting any sender without authentication.
    pub fn start() -> Self {
        Self::spawn(None)
    }

    /// Starts a server that requires `AUTH` with this login and password (over plain text).
    pub fn with_auth(user: &str, password: &str) -> Self {
        Self::spawn(Some(format!("{user}:{password}")))
    }

    fn spawn(auth: Option<String>) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut command = Command::new(python_with("aiosmtpd"));
        command.arg(script()).arg("serve").arg(dir.path());
        if let Some(auth) = auth {
            command.arg("--auth").arg(auth);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the aiosmtpd helper");
        let stdin = child.stdin.take().expect("piped stdin");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut line)
            .expect("read the port");
        let port = line.trim().parse().unwrap_or_else(|_| {
            let _ = child.kill();
            panic!("the aiosmtpd helper did not print a port (got {line:?}); see its stderr above")
        });
        SmtpSink {
            child,
            _stdin: stdin,
            port,
            dir,
        }
    }

    /// Every message received so far, in order of arrival.
    pub fn received(&self) -> Vec<Received> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .expect("read sink dir")
            .map(|e| e.expect("dir entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| {
                serde_json::from_slice(&std::fs::read(p).expect("read record"))
                    .expect("record is JSON")
            })
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
