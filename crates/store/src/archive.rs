//! The portable archive that backups, restores and instance moves share.
//!
//! One format for both engines: gzip'd JSON lines. The first line is an [`ArchiveHeader`]
//! (format version, schema version, when and by which Picket it was made, and every table
//! with its typed columns and row count); then one [`ArchiveLine::Row`] per row, table by
//! table in foreign-key order; then an [`ArchiveLine::End`] trailer that a truncated file lacks.
//! Values keep their type: integers stay JSON integers, NULL stays `null`, text stays a
//! string, bytes are base64 strings (the column's kind in the header says which).
//!
//! An archive may be encrypted with a passphrase (age, scrypt recipient): the gzip stream
//! is then wrapped in an age file, and [`open_archive`] detects which it is.
//!
//! The SQL side (discovering the schema at run time, the snapshot, the restore) is in
//! `sql/archive.rs` (methods of [`crate::sql::SqlStore`]); nothing here names a table.

pub use age::secrecy::SecretString;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use std::io::{self, BufRead, BufReader, Read, Write};

/// The value of [`ArchiveHeader::format`].
pub const FORMAT_NAME: &str = "picket-archive";
/// The archive format this Picket writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// How an age file starts.
const AGE_MAGIC: &[u8] = b"age-encryption.org/";
/// How a gzip stream starts.
const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
/// The largest scrypt work factor (log2 N) a restore accepts; age's default targets about a
/// second on the machine that encrypts, and a slower machine restoring must still open it.
const MAX_SCRYPT_WORK: u8 = 24;

/// The first line of an archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveHeader {
    /// Always [`FORMAT_NAME`].
    pub format: String,
    /// The archive format's version ([`FORMAT_VERSION`]).
    pub format_version: u32,
    /// The newest migration applied to the database it came from.
    pub schema_version: i64,
    /// When the snapshot was taken (RFC 3339, UTC).
    pub created_at: String,
    /// The Picket that wrote it.
    pub picket_version: String,
    /// The engine it came from (`sqlite` or `postgres`).
    pub source_backend: String,
    /// Every table, parents before children.
    pub tables: Vec<ArchiveTable>,
}

/// One table in the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveTable {
    /// The table's name.
    pub name: String,
    /// Its columns, in the order row values follow.
    pub columns: Vec<ArchiveColumn>,
    /// How many rows follow for it.
    pub rows: u64,
}

/// One column in the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveColumn {
    /// The column's name.
    pub name: String,
    /// How its values are written.
    pub kind: ColumnKind,
}

/// How a column's values are carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// A 64-bit integer (ids, instants, pence, 0/1 flags).
    Integer,
    /// A floating-point number.
    Real,
    /// Text.
    Text,
    /// Bytes, written as standard base64.
    Bytes,
    /// A boolean.
    Bool,
}

impl ColumnKind {
    /// The kind of a column declared with `declared` (SQLite's declared type or PostgreSQL's
    /// `data_type`), or `None` for a type archives cannot carry faithfully.
    pub fn from_declared(declared: &str) -> Option<ColumnKind> {
        let t = declared.to_ascii_uppercase();
        if t.contains("INT") {
            Some(ColumnKind::Integer)
        } else if t.contains("BOOL") {
            Some(ColumnKind::Bool)
        } else if t.contains("CHAR") || t.contains("TEXT") || t.contains("CLOB") {
            Some(ColumnKind::Text)
        } else if t.contains("BLOB") || t.contains("BYTEA") {
            Some(ColumnKind::Bytes)
        } else if t.contains("REAL") || t.contains("DOUB") || t.contains("FLOA") {
            Some(ColumnKind::Real)
        } else {
            None
        }
    }
}

/// A line after the header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArchiveLine {
    /// One row of a table, values in the header's column order.
    Row {
        /// The table.
        table: String,
        /// Its values.
        values: Vec<serde_json::Value>,
    },
    /// The last line: a file without it was cut short.
    End {
        /// Tables written.
        tables: u64,
        /// Rows written, over all tables.
        rows: u64,
    },
}

/// What an archive held, or what a restore loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveSummary {
    /// The header.
    pub header: ArchiveHeader,
    /// Rows over all tables.
    pub rows: u64,
}

/// Why an archive could not be written, read or restored. Messages name tables and
/// columns, never values.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// Reading or writing the file failed.
    #[error("reading or writing the archive failed: {0}")]
    Io(#[from] io::Error),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] crate::StoreError),
    /// The file is neither a Picket archive nor an encrypted one.
    #[error("this file is not a Picket archive (neither gzip'd nor age-encrypted)")]
    NotAnArchive,
    /// The archive is damaged or cut short.
    #[error("the archive is damaged: {0}")]
    Corrupt(String),
    /// The archive is encrypted and no passphrase was given.
    #[error("the archive is encrypted: give its passphrase")]
    PassphraseNeeded,
    /// The passphrase does not open the archive.
    #[error("the passphrase does not open this archive (wrong passphrase?)")]
    WrongPassphrase,
    /// The archive was written in a format this Picket does not read.
    #[error(
        "the archive is in format version {found}; this Picket reads version {FORMAT_VERSION}"
    )]
    FormatVersion {
        /// The archive's format version.
        found: u32,
    },
    /// The archive's schema is not the database's.
    #[error(
        "the archive is at schema version {archive} but the database is at {database}: restore \
         it with the Picket that wrote it (version {picket_version}) into a database migrated by \
         that version, then upgrade"
    )]
    SchemaMismatch {
        /// The archive's schema version.
        archive: i64,
        /// The database's.
        database: i64,
        /// The Picket that wrote the archive.
        picket_version: String,
    },
    /// A restore's target already holds data.
    #[error(
        "the database is not empty (table `{table}` has rows): restore only into a freshly \
         migrated, empty database"
    )]
    NotEmpty {
        /// A table that has rows.
        table: String,
    },
    /// The archive's tables or columns are not the database's, or a type cannot be carried.
    #[error("{0}")]
    Mismatch(String),
}

/// Told how far a backup or restore has got (the CLI draws progress bars with it).
pub trait Progress: Send + Sync {
    /// A table is starting, with this many rows.
    fn start_table(&self, name: &str, rows: u64);
    /// `rows` more rows of the current table are done.
    fn advance(&self, rows: u64);
    /// The current table is done.
    fn finish_table(&self);
}

/// Progress that nobody watches.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start_table(&self, _name: &str, _rows: u64) {}
    fn advance(&self, _rows: u64) {}
    fn finish_table(&self) {}
}

/// Where an archive's lines go: gzip, then (with a passphrase) age, then `W`.
pub struct ArchiveWriter<W: Write> {
    gzip: GzEncoder<Sealed<W>>,
}

enum Sealed<W: Write> {
    Plain(W),
    Encrypted(age::stream::StreamWriter<W>),
}

impl<W: Write> Write for Sealed<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sealed::Plain(w) => w.write(buf),
            Sealed::Encrypted(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sealed::Plain(w) => w.flush(),
            Sealed::Encrypted(w) => w.flush(),
        }
    }
}

impl<W: Write> ArchiveWriter<W> {
    /// Starts an archive on `out`, encrypted when a passphrase is given.
    pub fn new(out: W, passphrase: Option<SecretString>) -> io::Result<Self> {
        let sealed = match passphrase {
            None => Sealed::Plain(out),
            Some(p) => Sealed::Encrypted(age::Encryptor::with_user_passphrase(p).wrap_output(out)?),
        };
        Ok(Self {
            gzip: GzEncoder::new(sealed, flate2::Compression::default()),
        })
    }

    /// Writes one JSON line.
    pub fn line<T: Serialize>(&mut self, value: &T) -> io::Result<()> {
        serde_json::to_writer(&mut self.gzip, value)?;
        self.gzip.write_all(b"\n")
    }

    /// Ends the gzip stream and the encryption, flushes, and hands back the output.
    pub fn finish(self) -> io::Result<W> {
        let mut out = match self.gzip.finish()? {
            Sealed::Plain(w) => w,
            Sealed::Encrypted(w) => w.finish()?,
        };
        out.flush()?;
        Ok(out)
    }
}

/// Whether `input` starts like an encrypted archive. Reads nothing away.
pub fn is_encrypted<R: BufRead>(input: &mut R) -> io::Result<bool> {
    Ok(input.fill_buf()?.starts_with(AGE_MAGIC))
}

/// The archive's plain JSON lines from `input`: decrypted with `passphrase` if it is
/// encrypted, then decompressed.
pub fn open_archive<'a, R: BufRead + 'a>(
    mut input: R,
    passphrase: Option<SecretString>,
) -> Result<Box<dyn BufRead + 'a>, ArchiveError> {
    let start = input.fill_buf()?;
    if start.starts_with(AGE_MAGIC) {
        let Some(passphrase) = passphrase else {
            return Err(ArchiveError::PassphraseNeeded);
        };
        let decryptor = age::Decryptor::new_buffered(input).map_err(|e| {
            ArchiveError::Corrupt(format!("the encryption header cannot be read ({e})"))
        })?;
        if !decryptor.is_scrypt() {
            return Err(ArchiveError::Mismatch(
                "the archive is encrypted to a key, not a passphrase".into(),
            ));
        }
        let mut identity = age::scrypt::Identity::new(passphrase);
        identity.set_max_work_factor(MAX_SCRYPT_WORK);
        let reader = decryptor
            .decrypt(std::iter::once(&identity as &dyn age::Identity))
            .map_err(|e| match e {
                age::DecryptError::Io(e) => ArchiveError::Io(e),
                age::DecryptError::ExcessiveWork { required, .. } => ArchiveError::Corrupt(
                    format!("the encryption asks for too much work (scrypt 2^{required})"),
                ),
                _ => ArchiveError::WrongPassphrase,
            })?;
        let mut plain = BufReader::new(reader);
        if !plain.fill_buf().map_err(damaged)?.starts_with(GZIP_MAGIC) {
            return Err(ArchiveError::Corrupt(
                "the decrypted content is not gzip".into(),
            ));
        }
        Ok(Box::new(BufReader::new(DamageReader(GzDecoder::new(
            plain,
        )))))
    } else if start.starts_with(GZIP_MAGIC) {
        Ok(Box::new(BufReader::new(DamageReader(GzDecoder::new(
            input,
        )))))
    } else {
        Err(ArchiveError::NotAnArchive)
    }
}

/// Reads the header line of an opened archive, checking the format.
pub fn read_header(lines: &mut dyn BufRead) -> Result<ArchiveHeader, ArchiveError> {
    let mut first = String::new();
    lines.read_line(&mut first).map_err(damaged)?;
    let header: ArchiveHeader = serde_json::from_str(&first)
        .map_err(|e| ArchiveError::Corrupt(format!("the header cannot be read ({e})")))?;
    if header.format != FORMAT_NAME {
        return Err(ArchiveError::NotAnArchive);
    }
    if header.format_version != FORMAT_VERSION {
        return Err(ArchiveError::FormatVersion {
            found: header.format_version,
        });
    }
    Ok(header)
}

/// Reads the next line after the header; `Ok(None)` at the end of the file.
pub fn read_line(
    lines: &mut dyn BufRead,
    number: u64,
) -> Result<Option<ArchiveLine>, ArchiveError> {
    let mut text = String::new();
    if lines.read_line(&mut text).map_err(damaged)? == 0 {
        return Ok(None);
    }
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| ArchiveError::Corrupt(format!("line {number} cannot be read ({e})")))
}

/// Any error while decompressing or decrypting means the file is damaged.
fn damaged(e: io::Error) -> ArchiveError {
    match e.kind() {
        io::ErrorKind::InvalidData
        | io::ErrorKind::InvalidInput
        | io::ErrorKind::UnexpectedEof
        | io::ErrorKind::Other => ArchiveError::Corrupt(e.to_string()),
        _ => ArchiveError::Io(e),
    }
}

/// A gzip reader whose errors all read as damage (a bad checksum, a cut-short stream).
struct DamageReader<R: Read>(GzDecoder<R>);

impl<R: Read> Read for DamageReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                io::Error::new(io::ErrorKind::InvalidData, "the file is cut short")
            } else {
                e
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_map_to_kinds() {
        assert_eq!(
            ColumnKind::from_declared("BIGINT"),
            Some(ColumnKind::Integer)
        );
        assert_eq!(
            ColumnKind::from_declared("integer"),
            Some(ColumnKind::Integer)
        );
        assert_eq!(ColumnKind::from_declared("text"), Some(ColumnKind::Text));
        assert_eq!(
            ColumnKind::from_declared("character varying"),
            Some(ColumnKind::Text)
        );
        assert_eq!(ColumnKind::from_declared("bytea"), Some(ColumnKind::Bytes));
        assert_eq!(
            ColumnKind::from_declared("double precision"),
            Some(ColumnKind::Real)
        );
        assert_eq!(ColumnKind::from_declared("boolean"), Some(ColumnKind::Bool));
        assert_eq!(ColumnKind::from_declared("numeric"), None);
    }

    #[test]
    fn lines_survive_gzip_and_a_passphrase() {
        for passphrase in [None, Some("correct horse")] {
            let mut w = ArchiveWriter::new(Vec::new(), passphrase.map(SecretString::from)).unwrap();
            let line = ArchiveLine::End { tables: 2, rows: 7 };
            w.line(&line).unwrap();
            let bytes = w.finish().unwrap();
            assert_eq!(is_encrypted(&mut &bytes[..]).unwrap(), passphrase.is_some());
            let mut r = open_archive(&bytes[..], passphrase.map(SecretString::from)).unwrap();
            assert_eq!(read_line(&mut r, 1).unwrap(), Some(line));
            assert_eq!(read_line(&mut r, 2).unwrap(), None);
        }
    }

    #[test]
    fn other_files_are_refused() {
        assert!(matches!(
            open_archive(&b"id,name\n1,x\n"[..], None),
            Err(ArchiveError::NotAnArchive)
        ));
    }
}
