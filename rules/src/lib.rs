//! The cookie and route rules of `crossmint-auth`, each written once.
//!
//! The `#[crossmint_auth]` attribute calls these functions at compile time and turns every
//! [`Violation`] into a compile error on the offending argument; the runtime calls the same
//! functions for a configuration built by hand. Nothing here knows about macros or HTTP:
//! the functions take plain strings and return typed violations whose `Display` says what is
//! wrong and how to fix it.
//!
//! - Single values: [`check_route`], [`check_domain`], [`check_path`], [`check_cookie_name`],
//!   [`parse_same_site`].
//! - Rules between settings: [`check_combination`].
//! - Everything at once: [`check`].
//!
//! ```
//! use crossmint_auth_rules::{check, SameSite, Setting, Settings};
//!
//! let settings = Settings {
//!     refresh: Some("/api/refresh"),
//!     logout: Some("/api/logout"),
//!     same_site: SameSite::None,
//!     secure: false,
//!     ..Settings::DEFAULT
//! };
//! let violations = check(&settings);
//! assert_eq!(violations.len(), 1);
//! assert_eq!(violations[0].setting(), Setting::SameSite);
//! ```
#![forbid(unsafe_code)]

mod combination;
mod cookie;
mod domain;
mod route;
mod same_site;
mod settings;
mod violation;

pub use combination::{check_combination, path_matches};
pub use cookie::{check_cookie_name, check_path};
pub use domain::check_domain;
pub use route::check_route;
pub use same_site::{parse_same_site, SameSite};
pub use settings::{Setting, Settings, DEFAULT_JWT_COOKIE, DEFAULT_PATH, DEFAULT_REFRESH_COOKIE};
pub use violation::Violation;

/// Checks every rule: each single value on its own, then the rules between settings.
///
/// A rule between settings is skipped when one of the settings it involves already broke a
/// rule of its own (a `path = "api"` is reported once, as not starting with `/`, not once
/// more for each route it fails to cover). The violations come in argument order, single
/// values first.
pub fn check(settings: &Settings<'_>) -> Vec<Violation> {
    let mut violations = Vec::new();
    if let Some(refresh) = settings.refresh {
        violations.extend(check_route(Setting::Refresh, refresh).err());
    }
    if let Some(logout) = settings.logout {
        violations.extend(check_route(Setting::Logout, logout).err());
    }
    if let Some(domain) = settings.domain {
        violations.extend(check_domain(domain).err());
    }
    violations.extend(check_path(settings.path).err());
    violations.extend(check_cookie_name(Setting::JwtCookie, settings.jwt_cookie).err());
    violations.extend(check_cookie_name(Setting::RefreshCookie, settings.refresh_cookie).err());

    let invalid: Vec<Setting> = violations.iter().map(Violation::setting).collect();
    violations.extend(check_combination_of_valid(settings, &invalid));
    violations
}

/// The rules between settings, skipping those that involve a setting in `invalid` (already
/// reported as invalid on its own): one mistake gives one error.
pub fn check_combination_of_valid(settings: &Settings<'_>, invalid: &[Setting]) -> Vec<Violation> {
    check_combination(settings)
        .into_iter()
        .filter(|violation| !invalid.iter().any(|&setting| violation.involves(setting)))
        .collect()
}
