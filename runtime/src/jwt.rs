//! JWT verification against the provider's JWKS, with a cache of tokens already verified.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Tokens larger than this are refused before any decoding.
pub const MAX_JWT_BYTES: usize = 8 * 1024;

/// The claims of a verified Crossmint JWT.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The audience: the project id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<serde_json::Value>,
    /// Expiry, seconds since the Unix epoch.
    pub exp: u64,
    /// Issue time, seconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
    /// Every other claim.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Why a JWT did not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// `exp` is in the past (beyond the leeway).
    #[error("the token has expired")]
    Expired,
    /// `nbf` is in the future (beyond the leeway).
    #[error("the token is not valid yet")]
    NotYetValid,
    /// The signature does not match the key.
    #[error("the token's signature is invalid")]
    BadSignature,
    /// The token names a key (`kid`) the provider's key set does not have.
    #[error("the token was signed with an unknown key")]
    UnknownKey,
    /// `aud` is not the configured project id.
    #[error("the token is for another audience")]
    WrongAudience,
    /// Not a JWT, too large, an algorithm the key does not declare (`none`, HMAC, ...), or
    /// missing claims.
    #[error("the token is malformed or uses a refused algorithm")]
    Malformed,
    /// No signing key could be fetched at all: the provider is unavailable.
    #[error("the provider's signing keys are unavailable")]
    KeysUnavailable,
}

pub(crate) struct Verifier {
    /// One validation per asymmetric algorithm, built once: the key decides which applies.
    validations: Vec<(Algorithm, Validation)>,
    cache: VerifiedCache,
}

/// The algorithms a key set may declare for signatures: asymmetric only.
const ASYMMETRIC: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

impl Verifier {
    pub(crate) fn new(
        audience: Option<String>,
        leeway_secs: u64,
        cache_capacity: usize,
    ) -> Verifier {
        let validation = |algorithm| {
            let mut validation = Validation::new(algorithm);
            validation.leeway = leeway_secs;
            validation.validate_nbf = true;
            match &audience {
                Some(audience) => {
                    // Required, not only checked when present: the key set signs tokens for
                    // every project, so a token without `aud` must not pass for this one.
                    validation.set_required_spec_claims(&["exp", "sub", "aud"]);
                    validation.set_audience(&[audience]);
                }
                None => {
                    validation.set_required_spec_claims(&["exp", "sub"]);
                    validation.validate_aud = false;
                }
            }
            (algorithm, validation)
        };
        Verifier {
            validations: ASYMMETRIC.into_iter().map(validation).collect(),
            cache: VerifiedCache::new(cache_capacity),
        }
    }

    pub(crate) fn cached(&self, jwt: &str) -> Option<Arc<Claims>> {
        self.cache.get(jwt)
    }

    pub(crate) fn remember(&self, jwt: &str, claims: &Arc<Claims>) {
        self.cache.insert(jwt, claims);
    }

    /// Verifies `jwt` with `key`, which must have been chosen by the token's `kid`.
    pub(crate) fn verify(
        &self,
        jwt: &str,
        key: &crate::jwks::Key,
        alg: Algorithm,
    ) -> Result<Claims, VerifyError> {
        // The key decides the algorithm: a token claiming another one (HS256 with the
        // public key as the secret, `none`, ...) is refused before its signature is read.
        if alg != key.algorithm {
            return Err(VerifyError::Malformed);
        }
        let Some((_, validation)) = self.validations.iter().find(|(a, _)| *a == key.algorithm)
        else {
            return Err(VerifyError::Malformed);
        };
        jsonwebtoken::decode::<Claims>(jwt, &key.decoding, validation)
            .map(|data| data.claims)
            .map_err(|error| {
                use jsonwebtoken::errors::ErrorKind;
                match error.kind() {
                    ErrorKind::ExpiredSignature => VerifyError::Expired,
                    ErrorKind::ImmatureSignature => VerifyError::NotYetValid,
                    ErrorKind::InvalidSignature => VerifyError::BadSignature,
                    ErrorKind::InvalidAudience => VerifyError::WrongAudience,
                    _ => VerifyError::Malformed,
                }
            })
    }
}

/// Tokens that verified, keyed by SHA-256 of the token, each kept no longer than its `exp`.
/// Bounded: when full, expired entries go first, then everything.
struct VerifiedCache {
    entries: RwLock<HashMap<[u8; 32], Arc<Claims>>>,
    capacity: usize,
}

impl VerifiedCache {
    fn new(capacity: usize) -> VerifiedCache {
        VerifiedCache {
            entries: RwLock::default(),
            capacity,
        }
    }

    fn get(&self, jwt: &str) -> Option<Arc<Claims>> {
        if self.capacity == 0 {
            return None;
        }
        let key: [u8; 32] = Sha256::digest(jwt.as_bytes()).into();
        let entries = self.entries.read().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(&key)
            .filter(|claims| claims.exp > now_secs())
            .cloned()
    }

    fn insert(&self, jwt: &str, claims: &Arc<Claims>) {
        if self.capacity == 0 {
            return;
        }
        let key: [u8; 32] = Sha256::digest(jwt.as_bytes()).into();
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= self.capacity {
            let now = now_secs();
            entries.retain(|_, claims| claims.exp > now);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key, claims.clone());
    }
}

pub(crate) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
