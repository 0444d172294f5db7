//! The pure half of a member CSV import: decoding the bytes, mapping columns to fields,
//! validating each row, and deciding what a row changes.
//!
//! Rows are numbered as a spreadsheet shows them: the header is row 1, the first member row
//! 2. Problems name the row, the field and the rule, never the value typed.

use super::{
    optional_name, optional_text, parse_date, parse_yes_no, ContactPreferences, MemberDetails,
    MemberError, MemberField, MembershipNumber, Phone,
};
use crate::money::Pence;
use crate::values::Email;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

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

/// Which column gives which field, as the user mapped it (saved per branch). Columns not
/// named here are matched by their header (`Membership Number` → `membership_number`, and a
/// few common spellings).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMap {
    /// `(column header, field)` pairs.
    pub pairs: Vec<(String, MemberField)>,
}

impl ColumnMap {
    /// Parses `COLUMN=field` lines (from `--map` options or a form's text area).
    pub fn parse_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> Result<Self, FileError> {
        let mut pairs = Vec::new();
        for line in lines {
            let line = crate::text::single_line(line, 500).map_err(FileError::MappingText)?;
            let line = line.as_str();
            if line.is_empty() {
                continue;
            }
            let (column, field) = line
                .rsplit_once('=')
                .ok_or_else(|| FileError::BadMapping(line.to_string()))?;
            let column = column.trim();
            if column.is_empty() {
                return Err(FileError::BadMapping(line.to_string()));
            }
            let field = field.trim().parse().map_err(FileError::UnknownField)?;
            pairs.push((column.to_string(), field));
        }
        Ok(Self { pairs })
    }

    /// The mapping as `COLUMN=field` lines.
    pub fn to_lines(&self) -> String {
        self.pairs
            .iter()
            .map(|(c, f)| format!("{c}={f}\n"))
            .collect()
    }
}

fn normalise(header: &str) -> String {
    let mut out = String::new();
    for c in header.trim().to_lowercase().chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

fn by_header(header: &str) -> Option<MemberField> {
    let h = normalise(header);
    if let Ok(f) = h.parse() {
        return Some(f);
    }
    Some(match h.as_str() {
        "membership_no" | "member_number" | "member_no" | "membership" | "number" => {
            MemberField::MembershipNumber
        }
        "full_name" | "member_name" => MemberField::Name,
        "email_address" | "e_mail" => MemberField::Email,
        "mobile" | "telephone" | "phone_number" | "mobile_number" => MemberField::Phone,
        "job" | "title" => MemberField::JobTitle,
        "daily_pay_pounds" | "daily_rate" | "day_rate" => MemberField::DailyPay,
        "is_rep" | "workplace_rep" => MemberField::Rep,
        "contact_by_email" | "email_consent" => MemberField::ContactEmail,
        "contact_by_phone" | "phone_consent" | "sms_consent" => MemberField::ContactPhone,
        "consent" | "consent_text" => MemberField::ConsentWording,
        "consent_given" | "consent_on" => MemberField::ConsentDate,
        _ => return None,
    })
}

/// The fields a file gives, and which column gives each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    index: HashMap<MemberField, usize>,
    /// Where the name is given in parts (membership systems' `Forename` and `Surname`), when
    /// no column gives it whole.
    parts: Option<NameParts>,
}

/// The columns of a name given in parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct NameParts {
    forename: Option<usize>,
    surname: Option<usize>,
}

/// Which part of a name a header gives: `Forename`, `First Name`, `Given Name` …; `Surname`,
/// `Last Name`, `Family Name` ….
fn name_part(header: &str) -> Option<bool> {
    match normalise(header).as_str() {
        "forename" | "forenames" | "first_name" | "firstname" | "given_name" | "given_names"
        | "christian_name" => Some(true),
        "surname" | "last_name" | "lastname" | "family_name" => Some(false),
        _ => None,
    }
}

/// Whether a header is a courtesy title (`Title`, `Salutation`, `Honorific`): beside a name
/// in parts, `Title` is Mr, Ms or Dr, not a job title.
fn courtesy_title(header: &str) -> bool {
    matches!(
        normalise(header).as_str(),
        "title" | "salutation" | "honorific"
    )
}

impl Columns {
    /// Resolves `headers` against `map`: mapped columns first, then recognised headers.
    pub fn resolve(headers: &[String], map: &ColumnMap) -> Result<Self, FileError> {
        let mut index = HashMap::new();
        let mut taken = BTreeSet::new();
        for (column, field) in &map.pairs {
            let at = headers
                .iter()
                .position(|h| h.trim() == column.trim())
                .or_else(|| {
                    headers
                        .iter()
                        .position(|h| normalise(h) == normalise(column))
                })
                .ok_or_else(|| FileError::UnknownColumn(column.clone()))?;
            if index.insert(*field, at).is_some() {
                return Err(FileError::DuplicateField(*field));
            }
            taken.insert(at);
        }
        let mut forename = None;
        let mut surname = None;
        for (at, header) in headers.iter().enumerate() {
            if taken.contains(&at) {
                continue;
            }
            match name_part(header) {
                Some(true) if forename.is_none() => forename = Some(at),
                Some(false) if surname.is_none() => surname = Some(at),
                _ => {}
            }
        }
        let in_parts = forename.is_some() || surname.is_some();
        for (at, header) in headers.iter().enumerate() {
            if taken.contains(&at) || name_part(header).is_some() {
                continue;
            }
            // Beside a name in parts, a `Title` column is a courtesy title: left out of the
            // record, not read as a job title.
            if in_parts && courtesy_title(header) {
                continue;
            }
            if let Some(field) = by_header(header) {
                if map.pairs.iter().any(|(_, f)| *f == field) {
                    continue;
                }
                if index.insert(field, at).is_some() {
                    return Err(FileError::DuplicateField(field));
                }
            }
        }
        let parts = (in_parts && !index.contains_key(&MemberField::Name))
            .then_some(NameParts { forename, surname });
        for field in MemberField::ALL {
            let given =
                index.contains_key(&field) || (field == MemberField::Name && parts.is_some());
            if field.required() && !given {
                return Err(FileError::MissingColumn(field));
            }
        }
        Ok(Self { index, parts })
    }

    /// Whether the file gives `field`.
    pub fn has(&self, field: MemberField) -> bool {
        self.index.contains_key(&field) || (field == MemberField::Name && self.parts.is_some())
    }

    /// The name a row gives: the name column, else the forename and surname joined with a
    /// space (either may be empty).
    fn name<'r>(&self, record: &'r csv::StringRecord) -> std::borrow::Cow<'r, str> {
        let Some(parts) = self.parts else {
            return self.cell(record, MemberField::Name).into();
        };
        let part = |at: Option<usize>| {
            at.and_then(|at| record.get(at))
                .map(crate::csv_safe::restore)
                .unwrap_or("")
                .trim()
        };
        let joined: Vec<&str> = [part(parts.forename), part(parts.surname)]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect();
        joined.join(" ").into()
    }

    /// The fields given, in export order.
    pub fn fields(&self) -> Vec<MemberField> {
        MemberField::ALL
            .into_iter()
            .filter(|f| self.has(*f))
            .collect()
    }

    /// A cell, without the quote an export put in front of a formula-like value
    /// ([`crate::csv_safe`]), so an exported file re-imports as it was.
    fn cell<'r>(&self, record: &'r csv::StringRecord, field: MemberField) -> &'r str {
        self.index
            .get(&field)
            .and_then(|at| record.get(*at))
            .map(crate::csv_safe::restore)
            .unwrap_or("")
    }
}

/// A problem with one row: it is rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    /// The spreadsheet row number (the header is row 1).
    pub row: u64,
    /// The field at fault, if one is.
    pub field: Option<MemberField>,
    /// What is wrong, without the value.
    pub reason: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.field {
            Some(field) => write!(f, "row {}: {field} {}", self.row, self.reason),
            None => write!(f, "row {}: {}", self.row, self.reason),
        }
    }
}

/// A valid row, ready to compare with the stored record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// The spreadsheet row number.
    pub row: u64,
    /// The member's details (fields the file does not give are empty here).
    pub details: MemberDetails,
    /// The team named, if the file has a team column and the cell is not empty.
    pub team: Option<String>,
}

/// A file read and validated row by row.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    /// The encoding detected.
    pub encoding: Encoding,
    /// The fields the file gives.
    pub fields: Vec<MemberField>,
    /// Rows that passed validation.
    pub rows: Vec<ImportRow>,
    /// Rows that did not, in row order.
    pub rejected: Vec<RowProblem>,
    /// Member rows in the file (blank rows are not counted).
    pub total: u64,
}

impl ParsedFile {
    /// Whether the file gives `field`.
    pub fn has(&self, field: MemberField) -> bool {
        self.fields.contains(&field)
    }

    /// The teams the valid rows name, each once (ignoring case), in the order first named.
    pub fn teams(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for team in self.rows.iter().filter_map(|r| r.team.as_deref()) {
            if !out.iter().any(|t| t.to_lowercase() == team.to_lowercase()) {
                out.push(team.to_string());
            }
        }
        out
    }

    /// The teams the file names that are not among `existing` (compared ignoring case): the
    /// teams an import would have to create.
    pub fn new_teams<'a>(&self, existing: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        let known: BTreeSet<String> = existing.into_iter().map(str::to_lowercase).collect();
        self.teams()
            .into_iter()
            .filter(|t| !known.contains(&t.to_lowercase()))
            .collect()
    }
}

fn problem(row: u64, field: MemberField, e: &MemberError) -> RowProblem {
    RowProblem {
        row,
        field: Some(field),
        reason: e.to_string(),
    }
}

fn parse_row(
    row: u64,
    record: &csv::StringRecord,
    columns: &Columns,
) -> Result<ImportRow, RowProblem> {
    use MemberField as F;
    let cell = |f| columns.cell(record, f);
    let at = |f: MemberField| move |e: MemberError| problem(row, f, &e);
    let number: MembershipNumber = cell(F::MembershipNumber)
        .parse()
        .map_err(at(F::MembershipNumber))?;
    let name = optional_name(&columns.name(record), MemberDetails::MAX_NAME)
        .map_err(at(F::Name))?
        .ok_or_else(|| problem(row, F::Name, &MemberError::Required))?;
    let email = match cell(F::Email).trim() {
        "" => None,
        s => Some(
            s.parse::<Email>()
                .map_err(|_| problem(row, F::Email, &MemberError::Email))?,
        ),
    };
    let phone = match cell(F::Phone).trim() {
        "" => None,
        s => Some(s.parse::<Phone>().map_err(at(F::Phone))?),
    };
    let text = |f| optional_text(cell(f), MemberDetails::MAX_TEXT).map_err(at(f));
    let daily_pay_pence = match cell(F::DailyPay).trim() {
        "" => None,
        s => Some(
            Pence::parse(s)
                .ok()
                .filter(|p| p.pence() <= MemberDetails::MAX_DAILY_PAY_PENCE)
                .ok_or(MemberError::Money)
                .map_err(at(F::DailyPay))?
                .pence(),
        ),
    };
    let consent_date = match cell(F::ConsentDate).trim() {
        "" => None,
        s => Some(parse_date(s).map_err(at(F::ConsentDate))?),
    };
    Ok(ImportRow {
        row,
        details: MemberDetails {
            membership_number: number,
            name,
            email,
            phone,
            employer: text(F::Employer)?,
            workplace: text(F::Workplace)?,
            job_title: text(F::JobTitle)?,
            daily_pay_pence,
            is_rep: parse_yes_no(cell(F::Rep)).map_err(at(F::Rep))?,
            contact: ContactPreferences {
                by_email: parse_yes_no(cell(F::ContactEmail)).map_err(at(F::ContactEmail))?,
                by_phone: parse_yes_no(cell(F::ContactPhone)).map_err(at(F::ContactPhone))?,
                consent_wording: optional_text(
                    cell(F::ConsentWording),
                    ContactPreferences::MAX_WORDING,
                )
                .map_err(at(F::ConsentWording))?,
                consent_date,
            },
        },
        team: optional_name(cell(F::Team), MemberDetails::MAX_TEXT).map_err(at(F::Team))?,
    })
}

/// Reads and validates a member CSV. File-level problems (encoding, missing required
/// columns, a bad mapping, broken CSV) are an error; row-level problems are listed in
/// [`ParsedFile::rejected`], including a membership number that appears twice (the later rows
/// are rejected, naming the first).
pub fn parse_file(bytes: &[u8], map: &ColumnMap) -> Result<ParsedFile, FileError> {
    let (text, encoding) = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| FileError::Csv {
            row: 1,
            reason: e.to_string(),
        })?
        .iter()
        .map(str::to_string)
        .collect();
    if headers.iter().all(|h| h.trim().is_empty()) {
        return Err(FileError::Empty);
    }
    let columns = Columns::resolve(&headers, map)?;
    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    let mut first_seen: HashMap<MembershipNumber, u64> = HashMap::new();
    let mut total = 0;
    for (i, record) in reader.records().enumerate() {
        let row = i as u64 + 2;
        let record = record.map_err(|e| FileError::Csv {
            row,
            reason: e.to_string(),
        })?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        total += 1;
        match parse_row(row, &record, &columns) {
            Ok(parsed) => {
                if let Some(first) = first_seen.get(&parsed.details.membership_number) {
                    rejected.push(RowProblem {
                        row,
                        field: Some(MemberField::MembershipNumber),
                        reason: format!("is also on row {first}: each member once per file"),
                    });
                } else {
                    first_seen.insert(parsed.details.membership_number.clone(), row);
                    rows.push(parsed);
                }
            }
            Err(p) => rejected.push(p),
        }
    }
    Ok(ParsedFile {
        encoding,
        fields: columns.fields(),
        rows,
        rejected,
        total,
    })
}

/// What importing a row does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RowChange {
    /// A new member.
    New,
    /// An existing member's record changes in these fields.
    Updated {
        /// The fields that change.
        fields: Vec<MemberField>,
    },
    /// The stored record already says this.
    Unchanged,
}

/// The record a row leaves behind: the stored record with the file's fields laid over it
/// (fields the file does not give keep their stored values), with `team_id` resolved by the
/// caller. Returns the new record and what changed.
pub fn merge(
    existing: Option<(&MemberDetails, Option<i64>)>,
    row: &ImportRow,
    team_id: Option<i64>,
    file: &ParsedFile,
) -> (MemberDetails, Option<i64>, RowChange) {
    use MemberField as F;
    let Some((old, old_team)) = existing else {
        return (row.details.clone(), team_id, RowChange::New);
    };
    let new = &row.details;
    let pick = |f: MemberField| file.has(f);
    let mut out = old.clone();
    out.name = new.name.clone();
    if pick(F::Email) {
        out.email = new.email.clone();
    }
    if pick(F::Phone) {
        out.phone = new.phone.clone();
    }
    if pick(F::Employer) {
        out.employer = new.employer.clone();
    }
    if pick(F::Workplace) {
        out.workplace = new.workplace.clone();
    }
    if pick(F::JobTitle) {
        out.job_title = new.job_title.clone();
    }
    if pick(F::DailyPay) {
        out.daily_pay_pence = new.daily_pay_pence;
    }
    if pick(F::Rep) {
        out.is_rep = new.is_rep;
    }
    if pick(F::ContactEmail) {
        out.contact.by_email = new.contact.by_email;
    }
    if pick(F::ContactPhone) {
        out.contact.by_phone = new.contact.by_phone;
    }
    if pick(F::ConsentWording) {
        out.contact.consent_wording = new.contact.consent_wording.clone();
    }
    if pick(F::ConsentDate) {
        out.contact.consent_date = new.contact.consent_date;
    }
    let team = if pick(F::Team) { team_id } else { old_team };
    let mut changed = Vec::new();
    let differs = [
        (F::Name, old.name != out.name),
        (F::Email, old.email != out.email),
        (F::Phone, old.phone != out.phone),
        (F::Employer, old.employer != out.employer),
        (F::Team, old_team != team),
        (F::Workplace, old.workplace != out.workplace),
        (F::JobTitle, old.job_title != out.job_title),
        (F::DailyPay, old.daily_pay_pence != out.daily_pay_pence),
        (F::Rep, old.is_rep != out.is_rep),
        (
            F::ContactEmail,
            old.contact.by_email != out.contact.by_email,
        ),
        (
            F::ContactPhone,
            old.contact.by_phone != out.contact.by_phone,
        ),
        (
            F::ConsentWording,
            old.contact.consent_wording != out.contact.consent_wording,
        ),
        (
            F::ConsentDate,
            old.contact.consent_date != out.contact.consent_date,
        ),
    ];
    for (field, differ) in differs {
        if differ {
            changed.push(field);
        }
    }
    let change = if changed.is_empty() {
        RowChange::Unchanged
    } else {
        RowChange::Updated { fields: changed }
    };
    (out, team, change)
}

/// Checks the record a row would leave behind (consent after merging with the stored
/// record), naming the row and field at fault.
pub fn check_merged(row: u64, merged: &MemberDetails, today: NaiveDate) -> Result<(), RowProblem> {
    merged
        .contact
        .check(today)
        .map_err(|(field, e)| problem(row, field, &e))
}

#[cfg(test)]
mod tests;
