//! `SmtpMailer` against a real SMTP server (aiosmtpd), over plain text on 127.0.0.1.

use crate::common::SmtpSink;
use picket_mail::{
    build_mailer, mailbox, MailError, Mailer, MailerSettings, OutgoingEmail, Secret, SmtpMailer,
    SmtpSettings, SmtpTls,
};

const FROM: &str = "Picket Branch <picket@branch.example.org>";

fn settings(port: u16) -> SmtpSettings {
    SmtpSettings {
        port: Some(port),
        tls: SmtpTls::None,
        timeout_secs: 10,
        ..SmtpSettings::new("127.0.0.1", FROM)
    }
}

#[tokio::test]
async fn delivers_utf8_plain_text_with_all_headers() {
    let sink = SmtpSink::start();
    let mailer = build_mailer(&MailerSettings::Smtp(settings(sink.port))).expect("build");
    assert_eq!(
        mailer.describe(),
        format!("smtp 127.0.0.1:{} (no tls)", sink.port)
    );
    let email = OutgoingEmail::new(
        "Ana Rees <ana@example.org>",
        "Strike day 3 — rota for Tuesday ✊",
        "Thanks for joining the picket.\nStrike pay is £50 a day.\n",
    )
    .with_reply_to("organiser@branch.example.org");

    mailer.send(&email).await.expect("send");

    let received = sink.received();
    assert_eq!(received.len(), 1);
    let m = &received[0];
    assert_eq!(
        m.subject.as_deref(),
        Some("Strike day 3 — rota for Tuesday ✊")
    );
    assert_eq!(
        m.text_body().as_deref(),
        Some("Thanks for joining the picket.\nStrike pay is £50 a day.")
    );
    assert_eq!(m.html, None);
    assert_eq!(m.content_type, "text/plain");
    assert_eq!(m.charsets, [Some("utf-8".to_string())]);
    assert_eq!(m.from.as_deref(), Some(FROM));
    assert_eq!(m.to.as_deref(), Some("Ana Rees <ana@example.org>"));
    assert_eq!(m.reply_to.as_deref(), Some("organiser@branch.example.org"));
    let id = m.message_id.as_deref().expect("Message-ID");
    assert!(
        id.starts_with('<') && id.ends_with("@branch.example.org>"),
        "{id}"
    );
    assert!(m.date_valid, "Date: {:?}", m.date);
    assert_eq!(m.mime_version.as_deref(), Some("1.0"));
    assert_eq!(m.mail_from.as_deref(), Some("picket@branch.example.org"));
    assert_eq!(
        m.rcpt_tos,
        ["ana@example.org"],
        "Reply-To is not a recipient"
    );
    assert!(m.defects.is_empty(), "{:?}", m.defects);
    assert!(m.crlf_only);
    assert!(!m.header_names.iter().any(|h| h.eq_ignore_ascii_case("bcc")));
}

#[tokio::test]
async fn html_goes_as_multipart_alternative() {
    let sink = SmtpSink::start();
    let mailer = SmtpMailer::new(&settings(sink.port)).expect("build");
    let email = OutgoingEmail::new("ana@example.org", "Solidarity wall", "Plain words.")
        .with_html("<p>Rich <strong>words</strong> — £</p>");

    mailer.send(&email).await.expect("send");

    let m = &sink.received()[0];
    assert_eq!(m.content_type, "multipart/alternative");
    assert_eq!(m.text_body().as_deref(), Some("Plain words."));
    assert_eq!(
        m.html_body().as_deref(),
        Some("<p>Rich <strong>words</strong> — £</p>")
    );
    assert_eq!(
        m.charsets,
        [Some("utf-8".to_string()), Some("utf-8".to_string())]
    );
    assert!(m.defects.is_empty(), "{:?}", m.defects);
}

/// A supporter's letter to a target: To the target, Reply-To the supporter whose name has
/// non-ASCII letters, a comma and quotes; and a mailing with a one-click unsubscribe link.
#[tokio::test]
async fn reply_to_a_named_supporter_and_list_unsubscribe_arrive_intact() {
    let sink = SmtpSink::start();
    let mailer = SmtpMailer::new(&settings(sink.port)).expect("build");
    let to = mailbox("Dr Jo Bloggs", "ceo@council.example").unwrap();
    let supporter = mailbox("O'Brien, Aïcha \"Ace\" Ngũgĩ", "aicha@example.org").unwrap();
    let letter = OutgoingEmail::new(
        to,
        "Settle the dispute — from Aïcha",
        "Dear Chief Executive,\n",
    )
    .with_reply_to(supporter);
    mailer.send(&letter).await.expect("send the letter");
    let mailing = OutgoingEmail::new("aicha@example.org", "Strike news", "News.")
        .with_list_unsubscribe("https://picket.example/unsubscribe/abc123");
    mailer.send(&mailing).await.expect("send the mailing");

    let received = sink.received();
    let m = &received[0];
    assert_eq!(m.to.as_deref(), Some("Dr Jo Bloggs <ceo@council.example>"));
    assert_eq!(
        m.rcpt_tos,
        ["ceo@council.example"],
        "Reply-To is not a recipient"
    );
    assert_eq!(
        m.reply_to.as_deref(),
        Some("\"O'Brien, Aïcha \\\"Ace\\\" Ngũgĩ\" <aicha@example.org>"),
        "{}",
        m.raw
    );
    assert_eq!(
        m.subject.as_deref(),
        Some("Settle the dispute — from Aïcha")
    );
    assert_eq!(m.list_unsubscribe, None);
    assert!(m.defects.is_empty(), "{:?}", m.defects);
    let m = &received[1];
    assert_eq!(
        m.list_unsubscribe.as_deref(),
        Some("<https://picket.example/unsubscribe/abc123>")
    );
    assert_eq!(
        m.list_unsubscribe_post.as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    assert!(m.defects.is_empty(), "{:?}", m.defects);
}

/// An unsubscribe link that is not one https or mailto address is refused, not sent.
#[tokio::test]
async fn a_bad_unsubscribe_link_is_refused() {
    let sink = SmtpSink::start();
    let mailer = SmtpMailer::new(&settings(sink.port)).expect("build");
    for link in [
        "javascript:alert(1)",
        "https://a.example>, <https://b.example",
    ] {
        let email =
            OutgoingEmail::new("aicha@example.org", "News", "News.").with_list_unsubscribe(link);
        let err = mailer.send(&email).await.unwrap_err();
        assert!(err.is_permanent(), "{err}");
    }
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn sends_several_in_order_through_one_mailer() {
    let sink = SmtpSink::start();
    let mailer = SmtpMailer::new(&settings(sink.port)).expect("build");
    mailer.check_connection().await.expect("the server answers");
    for n in 1..=3 {
        let email = OutgoingEmail::new(
            format!("member{n}@example.org"),
            format!("Ballot reminder {n}"),
            "Post it today.",
        );
        mailer.send(&email).await.expect("send");
    }
    let subjects: Vec<_> = sink
        .received()
        .into_iter()
        .map(|m| m.subject.unwrap_or_default())
        .collect();
    assert_eq!(
        subjects,
        [
            "Ballot reminder 1",
            "Ballot reminder 2",
            "Ballot reminder 3"
        ]
    );
}

#[tokio::test]
async fn authenticates_when_credentials_are_set() {
    let sink = SmtpSink::with_auth("picket", "correct horse");
    let mut s = settings(sink.port);
    s.username = Some("picket".into());
    s.password = Some(Secret::new("correct horse"));
    let mailer = SmtpMailer::new(&s).expect("build");
    assert!(!format!("{mailer:?} {}", mailer.describe()).contains("correct horse"));

    mailer
        .send(&OutgoingEmail::new("ana@example.org", "Signed in", "ok"))
        .await
        .expect("send");

    let received = sink.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].authenticated_as.as_deref(), Some("picket"));
}

#[tokio::test]
async fn bad_or_missing_credentials_are_retried_not_dropped() {
    let sink = SmtpSink::with_auth("picket", "correct horse");
    let email = OutgoingEmail::new("ana@example.org", "Hello", "ok");

    let mut wrong = settings(sink.port);
    wrong.username = Some("picket".into());
    wrong.password = Some(Secret::new("battery staple"));
    let err = SmtpMailer::new(&wrong)
        .unwrap()
        .send(&email)
        .await
        .expect_err("wrong password");
    assert!(matches!(err, MailError::Transport(_)), "{err:?}");
    assert!(
        !err.is_permanent(),
        "an operator can fix the password; keep the mail: {err}"
    );
    assert!(err.to_string().contains("535"), "{err}");

    let err = SmtpMailer::new(&settings(sink.port))
        .unwrap()
        .send(&email)
        .await
        .expect_err("no login");
    assert!(!err.is_permanent(), "{err}");
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn a_5xx_rejection_is_permanent_and_redacted() {
    let sink = SmtpSink::start();
    let mailer = SmtpMailer::new(&settings(sink.port)).expect("build");

    let err = mailer
        .send(&OutgoingEmail::new("reject-me@example.org", "Hello", "ok"))
        .await
        .expect_err("the server refuses this recipient");

    assert!(matches!(err, MailError::Permanent(_)), "{err:?}");
    assert!(err.is_permanent());
    let text = err.to_string();
    assert!(text.contains("550"), "{text}");
    assert!(
        !text.contains("reject-me@"),
        "the address must not reach logs: {text}"
    );
    assert!(text.contains("r***@example.org"), "{text}");
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn a_4xx_reply_is_temporary() {
    let sink = SmtpSink::start();
    let mailer = SmtpMailer::new(&settings(sink.port)).expect("build");
    let err = mailer
        .send(&OutgoingEmail::new("defer@example.org", "Hello", "ok"))
        .await
        .expect_err("the server defers this recipient");
    assert!(matches!(err, MailError::Transport(_)), "{err:?}");
    assert!(err.to_string().contains("451"), "{err}");
}

#[tokio::test]
async fn a_refused_connection_is_temporary() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mailer = SmtpMailer::new(&settings(port)).expect("build");
    let err = mailer
        .send(&OutgoingEmail::new("ana@example.org", "Hello", "ok"))
        .await
        .expect_err("nobody is listening");
    assert!(matches!(err, MailError::Transport(_)), "{err:?}");
    assert!(mailer.check_connection().await.is_err());
}

#[tokio::test]
async fn invalid_addresses_fail_before_connecting() {
    // No server: the address check must come first, and it is permanent.
    let mailer = SmtpMailer::new(&settings(9)).expect("build");
    let err = mailer
        .send(&OutgoingEmail::new("not-an-address", "Hello", "ok"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, MailError::InvalidAddress { field: "to", .. }),
        "{err:?}"
    );
    assert!(err.is_permanent());
}

#[tokio::test]
async fn a_connection_cut_after_the_message_went_may_have_delivered_it() {
    let sink = SmtpSink::start();
    let mailer = SmtpMailer::new(&settings(sink.port)).expect("build");
    let err = mailer
        .send(&OutgoingEmail::new("drop-me@example.org", "Hello", "ok"))
        .await
        .expect_err("the server hangs up before saying it took the message");
    assert!(matches!(err, MailError::Interrupted(_)), "{err:?}");
    assert!(err.may_have_arrived() && !err.is_permanent(), "{err}");
    assert_eq!(sink.received().len(), 1, "and it did arrive");
}

#[tokio::test]
async fn a_busy_server_takes_the_message_on_the_second_try() {
    let sink = SmtpSink::start();
    let mailer = SmtpMailer::new(&settings(sink.port)).expect("build");
    let email = OutgoingEmail::new("busy-ana@example.org", "Hello", "ok");
    let err = mailer.send(&email).await.expect_err("451 the first time");
    assert!(matches!(err, MailError::Transport(_)), "{err:?}");
    assert!(!err.may_have_arrived(), "{err}");
    mailer.send(&email).await.expect("accepted the second time");
    assert_eq!(sink.received().len(), 1);
}
