//! The settings of the attribute, as plain data.

use crate::SameSite;

/// The default name of the JWT cookie, read by Crossmint's browser SDK.
pub const DEFAULT_JWT_COOKIE: &str = "crossmint-jwt";
/// The default name of the refresh-token cookie.
pub const DEFAULT_REFRESH_COOKIE: &str = "crossmint-refresh-token";
/// The default cookie `Path`.
pub const DEFAULT_PATH: &str = "/";

/// One argument of `#[crossmint_auth(...)]`: the setting a [`Violation`](crate::Violation)
/// blames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Setting {
    /// `refresh`: the route of the refresh endpoint.
    Refresh,
    /// `logout`: the route of the logout endpoint.
    Logout,
    /// `same_site`: the cookies' `SameSite` attribute.
    SameSite,
    /// `secure`: the cookies' `Secure` attribute.
    Secure,
    /// `http_only`: the refresh cookie's `HttpOnly` attribute.
    HttpOnly,
    /// `domain`: the cookies' `Domain` attribute.
    Domain,
    /// `path`: the cookies' `Path` attribute.
    Path,
    /// `jwt_cookie`: the name of the JWT cookie.
    JwtCookie,
    /// `refresh_cookie`: the name of the refresh-token cookie.
    RefreshCookie,
    /// `partitioned`: the cookies' `Partitioned` attribute (CHIPS).
    Partitioned,
}

impl Setting {
    /// Every setting, in the order of the attribute's documentation.
    pub const ALL: [Setting; 10] = [
        Setting::Refresh,
        Setting::Logout,
        Setting::SameSite,
        Setting::Secure,
        Setting::HttpOnly,
        Setting::Domain,
        Setting::Path,
        Setting::JwtCookie,
        Setting::RefreshCookie,
        Setting::Partitioned,
    ];

    /// The name of the attribute argument, e.g. `"same_site"`.
    pub const fn name(self) -> &'static str {
        match self {
            Setting::Refresh => "refresh",
            Setting::Logout => "logout",
            Setting::SameSite => "same_site",
            Setting::Secure => "secure",
            Setting::HttpOnly => "http_only",
            Setting::Domain => "domain",
            Setting::Path => "path",
            Setting::JwtCookie => "jwt_cookie",
            Setting::RefreshCookie => "refresh_cookie",
            Setting::Partitioned => "partitioned",
        }
    }

    /// The setting whose name is closest to a misspelt `name` (same letters in another case,
    /// or at most two edits away), for "did you mean" hints.
    pub fn closest(name: &str) -> Option<Setting> {
        let name = name.to_ascii_lowercase();
        Setting::ALL
            .into_iter()
            .map(|setting| {
                (
                    crate::same_site::levenshtein(&name, setting.name()),
                    setting,
                )
            })
            .filter(|&(distance, _)| distance <= 2)
            .min_by_key(|&(distance, _)| distance)
            .map(|(_, setting)| setting)
    }

    /// The setting whose argument is called `name`, if any.
    pub fn from_name(name: &str) -> Option<Setting> {
        Setting::ALL
            .into_iter()
            .find(|setting| setting.name() == name)
    }
}

impl std::fmt::Display for Setting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Every setting of the attribute, with the defaults filled in for those not given.
///
/// Build it with struct update syntax from [`Settings::DEFAULT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings<'a> {
    /// The refresh route; `None` when missing (which is a violation).
    pub refresh: Option<&'a str>,
    /// The logout route, if any.
    pub logout: Option<&'a str>,
    /// The `SameSite` attribute of both cookies.
    pub same_site: SameSite,
    /// Whether both cookies are `Secure`.
    pub secure: bool,
    /// Whether the refresh cookie is `HttpOnly` (the JWT cookie never is).
    pub http_only: bool,
    /// The `Domain` attribute of both cookies; `None` for host-only cookies.
    pub domain: Option<&'a str>,
    /// The `Path` attribute of both cookies.
    pub path: &'a str,
    /// The name of the JWT cookie.
    pub jwt_cookie: &'a str,
    /// The name of the refresh-token cookie.
    pub refresh_cookie: &'a str,
    /// Whether both cookies are `Partitioned`.
    pub partitioned: bool,
}

impl Settings<'static> {
    /// The defaults: no routes, `SameSite=Lax`, `Secure`, `HttpOnly`, host-only, `Path=/`,
    /// the reference's cookie names, not partitioned.
    pub const DEFAULT: Settings<'static> = Settings {
        refresh: None,
        logout: None,
        same_site: SameSite::Lax,
        secure: true,
        http_only: true,
        domain: None,
        path: DEFAULT_PATH,
        jwt_cookie: DEFAULT_JWT_COOKIE,
        refresh_cookie: DEFAULT_REFRESH_COOKIE,
        partitioned: false,
    };
}

impl Default for Settings<'_> {
    fn default() -> Self {
        Settings::DEFAULT
    }
}
