//! The strike fund's ledger and donations.

use super::decode::{date, date_text, flag, is_set, named};
use super::{count, from_secs, to_secs, SqlStore, SqlWork};
use crate::fund::{
    Donation, FundAccount, FundLine, FundStore, FundTransaction, FundWrites, NamedDonor,
    NewFundAccount, RaisedSoFar, StatementLine,
};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{NaiveDate, Utc};
use picket_domain::disputes::Named;
use picket_domain::fund::ledger::STANDARD_ACCOUNTS;
use picket_domain::fund::{BalancedTransaction, Donor, NewDonation, Posting};
use picket_domain::{
    BranchId, DonationId, FundAccountId, FundTransactionId, Pence, UserId, WallMessageId,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, BTreeSet};

const ACCOUNT_COLUMNS: &str = "id, code, name, kind, balance_pence, line_count";

fn account_from_row(row: &AnyRow) -> StoreResult<FundAccount> {
    Ok(FundAccount {
        id: FundAccountId(row.try_get("id")?),
        code: super::decode::parsed(row, "code")?,
        name: row.try_get("name")?,
        kind: named(row, "kind")?,
        balance: Pence::from_pence(row.try_get("balance_pence")?),
        line_count: count(row.try_get("line_count")?),
    })
}

fn transaction_from_row(row: &AnyRow) -> StoreResult<FundTransaction> {
    Ok(FundTransaction {
        id: FundTransactionId(row.try_get("id")?),
        day: date(row, "day")?,
        kind: named(row, "kind")?,
        memo: row.try_get("memo")?,
        reverses: row
            .try_get::<Option<i64>, _>("reverses_id")?
            .map(FundTransactionId),
        posted_by: row.try_get::<Option<i64>, _>("posted_by")?.map(UserId),
        posted_at: from_secs(row.try_get("posted_at")?),
        lines: Vec::new(),
    })
}

fn donation_from_row(row: &AnyRow) -> StoreResult<Donation> {
    let restriction: Option<String> = row.try_get("restriction")?;
    Ok(Donation {
        id: DonationId(row.try_get("id")?),
        donor: Donor {
            kind: named(row, "donor_kind")?,
            name: row.try_get("donor_name")?,
            may_be_named: is_set(row, "may_be_named")?,
        },
        amount: Pence::from_pence(row.try_get("amount_pence")?),
        received: date(row, "received")?,
        method: named(row, "method")?,
        wall_message: row
            .try_get::<Option<i64>, _>("wall_message_id")?
            .map(WallMessageId),
        restriction: restriction
            .map(|r| {
                picket_domain::fund::Restriction::parse(&r)
                    .ok_or_else(|| super::corrupt("restriction", &r))
            })
            .transpose()?,
        transaction_id: FundTransactionId(row.try_get("transaction_id")?),
    })
}

/// Reads the lines of the given transactions (all of one branch) into them.
async fn attach_lines(
    conn: &mut AnyConnection,
    branch: BranchId,
    transactions: &mut [FundTransaction],
) -> StoreResult<()> {
    let (Some(first), Some(last)) = (transactions.first(), transactions.last()) else {
        return Ok(());
    };
    let (low, high) = (first.id.0.min(last.id.0), first.id.0.max(last.id.0));
    let rows = sqlx::query(
        "SELECT l.transaction_id, l.account_id, a.code, a.kind, l.amount_pence \
         FROM fund_lines l JOIN fund_accounts a ON a.id = l.account_id \
         WHERE l.branch_id = $1 AND l.transaction_id BETWEEN $2 AND $3 \
         ORDER BY l.transaction_id, l.seq",
    )
    .bind(branch.0)
    .bind(low)
    .bind(high)
    .fetch_all(&mut *conn)
    .await?;
    let mut by_id: BTreeMap<i64, Vec<FundLine>> = BTreeMap::new();
    for row in &rows {
        by_id
            .entry(row.try_get("transaction_id")?)
            .or_default()
            .push(FundLine {
                account_id: FundAccountId(row.try_get("account_id")?),
                account_code: row.try_get("code")?,
                account_kind: named(row, "kind")?,
                amount: Pence::from_pence(row.try_get("amount_pence")?),
            });
    }
    for t in transactions {
        t.lines = by_id.remove(&t.id.0).unwrap_or_default();
    }
    Ok(())
}

/// Posts a balanced transaction on `conn`: its header, its lines in order (each but the last
/// naming the next, as the schema requires), then each account's kept balance, in the order
/// of the accounts' ids so two postings never wait on each other in a circle.
pub(crate) async fn post_on(
    conn: &mut AnyConnection,
    branch: BranchId,
    transaction: &BalancedTransaction,
    reverses: Option<FundTransactionId>,
    posted_by: Option<UserId>,
) -> StoreResult<FundTransactionId> {
    let mut per_account: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    for p in transaction.postings() {
        let entry = per_account.entry(p.account.0).or_default();
        entry.0 = entry
            .0
            .checked_add(p.amount.pence())
            .ok_or_else(|| StoreError::Refused("The amounts are too large.".into()))?;
        entry.1 += 1;
    }
    let wanted: BTreeSet<i64> = per_account.keys().copied().collect();
    let mut found = 0_usize;
    for id in &wanted {
        let here: Option<i64> =
            sqlx::query_scalar("SELECT id FROM fund_accounts WHERE branch_id = $1 AND id = $2")
                .bind(branch.0)
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
        found += usize::from(here.is_some());
    }
    if found != wanted.len() {
        return Err(StoreError::NotFound);
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO fund_transactions (branch_id, day, kind, memo, reverses_id, posted_by, posted_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(branch.0)
    .bind(date_text(Some(transaction.day())))
    .bind(transaction.kind().as_str())
    .bind(transaction.memo())
    .bind(reverses.map(|r| r.0))
    .bind(posted_by.map(|u| u.0))
    .bind(to_secs(Utc::now()))
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| StoreError::conflict_on(e, "reversal"))?;
    let last = transaction.postings().len();
    for (i, p) in transaction.postings().iter().enumerate() {
        let seq = i64::try_from(i + 1).unwrap_or(i64::MAX);
        let next = (i + 1 < last).then_some(seq + 1);
        sqlx::query(
            "INSERT INTO fund_lines (branch_id, transaction_id, seq, next_seq, account_id, amount_pence) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(branch.0)
        .bind(id)
        .bind(seq)
        .bind(next)
        .bind(p.account.0)
        .bind(p.amount.pence())
        .execute(&mut *conn)
        .await?;
    }
    for (account, (amount, lines)) in per_account {
        sqlx::query(
            "UPDATE fund_accounts SET balance_pence = balance_pence + $1, line_count = line_count + $2 \
             WHERE branch_id = $3 AND id = $4",
        )
        .bind(amount)
        .bind(lines)
        .bind(branch.0)
        .bind(account)
        .execute(&mut *conn)
        .await?;
    }
    Ok(FundTransactionId(id))
}

/// The ids of the standard accounts by code, adding those the branch lacks.
async fn standard_accounts_on(
    conn: &mut AnyConnection,
    branch: BranchId,
) -> StoreResult<BTreeMap<String, FundAccountId>> {
    let now = to_secs(Utc::now());
    for (code, name, kind) in STANDARD_ACCOUNTS {
        sqlx::query(
            "INSERT INTO fund_accounts (branch_id, code, name, kind, created_at) \
             SELECT id, $2, $3, $4, $5 FROM branches WHERE id = $1 \
             ON CONFLICT (branch_id, code) DO NOTHING",
        )
        .bind(branch.0)
        .bind(*code)
        .bind(*name)
        .bind(kind.as_str())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    let rows = sqlx::query("SELECT id, code FROM fund_accounts WHERE branch_id = $1")
        .bind(branch.0)
        .fetch_all(&mut *conn)
        .await?;
    let mut ids = BTreeMap::new();
    for row in &rows {
        ids.insert(row.try_get("code")?, FundAccountId(row.try_get("id")?));
    }
    if ids.is_empty() {
        return Err(StoreError::NotFound);
    }
    Ok(ids)
}

/// The id of a standard account, once [`standard_accounts_on`] has made sure of them.
pub(crate) async fn standard_account_on(
    conn: &mut AnyConnection,
    branch: BranchId,
    code: &str,
) -> StoreResult<FundAccountId> {
    standard_accounts_on(conn, branch)
        .await?
        .get(code)
        .copied()
        .ok_or(StoreError::NotFound)
}

async fn transaction_on(
    conn: &mut AnyConnection,
    branch: BranchId,
    id: FundTransactionId,
) -> StoreResult<FundTransaction> {
    let row = sqlx::query(
        "SELECT id, day, kind, memo, reverses_id, posted_by, posted_at FROM fund_transactions \
         WHERE branch_id = $1 AND id = $2",
    )
    .bind(branch.0)
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    let mut t = [transaction_from_row(&row)?];
    attach_lines(conn, branch, &mut t).await?;
    let [t] = t;
    Ok(t)
}

#[async_trait]
impl FundWrites for SqlWork {
    async fn ensure_fund_accounts(&mut self, branch: BranchId) -> StoreResult<()> {
        standard_accounts_on(self.conn(), branch).await.map(|_| ())
    }

    async fn add_fund_account(
        &mut self,
        branch: BranchId,
        account: &NewFundAccount,
    ) -> StoreResult<FundAccountId> {
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO fund_accounts (branch_id, code, name, kind, created_at) \
             SELECT id, $2, $3, $4, $5 FROM branches WHERE id = $1 RETURNING id",
        )
        .bind(branch.0)
        .bind(account.code.as_str())
        .bind(&account.name)
        .bind(account.kind.as_str())
        .bind(to_secs(Utc::now()))
        .fetch_optional(self.conn())
        .await
        .map_err(|e| StoreError::conflict_on(e, "account code"))?;
        super::decode::found_id(id, FundAccountId)
    }

    async fn post_fund_transaction(
        &mut self,
        branch: BranchId,
        transaction: &BalancedTransaction,
        posted_by: Option<UserId>,
    ) -> StoreResult<FundTransactionId> {
        post_on(self.conn(), branch, transaction, None, posted_by).await
    }

    async fn reverse_fund_transaction(
        &mut self,
        branch: BranchId,
        id: FundTransactionId,
        day: NaiveDate,
        reason: &str,
        posted_by: Option<UserId>,
    ) -> StoreResult<FundTransactionId> {
        let original = transaction_on(self.conn(), branch, id).await?;
        if original.reverses.is_some() {
            return Err(StoreError::Conflict("reversal"));
        }
        let lines: Vec<Posting> = original
            .lines
            .iter()
            .map(|l| Posting {
                account: l.account_id,
                amount: l.amount,
            })
            .collect();
        let reversal = BalancedTransaction::reversal(day, reason, &lines)
            .map_err(|e| StoreError::Refused(e.to_string()))?;
        post_on(self.conn(), branch, &reversal, Some(id), posted_by).await
    }

    async fn record_donation(
        &mut self,
        branch: BranchId,
        donation: &NewDonation,
        recorded_by: Option<UserId>,
    ) -> StoreResult<(DonationId, FundTransactionId)> {
        if let Some(message) = donation.wall_message {
            let here: Option<i64> =
                sqlx::query_scalar("SELECT id FROM wall_messages WHERE branch_id = $1 AND id = $2")
                    .bind(branch.0)
                    .bind(message.0)
                    .fetch_optional(self.conn())
                    .await?;
            here.ok_or(StoreError::NotFound)?;
        }
        let accounts = standard_accounts_on(self.conn(), branch).await?;
        let (to, from) = donation.account_codes();
        let (Some(to), Some(from)) = (accounts.get(to), accounts.get(from)) else {
            return Err(StoreError::NotFound);
        };
        let transaction = BalancedTransaction::transfer(
            donation.received,
            picket_domain::fund::TransactionKind::Donation,
            &donation.memo(),
            *to,
            *from,
            donation.amount,
        )
        .map_err(|e| StoreError::Refused(e.to_string()))?;
        let posted = post_on(self.conn(), branch, &transaction, None, recorded_by).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO fund_donations (branch_id, donor_kind, donor_name, may_be_named, amount_pence, \
             received, method, wall_message_id, restriction, transaction_id, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(branch.0)
        .bind(donation.donor.kind.as_str())
        .bind(&donation.donor.name)
        .bind(flag(donation.donor.may_be_named))
        .bind(donation.amount.pence())
        .bind(date_text(Some(donation.received)))
        .bind(donation.method.as_str())
        .bind(donation.wall_message.map(|m| m.0))
        .bind(donation.restriction.map(|r| r.as_str()))
        .bind(posted.0)
        .bind(recorded_by.map(|u| u.0))
        .bind(to_secs(Utc::now()))
        .fetch_one(self.conn())
        .await?;
        Ok((DonationId(id), posted))
    }
}

#[async_trait]
impl FundStore for SqlStore {
    async fn fund_accounts(&self, branch: BranchId) -> StoreResult<Vec<FundAccount>> {
        let rows = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM fund_accounts WHERE branch_id = $1 ORDER BY kind, code"
        ))
        .bind(branch.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(account_from_row).collect()
    }

    async fn fund_account(&self, branch: BranchId, id: FundAccountId) -> StoreResult<FundAccount> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM fund_accounts WHERE branch_id = $1 AND id = $2"
        ))
        .bind(branch.0)
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        account_from_row(&row)
    }

    async fn fund_account_by_code(&self, branch: BranchId, code: &str) -> StoreResult<FundAccount> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM fund_accounts WHERE branch_id = $1 AND code = $2"
        ))
        .bind(branch.0)
        .bind(code)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        account_from_row(&row)
    }

    async fn fund_transaction(
        &self,
        branch: BranchId,
        id: FundTransactionId,
    ) -> StoreResult<FundTransaction> {
        let mut conn = self.pool().acquire().await?;
        transaction_on(&mut conn, branch, id).await
    }

    async fn fund_reversal_of(
        &self,
        branch: BranchId,
        id: FundTransactionId,
    ) -> StoreResult<Option<FundTransactionId>> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM fund_transactions WHERE branch_id = $1 AND reverses_id = $2",
        )
        .bind(branch.0)
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?;
        Ok(found.map(FundTransactionId))
    }

    async fn fund_journal(
        &self,
        branch: BranchId,
        after: Option<FundTransactionId>,
        limit: u32,
    ) -> StoreResult<Vec<FundTransaction>> {
        let mut conn = self.pool().acquire().await?;
        let rows = sqlx::query(
            "SELECT id, day, kind, memo, reverses_id, posted_by, posted_at FROM fund_transactions \
             WHERE branch_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(branch.0)
        .bind(after.map_or(0, |a| a.0))
        .bind(i64::from(limit))
        .fetch_all(&mut *conn)
        .await?;
        let mut out = rows
            .iter()
            .map(transaction_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        attach_lines(&mut conn, branch, &mut out).await?;
        Ok(out)
    }

    async fn fund_statement(
        &self,
        branch: BranchId,
        account: FundAccountId,
        page: crate::PageRequest,
    ) -> StoreResult<crate::Page<StatementLine>> {
        let mut conn = self.pool().acquire().await?;
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM fund_accounts WHERE branch_id = $1 AND id = $2"
        ))
        .bind(branch.0)
        .bind(account.0)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
        let held = account_from_row(&row)?;
        let rows = sqlx::query(
            "SELECT l.id AS line_id, l.amount_pence, t.id, t.day, t.kind, t.memo FROM fund_lines l \
             JOIN fund_transactions t ON t.id = l.transaction_id \
             WHERE l.branch_id = $1 AND l.account_id = $2 ORDER BY l.id DESC LIMIT $3 OFFSET $4",
        )
        .bind(branch.0)
        .bind(account.0)
        .bind(i64::from(page.per_page))
        .bind(page.offset())
        .fetch_all(&mut *conn)
        .await?;
        let mut balance = held.balance.pence();
        if let Some(first) = rows.first() {
            let newest: i64 = first.try_get("line_id")?;
            let later: i64 = sqlx::query_scalar(
                "SELECT CAST(COALESCE(SUM(amount_pence), 0) AS BIGINT) FROM fund_lines \
                 WHERE account_id = $1 AND id > $2",
            )
            .bind(account.0)
            .bind(newest)
            .fetch_one(&mut *conn)
            .await?;
            balance -= later;
        }
        let mut items = Vec::with_capacity(rows.len());
        for r in &rows {
            let amount: i64 = r.try_get("amount_pence")?;
            items.push(StatementLine {
                transaction_id: FundTransactionId(r.try_get("id")?),
                day: date(r, "day")?,
                kind: named(r, "kind")?,
                memo: r.try_get("memo")?,
                amount: Pence::from_pence(amount),
                balance_after: Pence::from_pence(balance),
            });
            balance -= amount;
        }
        Ok(crate::Page {
            items,
            page: page.page,
            per_page: page.per_page,
            total: held.line_count,
        })
    }

    async fn fund_transaction_count(&self, branch: BranchId) -> StoreResult<u64> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM fund_transactions WHERE branch_id = $1")
                .bind(branch.0)
                .fetch_one(self.pool())
                .await?;
        Ok(count(n))
    }

    async fn donations(&self, branch: BranchId) -> StoreResult<Vec<Donation>> {
        let rows = sqlx::query(
            "SELECT id, donor_kind, donor_name, may_be_named, amount_pence, received, method, \
             wall_message_id, restriction, transaction_id FROM fund_donations \
             WHERE branch_id = $1 ORDER BY received DESC, id DESC",
        )
        .bind(branch.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(donation_from_row).collect()
    }

    async fn raised_so_far(&self, branch: BranchId) -> StoreResult<RaisedSoFar> {
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(amount_pence), 0) AS BIGINT) AS total, COUNT(*) AS n \
             FROM fund_donations WHERE branch_id = $1",
        )
        .bind(branch.0)
        .fetch_one(self.pool())
        .await?;
        // Only donors who agreed are even read: a name that is not selected cannot leak.
        let named = sqlx::query(
            "SELECT donor_kind, donor_name, CAST(SUM(amount_pence) AS BIGINT) AS amount \
             FROM fund_donations WHERE branch_id = $1 AND may_be_named = 1 \
             GROUP BY donor_kind, donor_name ORDER BY amount DESC, donor_name",
        )
        .bind(branch.0)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(NamedDonor {
                kind: named(r, "donor_kind")?,
                name: r.try_get("donor_name")?,
                amount: Pence::from_pence(r.try_get("amount")?),
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
        Ok(RaisedSoFar {
            total: Pence::from_pence(row.try_get("total")?),
            donations: count(row.try_get("n")?),
            named,
        })
    }
}
