//! The picket supervisor: whether the law requires one on a day (TULRCA 1992 s.220A, from
//! 1 Mar 2017 until its repeal for picketing from 18 Feb 2026), and the letter of
//! authorisation a supervisor carries. Where the rule does not apply, a supervisor is still
//! good practice; the desk names one without warning about shifts that have none.

use super::shifts::{date_words, ShiftError};
use crate::law::{picketing_rules, LawOverrides, Nation};
use chrono::NaiveDate;
use serde::Serialize;

/// Whether a supervisor is required on a picketing day, and the provision that says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupervisorRule {
    /// The day asked about.
    pub day: NaiveDate,
    /// Whether the union must appoint one.
    pub required: bool,
    /// The provision (or its repeal).
    pub provision: String,
    /// The regime in force.
    pub regime: String,
    /// What the supervisor must do, item by item (empty when not required).
    pub duties: Vec<String>,
    /// The assumptions the answer rests on.
    pub assumptions: Vec<String>,
}

impl SupervisorRule {
    /// The warning for a shift on this day with no supervisor: only where one is required.
    pub fn warning_without_one(&self) -> Option<String> {
        self.required.then(|| {
            format!(
                "No picket supervisor is named for {}: the law requires one on this day ({}). Name a member as supervisor and print their letter of authorisation.",
                date_words(self.day),
                self.provision
            )
        })
    }
}

/// The supervisor rule for picketing in `nation` on `day`.
pub fn supervisor_rule(
    nation: Nation,
    day: NaiveDate,
    overrides: &LawOverrides,
) -> Result<SupervisorRule, ShiftError> {
    let answer = picketing_rules(nation, day, overrides).map_err(|e| ShiftError {
        field: "day",
        message: e.to_string(),
    })?;
    Ok(SupervisorRule {
        day,
        required: answer.supervisor_required,
        provision: answer.supervisor_provision,
        regime: answer.regime,
        duties: answer.supervisor_duties,
        assumptions: answer.assumptions,
    })
}

/// What a letter of authorisation is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterInput<'a> {
    /// The union branch's name.
    pub branch: &'a str,
    /// The dispute's title.
    pub dispute: &'a str,
    /// The employer.
    pub employer: &'a str,
    /// The site's name.
    pub site: &'a str,
    /// The site's address (may be empty).
    pub address: &'a str,
    /// The days the supervisor is authorised for.
    pub days: &'a [NaiveDate],
    /// The supervisor's name.
    pub supervisor: &'a str,
    /// The rule on the first of those days.
    pub rule: &'a SupervisorRule,
}

/// A letter of authorisation, ready to lay out on an A4 page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthorisationLetter {
    /// The heading.
    pub title: String,
    /// Who issues it (the branch).
    pub from: String,
    /// The supervisor's name.
    pub supervisor: String,
    /// The dispute and employer, in words.
    pub dispute: String,
    /// The site, with its address.
    pub site: String,
    /// The dates, "1 May 2024", in order.
    pub dates: Vec<String>,
    /// The body, paragraph by paragraph.
    pub paragraphs: Vec<String>,
    /// The provision the letter answers to.
    pub provision: String,
    /// Where the signature goes.
    pub signature_line: String,
}

/// Writes the letter a supervisor carries on the line.
pub fn authorisation_letter(input: &LetterInput<'_>) -> AuthorisationLetter {
    let mut days: Vec<NaiveDate> = input.days.to_vec();
    days.sort_unstable();
    days.dedup();
    let site = if input.address.trim().is_empty() {
        input.site.to_string()
    } else {
        format!(
            "{}, {}",
            input.site,
            input.address.trim().replace('\n', ", ")
        )
    };
    let mut paragraphs = vec![
        format!(
            "{} authorises {} to act as picket supervisor at {} on the dates below, in the trade dispute with {} ({}).",
            input.branch, input.supervisor, site, input.employer, input.dispute
        ),
        "The supervisor will be present at the picket line or readily contactable by the union and the police, will wear a badge, armband or other item that identifies them, and will show this letter to the employer or anyone acting for the employer who asks to see it.".to_string(),
    ];
    if input.rule.required {
        paragraphs.push(format!(
            "This letter is given under {}.",
            input.rule.provision
        ));
    } else {
        paragraphs.push(format!(
            "The law does not require a picket supervisor on these dates ({}); the union names one as good practice.",
            input.rule.provision
        ));
    }
    AuthorisationLetter {
        title: "Letter of authorisation: picket supervisor".into(),
        from: input.branch.to_string(),
        supervisor: input.supervisor.to_string(),
        dispute: format!("{} ({})", input.dispute, input.employer),
        site,
        dates: days.into_iter().map(date_words).collect(),
        paragraphs,
        provision: input.rule.provision.clone(),
        signature_line: format!("Signed for {}", input.branch),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_supervisor_is_required_until_the_repeal_and_the_answer_names_its_provision() {
        let none = LawOverrides::default();
        let before = supervisor_rule(Nation::England, d(2026, 2, 17), &none).unwrap();
        assert!(before.required);
        assert!(before.provision.contains("s.220A"), "{}", before.provision);
        assert!(!before.duties.is_empty());
        let warning = before.warning_without_one().unwrap();
        assert!(warning.contains("17 February 2026"), "{warning}");
        let after = supervisor_rule(Nation::England, d(2026, 2, 18), &none).unwrap();
        assert!(!after.required);
        assert!(after.provision.contains("repealed"), "{}", after.provision);
        assert_eq!(after.warning_without_one(), None);
        let ni = supervisor_rule(Nation::NorthernIreland, d(2024, 5, 1), &none).unwrap();
        assert!(!ni.required);
        let old = supervisor_rule(Nation::Scotland, d(2016, 5, 1), &none).unwrap();
        assert!(!old.required);
    }

    #[test]
    fn the_letter_names_the_union_dispute_site_dates_and_supervisor() {
        let rule =
            supervisor_rule(Nation::England, d(2025, 5, 1), &LawOverrides::default()).unwrap();
        let days = [d(2025, 5, 2), d(2025, 5, 1), d(2025, 5, 2)];
        let letter = authorisation_letter(&LetterInput {
            branch: "Northfield Branch",
            dispute: "Mental health social workers' pay",
            employer: "Northfield Council",
            site: "Civic Centre",
            address: "1 High St\nNorthfield",
            days: &days,
            supervisor: "Ana Lopez",
            rule: &rule,
        });
        assert_eq!(letter.dates, ["1 May 2025", "2 May 2025"]);
        assert_eq!(letter.site, "Civic Centre, 1 High St, Northfield");
        assert!(letter.paragraphs[0].contains("authorises Ana Lopez"));
        assert!(letter.paragraphs[2].contains("s.220A"));
        let later =
            supervisor_rule(Nation::England, d(2026, 3, 2), &LawOverrides::default()).unwrap();
        let letter = authorisation_letter(&LetterInput {
            rule: &later,
            ..LetterInput {
                branch: "B",
                dispute: "D",
                employer: "E",
                site: "S",
                address: "",
                days: &days,
                supervisor: "X",
                rule: &rule,
            }
        });
        assert!(letter.paragraphs[2].contains("good practice"));
    }
}
