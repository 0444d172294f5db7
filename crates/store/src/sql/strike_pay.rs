//! Strike pay policies, pay runs, approvals and payments.

use super::decode::{date, date_text, named};
use super::fund::{post_on, standard_account_on};
use super::strike_days::{joined, member_days, member_entries_sql};
use super::{from_secs, to_secs, SqlStore, SqlWork, TurnSpace};
use crate::strike_pay::{
    MemberOwed, PaidDay, PayRun, PayRunLine, PayRunStatus, StrikePayPayment, StrikePayStatement,
    StrikePayStore, StrikePayWrites,
};
use crate::{Backend, StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{NaiveDate, Utc};
use picket_domain::disputes::Named;
use picket_domain::fund::strike_pay::{compute, MemberDays, PayPolicy};
use picket_domain::fund::{AccountKind, BalancedTransaction, TransactionKind};
use picket_domain::strike_days::DayStatus;
use picket_domain::{
    BranchId, DisputeId, FundTransactionId, MemberId, PayRunId, PaymentId, Pence, UserId,
};
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, BTreeSet};

/// Members of a pay run written by one statement (four values each, well under either
/// engine's limit on bound values).
const MEMBERS_PER_INSERT: usize = 500;

/// A member's day as a pay run keeps it (`strike_pay_run_members.days` is a JSON array of
/// these): the ISO day, the status (none for an unsettled conflict), the amount in pence and
/// the working.
type StoredDay<'a> = (String, Option<&'a str>, i64, &'a str);

fn day_words(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

async fn policy_on(
    conn: &mut AnyConnection,
    branch: BranchId,
    dispute: DisputeId,
) -> StoreResult<Option<PayPolicy>> {
    let text: Option<String> = sqlx::query_scalar(
        "SELECT policy FROM strike_pay_policies WHERE branch_id = $1 AND dispute_id = $2",
    )
    .bind(branch.0)
    .bind(dispute.0)
    .fetch_optional(&mut *conn)
    .await?;
    text.map(|t| serde_json::from_str(&t).map_err(|_| super::corrupt("strike pay policy", &t)))
        .transpose()
}

async fn owed_on(
    conn: &mut AnyConnection,
    branch: BranchId,
    member: MemberId,
) -> StoreResult<Pence> {
    let due: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount_pence), 0) AS BIGINT) FROM strike_pay_days \
         WHERE branch_id = $1 AND member_id = $2",
    )
    .bind(branch.0)
    .bind(member.0)
    .fetch_one(&mut *conn)
    .await?;
    let paid: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount_pence), 0) AS BIGINT) FROM strike_pay_payments \
         WHERE branch_id = $1 AND member_id = $2",
    )
    .bind(branch.0)
    .bind(member.0)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Pence::from_pence(due - paid))
}

const RUN_COLUMNS: &str = "id, dispute_id, first_day, last_day, status, total_pence, approved_by, \
     approved_at, transaction_id";

fn run_from_row(row: &sqlx::any::AnyRow, lines: Vec<PayRunLine>) -> StoreResult<PayRun> {
    let status: String = row.try_get("status")?;
    Ok(PayRun {
        id: PayRunId(row.try_get("id")?),
        dispute_id: DisputeId(row.try_get("dispute_id")?),
        first_day: date(row, "first_day")?,
        last_day: date(row, "last_day")?,
        status: if status == "approved" {
            PayRunStatus::Approved
        } else {
            PayRunStatus::Draft
        },
        total: Pence::from_pence(row.try_get("total_pence")?),
        approved_by: row.try_get::<Option<i64>, _>("approved_by")?.map(UserId),
        approved_at: row.try_get::<Option<i64>, _>("approved_at")?.map(from_secs),
        transaction_id: row
            .try_get::<Option<i64>, _>("transaction_id")?
            .map(FundTransactionId),
        lines,
    })
}

#[async_trait]
impl StrikePayWrites for SqlWork {
    async fn set_pay_policy(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        policy: &PayPolicy,
        by: Option<UserId>,
    ) -> StoreResult<()> {
        let text = serde_json::to_string(policy)
            .map_err(|e| StoreError::Database(sqlx::Error::Encode(Box::new(e))))?;
        let done = sqlx::query(
            "INSERT INTO strike_pay_policies (branch_id, dispute_id, policy, updated_by, updated_at) \
             SELECT branch_id, id, $3, $4, $5 FROM disputes WHERE branch_id = $1 AND id = $2 \
             ON CONFLICT (dispute_id) DO UPDATE SET policy = excluded.policy, \
             updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(text)
        .bind(by.map(|u| u.0))
        .bind(to_secs(Utc::now()))
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    async fn create_pay_run(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        first: NaiveDate,
        last: NaiveDate,
        by: Option<UserId>,
    ) -> StoreResult<PayRunId> {
        let backend = self.store.backend;
        let conn = self.conn();
        let Some(policy) = policy_on(conn, branch, dispute).await? else {
            return Err(StoreError::Refused(
                "Set the dispute's strike pay policy before making a pay run.".into(),
            ));
        };
        if first > last {
            return Err(StoreError::Refused(format!(
                "The first day ({}) is after the last ({}): swap them.",
                day_words(first),
                day_words(last)
            )));
        }
        // One row a member, their entries and their days already paid each joined into a
        // text: reading 200,000 participation records as 200,000 rows cost more than the
        // rest of the run together.
        let mut members: BTreeMap<i64, MemberDays> = BTreeMap::new();
        for row in sqlx::query(&member_entries_sql(backend))
            .bind(branch.0)
            .bind(dispute.0)
            .fetch_all(&mut *conn)
            .await?
        {
            let id: i64 = row.try_get("member_id")?;
            let entries: String = row.try_get("entries")?;
            members.insert(
                id,
                MemberDays {
                    member: MemberId(id),
                    daily_pay: row
                        .try_get::<Option<i64>, _>("daily_pay_pence")?
                        .map(Pence::from_pence),
                    days: member_days(&entries)?,
                    paid: BTreeSet::new(),
                },
            );
        }
        let paid_sql = format!(
            "SELECT member_id, {} AS days FROM strike_pay_days \
             WHERE branch_id = $1 AND day >= $2 AND day <= $3 GROUP BY member_id",
            joined(backend, "day")
        );
        for row in sqlx::query(&paid_sql)
            .bind(branch.0)
            .bind(date_text(Some(first)))
            .bind(date_text(Some(last)))
            .fetch_all(&mut *conn)
            .await?
        {
            if let Some(m) = members.get_mut(&row.try_get::<i64, _>("member_id")?) {
                let days: String = row.try_get("days")?;
                for day in days.split(',') {
                    m.paid
                        .insert(day.parse().map_err(|_| super::corrupt("paid day", day))?);
                }
            }
        }
        let members: Vec<MemberDays> = members.into_values().collect();
        let pay = compute(&policy, first, last, &members);
        let total = pay
            .iter()
            .try_fold(Pence::ZERO, |sum, m| sum.checked_add(m.total))
            .ok_or_else(|| StoreError::Refused("The amounts are too large.".into()))?;
        let run: i64 = sqlx::query_scalar(
            "INSERT INTO strike_pay_runs (branch_id, dispute_id, first_day, last_day, status, total_pence, created_by, created_at) \
             VALUES ($1, $2, $3, $4, 'draft', $5, $6, $7) RETURNING id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(date_text(Some(first)))
        .bind(date_text(Some(last)))
        .bind(total.pence())
        .bind(by.map(|u| u.0))
        .bind(to_secs(Utc::now()))
        .fetch_one(&mut *conn)
        .await?;
        // One row per member, their days as JSON: a run over thousands of members and a
        // hundred days is a few statements of a few thousand rows.
        let rows = pay
            .iter()
            .filter(|m| !m.days.is_empty())
            .map(|m| {
                let days: Vec<StoredDay<'_>> = m
                    .days
                    .iter()
                    .map(|d| {
                        (
                            date_text(Some(d.day)).unwrap_or_default(),
                            d.status.map(|s| s.as_str()),
                            d.amount.pence(),
                            d.working.as_str(),
                        )
                    })
                    .collect();
                serde_json::to_string(&days)
                    .map(|json| (m.member, json))
                    .map_err(|e| StoreError::Database(sqlx::Error::Encode(Box::new(e))))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        for chunk in rows.chunks(MEMBERS_PER_INSERT) {
            let mut sql = String::from(
                "INSERT INTO strike_pay_run_members (run_id, member_id, branch_id, days) VALUES ",
            );
            super::push_value_rows(&mut sql, chunk.len(), 4, backend);
            let mut query = sqlx::query(&sql);
            for (member, days) in chunk {
                query = query
                    .bind(run)
                    .bind(member.0)
                    .bind(branch.0)
                    .bind(days.as_str());
            }
            query.execute(&mut *conn).await?;
        }
        Ok(PayRunId(run))
    }

    async fn approve_pay_run(
        &mut self,
        branch: BranchId,
        id: PayRunId,
        day: NaiveDate,
        by: Option<UserId>,
    ) -> StoreResult<Option<FundTransactionId>> {
        let backend = self.store.backend;
        let conn = self.conn();
        // Only a draft becomes approved: of two treasurers approving at once, the second
        // finds it approved (on PostgreSQL it waits for the first's row lock, then re-reads).
        let done = sqlx::query(
            "UPDATE strike_pay_runs SET status = 'approved', approved_by = $1, approved_at = $2 \
             WHERE branch_id = $3 AND id = $4 AND status = 'draft'",
        )
        .bind(by.map(|u| u.0))
        .bind(to_secs(Utc::now()))
        .bind(branch.0)
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() == 0 {
            let here: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM strike_pay_runs WHERE branch_id = $1 AND id = $2",
            )
            .bind(branch.0)
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await?;
            return Err(match here {
                Some(_) => StoreError::Conflict("approval"),
                None => StoreError::NotFound,
            });
        }
        // The days the run pays, taken out of each member's JSON by the database.
        sqlx::query(match backend {
            Backend::Sqlite => {
                "INSERT INTO strike_pay_days (member_id, day, branch_id, run_id, amount_pence) \
                 SELECT member_id, day, branch_id, run_id, amount FROM (SELECT r.member_id, \
                 json_extract(d.value, '$[0]') AS day, r.branch_id, r.run_id, \
                 json_extract(d.value, '$[2]') AS amount \
                 FROM strike_pay_run_members r, json_each(r.days) d \
                 WHERE r.branch_id = $1 AND r.run_id = $2) WHERE amount > 0"
            }
            Backend::Postgres => {
                "INSERT INTO strike_pay_days (member_id, day, branch_id, run_id, amount_pence) \
                 SELECT member_id, day, branch_id, run_id, amount FROM (SELECT r.member_id, \
                 d.value ->> 0 AS day, r.branch_id, r.run_id, CAST(d.value ->> 2 AS BIGINT) AS amount \
                 FROM strike_pay_run_members r, json_array_elements(CAST(r.days AS JSON)) d \
                 WHERE r.branch_id = $1 AND r.run_id = $2) AS paid WHERE amount > 0"
            }
        })
        .bind(branch.0)
        .bind(id.0)
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::conflict_on(e, "paid day"))?;
        let (total, first, last): (i64, String, String) = sqlx::query_as(
            "SELECT total_pence, first_day, last_day FROM strike_pay_runs WHERE branch_id = $1 AND id = $2",
        )
        .bind(branch.0)
        .bind(id.0)
        .fetch_one(&mut *conn)
        .await?;
        if total == 0 {
            return Ok(None);
        }
        let expense = standard_account_on(conn, branch, "strike-pay").await?;
        let owed = standard_account_on(conn, branch, "strike-pay-owed").await?;
        let memo = format!("Strike pay run {} ({first} to {last})", id.0);
        let t = BalancedTransaction::transfer(
            day,
            TransactionKind::StrikePay,
            &memo,
            expense,
            owed,
            Pence::from_pence(total),
        )
        .map_err(|e| StoreError::Refused(e.to_string()))?;
        let posted = post_on(conn, branch, &t, None, by).await?;
        sqlx::query(
            "UPDATE strike_pay_runs SET transaction_id = $1 WHERE branch_id = $2 AND id = $3",
        )
        .bind(posted.0)
        .bind(branch.0)
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
        Ok(Some(posted))
    }

    async fn pay_strike_pay(
        &mut self,
        branch: BranchId,
        member: MemberId,
        amount: Pence,
        day: NaiveDate,
        from: &str,
        by: Option<UserId>,
    ) -> StoreResult<PaymentId> {
        if amount <= Pence::ZERO {
            return Err(StoreError::Refused(
                "Give an amount of more than £0.00.".into(),
            ));
        }
        // Payments to one member take turns, so two cannot both fit under what is owed.
        let key = format!("{}:{}", branch.0, member.0);
        self.store
            .take_turn(&mut self.tx, TurnSpace::StrikePayOwed, &key)
            .await?;
        let conn = self.conn();
        let owed = owed_on(conn, branch, member).await?;
        if amount > owed {
            return Err(StoreError::Refused(format!(
                "The payment of {amount} is more than the {owed} this member is owed: pay at most {owed}."
            )));
        }
        let from_row =
            sqlx::query("SELECT id, kind FROM fund_accounts WHERE branch_id = $1 AND code = $2")
                .bind(branch.0)
                .bind(from)
                .fetch_optional(&mut *conn)
                .await?
                .ok_or(StoreError::NotFound)?;
        let kind: AccountKind = named(&from_row, "kind")?;
        if kind != AccountKind::Asset {
            return Err(StoreError::Refused(
                "Pay strike pay from an asset account, such as bank or cash.".into(),
            ));
        }
        let source = picket_domain::FundAccountId(from_row.try_get("id")?);
        let owed_account = standard_account_on(conn, branch, "strike-pay-owed").await?;
        let t = BalancedTransaction::transfer(
            day,
            TransactionKind::Payment,
            "Strike pay paid",
            owed_account,
            source,
            amount,
        )
        .map_err(|e| StoreError::Refused(e.to_string()))?;
        let posted = post_on(conn, branch, &t, None, by).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO strike_pay_payments (branch_id, member_id, amount_pence, paid_on, transaction_id, paid_by, paid_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(branch.0)
        .bind(member.0)
        .bind(amount.pence())
        .bind(date_text(Some(day)))
        .bind(posted.0)
        .bind(by.map(|u| u.0))
        .bind(to_secs(Utc::now()))
        .fetch_one(&mut *conn)
        .await?;
        Ok(PaymentId(id))
    }
}

#[async_trait]
impl StrikePayStore for SqlStore {
    async fn pay_policy(
        &self,
        branch: BranchId,
        dispute: DisputeId,
    ) -> StoreResult<Option<PayPolicy>> {
        let mut conn = self.pool().acquire().await?;
        policy_on(&mut conn, branch, dispute).await
    }

    async fn pay_run(&self, branch: BranchId, id: PayRunId) -> StoreResult<PayRun> {
        let row = sqlx::query(&format!(
            "SELECT {RUN_COLUMNS} FROM strike_pay_runs WHERE branch_id = $1 AND id = $2"
        ))
        .bind(branch.0)
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        let mut lines = Vec::new();
        for r in sqlx::query(
            "SELECT member_id, days FROM strike_pay_run_members \
             WHERE branch_id = $1 AND run_id = $2 ORDER BY member_id",
        )
        .bind(branch.0)
        .bind(id.0)
        .fetch_all(self.pool())
        .await?
        {
            let member_id = MemberId(r.try_get("member_id")?);
            let text: String = r.try_get("days")?;
            let mut days: Vec<(String, Option<String>, i64, String)> = serde_json::from_str(&text)
                .map_err(|_| super::corrupt("pay run days of member", &member_id.to_string()))?;
            days.sort_by(|a, b| a.0.cmp(&b.0));
            for (day, status, amount, working) in days {
                lines.push(PayRunLine {
                    member_id,
                    day: day
                        .parse()
                        .map_err(|_| super::corrupt("pay run day", &day))?,
                    status: status
                        .map(|s| DayStatus::parse(&s).ok_or_else(|| super::corrupt("status", &s)))
                        .transpose()?,
                    amount: Pence::from_pence(amount),
                    working,
                });
            }
        }
        run_from_row(&row, lines)
    }

    async fn strike_pay_owed(&self, branch: BranchId, member: MemberId) -> StoreResult<Pence> {
        let mut conn = self.pool().acquire().await?;
        owed_on(&mut conn, branch, member).await
    }

    async fn pay_runs(&self, branch: BranchId, dispute: DisputeId) -> StoreResult<Vec<PayRun>> {
        sqlx::query(&format!(
            "SELECT {RUN_COLUMNS} FROM strike_pay_runs WHERE branch_id = $1 AND dispute_id = $2 \
             ORDER BY id DESC"
        ))
        .bind(branch.0)
        .bind(dispute.0)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|row| run_from_row(row, Vec::new()))
        .collect()
    }

    async fn strike_pay_statement(
        &self,
        branch: BranchId,
        member: MemberId,
    ) -> StoreResult<StrikePayStatement> {
        let days = sqlx::query(
            "SELECT day, amount_pence, run_id FROM strike_pay_days \
             WHERE branch_id = $1 AND member_id = $2 ORDER BY day",
        )
        .bind(branch.0)
        .bind(member.0)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(PaidDay {
                day: date(r, "day")?,
                amount: Pence::from_pence(r.try_get("amount_pence")?),
                run_id: PayRunId(r.try_get("run_id")?),
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
        let payments = sqlx::query(
            "SELECT id, member_id, amount_pence, paid_on, transaction_id FROM strike_pay_payments \
             WHERE branch_id = $1 AND member_id = $2 ORDER BY paid_on, id",
        )
        .bind(branch.0)
        .bind(member.0)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(StrikePayPayment {
                id: PaymentId(r.try_get("id")?),
                member_id: MemberId(r.try_get("member_id")?),
                amount: Pence::from_pence(r.try_get("amount_pence")?),
                paid_on: date(r, "paid_on")?,
                transaction_id: FundTransactionId(r.try_get("transaction_id")?),
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
        let due: i64 = days.iter().map(|d| d.amount.pence()).sum();
        let paid: i64 = payments.iter().map(|p| p.amount.pence()).sum();
        Ok(StrikePayStatement {
            member_id: member,
            days,
            payments,
            due: Pence::from_pence(due),
            paid: Pence::from_pence(paid),
            owed: Pence::from_pence(due - paid),
        })
    }

    async fn strike_pay_balances(&self, branch: BranchId) -> StoreResult<Vec<MemberOwed>> {
        let rows = sqlx::query(
            "SELECT d.member_id, d.due, CAST(COALESCE(p.paid, 0) AS BIGINT) AS paid FROM \
             (SELECT member_id, CAST(SUM(amount_pence) AS BIGINT) AS due FROM strike_pay_days \
              WHERE branch_id = $1 GROUP BY member_id) d \
             LEFT JOIN (SELECT member_id, CAST(SUM(amount_pence) AS BIGINT) AS paid \
              FROM strike_pay_payments WHERE branch_id = $1 GROUP BY member_id) p \
             ON p.member_id = d.member_id ORDER BY d.member_id",
        )
        .bind(branch.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let due: i64 = r.try_get("due")?;
                let paid: i64 = r.try_get("paid")?;
                Ok(MemberOwed {
                    member_id: MemberId(r.try_get("member_id")?),
                    due: Pence::from_pence(due),
                    paid: Pence::from_pence(paid),
                    owed: Pence::from_pence(due - paid),
                })
            })
            .collect()
    }
}
