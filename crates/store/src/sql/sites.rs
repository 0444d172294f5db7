//! Picket sites and their entrances.

use super::{from_secs, to_secs, SqlStore, SqlWork};
use crate::shifts::{Entrance, Site};
use crate::{StoreError, StoreResult};
use chrono::Utc;
use picket_domain::pickets::sites::SiteDetails;
use picket_domain::pickets::PicketPlace;
use picket_domain::{BranchId, DisputeId, PicketEntranceId, PicketLocationId};
use sqlx::Row;

async fn add_entrance(
    work: &mut SqlWork,
    branch: BranchId,
    dispute: DisputeId,
    site: PicketLocationId,
    name: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO picket_entrances (branch_id, dispute_id, location_id, name, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(branch.0)
    .bind(dispute.0)
    .bind(site.0)
    .bind(name)
    .bind(to_secs(Utc::now()))
    .execute(work.conn())
    .await
    .map_err(|e| StoreError::conflict_on(e, "entrance name"))?;
    Ok(())
}

/// Adds a site of the dispute with its entrances.
pub(crate) async fn add_site(
    work: &mut SqlWork,
    branch: BranchId,
    dispute: DisputeId,
    site: &SiteDetails,
) -> StoreResult<PicketLocationId> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO picket_locations (branch_id, dispute_id, place, address, times, map_url, notes, created_at, updated_at) \
         SELECT branch_id, id, $3, $4, $5, $6, $7, $8, $8 FROM disputes WHERE branch_id = $1 AND id = $2 \
         RETURNING id",
    )
    .bind(branch.0)
    .bind(dispute.0)
    .bind(&site.place.place)
    .bind(&site.place.address)
    .bind(&site.place.times)
    .bind(site.place.map_url.as_deref())
    .bind(&site.notes)
    .bind(to_secs(Utc::now()))
    .fetch_optional(work.conn())
    .await?;
    let id = id.map(PicketLocationId).ok_or(StoreError::NotFound)?;
    for name in &site.entrances {
        add_entrance(work, branch, dispute, id, name).await?;
    }
    Ok(id)
}

/// Changes a site; an entrance no longer named goes unless it has shifts, a new one is added.
pub(crate) async fn update_site(
    work: &mut SqlWork,
    branch: BranchId,
    dispute: DisputeId,
    id: PicketLocationId,
    site: &SiteDetails,
) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE picket_locations SET place = $1, address = $2, times = $3, map_url = $4, notes = $5, updated_at = $6 \
         WHERE branch_id = $7 AND dispute_id = $8 AND id = $9",
    )
    .bind(&site.place.place)
    .bind(&site.place.address)
    .bind(&site.place.times)
    .bind(site.place.map_url.as_deref())
    .bind(&site.notes)
    .bind(to_secs(Utc::now()))
    .bind(branch.0)
    .bind(dispute.0)
    .bind(id.0)
    .execute(work.conn())
    .await?;
    super::found(&done)?;
    let rows = sqlx::query("SELECT id, name FROM picket_entrances WHERE location_id = $1")
        .bind(id.0)
        .fetch_all(work.conn())
        .await?;
    let mut existing = Vec::new();
    for row in &rows {
        existing.push((
            row.try_get::<i64, _>("id")?,
            row.try_get::<String, _>("name")?,
        ));
    }
    let same = |a: &str, b: &str| a.to_lowercase() == b.to_lowercase();
    for (entrance, name) in &existing {
        if site.entrances.iter().any(|n| same(n, name)) {
            continue;
        }
        let shifts: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM picket_shifts WHERE entrance_id = $1")
                .bind(entrance)
                .fetch_one(work.conn())
                .await?;
        if shifts > 0 {
            return Err(StoreError::Conflict("an entrance with shifts"));
        }
        sqlx::query("DELETE FROM picket_entrances WHERE id = $1")
            .bind(entrance)
            .execute(work.conn())
            .await?;
    }
    for name in &site.entrances {
        match existing.iter().find(|(_, n)| same(n, name)) {
            // Same name, perhaps in other letters: keep the entrance, take the new spelling.
            Some((entrance, old)) if old != name => {
                sqlx::query("UPDATE picket_entrances SET name = $1 WHERE id = $2")
                    .bind(name)
                    .bind(entrance)
                    .execute(work.conn())
                    .await?;
            }
            Some(_) => {}
            None => add_entrance(work, branch, dispute, id, name).await?,
        }
    }
    Ok(())
}

/// The dispute's sites with their entrances.
pub(crate) async fn sites(
    store: &SqlStore,
    branch: BranchId,
    dispute: DisputeId,
) -> StoreResult<Vec<Site>> {
    let rows = sqlx::query(
        "SELECT id, dispute_id, place, address, times, map_url, notes, updated_at FROM picket_locations \
         WHERE branch_id = $1 AND dispute_id = $2 ORDER BY id",
    )
    .bind(branch.0)
    .bind(dispute.0)
    .fetch_all(store.pool())
    .await?;
    let doors = sqlx::query(
        "SELECT id, location_id, name FROM picket_entrances WHERE branch_id = $1 AND dispute_id = $2 ORDER BY id",
    )
    .bind(branch.0)
    .bind(dispute.0)
    .fetch_all(store.pool())
    .await?;
    let mut entrances = Vec::new();
    for d in &doors {
        entrances.push(Entrance {
            id: PicketEntranceId(d.try_get("id")?),
            site_id: PicketLocationId(d.try_get("location_id")?),
            name: d.try_get("name")?,
        });
    }
    rows.iter()
        .map(|row| {
            let id = PicketLocationId(row.try_get("id")?);
            let mine: Vec<Entrance> = entrances
                .iter()
                .filter(|e| e.site_id == id)
                .cloned()
                .collect();
            Ok(Site {
                id,
                dispute_id: DisputeId(row.try_get("dispute_id")?),
                details: SiteDetails {
                    place: PicketPlace {
                        place: row.try_get("place")?,
                        address: row.try_get("address")?,
                        times: row.try_get("times")?,
                        map_url: row.try_get("map_url")?,
                    },
                    notes: row.try_get("notes")?,
                    entrances: mine.iter().map(|e| e.name.clone()).collect(),
                },
                entrances: mine,
                updated_at: from_secs(row.try_get("updated_at")?),
            })
        })
        .collect()
}
