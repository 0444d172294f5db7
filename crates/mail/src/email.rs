//! The message Picket hands to a mailer, and the redaction that keeps addresses out of logs.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One email to one recipient, as the outbox stores it.
///
/// `to` and `reply_to` take either a bare address (`ana@example.org`) or a mailbox with a
/// display name (`Ana Rees <ana@example.org>`). `Debug` shows only the subject and a redacted
/// recipient, so the value can be logged without leaking personal data.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingEmail {
    /// The recipient.
    pub to: String,
    /// The subject line. Line breaks are folded to spaces when the message is built.
    pub subject: String,
    /// The plain-text body; always sent.
    pub text: String,
    /// An HTML alternative; when present the message is `multipart/alternative`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// Where replies should go, when not to the sender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    /// The link that stops further mail of this kind (`List-Unsubscribe`). An `https` link
    /// also gets `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058), so a mail
    /// program can unsubscribe with one click.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_unsubscribe: Option<String>,
}

impl OutgoingEmail {
    /// A plain-text message with no HTML part and no Reply-To.
    pub fn new(to: impl Into<String>, subject: impl Into<String>, text: impl Into<String>) -> Self {
        OutgoingEmail {
            to: to.into(),
            subject: subject.into(),
            text: text.into(),
            html: None,
            reply_to: None,
            list_unsubscribe: None,
        }
    }

    /// Adds an HTML alternative to the text body.
    pub fn with_html(mut self, html: impl Into<String>) -> Self {
        self.html = Some(html.into());
        self
    }

    /// Sets the Reply-To address.
    pub fn with_reply_to(mut self, reply_to: impl Into<String>) -> Self {
        self.reply_to = Some(reply_to.into());
        self
    }

    /// Sets the unsubscribe link (`https://…` or `mailto:…`).
    pub fn with_list_unsubscribe(mut self, link: impl Into<String>) -> Self {
        self.list_unsubscribe = Some(link.into());
        self
    }
}

/// A mailbox for `to` or `reply_to` from a person's name and address, with the name quoted or
/// encoded as the standard needs (`"O'Brien, Aïcha" <a@example.org>`), so a name with a comma,
/// quotes or non-ASCII letters can never be read as another address.
pub fn mailbox(name: &str, address: &str) -> Result<String, crate::MailError> {
    let email = address.trim().parse::<lettre::Address>().map_err(|e| {
        crate::MailError::InvalidAddress {
            field: "to",
            redacted: redact_address(address),
            reason: e.to_string(),
        }
    })?;
    let name = name.replace(['\r', '\n'], " ");
    let name = name.trim();
    Ok(
        lettre::message::Mailbox::new((!name.is_empty()).then(|| name.to_string()), email)
            .to_string(),
    )
}

impl fmt::Debug for OutgoingEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutgoingEmail")
            .field("to", &redact_address(&self.to))
            .field("subject", &self.subject)
            .field("text", &format_args!("<{} bytes>", self.text.len()))
            .field(
                "html",
                &self.html.as_ref().map(|h| format!("<{} bytes>", h.len())),
            )
            .field("reply_to", &self.reply_to.as_deref().map(redact_address))
            .field("list_unsubscribe", &self.list_unsubscribe.is_some())
            .finish()
    }
}

/// Redacts an address for logs: `Ana Rees <ana@example.org>` becomes `a***@example.org`.
///
/// The display name is dropped, the local part keeps only its first character, and the domain
/// is kept (it says which provider refused a message without saying who). Text with no `@`
/// becomes `***`.
pub fn redact_address(address: &str) -> String {
    // A mailbox with a display name: only the part in angle brackets is an address.
    let address = match (address.rfind('<'), address.rfind('>')) {
        (Some(open), Some(close)) if open < close => &address[open + 1..close],
        _ => address,
    };
    let address = address.trim();
    match address.rsplit_once('@') {
        Some((local, domain)) => match local.chars().next() {
            Some(first) => format!("{first}***@{domain}"),
            None => format!("***@{domain}"),
        },
        None => "***".to_string(),
    }
}

/// Redacts every address-like word in free text, such as an SMTP server's reply
/// (`550 <ana@example.org>: unknown user`), before it goes into an error that may be logged.
pub(crate) fn redact_text(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            if word.contains('@') {
                let trimmed = word.trim_matches(|c: char| {
                    matches!(c, '<' | '>' | ':' | ',' | ';' | '"' | '\'' | '(' | ')')
                });
                word.replace(trimmed, &redact_address(trimmed))
            } else {
                word.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_bare_and_named_addresses() {
        assert_eq!(redact_address("ana@example.org"), "a***@example.org");
        assert_eq!(
            redact_address("Ana Rees <ana@example.org>"),
            "a***@example.org"
        );
        assert_eq!(redact_address(" bob@Example.ORG "), "b***@Example.ORG");
        assert_eq!(redact_address("@example.org"), "***@example.org");
        assert_eq!(redact_address("no address here"), "***");
        assert_eq!(
            redact_address("Ãna@example.org"),
            "Ã***@example.org",
            "multi-byte first char"
        );
    }

    #[test]
    fn debug_hides_recipient_and_body() {
        let email = OutgoingEmail::new(
            "Ana Rees <ana.rees@example.org>",
            "Your picket shift",
            "secret body text",
        )
        .with_html("<p>secret html</p>")
        .with_reply_to("organiser@branch.example.org");
        let shown = format!("{email:?}");
        assert!(shown.contains("Your picket shift"), "{shown}");
        assert!(shown.contains("a***@example.org"), "{shown}");
        assert!(shown.contains("o***@branch.example.org"), "{shown}");
        for leak in [
            "ana.rees",
            "Ana Rees",
            "secret body",
            "secret html",
            "organiser@",
        ] {
            assert!(!shown.contains(leak), "Debug leaked {leak:?}: {shown}");
        }
        // Pretty Debug goes through the same impl.
        assert!(!format!("{email:#?}").contains("ana.rees"));
    }

    #[test]
    fn redacts_addresses_inside_server_replies() {
        assert_eq!(
            redact_text("550 5.1.1 <ana@example.org>: Recipient address rejected"),
            "550 5.1.1 <a***@example.org>: Recipient address rejected"
        );
        assert_eq!(redact_text("no addresses"), "no addresses");
    }

    #[test]
    fn serde_round_trip_and_optional_fields() {
        let email = OutgoingEmail::new("ana@example.org", "Hi", "Body");
        let json = serde_json::to_string(&email).unwrap();
        assert_eq!(
            json,
            r#"{"to":"ana@example.org","subject":"Hi","text":"Body"}"#
        );
        let back: OutgoingEmail = serde_json::from_str(&json).unwrap();
        assert_eq!(back, email);
        let full = email
            .with_html("<p>Body</p>")
            .with_reply_to("rep@example.org");
        let back: OutgoingEmail =
            serde_json::from_str(&serde_json::to_string(&full).unwrap()).unwrap();
        assert_eq!(back, full);
    }
}
