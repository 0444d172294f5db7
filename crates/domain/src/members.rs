//! Members: the branch's membership records and the rules their fields follow.
//!
//! A member record holds special-category personal data (union membership, UK GDPR Article 9).
//! The types here validate each field once, at the edge, and their `Debug` output never shows
//! the person. The CSV import's pure parts (encoding detection, column mapping, row
//! validation, comparison) live in [`import`].

pub mod edits;
pub mod import;

use crate::text::{self, TextError, TextKind};
use crate::values::Email;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Why a member field was refused. The message names the rule, never the value, so it can
/// be logged, stored in an import report or sent to another person safely.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MemberError {
    /// A required field is empty.
    #[error("is required")]
    Required,
    /// Too long.
    #[error("is longer than {0} characters")]
    TooLong(usize),
    /// Holds a NUL, a control character, a line break or (in a name) a direction control.
    #[error("{0}")]
    Text(TextError),
    /// The membership number has characters outside letters, digits, `-` and `/`.
    #[error("must be letters, digits, `-` or `/` (no spaces)")]
    MembershipNumber,
    /// Not an email address.
    #[error("is not an email address")]
    Email,
    /// Not a phone number.
    #[error("is not a phone number (7 to 15 digits, optionally with +, spaces, brackets or -)")]
    Phone,
    /// Not an amount of money.
    #[error("is not an amount in pounds, e.g. 123.45")]
    Money,
    /// Not yes or no.
    #[error("is not yes or no")]
    YesNo,
    /// Not a date.
    #[error("is not a date (YYYY-MM-DD or DD/MM/YYYY)")]
    Date,
    /// A contact preference is yes without the consent it rests on.
    #[error("is needed when a contact preference is yes")]
    ConsentMissing,
    /// The consent date is in the future.
    #[error("is in the future")]
    FutureDate,
    /// The day a membership ended is not after the day it began.
    #[error("is not after the day they joined: the day they left must come after it")]
    LeftBeforeJoined,
}

fn text(kind: TextKind, s: &str, max: usize) -> Result<Option<String>, MemberError> {
    match text::check(kind, s, max) {
        Ok(s) if s.is_empty() => Ok(None),
        Ok(s) => Ok(Some(s)),
        Err(TextError::TooLong { max }) => Err(MemberError::TooLong(max)),
        Err(e) => Err(MemberError::Text(e)),
    }
}

/// Optional free text of one line up to `max` characters, trimmed; empty is `None`.
pub fn optional_text(s: &str, max: usize) -> Result<Option<String>, MemberError> {
    text(TextKind::SingleLine, s, max)
}

/// An optional name (a member's, a team's) up to `max` characters: one line, trimmed, no
/// direction controls; empty is `None`.
pub fn optional_name(s: &str, max: usize) -> Result<Option<String>, MemberError> {
    text(TextKind::Name, s, max)
}

/// The words of a directory search, trimmed: one line of at most 200 characters with no
/// NUL or control characters; empty is `None`.
pub fn search_words(q: Option<&str>) -> Result<Option<String>, MemberError> {
    text(TextKind::SingleLine, q.unwrap_or_default(), 200)
}

/// A membership number as the union issues it, unique within a branch.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MembershipNumber(String);

impl MembershipNumber {
    /// Longest accepted.
    pub const MAX: usize = 32;

    /// As text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for MembershipNumber {
    type Err = MemberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() {
            return Err(MemberError::Required);
        }
        if s.chars().count() > Self::MAX {
            return Err(MemberError::TooLong(Self::MAX));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
        {
            return Err(MemberError::MembershipNumber);
        }
        Ok(MembershipNumber(s.to_ascii_uppercase()))
    }
}

impl TryFrom<String> for MembershipNumber {
    type Error = MemberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<MembershipNumber> for String {
    fn from(n: MembershipNumber) -> String {
        n.0
    }
}

impl fmt::Display for MembershipNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for MembershipNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MembershipNumber(..)")
    }
}

/// A phone number as typed, checked for a plausible count of digits.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// As typed (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Phone {
    type Err = MemberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let digits = s.chars().filter(char::is_ascii_digit).count();
        let ok_chars = s
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || " ()-".contains(c) || (c == '+' && i == 0));
        if !ok_chars || !(7..=15).contains(&digits) || s.len() > 30 {
            return Err(MemberError::Phone);
        }
        Ok(Phone(s.to_string()))
    }
}

impl TryFrom<String> for Phone {
    type Error = MemberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Phone(..)")
    }
}

/// Parses yes/no as people write it in spreadsheets: yes, y, true, 1, x; no, n, false, 0 or
/// empty.
pub fn parse_yes_no(s: &str) -> Result<bool, MemberError> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "x" => Ok(true),
        "no" | "n" | "false" | "0" | "" => Ok(false),
        _ => Err(MemberError::YesNo),
    }
}

/// Parses a calendar date written exactly `YYYY-MM-DD` or the British `DD/MM/YYYY` (see
/// [`crate::values::parse_iso_date`] and [`crate::values::parse_uk_date`]).
pub fn parse_date(s: &str) -> Result<NaiveDate, MemberError> {
    crate::values::parse_iso_date(s)
        .or_else(|| crate::values::parse_uk_date(s))
        .ok_or(MemberError::Date)
}

/// How a member agreed to be contacted, with the words they agreed to and when.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPreferences {
    /// May be emailed about the branch's business.
    pub by_email: bool,
    /// May be phoned or sent text messages.
    pub by_phone: bool,
    /// The wording of the consent they gave.
    pub consent_wording: Option<String>,
    /// The day they gave it.
    pub consent_date: Option<NaiveDate>,
}

impl ContactPreferences {
    /// Longest consent wording kept.
    pub const MAX_WORDING: usize = 2000;

    /// Checks that any "yes" rests on recorded consent (wording and date) and that the date
    /// is not after `today`. Returns the field at fault.
    pub fn check(&self, today: NaiveDate) -> Result<(), (MemberField, MemberError)> {
        if self.by_email || self.by_phone {
            if self.consent_wording.is_none() {
                return Err((MemberField::ConsentWording, MemberError::ConsentMissing));
            }
            if self.consent_date.is_none() {
                return Err((MemberField::ConsentDate, MemberError::ConsentMissing));
            }
        }
        if self.consent_date.is_some_and(|d| d > today) {
            return Err((MemberField::ConsentDate, MemberError::FutureDate));
        }
        Ok(())
    }
}

impl fmt::Debug for ContactPreferences {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContactPreferences")
            .field("by_email", &self.by_email)
            .field("by_phone", &self.by_phone)
            .finish_non_exhaustive()
    }
}

/// A member's own details, validated. The team is held apart (by id in the store, by name in
/// an import) because it refers to another record.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDetails {
    /// The union's membership number, unique in the branch.
    pub membership_number: MembershipNumber,
    /// Their name.
    pub name: String,
    /// Email address.
    pub email: Option<Email>,
    /// Phone number.
    pub phone: Option<Phone>,
    /// Employer.
    pub employer: Option<String>,
    /// Workplace (building or site).
    pub workplace: Option<String>,
    /// Job title.
    pub job_title: Option<String>,
    /// Daily pay in pence, for strike pay.
    pub daily_pay_pence: Option<i64>,
    /// Whether they are a workplace rep.
    pub is_rep: bool,
    /// How they may be contacted, and the consent behind it.
    pub contact: ContactPreferences,
    /// The day their membership began (unknown: counted as a member throughout).
    #[serde(default)]
    pub joined_on: Option<NaiveDate>,
    /// The day it ended: counted up to the day before (unknown: still a member).
    #[serde(default)]
    pub left_on: Option<NaiveDate>,
}

impl MemberDetails {
    /// Longest name.
    pub const MAX_NAME: usize = 200;
    /// Longest employer, workplace or job title.
    pub const MAX_TEXT: usize = 200;
    /// Largest daily pay an import takes, in pence: £999,999,999.99, as before money had a type.
    pub const MAX_DAILY_PAY_PENCE: i64 = 99_999_999_999;

    /// A record with only the required fields.
    pub fn new(membership_number: MembershipNumber, name: impl Into<String>) -> Self {
        Self {
            membership_number,
            name: name.into(),
            email: None,
            phone: None,
            employer: None,
            workplace: None,
            job_title: None,
            daily_pay_pence: None,
            is_rep: false,
            contact: ContactPreferences::default(),
            joined_on: None,
            left_on: None,
        }
    }

    /// Checks that a membership ends after it begins; the field at fault is the day left.
    pub fn check_membership_dates(&self) -> Result<(), (MemberField, MemberError)> {
        match (self.joined_on, self.left_on) {
            (Some(joined), Some(left)) if left <= joined => {
                Err((MemberField::LeftOn, MemberError::LeftBeforeJoined))
            }
            _ => Ok(()),
        }
    }
}

impl fmt::Debug for MemberDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Personal data stays out of logs and panics.
        f.debug_struct("MemberDetails")
            .field("is_rep", &self.is_rep)
            .finish_non_exhaustive()
    }
}

/// A field of a member record, as named in column mappings, import reports and form errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberField {
    /// Membership number (required in an import).
    MembershipNumber,
    /// Name (required in an import).
    Name,
    /// Email.
    Email,
    /// Phone.
    Phone,
    /// Employer.
    Employer,
    /// Team, by name.
    Team,
    /// Workplace.
    Workplace,
    /// Job title.
    JobTitle,
    /// Daily pay in pounds.
    DailyPay,
    /// Rep flag.
    Rep,
    /// Contact by email allowed.
    ContactEmail,
    /// Contact by phone allowed.
    ContactPhone,
    /// Consent wording.
    ConsentWording,
    /// Consent date.
    ConsentDate,
    /// The day their membership began.
    JoinedOn,
    /// The day it ended.
    LeftOn,
}

impl MemberField {
    /// Every field, in the order of an export.
    pub const ALL: [MemberField; 16] = [
        MemberField::MembershipNumber,
        MemberField::Name,
        MemberField::Email,
        MemberField::Phone,
        MemberField::Employer,
        MemberField::Team,
        MemberField::Workplace,
        MemberField::JobTitle,
        MemberField::DailyPay,
        MemberField::Rep,
        MemberField::ContactEmail,
        MemberField::ContactPhone,
        MemberField::ConsentWording,
        MemberField::ConsentDate,
        MemberField::JoinedOn,
        MemberField::LeftOn,
    ];

    /// The stable name used in mappings, reports, forms and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            MemberField::MembershipNumber => "membership_number",
            MemberField::Name => "name",
            MemberField::Email => "email",
            MemberField::Phone => "phone",
            MemberField::Employer => "employer",
            MemberField::Team => "team",
            MemberField::Workplace => "workplace",
            MemberField::JobTitle => "job_title",
            MemberField::DailyPay => "daily_pay",
            MemberField::Rep => "rep",
            MemberField::ContactEmail => "contact_email",
            MemberField::ContactPhone => "contact_phone",
            MemberField::ConsentWording => "consent_wording",
            MemberField::ConsentDate => "consent_date",
            MemberField::JoinedOn => "joined_on",
            MemberField::LeftOn => "left_on",
        }
    }

    /// Whether an import needs this column.
    pub fn required(self) -> bool {
        matches!(self, MemberField::MembershipNumber | MemberField::Name)
    }
}

impl fmt::Display for MemberField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MemberField {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MemberField::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<_> = MemberField::ALL.iter().map(|f| f.as_str()).collect();
                format!(
                    "unknown member field `{s}`: expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// Why a person reads member data, recorded in the audit log with each read, search and
/// export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccessReason {
    /// Organising: contacting members about the dispute or the branch.
    Organising,
    /// Representing the member in a case or grievance.
    Casework,
    /// Strike pay, hardship or subscriptions.
    Payments,
    /// Correcting or keeping the records up to date.
    RecordKeeping,
    /// Ballots and turnout.
    Ballot,
    /// The member asked (their own record, a subject access request).
    MemberRequest,
}

impl AccessReason {
    /// Every reason, in the order forms list them.
    pub const ALL: [AccessReason; 6] = [
        AccessReason::Organising,
        AccessReason::Casework,
        AccessReason::Payments,
        AccessReason::RecordKeeping,
        AccessReason::Ballot,
        AccessReason::MemberRequest,
    ];

    /// The stable name stored in the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessReason::Organising => "organising",
            AccessReason::Casework => "casework",
            AccessReason::Payments => "payments",
            AccessReason::RecordKeeping => "record-keeping",
            AccessReason::Ballot => "ballot",
            AccessReason::MemberRequest => "member-request",
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            AccessReason::Organising => "Organising (contacting members)",
            AccessReason::Casework => "Casework or representation",
            AccessReason::Payments => "Strike pay, hardship or subscriptions",
            AccessReason::RecordKeeping => "Keeping records up to date",
            AccessReason::Ballot => "Ballot and turnout",
            AccessReason::MemberRequest => "The member asked",
        }
    }
}

impl FromStr for AccessReason {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AccessReason::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                "choose a reason: organising, casework, payments, record-keeping, ballot or member-request"
                    .to_string()
            })
    }
}

#[cfg(test)]
mod tests;
