//! The rules between settings.

use crate::cookie::PREFIXES;
use crate::{SameSite, Setting, Settings, Violation};

/// Checks the rules between settings, and only those (see [`check`](crate::check) for
/// everything):
///
/// - `refresh` is given; `logout` is given while `http_only` is true (only the server can
///   clear an HttpOnly cookie), and differs from `refresh`;
/// - `same_site = "None"` and `partitioned = true` need `secure`;
/// - the two cookie names differ;
/// - a `__Secure-` cookie needs `secure`; a `__Host-` cookie needs `secure`, no `domain` and
///   `path = "/"` (prefixes matched case-insensitively, as browsers do);
/// - `path` covers both routes (RFC 6265 §5.1.4 path-match), or the browser would never send
///   the cookies to them.
pub fn check_combination(settings: &Settings<'_>) -> Vec<Violation> {
    let mut violations = Vec::new();

    match settings.refresh {
        None => violations.push(Violation::MissingRefresh),
        Some(refresh) if settings.logout == Some(refresh) => {
            violations.push(Violation::RoutesEqual {
                route: refresh.to_owned(),
            });
        }
        Some(_) => {}
    }
    if settings.logout.is_none() && settings.http_only {
        violations.push(Violation::MissingLogout);
    }

    if settings.same_site == SameSite::None && !settings.secure {
        violations.push(Violation::SameSiteNoneInsecure);
    }
    if settings.partitioned && !settings.secure {
        violations.push(Violation::PartitionedInsecure);
    }

    if settings.jwt_cookie == settings.refresh_cookie {
        violations.push(Violation::CookieNamesEqual {
            name: settings.jwt_cookie.to_owned(),
        });
    }
    for (setting, name) in [
        (Setting::JwtCookie, settings.jwt_cookie),
        (Setting::RefreshCookie, settings.refresh_cookie),
    ] {
        check_prefix(settings, setting, name, &mut violations);
    }

    for (setting, route) in [
        (Setting::Refresh, settings.refresh),
        (Setting::Logout, settings.logout),
    ] {
        if let Some(route) = route {
            if !path_matches(settings.path, route) {
                violations.push(Violation::PathNotCovering {
                    path: settings.path.to_owned(),
                    route_setting: setting,
                    route: route.to_owned(),
                });
            }
        }
    }
    violations
}

fn check_prefix(
    settings: &Settings<'_>,
    setting: Setting,
    name: &str,
    violations: &mut Vec<Violation>,
) {
    let has_prefix = |prefix: &str| {
        name.get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
    };
    let [secure_prefix, host_prefix] = PREFIXES;
    let owned = || name.to_owned();
    if has_prefix(secure_prefix) && !settings.secure {
        violations.push(Violation::SecurePrefixInsecure {
            setting,
            name: owned(),
        });
    }
    if has_prefix(host_prefix) {
        if !settings.secure {
            violations.push(Violation::HostPrefixInsecure {
                setting,
                name: owned(),
            });
        }
        if let Some(domain) = settings.domain {
            violations.push(Violation::HostPrefixDomain {
                setting,
                name: owned(),
                domain: domain.to_owned(),
            });
        }
        if settings.path != "/" {
            violations.push(Violation::HostPrefixPath {
                setting,
                name: owned(),
                path: settings.path.to_owned(),
            });
        }
    }
}

/// Whether a cookie with `Path=cookie_path` is sent to `request_path` (RFC 6265 §5.1.4):
/// the paths are equal, or `cookie_path` is a prefix of `request_path` that ends with `/` or
/// is followed by `/` in it. `"/api"` covers `"/api"` and `"/api/refresh"`, not `"/apix"`.
pub fn path_matches(cookie_path: &str, request_path: &str) -> bool {
    match request_path.strip_prefix(cookie_path) {
        None => false,
        Some(rest) => rest.is_empty() || cookie_path.ends_with('/') || rest.starts_with('/'),
    }
}
