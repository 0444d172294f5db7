//! E-actions: campaigns, targets, and the reads the delivery job uses. Signing and delivery
//! claims are in `eaction_signing.rs`.

use super::decode::{date_text, flag, is_set, named, opt_date};
use super::{count, from_secs, to_secs, SqlStore, SqlWork};
use crate::eactions::{
    ConsentCounts, DeliveryWork, Eaction, EactionStore, Signature, SignatureCounts, Target,
};
use crate::{Page, PageRequest, StoreError, StoreResult};
use async_trait::async_trait;
use chrono::Utc;
use picket_domain::disputes::Named;
use picket_domain::eactions::{Delivery, DeliveryKind, NewEaction, NewTarget, TargetReply};
use picket_domain::{BranchId, DisputeId, EactionId, PartyId, SignatureId, TargetId};
use sqlx::any::AnyRow;
use sqlx::Row;

const EACTION_COLUMNS: &str =
    "id, branch_id, dispute_id, kind, title, subject, body, delivery, per_hour, \
     confirm_email, own_words_max, is_open, opened_on, created_at";

pub(super) fn eaction_row(row: &AnyRow) -> StoreResult<Eaction> {
    let kind: DeliveryKind = named(row, "delivery")?;
    let per_hour = super::decode::count32(row, "per_hour")?;
    Ok(Eaction {
        id: EactionId(row.try_get("id")?),
        branch_id: BranchId(row.try_get("branch_id")?),
        dispute_id: DisputeId(row.try_get("dispute_id")?),
        kind: named(row, "kind")?,
        title: row.try_get("title")?,
        subject: row.try_get("subject")?,
        body: row.try_get("body")?,
        delivery: Delivery::new(kind, per_hour)
            .map_err(|_| super::corrupt("per_hour", &per_hour.to_string()))?,
        confirm_email: is_set(row, "confirm_email")?,
        own_words_max: super::decode::count32(row, "own_words_max")?,
        open: is_set(row, "is_open")?,
        opened_on: opt_date(row, "opened_on")?,
        created_at: from_secs(row.try_get("created_at")?),
    })
}

const TARGET_COLUMNS: &str =
    "id, eaction_id, party_id, name, role, email, replied_on, reply_summary, reply_text";

pub(super) fn target_row(row: &AnyRow) -> StoreResult<Target> {
    let replied_on = opt_date(row, "replied_on")?;
    let reply = match replied_on {
        Some(received_on) => Some(TargetReply {
            received_on,
            summary: row
                .try_get::<Option<String>, _>("reply_summary")?
                .unwrap_or_default(),
            text: row
                .try_get::<Option<String>, _>("reply_text")?
                .unwrap_or_default(),
        }),
        None => None,
    };
    Ok(Target {
        id: TargetId(row.try_get("id")?),
        eaction_id: EactionId(row.try_get("eaction_id")?),
        party_id: row.try_get::<Option<i64>, _>("party_id")?.map(PartyId),
        name: row.try_get("name")?,
        role: row.try_get("role")?,
        email: row.try_get("email")?,
        reply,
    })
}

#[async_trait]
impl EactionStore for SqlStore {
    async fn eactions(&self, branch: BranchId, dispute: DisputeId) -> StoreResult<Vec<Eaction>> {
        let rows = sqlx::query(&format!(
            "SELECT {EACTION_COLUMNS} FROM eactions WHERE branch_id = $1 AND dispute_id = $2 ORDER BY id DESC"
        ))
        .bind(branch.0)
        .bind(dispute.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(eaction_row).collect()
    }

    async fn eaction(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        id: EactionId,
    ) -> StoreResult<Eaction> {
        let row = sqlx::query(&format!(
            "SELECT {EACTION_COLUMNS} FROM eactions WHERE branch_id = $1 AND dispute_id = $2 AND id = $3"
        ))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        eaction_row(&row)
    }

    async fn targets(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        eaction: EactionId,
    ) -> StoreResult<Vec<Target>> {
        // The campaign is read first so that another dispute's is NotFound, not an empty list.
        self.eaction(branch, dispute, eaction).await?;
        let rows = sqlx::query(&format!(
            "SELECT {TARGET_COLUMNS} FROM eaction_targets WHERE branch_id = $1 AND eaction_id = $2 ORDER BY id"
        ))
        .bind(branch.0)
        .bind(eaction.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(target_row).collect()
    }

    async fn signature_counts(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        eaction: EactionId,
    ) -> StoreResult<SignatureCounts> {
        self.eaction(branch, dispute, eaction).await?;
        let rows = sqlx::query(
            "SELECT confirmed, COUNT(*) AS n FROM eaction_signatures WHERE branch_id = $1 AND eaction_id = $2 GROUP BY confirmed",
        )
        .bind(branch.0)
        .bind(eaction.0)
        .fetch_all(self.pool())
        .await?;
        let mut counts = SignatureCounts::default();
        for row in rows {
            let n = count(row.try_get("n")?);
            if is_set(&row, "confirmed")? {
                counts.confirmed = n;
            } else {
                counts.pending = n;
            }
        }
        Ok(counts)
    }

    async fn signatures(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        eaction: EactionId,
        page: PageRequest,
    ) -> StoreResult<Page<Signature>> {
        let counts = self.signature_counts(branch, dispute, eaction).await?;
        let rows = sqlx::query(
            "SELECT s.id, s.eaction_id, s.name, s.email, s.postcode, s.own_words, s.confirmed, s.signed_at, \
               (SELECT c.wording FROM supporter_consents c WHERE c.signature_id = s.id AND c.withdrawn_at IS NULL \
                ORDER BY c.id DESC LIMIT 1) AS consent \
             FROM eaction_signatures s WHERE s.branch_id = $1 AND s.eaction_id = $2 AND s.confirmed = 1 \
             ORDER BY s.id LIMIT $3 OFFSET $4",
        )
        .bind(branch.0)
        .bind(eaction.0)
        .bind(i64::from(page.per_page))
        .bind(page.offset())
        .fetch_all(self.pool())
        .await?;
        let items = rows
            .iter()
            .map(|row| {
                Ok(Signature {
                    id: SignatureId(row.try_get("id")?),
                    eaction_id: EactionId(row.try_get("eaction_id")?),
                    name: row.try_get("name")?,
                    email: row.try_get("email")?,
                    postcode: row.try_get("postcode")?,
                    own_words: row.try_get("own_words")?,
                    confirmed: is_set(row, "confirmed")?,
                    signed_at: from_secs(row.try_get("signed_at")?),
                    consent: row.try_get("consent")?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page {
            items,
            page: page.page,
            per_page: page.per_page,
            total: counts.confirmed,
        })
    }

    async fn delivery_work(&self) -> StoreResult<Vec<DeliveryWork>> {
        let rows = sqlx::query(&format!(
            "SELECT {EACTION_COLUMNS} FROM eactions WHERE kind = 'email' AND delivery <> 'count-only' ORDER BY id"
        ))
        .fetch_all(self.pool())
        .await?;
        let mut work = Vec::with_capacity(rows.len());
        for row in &rows {
            let eaction = eaction_row(row)?;
            let targets = sqlx::query(&format!(
                "SELECT {TARGET_COLUMNS} FROM eaction_targets WHERE branch_id = $1 AND eaction_id = $2 \
                 AND email IS NOT NULL ORDER BY id"
            ))
            .bind(eaction.branch_id.0)
            .bind(eaction.id.0)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(target_row)
            .collect::<StoreResult<Vec<_>>>()?;
            work.push(DeliveryWork { eaction, targets });
        }
        Ok(work)
    }

    async fn consent_counts(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        eaction: EactionId,
    ) -> StoreResult<ConsentCounts> {
        self.eaction(branch, dispute, eaction).await?;
        let row = sqlx::query(
            "SELECT COUNT(CASE WHEN c.withdrawn_at IS NULL THEN 1 END) AS given, \
               COUNT(c.withdrawn_at) AS withdrawn \
             FROM supporter_consents c JOIN eaction_signatures s ON s.id = c.signature_id \
             WHERE s.branch_id = $1 AND s.eaction_id = $2",
        )
        .bind(branch.0)
        .bind(eaction.0)
        .fetch_one(self.pool())
        .await?;
        Ok(ConsentCounts {
            given: count(row.try_get("given")?),
            withdrawn: count(row.try_get("withdrawn")?),
        })
    }
}

impl SqlWork {
    pub(super) async fn create_eaction_on(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        new: &NewEaction,
    ) -> StoreResult<EactionId> {
        let now = Utc::now();
        let opened_on = new.open.then(|| now.date_naive());
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO eactions (branch_id, dispute_id, kind, title, subject, body, delivery, per_hour, \
               confirm_email, own_words_max, is_open, opened_on, created_at, updated_at) \
             SELECT branch_id, id, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13 FROM disputes \
             WHERE branch_id = $1 AND id = $2 RETURNING id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(new.kind.as_str())
        .bind(&new.title)
        .bind(&new.subject)
        .bind(&new.body)
        .bind(new.delivery.kind().as_str())
        .bind(i64::from(new.delivery.per_hour()))
        .bind(flag(new.confirm_email))
        .bind(i64::from(new.own_words_max))
        .bind(flag(new.open))
        .bind(date_text(opened_on))
        .bind(to_secs(now))
        .fetch_optional(self.conn())
        .await?;
        super::decode::found_id(id, EactionId)
    }

    pub(super) async fn update_eaction_on(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: EactionId,
        new: &NewEaction,
    ) -> StoreResult<()> {
        let now = Utc::now();
        let done = sqlx::query(
            "UPDATE eactions SET kind = $1, title = $2, subject = $3, body = $4, delivery = $5, per_hour = $6, \
               confirm_email = $7, own_words_max = $8, \
               closed_at = CASE WHEN $9 = 1 THEN NULL WHEN is_open = 1 THEN $11 ELSE closed_at END, is_open = $9, \
               opened_on = CASE WHEN $9 = 1 AND opened_on IS NULL THEN $10 ELSE opened_on END, updated_at = $11 \
             WHERE branch_id = $12 AND dispute_id = $13 AND id = $14",
        )
        .bind(new.kind.as_str())
        .bind(&new.title)
        .bind(&new.subject)
        .bind(&new.body)
        .bind(new.delivery.kind().as_str())
        .bind(i64::from(new.delivery.per_hour()))
        .bind(flag(new.confirm_email))
        .bind(i64::from(new.own_words_max))
        .bind(flag(new.open))
        .bind(date_text(Some(now.date_naive())))
        .bind(to_secs(now))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    pub(super) async fn set_eaction_open_on(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: EactionId,
        open: bool,
    ) -> StoreResult<()> {
        let now = Utc::now();
        let done = sqlx::query(
            "UPDATE eactions SET \
               closed_at = CASE WHEN $1 = 1 THEN NULL WHEN is_open = 1 THEN $3 ELSE closed_at END, is_open = $1, \
               opened_on = CASE WHEN $1 = 1 AND opened_on IS NULL THEN $2 ELSE opened_on END, updated_at = $3 \
             WHERE branch_id = $4 AND dispute_id = $5 AND id = $6",
        )
        .bind(flag(open))
        .bind(date_text(Some(now.date_naive())))
        .bind(to_secs(now))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    pub(super) async fn add_target_on(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        eaction: EactionId,
        target: &NewTarget,
    ) -> StoreResult<TargetId> {
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO eaction_targets (branch_id, eaction_id, name, role, email) \
             SELECT branch_id, id, $4, $5, $6 FROM eactions WHERE branch_id = $1 AND dispute_id = $2 AND id = $3 \
             RETURNING id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(eaction.0)
        .bind(&target.name)
        .bind(&target.role)
        .bind(target.email.as_ref().map(|e| e.as_str().to_string()))
        .fetch_optional(self.conn())
        .await?;
        super::decode::found_id(id, TargetId)
    }

    pub(super) async fn add_party_target_on(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        eaction: EactionId,
        party: PartyId,
    ) -> StoreResult<TargetId> {
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO eaction_targets (branch_id, eaction_id, party_id, name, role, email) \
             SELECT e.branch_id, e.id, p.id, p.name, p.detail, p.email FROM eactions e \
             JOIN dispute_parties p ON p.branch_id = e.branch_id AND p.dispute_id = e.dispute_id \
             WHERE e.branch_id = $1 AND e.dispute_id = $2 AND e.id = $3 AND p.id = $4 AND p.kind = 'decision-maker' \
             RETURNING id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(eaction.0)
        .bind(party.0)
        .fetch_optional(self.conn())
        .await?;
        super::decode::found_id(id, TargetId)
    }

    pub(super) async fn remove_target_on(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        eaction: EactionId,
        target: TargetId,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "DELETE FROM eaction_targets WHERE branch_id = $1 AND id = $3 AND eaction_id IN \
             (SELECT id FROM eactions WHERE branch_id = $1 AND dispute_id = $2 AND id = $4)",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(target.0)
        .bind(eaction.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    pub(super) async fn record_reply_on(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        eaction: EactionId,
        target: TargetId,
        reply: &TargetReply,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE eaction_targets SET replied_on = $1, reply_summary = $2, reply_text = $3 \
             WHERE branch_id = $4 AND id = $5 AND eaction_id IN \
             (SELECT id FROM eactions WHERE branch_id = $4 AND dispute_id = $6 AND id = $7)",
        )
        .bind(date_text(Some(reply.received_on)))
        .bind(&reply.summary)
        .bind(&reply.text)
        .bind(branch.0)
        .bind(target.0)
        .bind(dispute.0)
        .bind(eaction.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }
}
