//! A mailer that keeps messages in memory, for tests (including retry tests).

use crate::email::OutgoingEmail;
use crate::error::MailError;
use crate::message::validate;
use crate::Mailer;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::Notify;

/// A [`Mailer`] that records what it is asked to send.
///
/// It validates addresses like the real mailers, and can be told to fail the next few sends
/// temporarily ([`fail_next`](Self::fail_next)) or permanently
/// ([`reject_next`](Self::reject_next)) to exercise the outbox's retry logic.
#[derive(Debug, Default)]
pub struct MemoryMailer {
    state: Mutex<State>,
    delivered: Notify,
}

#[derive(Debug, Default)]
struct State {
    sent: Vec<OutgoingEmail>,
    attempts: usize,
    fail_next: usize,
    reject_next: usize,
}

impl MemoryMailer {
    /// An empty mailer that sends successfully.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A test that panicked while holding the lock leaves valid data behind.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The messages sent so far, oldest first.
    pub fn sent(&self) -> Vec<OutgoingEmail> {
        self.state().sent.clone()
    }

    /// Removes and returns the messages sent so far, oldest first.
    pub fn take(&self) -> Vec<OutgoingEmail> {
        std::mem::take(&mut self.state().sent)
    }

    /// How many times [`Mailer::send`] was called, whether it succeeded or not.
    pub fn attempts(&self) -> usize {
        self.state().attempts
    }

    /// Makes the next `n` sends fail with a temporary [`MailError::Transport`].
    pub fn fail_next(&self, n: usize) {
        self.state().fail_next = n;
    }

    /// Makes the next `n` sends fail with a [`MailError::Permanent`] rejection.
    /// Temporary failures set with [`fail_next`](Self::fail_next) come first.
    pub fn reject_next(&self, n: usize) {
        self.state().reject_next = n;
    }

    /// Waits until at least `count` messages have been sent or `timeout` passes, then returns
    /// the messages sent so far (check the length: a timeout is not an error here).
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<OutgoingEmail> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            // Register interest before looking, so a send between the two is not missed.
            let delivered = self.delivered.notified();
            tokio::pin!(delivered);
            delivered.as_mut().enable();
            let sent = self.sent();
            if sent.len() >= count || tokio::time::timeout_at(deadline, delivered).await.is_err() {
                return if sent.len() >= count {
                    sent
                } else {
                    self.sent()
                };
            }
        }
    }
}

#[async_trait::async_trait]
impl Mailer for MemoryMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<(), MailError> {
        let mut state = self.state();
        state.attempts += 1;
        validate(email)?;
        if state.fail_next > 0 {
            state.fail_next -= 1;
            return Err(MailError::Transport(
                "memory mailer: simulated temporary failure".into(),
            ));
        }
        if state.reject_next > 0 {
            state.reject_next -= 1;
            return Err(MailError::Permanent(
                "memory mailer: simulated rejection".into(),
            ));
        }
        state.sent.push(email.clone());
        drop(state);
        self.delivered.notify_waiters();
        Ok(())
    }

    fn describe(&self) -> String {
        "memory".to_string()
    }
}
