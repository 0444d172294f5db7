//! What a public request reads from the store, kept for a moment per process.
//!
//! A crowd on a public form (a sign-up for a picket shift, a signature) asks for the same
//! branch, dispute or campaign hundreds of times a second; reading it once every
//! [`FRESH`] instead leaves the database to the writes. A change made through this process
//! is seen at once ([`Recent::forget`] after it); one made by another process within
//! [`FRESH`].

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a value read is used before it is read again.
pub const FRESH: Duration = Duration::from_secs(2);

/// Values by key, each used for [`FRESH`] after it was read.
pub struct Recent<K, V>(Mutex<HashMap<K, (Instant, V)>>);

impl<K, V> Default for Recent<K, V> {
    fn default() -> Self {
        Self(Mutex::new(HashMap::new()))
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Recent<K, V> {
    /// The value of `key`: the one kept, if read less than [`FRESH`] ago, else `read()`'s
    /// (kept when it succeeds; an error is not kept).
    pub async fn get_or_read<E, F>(&self, key: &K, read: F) -> Result<V, E>
    where
        F: std::future::Future<Output = Result<V, E>>,
    {
        if let Some((at, value)) = self.lock().get(key) {
            if at.elapsed() < FRESH {
                return Ok(value.clone());
            }
        }
        let value = read.await?;
        let mut kept = self.lock();
        if kept.len() >= 10_000 {
            kept.retain(|_, (at, _)| at.elapsed() < FRESH);
        }
        kept.insert(key.clone(), (Instant::now(), value.clone()));
        Ok(value)
    }

    /// Forgets everything kept (after a change through this process).
    pub fn forget(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, (Instant, V)>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::Recent;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn reads_once_until_forgotten_and_keeps_no_error() {
        let recent: Recent<u8, usize> = Recent::default();
        let reads = AtomicUsize::new(0);
        let read = || async { Ok::<_, ()>(reads.fetch_add(1, Ordering::SeqCst) + 1) };
        assert_eq!(recent.get_or_read(&1, read()).await, Ok(1));
        assert_eq!(
            recent.get_or_read(&1, read()).await,
            Ok(1),
            "read again while fresh"
        );
        assert_eq!(
            recent.get_or_read(&2, read()).await,
            Ok(2),
            "another key has its own"
        );
        recent.forget();
        assert_eq!(
            recent.get_or_read(&1, read()).await,
            Ok(3),
            "kept after forget"
        );
        assert_eq!(
            recent.get_or_read(&3, async { Err::<usize, ()>(()) }).await,
            Err(())
        );
        assert_eq!(
            recent.get_or_read(&3, read()).await,
            Ok(4),
            "an error was kept"
        );
    }
}
