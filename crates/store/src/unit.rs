//! The unit of work: one change, written together with its audit entries, the emails it
//! causes and the events it announces, and committed together or not at all.
//!
//! Every change a person makes goes through one:
//!
//! ```ignore
//! let mut work = store.begin().await?;
//! let id = work.add_picket_location(branch, dispute, &place).await?;
//! work.audit(actor.entry("dispute.picket.add", format!("picket-location:{id}"))).await?;
//! work.commit().await?;
//! ```
//!
//! [`Store::begin`](crate::Store::begin) opens it; the change's writes, its
//! [`audit`](UnitOfWork::audit) entry and any [`enqueue_email`](UnitOfWork::enqueue_email)
//! calls go into its one transaction, and [`commit`](UnitOfWork::commit) makes them all
//! visible at once. Dropping a unit without committing (an error returned with `?` does this)
//! rolls everything back: no change without its audit entry, no audit entry or email for a
//! change that did not happen.
//!
//! A step that fails spoils the unit: return the error rather than carrying on with it.
//!
//! Events are held until the commit and published after it, so a page is never told of a
//! change it cannot yet read. Emails keep their idempotency key: an email queued twice under
//! one key is sent once.

use crate::auth::AuthWrites;
use crate::bargaining::BargainingWrites;
use crate::correspondence::CorrespondenceWrites;
use crate::directory::DirectoryWrites;
use crate::dispute_edits::DisputeEditWrites;
use crate::disputes::DisputeWrites;
use crate::eactions::EactionWrites;
use crate::events::StoreEvent;
use crate::fund::FundWrites;
use crate::hardship::HardshipWrites;
use crate::member_data::MemberDataWrites;
use crate::members::MemberWrites;
use crate::monitor::MonitorWrites;
use crate::pickets::PicketWrites;
use crate::retention::RetentionWrites;
use crate::shifts::ShiftWrites;
use crate::strike_days::StrikeDayWrites;
use crate::strike_pay::StrikePayWrites;
use crate::turnout::TurnoutWrites;
use crate::wall::WallWrites;
use crate::{NewAuditEntry, NewOutboxEmail, StoreResult};
use async_trait::async_trait;
use picket_domain::OutboxJobId;

/// One change in progress. The writes of each area are its supertraits.
#[async_trait]
pub trait UnitOfWork:
    AuthWrites
    + DirectoryWrites
    + PicketWrites
    + DisputeWrites
    + DisputeEditWrites
    + BargainingWrites
    + FundWrites
    + HardshipWrites
    + MemberWrites
    + MemberDataWrites
    + RetentionWrites
    + StrikeDayWrites
    + StrikePayWrites
    + ShiftWrites
    + TurnoutWrites
    + WallWrites
    + EactionWrites
    + CorrespondenceWrites
    + MonitorWrites
    + Send
{
    /// Adds an entry to the audit log, committed with the change.
    async fn audit(&mut self, entry: NewAuditEntry) -> StoreResult<()>;
    /// Queues an email, committed with the change; a repeated `idempotency_key` is ignored and
    /// returns the first job's id.
    async fn enqueue_email(&mut self, email: NewOutboxEmail) -> StoreResult<OutboxJobId>;
    /// Announces an event to every process once the change is committed.
    fn publish(&mut self, event: StoreEvent);
    /// Makes the change, its audit entries and its emails visible together, then publishes
    /// its events.
    async fn commit(self: Box<Self>) -> StoreResult<()>;
}
