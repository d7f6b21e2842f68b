//! The provider's signing keys: fetched lazily, cached, refetched on an unknown `kid` at most
//! once per interval, concurrent fetches coalesced, known keys kept when a refetch fails.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey};

use crate::client::ApiClient;
use crate::jwt::VerifyError;

/// A verification key and the one algorithm it may be used with.
#[derive(Clone)]
pub(crate) struct Key {
    pub(crate) decoding: DecodingKey,
    pub(crate) algorithm: Algorithm,
}

#[derive(Default)]
struct State {
    keys: HashMap<String, Key>,
    /// When the keys were last fetched successfully.
    fetched_at: Option<Instant>,
    /// When a fetch was last attempted, successful or not.
    attempted_at: Option<Instant>,
    /// When an unknown `kid` last caused a fetch.
    unknown_kid_fetch_at: Option<Instant>,
}

pub(crate) struct Jwks {
    state: RwLock<State>,
    /// Held while fetching, so concurrent fetches coalesce into one.
    fetching: tokio::sync::Mutex<()>,
    ttl: Duration,
    refetch_interval: Duration,
}

impl Jwks {
    pub(crate) fn new(ttl: Duration, refetch_interval: Duration) -> Jwks {
        Jwks {
            state: RwLock::default(),
            fetching: tokio::sync::Mutex::new(()),
            ttl,
            refetch_interval,
        }
    }

    /// The key named `kid`, fetching the key set when there is none yet, when it is stale,
    /// or when `kid` is unknown and no unknown `kid` caused a fetch within the interval.
    pub(crate) async fn key(&self, client: &ApiClient, kid: &str) -> Result<Key, VerifyError> {
        let started = Instant::now();
        if let Some(found) = self.lookup(kid, started) {
            return found;
        }
        let _fetching = self.fetching.lock().await;
        // Someone else may have fetched while this task waited for the lock.
        if self.attempted_since(started) {
            return self.lookup_known(kid);
        }
        let for_unknown_kid = {
            let state = self.read();
            !state.keys.is_empty() && !state.keys.contains_key(kid)
        };
        let fetched = client.jwks().await;
        let mut state = self.write();
        let now = Instant::now();
        state.attempted_at = Some(now);
        if for_unknown_kid {
            state.unknown_kid_fetch_at = Some(now);
        }
        match fetched {
            Ok(set) => {
                state.keys = usable_keys(&set);
                state.fetched_at = Some(now);
            }
            Err(error) => {
                tracing::warn!(%error, "fetching the JWKS failed; known keys keep serving");
            }
        }
        drop(state);
        self.lookup_known(kid)
    }

    /// Answers from the cache when that is final: a known key while fresh, or an unknown
    /// one that may not be refetched yet.
    fn lookup(&self, kid: &str, now: Instant) -> Option<Result<Key, VerifyError>> {
        let state = self.read();
        let fresh = state.fetched_at.is_some_and(|at| now < at + self.ttl);
        match state.keys.get(kid) {
            Some(key) if fresh => Some(Ok(key.clone())),
            Some(_) => None,
            None if state.keys.is_empty() => None,
            None => {
                let may_refetch = state
                    .unknown_kid_fetch_at
                    .is_none_or(|at| now >= at + self.refetch_interval);
                (!may_refetch).then(|| Err(VerifyError::UnknownKey))
            }
        }
    }

    fn lookup_known(&self, kid: &str) -> Result<Key, VerifyError> {
        let state = self.read();
        state.keys.get(kid).cloned().ok_or_else(|| unknown(&state))
    }

    fn attempted_since(&self, at: Instant) -> bool {
        self.read()
            .attempted_at
            .is_some_and(|attempt| attempt >= at)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// No key at all means the key server could not be reached: that is the provider being
/// unavailable, not a bad token.
fn unknown(state: &State) -> VerifyError {
    if state.keys.is_empty() {
        VerifyError::KeysUnavailable
    } else {
        VerifyError::UnknownKey
    }
}

/// The signing keys of a set, each bound to its one asymmetric algorithm. Keys without a
/// `kid`, symmetric (`oct`) keys and keys declaring a non-signature algorithm are skipped.
fn usable_keys(set: &JwkSet) -> HashMap<String, Key> {
    set.keys
        .iter()
        .filter_map(|jwk| {
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
                Key {
                    decoding,
                    algorithm,
                },
            ))
        })
        .collect()
}
