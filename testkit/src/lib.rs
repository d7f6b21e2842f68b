//! A local stand-in for Crossmint's auth API, for tests and demos of `crossmint-auth`.
//!
//! [`StandIn::start`] binds a real HTTP server (axum) on `127.0.0.1:<random port>` that
//! speaks the wire contract of Crossmint's server-side auth API (version `2024-09-26`), so
//! tests and examples run without internet access:
//!
//! | endpoint | behaviour |
//! | --- | --- |
//! | `POST /api/2024-09-26/session/sdk/auth/refresh` | body `{"refresh": "<secret>"}` → `200 {"jwt", "refresh": {"secret", "expiresAt"}, "user": {"id", "email"}}`. Single-use rotation: the old secret is spent. Used, revoked, expired or unknown secret → `401 {"error":"invalid refresh token"}`; missing or invalid body → `400` |
//! | `POST /api/2024-09-26/session/sdk/auth/logout` | body `{"refresh": "<secret>"}` → revokes it, `200 {}` (also for unknown secrets) |
//! | `GET /api/2024-09-26/sdk/auth/user/{externalUserId}` | `200 {"id", "email"}` for a user a session was minted for, else `404` |
//! | `GET /.well-known/jwks.json` | `{"keys": [{"kty":"RSA","kid","use":"sig","alg":"RS256","n","e"}]}` |
//!
//! Every request must carry `x-api-key: <Options::api_key>`, else `401 {"error":"invalid api key"}`.
//! Every request is recorded (rejected ones too) and can be inspected with [`StandIn::calls`]
//! and [`StandIn::count`]; provider misbehaviour is simulated with [`StandIn::inject`].
//!
//! JWTs are RS256 with a `kid` header and the claims `sub` (user id), `aud` (project id),
//! `iat`, `exp` and a unique `jti`. They are signed with one of two fixed, checked-in test keys: never use
//! them for anything but tests.
//!
//! # Example
//!
//! ```
//! use crossmint_auth_testkit::{Endpoint, Fault, StandIn};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let stand_in = StandIn::start().await;
//! let session = stand_in.mint_session("user-1");
//!
//! // Point the code under test at `stand_in.base_url()` with `stand_in.api_key()`.
//! let client = reqwest::Client::new();
//! let response = client
//!     .post(format!("{}/api/2024-09-26/session/sdk/auth/refresh", stand_in.base_url()))
//!     .header("x-api-key", stand_in.api_key())
//!     .json(&serde_json::json!({ "refresh": session.refresh_secret }))
//!     .send()
//!     .await
//!     .unwrap();
//! assert_eq!(response.status(), 200);
//! assert_eq!(stand_in.count(Endpoint::Refresh), 1);
//!
//! // The next refresh call answers 503.
//! stand_in.inject(Endpoint::Refresh, Fault::Status(503), 1);
//! # }
//! ```
//!
//! The server runs on the current tokio runtime and stops when the last clone of the
//! [`StandIn`] is dropped (or the runtime shuts down), so keep it alive for the whole test.
#![forbid(unsafe_code)]

mod keys;
mod server;

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde_json::{json, Value};
use time::OffsetDateTime;

/// Configuration of a [`StandIn`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The server API key every request must send in `x-api-key`.
    /// Default: `"sk_development_testkit"`.
    pub api_key: String,
    /// The project id, used as the `aud` claim of minted JWTs. Default: `"testkit-project"`.
    pub project_id: String,
    /// Lifetime of minted JWTs (`exp - iat`). Default: 15 minutes.
    pub jwt_ttl: Duration,
    /// Lifetime of minted refresh secrets. Default: 7 days.
    pub refresh_ttl: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            api_key: "sk_development_testkit".to_owned(),
            project_id: "testkit-project".to_owned(),
            jwt_ttl: Duration::from_secs(15 * 60),
            refresh_ttl: Duration::from_secs(7 * 24 * 60 * 60),
        }
    }
}

/// A session minted by the stand-in, as the browser would hold it after a login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MintedSession {
    /// The user id (`sub` claim).
    pub user_id: String,
    /// The signed JWT (RS256, primary key).
    pub jwt: String,
    /// The single-use refresh secret (64 lowercase hex characters: a valid cookie value).
    pub refresh_secret: String,
    /// When the refresh secret expires, RFC 3339 in UTC with milliseconds
    /// (e.g. `2026-12-10T12:00:00.000Z`), as the refresh endpoint reports it in `expiresAt`.
    pub refresh_expires_at: String,
}

/// One of the two fixed test signing keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SigningKey {
    /// `kid` `"testkit-primary"`: always in the JWKS; used for all minted sessions.
    Primary,
    /// `kid` `"testkit-secondary"`: in the JWKS only after [`StandIn::publish_secondary_key`].
    Secondary,
}

impl SigningKey {
    /// The key id put in the JWT header and the JWKS.
    pub fn kid(self) -> &'static str {
        match self {
            SigningKey::Primary => "testkit-primary",
            SigningKey::Secondary => "testkit-secondary",
        }
    }
}

/// An endpoint of the stand-in, for counting calls and injecting faults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `POST /api/2024-09-26/session/sdk/auth/refresh`
    Refresh,
    /// `POST /api/2024-09-26/session/sdk/auth/logout`
    Logout,
    /// `GET /api/2024-09-26/sdk/auth/user/{externalUserId}`
    User,
    /// `GET /.well-known/jwks.json`
    Jwks,
}

/// A misbehaviour to inject with [`StandIn::inject`].
///
/// A fault takes effect before the API key is checked, so it applies whatever the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status code and the body `{"error":"injected fault"}`.
    /// Must be a valid HTTP status code (100..=999).
    Status(u16),
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Close the TCP connection without sending any answer.
    Drop,
    /// Answer `200` with this raw body (`Content-Type: application/json`), e.g. malformed JSON.
    Body(String),
    /// Answer `302 Found` with this `Location`.
    Redirect(String),
}

/// A request the stand-in received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The endpoint it matched (method and path), `None` for anything else.
    pub endpoint: Option<Endpoint>,
    /// The HTTP method, e.g. `"POST"`.
    pub method: String,
    /// The request path, without the query string.
    pub path: String,
    /// The request headers in the order received; names are lowercase.
    pub headers: Vec<(String, String)>,
    /// The request body (lossy UTF-8).
    pub body: String,
}

impl Call {
    /// The first value of header `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A running stand-in for Crossmint's auth API.
///
/// Cheap to clone: clones share the server and its state. The server stops when the last
/// clone is dropped.
#[derive(Clone)]
pub struct StandIn {
    shared: Arc<Shared>,
    server: Arc<server::ServerGuard>,
}

impl std::fmt::Debug for StandIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StandIn")
            .field("addr", &self.server.addr)
            .field("options", &self.shared.options)
            .finish_non_exhaustive()
    }
}

impl StandIn {
    /// Starts a stand-in with [`Options::default`].
    ///
    /// # Panics
    ///
    /// If no port can be bound on `127.0.0.1`, or when called outside a tokio runtime.
    pub async fn start() -> StandIn {
        StandIn::start_with(Options::default()).await
    }

    /// Starts a stand-in with `options`: binds `127.0.0.1:0` and serves on a spawned task.
    ///
    /// # Panics
    ///
    /// If no port can be bound on `127.0.0.1`, or when called outside a tokio runtime.
    pub async fn start_with(options: Options) -> StandIn {
        let shared = Arc::new(Shared {
            options,
            state: Mutex::new(State::default()),
        });
        let server = server::start(Arc::clone(&shared)).await;
        StandIn {
            shared,
            server: Arc::new(server),
        }
    }

    /// The base URL, `http://127.0.0.1:<port>` (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr
    }

    /// The API key requests must send in `x-api-key`.
    pub fn api_key(&self) -> &str {
        &self.shared.options.api_key
    }

    /// The project id (`aud` claim of minted JWTs).
    pub fn project_id(&self) -> &str {
        &self.shared.options.project_id
    }

    /// Mints a fresh session for `user_id`: a valid JWT and a fresh refresh secret.
    /// The user becomes known to the user endpoint.
    pub fn mint_session(&self, user_id: &str) -> MintedSession {
        self.shared.mint(user_id, false)
    }

    /// Mints a session whose JWT expired 5 minutes ago (beyond any usual clock leeway) but
    /// whose refresh secret is valid: the next session check must refresh.
    pub fn mint_expired_session(&self, user_id: &str) -> MintedSession {
        self.shared.mint(user_id, true)
    }

    /// Signs arbitrary `claims` (RS256, `kid` of `key` in the header), for negative tests.
    /// Nothing is added to the claims.
    pub fn sign_jwt(&self, claims: &Value, key: SigningKey) -> String {
        keys::sign(claims, key)
    }

    /// Adds the secondary key to the JWKS, after the primary one (key rotation tests).
    /// Idempotent.
    pub fn publish_secondary_key(&self) {
        self.shared.lock().secondary_published = true;
    }

    /// Every request received so far, in order of arrival.
    pub fn calls(&self) -> Vec<Call> {
        self.shared.lock().calls.clone()
    }

    /// How many requests to `endpoint` were received, rejected and faulted ones included.
    pub fn count(&self, endpoint: Endpoint) -> usize {
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.endpoint == Some(endpoint))
            .count()
    }

    /// Makes the next `times` calls to `endpoint` misbehave with `fault`. Faults injected
    /// earlier and not yet consumed come first.
    ///
    /// # Panics
    ///
    /// If `fault` is a [`Fault::Status`] that is not a valid HTTP status code.
    pub fn inject(&self, endpoint: Endpoint, fault: Fault, times: usize) {
        if let Fault::Status(code) = fault {
            assert!(
                (100..=999).contains(&code),
                "Fault::Status({code}) is not a valid HTTP status code"
            );
        }
        let mut state = self.shared.lock();
        let queue = state.faults.entry(endpoint).or_default();
        queue.extend(std::iter::repeat_n(fault, times));
    }

    /// Revokes a refresh secret, as a logout would. Unknown secrets are ignored.
    pub fn revoke(&self, refresh_secret: &str) {
        self.shared.revoke(refresh_secret);
    }
}

/// State shared by the [`StandIn`] handles and the server.
pub(crate) struct Shared {
    options: Options,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    refresh_tokens: HashMap<String, RefreshToken>,
    users: BTreeSet<String>,
    calls: Vec<Call>,
    faults: HashMap<Endpoint, VecDeque<Fault>>,
    secondary_published: bool,
}

struct RefreshToken {
    user_id: String,
    expires_at: OffsetDateTime,
    status: TokenStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenStatus {
    Active,
    Used,
    Revoked,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not poison the stand-in for the others.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn mint(&self, user_id: &str, expired_jwt: bool) -> MintedSession {
        let now = OffsetDateTime::now_utc();
        let exp = if expired_jwt {
            now - Duration::from_secs(5 * 60)
        } else {
            now + self.options.jwt_ttl
        };
        let iat = exp - self.options.jwt_ttl;
        let jwt = keys::sign(
            &json!({
                "sub": user_id,
                "aud": self.options.project_id,
                "iat": iat.unix_timestamp(),
                "exp": exp.unix_timestamp(),
                // Unique, so two JWTs minted within one second still differ.
                "jti": random_secret(),
            }),
            SigningKey::Primary,
        );
        // Whole milliseconds, so that the published `expiresAt` is the effective expiry.
        let expires_at = now + self.options.refresh_ttl;
        let expires_at = expires_at
            .replace_millisecond(expires_at.millisecond())
            .expect("a millisecond of a valid time is valid");
        let refresh_secret = random_secret();
        let mut state = self.lock();
        state.users.insert(user_id.to_owned());
        state.refresh_tokens.insert(
            refresh_secret.clone(),
            RefreshToken {
                user_id: user_id.to_owned(),
                expires_at,
                status: TokenStatus::Active,
            },
        );
        MintedSession {
            user_id: user_id.to_owned(),
            jwt,
            refresh_secret,
            refresh_expires_at: rfc3339_millis(expires_at),
        }
    }

    /// Spends `secret` and mints the next session, or `None` if it is not usable.
    fn rotate(&self, secret: &str) -> Option<MintedSession> {
        let user_id = {
            let mut state = self.lock();
            let token = state.refresh_tokens.get_mut(secret)?;
            if token.status != TokenStatus::Active || token.expires_at <= OffsetDateTime::now_utc()
            {
                return None;
            }
            token.status = TokenStatus::Used;
            token.user_id.clone()
        };
        Some(self.mint(&user_id, false))
    }

    fn revoke(&self, secret: &str) {
        if let Some(token) = self.lock().refresh_tokens.get_mut(secret) {
            token.status = TokenStatus::Revoked;
        }
    }

    fn knows_user(&self, user_id: &str) -> bool {
        self.lock().users.contains(user_id)
    }

    fn jwks(&self) -> Value {
        let mut keys = vec![keys::jwk(SigningKey::Primary)];
        if self.lock().secondary_published {
            keys.push(keys::jwk(SigningKey::Secondary));
        }
        json!({ "keys": keys })
    }

    /// Records `call` and takes the next fault pending for its endpoint.
    fn record(&self, call: Call) -> Option<Fault> {
        let mut state = self.lock();
        let fault = call
            .endpoint
            .and_then(|e| state.faults.get_mut(&e))
            .and_then(VecDeque::pop_front);
        state.calls.push(call);
        fault
    }
}

/// 32 random bytes as lowercase hex: safe as a cookie value.
fn random_secret() -> String {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes).expect("the OS random number generator is available");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `2026-12-10T12:00:00.000Z`, like JavaScript's `Date.toISOString`.
fn rfc3339_millis(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_with_millis() {
        let t = OffsetDateTime::from_unix_timestamp_nanos(1_796_904_000_123_456_789).unwrap();
        let s = rfc3339_millis(t);
        assert_eq!(s, "2026-12-10T12:00:00.123Z");
        let parsed =
            OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339).unwrap();
        assert_eq!(parsed.unix_timestamp(), t.unix_timestamp());
    }

    #[test]
    fn secrets_are_cookie_safe_and_unique() {
        let a = random_secret();
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, random_secret());
    }
}
