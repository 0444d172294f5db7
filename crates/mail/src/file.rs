//! A mailer that writes each message as an `.eml` file: for development, demos and tests that
//! want to look at the real bytes.

use crate::email::{redact_address, OutgoingEmail};
use crate::error::MailError;
use crate::message::{build_message, parse_mailbox};
use crate::Mailer;
use lettre::message::Mailbox;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::io::AsyncWriteExt;

/// Numbers the files written by this process, so names never collide within it.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A [`Mailer`] that writes each message, complete with headers, to `<dir>/<time>-….eml`.
///
/// A file appears whole or not at all: it is written under a hidden temporary name, synced,
/// then renamed. Names sort by time of sending.
#[derive(Debug)]
pub struct FileMailer {
    dir: PathBuf,
    from: Mailbox,
}

impl FileMailer {
    /// The From mailbox used when none is configured.
    pub const DEFAULT_FROM: &'static str = "Picket <picket@localhost>";

    /// A file mailer writing into `dir` (created if missing), sending as [`Self::DEFAULT_FROM`].
    pub fn new(dir: impl Into<PathBuf>) -> Result<Self, MailError> {
        Self::with_from(dir, Self::DEFAULT_FROM)
    }

    /// A file mailer writing into `dir` (created if missing), sending as `from`.
    pub fn with_from(dir: impl Into<PathBuf>, from: &str) -> Result<Self, MailError> {
        let dir = dir.into();
        let from = parse_mailbox("from", from)?;
        std::fs::create_dir_all(&dir)?;
        Ok(FileMailer { dir, from })
    }

    /// The directory the files go into.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A unique file stem: UTC time to the microsecond, process id, counter, random suffix.
    fn file_stem() -> String {
        let time = chrono::Utc::now().format("%Y%m%dT%H%M%S%.6fZ");
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let random: u32 = rand::random();
        format!("{time}-{}-{count:06}-{random:08x}", std::process::id())
    }
}

#[async_trait::async_trait]
impl Mailer for FileMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<(), MailError> {
        let bytes = build_message(&self.from, email)?.formatted();
        let stem = Self::file_stem();
        let temp = self.dir.join(format!(".{stem}.tmp"));
        let path = self.dir.join(format!("{stem}.eml"));
        let written = async {
            let mut file = tokio::fs::File::create(&temp).await?;
            file.write_all(&bytes).await?;
            file.sync_all().await?;
            drop(file);
            tokio::fs::rename(&temp, &path).await
        }
        .await;
        if let Err(e) = written {
            // Best effort: a stray temporary file is harmless, but tidy it if we can.
            let _ = tokio::fs::remove_file(&temp).await;
            return Err(MailError::Io(e));
        }
        tracing::debug!(to = %redact_address(&email.to), path = %path.display(), "mail written to file");
        Ok(())
    }

    fn describe(&self) -> String {
        format!("file {}", self.dir.display())
    }
}
