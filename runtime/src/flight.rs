//! In-process refresh coordination: single flight per token, and a grace window after a
//! rotation.
//!
//! Refresh secrets are single use. When several tabs refresh the same secret at once, all but
//! one would be refused by the provider and their users logged out. Here the first caller
//! runs the upstream refresh and the others wait for its outcome; after a success the outcome
//! is kept for a short grace window, so a late tab that still holds the old secret gets the
//! same new session instead of a `401`. Tokens are keyed by their SHA-256, never stored.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;

use crate::client::{Refreshed, Unavailable, UpstreamError};

/// The outcome shared by everyone who refreshed the same token.
pub(crate) type Outcome = Result<Arc<Refreshed>, UpstreamError>;

type TokenHash = [u8; 32];

struct Entry {
    outcome: Arc<OnceCell<Outcome>>,
    /// When the outcome was a success that the grace window now serves.
    settled_at: Option<Instant>,
}

pub(crate) struct Flights {
    entries: Mutex<HashMap<TokenHash, Entry>>,
    grace: Duration,
    capacity: usize,
}

impl Flights {
    pub(crate) fn new(grace: Duration, capacity: usize) -> Flights {
        Flights {
            entries: Mutex::new(HashMap::new()),
            grace,
            capacity: capacity.max(1),
        }
    }

    /// Refreshes `token` with `upstream`, sharing one call with every concurrent caller of
    /// the same token, and reusing a success for the grace window.
    pub(crate) async fn refresh<F, Fut>(&self, token: &str, upstream: F) -> Outcome
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = Outcome> + Send + 'static,
    {
        let key: TokenHash = Sha256::digest(token.as_bytes()).into();
        let cell = self.join(key);
        let outcome = cell
            .get_or_init(|| {
                // The upstream call runs in its own task: if the request that started it is
                // cancelled (the tab closed), the rotation still completes and its result
                // still reaches the waiters and the grace window.
                let call = tokio::spawn(upstream(token.to_owned()));
                async move {
                    call.await
                        .unwrap_or(Err(UpstreamError::Unavailable(Unavailable::Transport)))
                }
            })
            .await
            .clone();
        self.settle(key, &cell, outcome.is_ok());
        outcome
    }

    /// Forgets every grace entry that hands out `secret`, so a session that was logged out
    /// cannot come back through an old token.
    pub(crate) fn forget(&self, secret: &str) {
        let key: TokenHash = Sha256::digest(secret.as_bytes()).into();
        self.lock().retain(|hash, entry| {
            *hash != key
                && !matches!(entry.outcome.get(), Some(Ok(r)) if r.refresh_secret == secret)
        });
    }

    fn join(&self, key: TokenHash) -> Arc<OnceCell<Outcome>> {
        let now = Instant::now();
        let mut entries = self.lock();
        if let Some(entry) = entries.get(&key) {
            if entry.settled_at.is_none_or(|at| now < at + self.grace) {
                return entry.outcome.clone();
            }
        }
        self.make_room(&mut entries, now);
        let outcome = Arc::new(OnceCell::new());
        entries.insert(
            key,
            Entry {
                outcome: outcome.clone(),
                settled_at: None,
            },
        );
        outcome
    }

    fn settle(&self, key: TokenHash, cell: &Arc<OnceCell<Outcome>>, success: bool) {
        let mut entries = self.lock();
        let Some(entry) = entries.get_mut(&key) else {
            return;
        };
        if !Arc::ptr_eq(&entry.outcome, cell) || entry.settled_at.is_some() {
            return;
        }
        if success && !self.grace.is_zero() {
            entry.settled_at = Some(Instant::now());
        } else {
            entries.remove(&key);
        }
    }

    /// Drops expired grace entries, then the oldest settled ones while over capacity.
    /// In-flight entries are never dropped: their number is bounded by concurrency.
    fn make_room(&self, entries: &mut HashMap<TokenHash, Entry>, now: Instant) {
        entries.retain(|_, e| e.settled_at.is_none_or(|at| now < at + self.grace));
        if entries.len() < self.capacity {
            return;
        }
        let mut settled: Vec<(Instant, TokenHash)> = entries
            .iter()
            .filter_map(|(k, e)| e.settled_at.map(|at| (at, *k)))
            .collect();
        settled.sort_unstable();
        let excess = entries.len() + 1 - self.capacity;
        for (_, key) in settled.into_iter().take(excess) {
            entries.remove(&key);
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<TokenHash, Entry>> {
        // The map holds no invariant a panic could break halfway; keep serving.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flights(capacity: usize) -> Flights {
        Flights::new(Duration::from_secs(60), capacity)
    }

    fn settled(f: &Flights, token: &str) {
        let key: TokenHash = Sha256::digest(token.as_bytes()).into();
        let cell = f.join(key);
        let refreshed = Refreshed {
            jwt: "j".into(),
            refresh_secret: format!("next-{token}"),
            expires_at_raw: String::new(),
            expires_at: None,
            user: serde_json::json!({"id": "u"}),
        };
        cell.set(Ok(Arc::new(refreshed))).ok();
        f.settle(key, &cell, true);
    }

    #[test]
    fn capacity_bounds_the_grace_entries() {
        let f = flights(3);
        for i in 0..10 {
            settled(&f, &format!("t{i}"));
        }
        assert_eq!(f.len(), 3);
    }

    #[test]
    fn forget_removes_the_successor_entry() {
        let f = flights(10);
        settled(&f, "old");
        f.forget("next-old");
        assert_eq!(f.len(), 0);
    }
}
