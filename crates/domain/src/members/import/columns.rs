//! The columns of an import: a saved mapping (`COLUMN=field`), headers matched to fields by
//! their words (`Membership Number`, `Date Joined`, `Leaving Date` …) and a name given in
//! parts.

use super::FileError;
use crate::members::MemberField;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

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
        "joined" | "join_date" | "joining_date" | "date_joined" | "joined_date"
        | "date_of_joining" | "member_since" | "membership_start" => MemberField::JoinedOn,
        "left" | "leave_date" | "leaving_date" | "date_left" | "left_date" | "date_of_leaving"
        | "membership_end" | "lapsed" | "lapsed_on" | "lapse_date" => MemberField::LeftOn,
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
    pub(super) fn name<'r>(&self, record: &'r csv::StringRecord) -> std::borrow::Cow<'r, str> {
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
    pub(super) fn cell<'r>(&self, record: &'r csv::StringRecord, field: MemberField) -> &'r str {
        self.index
            .get(&field)
            .and_then(|at| record.get(*at))
            .map(crate::csv_safe::restore)
            .unwrap_or("")
    }
}
