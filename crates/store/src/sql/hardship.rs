//! Hardship grants.

use super::decode::{date, date_text, named};
use super::fund::{post_on, standard_account_on};
use super::{to_secs, SqlStore, SqlWork};
use crate::hardship::{HardshipGrant, HardshipStore, HardshipWrites};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{NaiveDate, Utc};
use picket_domain::fund::hardship::NewHardshipApplication;
use picket_domain::fund::{AccountKind, BalancedTransaction, TransactionKind};
use picket_domain::{
    BranchId, FundAccountId, FundTransactionId, HardshipGrantId, MemberId, Pence, UserId,
};
use sqlx::Row;

#[async_trait]
impl HardshipWrites for SqlWork {
    async fn apply_for_hardship(
        &mut self,
        branch: BranchId,
        application: &NewHardshipApplication,
        by: Option<UserId>,
    ) -> StoreResult<HardshipGrantId> {
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO fund_hardship_grants (branch_id, member_id, amount_pence, reason, applied_on, decision, recorded_by, created_at) \
             SELECT branch_id, id, $3, $4, $5, 'pending', $6, $7 FROM members WHERE branch_id = $1 AND id = $2 \
             RETURNING id",
        )
        .bind(branch.0)
        .bind(application.member.0)
        .bind(application.amount.pence())
        .bind(&application.reason)
        .bind(date_text(Some(application.applied_on)))
        .bind(by.map(|u| u.0))
        .bind(to_secs(Utc::now()))
        .fetch_optional(self.conn())
        .await?;
        super::decode::found_id(id, HardshipGrantId)
    }

    async fn decide_hardship(
        &mut self,
        branch: BranchId,
        id: HardshipGrantId,
        grant: bool,
        day: NaiveDate,
        by: Option<UserId>,
    ) -> StoreResult<Option<FundTransactionId>> {
        let conn = self.conn();
        let row = sqlx::query(
            "SELECT amount_pence, decision FROM fund_hardship_grants WHERE branch_id = $1 AND id = $2",
        )
        .bind(branch.0)
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
        if row.try_get::<String, _>("decision")? != "pending" {
            return Err(StoreError::Conflict("decision"));
        }
        let posted = if grant {
            let amount = Pence::from_pence(row.try_get("amount_pence")?);
            let expense = standard_account_on(conn, branch, "hardship-grants").await?;
            let owed = standard_account_on(conn, branch, "hardship-owed").await?;
            let t = BalancedTransaction::transfer(
                day,
                TransactionKind::Hardship,
                &format!("Hardship grant {}", id.0),
                expense,
                owed,
                amount,
            )
            .map_err(|e| StoreError::Refused(e.to_string()))?;
            Some(post_on(conn, branch, &t, None, by).await?)
        } else {
            None
        };
        let done = sqlx::query(
            "UPDATE fund_hardship_grants SET decision = $1, decided_by = $2, decided_at = $3, transaction_id = $4 \
             WHERE branch_id = $5 AND id = $6 AND decision = 'pending'",
        )
        .bind(if grant { "granted" } else { "refused" })
        .bind(by.map(|u| u.0))
        .bind(to_secs(Utc::now()))
        .bind(posted.map(|p| p.0))
        .bind(branch.0)
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict("decision"));
        }
        Ok(posted)
    }

    async fn pay_hardship(
        &mut self,
        branch: BranchId,
        id: HardshipGrantId,
        day: NaiveDate,
        from: &str,
        by: Option<UserId>,
    ) -> StoreResult<FundTransactionId> {
        let conn = self.conn();
        let row = sqlx::query(
            "SELECT amount_pence, decision, paid_transaction_id FROM fund_hardship_grants \
             WHERE branch_id = $1 AND id = $2",
        )
        .bind(branch.0)
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
        if row.try_get::<String, _>("decision")? != "granted" {
            return Err(StoreError::Refused(
                "Only a granted application can be paid: decide it first.".into(),
            ));
        }
        if row
            .try_get::<Option<i64>, _>("paid_transaction_id")?
            .is_some()
        {
            return Err(StoreError::Refused("This grant is paid already.".into()));
        }
        let amount = Pence::from_pence(row.try_get("amount_pence")?);
        let source =
            sqlx::query("SELECT id, kind FROM fund_accounts WHERE branch_id = $1 AND code = $2")
                .bind(branch.0)
                .bind(from)
                .fetch_optional(&mut *conn)
                .await?
                .ok_or(StoreError::NotFound)?;
        if named::<AccountKind>(&source, "kind")? != AccountKind::Asset {
            return Err(StoreError::Refused(
                "Pay a grant from an asset account, such as hardship-fund or bank.".into(),
            ));
        }
        let owed = standard_account_on(conn, branch, "hardship-owed").await?;
        let t = BalancedTransaction::transfer(
            day,
            TransactionKind::Payment,
            &format!("Hardship grant {} paid", id.0),
            owed,
            FundAccountId(source.try_get("id")?),
            amount,
        )
        .map_err(|e| StoreError::Refused(e.to_string()))?;
        let posted = post_on(conn, branch, &t, None, by).await?;
        // Only one payment: a second in a race finds the column set and changes nothing.
        let done = sqlx::query(
            "UPDATE fund_hardship_grants SET paid_transaction_id = $1 \
             WHERE branch_id = $2 AND id = $3 AND paid_transaction_id IS NULL",
        )
        .bind(posted.0)
        .bind(branch.0)
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Refused("This grant is paid already.".into()));
        }
        Ok(posted)
    }
}

#[async_trait]
impl HardshipStore for SqlStore {
    async fn hardship_grants_of(
        &self,
        branch: BranchId,
        member: MemberId,
    ) -> StoreResult<Vec<HardshipGrant>> {
        let rows = sqlx::query(
            "SELECT id, member_id, amount_pence, reason, applied_on, decision, transaction_id, paid_transaction_id \
             FROM fund_hardship_grants WHERE branch_id = $1 AND member_id = $2 ORDER BY id DESC",
        )
        .bind(branch.0)
        .bind(member.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(grant_from_row).collect()
    }

    async fn hardship_grants(&self, branch: BranchId) -> StoreResult<Vec<HardshipGrant>> {
        let rows = sqlx::query(
            "SELECT id, member_id, amount_pence, reason, applied_on, decision, transaction_id, paid_transaction_id \
             FROM fund_hardship_grants WHERE branch_id = $1 ORDER BY id DESC",
        )
        .bind(branch.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(grant_from_row).collect()
    }
}

fn grant_from_row(r: &sqlx::any::AnyRow) -> StoreResult<HardshipGrant> {
    Ok(HardshipGrant {
        id: HardshipGrantId(r.try_get("id")?),
        member_id: MemberId(r.try_get("member_id")?),
        amount: Pence::from_pence(r.try_get("amount_pence")?),
        reason: r.try_get("reason")?,
        applied_on: date(r, "applied_on")?,
        decision: r.try_get("decision")?,
        transaction_id: r
            .try_get::<Option<i64>, _>("transaction_id")?
            .map(FundTransactionId),
        paid_transaction_id: r
            .try_get::<Option<i64>, _>("paid_transaction_id")?
            .map(FundTransactionId),
    })
}
