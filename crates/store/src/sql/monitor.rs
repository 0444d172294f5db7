//! The strike-breaking monitor.

use super::correspondence::{letter_row, LETTER_COLUMNS};
use super::decode::{date, named};
use super::{from_secs, to_secs, SqlStore, SqlWork};
use crate::correspondence::Letter;
use crate::monitor::{MonitorStore, MonitorWrites, Report};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use chrono::Utc;
use picket_domain::disputes::Named;
use picket_domain::monitor::{NewReport, Outcome};
use picket_domain::{BranchId, DisputeId, LetterId, ReportId};
use sqlx::any::AnyRow;
use sqlx::Row;

const REPORT_COLUMNS: &str =
    "id, dispute_id, who, service, learned_on, evidence, outcome, created_at";

fn report_row(row: &AnyRow) -> StoreResult<Report> {
    Ok(Report {
        id: ReportId(row.try_get("id")?),
        dispute_id: DisputeId(row.try_get("dispute_id")?),
        report: NewReport {
            who: row.try_get("who")?,
            service: row.try_get("service")?,
            learned_on: date(row, "learned_on")?,
            evidence: row.try_get("evidence")?,
            outcome: named(row, "outcome")?,
        },
        created_at: from_secs(row.try_get("created_at")?),
    })
}

#[async_trait]
impl MonitorStore for SqlStore {
    async fn reports(&self, branch: BranchId, dispute: DisputeId) -> StoreResult<Vec<Report>> {
        let rows = sqlx::query(&format!(
            "SELECT {REPORT_COLUMNS} FROM strikebreaking_reports WHERE branch_id = $1 AND dispute_id = $2 \
             ORDER BY learned_on, id"
        ))
        .bind(branch.0)
        .bind(dispute.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(report_row).collect()
    }

    async fn report(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        id: ReportId,
    ) -> StoreResult<Report> {
        let row = sqlx::query(&format!(
            "SELECT {REPORT_COLUMNS} FROM strikebreaking_reports WHERE branch_id = $1 AND dispute_id = $2 AND id = $3"
        ))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        report_row(&row)
    }

    async fn report_letters(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        id: ReportId,
    ) -> StoreResult<Vec<Letter>> {
        self.report(branch, dispute, id).await?;
        let rows = sqlx::query(&format!(
            "SELECT {LETTER_COLUMNS} FROM correspondence c JOIN strikebreaking_letters l ON l.letter_id = c.id \
             WHERE l.branch_id = $1 AND l.report_id = $2 AND c.dispute_id = $3 ORDER BY c.sent_on, c.id"
        ))
        .bind(branch.0)
        .bind(id.0)
        .bind(dispute.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(letter_row).collect()
    }
}

#[async_trait]
impl MonitorWrites for SqlWork {
    async fn add_report(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        report: &NewReport,
    ) -> StoreResult<ReportId> {
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO strikebreaking_reports (branch_id, dispute_id, who, service, learned_on, evidence, outcome, \
               created_at, updated_at) \
             SELECT branch_id, id, $3, $4, $5, $6, $7, $8, $8 FROM disputes WHERE branch_id = $1 AND id = $2 RETURNING id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(&report.who)
        .bind(&report.service)
        .bind(report.learned_on.format("%Y-%m-%d").to_string())
        .bind(&report.evidence)
        .bind(report.outcome.as_str())
        .bind(to_secs(Utc::now()))
        .fetch_optional(self.conn())
        .await?;
        super::decode::found_id(id, ReportId)
    }

    async fn update_report(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: ReportId,
        report: &NewReport,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE strikebreaking_reports SET who = $1, service = $2, learned_on = $3, evidence = $4, outcome = $5, \
               updated_at = $6 WHERE branch_id = $7 AND dispute_id = $8 AND id = $9",
        )
        .bind(&report.who)
        .bind(&report.service)
        .bind(report.learned_on.format("%Y-%m-%d").to_string())
        .bind(&report.evidence)
        .bind(report.outcome.as_str())
        .bind(to_secs(Utc::now()))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    async fn set_outcome(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: ReportId,
        outcome: Outcome,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE strikebreaking_reports SET outcome = $1, updated_at = $2 WHERE branch_id = $3 AND dispute_id = $4 AND id = $5",
        )
        .bind(outcome.as_str())
        .bind(to_secs(Utc::now()))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    async fn link_letter(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: ReportId,
        letter: LetterId,
    ) -> StoreResult<()> {
        // Both must be the dispute's: the SELECT finds no row otherwise, and nothing is linked.
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT r.id FROM strikebreaking_reports r JOIN correspondence c \
               ON c.branch_id = r.branch_id AND c.dispute_id = r.dispute_id \
             WHERE r.branch_id = $1 AND r.dispute_id = $2 AND r.id = $3 AND c.id = $4",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .bind(letter.0)
        .fetch_optional(self.conn())
        .await?;
        found.ok_or(StoreError::NotFound)?;
        sqlx::query(
            "INSERT INTO strikebreaking_letters (branch_id, report_id, letter_id) VALUES ($1, $2, $3) \
             ON CONFLICT (report_id, letter_id) DO NOTHING",
        )
        .bind(branch.0)
        .bind(id.0)
        .bind(letter.0)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
