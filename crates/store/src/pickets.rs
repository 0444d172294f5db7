//! Picket locations: where a dispute's picket lines stand and when, as organisers enter them
//! for the public campaign page. Places only, never people.

use crate::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use picket_domain::pickets::PicketPlace;
use picket_domain::{BranchId, DisputeId, PicketLocationId};
use serde::Serialize;

/// A stored picket location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PicketLocation {
    /// Its id.
    pub id: PicketLocationId,
    /// Its dispute.
    pub dispute_id: DisputeId,
    /// The place and when to come.
    #[serde(flatten)]
    pub place: PicketPlace,
    /// When it was last changed.
    pub updated_at: DateTime<Utc>,
}

/// Reading picket locations. Every method takes the branch and the dispute: a location of
/// another dispute or branch is [`StoreError::NotFound`](crate::StoreError::NotFound).
#[async_trait]
pub trait PicketStore: Send + Sync {
    /// A dispute's locations in the order they were added.
    async fn picket_locations(
        &self,
        branch: BranchId,
        dispute: DisputeId,
    ) -> StoreResult<Vec<PicketLocation>>;
}

/// Changing picket locations, within a [`UnitOfWork`](crate::UnitOfWork). The dispute is
/// checked in each statement: a location of another dispute or branch is
/// [`StoreError::NotFound`](crate::StoreError::NotFound).
#[async_trait]
pub trait PicketWrites: Send {
    /// Adds a location to a dispute; returns its id.
    async fn add_picket_location(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        place: &PicketPlace,
    ) -> StoreResult<PicketLocationId>;
    /// Replaces a location's values.
    async fn update_picket_location(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PicketLocationId,
        place: &PicketPlace,
    ) -> StoreResult<()>;
    /// Deletes a location.
    async fn delete_picket_location(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PicketLocationId,
    ) -> StoreResult<()>;
}
