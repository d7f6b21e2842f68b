//! Error types: [`ConfigError`] at start-up, [`AuthError`] per request.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// A configuration mistake, found when the client or the routes are built.
///
/// Every message says which setting is wrong and what a valid one looks like.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The API key is empty.
    #[error(
        "the Crossmint API key is empty: set a server key \
         (`sk_production_…`, `sk_staging_…` or `sk_development_…`)"
    )]
    EmptyApiKey,
    /// A client key (`ck_…`) was given where a server key is needed.
    #[error(
        "a client key (`ck_…`) is not a server key: use the project's server key \
         (`sk_production_…`, `sk_staging_…` or `sk_development_…`) from the Crossmint console"
    )]
    ClientApiKey,
    /// The API key is not a Crossmint server key.
    #[error(
        "the Crossmint API key is malformed ({reason}): a server key looks like \
         `sk_production_…`, `sk_staging_…` or `sk_development_…`"
    )]
    MalformedApiKey {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The base URL override is not an absolute `http(s)` URL without query or fragment.
    #[error(
        "the Crossmint base URL `{value}` is invalid ({reason}): \
         use an absolute URL such as `https://staging.crossmint.com` or `http://127.0.0.1:8080`"
    )]
    InvalidBaseUrl {
        /// The URL as given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A required environment variable is not set.
    #[error("the environment variable `{variable}` is not set: set it to your Crossmint server key (`sk_…`)")]
    MissingVariable {
        /// The variable's name.
        variable: &'static str,
    },
    /// An environment variable holds an invalid value.
    #[error("the environment variable `{variable}` is invalid: {source}")]
    Variable {
        /// The variable's name.
        variable: &'static str,
        /// What is wrong with its value.
        #[source]
        source: Box<ConfigError>,
    },
    /// The project id is not valid UTF-8.
    #[error("the project id is not valid UTF-8: copy it from the Crossmint console")]
    InvalidProjectId,
    /// The Redis URL is invalid.
    #[error("the Redis URL is invalid ({0}): use a URL such as `redis://127.0.0.1:6379/0`")]
    InvalidRedisUrl(String),
    /// The HTTP client could not be created.
    #[error("the HTTP client for Crossmint could not be created: {0}")]
    HttpClient(String),
    /// The cookie configuration breaks a rule browsers enforce.
    #[error("invalid cookie configuration: {}", join(.0))]
    Cookies(Vec<crossmint_auth_rules::Violation>),
}

fn join(violations: &[crossmint_auth_rules::Violation]) -> String {
    violations
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Why a request to a refresh or logout route, or a [`Session`](crate::Session), failed.
///
/// As a response it is JSON `{"error": "<status reason>", "message": "<this message>"}`
/// with `Cache-Control: no-store`. Messages are fixed: provider text is never forwarded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The request came from another site (`Sec-Fetch-Site` or `Origin`).
    #[error("cross-site requests to this route are refused: call it from the app's own origin")]
    CrossSite,
    /// The request body is not what the route accepts.
    #[error("{0}")]
    BadRequest(&'static str),
    /// The request body is larger than the configured limit.
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// Neither the body nor the cookie carries a refresh token.
    #[error("no refresh token was sent: sign in again")]
    MissingToken,
    /// The provider rejected the refresh token (used, revoked, expired or unknown).
    #[error("the session has expired or was revoked: sign in again")]
    TokenRejected,
    /// The provider could not be reached or answered unusably; nothing was changed.
    #[error("the authentication provider is unavailable: nothing was changed, try again shortly")]
    ProviderUnavailable,
    /// The JWT is invalid and no refresh token can replace it.
    #[error("not signed in: the session token is missing or invalid")]
    NotSignedIn,
    /// The session layer is missing from the router.
    #[error("authentication is not configured on this route")]
    NotConfigured,
}

impl AuthError {
    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            AuthError::CrossSite => StatusCode::FORBIDDEN,
            AuthError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AuthError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AuthError::MissingToken | AuthError::TokenRejected | AuthError::NotSignedIn => {
                StatusCode::UNAUTHORIZED
            }
            AuthError::ProviderUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            AuthError::NotConfigured => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Whether the session is over: the answer clears both cookies.
    pub fn ends_session(&self) -> bool {
        self.status() == StatusCode::UNAUTHORIZED
    }
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = serde_json::json!({
            "error": status.canonical_reason().unwrap_or("Error"),
            "message": self.to_string(),
        });
        let mut response = (status, axum::Json(body)).into_response();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}
