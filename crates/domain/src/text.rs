//! Text people type: one check for every field, so that nothing a database or a reader
//! cannot take gets in.
//!
//! Three kinds of field:
//! - [`single_line`] (titles, places, search words): no control characters at all, no line
//!   breaks or tabs;
//! - [`name`] (how a person, team or organisation is shown): a single line that also refuses
//!   the invisible characters which turn text round (U+202A–U+202E, U+2066–U+2069, U+200E,
//!   U+200F, U+061C), so a name cannot be made to read as something else;
//! - [`multi_line`] (messages, summaries, outcomes): newlines and tabs allowed, CR LF (and a
//!   lone CR) become LF; every other control character refused.
//!
//! A NUL (U+0000) is refused everywhere: PostgreSQL cannot store it and SQLite would, so the
//! two engines would disagree. Each function trims the text and checks its length in
//! characters; an empty result is `Ok("")` and the caller decides whether the field is
//! required. A [`TextError`] reads as the end of a sentence ("contains …; delete it") so the
//! caller puts the field's name in front with [`TextError::message`].

use std::fmt;

/// Why a text was refused. It never holds the text itself, only what is wrong with it, so it
/// can be logged or stored in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextError {
    /// A NUL character (U+0000).
    Nul,
    /// Another control character (escape, backspace, …), or a line break where the field
    /// takes several lines but the character is not a newline or tab.
    Control(char),
    /// A newline or tab in a field of one line.
    LineBreak,
    /// A character that changes the direction of text, in a name.
    Bidi(char),
    /// Longer than the field allows, in characters.
    TooLong {
        /// The most allowed.
        max: usize,
    },
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextError::Nul => f.write_str(
                "contains a NUL character (an invisible zero, often left by copying from another program); delete it and type the text again",
            ),
            TextError::Control(c) => write!(
                f,
                "contains an invisible control character (U+{:04X}); delete it and type the text again",
                u32::from(*c)
            ),
            TextError::LineBreak => {
                f.write_str("must fit on one line: take out the line breaks and tabs")
            }
            TextError::Bidi(c) => write!(
                f,
                "contains an invisible character that reverses the direction of the text (U+{:04X}); delete it",
                u32::from(*c)
            ),
            TextError::TooLong { max } => write!(f, "can be at most {max} characters"),
        }
    }
}

impl std::error::Error for TextError {}

impl TextError {
    /// A sentence naming the field: `message("The name")` → "The name contains …".
    pub fn message(&self, label: &str) -> String {
        format!("{label} {self}.")
    }
}

/// What a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// One line, no control characters.
    SingleLine,
    /// One line, no control characters and no direction controls.
    Name,
    /// Several lines: newlines and tabs allowed.
    MultiLine,
}

/// Whether `c` changes the direction of the text around it (the embeddings, overrides and
/// isolates, and the direction marks).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// Checks `text` for a field of `kind` at most `max` characters long; returns it trimmed
/// (and, for several lines, with CR LF and lone CR made LF).
pub fn check(kind: TextKind, text: &str, max: usize) -> Result<String, TextError> {
    let trimmed = text.trim();
    let cleaned = match kind {
        TextKind::MultiLine if trimmed.contains('\r') => {
            trimmed.replace("\r\n", "\n").replace('\r', "\n")
        }
        _ => trimmed.to_string(),
    };
    for c in cleaned.chars() {
        match c {
            '\0' => return Err(TextError::Nul),
            '\n' | '\t' if kind == TextKind::MultiLine => {}
            '\n' | '\t' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}' => {
                return Err(if kind == TextKind::MultiLine {
                    TextError::Control(c)
                } else {
                    TextError::LineBreak
                })
            }
            c if c.is_control() => return Err(TextError::Control(c)),
            c if kind == TextKind::Name && is_bidi_control(c) => return Err(TextError::Bidi(c)),
            _ => {}
        }
    }
    if cleaned.chars().count() > max {
        return Err(TextError::TooLong { max });
    }
    Ok(cleaned)
}

/// A field of one line, trimmed, at most `max` characters.
pub fn single_line(text: &str, max: usize) -> Result<String, TextError> {
    check(TextKind::SingleLine, text, max)
}

/// A name shown to others (a person, a team, an organisation): one line, trimmed, at most
/// `max` characters, with no direction controls.
pub fn name(text: &str, max: usize) -> Result<String, TextError> {
    check(TextKind::Name, text, max)
}

/// A field of several lines, trimmed, line endings made LF, at most `max` characters.
pub fn multi_line(text: &str, max: usize) -> Result<String, TextError> {
    check(TextKind::MultiLine, text, max)
}

/// Whether `text` holds a NUL, which no field accepts.
pub fn has_nul(text: &str) -> bool {
    text.contains('\0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_is_trimmed_and_kept() {
        assert_eq!(
            single_line("  Civic Centre ", 50),
            Ok("Civic Centre".into())
        );
        assert_eq!(
            name(" Aïcha O'Brien-Ngũgĩ ", 50),
            Ok("Aïcha O'Brien-Ngũgĩ".into())
        );
        assert_eq!(name("שלום עליכם", 50), Ok("שלום עליכם".into()));
        assert_eq!(single_line("   ", 50), Ok(String::new()));
    }

    #[test]
    fn nul_is_refused_in_every_kind() {
        for kind in [TextKind::SingleLine, TextKind::Name, TextKind::MultiLine] {
            assert_eq!(check(kind, "w\0", 50), Err(TextError::Nul), "{kind:?}");
            assert_eq!(check(kind, "\0", 50), Err(TextError::Nul), "{kind:?}");
        }
    }

    #[test]
    fn control_characters_are_refused() {
        assert_eq!(
            single_line("a\u{1b}[31mb", 50),
            Err(TextError::Control('\u{1b}'))
        );
        assert_eq!(multi_line("a\u{7}b", 50), Err(TextError::Control('\u{7}')));
        assert_eq!(name("a\u{9b}b", 50), Err(TextError::Control('\u{9b}')));
    }

    #[test]
    fn line_breaks_only_where_a_field_takes_several_lines() {
        assert_eq!(single_line("a\nb", 50), Err(TextError::LineBreak));
        assert_eq!(single_line("a\r\nb", 50), Err(TextError::LineBreak));
        assert_eq!(single_line("a\tb", 50), Err(TextError::LineBreak));
        assert_eq!(name("a\u{2028}b", 50), Err(TextError::LineBreak));
        assert_eq!(multi_line("a\nb\tc", 50), Ok("a\nb\tc".into()));
        assert_eq!(
            multi_line("one\r\ntwo\rthree\n", 50),
            Ok("one\ntwo\nthree".into())
        );
        assert_eq!(
            multi_line("a\u{2028}b", 50),
            Err(TextError::Control('\u{2028}'))
        );
    }

    #[test]
    fn direction_controls_are_refused_in_names_only() {
        for c in [
            '\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}', '\u{200E}', '\u{200F}',
        ] {
            let s = format!("evil{c}gnp.exe");
            assert_eq!(name(&s, 50), Err(TextError::Bidi(c)));
        }
        assert!(single_line("abc\u{202E}def", 50).is_ok());
        assert!(multi_line("abc\u{200F}def", 50).is_ok());
    }

    #[test]
    fn length_is_counted_in_characters_after_trimming() {
        assert_eq!(name(&"é".repeat(5), 5), Ok("é".repeat(5)));
        assert_eq!(name(&"é".repeat(6), 5), Err(TextError::TooLong { max: 5 }));
        assert_eq!(
            single_line(&format!("  {}  ", "x".repeat(5)), 5).map(|s| s.len()),
            Ok(5)
        );
        // CR LF counts as one character once made LF.
        assert_eq!(multi_line("ab\r\ncd", 5), Ok("ab\ncd".into()));
    }

    #[test]
    fn messages_name_the_field_and_what_to_do_never_the_text() {
        let m = TextError::Nul.message("The name");
        assert!(m.starts_with("The name contains a NUL character"), "{m}");
        assert!(m.ends_with("type the text again."), "{m}");
        let m = TextError::Bidi('\u{202E}').message("The name");
        assert!(m.contains("U+202E") && m.contains("delete it"), "{m}");
        assert_eq!(
            TextError::LineBreak.message("The title"),
            "The title must fit on one line: take out the line breaks and tabs."
        );
        assert_eq!(
            TextError::TooLong { max: 3 }.message("The team"),
            "The team can be at most 3 characters."
        );
    }
}
