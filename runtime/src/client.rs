//! The Crossmint auth API client: typed requests, typed answers, typed failures.

use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE};
use reqwest::{Method, StatusCode, Url};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::cookies::is_cookie_value;
use crate::error::ConfigError;
use crate::key::ApiKey;

const API_VERSION: &str = "2024-09-26";
/// Browsers drop a cookie whose name and value exceed 4096 bytes; this leaves room for the
/// name.
const MAX_COOKIE_VALUE: usize = 4096 - 256;
const CLIENT_NAME: &str = "crossmint-auth-rust";

/// Why a call to Crossmint failed.
///
/// [`Rejected`](UpstreamError::Rejected) means the provider looked at the token and refused
/// it: the session is over. [`Unavailable`](UpstreamError::Unavailable) means the provider
/// could not give an answer: nothing should change, the caller may retry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UpstreamError {
    /// The provider refused the request (`400`, `401`, `403` or `404`).
    #[error("the provider rejected the request ({status})")]
    Rejected {
        /// The HTTP status the provider answered.
        status: u16,
    },
    /// The provider could not be reached or gave no usable answer.
    #[error("the provider is unavailable: {0}")]
    Unavailable(Unavailable),
    /// The user id cannot be sent as one URL path segment (empty, `.`, `..`, or with `%`);
    /// nothing was sent.
    #[error(
        "the user id cannot be sent as a URL path segment (empty, `.`, `..` or containing `%`)"
    )]
    InvalidUserId,
}

/// How the provider was unavailable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Unavailable {
    /// The connection could not be made.
    #[error("connection failed")]
    Connect,
    /// The connect or total timeout ran out.
    #[error("timed out")]
    Timeout,
    /// The provider answered with a server error, `429`, a redirect or another status it
    /// should not send.
    #[error("unexpected status {0}")]
    Status(u16),
    /// The answer is larger than the configured cap.
    #[error("the answer is larger than {0} bytes")]
    TooLarge(usize),
    /// The answer is not the JSON the API documents, or holds values that cannot be cookies.
    #[error("invalid answer: {0}")]
    InvalidAnswer(&'static str),
    /// Another transport failure (the connection dropped, a TLS error, ...).
    #[error("transport error")]
    Transport,
}

impl From<Unavailable> for UpstreamError {
    fn from(reason: Unavailable) -> Self {
        UpstreamError::Unavailable(reason)
    }
}

/// A successful refresh: the new JWT, the new refresh secret and the user.
///
/// `Debug` redacts the tokens.
#[derive(Clone, PartialEq)]
pub struct Refreshed {
    /// The new JWT.
    pub jwt: String,
    /// The new single-use refresh secret.
    pub refresh_secret: String,
    /// When the refresh secret expires, exactly as the provider wrote it.
    pub expires_at_raw: String,
    /// When the refresh secret expires, if the provider's value parses as RFC 3339.
    pub expires_at: Option<OffsetDateTime>,
    /// The user object as the provider sent it (it has at least an `id`).
    pub user: serde_json::Value,
}

impl fmt::Debug for Refreshed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Refreshed")
            .field("jwt", &"<redacted>")
            .field("refresh_secret", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .field("user_id", &self.user_id())
            .finish()
    }
}

impl Refreshed {
    /// Checks provider material before anyone can turn it into cookies: the JWT and the
    /// secret must be valid cookie values and the user must have a string `id`; an
    /// `expiresAt` that is not RFC 3339 leaves [`Refreshed::expires_at`] empty.
    pub(crate) fn checked(
        jwt: String,
        refresh_secret: String,
        expires_at_raw: String,
        user: serde_json::Value,
    ) -> Result<Refreshed, Unavailable> {
        if jwt.is_empty() || !is_cookie_value(&jwt) {
            return Err(Unavailable::InvalidAnswer(
                "the JWT is not a valid cookie value",
            ));
        }
        if jwt.len() > MAX_COOKIE_VALUE || refresh_secret.len() > MAX_COOKIE_VALUE {
            return Err(Unavailable::InvalidAnswer(
                "a token is too large for a browser cookie",
            ));
        }
        if refresh_secret.is_empty() || !is_cookie_value(&refresh_secret) {
            return Err(Unavailable::InvalidAnswer(
                "the refresh secret is not a valid cookie value",
            ));
        }
        if !user.get("id").is_some_and(|id| id.is_string()) {
            return Err(Unavailable::InvalidAnswer("the user has no string `id`"));
        }
        let expires_at = OffsetDateTime::parse(
            &expires_at_raw,
            &time::format_description::well_known::Rfc3339,
        )
        .ok();
        Ok(Refreshed {
            jwt,
            refresh_secret,
            expires_at_raw,
            expires_at,
            user,
        })
    }

    /// The user's id (`user.id`).
    pub fn user_id(&self) -> &str {
        self.user
            .get("id")
            .and_then(|id| id.as_str())
            .unwrap_or_default()
    }
}

#[derive(Serialize)]
struct RefreshBody<'a> {
    refresh: &'a str,
}

#[derive(Deserialize)]
struct RefreshAnswer {
    jwt: String,
    refresh: RefreshSecretAnswer,
    user: serde_json::Value,
}

#[derive(Deserialize)]
struct RefreshSecretAnswer {
    secret: String,
    #[serde(rename = "expiresAt")]
    expires_at: String,
}

/// Timeouts and limits of the API client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientLimits {
    /// Time allowed to open the connection (default 2 s).
    pub connect_timeout: Duration,
    /// Time allowed for the whole call, answer included (default 5 s).
    pub timeout: Duration,
    /// The largest answer accepted, in bytes (default 1 MiB).
    pub max_answer_bytes: usize,
}

impl Default for ClientLimits {
    fn default() -> Self {
        ClientLimits {
            connect_timeout: Duration::from_secs(2),
            timeout: Duration::from_secs(5),
            max_answer_bytes: 1024 * 1024,
        }
    }
}

/// A client of Crossmint's auth API (`2024-09-26`).
///
/// Every call sends `x-api-key`, `x-client-name`, `x-client-version` and
/// `Content-Type: application/json`, has a connect and a total timeout, follows no
/// redirects (the API key would go with it) and caps the answer's size.
#[derive(Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base: Url,
    max_answer_bytes: usize,
    timeout: Duration,
}

impl fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiClient")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

impl ApiClient {
    /// Builds a client for `key`, talking to `base_url` when given, else to the base URL of
    /// the key's environment.
    pub fn new(
        key: &ApiKey,
        base_url: Option<&str>,
        limits: ClientLimits,
    ) -> Result<ApiClient, ConfigError> {
        let base = parse_base_url(base_url.unwrap_or(key.environment().base_url()))?;
        let mut api_key =
            HeaderValue::from_str(key.expose()).map_err(|_| ConfigError::MalformedApiKey {
                reason: "it is not a valid header value",
            })?;
        api_key.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(HeaderName::from_static("x-api-key"), api_key);
        headers.insert(
            HeaderName::from_static("x-client-name"),
            HeaderValue::from_static(CLIENT_NAME),
        );
        headers.insert(
            HeaderName::from_static("x-client-version"),
            HeaderValue::from_static(env!("CARGO_PKG_VERSION")),
        );
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let mut http = reqwest::Client::builder()
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(limits.connect_timeout)
            .timeout(limits.timeout);
        // A provider on this machine (a stand-in, a tunnel) is reached directly, whatever
        // proxy the environment names.
        if is_loopback(&base) {
            http = http.no_proxy();
        }
        let http = http
            .build()
            .map_err(|e| ConfigError::HttpClient(e.to_string()))?;
        Ok(ApiClient {
            http,
            base,
            max_answer_bytes: limits.max_answer_bytes,
            timeout: limits.timeout,
        })
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }

    /// The longest a call may take.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Exchanges a refresh secret for a new JWT and a new refresh secret.
    ///
    /// The answer is checked before anyone can turn it into cookies: a JWT or secret that is
    /// not a valid cookie value is [`Unavailable::InvalidAnswer`]; an `expiresAt` that does
    /// not parse leaves [`Refreshed::expires_at`] empty.
    pub async fn refresh(&self, secret: &str) -> Result<Refreshed, UpstreamError> {
        let url = self.url(&["api", API_VERSION, "session", "sdk", "auth", "refresh"]);
        let body = RefreshBody { refresh: secret };
        let bytes = self.call(Method::POST, url, Some(&body)).await?;
        let answer: RefreshAnswer = serde_json::from_slice(&bytes).map_err(|_| {
            Unavailable::InvalidAnswer("the refresh answer is not the documented JSON")
        })?;
        let refreshed = Refreshed::checked(
            answer.jwt,
            answer.refresh.secret,
            answer.refresh.expires_at,
            answer.user,
        )?;
        if refreshed.expires_at.is_none() {
            tracing::warn!(
                "the provider's refresh `expiresAt` is not an RFC 3339 date; \
                 the refresh cookie is written without Expires"
            );
        }
        Ok(refreshed)
    }

    /// Revokes a refresh secret.
    pub async fn logout(&self, secret: &str) -> Result<(), UpstreamError> {
        let url = self.url(&["api", API_VERSION, "session", "sdk", "auth", "logout"]);
        self.call(Method::POST, url, Some(&RefreshBody { refresh: secret }))
            .await
            .map(drop)
    }

    /// Looks a user up by their external user id.
    pub async fn get_user(
        &self,
        external_user_id: &str,
    ) -> Result<serde_json::Value, UpstreamError> {
        // `/` and `?` are escaped by the URL builder, but `%` is not, and `.`/`..` (also
        // spelled `%2e`) would climb out of the path: such ids never leave this process.
        if matches!(external_user_id, "" | "." | "..") || external_user_id.contains('%') {
            return Err(UpstreamError::InvalidUserId);
        }
        let url = self.url(&["api", API_VERSION, "sdk", "auth", "user", external_user_id]);
        let bytes = self.call::<()>(Method::GET, url, None).await?;
        serde_json::from_slice(&bytes)
            .map_err(|_| Unavailable::InvalidAnswer("the user answer is not JSON").into())
    }

    /// Fetches the JSON Web Key Set the provider signs JWTs with.
    pub async fn jwks(&self) -> Result<jsonwebtoken::jwk::JwkSet, UpstreamError> {
        let url = self.url(&[".well-known", "jwks.json"]);
        let bytes = self.call::<()>(Method::GET, url, None).await?;
        serde_json::from_slice(&bytes)
            .map_err(|_| Unavailable::InvalidAnswer("the JWKS is not a JSON Web Key Set").into())
    }

    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .expect("checked at construction: the base URL can have a path")
            .pop_if_empty()
            .extend(segments);
        url
    }

    async fn call<B: Serialize>(
        &self,
        method: Method,
        url: Url,
        body: Option<&B>,
    ) -> Result<Vec<u8>, UpstreamError> {
        let mut request = self.http.request(method, url);
        if let Some(body) = body {
            let json = serde_json::to_vec(body).map_err(|_| Unavailable::Transport)?;
            request = request.body(json);
        }
        let mut response = request.send().await.map_err(transport)?;
        let status = response.status();
        if !status.is_success() {
            return Err(classify(status));
        }
        let cap = self.max_answer_bytes;
        if response
            .content_length()
            .is_some_and(|len| len > cap as u64)
        {
            return Err(Unavailable::TooLarge(cap).into());
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if bytes.len() + chunk.len() > cap {
                return Err(Unavailable::TooLarge(cap).into());
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }
}

fn classify(status: StatusCode) -> UpstreamError {
    match status.as_u16() {
        status @ (400 | 401 | 403 | 404) => UpstreamError::Rejected { status },
        other => Unavailable::Status(other).into(),
    }
}

fn transport(error: reqwest::Error) -> UpstreamError {
    if error.is_timeout() {
        Unavailable::Timeout.into()
    } else if error.is_connect() {
        Unavailable::Connect.into()
    } else {
        Unavailable::Transport.into()
    }
}

fn is_loopback(url: &Url) -> bool {
    url.host_str().is_some_and(|host| {
        host.eq_ignore_ascii_case("localhost")
            || host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    })
}

/// `value` with any `user:password@` replaced, so errors never print credentials.
fn without_credentials(value: &str) -> String {
    let (scheme, rest) = value.split_once("://").unwrap_or(("", value));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) if scheme.is_empty() => format!("***{}", &rest[at..]),
        Some(at) => format!("{scheme}://***{}", &rest[at..]),
        None => value.to_owned(),
    }
}

/// Checks a base URL override without building a client.
pub(crate) fn check_base_url(value: &str) -> Result<(), ConfigError> {
    parse_base_url(value).map(drop)
}

fn parse_base_url(value: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidBaseUrl {
        value: without_credentials(value),
        reason: reason.to_owned(),
    };
    let url = Url::parse(value).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be `http` or `https`"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or a fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("it must not carry credentials"));
    }
    Ok(url)
}
