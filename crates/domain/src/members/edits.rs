//! An organiser's edit of a member record: which fields an edit changes (the audit entry
//! names them, never their values) and the reason every edit carries.

use super::{MemberDetails, MemberField};
use crate::TeamId;

/// The fields of a record that differ between `before` and `after` (with the team each is
/// in), in [`MemberField::ALL`] order. An email changed only in case is a change.
pub fn changed_fields(
    before: &MemberDetails,
    before_team: Option<TeamId>,
    after: &MemberDetails,
    after_team: Option<TeamId>,
) -> Vec<MemberField> {
    MemberField::ALL
        .into_iter()
        .filter(|field| match field {
            MemberField::MembershipNumber => before.membership_number != after.membership_number,
            MemberField::Name => before.name != after.name,
            MemberField::Email => before.email != after.email,
            MemberField::Phone => before.phone != after.phone,
            MemberField::Employer => before.employer != after.employer,
            MemberField::Team => before_team != after_team,
            MemberField::Workplace => before.workplace != after.workplace,
            MemberField::JobTitle => before.job_title != after.job_title,
            MemberField::DailyPay => before.daily_pay_pence != after.daily_pay_pence,
            MemberField::Rep => before.is_rep != after.is_rep,
            MemberField::ContactEmail => before.contact.by_email != after.contact.by_email,
            MemberField::ContactPhone => before.contact.by_phone != after.contact.by_phone,
            MemberField::ConsentWording => {
                before.contact.consent_wording != after.contact.consent_wording
            }
            MemberField::ConsentDate => before.contact.consent_date != after.contact.consent_date,
            MemberField::JoinedOn => before.joined_on != after.joined_on,
            MemberField::LeftOn => before.left_on != after.left_on,
        })
        .collect()
}

/// A field's name in words, for the record's history ("email", "job title").
pub fn field_words(field: MemberField) -> &'static str {
    match field {
        MemberField::MembershipNumber => "membership number",
        MemberField::Name => "name",
        MemberField::Email => "email",
        MemberField::Phone => "phone",
        MemberField::Employer => "employer",
        MemberField::Team => "team",
        MemberField::Workplace => "workplace",
        MemberField::JobTitle => "job title",
        MemberField::DailyPay => "daily pay",
        MemberField::Rep => "workplace rep",
        MemberField::ContactEmail => "agreement to be emailed",
        MemberField::ContactPhone => "agreement to be phoned",
        MemberField::ConsentWording => "consent wording",
        MemberField::ConsentDate => "consent date",
        MemberField::JoinedOn => "day joined",
        MemberField::LeftOn => "day left",
    }
}

/// The detail of an edit's audit entry: the fields' stable names and the reason, e.g.
/// `changed: email, team; reason: moved to the north team`. Never a value.
pub fn audit_detail(fields: &[MemberField], reason: &str) -> String {
    let names: Vec<&str> = fields.iter().map(|f| f.as_str()).collect();
    format!("changed: {}; reason: {reason}", names.join(", "))
}

/// Reads back an edit's audit detail: the fields (unknown names skipped) and the reason.
pub fn parse_audit_detail(detail: &str) -> Option<(Vec<MemberField>, String)> {
    let rest = detail.strip_prefix("changed: ")?;
    let (names, reason) = rest.split_once("; reason: ")?;
    let fields = names
        .split(", ")
        .filter_map(|n| n.parse::<MemberField>().ok())
        .collect();
    Some((fields, reason.to_string()))
}

/// "a", "a and b", "a, b and c".
pub fn list_in_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details() -> MemberDetails {
        let mut d = MemberDetails::new("N1".parse().unwrap(), "Ana Rees");
        d.email = Some("ana@example.org".parse().unwrap());
        d
    }

    #[test]
    fn only_the_fields_that_differ_are_named() {
        let before = details();
        assert!(changed_fields(&before, None, &before, None).is_empty());
        let mut after = before.clone();
        after.email = Some("ana.rees@example.org".parse().unwrap());
        after.job_title = Some("Team manager".into());
        assert_eq!(
            changed_fields(&before, None, &after, Some(TeamId(3))),
            vec![MemberField::Email, MemberField::Team, MemberField::JobTitle]
        );
    }

    #[test]
    fn the_audit_detail_names_fields_and_reason_and_reads_back() {
        let detail = audit_detail(&[MemberField::Email, MemberField::JobTitle], "promoted");
        assert_eq!(detail, "changed: email, job_title; reason: promoted");
        assert_eq!(
            parse_audit_detail(&detail),
            Some((
                vec![MemberField::Email, MemberField::JobTitle],
                "promoted".to_string()
            ))
        );
        assert_eq!(parse_audit_detail("reason=casework"), None);
        assert_eq!(list_in_words(&["a", "b", "c"]), "a, b and c");
        assert_eq!(list_in_words(&["a"]), "a");
    }
}
