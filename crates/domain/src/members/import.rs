//! The pure half of a member CSV import: decoding the bytes, mapping columns to fields,
//! validating each row, and deciding what a row changes.
//!
//! Rows are numbered as a spreadsheet shows them: the header is row 1, the first member row
//! 2. Problems name the row, the field and the rule, never the value typed.

//!
//! The columns and how their headers are matched to fields are in [`columns`]; reading,
//! checking and merging the rows in [`rows`].

use super::MemberField;
use serde::Serialize;

mod columns;
mod rows;

pub use columns::{ColumnMap, Columns};
pub use rows::{check_merged, merge, parse_file, ImportRow, ParsedFile, RowChange, RowProblem};

/// A problem with the file as a whole; nothing is imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// UTF-16 (or another wide encoding) was detected.
    #[error("the file is UTF-16, which Picket does not read: save it as \"CSV UTF-8\" (or plain CSV) and try again")]
    Utf16,
    /// Neither UTF-8 nor plausible Windows-1252.
    #[error("the file is neither UTF-8 nor Windows-1252 text (byte {0} is not a character in either): save it as \"CSV UTF-8\" and try again")]
    Encoding(usize),
    /// There is no header row.
    #[error("the file is empty: the first row must name the columns")]
    Empty,
    /// The CSV could not be read.
    #[error("the file is not valid CSV near row {row}: {reason}")]
    Csv {
        /// The row.
        row: u64,
        /// What the reader said.
        reason: String,
    },
    /// A required field has no column.
    #[error(
        "no column for the required field `{0}`: name a column `{0}` or map one with COLUMN={0}"
    )]
    MissingColumn(MemberField),
    /// The mapping names a column the file does not have.
    #[error("the mapping names the column `{0}`, which is not in the file's first row")]
    UnknownColumn(String),
    /// Two columns give the same field.
    #[error("two columns give the field `{0}`: map only one")]
    DuplicateField(MemberField),
    /// A mapping line is not `COLUMN=field`.
    #[error("`{0}` is not a mapping: write COLUMN=field, e.g. \"Member No=membership_number\"")]
    BadMapping(String),
    /// A mapping line holds a NUL or a control character.
    #[error("the mapping {0}")]
    MappingText(crate::text::TextError),
    /// A mapping names a field Picket does not have.
    #[error("{0}")]
    UnknownField(String),
}

/// The text encodings an import accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Encoding {
    /// UTF-8 with a byte-order mark (Excel's "CSV UTF-8").
    Utf8Bom,
    /// UTF-8.
    Utf8,
    /// Windows-1252 (Excel's plain "CSV" on Windows).
    Windows1252,
}

impl Encoding {
    /// A name for people.
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf8 => "UTF-8",
            Encoding::Windows1252 => "Windows-1252",
        }
    }
}

/// Decodes a file's bytes: a UTF-8 BOM means UTF-8; valid UTF-8 is UTF-8; otherwise
/// Windows-1252 when every byte is a character there and no control characters other than
/// tab and line breaks appear. UTF-16 and anything else are refused with an explanation.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), FileError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest)
            .map(|s| (s.to_string(), Encoding::Utf8Bom))
            .map_err(|e| FileError::Encoding(e.valid_up_to() + 3));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(FileError::Utf16);
    }
    let nuls = bytes.iter().take(4096).filter(|b| **b == 0).count();
    if nuls > 0 && nuls * 4 >= bytes.len().min(4096) {
        return Err(FileError::Utf16);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_string(), Encoding::Utf8));
    }
    // Windows-1252 leaves five bytes undefined; C0 controls other than tab and line breaks
    // do not occur in spreadsheets' text.
    if let Some(at) = bytes.iter().position(|b| {
        matches!(b, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D)
            || (*b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n'))
    }) {
        return Err(FileError::Encoding(at));
    }
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    Ok((text.into_owned(), Encoding::Windows1252))
}

#[cfg(test)]
mod tests;
