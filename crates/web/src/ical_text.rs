//! The one way a value goes into an iCalendar document (RFC 5545). A title typed into Picket
//! could otherwise carry a line break and become real lines of the document (a forged
//! `BEGIN:VEVENT`), or a bare CR that calendar apps split on.
//!
//! Every TEXT value is first [`clean`]ed: CRLF, CR and LF become one line break, and every
//! other control character but tab is dropped. It is then escaped once (§3.3.11: backslash,
//! semicolon, comma, and the line break as `\n`): by the `icalendar` crate for the properties
//! it knows to be TEXT (SUMMARY, DESCRIPTION, UID, `X-` names …), by [`escape`] for those it
//! writes as they are (NAME, from RFC 7986). [`text`] makes that choice from the crate's own
//! view of the property, so no value is escaped twice or not at all. Values that are not text
//! (URLs) cannot be escaped, so [`uri`] drops every control character from them.

use icalendar::{Property, ValueType};

/// `value` with its line breaks made one LF each and every other control character except
/// tab removed: what a TEXT value may carry before escaping.
pub fn clean(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push('\n');
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// `value` [`clean`]ed and escaped as an RFC 5545 TEXT value.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for c in clean(value).chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// A TEXT property `key` carrying `value`, cleaned and escaped exactly once.
pub fn text(key: &str, value: &str) -> Property {
    let cleaned = Property::new(key, clean(value));
    // The crate escapes single TEXT values itself; list-valued ones and names it does not
    // know (NAME) it writes as given.
    let crate_escapes = cleaned.value_type() == Some(ValueType::Text)
        && !["CATEGORIES", "RESOURCES"].contains(&key);
    if crate_escapes {
        cleaned
    } else {
        Property::new(key, escape(value))
    }
}

/// A URI property `key`: `value` without any control character.
pub fn uri(key: &str, value: &str) -> Property {
    let kept: String = value.chars().filter(|c| !c.is_control()).collect();
    Property::new(key, kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_become_one_lf_and_other_controls_go() {
        assert_eq!(
            clean("a\r\nb\rc\nd\te\u{7}f\u{0}g\u{85}h"),
            "a\nb\nc\nd\te".to_owned() + "fgh"
        );
        assert_eq!(escape("a;b,c\\d\r\ne"), "a\\;b\\,c\\\\d\\ne");
    }

    #[test]
    fn every_text_property_is_escaped_once() {
        let title = "BEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT; a, b";
        for key in ["SUMMARY", "NAME", "X-WR-CALNAME", "DESCRIPTION"] {
            let mut cal = icalendar::Calendar::empty();
            cal.append_property(text(key, title));
            let doc = cal.to_string();
            let line = doc
                .split("\r\n")
                .find(|l| l.starts_with(key))
                .unwrap_or_else(|| panic!("{key} in {doc:?}"));
            assert_eq!(
                line,
                format!("{key}:BEGIN:VEVENT\\nSUMMARY:x\\nEND:VEVENT\\; a\\, b"),
                "{doc:?}"
            );
        }
        let mut cal = icalendar::Calendar::empty();
        cal.append_property(uri("URL", "https://x.example/\r\nBEGIN:VEVENT"));
        assert!(cal
            .to_string()
            .contains("URL:https://x.example/BEGIN:VEVENT\r\n"));
    }
}
