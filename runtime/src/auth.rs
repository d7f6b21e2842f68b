//! [`CrossmintAuth`]: the configured client every route and extractor shares.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use axum::routing::MethodRouter;

use crate::client::{ApiClient, ClientLimits, Refreshed, UpstreamError};
use crate::config::CookieConfig;
use crate::coordinator::{InProcess, RefreshCoordinator};
use crate::error::ConfigError;
use crate::handlers;
use crate::jwks::Jwks;
use crate::jwt::{Claims, Verifier, VerifyError, MAX_JWT_BYTES};
use crate::key::ApiKey;

/// The environment variable holding the Crossmint server key.
pub const API_KEY_VARIABLE: &str = "CROSSMINT_SERVER_API_KEY";
/// The optional environment variable overriding the Crossmint base URL.
pub const BASE_URL_VARIABLE: &str = "CROSSMINT_BASE_URL";
/// Durations are capped at ten years, so that no setting can overflow a clock computation.
const MAX_DURATION: Duration = Duration::from_secs(10 * 365 * 24 * 60 * 60);

/// The optional environment variable holding the project id JWTs must be issued for (`aud`).
pub const PROJECT_ID_VARIABLE: &str = "CROSSMINT_PROJECT_ID";

/// Crossmint authentication for one server: the API client, the refresh coordination and
/// the request limits. Cheap to clone (an `Arc` inside); build it once at start-up.
///
/// ```no_run
/// # async fn demo() -> Result<(), crossmint_auth::ConfigError> {
/// use crossmint_auth::{CookieConfig, CrossmintAuth};
///
/// let auth = CrossmintAuth::from_env()?; // CROSSMINT_SERVER_API_KEY, CROSSMINT_BASE_URL
/// const COOKIES: CookieConfig = CookieConfig::new();
/// let app: axum::Router = axum::Router::new()
///     .route("/api/refresh", auth.refresh_route(COOKIES))
///     .route("/api/logout", auth.logout_route(COOKIES));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct CrossmintAuth {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) client: ApiClient,
    pub(crate) options: Options,
    pub(crate) coordinator: Arc<dyn RefreshCoordinator>,
    pub(crate) jwks: Jwks,
    pub(crate) verifier: Verifier,
}

#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) body_limit: usize,
    pub(crate) allowed_origins: Vec<String>,
}

impl fmt::Debug for CrossmintAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CrossmintAuth")
            .field("client", &self.inner.client)
            .field("options", &self.inner.options)
            .finish_non_exhaustive()
    }
}

impl CrossmintAuth {
    /// Starts a configuration with a server key (`sk_production_…`, `sk_staging_…` or
    /// `sk_development_…`). The key is checked by [`Builder::build`].
    pub fn builder(api_key: impl AsRef<str>) -> Builder {
        Builder::new(ApiKey::parse(api_key.as_ref()), None)
    }

    /// Builds a client from `CROSSMINT_SERVER_API_KEY` and, when set, `CROSSMINT_BASE_URL`,
    /// with every other setting at its default. Errors name the variable.
    pub fn from_env() -> Result<CrossmintAuth, ConfigError> {
        Builder::from_env()?.build()
    }

    /// The API client, for direct calls to Crossmint.
    pub fn client(&self) -> &ApiClient {
        &self.inner.client
    }

    /// Looks a user up by their external user id.
    pub async fn get_user(
        &self,
        external_user_id: &str,
    ) -> Result<serde_json::Value, UpstreamError> {
        self.inner.client.get_user(external_user_id).await
    }

    /// Refreshes a token through the single flight and grace window that the refresh route
    /// and the session extractor share.
    pub async fn refresh(&self, refresh_secret: &str) -> Result<Arc<Refreshed>, UpstreamError> {
        self.inner
            .coordinator
            .refresh(&self.inner.client, refresh_secret)
            .await
    }

    /// Verifies a Crossmint JWT against the provider's key set: signature (only with the
    /// asymmetric algorithm the key declares), `exp` and `nbf` with the configured leeway,
    /// and `aud` when a project id is configured. A token that verified once is answered
    /// from a bounded cache until it expires.
    pub async fn verify_jwt(&self, jwt: &str) -> Result<Arc<Claims>, VerifyError> {
        let inner = &self.inner;
        if let Some(claims) = inner.verifier.cached(jwt) {
            return Ok(claims);
        }
        if jwt.len() > MAX_JWT_BYTES {
            return Err(VerifyError::Malformed);
        }
        // Only `kid` and `alg` are read from the header: `jku`, `x5u` and `jwk` are ignored,
        // keys come from the configured key set alone.
        let header = jsonwebtoken::decode_header(jwt).map_err(|_| VerifyError::Malformed)?;
        let kid = header.kid.ok_or(VerifyError::UnknownKey)?;
        let key = inner.jwks.key(&inner.client, &kid).await?;
        let claims = Arc::new(inner.verifier.verify(jwt, &key, header.alg)?);
        inner.verifier.remember(jwt, &claims);
        Ok(claims)
    }

    /// The `POST` route that refreshes a session: mount it at the route the Crossmint browser
    /// SDK calls (`refreshRoute`). Other methods get `405` with `Allow`.
    ///
    /// # Panics
    ///
    /// When `cookies` breaks a rule browsers enforce ([`CookieConfig::validate`]): better
    /// when the router is built than cookies silently dropped by every browser.
    pub fn refresh_route<S>(&self, cookies: CookieConfig) -> MethodRouter<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        expect_valid(&cookies);
        let auth = self.clone();
        axum::routing::post(move |request: axum::extract::Request| {
            let auth = auth.clone();
            async move { handlers::refresh(&auth, &cookies, request).await }
        })
    }

    /// The `POST` route that logs out: revokes the refresh token (best effort) and clears
    /// both cookies. Other methods get `405` with `Allow`.
    ///
    /// # Panics
    ///
    /// When `cookies` breaks a rule browsers enforce ([`CookieConfig::validate`]).
    pub fn logout_route<S>(&self, cookies: CookieConfig) -> MethodRouter<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        expect_valid(&cookies);
        let auth = self.clone();
        axum::routing::post(move |request: axum::extract::Request| {
            let auth = auth.clone();
            async move { handlers::logout(&auth, &cookies, request).await }
        })
    }
}

/// Panics, naming the rule and the fix, when a configuration built by hand is invalid.
pub(crate) fn expect_valid(cookies: &CookieConfig) {
    if let Err(error) = cookies.validate() {
        panic!("crossmint-auth: {error}");
    }
}

/// Settings of a [`CrossmintAuth`], with secure defaults.
pub struct Builder {
    api_key: Result<ApiKey, ConfigError>,
    base_url: Option<Result<String, ConfigError>>,
    limits: ClientLimits,
    body_limit: usize,
    grace_window: Duration,
    grace_capacity: usize,
    allowed_origins: Vec<String>,
    project_id: Option<String>,
    jwt_leeway: Duration,
    jwks_ttl: Duration,
    jwks_refetch_interval: Duration,
    verified_cache_capacity: usize,
    coordinator: Coordinator,
}

/// Which [`RefreshCoordinator`] a [`Builder`] will use.
enum Coordinator {
    InProcess,
    Custom(Arc<dyn RefreshCoordinator>),
    #[cfg(feature = "redis")]
    Redis(String),
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("api_key", &self.api_key.as_ref().ok())
            .field("limits", &self.limits)
            .field("body_limit", &self.body_limit)
            .field("grace_window", &self.grace_window)
            .field("allowed_origins", &self.allowed_origins)
            .field("project_id", &self.project_id)
            .finish_non_exhaustive()
    }
}

impl Builder {
    fn new(
        api_key: Result<ApiKey, ConfigError>,
        base_url: Option<Result<String, ConfigError>>,
    ) -> Builder {
        Builder {
            api_key,
            base_url,
            limits: ClientLimits::default(),
            body_limit: 16 * 1024,
            grace_window: Duration::from_secs(10),
            grace_capacity: 10_000,
            allowed_origins: Vec::new(),
            project_id: None,
            jwt_leeway: Duration::from_secs(5),
            jwks_ttl: Duration::from_secs(600),
            jwks_refetch_interval: Duration::from_secs(30),
            verified_cache_capacity: 10_000,
            coordinator: Coordinator::InProcess,
        }
    }

    /// Reads `CROSSMINT_SERVER_API_KEY` and, when set, `CROSSMINT_BASE_URL`.
    pub fn from_env() -> Result<Builder, ConfigError> {
        Builder::from_lookup(|name| std::env::var_os(name))
    }

    fn from_lookup(
        lookup: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Result<Builder, ConfigError> {
        let in_variable = |variable: &'static str| {
            move |source: ConfigError| ConfigError::Variable {
                variable,
                source: Box::new(source),
            }
        };
        let not_unicode = ConfigError::MalformedApiKey {
            reason: "it is not valid UTF-8",
        };
        let key = lookup(API_KEY_VARIABLE).ok_or(ConfigError::MissingVariable {
            variable: API_KEY_VARIABLE,
        })?;
        let key = key
            .into_string()
            .map_err(|_| not_unicode)
            .and_then(|key| ApiKey::parse(&key))
            .map_err(in_variable(API_KEY_VARIABLE))?;
        let base_url = match lookup(BASE_URL_VARIABLE) {
            None => None,
            Some(url) => {
                let url = url
                    .into_string()
                    .map_err(|url| ConfigError::InvalidBaseUrl {
                        value: url.to_string_lossy().into_owned(),
                        reason: "it is not valid UTF-8".into(),
                    });
                let url = url
                    .and_then(|url| crate::client::check_base_url(&url).map(|()| url))
                    .map_err(in_variable(BASE_URL_VARIABLE))?;
                Some(Ok(url))
            }
        };
        let mut builder = Builder::new(Ok(key), base_url);
        if let Some(project_id) = lookup(PROJECT_ID_VARIABLE) {
            let project_id = project_id
                .into_string()
                .map_err(|_| ConfigError::Variable {
                    variable: PROJECT_ID_VARIABLE,
                    source: Box::new(ConfigError::InvalidProjectId),
                })?;
            builder = builder.project_id(project_id);
        }
        #[cfg(not(feature = "redis"))]
        if lookup("CROSSMINT_REDIS_URL").is_some() {
            tracing::warn!(
                "CROSSMINT_REDIS_URL is set but crossmint-auth was built without its `redis` \
                 feature: refreshes are coordinated in this process only; enable the feature \
                 to coordinate replicas"
            );
        }
        #[cfg(feature = "redis")]
        if let Some(url) = lookup(crate::redis::REDIS_URL_VARIABLE) {
            let url = url.into_string().map_err(|_| ConfigError::Variable {
                variable: crate::redis::REDIS_URL_VARIABLE,
                source: Box::new(ConfigError::InvalidRedisUrl("it is not valid UTF-8".into())),
            })?;
            crate::redis::check_url(&url).map_err(in_variable(crate::redis::REDIS_URL_VARIABLE))?;
            builder = builder.redis(url);
        }
        Ok(builder)
    }

    /// Sends every call to `base_url` instead of the key's environment (a local stand-in,
    /// a proxy).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(Ok(base_url.into()));
        self
    }

    /// Time allowed to connect to Crossmint (default 2 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.limits.connect_timeout = timeout;
        self
    }

    /// Time allowed for a whole call to Crossmint (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.limits.timeout = timeout;
        self
    }

    /// The largest answer accepted from Crossmint (default 1 MiB).
    pub fn max_answer_bytes(mut self, bytes: usize) -> Self {
        self.limits.max_answer_bytes = bytes;
        self
    }

    /// The largest request body the refresh route reads (default 16 KiB).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// How long the outcome of a rotation is handed out again to callers that still hold
    /// the old token (default 10 s; zero disables it).
    pub fn grace_window(mut self, window: Duration) -> Self {
        self.grace_window = window.min(MAX_DURATION);
        self
    }

    /// How many rotations the grace window remembers at most (default 10 000).
    pub fn grace_capacity(mut self, entries: usize) -> Self {
        self.grace_capacity = entries;
        self
    }

    /// Accepts cookie-authenticated `POST`s from another origin, e.g.
    /// `https://app.example.com` when the API runs on `api.example.com`.
    pub fn allow_origin(mut self, origin: impl AsRef<str>) -> Self {
        self.allowed_origins
            .push(crate::csrf::normalise_origin(origin.as_ref()));
        self
    }

    /// Requires JWTs to be issued for this project (`aud`). Without it `aud` is not checked.
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Clock skew tolerated on `exp` and `nbf` (default 5 s).
    pub fn jwt_leeway(mut self, leeway: Duration) -> Self {
        self.jwt_leeway = leeway.min(MAX_DURATION);
        self
    }

    /// How long the provider's key set is used before it is fetched again (default 10 min).
    pub fn jwks_ttl(mut self, ttl: Duration) -> Self {
        self.jwks_ttl = ttl.min(MAX_DURATION);
        self
    }

    /// The shortest time between two key-set fetches caused by unknown `kid`s (default 30 s).
    pub fn jwks_refetch_interval(mut self, interval: Duration) -> Self {
        self.jwks_refetch_interval = interval.min(MAX_DURATION);
        self
    }

    /// How many verified JWTs are remembered, so they are not verified again before they
    /// expire (default 10 000; zero turns the cache off).
    pub fn verified_cache_capacity(mut self, entries: usize) -> Self {
        self.verified_cache_capacity = entries;
        self
    }

    /// Coordinates refreshes with a [`RefreshCoordinator`] of your own instead of the
    /// in-process default. The grace window settings then belong to it.
    pub fn coordinator(mut self, coordinator: impl RefreshCoordinator) -> Self {
        self.coordinator = Coordinator::Custom(Arc::new(coordinator));
        self
    }

    /// Coordinates refreshes across replicas through the Redis server at `url`
    /// (`redis://host:port/db`), encrypted with keys derived from the tokens. When Redis is
    /// unreachable, coordination falls back to this process.
    #[cfg(feature = "redis")]
    pub fn redis(mut self, url: impl Into<String>) -> Self {
        self.coordinator = Coordinator::Redis(url.into());
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<CrossmintAuth, ConfigError> {
        let key = self.api_key?;
        let base_url = self.base_url.transpose()?;
        let client = ApiClient::new(&key, base_url.as_deref(), self.limits)?;
        let coordinator: Arc<dyn RefreshCoordinator> = match self.coordinator {
            Coordinator::InProcess => {
                Arc::new(InProcess::new(self.grace_window, self.grace_capacity))
            }
            Coordinator::Custom(custom) => custom,
            #[cfg(feature = "redis")]
            Coordinator::Redis(url) => Arc::new(crate::redis::RedisCoordinator::new(
                &url,
                self.grace_window,
                self.grace_capacity,
            )?),
        };
        Ok(CrossmintAuth {
            inner: Arc::new(Inner {
                client,
                options: Options {
                    body_limit: self.body_limit,
                    allowed_origins: self.allowed_origins,
                },
                coordinator,
                jwks: Jwks::new(self.jwks_ttl, self.jwks_refetch_interval),
                verifier: Verifier::new(
                    self.project_id,
                    self.jwt_leeway.as_secs(),
                    self.verified_cache_capacity,
                ),
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    fn lookup<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn from_env_names_the_variable() {
        let missing = Builder::from_lookup(lookup(&[])).unwrap_err().to_string();
        assert!(missing.contains("CROSSMINT_SERVER_API_KEY"), "{missing}");

        let client_key = Builder::from_lookup(lookup(&[(API_KEY_VARIABLE, "ck_production_x")]))
            .unwrap_err()
            .to_string();
        assert!(
            client_key.contains("CROSSMINT_SERVER_API_KEY"),
            "{client_key}"
        );
        assert!(client_key.contains("client key"), "{client_key}");

        let bad_url = Builder::from_lookup(lookup(&[
            (API_KEY_VARIABLE, "sk_staging_x"),
            (BASE_URL_VARIABLE, "ftp://example.com"),
        ]))
        .unwrap_err()
        .to_string();
        assert!(bad_url.contains("CROSSMINT_BASE_URL"), "{bad_url}");
    }

    #[test]
    fn from_env_uses_the_override() {
        let auth = Builder::from_lookup(lookup(&[
            (API_KEY_VARIABLE, "sk_production_x"),
            (BASE_URL_VARIABLE, "http://127.0.0.1:9"),
        ]))
        .and_then(Builder::build)
        .unwrap();
        assert_eq!(auth.client().base_url(), "http://127.0.0.1:9/");
    }

    #[test]
    fn debug_never_prints_the_key() {
        let auth = CrossmintAuth::builder("sk_staging_supersecret")
            .build()
            .unwrap();
        assert!(!format!("{auth:?}").contains("supersecret"));
        let builder = CrossmintAuth::builder("sk_staging_supersecret");
        assert!(!format!("{builder:?}").contains("supersecret"));
    }
}
