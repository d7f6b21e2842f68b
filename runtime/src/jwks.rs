//! The provider's signing keys: fetched lazily, cached, refreshed in the background when
//! stale, refetched on an unknown `kid` at most once per interval, concurrent fetches
//! coalesced, known keys kept when a refetch fails, and no fetch storm during an outage.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};

use crate::client::ApiClient;
use crate::jwt::VerifyError;

/// After a failed fetch, no other fetch is tried for this long (nor for the refetch interval,
/// if shorter): during an outage requests answer at once instead of each waiting for a
/// timeout, and the key server is not hammered.
const FAILURE_BACKOFF: Duration = Duration::from_secs(5);

/// A verification key and the one algorithm it may be used with.
pub(crate) struct Key {
    pub(crate) decoding: DecodingKey,
    pub(crate) algorithm: Algorithm,
}

#[derive(Default)]
struct State {
    keys: HashMap<String, Arc<Key>>,
    /// When the keys were last fetched successfully.
    fetched_at: Option<Instant>,
    /// When a fetch was last attempted, and whether it failed.
    attempt: Option<(Instant, bool)>,
    /// When an unknown `kid` last caused a fetch.
    unknown_kid_fetch_at: Option<Instant>,
}

pub(crate) struct Jwks {
    shared: Arc<Shared>,
}

struct Shared {
    state: RwLock<State>,
    /// Held while fetching, so concurrent fetches coalesce into one.
    fetching: tokio::sync::Mutex<()>,
    /// Whether a background refresh of stale keys is under way.
    refreshing: AtomicBool,
    ttl: Duration,
    refetch_interval: Duration,
}

/// What the cache can say about a `kid` without fetching.
enum Cached {
    Key(Arc<Key>),
    Stale(Arc<Key>),
    Error(VerifyError),
    Fetch,
}

impl Jwks {
    pub(crate) fn new(ttl: Duration, refetch_interval: Duration) -> Jwks {
        Jwks {
            shared: Arc::new(Shared {
                state: RwLock::default(),
                fetching: tokio::sync::Mutex::new(()),
                refreshing: AtomicBool::new(false),
                ttl,
                refetch_interval,
            }),
        }
    }

    /// The key named `kid`. A stale key is served at once while a background task refreshes
    /// the set; the set is fetched in the foreground when there is none yet, or when `kid`
    /// is unknown and no unknown `kid` caused a fetch within the refetch interval.
    pub(crate) async fn key(&self, client: &ApiClient, kid: &str) -> Result<Arc<Key>, VerifyError> {
        let shared = &self.shared;
        let started = Instant::now();
        match shared.cached(kid, started) {
            Cached::Key(key) => return Ok(key),
            Cached::Stale(key) => {
                shared.refresh_in_background(client);
                return Ok(key);
            }
            Cached::Error(error) => return Err(error),
            Cached::Fetch => {}
        }
        let _fetching = shared.fetching.lock().await;
        // Someone else may have fetched while this task waited for the lock.
        if !shared.attempted_since(started) {
            let for_unknown_kid = {
                let state = shared.read();
                !state.keys.is_empty() && !state.keys.contains_key(kid)
            };
            shared.fetch(client, for_unknown_kid).await;
        }
        shared.known(kid)
    }
}

impl Shared {
    fn cached(&self, kid: &str, now: Instant) -> Cached {
        let state = self.read();
        let failed_recently = matches!(state.attempt,
            Some((at, true)) if now < at + FAILURE_BACKOFF.min(self.refetch_interval));
        match state.keys.get(kid) {
            Some(key) if state.fetched_at.is_some_and(|at| now < at + self.ttl) => {
                Cached::Key(key.clone())
            }
            Some(key) if failed_recently => Cached::Key(key.clone()),
            Some(key) => Cached::Stale(key.clone()),
            // The key server just failed: without it nothing can be judged.
            None if failed_recently => Cached::Error(VerifyError::KeysUnavailable),
            None if state.keys.is_empty() => Cached::Fetch,
            None if state
                .unknown_kid_fetch_at
                .is_some_and(|at| now < at + self.refetch_interval) =>
            {
                Cached::Error(VerifyError::UnknownKey)
            }
            None => Cached::Fetch,
        }
    }

    /// The answer after a fetch: the key, or why there is none.
    fn known(&self, kid: &str) -> Result<Arc<Key>, VerifyError> {
        let state = self.read();
        match state.keys.get(kid) {
            Some(key) => Ok(key.clone()),
            // Unknown to a set that could not be refreshed: maybe a rotated key, maybe not;
            // the provider is unavailable, and a refresh token must not be spent on it.
            None if state.keys.is_empty() || matches!(state.attempt, Some((_, true))) => {
                Err(VerifyError::KeysUnavailable)
            }
            None => Err(VerifyError::UnknownKey),
        }
    }

    fn refresh_in_background(self: &Arc<Self>, client: &ApiClient) {
        if self.refreshing.swap(true, Ordering::AcqRel) {
            return;
        }
        let shared = self.clone();
        let client = client.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let _fetching = shared.fetching.lock().await;
            if !shared.attempted_since(started) {
                shared.fetch(&client, false).await;
            }
            shared.refreshing.store(false, Ordering::Release);
        });
    }

    /// Fetches the set; the caller holds `fetching`.
    async fn fetch(&self, client: &ApiClient, for_unknown_kid: bool) {
        let fetched = client.jwks().await;
        let mut state = self.write();
        let now = Instant::now();
        if for_unknown_kid {
            state.unknown_kid_fetch_at = Some(now);
        }
        match fetched {
            Ok(set) => {
                state.keys = usable_keys(&set);
                state.fetched_at = Some(now);
                state.attempt = Some((now, false));
            }
            Err(error) => {
                tracing::warn!(%error, "fetching the JWKS failed; known keys keep serving");
                state.attempt = Some((now, true));
            }
        }
    }

    fn attempted_since(&self, at: Instant) -> bool {
        self.read()
            .attempt
            .is_some_and(|(attempt, _)| attempt >= at)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The signing keys of a set, each bound to its one asymmetric algorithm. Keys without a
/// `kid`, symmetric (`oct`) keys, encryption keys (`use: enc`) and keys declaring a
/// non-signature algorithm are skipped.
fn usable_keys(set: &JwkSet) -> HashMap<String, Arc<Key>> {
    set.keys
        .iter()
        .filter_map(|jwk| {
            if jwk
                .common
                .public_key_use
                .as_ref()
                .is_some_and(|usage| *usage != PublicKeyUse::Signature)
            {
                return None;
            }
            let kid = jwk.common.key_id.clone()?;
            let declared = jwk
                .common
                .key_algorithm
                .map(Algorithm::try_from)
                .transpose()
                .ok()?;
            let algorithm = match (&jwk.algorithm, declared) {
                (AlgorithmParameters::OctetKey(_), _) => return None,
                (_, Some(Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)) => return None,
                (_, Some(algorithm)) => algorithm,
                (AlgorithmParameters::RSA(_), None) => Algorithm::RS256,
                (AlgorithmParameters::EllipticCurve(ec), None) => match ec.curve {
                    EllipticCurve::P256 => Algorithm::ES256,
                    EllipticCurve::P384 => Algorithm::ES384,
                    _ => return None,
                },
                (AlgorithmParameters::OctetKeyPair(_), None) => Algorithm::EdDSA,
                (_, None) => return None,
            };
            let decoding = DecodingKey::from_jwk(jwk).ok()?;
            Some((
                kid,
                Arc::new(Key {
                    decoding,
                    algorithm,
                }),
            ))
        })
        .collect()
}
