//! In-process refresh coordination: single flight per token, and a grace window after a
//! rotation.
//!
//! Refresh secrets are single use. When several tabs refresh the same secret at once, all but
//! one would be refused by the provider and their users logged out. Here the first caller
//! runs the upstream refresh and the others wait for its outcome; after a success the outcome
//! is kept for a short grace window, so a late tab that still holds the old secret gets the
//! same new session instead of a `401`. Tokens are keyed by their SHA-256, never stored.

use std::collections::{HashMap, VecDeque};
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
    /// The hash of the secret that success hands out.
    successor: Option<TokenHash>,
}

#[derive(Default)]
struct Map {
    entries: HashMap<TokenHash, Entry>,
    /// Settled entries in the order they settled (so oldest first); items whose entry was
    /// since removed or replaced are skipped when they reach the front.
    settled: VecDeque<(Instant, TokenHash)>,
    /// Which entry hands out a given new secret, for [`Flights::forget`].
    successors: HashMap<TokenHash, TokenHash>,
}

impl Map {
    /// Removes an entry and its successor index.
    fn remove(&mut self, key: &TokenHash) {
        if let Some(successor) = self.entries.remove(key).and_then(|entry| entry.successor) {
            self.successors.remove(&successor);
        }
    }
}

pub(crate) struct Flights {
    entries: Mutex<Map>,
    grace: Duration,
    capacity: usize,
}

impl Flights {
    pub(crate) fn new(grace: Duration, capacity: usize) -> Flights {
        Flights {
            entries: Mutex::new(Map::default()),
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
        let key = hash(token);
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
        self.settle(key, &cell);
        outcome
    }

    /// Forgets every grace entry that hands out `secret`, so a session that was logged out
    /// cannot come back through an old token.
    pub(crate) fn forget(&self, secret: &str) {
        let key = hash(secret);
        let mut map = self.lock();
        map.remove(&key);
        if let Some(predecessor) = map.successors.remove(&key) {
            map.remove(&predecessor);
        }
    }

    fn join(&self, key: TokenHash) -> Arc<OnceCell<Outcome>> {
        let now = Instant::now();
        let mut map = self.lock();
        if let Some(entry) = map.entries.get(&key) {
            if entry.settled_at.is_none_or(|at| now < at + self.grace) {
                return entry.outcome.clone();
            }
        }
        self.make_room(&mut map, now);
        map.remove(&key);
        let outcome = Arc::new(OnceCell::new());
        map.entries.insert(
            key,
            Entry {
                outcome: outcome.clone(),
                settled_at: None,
                successor: None,
            },
        );
        outcome
    }

    fn settle(&self, key: TokenHash, cell: &Arc<OnceCell<Outcome>>) {
        let mut map = self.lock();
        let Some(entry) = map.entries.get_mut(&key) else {
            return;
        };
        if !Arc::ptr_eq(&entry.outcome, cell) || entry.settled_at.is_some() {
            return;
        }
        match cell.get() {
            Some(Ok(refreshed)) if !self.grace.is_zero() => {
                let now = Instant::now();
                let successor = hash(&refreshed.refresh_secret);
                entry.settled_at = Some(now);
                entry.successor = Some(successor);
                map.settled.push_back((now, key));
                map.successors.insert(successor, key);
            }
            _ => map.remove(&key),
        }
    }

    /// Drops expired grace entries, then the oldest settled ones while over capacity, from
    /// the front of the settlement queue: amortised O(1) per call.
    /// In-flight entries are never dropped: their number is bounded by concurrency.
    fn make_room(&self, map: &mut Map, now: Instant) {
        while let Some(&(at, key)) = map.settled.front() {
            if now < at + self.grace && map.entries.len() < self.capacity {
                break;
            }
            map.settled.pop_front();
            if map
                .entries
                .get(&key)
                .is_some_and(|entry| entry.settled_at == Some(at))
            {
                map.remove(&key);
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, Map> {
        // The map holds no invariant a panic could break halfway; keep serving.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        let map = self.lock();
        assert!(map.successors.len() <= map.entries.len());
        map.entries.len()
    }
}

fn hash(token: &str) -> TokenHash {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flights(capacity: usize) -> Flights {
        Flights::new(Duration::from_secs(60), capacity)
    }

    fn settled(f: &Flights, token: &str) {
        let key = hash(token);
        let cell = f.join(key);
        let refreshed = Refreshed {
            jwt: "j".into(),
            refresh_secret: format!("next-{token}"),
            expires_at_raw: String::new(),
            expires_at: None,
            user: serde_json::json!({"id": "u"}),
        };
        cell.set(Ok(Arc::new(refreshed))).ok();
        f.settle(key, &cell);
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
