//! Picket locations.

use super::disputes::owned_dispute;
use super::{from_secs, to_secs, SqlStore};
use crate::pickets::{PicketLocation, PicketStore};
use crate::StoreResult;
use async_trait::async_trait;
use chrono::Utc;
use picket_domain::pickets::PicketPlace;
use picket_domain::BranchId;
use sqlx::Row;

#[async_trait]
impl PicketStore for SqlStore {
    async fn add_picket_location(
        &self,
        branch: BranchId,
        dispute: i64,
        place: &PicketPlace,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        owned_dispute(&mut tx, branch, dispute).await?;
        let now = to_secs(Utc::now());
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO picket_locations (branch_id, dispute_id, place, address, times, map_url, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(branch.0)
        .bind(dispute)
        .bind(&place.place)
        .bind(&place.address)
        .bind(&place.times)
        .bind(place.map_url.as_deref())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn update_picket_location(
        &self,
        branch: BranchId,
        dispute: i64,
        id: i64,
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
        .bind(dispute)
        .bind(id)
        .execute(self.pool())
        .await?;
        super::found(&done)?;
        Ok(())
    }

    async fn delete_picket_location(
        &self,
        branch: BranchId,
        dispute: i64,
        id: i64,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "DELETE FROM picket_locations WHERE branch_id = $1 AND dispute_id = $2 AND id = $3",
        )
        .bind(branch.0)
        .bind(dispute)
        .bind(id)
        .execute(self.pool())
        .await?;
        super::found(&done)?;
        Ok(())
    }

    async fn picket_locations(
        &self,
        branch: BranchId,
        dispute: i64,
    ) -> StoreResult<Vec<PicketLocation>> {
        let rows = sqlx::query(
            "SELECT id, dispute_id, place, address, times, map_url, updated_at FROM picket_locations \
             WHERE branch_id = $1 AND dispute_id = $2 ORDER BY id",
        )
        .bind(branch.0)
        .bind(dispute)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(PicketLocation {
                    id: row.try_get("id")?,
                    dispute_id: row.try_get("dispute_id")?,
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
