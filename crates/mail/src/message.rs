//! Turning an [`OutgoingEmail`] into an RFC 5322 message, shared by the SMTP and file mailers.

use crate::email::{redact_address, OutgoingEmail};
use crate::error::MailError;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::Message;

/// Parses one mailbox (`ana@example.org` or `Ana <ana@example.org>`), naming the field on error.
pub(crate) fn parse_mailbox(field: &'static str, value: &str) -> Result<Mailbox, MailError> {
    value
        .trim()
        .parse::<Mailbox>()
        .map_err(|e| MailError::InvalidAddress {
            field,
            redacted: redact_address(value),
            reason: e.to_string(),
        })
}

/// The checked addresses of a message.
pub(crate) struct Addresses {
    /// The recipient.
    pub to: Mailbox,
    /// The Reply-To mailbox, if any.
    pub reply_to: Option<Mailbox>,
}

/// Checks the addresses every mailer must refuse alike.
pub(crate) fn validate(email: &OutgoingEmail) -> Result<Addresses, MailError> {
    Ok(Addresses {
        to: parse_mailbox("to", &email.to)?,
        reply_to: email
            .reply_to
            .as_deref()
            .map(|r| parse_mailbox("reply_to", r))
            .transpose()?,
    })
}

/// Builds the full message: From, To, Subject, Reply-To, Message-ID, Date, MIME-Version and a
/// UTF-8 `text/plain` body, or `multipart/alternative` when there is HTML.
pub(crate) fn build_message(from: &Mailbox, email: &OutgoingEmail) -> Result<Message, MailError> {
    let Addresses { to, reply_to } = validate(email)?;
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(one_line(&email.subject))
        .message_id(Some(message_id(from)))
        .date_now();
    if let Some(reply_to) = reply_to {
        builder = builder.reply_to(reply_to);
    }
    if let Some(link) = &email.list_unsubscribe {
        let link = one_line(link);
        if link.contains(['<', '>', ','])
            || !(link.starts_with("https://") || link.starts_with("mailto:"))
        {
            return Err(MailError::Permanent(
                "the unsubscribe link must be one https:// or mailto: address".into(),
            ));
        }
        if link.starts_with("https://") {
            builder = builder.header(ListUnsubscribePost);
        }
        builder = builder.header(ListUnsubscribe(link));
    }
    let built = match &email.html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            email.text.clone(),
            html.clone(),
        )),
        None => builder.singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(email.text.clone()),
        ),
    };
    built.map_err(|e| MailError::Permanent(format!("could not build the message: {e}")))
}

/// `List-Unsubscribe: <link>` (RFC 2369).
#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(
            s.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string(),
        ))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".into())
    }
}

/// A globally unique Message-ID under the sender's own domain (not this host's name, which
/// would tell the world about the server).
fn message_id(from: &Mailbox) -> String {
    let nanos = chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default();
    let random: u64 = rand::random();
    format!("<{nanos:x}.{random:016x}@{}>", from.email.domain())
}

/// Folds line breaks out of a header value, so a subject can never start a new header.
fn one_line(value: &str) -> String {
    value
        .split(['\r', '\n'])
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from() -> Mailbox {
        "Picket <picket@branch.example.org>".parse().unwrap()
    }

    fn formatted(email: &OutgoingEmail) -> String {
        String::from_utf8(build_message(&from(), email).unwrap().formatted()).unwrap()
    }

    #[test]
    fn plain_message_has_every_header() {
        let eml = formatted(
            &OutgoingEmail::new("Ana <ana@example.org>", "Rota", "See you at 7.")
                .with_reply_to("rep@example.org"),
        );
        let headers = eml.split("\r\n\r\n").next().unwrap();
        for name in [
            "From: ",
            "To: ",
            "Subject: Rota",
            "Reply-To: ",
            "Message-ID: <",
            "Date: ",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
        ] {
            assert!(headers.contains(name), "missing {name:?} in\n{headers}");
        }
        assert!(
            headers.contains("@branch.example.org>\r\n"),
            "Message-ID uses the sender's domain:\n{headers}"
        );
        assert!(eml.contains("See you at 7."));
    }

    #[test]
    fn html_makes_multipart_alternative() {
        let eml = formatted(
            &OutgoingEmail::new("ana@example.org", "Rota", "text part")
                .with_html("<p>html part</p>"),
        );
        assert!(
            eml.contains("Content-Type: multipart/alternative;"),
            "{eml}"
        );
        assert!(
            eml.contains("Content-Type: text/plain; charset=utf-8"),
            "{eml}"
        );
        assert!(
            eml.contains("Content-Type: text/html; charset=utf-8"),
            "{eml}"
        );
    }

    #[test]
    fn subject_cannot_inject_headers() {
        let eml = formatted(&OutgoingEmail::new(
            "ana@example.org",
            "Hi\r\nBcc: evil@example.com\nX-Evil: 1",
            "body",
        ));
        assert!(!eml.contains("\r\nBcc:"), "{eml}");
        assert!(!eml.contains("\nX-Evil:"), "{eml}");
        assert!(
            eml.contains("Subject: Hi Bcc: evil@example.com X-Evil: 1\r\n"),
            "{eml}"
        );
    }

    #[test]
    fn message_ids_are_unique() {
        assert_ne!(message_id(&from()), message_id(&from()));
    }

    #[test]
    fn bad_addresses_name_their_field() {
        let err = validate(&OutgoingEmail::new("nobody", "s", "t"))
            .err()
            .unwrap();
        assert!(
            matches!(err, MailError::InvalidAddress { field: "to", .. }),
            "{err}"
        );
        let err = validate(&OutgoingEmail::new("a@example.org", "s", "t").with_reply_to("x@"))
            .err()
            .unwrap();
        assert!(
            matches!(
                err,
                MailError::InvalidAddress {
                    field: "reply_to",
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.is_permanent());
        let err = validate(&OutgoingEmail::new(
            "a@example.org, b@example.org",
            "s",
            "t",
        ))
        .err()
        .unwrap();
        assert!(
            matches!(err, MailError::InvalidAddress { field: "to", .. }),
            "one recipient only: {err}"
        );
    }
}
