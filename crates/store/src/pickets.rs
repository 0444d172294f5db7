//! Picket locations: where a dispute's picket lines stand and when, as organisers enter them
//! for the public campaign page. Places only, never people.

use crate::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use picket_domain::pickets::PicketPlace;
use picket_domain::BranchId;
use serde::Serialize;

/// A stored picket location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PicketLocation {
    /// Its id.
    pub id: i64,
    /// Its dispute.
    pub dispute_id: i64,
    /// The place and when to come.
    #[serde(flatten)]
    pub place: PicketPlace,
    /// When it was last changed.
    pub updated_at: DateTime<Utc>,
}

/// Picket locations' storage. Every method takes the branch and the dispute: a location of
/// another dispute or branch is [`StoreError::NotFound`](crate::StoreError::NotFound).
#[async_trait]
pub trait PicketStore: Send + Sync {
    /// Adds a location to a dispute; returns its id.
    async fn add_picket_location(
        &self,
        branch: BranchId,
        dispute: i64,
        place: &PicketPlace,
    ) -> StoreResult<i64>;
    /// Replaces a location's values.
    async fn update_picket_location(
        &self,
        branch: BranchId,
        dispute: i64,
        id: i64,
        place: &PicketPlace,
    ) -> StoreResult<()>;
    /// Deletes a location.
    async fn delete_picket_location(
        &self,
        branch: BranchId,
        dispute: i64,
        id: i64,
    ) -> StoreResult<()>;
    /// A dispute's locations in the order they were added.
    async fn picket_locations(
        &self,
        branch: BranchId,
        dispute: i64,
    ) -> StoreResult<Vec<PicketLocation>>;
}
