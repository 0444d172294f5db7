//! Picket locations.

use super::{from_secs, to_secs, SqlStore, SqlWork};
use crate::pickets::{PicketLocation, PicketStore, PicketWrites};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use chrono::Utc;
use picket_domain::pickets::PicketPlace;
use picket_domain::{BranchId, DisputeId, PicketLocationId};
use sqlx::Row;

#[async_trait]
impl PicketWrites for SqlWork {
    async fn add_picket_location(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        place: &PicketPlace,
    ) -> StoreResult<PicketLocationId> {
        // The dispute is checked by the statement: no row of the branch's, nothing inserted.
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO picket_locations (branch_id, dispute_id, place, address, times, map_url, created_at, updated_at) \
             SELECT branch_id, id, $3, $4, $5, $6, $7, $7 FROM disputes WHERE branch_id = $1 AND id = $2 \
             RETURNING id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(&place.place)
        .bind(&place.address)
        .bind(&place.times)
        .bind(place.map_url.as_deref())
        .bind(to_secs(Utc::now()))
        .fetch_optional(self.conn())
        .await?;
        let id = id.map(PicketLocationId).ok_or(StoreError::NotFound)?;
        // A location is a site with one entrance until an organiser names more.
        sqlx::query(
            "INSERT INTO picket_entrances (branch_id, dispute_id, location_id, name, created_at) \
             VALUES ($1, $2, $3, 'Main entrance', $4)",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .bind(to_secs(Utc::now()))
        .execute(self.conn())
        .await?;
        Ok(id)
    }

    async fn update_picket_location(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PicketLocationId,
        place: &PicketPlace,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE picket_locations SET place = $1, address = $2, times = $3, map_url = $4, updated_at = $5 \
             WHERE branch_id = $6 AND dispute_id = $7 AND id = $8",
        )
        .bind(&place.place)
        .bind(&place.address)
        .bind(&place.times)
        .bind(place.map_url.as_deref())
        .bind(to_secs(Utc::now()))
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }

    async fn delete_picket_location(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: PicketLocationId,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "DELETE FROM picket_locations WHERE branch_id = $1 AND dispute_id = $2 AND id = $3",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .bind(id.0)
        .execute(self.conn())
        .await?;
        super::found(&done)
    }
}

#[async_trait]
impl PicketStore for SqlStore {
    async fn picket_locations(
        &self,
        branch: BranchId,
        dispute: DisputeId,
    ) -> StoreResult<Vec<PicketLocation>> {
        let rows = sqlx::query(
            "SELECT id, dispute_id, place, address, times, map_url, updated_at FROM picket_locations \
             WHERE branch_id = $1 AND dispute_id = $2 ORDER BY id",
        )
        .bind(branch.0)
        .bind(dispute.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(PicketLocation {
                    id: PicketLocationId(row.try_get("id")?),
                    dispute_id: DisputeId(row.try_get("dispute_id")?),
                    place: PicketPlace {
                        place: row.try_get("place")?,
                        address: row.try_get("address")?,
                        times: row.try_get("times")?,
                        map_url: row.try_get("map_url")?,
                    },
                    updated_at: from_secs(row.try_get("updated_at")?),
                })
            })
            .collect()
    }
}
