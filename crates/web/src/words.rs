//! Validation messages in words people read on a page.
//!
//! The shared parsing code (and so the API) names a field by its machine name:
//! "called_out: `fifteen` is not a whole number". A page shows the same message with the
//! form's label for the field and typographic quotes, as a sentence:
//! "Members called out: “fifteen” is not a whole number." The API keeps its `field` and
//! `code` for programs.

/// The label a form gives each field that a message may name, by the field's name.
const LABELS: &[(&str, &str)] = &[
    ("address", "Address"),
    ("answer", "Answer"),
    ("as_of", "Figures as of"),
    ("ballot_id", "Ballot"),
    ("called_out", "Members called out"),
    ("called_out_reason", "Why the number called out is typed"),
    ("cast", "Votes cast"),
    ("claim_id", "Claim or offer"),
    ("closed", "Closed"),
    ("confirm", "Confirmation"),
    ("consent", "Consent"),
    ("current_password", "Current password"),
    ("dated", "Date"),
    ("day", "Strike day"),
    ("detail", "Role or workplace"),
    ("display_name", "Name"),
    ("done", "Done on"),
    ("email", "Email"),
    ("employer", "Employer"),
    ("ends", "Last day"),
    ("entitled", "Entitled to vote"),
    ("entitled_reason", "Why the number entitled is typed"),
    ("figure", "Number of members"),
    ("expires_days", "Works for"),
    ("file", "CSV file"),
    ("headcount", "Headcount"),
    (
        "holidays_as_strike",
        "Bank holidays to count as strike days",
    ),
    ("ips", "Important public services"),
    ("kind", "Kind"),
    ("label", "What is counted"),
    ("map_url", "Map link"),
    ("mapping", "Column mapping"),
    ("message", "Message"),
    ("name", "Name"),
    ("nation", "Where the members work"),
    ("new_password", "New password"),
    ("new_password_again", "New password again"),
    ("no", "No"),
    ("notice_received", "Notice received by the employer on"),
    ("opened", "Opened"),
    ("organisation", "Organisation"),
    ("outcome", "Outcome"),
    ("password", "Password"),
    ("per_worker_day", "How many per worker per strike day"),
    ("percent", "Percent giving that answer"),
    ("period_id", "Period"),
    ("phone", "Phone"),
    ("place", "Place"),
    ("pledge", "Offer"),
    ("pledge_amount", "Donation in pounds"),
    ("q", "Search"),
    ("question", "Question"),
    ("reason", "Reason"),
    ("result_to_employer", "Employer told the result on"),
    ("role", "Role"),
    ("spoiled", "Spoiled"),
    ("starts", "First day"),
    ("status", "Status"),
    ("summary", "Summary"),
    ("team", "Team"),
    ("teams", "Teams called out"),
    ("text", "Corrected message"),
    ("times", "When to come"),
    ("title", "Title"),
    ("took_part", "Members who took part"),
    ("workplace", "Workplace"),
    ("yes", "Yes"),
];

/// The label of `field`, or its name in words when no form labels it.
pub fn label(field: &str) -> String {
    LABELS.iter().find(|(name, _)| *name == field).map_or_else(
        || capitalise(&field.replace('_', " ")),
        |(_, l)| (*l).to_string(),
    )
}

/// `message` about `field` as a page shows it: the field's machine name at its start becomes
/// the form's label, `quoted` values get typographic quotes, ISO dates read "1 May 2024"
/// (unless the message is about writing a date as YYYY-MM-DD, whose example stays as typed),
/// and it reads as a sentence.
pub fn plain(field: &str, message: &str) -> String {
    let message = message.trim();
    let body = match message.split_once(": ") {
        Some((name, rest)) if is_field_name(name) => format!("{}: {rest}", label(name)),
        _ if !field.is_empty() && message.starts_with(field) && is_field_name(field) => {
            // "field must …" with no colon.
            format!("{}{}", label(field), &message[field.len()..])
        }
        _ => message.to_string(),
    };
    let body = if body.contains("YYYY-MM-DD") {
        body
    } else {
        picket_domain::dates::humanise_iso_dates(&body)
    };
    sentence(&quotes(&body))
}

/// Whether `name` is a machine field name (`snake_case` letters), not words.
fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'_' || b.is_ascii_digit())
        && (name.contains('_') || LABELS.iter().any(|(n, _)| *n == name))
}

/// `x` becomes “x”.
fn quotes(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut open = true;
    for c in text.chars() {
        if c == '`' {
            out.push(if open { '“' } else { '”' });
            open = !open;
        } else {
            out.push(c);
        }
    }
    out
}

/// A capital first letter and a full stop at the end (unless it ends with one already).
fn sentence(text: &str) -> String {
    let mut s = capitalise(text);
    if !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
    s
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_names_become_labels() {
        assert_eq!(
            plain("called_out", "called_out: `fifteen` is not a whole number"),
            "Members called out: “fifteen” is not a whole number."
        );
        assert_eq!(
            plain("took_part", "took_part: `lots` is not a whole number"),
            "Members who took part: “lots” is not a whole number."
        );
        assert_eq!(
            plain("ballot_id", "ballot_id: choose a ballot"),
            "Ballot: choose a ballot."
        );
        assert_eq!(
            plain("percent", "percent: at most 100"),
            "Percent giving that answer: at most 100."
        );
    }

    #[test]
    fn sentences_that_name_no_field_are_kept() {
        assert_eq!(
            plain("team", "choose a team from the list"),
            "Choose a team from the list."
        );
        assert_eq!(
            plain(
                "new_password",
                "The two new passwords differ. Type the same one twice."
            ),
            "The two new passwords differ. Type the same one twice."
        );
        // Words before a colon are not a field's name.
        assert_eq!(
            plain("body", "The search: nothing found"),
            "The search: nothing found."
        );
    }

    #[test]
    fn dates_read_as_people_write_them() {
        assert_eq!(
            plain(
                "ends",
                "ends: the period ends (2024-05-01) before it starts (2024-05-03)"
            ),
            "Last day: the period ends (1 May 2024) before it starts (3 May 2024)."
        );
        assert_eq!(
            plain(
                "starts",
                "starts: `1/5/24` is not a date: write it as YYYY-MM-DD, like 2025-01-06"
            ),
            "First day: “1/5/24” is not a date: write it as YYYY-MM-DD, like 2025-01-06."
        );
    }

    #[test]
    fn unknown_fields_are_read_as_words() {
        assert_eq!(
            plain("strike_pay", "strike_pay: `x` is not an amount"),
            "Strike pay: “x” is not an amount."
        );
    }
}
