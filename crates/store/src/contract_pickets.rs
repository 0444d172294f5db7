//! Contract tests for picket locations.

use crate::disputes::NewDispute;
use crate::prelude::*;
use crate::StoreError;
use picket_domain::disputes::DisputeStatus;
use picket_domain::pickets::PicketPlace;
use picket_domain::{Division, Nation};
use std::sync::Arc;

fn place(name: &str, map: &str) -> PicketPlace {
    PicketPlace::parse(name, "1 High Street, Northfield", "7.30am to 10am", map).expect("valid")
}

/// Locations are added, listed in order, changed and deleted within their dispute; another
/// dispute or branch neither lists, changes nor deletes them.
pub async fn picket_locations_are_kept_per_dispute(store: Arc<dyn Store>) {
    let a = store
        .create_branch(
            &"pickets-a".parse().unwrap(),
            "A",
            Division::EnglandAndWales,
        )
        .await
        .unwrap();
    let b = store
        .create_branch(
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
    let one = store.create_dispute(a.id, &new).await.unwrap();
    let two = store.create_dispute(a.id, &new).await.unwrap();
    let theirs = store.create_dispute(b.id, &new).await.unwrap();

    let gate = store
        .add_picket_location(a.id, one.id, &place("Civic Centre gate", ""))
        .await
        .unwrap();
    let depot = store
        .add_picket_location(
            a.id,
            one.id,
            &place(
                "Depot",
                "https://www.openstreetmap.org/?mlat=52.1&mlon=-1.2",
            ),
        )
        .await
        .unwrap();
    store
        .add_picket_location(a.id, two.id, &place("Elsewhere", ""))
        .await
        .unwrap();
    let listed = store.picket_locations(a.id, one.id).await.unwrap();
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
    assert_eq!(listed[1].dispute_id, one.id);

    // Another branch cannot add to, list, change or delete this dispute's locations.
    assert!(matches!(
        store
            .add_picket_location(b.id, one.id, &place("Sneaky", ""))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(store
        .picket_locations(b.id, one.id)
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        store
            .update_picket_location(b.id, one.id, gate, &place("Sneaky", ""))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_picket_location(b.id, theirs.id, gate).await,
        Err(StoreError::NotFound)
    ));
    // Nor can another dispute of the same branch.
    assert!(matches!(
        store.delete_picket_location(a.id, two.id, gate).await,
        Err(StoreError::NotFound)
    ));

    store
        .update_picket_location(a.id, one.id, gate, &place("Civic Centre, main gate", ""))
        .await
        .unwrap();
    store
        .delete_picket_location(a.id, one.id, depot)
        .await
        .unwrap();
    let listed = store.picket_locations(a.id, one.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].place.place, "Civic Centre, main gate");
    assert_eq!(store.picket_locations(a.id, two.id).await.unwrap().len(), 1);
}
