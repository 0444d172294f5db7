//! The rows of an import: each read and checked (problems name the row, the field and what
//! to fix, never the value typed), then laid over the stored record.

use super::{decode, ColumnMap, Columns, Encoding, FileError};
use crate::members::edits::changed_fields;
use crate::members::{
    optional_name, optional_text, parse_date, parse_yes_no, ContactPreferences, MemberDetails,
    MemberError, MemberField, MembershipNumber, Phone,
};
use crate::money::Pence;
use crate::values::Email;
use crate::TeamId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

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
    let date = |f| match cell(f).trim() {
        "" => Ok(None),
        s => parse_date(s).map(Some).map_err(at(f)),
    };
    let consent_date = date(F::ConsentDate)?;
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
            joined_on: date(F::JoinedOn)?,
            left_on: date(F::LeftOn)?,
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
    if pick(F::JoinedOn) {
        out.joined_on = new.joined_on;
    }
    if pick(F::LeftOn) {
        out.left_on = new.left_on;
    }
    let team = if pick(F::Team) { team_id } else { old_team };
    let changed = changed_fields(old, old_team.map(TeamId), &out, team.map(TeamId));
    let change = if changed.is_empty() {
        RowChange::Unchanged
    } else {
        RowChange::Updated { fields: changed }
    };
    (out, team, change)
}

/// Checks the record a row would leave behind (consent, and a membership that ends after it
/// begins, after merging with the stored record), naming the row and field at fault.
pub fn check_merged(row: u64, merged: &MemberDetails, today: NaiveDate) -> Result<(), RowProblem> {
    merged
        .contact
        .check(today)
        .and_then(|()| merged.check_membership_dates())
        .map_err(|(field, e)| problem(row, field, &e))
}
