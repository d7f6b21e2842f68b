//! The `refresh` and `logout` routes.

use crate::{Setting, Violation};

/// Checks one route (`setting` is [`Setting::Refresh`] or [`Setting::Logout`], the argument
/// blamed): a non-empty absolute path, without whitespace or control characters, without a
/// query (`?`) or fragment (`#`), without axum captures or wildcards (`{id}`, `{*rest}`,
/// and the pre-0.8 `:id` and `*rest` segments, which axum 0.8 rejects), without characters
/// browsers percent-encode, and without `.`/`..` segments (browsers remove them).
pub fn check_route(setting: Setting, route: &str) -> Result<(), Violation> {
    let route_owned = || route.to_owned();
    if route.is_empty() {
        return Err(Violation::RouteEmpty { setting });
    }
    if !route.starts_with('/') {
        return Err(Violation::RouteNotAbsolute {
            setting,
            route: route_owned(),
        });
    }
    if route.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Violation::RouteWhitespace {
            setting,
            route: route_owned(),
        });
    }
    if route.contains('?') {
        return Err(Violation::RouteQuery {
            setting,
            route: route_owned(),
        });
    }
    if route.contains('#') {
        return Err(Violation::RouteFragment {
            setting,
            route: route_owned(),
        });
    }
    let capture = route.split('/').find(|segment| {
        segment.contains('{')
            || segment.contains('}')
            || segment.starts_with(':')
            || segment.starts_with('*')
    });
    if let Some(segment) = capture {
        return Err(Violation::RouteCapture {
            setting,
            route: route_owned(),
            segment: segment.to_owned(),
        });
    }
    if let Some(character) = route.chars().find(|&c| !is_path_char(c)) {
        return Err(Violation::RouteCharacter {
            setting,
            route: route_owned(),
            character,
        });
    }
    if route
        .split('/')
        .any(|segment| matches!(segment, "." | ".."))
    {
        return Err(Violation::RouteDotSegment {
            setting,
            route: route_owned(),
        });
    }
    Ok(())
}

/// A character that stands for itself in a URL path (RFC 3986 `pchar` or `/`, with `%` for
/// percent-encoded ones): browsers send it as written.
pub(crate) fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/%".contains(c)
}
