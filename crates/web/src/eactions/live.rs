//! A campaign's live count, carried by the wall's broadcast ([`crate::wall::LiveEvent`]).
//!
//! The signature writer announces `eaction.signed` for each campaign its batches counted, at
//! most every 100 ms; the wall's forwarder hands it here. A campaign someone in this process is watching has its count read once, a
//! moment later (so a burst of batches costs one read, not one per batch), and the new figure
//! goes to every open page of that campaign. Nobody watching: nothing is read.

use crate::error::AppResult;
use crate::state::AppState;
use crate::wall::LiveEvent;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use picket_domain::{BranchId, DisputeId, EactionId};
use std::convert::Infallible;
use std::time::Duration;

/// How long a count waits for more signatures before it is read and sent.
const GATHER: Duration = Duration::from_millis(250);

/// A campaign's new count, as open pages receive it.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct CountEvent {
    /// The campaign.
    #[serde(skip)]
    pub eaction: EactionId,
    /// Signatures that count.
    pub signatures: u64,
}

/// A campaign watched in this process.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Watched {
    branch: BranchId,
    dispute: DisputeId,
    /// A read is already on its way.
    pending: bool,
}

/// `eaction.signed` arrived (`{"branch":…,"eaction":…}`): a watched campaign's count is read
/// shortly and sent to its pages.
pub fn count_changed(state: &AppState, payload: &str) {
    #[derive(serde::Deserialize)]
    struct Signed {
        eaction: EactionId,
    }
    let Ok(Signed { eaction }) = serde_json::from_str::<Signed>(payload) else {
        return;
    };
    let watched = {
        let mut map = state
            .eactions
            .watched
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        match map.get_mut(&eaction) {
            Some(w) if !w.pending => {
                w.pending = true;
                *w
            }
            _ => return,
        }
    };
    let state = state.clone();
    tokio::spawn(async move {
        tokio::time::sleep(GATHER).await;
        if let Some(w) = state
            .eactions
            .watched
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(&eaction)
        {
            w.pending = false;
        }
        match state
            .store
            .signature_counts(watched.branch, watched.dispute, eaction)
            .await
        {
            Ok(counts) => {
                // Nobody listening is fine: the page shows the count on its next load.
                let _ = state.live_events.send(LiveEvent::Count(CountEvent {
                    eaction,
                    signatures: counts.confirmed,
                }));
            }
            Err(e) => tracing::warn!(error = %e, "could not read a campaign's count"),
        }
    });
}

/// GET /{branch}/disputes/{id}/actions/{eaction}/events: the campaign's count as Server-Sent
/// Events (`event: counters`, JSON `{"signatures": n}`): once at once, then whenever it
/// changes. Without JavaScript the page shows the count as it was when it loaded.
pub async fn events(
    State(state): State<AppState>,
    Path((slug, dispute, id)): Path<(String, DisputeId, EactionId)>,
) -> AppResult<Sse<impl futures::Stream<Item = Result<Event, Infallible>>>> {
    use futures::StreamExt;
    let c = super::public_campaign(&state, &slug, dispute, id).await?;
    state
        .eactions
        .watched
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(id)
        .or_insert(Watched {
            branch: c.branch.id,
            dispute,
            pending: false,
        });
    // Subscribed before the first count is read, so no change falls between the two.
    let receiver = state.live_events.subscribe();
    let now = state
        .store
        .signature_counts(c.branch.id, dispute, id)
        .await?;
    let first = CountEvent {
        eaction: id,
        signatures: now.confirmed,
    };
    let later = tokio_stream::wrappers::BroadcastStream::new(receiver).filter_map(move |event| {
        let wanted = match event {
            Ok(LiveEvent::Count(e)) if e.eaction == id => Some(e),
            _ => None,
        };
        async move { wanted }
    });
    let stream = futures::stream::once(async move { first })
        .chain(later)
        .filter_map(
            |e| async move { Event::default().event("counters").json_data(e).ok().map(Ok) },
        );
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
