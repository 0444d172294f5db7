//! The demo dispute's picket locations (invented places), so its campaign page shows where
//! the pickets are.

use picket_domain::pickets::PicketPlace;
use picket_domain::DisputeId;
use picket_store::Branch;
use picket_web::AppState;

/// Invented picket lines: place, address, times, map link.
const PLACES: &[(&str, &str, &str, &str)] = &[
    (
        "Civic Centre, main entrance",
        "Civic Centre, Market Square, Northfield",
        "7.30am to 10am on every strike day",
        "https://www.openstreetmap.org/search?query=Market%20Square",
    ),
    (
        "Community mental health team base, Riverside House",
        "Riverside House, Mill Lane, Northfield",
        "8am to 10am on strike days; rally at 12.30pm on the first day of each period",
        "",
    ),
];

/// Adds the demo's picket locations to dispute `dispute`.
pub async fn seed(state: &AppState, branch: &Branch, dispute: DisputeId) -> anyhow::Result<()> {
    let mut work = state.store.begin().await?;
    for (place, address, times, map) in PLACES {
        let place = PicketPlace::parse(place, address, times, map)
            .map_err(|e| anyhow::anyhow!("demo picket location: {e}"))?;
        work.add_picket_location(branch.id, dispute, &place).await?;
    }
    work.commit().await?;
    Ok(())
}
