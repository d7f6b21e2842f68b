//! In-process refresh coordination: single flight per token, and a grace window after a
//! rotation.
//!
//! Refresh secrets are single use. When several tabs refresh the same secret at once, all but
//! one would be refused by the provider and their users logged out. Here the first caller
//! starts the upstream refresh and every caller waits for its outcome; after a success the
//! outcome is kept for a short grace window, so a late tab that still holds the old secret
//! gets the same new session instead of a `401`. Tokens are keyed by their SHA-256, never
//! stored.
//!
//! The upstream call runs in a task of its own, which also records the outcome: when the
//! requests waiting for it are cancelled (tabs closed), the rotation still completes, its
//! result still reaches the grace window, and no second call spends the same token.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use tokio::sync::watch;

use crate::client::{Refreshed, Unavailable, UpstreamError};

/// The outcome shared by everyone who refreshed the same token.
pub(crate) type Outcome = Result<Arc<Refreshed>, UpstreamError>;

type TokenHash = [u8; 32];

struct Entry {
    /// Tells the outcome once the upstream task has it.
    outcome: watch::Receiver<Option<Outcome>>,
    /// Which flight this is, so a task settles its own entry and not a later one.
    flight: u64,
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
    next_flight: u64,
}

impl Map {
    /// Removes an entry and its successor index.
    fn remove(&mut self, key: &TokenHash) {
        if let Some(successor) = self.entries.remove(key).and_then(|entry| entry.successor) {
            self.successors.remove(&successor);
        }
    }
}

struct Shared {
    map: Mutex<Map>,
    grace: Duration,
    capacity: usize,
}

pub(crate) struct Flights {
    shared: Arc<Shared>,
}

impl Flights {
    pub(crate) fn new(grace: Duration, capacity: usize) -> Flights {
        Flights {
            shared: Arc::new(Shared {
                map: Mutex::default(),
                grace,
                capacity: capacity.max(1),
            }),
        }
    }

    /// Refreshes `token` with `upstream`, sharing one call with every concurrent caller of
    /// the same token, and reusing a success for the grace window.
    pub(crate) async fn refresh<F, Fut>(&self, token: &str, upstream: F) -> Outcome
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = Outcome> + Send + 'static,
    {
        let mut outcome = self.shared.join(hash(token), || upstream(token.to_owned()));
        let told = outcome.wait_for(Option::is_some).await;
        match told {
            Ok(outcome) => outcome
                .clone()
                .unwrap_or(Err(Unavailable::Transport.into())),
            // The upstream task ended without an outcome (it panicked).
            Err(_) => Err(Unavailable::Transport.into()),
        }
    }

    /// Forgets every entry that hands out `secret` or was made from it, so a session that
    /// was logged out cannot come back through an old token. Returns the secret a refresh of
    /// `secret` handed out, if any (waiting for a refresh in progress), so it can be revoked
    /// too.
    pub(crate) async fn forget(&self, secret: &str) -> Option<String> {
        let key = hash(secret);
        let made_from = {
            let mut map = self.shared.lock();
            let made_from = map.entries.get(&key).map(|entry| entry.outcome.clone());
            map.remove(&key);
            if let Some(predecessor) = map.successors.remove(&key) {
                map.remove(&predecessor);
            }
            made_from
        };
        let mut outcome = made_from?;
        let told = outcome.wait_for(Option::is_some).await.ok()?;
        match &*told {
            Some(Ok(refreshed)) => Some(refreshed.refresh_secret.clone()),
            _ => None,
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        let map = self.shared.lock();
        assert!(map.successors.len() <= map.entries.len());
        map.entries.len()
    }
}

impl Shared {
    /// The outcome of the flight of `key`: the one in progress or in its grace window, or a
    /// new one started with `upstream`.
    fn join<Fut>(
        self: &Arc<Self>,
        key: TokenHash,
        upstream: impl FnOnce() -> Fut,
    ) -> watch::Receiver<Option<Outcome>>
    where
        Fut: Future<Output = Outcome> + Send + 'static,
    {
        let now = Instant::now();
        let mut map = self.lock();
        if let Some(entry) = map.entries.get(&key) {
            if entry.settled_at.is_none_or(|at| now < at + self.grace) {
                return entry.outcome.clone();
            }
        }
        self.make_room(&mut map, now);
        map.remove(&key);
        let (sender, receiver) = watch::channel(None);
        let flight = map.next_flight;
        map.next_flight += 1;
        map.entries.insert(
            key,
            Entry {
                outcome: receiver.clone(),
                flight,
                settled_at: None,
                successor: None,
            },
        );
        drop(map);

        let call = upstream();
        let settle = Settle {
            shared: self.clone(),
            key,
            flight,
            done: false,
        };
        tokio::spawn(async move {
            let outcome = call.await;
            let success = outcome.as_ref().ok().map(|r| hash(&r.refresh_secret));
            // The map first: a waiter woken by the outcome and retrying at once must find
            // the entry settled (or gone, after a failure), not still in flight.
            settle.done(success);
            sender.send_replace(Some(outcome));
        });
        receiver
    }

    /// Drops expired grace entries, then the oldest settled ones while over capacity, from
    /// the front of the settlement queue: amortised O(1) per call. Entries in flight are
    /// never dropped: their number is bounded by the upstream calls under way.
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
        self.map.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Settles a flight's entry when its upstream call ends: a success stays for the grace
/// window, anything else is removed. Dropped without `done` (the task panicked or the
/// runtime shut down), it removes the entry, so nothing stays in flight forever.
struct Settle {
    shared: Arc<Shared>,
    key: TokenHash,
    flight: u64,
    done: bool,
}

impl Settle {
    fn done(mut self, successor: Option<TokenHash>) {
        self.done = true;
        let mut map = self.shared.lock();
        let Some(entry) = map.entries.get_mut(&self.key) else {
            return;
        };
        if entry.flight != self.flight {
            return;
        }
        match successor {
            Some(successor) if !self.shared.grace.is_zero() => {
                let now = Instant::now();
                entry.settled_at = Some(now);
                entry.successor = Some(successor);
                map.settled.push_back((now, self.key));
                map.successors.insert(successor, self.key);
            }
            _ => map.remove(&self.key),
        }
    }
}

impl Drop for Settle {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let mut map = self.shared.lock();
        if map
            .entries
            .get(&self.key)
            .is_some_and(|entry| entry.flight == self.flight)
        {
            map.remove(&self.key);
        }
    }
}

fn hash(token: &str) -> TokenHash {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn refreshed(secret: &str) -> Outcome {
        Ok(Arc::new(Refreshed {
            jwt: "j".into(),
            refresh_secret: secret.into(),
            expires_at_raw: String::new(),
            expires_at: None,
            user: serde_json::json!({"id": "u"}),
        }))
    }

    async fn rotate(f: &Flights, token: &str) -> Outcome {
        let next = format!("next-{token}");
        f.refresh(token, move |_| async move { refreshed(&next) })
            .await
    }

    #[tokio::test]
    async fn capacity_bounds_the_grace_entries() {
        let f = Flights::new(Duration::from_secs(60), 3);
        for i in 0..10 {
            rotate(&f, &format!("t{i}")).await.unwrap();
        }
        assert_eq!(f.len(), 3);
    }

    #[tokio::test]
    async fn forget_removes_the_successor_entry() {
        let f = Flights::new(Duration::from_secs(60), 10);
        rotate(&f, "old").await.unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(f.forget("next-old").await, None);
        assert_eq!(f.len(), 0);
    }

    #[tokio::test]
    async fn forgetting_an_old_token_names_its_successor() {
        let f = Flights::new(Duration::from_secs(60), 10);
        rotate(&f, "old").await.unwrap();
        assert_eq!(f.forget("old").await.as_deref(), Some("next-old"));
        assert_eq!(f.len(), 0);
    }

    #[tokio::test]
    async fn a_cancelled_caller_neither_repeats_nor_loses_the_rotation() {
        let f = Flights::new(Duration::from_secs(60), 10);
        let calls = Arc::new(AtomicUsize::new(0));
        let (release, released) = tokio::sync::oneshot::channel::<()>();
        let counted = calls.clone();
        let first = f.refresh("t", move |_| async move {
            counted.fetch_add(1, Ordering::SeqCst);
            released.await.ok();
            refreshed("next")
        });
        // Start the flight, then drop the caller that started it.
        tokio::select! {
            _ = first => unreachable!("the upstream call is held back"),
            _ = tokio::task::yield_now() => {}
        }
        let counted = calls.clone();
        let second = f.refresh("t", move |_| async move {
            counted.fetch_add(1, Ordering::SeqCst);
            refreshed("other")
        });
        release.send(()).unwrap();
        assert_eq!(second.await.unwrap().refresh_secret, "next");
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // The outcome is in the grace window although its first caller is gone.
        assert_eq!(rotate(&f, "t").await.unwrap().refresh_secret, "next");
    }

    #[tokio::test]
    async fn failures_are_shared_but_not_kept() {
        let f = Flights::new(Duration::from_secs(60), 10);
        let outcome = f
            .refresh("t", |_| async {
                Err(UpstreamError::Rejected { status: 401 })
            })
            .await;
        assert_eq!(
            outcome.unwrap_err(),
            UpstreamError::Rejected { status: 401 }
        );
        assert_eq!(f.len(), 0);
    }
}
