//! Contract tests for picket locations.

use crate::contract::Setup;
use crate::disputes::NewDispute;
use crate::prelude::*;
use crate::{StoreError, StoreResult};
use picket_domain::disputes::DisputeStatus;
use picket_domain::pickets::PicketPlace;
use picket_domain::{BranchId, DisputeId, Division, Nation, PicketLocationId};
use std::sync::Arc;

fn place(name: &str, map: &str) -> PicketPlace {
    PicketPlace::parse(name, "1 High Street, Northfield", "7.30am to 10am", map).expect("valid")
}

async fn add(
    store: &dyn Store,
    branch: BranchId,
    dispute: DisputeId,
    place: &PicketPlace,
) -> StoreResult<PicketLocationId> {
    let mut w = store.begin().await?;
    let out = w.add_picket_location(branch, dispute, place).await?;
    w.commit().await?;
    Ok(out)
}

async fn update(
    store: &dyn Store,
    branch: BranchId,
    dispute: DisputeId,
    id: PicketLocationId,
    place: &PicketPlace,
) -> StoreResult<()> {
    let mut w = store.begin().await?;
    w.update_picket_location(branch, dispute, id, place).await?;
    w.commit().await
}

async fn delete(
    store: &dyn Store,
    branch: BranchId,
    dispute: DisputeId,
    id: PicketLocationId,
) -> StoreResult<()> {
    let mut w = store.begin().await?;
    w.delete_picket_location(branch, dispute, id).await?;
    w.commit().await
}

/// Locations are added, listed in order, changed and deleted within their dispute; another
/// dispute or branch neither lists, changes nor deletes them.
pub async fn picket_locations_are_kept_per_dispute(store: Arc<dyn Store>) {
    let a = store
        .setup_branch(
            &"pickets-a".parse().unwrap(),
            "A",
            Division::EnglandAndWales,
        )
        .await
        .unwrap();
    let b = store
        .setup_branch(
            &"pickets-b".parse().unwrap(),
            "B",
            Division::EnglandAndWales,
        )
        .await
        .unwrap();
    let new = NewDispute {
        title: "Pay".into(),
        employer: "A council".into(),
        nation: Nation::England,
        status: DisputeStatus::InAction,
        summary: String::new(),
    };
    let one = crate::contract::disputes::create_dispute(&*store, a.id, &new)
        .await
        .unwrap();
    let one_id = one.id;
    let two = crate::contract::disputes::create_dispute(&*store, a.id, &new)
        .await
        .unwrap();
    let two_id = two.id;
    let theirs = crate::contract::disputes::create_dispute(&*store, b.id, &new)
        .await
        .unwrap()
        .id;

    let gate = add(&*store, a.id, one_id, &place("Civic Centre gate", ""))
        .await
        .unwrap();
    let depot = add(
        &*store,
        a.id,
        one_id,
        &place(
            "Depot",
            "https://www.openstreetmap.org/?mlat=52.1&mlon=-1.2",
        ),
    )
    .await
    .unwrap();
    add(&*store, a.id, two_id, &place("Elsewhere", ""))
        .await
        .unwrap();
    let listed = store.picket_locations(a.id, one_id).await.unwrap();
    assert_eq!(
        listed.iter().map(|l| l.id).collect::<Vec<_>>(),
        vec![gate, depot]
    );
    assert_eq!(listed[0].place.place, "Civic Centre gate");
    assert_eq!(listed[0].place.map_url, None);
    assert_eq!(
        listed[1].place.map_url.as_deref(),
        Some("https://www.openstreetmap.org/?mlat=52.1&mlon=-1.2")
    );
    assert_eq!(listed[1].dispute_id, one_id);

    // Another branch cannot add to, list, change or delete this dispute's locations.
    assert!(matches!(
        add(&*store, b.id, one_id, &place("Sneaky", "")).await,
        Err(StoreError::NotFound)
    ));
    assert!(store
        .picket_locations(b.id, one_id)
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        update(&*store, b.id, one_id, gate, &place("Sneaky", "")).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        delete(&*store, b.id, theirs, gate).await,
        Err(StoreError::NotFound)
    ));
    // Nor can another dispute of the same branch.
    assert!(matches!(
        delete(&*store, a.id, two_id, gate).await,
        Err(StoreError::NotFound)
    ));

    update(
        &*store,
        a.id,
        one_id,
        gate,
        &place("Civic Centre, main gate", ""),
    )
    .await
    .unwrap();
    delete(&*store, a.id, one_id, depot).await.unwrap();
    let listed = store.picket_locations(a.id, one_id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].place.place, "Civic Centre, main gate");
    assert_eq!(store.picket_locations(a.id, two_id).await.unwrap().len(), 1);
}
