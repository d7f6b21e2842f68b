//! Crossmint server API keys and the base URL they imply.

use std::fmt;

use crate::error::ConfigError;

/// The Crossmint environment a server key belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Environment {
    /// `sk_production_…` keys, served by `https://www.crossmint.com`.
    Production,
    /// `sk_staging_…` keys, served by `https://staging.crossmint.com`.
    Staging,
    /// `sk_development_…` keys, served by `http://localhost:3000`.
    Development,
}

impl Environment {
    /// The base URL of Crossmint's API for this environment.
    pub const fn base_url(self) -> &'static str {
        match self {
            Environment::Production => "https://www.crossmint.com",
            Environment::Staging => "https://staging.crossmint.com",
            Environment::Development => "http://localhost:3000",
        }
    }

    const fn prefix(self) -> &'static str {
        match self {
            Environment::Production => "sk_production_",
            Environment::Staging => "sk_staging_",
            Environment::Development => "sk_development_",
        }
    }

    const ALL: [Environment; 3] = [
        Environment::Production,
        Environment::Staging,
        Environment::Development,
    ];
}

/// A Crossmint **server** API key (`sk_production_…`, `sk_staging_…` or `sk_development_…`).
///
/// Its `Debug` output names the environment only, never the key.
///
/// ```
/// use crossmint_auth::{ApiKey, Environment};
///
/// let key = ApiKey::parse("sk_staging_abc123").unwrap();
/// assert_eq!(key.environment(), Environment::Staging);
/// assert_eq!(format!("{key:?}"), "ApiKey(sk_staging_…)");
/// assert!(ApiKey::parse("ck_staging_abc123").is_err());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    secret: String,
    environment: Environment,
}

impl ApiKey {
    /// Parses a server key, rejecting client keys, empty and malformed keys with an error
    /// that says what a valid key looks like.
    pub fn parse(key: &str) -> Result<ApiKey, ConfigError> {
        if key.trim().is_empty() {
            return Err(ConfigError::EmptyApiKey);
        }
        if key.starts_with("ck_") {
            return Err(ConfigError::ClientApiKey);
        }
        let Some((environment, rest)) = Environment::ALL
            .into_iter()
            .find_map(|env| key.strip_prefix(env.prefix()).map(|rest| (env, rest)))
        else {
            return Err(ConfigError::MalformedApiKey {
                reason:
                    "it does not start with `sk_production_`, `sk_staging_` or `sk_development_`",
            });
        };
        if rest.is_empty() {
            return Err(ConfigError::MalformedApiKey {
                reason: "nothing follows the environment prefix",
            });
        }
        if !rest.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ConfigError::MalformedApiKey {
                reason: "it contains whitespace or characters outside printable ASCII",
            });
        }
        Ok(ApiKey {
            secret: key.to_owned(),
            environment,
        })
    }

    /// The environment the key belongs to.
    pub fn environment(&self) -> Environment {
        self.environment
    }

    /// The key itself, for the `x-api-key` header.
    pub(crate) fn expose(&self) -> &str {
        &self.secret
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({}…)", self.environment.prefix())
    }
}

impl std::str::FromStr for ApiKey {
    type Err = ConfigError;

    fn from_str(key: &str) -> Result<Self, Self::Err> {
        ApiKey::parse(key)
    }
}
