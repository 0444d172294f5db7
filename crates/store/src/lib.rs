//! The storage boundary: the [`Store`] trait the web layer and the CLI program against, the row
//! models it returns, the unit of work every change is written through, and (with the `contract`
//! feature, for tests only) the contract tests every backend runs.
//!
//! Both backends share one SQL implementation ([`sql::SqlStore`]) over sqlx's `Any` driver: the
//! SQL is written once with `$n` placeholders, which SQLite and PostgreSQL both accept. The
//! backend crates supply only what differs: connection setup, migrations and locking.

pub mod archive;
mod audit;
mod auth;
pub mod bargaining;
#[cfg(feature = "contract")]
pub mod contract;
pub mod correspondence;
mod directory;
pub mod dispute_edits;
pub mod disputes;
pub mod eactions;
mod error;
pub mod events;
pub mod fund;
pub mod hardship;
pub mod member_data;
pub mod members;
mod models;
pub mod monitor;
mod outbox;
pub mod pickets;
pub mod retention;
pub mod shifts;
pub mod signing;
pub mod sql;
pub mod strike_days;
pub mod strike_pay;
pub mod turnout;
mod unit;
pub mod wall;

pub use audit::{AuditFilter, AuditStore};
pub use auth::{Attempt, AttemptLimit, AttemptTicket, AuthStore, AuthWrites};
pub use bargaining::{BargainingStore, BargainingWrites};
pub use correspondence::{CorrespondenceStore, CorrespondenceWrites};
pub use directory::{DirectoryStore, DirectoryWrites, NewBranchUser};
pub use dispute_edits::DisputeEditWrites;
pub use disputes::{DisputeStore, DisputeWrites};
pub use eactions::{EactionStore, EactionWrites};
pub use events::{EventStore, StoreEvent};
pub use fund::{FundStore, FundWrites};
pub use hardship::{HardshipStore, HardshipWrites};
pub use member_data::{MemberDataStore, MemberDataWrites};
pub use members::{MemberStore, MemberWrites};
pub use monitor::{MonitorStore, MonitorWrites};
pub use outbox::OutboxStore;
pub use pickets::{PicketStore, PicketWrites};
pub use retention::{RetentionStore, RetentionWrites};
pub use shifts::{ShiftStore, ShiftWrites};
pub use strike_days::{StrikeDayStore, StrikeDayWrites};
pub use strike_pay::{StrikePayStore, StrikePayWrites};
pub use turnout::{TurnoutStore, TurnoutWrites};
pub use unit::UnitOfWork;
pub use wall::{WallStore, WallWrites};

pub use error::StoreError;
pub use models::*;

use async_trait::async_trait;

/// Shorthand for store results.
pub type StoreResult<T> = Result<T, StoreError>;

/// Everything Picket keeps, one sub-trait per area. Branch-owned reads take the branch and
/// never return another branch's rows: a record outside the caller's branch is
/// [`StoreError::NotFound`].
#[async_trait]
pub trait Store:
    DirectoryStore
    + EventStore
    + AuthStore
    + AuditStore
    + OutboxStore
    + WallStore
    + DisputeStore
    + BargainingStore
    + MemberStore
    + MemberDataStore
    + PicketStore
    + FundStore
    + HardshipStore
    + StrikeDayStore
    + StrikePayStore
    + ShiftStore
    + TurnoutStore
    + RetentionStore
    + EactionStore
    + CorrespondenceStore
    + MonitorStore
    + Send
    + Sync
    + 'static
{
    /// Which engine this is, for logs and `/healthz`.
    fn backend(&self) -> Backend;

    /// Opens a unit of work: the one way a change is written (see [`UnitOfWork`]).
    async fn begin(&self) -> StoreResult<Box<dyn UnitOfWork>>;

    /// Answers when the database does.
    async fn health(&self) -> StoreResult<()>;
}

/// The database engine behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default.
    Sqlite,
    /// The scale-out engine.
    Postgres,
}

impl Backend {
    /// The engine's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The traits a caller needs in scope to use a `dyn Store`.
pub mod prelude {
    pub use crate::{
        AuditStore, AuthStore, AuthWrites, BargainingStore, BargainingWrites, CorrespondenceStore,
        CorrespondenceWrites, DirectoryStore, DirectoryWrites, DisputeEditWrites, DisputeStore,
        DisputeWrites, EactionStore, EactionWrites, EventStore, FundStore, FundWrites,
        HardshipStore, HardshipWrites, MemberDataStore, MemberDataWrites, MemberStore,
        MemberWrites, MonitorStore, MonitorWrites, OutboxStore, PicketStore, PicketWrites,
        RetentionStore, RetentionWrites, ShiftStore, ShiftWrites, Store, StrikeDayStore,
        StrikeDayWrites, StrikePayStore, StrikePayWrites, TurnoutStore, TurnoutWrites, UnitOfWork,
        WallStore, WallWrites,
    };
}
