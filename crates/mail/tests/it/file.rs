//! `FileMailer` writes complete, parseable `.eml` files, atomically.

use crate::common::parse_eml;
use picket_mail::{FileMailer, MailError, Mailer, OutgoingEmail};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
}

#[tokio::test]
async fn writes_a_parseable_eml_with_headers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mail").join("outbox");
    let mailer = FileMailer::with_from(&dir, "Picket Branch <picket@branch.example.org>")
        .expect("creates the dir");
    assert!(dir.is_dir());
    assert_eq!(mailer.describe(), format!("file {}", dir.display()));
    let long_line = "solidarity ".repeat(150);
    let email = OutgoingEmail::new(
        "Ana Rees <ana@example.org>",
        "Picket rota — week 12 ✊",
        format!("Hello Ana,\n{long_line}\n"),
    )
    .with_html(format!("<p>Hello Ana,</p><p>{long_line}</p>"))
    .with_reply_to("organiser@branch.example.org");

    mailer.send(&email).await.expect("send");

    let written = files(&dir);
    assert_eq!(written.len(), 1, "{written:?}");
    let path = &written[0];
    assert_eq!(path.extension().unwrap(), "eml");
    let raw = std::fs::read_to_string(path).unwrap();
    let headers = raw.split("\r\n\r\n").next().unwrap();
    for name in [
        "From:",
        "To:",
        "Subject:",
        "Reply-To:",
        "Message-ID:",
        "Date:",
        "MIME-Version:",
        "Content-Type:",
    ] {
        assert!(
            headers.lines().any(|l| l.starts_with(name)),
            "missing {name} in\n{headers}"
        );
    }

    let m = parse_eml(path);
    assert_eq!(m.subject.as_deref(), Some("Picket rota — week 12 ✊"));
    assert_eq!(
        m.from.as_deref(),
        Some("Picket Branch <picket@branch.example.org>")
    );
    assert_eq!(m.to.as_deref(), Some("Ana Rees <ana@example.org>"));
    assert_eq!(m.reply_to.as_deref(), Some("organiser@branch.example.org"));
    assert_eq!(m.content_type, "multipart/alternative");
    assert_eq!(
        m.text_body().as_deref(),
        Some(email.text.trim_end_matches('\n'))
    );
    assert_eq!(m.html_body(), email.html);
    assert!(
        !m.raw.contains(&long_line),
        "long lines are encoded, not sent raw"
    );
    assert!(m
        .message_id
        .as_deref()
        .unwrap()
        .ends_with("@branch.example.org>"));
    assert!(m.date_valid);
    assert_eq!(m.mime_version.as_deref(), Some("1.0"));
    assert!(m.defects.is_empty(), "{:?}", m.defects);
    assert!(m.crlf_only, "RFC 5322 lines end in CRLF");
    assert!(
        m.longest_line <= 998,
        "RFC 5322 line limit: {}",
        m.longest_line
    );
}

#[tokio::test]
async fn concurrent_sends_get_distinct_files_and_leave_no_temporaries() {
    let tmp = tempfile::tempdir().unwrap();
    let mailer = Arc::new(FileMailer::new(tmp.path()).unwrap());
    let tasks: Vec<_> = (0..20)
        .map(|n| {
            let mailer = Arc::clone(&mailer);
            tokio::spawn(async move {
                let email =
                    OutgoingEmail::new(format!("m{n}@example.org"), format!("Notice {n}"), "Text");
                mailer.send(&email).await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().expect("send");
    }
    let written = files(tmp.path());
    assert_eq!(written.len(), 20, "{written:?}");
    assert!(
        written.iter().all(|p| p.extension().unwrap() == "eml"),
        "{written:?}"
    );
    let m = parse_eml(&written[0]);
    assert_eq!(m.from.as_deref(), Some(FileMailer::DEFAULT_FROM));
    assert_eq!(m.content_type, "text/plain");
}

#[tokio::test]
async fn refuses_bad_addresses_without_writing() {
    let tmp = tempfile::tempdir().unwrap();
    let mailer = FileMailer::new(tmp.path()).unwrap();
    let err = mailer
        .send(&OutgoingEmail::new("ana@example.org", "Hi", "Text").with_reply_to("nobody"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            MailError::InvalidAddress {
                field: "reply_to",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(files(tmp.path()).is_empty());
    assert!(matches!(
        FileMailer::with_from(tmp.path(), "bad from"),
        Err(MailError::InvalidAddress { field: "from", .. })
    ));
}

#[tokio::test]
async fn an_unwritable_directory_is_an_io_error_worth_retrying() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("outbox");
    let mailer = FileMailer::new(&dir).unwrap();
    std::fs::remove_dir(&dir).unwrap();
    let err = mailer
        .send(&OutgoingEmail::new("ana@example.org", "Hi", "Text"))
        .await
        .unwrap_err();
    assert!(matches!(err, MailError::Io(_)), "{err:?}");
    assert!(!err.is_permanent());
}
