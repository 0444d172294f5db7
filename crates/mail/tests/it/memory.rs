//! `MemoryMailer` records messages and fails on request, for retry tests elsewhere.

use picket_mail::{MailError, Mailer, MemoryMailer, OutgoingEmail};
use std::sync::Arc;
use std::time::Duration;

fn email(n: usize) -> OutgoingEmail {
    OutgoingEmail::new(
        format!("member{n}@example.org"),
        format!("Notice {n}"),
        "Text",
    )
}

#[tokio::test]
async fn records_and_takes_messages() {
    let mailer = MemoryMailer::new();
    assert_eq!(mailer.describe(), "memory");
    mailer.send(&email(1)).await.unwrap();
    mailer.send(&email(2)).await.unwrap();
    assert_eq!(mailer.sent(), [email(1), email(2)]);
    assert_eq!(mailer.sent().len(), 2, "sent() does not drain");
    assert_eq!(mailer.take(), [email(1), email(2)]);
    assert!(mailer.sent().is_empty(), "take() drains");
    assert_eq!(mailer.attempts(), 2);
}

#[tokio::test]
async fn fails_the_next_n_sends_then_recovers() {
    let mailer = MemoryMailer::new();
    mailer.fail_next(2);
    for _ in 0..2 {
        let err = mailer.send(&email(1)).await.unwrap_err();
        assert!(
            matches!(err, MailError::Transport(_)) && !err.is_permanent(),
            "{err:?}"
        );
    }
    mailer.send(&email(1)).await.expect("third try succeeds");
    assert_eq!(mailer.sent(), [email(1)]);
    assert_eq!(mailer.attempts(), 3);

    mailer.reject_next(1);
    let err = mailer.send(&email(2)).await.unwrap_err();
    assert!(err.is_permanent(), "{err:?}");
    mailer.send(&email(3)).await.unwrap();
    assert_eq!(mailer.take(), [email(1), email(3)]);
}

#[tokio::test]
async fn refuses_invalid_addresses_like_the_real_mailers() {
    let mailer = MemoryMailer::new();
    let err = mailer
        .send(&OutgoingEmail::new("nobody", "Hi", "Text"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, MailError::InvalidAddress { field: "to", .. }),
        "{err:?}"
    );
    assert!(mailer.sent().is_empty());
}

#[tokio::test]
async fn works_behind_the_trait_and_can_be_awaited() {
    let mailer = Arc::new(MemoryMailer::new());
    let as_trait: Arc<dyn Mailer> = mailer.clone();
    let sender = tokio::spawn(async move {
        for n in 0..3 {
            tokio::time::sleep(Duration::from_millis(20)).await;
            as_trait.send(&email(n)).await.unwrap();
        }
    });
    let sent = mailer.wait_for(3, Duration::from_secs(10)).await;
    assert_eq!(sent.len(), 3);
    sender.await.unwrap();

    let timed_out = mailer.wait_for(4, Duration::from_millis(50)).await;
    assert_eq!(timed_out.len(), 3, "a timeout returns what was sent");
}
