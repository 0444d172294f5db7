//! The strike-breaking monitor: reports of agencies or contractors covering strikers' work,
//! and the letters (in the correspondence log) sent to them.

use crate::correspondence::Letter;
use crate::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use picket_domain::monitor::{NewReport, Outcome};
use picket_domain::{BranchId, DisputeId, LetterId, ReportId};
use serde::Serialize;

/// A stored report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Its id.
    pub id: ReportId,
    /// Its dispute.
    pub dispute_id: DisputeId,
    /// What was reported.
    #[serde(flatten)]
    pub report: NewReport,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

/// Reading the monitor.
#[async_trait]
pub trait MonitorStore: Send + Sync {
    /// A dispute's reports, in the order learned of.
    async fn reports(&self, branch: BranchId, dispute: DisputeId) -> StoreResult<Vec<Report>>;
    /// One report.
    async fn report(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        id: ReportId,
    ) -> StoreResult<Report>;
    /// The letters linked to a report, in the order sent.
    async fn report_letters(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        id: ReportId,
    ) -> StoreResult<Vec<Letter>>;
}

/// Changing the monitor, within a [`UnitOfWork`](crate::UnitOfWork).
#[async_trait]
pub trait MonitorWrites: Send {
    /// Records a report.
    async fn add_report(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        report: &NewReport,
    ) -> StoreResult<ReportId>;
    /// Replaces a report's values.
    async fn update_report(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: ReportId,
        report: &NewReport,
    ) -> StoreResult<()>;
    /// Records what came of a report.
    async fn set_outcome(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: ReportId,
        outcome: Outcome,
    ) -> StoreResult<()>;
    /// Links a letter of the same dispute to a report (linking twice changes nothing).
    async fn link_letter(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: ReportId,
        letter: LetterId,
    ) -> StoreResult<()>;
}
