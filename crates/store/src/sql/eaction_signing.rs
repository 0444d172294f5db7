//! Signing in batches, confirming, and the delivery job's claims.
//!
//! [`EactionWrites::sign_batch`] writes many supporters' signatures with a few statements: one
//! look at each campaign named, one `INSERT … ON CONFLICT DO NOTHING RETURNING` for the
//! signatures (a row the database already holds is simply not returned: "already signed"),
//! one for their consent records, and the confirmation emails. The rows go in as one JSON
//! array ([`super::insert_json_rows`]), so the statements are the same text for any number of rows
//! and each connection prepares them once. Nothing a supporter sends can
//! make a statement fail (it was checked before it reached the batch, and conflicts are
//! handled per row), so one signature cannot spoil another's commit.

use super::decode::flag;
use super::{to_secs, SqlWork, TurnSpace};
use crate::eactions::{
    ConfirmOutcome, DueLetter, EactionWrites, NewSignature, SignOutcome, WithdrawOutcome,
};
use crate::{Backend, StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use picket_domain::eactions::{NewEaction, NewTarget, Signer, TargetReply};
use picket_domain::{BranchId, DisputeId, EactionId, PartyId, SignatureId, TargetId};
use sqlx::Row;
use std::collections::{HashMap, HashSet};

/// The columns a batch of signatures is inserted into (the keys of its JSON rows), with their
/// PostgreSQL types.
const SIGNATURE_ROWS: &[(&str, &str)] = &[
    ("branch_id", "bigint"),
    ("eaction_id", "bigint"),
    ("name", "text"),
    ("email", "text"),
    ("email_key", "text"),
    ("postcode", "text"),
    ("own_words", "text"),
    ("confirmed", "bigint"),
    ("confirm_hash", "text"),
    ("signed_at", "bigint"),
    ("confirmed_at", "bigint"),
    ("confirm_sent_at", "bigint"),
];

/// A batch's consent records as JSON rows.
const CONSENT_ROWS: &[(&str, &str)] = &[
    ("branch_id", "bigint"),
    ("signature_id", "bigint"),
    ("wording", "text"),
    ("given_at", "bigint"),
    ("unsubscribe_hash", "text"),
];

/// Deliveries claimed for a target, as JSON rows.
const DELIVERY_ROWS: &[(&str, &str)] = &[
    ("branch_id", "bigint"),
    ("signature_id", "bigint"),
    ("target_id", "bigint"),
    ("queued_at", "bigint"),
];

/// A campaign as a batch sees it.
#[derive(Clone, Copy)]
enum Campaign {
    Open { confirm: bool },
    Closed,
    Missing,
}

#[async_trait]
impl EactionWrites for SqlWork {
    async fn create_eaction(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        new: &NewEaction,
    ) -> StoreResult<EactionId> {
        self.create_eaction_on(branch, dispute, new).await
    }

    async fn update_eaction(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: EactionId,
        new: &NewEaction,
    ) -> StoreResult<()> {
        self.update_eaction_on(branch, dispute, id, new).await
    }

    async fn set_eaction_open(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: EactionId,
        open: bool,
    ) -> StoreResult<()> {
        self.set_eaction_open_on(branch, dispute, id, open).await
    }

    async fn add_target(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        eaction: EactionId,
        target: &NewTarget,
    ) -> StoreResult<TargetId> {
        self.add_target_on(branch, dispute, eaction, target).await
    }

    async fn add_party_target(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        eaction: EactionId,
        party: PartyId,
    ) -> StoreResult<TargetId> {
        self.add_party_target_on(branch, dispute, eaction, party)
            .await
    }

    async fn remove_target(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        eaction: EactionId,
        target: TargetId,
    ) -> StoreResult<()> {
        self.remove_target_on(branch, dispute, eaction, target)
            .await
    }

    async fn record_reply(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        eaction: EactionId,
        target: TargetId,
        reply: &TargetReply,
    ) -> StoreResult<()> {
        self.record_reply_on(branch, dispute, eaction, target, reply)
            .await
    }

    async fn sign_batch(
        &mut self,
        batch: &[NewSignature],
    ) -> StoreResult<Vec<StoreResult<SignOutcome>>> {
        let now = to_secs(Utc::now());
        // Each campaign named, looked at once. On PostgreSQL the row is share-locked, so a
        // campaign closed while the batch is in hand closes after it, not under it.
        let lock = match self.store.backend {
            Backend::Postgres => " FOR SHARE",
            Backend::Sqlite => "",
        };
        let mut campaigns: HashMap<(i64, i64, i64), Campaign> = HashMap::new();
        for s in batch {
            let key = (s.branch.0, s.dispute.0, s.eaction.0);
            if campaigns.contains_key(&key) {
                continue;
            }
            let row = sqlx::query(&format!(
                "SELECT is_open, confirm_email FROM eactions WHERE branch_id = $1 AND dispute_id = $2 AND id = $3{lock}"
            ))
            .bind(key.0)
            .bind(key.1)
            .bind(key.2)
            .fetch_optional(self.conn())
            .await?;
            let campaign = match row {
                None => Campaign::Missing,
                Some(row) if row.try_get::<i64, _>("is_open")? == 0 => Campaign::Closed,
                Some(row) => Campaign::Open {
                    confirm: row.try_get::<i64, _>("confirm_email")? != 0,
                },
            };
            campaigns.insert(key, campaign);
        }

        // What each signature will be, and which go into the INSERT.
        let mut outcomes: Vec<Option<StoreResult<SignOutcome>>> = Vec::with_capacity(batch.len());
        let mut seen: HashSet<(i64, String)> = HashSet::new();
        let mut to_insert: Vec<(usize, bool)> = Vec::new();
        for (i, s) in batch.iter().enumerate() {
            match campaigns[&(s.branch.0, s.dispute.0, s.eaction.0)] {
                Campaign::Missing => outcomes.push(Some(Err(StoreError::NotFound))),
                Campaign::Closed => outcomes.push(Some(Ok(SignOutcome::Closed))),
                Campaign::Open { confirm } => {
                    if seen.insert((s.eaction.0, s.signer.email_key())) {
                        outcomes.push(None);
                        to_insert.push((i, confirm && s.confirmation.is_some()));
                    } else {
                        // The same address earlier in this batch: the first one signs.
                        outcomes.push(Some(Ok(SignOutcome::AlreadySigned)));
                    }
                }
            }
        }

        let mut stored: HashMap<(i64, String), i64> = HashMap::new();
        if !to_insert.is_empty() {
            let rows: Vec<serde_json::Value> = to_insert
                .iter()
                .map(|&(i, waits)| {
                    let s = &batch[i];
                    serde_json::json!({
                        "branch_id": s.branch.0,
                        "eaction_id": s.eaction.0,
                        "name": s.signer.name,
                        "email": s.signer.email.as_str(),
                        "email_key": s.signer.email_key(),
                        "postcode": s.signer.postcode.as_str(),
                        "own_words": s.signer.own_words,
                        "confirmed": flag(!waits),
                        "confirm_hash": if waits { s.confirmation.as_ref().map(|c| c.token_hash.as_str()) } else { None },
                        "signed_at": now,
                        "confirmed_at": if waits { None } else { Some(now) },
                        "confirm_sent_at": if waits { Some(now) } else { None },
                    })
                })
                .collect();
            let sql = format!(
                "{} ON CONFLICT (eaction_id, email_key) DO NOTHING RETURNING id, eaction_id, email_key",
                super::insert_json_rows(self.store.backend, "eaction_signatures", SIGNATURE_ROWS)
            );
            for row in sqlx::query(&sql)
                .bind(super::json_rows(rows))
                .fetch_all(self.conn())
                .await?
            {
                stored.insert(
                    (row.try_get("eaction_id")?, row.try_get("email_key")?),
                    row.try_get("id")?,
                );
            }
        }

        // Consent records and confirmation emails, for the signatures just stored.
        let mut consents: Vec<(i64, i64, &str, Option<&str>)> = Vec::new();
        for &(i, waits) in &to_insert {
            let s = &batch[i];
            outcomes[i] = Some(Ok(match stored.get(&(s.eaction.0, s.signer.email_key())) {
                None if waits => self.confirm_again(s, now).await?,
                None => SignOutcome::AlreadySigned,
                Some(&id) => {
                    if let Some(wording) = &s.consent {
                        consents.push((s.branch.0, id, wording, unsubscribe_hash(s)));
                    }
                    if waits {
                        SignOutcome::AwaitingConfirmation {
                            id: SignatureId(id),
                        }
                    } else {
                        SignOutcome::Signed {
                            id: SignatureId(id),
                        }
                    }
                }
            }));
        }
        if !consents.is_empty() {
            let rows: Vec<serde_json::Value> = consents
                .iter()
                .map(|&(branch, id, wording, unsubscribe)| {
                    serde_json::json!({
                        "branch_id": branch,
                        "signature_id": id,
                        "wording": wording,
                        "given_at": now,
                        "unsubscribe_hash": unsubscribe,
                    })
                })
                .collect();
            let sql =
                super::insert_json_rows(self.store.backend, "supporter_consents", CONSENT_ROWS);
            sqlx::query(&sql)
                .bind(super::json_rows(rows))
                .execute(self.conn())
                .await?;
        }
        for &(i, waits) in &to_insert {
            if waits
                && matches!(
                    outcomes[i],
                    Some(Ok(SignOutcome::AwaitingConfirmation { .. }))
                )
            {
                if let Some(confirmation) = &batch[i].confirmation {
                    super::outbox::enqueue_email_on(self.conn(), confirmation.email.clone())
                        .await?;
                }
            }
        }
        Ok(outcomes
            .into_iter()
            .map(|o| o.unwrap_or(Err(StoreError::NotFound)))
            .collect())
    }

    async fn confirm_signature(&mut self, token_hash: &str) -> StoreResult<ConfirmOutcome> {
        let now = to_secs(Utc::now());
        let confirmed: Option<i64> = sqlx::query_scalar(
            "UPDATE eaction_signatures SET confirmed = 1, confirmed_at = $1 \
             WHERE confirm_hash = $2 AND confirmed = 0 RETURNING eaction_id",
        )
        .bind(now)
        .bind(token_hash)
        .fetch_optional(self.conn())
        .await?;
        if let Some(id) = confirmed {
            return Ok(ConfirmOutcome::Confirmed(EactionId(id)));
        }
        let known: Option<i64> =
            sqlx::query_scalar("SELECT eaction_id FROM eaction_signatures WHERE confirm_hash = $1")
                .bind(token_hash)
                .fetch_optional(self.conn())
                .await?;
        Ok(known.map_or(ConfirmOutcome::Unknown, |id| {
            ConfirmOutcome::AlreadyConfirmed(EactionId(id))
        }))
    }

    async fn withdraw_consent(
        &mut self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<WithdrawOutcome> {
        let row = sqlx::query(
            "UPDATE supporter_consents SET withdrawn_at = $1 \
             WHERE unsubscribe_hash = $2 AND withdrawn_at IS NULL RETURNING branch_id, signature_id",
        )
        .bind(to_secs(now))
        .bind(token_hash)
        .fetch_optional(self.conn())
        .await?;
        if let Some(row) = row {
            return Ok(WithdrawOutcome::Withdrawn {
                branch: BranchId(row.try_get("branch_id")?),
                signature: SignatureId(row.try_get("signature_id")?),
            });
        }
        let known: Option<i64> =
            sqlx::query_scalar("SELECT id FROM supporter_consents WHERE unsubscribe_hash = $1")
                .bind(token_hash)
                .fetch_optional(self.conn())
                .await?;
        Ok(match known {
            Some(_) => WithdrawOutcome::AlreadyWithdrawn,
            None => WithdrawOutcome::Unknown,
        })
    }

    async fn claim_letters(
        &mut self,
        branch: BranchId,
        target: TargetId,
        per_hour: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<DueLetter>> {
        self.take_target_turn(target).await?;
        let eaction = self.target_eaction(branch, target).await?;
        let sent: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM eaction_deliveries WHERE target_id = $1 AND queued_at > $2",
        )
        .bind(target.0)
        .bind(to_secs(now) - 3600)
        .fetch_one(self.conn())
        .await?;
        let allowance = i64::from(per_hour) - sent;
        if allowance <= 0 {
            return Ok(Vec::new());
        }
        self.claim_undelivered(branch, eaction, target, Some(allowance), now)
            .await
    }

    async fn claim_digest(
        &mut self,
        branch: BranchId,
        target: TargetId,
        day: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<DueLetter>> {
        self.take_target_turn(target).await?;
        let eaction = self.target_eaction(branch, target).await?;
        let day_text = day.format("%Y-%m-%d").to_string();
        let done: Option<i64> =
            sqlx::query_scalar("SELECT id FROM eaction_digests WHERE target_id = $1 AND day = $2")
                .bind(target.0)
                .bind(&day_text)
                .fetch_optional(self.conn())
                .await?;
        if done.is_some() {
            return Ok(Vec::new());
        }
        let letters = self
            .claim_undelivered(branch, eaction, target, None, now)
            .await?;
        if letters.is_empty() {
            return Ok(letters);
        }
        sqlx::query(
            "INSERT INTO eaction_digests (branch_id, target_id, day, signatures, queued_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(branch.0)
        .bind(target.0)
        .bind(&day_text)
        .bind(i64::try_from(letters.len()).unwrap_or(i64::MAX))
        .bind(to_secs(now))
        .execute(self.conn())
        .await?;
        Ok(letters)
    }
}

/// The unsubscribe token's hash a signature's consent carries, when it has one.
fn unsubscribe_hash(s: &NewSignature) -> Option<&str> {
    s.confirmation
        .as_ref()
        .and_then(|c| c.unsubscribe_hash.as_deref())
}

impl SqlWork {
    /// A supporter signs again while their signature waits for confirmation: the confirmation
    /// email goes again, with new links, unless the last one went too recently. The old
    /// links stop working (only the hashes of the newest are kept).
    async fn confirm_again(&mut self, s: &NewSignature, now: i64) -> StoreResult<SignOutcome> {
        let Some(confirmation) = &s.confirmation else {
            return Ok(SignOutcome::AlreadySigned);
        };
        let again: Option<i64> = sqlx::query_scalar(
            "UPDATE eaction_signatures SET confirm_hash = $1, confirm_sent_at = $2 \
             WHERE eaction_id = $3 AND email_key = $4 AND confirmed = 0 \
             AND COALESCE(confirm_sent_at, signed_at) <= $5 RETURNING id",
        )
        .bind(&confirmation.token_hash)
        .bind(now)
        .bind(s.eaction.0)
        .bind(s.signer.email_key())
        .bind(now - confirmation.again_after_secs)
        .fetch_optional(self.conn())
        .await?;
        let Some(id) = again else {
            let waiting: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM eaction_signatures WHERE eaction_id = $1 AND email_key = $2 AND confirmed = 0",
            )
            .bind(s.eaction.0)
            .bind(s.signer.email_key())
            .fetch_optional(self.conn())
            .await?;
            return Ok(match waiting {
                Some(_) => SignOutcome::ConfirmationSentRecently,
                None => SignOutcome::AlreadySigned,
            });
        };
        if let Some(hash) = &confirmation.unsubscribe_hash {
            let kept = sqlx::query(
                "UPDATE supporter_consents SET unsubscribe_hash = $1 WHERE signature_id = $2 AND withdrawn_at IS NULL",
            )
            .bind(hash)
            .bind(id)
            .execute(self.conn())
            .await?;
            if let (0, Some(wording)) = (kept.rows_affected(), &s.consent) {
                sqlx::query(
                    "INSERT INTO supporter_consents (branch_id, signature_id, wording, given_at, unsubscribe_hash) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(s.branch.0)
                .bind(id)
                .bind(wording)
                .bind(now)
                .bind(hash)
                .execute(self.conn())
                .await?;
            }
        }
        super::outbox::enqueue_email_on(self.conn(), confirmation.email.clone()).await?;
        Ok(SignOutcome::ConfirmationSentAgain)
    }

    /// Two delivery passes on PostgreSQL take turns per target, so the hourly count holds.
    async fn take_target_turn(&mut self, target: TargetId) -> StoreResult<()> {
        let store = self.store.clone();
        store
            .take_turn(
                &mut self.tx,
                TurnSpace::EactionTarget,
                &target.0.to_string(),
            )
            .await
    }

    /// The campaign a target of the branch belongs to.
    async fn target_eaction(&mut self, branch: BranchId, target: TargetId) -> StoreResult<i64> {
        let eaction: Option<i64> = sqlx::query_scalar(
            "SELECT eaction_id FROM eaction_targets WHERE branch_id = $1 AND id = $2",
        )
        .bind(branch.0)
        .bind(target.0)
        .fetch_optional(self.conn())
        .await?;
        eaction.ok_or(StoreError::NotFound)
    }

    /// The confirmed signatures not yet delivered to `target`, oldest first, up to `limit`,
    /// each recorded as delivered.
    async fn claim_undelivered(
        &mut self,
        branch: BranchId,
        eaction: i64,
        target: TargetId,
        limit: Option<i64>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<DueLetter>> {
        let rows = sqlx::query(
            "SELECT s.id, s.name, s.email, s.postcode, s.own_words FROM eaction_signatures s \
             WHERE s.branch_id = $1 AND s.eaction_id = $2 AND s.confirmed = 1 AND s.email <> '' \
             AND NOT EXISTS (SELECT 1 FROM eaction_deliveries d WHERE d.signature_id = s.id AND d.target_id = $3) \
             ORDER BY s.id LIMIT $4",
        )
        .bind(branch.0)
        .bind(eaction)
        .bind(target.0)
        .bind(limit.unwrap_or(i64::MAX))
        .fetch_all(self.conn())
        .await?;
        let mut letters = Vec::with_capacity(rows.len());
        for row in &rows {
            let email: String = row.try_get("email")?;
            let postcode: String = row.try_get("postcode")?;
            letters.push(DueLetter {
                signature: SignatureId(row.try_get("id")?),
                signer: Signer {
                    name: row.try_get("name")?,
                    email: email
                        .parse()
                        .map_err(|_| super::corrupt("email", "(hidden)"))?,
                    postcode: postcode
                        .parse()
                        .map_err(|_| super::corrupt("postcode", "(hidden)"))?,
                    own_words: row.try_get("own_words")?,
                },
            });
        }
        if !letters.is_empty() {
            let rows: Vec<serde_json::Value> = letters
                .iter()
                .map(|letter| {
                    serde_json::json!({
                        "branch_id": branch.0,
                        "signature_id": letter.signature.0,
                        "target_id": target.0,
                        "queued_at": to_secs(now),
                    })
                })
                .collect();
            let sql =
                super::insert_json_rows(self.store.backend, "eaction_deliveries", DELIVERY_ROWS);
            sqlx::query(&sql)
                .bind(super::json_rows(rows))
                .execute(self.conn())
                .await?;
        }
        Ok(letters)
    }
}
