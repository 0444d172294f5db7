//! Retention: how long each kind of record is kept, and the store's part in forgetting it.
//!
//! Every kind is one [`RetentionRule`] in [`RULES`]: its settings name, its default, the
//! table, which rows are past retention (`$1` is the cutoff in Unix seconds) and what
//! happens to them (deleted, or personal columns cleared). Adding a kind is one entry there;
//! the settings (`[retention]`), `picket retention run` and the daily job pick it up.

use crate::{NewAuditEntry, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// What retention does to a row past its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetentionAction {
    /// The row is deleted.
    Delete,
    /// These assignments clear the personal columns; the row stays.
    Clear(&'static str),
}

/// One kind of record and how long it is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionRule {
    /// The kind's name: the settings key is `retention.<kind>_days`.
    pub kind: &'static str,
    /// Days kept unless the settings say otherwise (0 keeps for ever).
    pub default_days: i64,
    /// What it is, for people.
    pub about: &'static str,
    /// The table.
    pub table: &'static str,
    /// The rows past retention; `$1` is the cutoff in Unix seconds.
    pub past: &'static str,
    /// What happens to them.
    pub action: RetentionAction,
}

const fn rule(
    kind: &'static str,
    default_days: i64,
    about: &'static str,
    table: &'static str,
    past: &'static str,
    action: RetentionAction,
) -> RetentionRule {
    RetentionRule {
        kind,
        default_days,
        about,
        table,
        past,
        action,
    }
}

use RetentionAction::{Clear, Delete};

/// Every kind of record retention applies to.
#[rustfmt::skip]
pub const RULES: &[RetentionRule] = &[
    rule("wall_rejected", 30, "rejected and spam wall messages (with any email in them), days after posting", "wall_messages", "status IN ('rejected', 'spam') AND created_at < $1", Delete),
    rule("wall_contact", 30, "the email on wall messages whose sender did not agree to be contacted, days after posting", "wall_messages", "consent = 0 AND email IS NOT NULL AND created_at < $1", Clear("email = NULL")),
    rule("sessions", 1, "sessions, days after they expired", "sessions", "expires_at < $1", Delete),
    rule("login_failures", 1, "failed sign-in records (keyed hashes), days after the attempt (each new failure also drops those a day older than itself)", "login_failures", "at < $1", Delete),
    rule("audit", 2190, "audit log entries, days after the event", "audit_log", "at < $1", Delete),
    rule("magic_links", 30, "members' sign-in links (hash and times only), days after they expired", "magic_links", "expires_at < $1", Delete),
    rule("hardship_reasons", 365, "the reasons given on hardship grant applications, days after the decision (amounts and the ledger are kept)", "fund_hardship_grants", "reason IS NOT NULL AND decided_at IS NOT NULL AND decided_at < $1", Clear("reason = NULL")),
    rule("member_email_changes", 30, "members' changes of email address waiting for or done by a link (hash, new address and times), days after the link expired", "member_email_changes", "expires_at < $1", Delete),
    rule("picket_supporters", 90, "the names, emails and phone numbers of supporters and walk-ups on picket shifts, days after the shift ended (the places, their counts and presence are kept)", "picket_signups", "member_id IS NULL AND (name <> '' OR email IS NOT NULL OR phone IS NOT NULL) AND shift_id IN (SELECT s.id FROM picket_shifts s WHERE s.ends_at < $1)", Clear("name = '', email = NULL, phone = NULL")),
    rule("supporters", 180, "campaign signers' names, email addresses, postcodes and own words, days after the campaign closed (the signatures stay, so counts and hand-in totals hold; a signer who agreed to future contact is kept until they withdraw)", "eaction_signatures", "email <> '' AND eaction_id IN (SELECT e.id FROM eactions e WHERE e.is_open = 0 AND e.closed_at < $1) AND NOT EXISTS (SELECT 1 FROM supporter_consents c WHERE c.signature_id = eaction_signatures.id AND c.withdrawn_at IS NULL)", Clear("name = '', email = '', email_key = 'forgotten:' || id, postcode = '', own_words = '', confirm_hash = NULL")),
    rule("outbox_sent", 30, "sent email in the outbox (addresses and text), days after sending", "outbox", "status = 'sent' AND sent_at < $1", Delete),
];

/// The rule called `kind`.
pub fn rule_named(kind: &str) -> Option<&'static RetentionRule> {
    RULES.iter().find(|r| r.kind == kind)
}

/// Counting what retention would take.
#[async_trait]
pub trait RetentionStore: Send + Sync {
    /// How many records of `rule` are older than `cutoff`, changing nothing.
    async fn retention_due(&self, rule: &RetentionRule, cutoff: DateTime<Utc>) -> StoreResult<u64>;
}

/// Applying retention rules, within a [`UnitOfWork`](crate::UnitOfWork) that carries the
/// run's audit entry.
#[async_trait]
pub trait RetentionWrites: Send {
    /// Applies each `(rule, cutoff)`; returns the count per rule, in the order given.
    async fn apply_retention(
        &mut self,
        rules: &[(&RetentionRule, DateTime<Utc>)],
    ) -> StoreResult<Vec<u64>>;
}

/// The audit entry of a retention run: how many records of each kind went.
pub fn run_entry(rules: &[(&RetentionRule, DateTime<Utc>)], counts: &[u64]) -> NewAuditEntry {
    let detail = rules
        .iter()
        .zip(counts)
        .map(|((rule, _), n)| format!("{}={n}", rule.kind))
        .collect::<Vec<_>>()
        .join(" ");
    NewAuditEntry {
        action: "retention.run".into(),
        detail: Some(detail),
        ..NewAuditEntry::default()
    }
}
