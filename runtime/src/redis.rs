//! Refresh coordination across replicas through Redis (feature `redis`).
//!
//! - **Single flight across replicas**: the first replica to claim a token (`SET NX PX` on a
//!   hash of it) calls the provider; the others wait, bounded, for its outcome.
//! - **Grace window across replicas**: the outcome is stored for the grace window,
//!   **encrypted** with ChaCha20-Poly1305 under a key derived from the old token with
//!   HKDF-SHA256, at a Redis key that is a (differently salted) SHA-256 of the old token.
//!   Whoever reads Redis without the old token learns nothing usable; no secret is stored in
//!   clear.
//! - Every entry expires by itself; a crashed replica's claim expires after the client's
//!   timeout plus a margin, and waiting replicas wait a little longer than that.
//! - With a zero grace window, an outcome is still kept 2 s, for the replicas waiting on it.
//! - Redis unreachable or slow: coordination falls back to this process (a warning is logged
//!   once per outage); no request fails and nobody is logged out because Redis is down.
//!
//! Within one replica, concurrent refreshes still share one flight before Redis is asked.
//! The grace window is served from Redis, so a logout on one replica ends it everywhere;
//! while Redis is down, an in-process grace window takes over.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hkdf::Hkdf;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::client::{ApiClient, Refreshed, Unavailable, UpstreamError};
use crate::coordinator::{CoordinatorFuture, RefreshCoordinator};
use crate::error::ConfigError;
use crate::flight::{Flights, Outcome};

/// The optional environment variable naming the Redis server that coordinates replicas.
pub const REDIS_URL_VARIABLE: &str = "CROSSMINT_REDIS_URL";

const PREFIX: &str = "crossmint-auth:v1";
/// How long a Redis command may take before Redis counts as unavailable.
const COMMAND_TIMEOUT: Duration = Duration::from_millis(500);
/// A claim lives for the client's timeout plus this: longer than its upstream call can take.
const CLAIM_MARGIN: Duration = Duration::from_secs(2);
const POLL: Duration = Duration::from_millis(20);
/// Failures are shared with the waiters of the same flight, briefly.
const FAILURE_TTL: Duration = Duration::from_secs(2);

/// Coordinates refreshes of several replicas through one Redis server.
///
/// Built by [`Builder::redis`](crate::Builder::redis) or from `CROSSMINT_REDIS_URL`.
pub struct RedisCoordinator {
    shared: Arc<Shared>,
    local: Flights,
}

struct Shared {
    connection: ConnectionManager,
    grace: Duration,
    /// The in-process coordination used while Redis is unavailable, grace window included.
    fallback: Flights,
    /// Whether the current Redis outage was already logged.
    warned: AtomicBool,
}

impl fmt::Debug for RedisCoordinator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisCoordinator")
            .field("grace", &self.shared.grace)
            .finish_non_exhaustive()
    }
}

/// Checks a Redis URL without connecting.
pub(crate) fn check_url(url: &str) -> Result<(), ConfigError> {
    redis::Client::open(url)
        .map(drop)
        .map_err(|e| ConfigError::InvalidRedisUrl(e.to_string()))
}

impl RedisCoordinator {
    /// Coordinates through the Redis server at `url`; the connection is made lazily and
    /// re-made after failures. The grace window is served from Redis only, so a logout on
    /// one replica ends it on all; the in-process layer in front of Redis (at most
    /// `capacity` tokens) only joins concurrent refreshes of one replica.
    pub fn new(url: &str, grace_window: Duration, capacity: usize) -> Result<Self, ConfigError> {
        let client =
            redis::Client::open(url).map_err(|e| ConfigError::InvalidRedisUrl(e.to_string()))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(COMMAND_TIMEOUT))
            .set_response_timeout(Some(COMMAND_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_secs(1));
        let connection = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| ConfigError::InvalidRedisUrl(e.to_string()))?;
        Ok(RedisCoordinator {
            shared: Arc::new(Shared {
                connection,
                grace: grace_window,
                fallback: Flights::new(grace_window, capacity),
                warned: AtomicBool::new(false),
            }),
            local: Flights::new(Duration::ZERO, capacity),
        })
    }
}

impl RefreshCoordinator for RedisCoordinator {
    fn refresh<'a>(
        &'a self,
        client: &'a ApiClient,
        token: &'a str,
    ) -> CoordinatorFuture<'a, Result<Arc<Refreshed>, UpstreamError>> {
        let shared = self.shared.clone();
        let client = client.clone();
        Box::pin(self.local.refresh(token, move |token| async move {
            shared.coordinate(&client, &token).await
        }))
    }

    fn forget<'a>(&'a self, secret: &'a str) -> CoordinatorFuture<'a, Option<String>> {
        Box::pin(async move {
            let local = self.local.forget(secret).await;
            let fallback = self.shared.fallback.forget(secret).await;
            let shared = &self.shared;
            let own = EntryKeys::of(secret);
            // An outcome made from `secret` is readable with it: its successor is revoked too.
            let made_from = match shared.get(&own.outcome).await {
                Ok(Some(sealed)) => Cipher::for_token(secret)
                    .open(&sealed)
                    .and_then(Result::ok)
                    .map(|refreshed| refreshed.refresh_secret.clone()),
                _ => None,
            };
            let mut keys = vec![own.outcome, successor_key(secret)];
            if let Ok(Some(old)) = shared.get(&successor_key(secret)).await {
                if let Ok(old) = String::from_utf8(old) {
                    keys.push(format!("{PREFIX}:outcome:{old}"));
                }
            }
            shared.delete(&keys).await;
            local.or(fallback).or(made_from)
        })
    }
}

/// The Redis keys of one token, named by a salted SHA-256 of it.
struct EntryKeys {
    id: String,
    claim: String,
    outcome: String,
}

impl EntryKeys {
    fn of(token: &str) -> EntryKeys {
        let id = token_id(token);
        EntryKeys {
            claim: format!("{PREFIX}:claim:{id}"),
            outcome: format!("{PREFIX}:outcome:{id}"),
            id,
        }
    }
}

fn token_id(token: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"crossmint-auth redis key v1\0")
        .chain_update(token.as_bytes())
        .finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn successor_key(secret: &str) -> String {
    format!("{PREFIX}:successor:{}", token_id(secret))
}

impl Shared {
    async fn coordinate(&self, client: &ApiClient, token: &str) -> Outcome {
        let keys = EntryKeys::of(token);
        let cipher = Cipher::for_token(token);
        let claim_ttl = client.timeout().saturating_add(CLAIM_MARGIN);
        // Waiting a little longer than a claim lives lets a waiter outlast a crashed replica.
        let deadline = Instant::now() + claim_ttl + Duration::from_secs(1);
        loop {
            match self.get(&keys.outcome).await {
                Err(()) => return self.fallback(client, token).await,
                Ok(Some(sealed)) => {
                    if let Some(outcome) = cipher.open(&sealed) {
                        return outcome;
                    }
                }
                Ok(None) => {}
            }
            match self.claim(&keys.claim, claim_ttl).await {
                // The claim may have been taken although its answer was lost: refresh (in
                // process) and still try to publish, so waiting replicas get the outcome.
                Err(()) => {
                    let outcome = self.fallback(client, token).await;
                    self.publish(&keys, &cipher, &outcome).await;
                    return outcome;
                }
                Ok(true) => {
                    let outcome = client.refresh(token).await.map(Arc::new);
                    self.publish(&keys, &cipher, &outcome).await;
                    return outcome;
                }
                Ok(false) => {}
            }
            // Another replica holds the claim: wait for its outcome, or for the claim to
            // lapse (a crashed replica), then look again.
            loop {
                if Instant::now() >= deadline {
                    tracing::warn!(
                        "waited too long for another replica's refresh; answering unavailable"
                    );
                    return Err(Unavailable::Timeout.into());
                }
                tokio::time::sleep(POLL).await;
                match self.exists(&keys.outcome, &keys.claim).await {
                    // Redis went away mid-wait: the other replica may be refreshing this very
                    // token, so calling the provider now could spend it twice. Answer
                    // unavailable; the client retries.
                    Err(()) => return Err(Unavailable::Transport.into()),
                    Ok((true, _)) | Ok((false, false)) => break,
                    Ok((false, true)) => {}
                }
            }
        }
    }

    /// Redis is unavailable: coordinate in this process only, grace window included.
    async fn fallback(&self, client: &ApiClient, token: &str) -> Outcome {
        let client = client.clone();
        self.fallback
            .refresh(token, move |token| async move {
                client.refresh(&token).await.map(Arc::new)
            })
            .await
    }

    async fn publish(&self, keys: &EntryKeys, cipher: &Cipher, outcome: &Outcome) {
        let ttl = match outcome {
            Ok(_) => self.grace.max(FAILURE_TTL),
            Err(_) => FAILURE_TTL,
        };
        let mut pipe = redis::pipe();
        pipe.cmd("SET")
            .arg(&keys.outcome)
            .arg(cipher.seal(outcome))
            .arg("PX")
            .arg(millis(ttl))
            .ignore();
        if let Ok(refreshed) = outcome {
            pipe.cmd("SET")
                .arg(successor_key(&refreshed.refresh_secret))
                .arg(&keys.id)
                .arg("PX")
                .arg(millis(ttl))
                .ignore();
        }
        pipe.cmd("DEL").arg(&keys.claim).ignore();
        let mut connection = self.shared_connection();
        let result =
            tokio::time::timeout(COMMAND_TIMEOUT, pipe.query_async::<()>(&mut connection)).await;
        self.note(matches!(result, Ok(Ok(()))));
    }

    async fn claim(&self, key: &str, ttl: Duration) -> Result<bool, ()> {
        let mut command = redis::cmd("SET");
        command.arg(key).arg(1).arg("NX").arg("PX").arg(millis(ttl));
        self.run::<Option<String>>(command)
            .await
            .map(|set| set.is_some())
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, ()> {
        let mut command = redis::cmd("GET");
        command.arg(key);
        self.run(command).await
    }

    /// Whether the outcome and the claim exist.
    async fn exists(&self, outcome: &str, claim: &str) -> Result<(bool, bool), ()> {
        let mut pipe = redis::pipe();
        pipe.cmd("EXISTS").arg(outcome).cmd("EXISTS").arg(claim);
        let mut connection = self.shared_connection();
        let result = tokio::time::timeout(
            COMMAND_TIMEOUT,
            pipe.query_async::<(bool, bool)>(&mut connection),
        )
        .await;
        let ok = matches!(result, Ok(Ok(_)));
        self.note(ok);
        match result {
            Ok(Ok(found)) => Ok(found),
            _ => Err(()),
        }
    }

    async fn delete(&self, keys: &[String]) {
        let mut command = redis::cmd("DEL");
        command.arg(keys);
        let _ = self.run::<i64>(command).await;
    }

    async fn run<T: redis::FromRedisValue>(&self, command: redis::Cmd) -> Result<T, ()> {
        let mut connection = self.shared_connection();
        let result =
            tokio::time::timeout(COMMAND_TIMEOUT, command.query_async::<T>(&mut connection)).await;
        match result {
            Ok(Ok(value)) => {
                self.note(true);
                Ok(value)
            }
            _ => {
                self.note(false);
                Err(())
            }
        }
    }

    fn shared_connection(&self) -> ConnectionManager {
        self.connection.clone()
    }

    /// Logs the start of an outage once, and its end.
    fn note(&self, healthy: bool) {
        let was_warned = self.warned.swap(!healthy, Ordering::Relaxed);
        if !healthy && !was_warned {
            tracing::warn!("Redis is unreachable or slow: refreshes are coordinated in-process only until it is back");
        } else if healthy && was_warned {
            tracing::info!("Redis is reachable again: refreshes are coordinated across replicas");
        }
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

/// What is stored, before encryption.
#[derive(Serialize, Deserialize)]
enum Stored {
    Refreshed {
        jwt: String,
        refresh_secret: String,
        expires_at: String,
        user: serde_json::Value,
    },
    Rejected(u16),
    Unavailable,
}

/// ChaCha20-Poly1305 under a key only the holders of the token can derive.
struct Cipher(ChaCha20Poly1305);

impl Cipher {
    fn for_token(token: &str) -> Cipher {
        let hkdf = Hkdf::<Sha256>::new(Some(b"crossmint-auth redis grace v1"), token.as_bytes());
        let mut key = [0u8; 32];
        hkdf.expand(b"outcome encryption key", &mut key)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        Cipher(ChaCha20Poly1305::new(Key::from_slice(&key)))
    }

    fn seal(&self, outcome: &Outcome) -> Vec<u8> {
        let stored = match outcome {
            Ok(r) => Stored::Refreshed {
                jwt: r.jwt.clone(),
                refresh_secret: r.refresh_secret.clone(),
                expires_at: r.expires_at_raw.clone(),
                user: r.user.clone(),
            },
            Err(UpstreamError::Rejected { status }) => Stored::Rejected(*status),
            Err(_) => Stored::Unavailable,
        };
        let plaintext = serde_json::to_vec(&stored).unwrap_or_default();
        let mut nonce = [0u8; 12];
        if getrandom::fill(&mut nonce).is_err() {
            return Vec::new(); // unreadable by `open`: waiters fall back to their own wait bound
        }
        match self
            .0
            .encrypt(Nonce::from_slice(&nonce), plaintext.as_slice())
        {
            Ok(ciphertext) => [nonce.as_slice(), &ciphertext].concat(),
            Err(_) => Vec::new(),
        }
    }

    fn open(&self, sealed: &[u8]) -> Option<Outcome> {
        if sealed.len() < 12 {
            return None;
        }
        let (nonce, ciphertext) = sealed.split_at(12);
        let plaintext = self.0.decrypt(Nonce::from_slice(nonce), ciphertext).ok()?;
        Some(match serde_json::from_slice(&plaintext).ok()? {
            Stored::Refreshed {
                jwt,
                refresh_secret,
                expires_at,
                user,
            } => {
                // Checked again: whatever comes out of Redis is about to become cookies.
                Refreshed::checked(jwt, refresh_secret, expires_at, user)
                    .map(Arc::new)
                    .map_err(UpstreamError::from)
            }
            Stored::Rejected(status) => Err(UpstreamError::Rejected { status }),
            Stored::Unavailable => Err(Unavailable::Transport.into()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_old_token_opens_the_outcome() {
        let refreshed = Refreshed {
            jwt: "new.jwt.value".into(),
            refresh_secret: "new-secret".into(),
            expires_at_raw: "2030-01-01T00:00:00Z".into(),
            expires_at: None,
            user: serde_json::json!({"id": "u"}),
        };
        let sealed = Cipher::for_token("old-token").seal(&Ok(Arc::new(refreshed)));
        let text = String::from_utf8_lossy(&sealed);
        assert!(!text.contains("new-secret") && !text.contains("new.jwt"));
        let opened = Cipher::for_token("old-token")
            .open(&sealed)
            .unwrap()
            .unwrap();
        assert_eq!(opened.refresh_secret, "new-secret");
        assert!(opened.expires_at.is_some());
        assert!(Cipher::for_token("another-token").open(&sealed).is_none());
        assert_ne!(token_id("old-token"), token_id("another-token"));
    }
}
