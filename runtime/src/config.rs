//! The cookie configuration: secure defaults, buildable in a `const`.

use crate::error::ConfigError;
pub use crossmint_auth_rules::SameSite;
use crossmint_auth_rules::Settings;

/// How the two session cookies are written.
///
/// Every builder method is a `const fn`, so a configuration can be a constant (that is what
/// `#[crossmint_auth]` emits after checking it at compile time). Defaults are the secure
/// choice: `SameSite=Lax`, `Secure`, an `HttpOnly` refresh cookie, host-only, `Path=/`.
///
/// ```
/// use crossmint_auth::{CookieConfig, SameSite};
///
/// const COOKIES: CookieConfig = CookieConfig::new().same_site(SameSite::Strict);
/// assert!(COOKIES.validate().is_ok());
///
/// let broken = CookieConfig::new().same_site(SameSite::None).secure(false);
/// assert!(broken.validate().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CookieConfig {
    pub(crate) same_site: SameSite,
    pub(crate) secure: bool,
    pub(crate) http_only: bool,
    pub(crate) domain: Option<&'static str>,
    pub(crate) path: &'static str,
    pub(crate) jwt_cookie: &'static str,
    pub(crate) refresh_cookie: &'static str,
    pub(crate) partitioned: bool,
}

impl Default for CookieConfig {
    fn default() -> Self {
        CookieConfig::new()
    }
}

impl CookieConfig {
    /// The defaults: `SameSite=Lax`, `Secure`, `HttpOnly` refresh cookie, no `Domain`,
    /// `Path=/`, cookies `crossmint-jwt` and `crossmint-refresh-token`, not partitioned.
    pub const fn new() -> CookieConfig {
        // The defaults are the rules crate's, so the macro and the runtime agree on them.
        const DEFAULT: Settings<'static> = Settings::DEFAULT;
        CookieConfig {
            same_site: DEFAULT.same_site,
            secure: DEFAULT.secure,
            http_only: DEFAULT.http_only,
            domain: DEFAULT.domain,
            path: DEFAULT.path,
            jwt_cookie: DEFAULT.jwt_cookie,
            refresh_cookie: DEFAULT.refresh_cookie,
            partitioned: DEFAULT.partitioned,
        }
    }

    /// Sets the `SameSite` attribute of both cookies.
    pub const fn same_site(mut self, same_site: SameSite) -> Self {
        self.same_site = same_site;
        self
    }

    /// Sets the `Secure` attribute of both cookies.
    pub const fn secure(mut self, secure: bool) -> Self {
        self.secure = secure;
        self
    }

    /// Makes the refresh cookie `HttpOnly` (the JWT cookie never is: the browser SDK reads it).
    pub const fn http_only(mut self, http_only: bool) -> Self {
        self.http_only = http_only;
        self
    }

    /// Sets the `Domain` attribute, sharing the cookies with subdomains.
    ///
    /// For a domain only known at run time, leak the string once at start-up
    /// (`String::leak`).
    pub const fn domain(mut self, domain: &'static str) -> Self {
        self.domain = Some(domain);
        self
    }

    /// Sets the `Path` attribute of both cookies; it must cover the refresh and logout routes.
    pub const fn path(mut self, path: &'static str) -> Self {
        self.path = path;
        self
    }

    /// Names the JWT cookie.
    pub const fn jwt_cookie(mut self, name: &'static str) -> Self {
        self.jwt_cookie = name;
        self
    }

    /// Names the refresh-token cookie.
    pub const fn refresh_cookie(mut self, name: &'static str) -> Self {
        self.refresh_cookie = name;
        self
    }

    /// Sets the `Partitioned` attribute (CHIPS) of both cookies; it needs `Secure`.
    pub const fn partitioned(mut self, partitioned: bool) -> Self {
        self.partitioned = partitioned;
        self
    }

    /// The `SameSite` attribute.
    pub const fn get_same_site(&self) -> SameSite {
        self.same_site
    }

    /// Whether the cookies are `Secure`.
    pub const fn is_secure(&self) -> bool {
        self.secure
    }

    /// Whether the refresh cookie is `HttpOnly`.
    pub const fn is_http_only(&self) -> bool {
        self.http_only
    }

    /// The `Domain` attribute, if any.
    pub const fn get_domain(&self) -> Option<&'static str> {
        self.domain
    }

    /// The `Path` attribute.
    pub const fn get_path(&self) -> &'static str {
        self.path
    }

    /// The JWT cookie's name.
    pub const fn jwt_cookie_name(&self) -> &'static str {
        self.jwt_cookie
    }

    /// The refresh cookie's name.
    pub const fn refresh_cookie_name(&self) -> &'static str {
        self.refresh_cookie
    }

    /// Whether the cookies are `Partitioned`.
    pub const fn is_partitioned(&self) -> bool {
        self.partitioned
    }

    /// Checks the cookie rules that `#[crossmint_auth]` enforces at compile time, for a
    /// configuration built by hand. Route rules are not checked; see
    /// [`validate_with_routes`](Self::validate_with_routes).
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.check(None, None, false)
    }

    /// Like [`validate`](Self::validate), and also checks the refresh and logout routes
    /// (well-formed, distinct, covered by the cookie `Path`; a logout route is required
    /// while the refresh cookie is `HttpOnly`).
    pub fn validate_with_routes(
        &self,
        refresh: &str,
        logout: Option<&str>,
    ) -> Result<(), ConfigError> {
        self.check(Some(refresh), logout, true)
    }

    fn check(
        &self,
        refresh: Option<&str>,
        logout: Option<&str>,
        with_routes: bool,
    ) -> Result<(), ConfigError> {
        let settings = Settings {
            refresh,
            logout,
            same_site: self.same_site,
            secure: self.secure,
            http_only: self.http_only,
            domain: self.domain,
            path: self.path,
            jwt_cookie: self.jwt_cookie,
            refresh_cookie: self.refresh_cookie,
            partitioned: self.partitioned,
        };
        let violations: Vec<_> = crossmint_auth_rules::check(&settings)
            .into_iter()
            .filter(|v| {
                with_routes
                    || !matches!(
                        v.setting(),
                        crossmint_auth_rules::Setting::Refresh
                            | crossmint_auth_rules::Setting::Logout
                    )
            })
            .collect();
        if violations.is_empty() {
            Ok(())
        } else {
            Err(ConfigError::Cookies(violations))
        }
    }
}
