//! The letter a signature sends: placeholders the supporter's details fill in.

use super::{refuse, EactionError, Signer};

/// The placeholders a subject or letter may hold: the supporter's name, postcode and own words.
pub const PLACEHOLDERS: [&str; 3] = ["{name}", "{postcode}", "{own_words}"];

/// Checks that `text` uses only the known placeholders, each written whole.
pub fn check_letter(field: &'static str, text: &str) -> Result<(), EactionError> {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open..];
        match after.find('}') {
            Some(close) if PLACEHOLDERS.contains(&&after[..=close]) => rest = &after[close + 1..],
            _ => {
                let what = if field == "subject" {
                    "the subject"
                } else {
                    "the letter"
                };
                return Err(refuse(
                    field,
                    format!(
                        "Only {{name}}, {{postcode}} and {{own_words}} can stand in braces in {what}; check the spelling of each or take the braces out."
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Fills in a subject or letter for one supporter. A letter that asks for their own words
/// when they gave none loses the placeholder and any blank lines it leaves.
pub fn render_letter(template: &str, signer: &Signer) -> String {
    let filled = template
        .replace("{name}", &signer.name)
        .replace("{postcode}", signer.postcode.as_str());
    if signer.own_words.is_empty() {
        let mut out = String::with_capacity(filled.len());
        let mut blank = 0;
        for line in filled.replace("{own_words}", "").split('\n') {
            if line.trim().is_empty() {
                blank += 1;
                if blank > 1 {
                    continue;
                }
            } else {
                blank = 0;
            }
            out.push_str(line);
            out.push('\n');
        }
        out.trim_end().to_string()
    } else {
        // Braces the supporter typed are their words, not placeholders: filled in last.
        filled.replace("{own_words}", &signer.own_words)
    }
}
