//! The typed violations and their messages.

use std::fmt;

use crate::{SameSite, Setting};

/// A broken cookie or route rule: what is wrong, with the offending data.
///
/// [`Violation::setting`] names the argument to blame; `Display` says what is wrong and how
/// to fix it, in the words of the attribute's arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Violation {
    /// `refresh` is missing.
    MissingRefresh,
    /// `logout` is missing while the refresh cookie is HttpOnly.
    MissingLogout,
    /// A route is the empty string.
    RouteEmpty {
        /// `refresh` or `logout`.
        setting: Setting,
    },
    /// A route does not start with `/`.
    RouteNotAbsolute {
        /// `refresh` or `logout`.
        setting: Setting,
        /// The route as given.
        route: String,
    },
    /// A route contains whitespace or a control character.
    RouteWhitespace {
        /// `refresh` or `logout`.
        setting: Setting,
        /// The route as given.
        route: String,
    },
    /// A route contains a character browsers percent-encode in a URL path (or non-ASCII), so
    /// the route as written is never what arrives.
    RouteCharacter {
        /// `refresh` or `logout`.
        setting: Setting,
        /// The route as given.
        route: String,
        /// The offending character.
        character: char,
    },
    /// A route has a `.` or `..` segment, which browsers remove before sending.
    RouteDotSegment {
        /// `refresh` or `logout`.
        setting: Setting,
        /// The route as given.
        route: String,
    },
    /// A route contains `?`.
    RouteQuery {
        /// `refresh` or `logout`.
        setting: Setting,
        /// The route as given.
        route: String,
    },
    /// A route contains `#`.
    RouteFragment {
        /// `refresh` or `logout`.
        setting: Setting,
        /// The route as given.
        route: String,
    },
    /// A route contains an axum capture or wildcard.
    RouteCapture {
        /// `refresh` or `logout`.
        setting: Setting,
        /// The route as given.
        route: String,
        /// The offending segment, e.g. `{id}`.
        segment: String,
    },
    /// `refresh` and `logout` are the same route (blames `logout`).
    RoutesEqual {
        /// The route both are set to.
        route: String,
    },
    /// `same_site` is not exactly `"Strict"`, `"Lax"` or `"None"`.
    UnknownSameSite {
        /// The value as given.
        value: String,
        /// The closest valid value, if one is close.
        suggestion: Option<SameSite>,
    },
    /// `same_site = "None"` without `secure`.
    SameSiteNoneInsecure,
    /// `partitioned = true` without `secure`.
    PartitionedInsecure,
    /// `domain` is the empty string.
    DomainEmpty,
    /// `domain` contains whitespace or a control character.
    DomainWhitespace {
        /// The domain as given.
        domain: String,
    },
    /// `domain` contains a URL scheme.
    DomainScheme {
        /// The domain as given.
        domain: String,
    },
    /// `domain` contains a port.
    DomainPort {
        /// The domain as given.
        domain: String,
    },
    /// `domain` contains a path, query or fragment.
    DomainPath {
        /// The domain as given.
        domain: String,
    },
    /// `domain` is an IP address.
    DomainIp {
        /// The domain as given.
        domain: String,
    },
    /// `domain` is longer than 253 characters.
    DomainTooLong {
        /// The domain as given.
        domain: String,
        /// Its length, without a leading dot.
        len: usize,
    },
    /// `domain` has a label that is not 1–63 letters, digits and inner hyphens.
    DomainLabel {
        /// The domain as given.
        domain: String,
        /// The offending label (may be empty).
        label: String,
    },
    /// `domain` has a single label, e.g. `localhost`.
    DomainSingleLabel {
        /// The domain as given.
        domain: String,
    },
    /// `domain` is a public suffix, e.g. `co.uk`.
    DomainPublicSuffix {
        /// The domain as given.
        domain: String,
    },
    /// A cookie name is the empty string.
    CookieNameEmpty {
        /// `jwt_cookie` or `refresh_cookie`.
        setting: Setting,
    },
    /// A cookie name contains a character that is not an RFC 7230 `tchar`.
    CookieNameCharacter {
        /// `jwt_cookie` or `refresh_cookie`.
        setting: Setting,
        /// The name as given.
        name: String,
        /// The first offending character.
        character: char,
    },
    /// A cookie name starts with `__Secure-` or `__Host-` in another capitalisation.
    CookiePrefixCase {
        /// `jwt_cookie` or `refresh_cookie`.
        setting: Setting,
        /// The name as given.
        name: String,
        /// The canonical spelling of the prefix.
        prefix: &'static str,
    },
    /// `jwt_cookie` and `refresh_cookie` are the same name (blames `refresh_cookie`).
    CookieNamesEqual {
        /// The name both are set to.
        name: String,
    },
    /// A `__Secure-` cookie without `secure`.
    SecurePrefixInsecure {
        /// `jwt_cookie` or `refresh_cookie`.
        setting: Setting,
        /// The name as given.
        name: String,
    },
    /// A `__Host-` cookie without `secure`.
    HostPrefixInsecure {
        /// `jwt_cookie` or `refresh_cookie`.
        setting: Setting,
        /// The name as given.
        name: String,
    },
    /// A `__Host-` cookie with a `domain` (blames `domain`).
    HostPrefixDomain {
        /// `jwt_cookie` or `refresh_cookie`.
        setting: Setting,
        /// The name as given.
        name: String,
        /// The domain as given.
        domain: String,
    },
    /// A `__Host-` cookie with a `path` other than `/` (blames `path`).
    HostPrefixPath {
        /// `jwt_cookie` or `refresh_cookie`.
        setting: Setting,
        /// The name as given.
        name: String,
        /// The path as given.
        path: String,
    },
    /// `path` does not start with `/`.
    PathNotAbsolute {
        /// The path as given.
        path: String,
    },
    /// `path` contains `;`.
    PathSemicolon {
        /// The path as given.
        path: String,
    },
    /// `path` contains a character browsers percent-encode in a URL path (or non-ASCII): it
    /// would never match a request path.
    PathCharacter {
        /// The path as given.
        path: String,
        /// The offending character.
        character: char,
    },
    /// The cookie path is longer than browsers accept (1024 bytes).
    PathTooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// `path` contains a control character.
    PathControl {
        /// The path as given.
        path: String,
    },
    /// `path` does not cover a route (blames `path`).
    PathNotCovering {
        /// The path as given.
        path: String,
        /// `refresh` or `logout`.
        route_setting: Setting,
        /// The route it does not cover.
        route: String,
    },
}

impl Violation {
    /// The argument to blame: where a compile error points.
    ///
    /// For a rule between settings this is the argument that asks for something (the
    /// `__Host-` cookie's `domain`, the `path` that misses a route, `same_site = "None"`
    /// rather than `secure`); for a missing argument, the missing one.
    pub fn setting(&self) -> Setting {
        self.involved()[0]
    }

    /// Whether the rule involves `setting`, blamed or not. Used to skip a rule between
    /// settings when one of them is already invalid on its own.
    pub fn involves(&self, setting: Setting) -> bool {
        self.involved().contains(&setting)
    }

    /// The settings involved, the blamed one first.
    fn involved(&self) -> Vec<Setting> {
        use Setting as S;
        use Violation as V;
        match self {
            V::MissingRefresh => vec![S::Refresh],
            V::MissingLogout => vec![S::Logout, S::HttpOnly],
            V::RouteEmpty { setting }
            | V::RouteNotAbsolute { setting, .. }
            | V::RouteWhitespace { setting, .. }
            | V::RouteCharacter { setting, .. }
            | V::RouteDotSegment { setting, .. }
            | V::RouteQuery { setting, .. }
            | V::RouteFragment { setting, .. }
            | V::RouteCapture { setting, .. }
            | V::CookieNameEmpty { setting }
            | V::CookieNameCharacter { setting, .. }
            | V::CookiePrefixCase { setting, .. } => vec![*setting],
            V::RoutesEqual { .. } => vec![S::Logout, S::Refresh],
            V::UnknownSameSite { .. } => vec![S::SameSite],
            V::SameSiteNoneInsecure => vec![S::SameSite, S::Secure],
            V::PartitionedInsecure => vec![S::Partitioned, S::Secure],
            V::DomainEmpty
            | V::DomainWhitespace { .. }
            | V::DomainScheme { .. }
            | V::DomainPort { .. }
            | V::DomainPath { .. }
            | V::DomainIp { .. }
            | V::DomainTooLong { .. }
            | V::DomainLabel { .. }
            | V::DomainSingleLabel { .. }
            | V::DomainPublicSuffix { .. } => vec![S::Domain],
            V::CookieNamesEqual { .. } => vec![S::RefreshCookie, S::JwtCookie],
            V::SecurePrefixInsecure { setting, .. } | V::HostPrefixInsecure { setting, .. } => {
                vec![*setting, S::Secure]
            }
            V::HostPrefixDomain { setting, .. } => vec![S::Domain, *setting],
            V::HostPrefixPath { setting, .. } => vec![S::Path, *setting],
            V::PathNotAbsolute { .. }
            | V::PathSemicolon { .. }
            | V::PathCharacter { .. }
            | V::PathTooLong { .. }
            | V::PathControl { .. } => vec![S::Path],
            V::PathNotCovering { route_setting, .. } => vec![S::Path, *route_setting],
        }
    }
}

/// A route to show as an example for `setting`.
fn example_route(setting: Setting) -> &'static str {
    match setting {
        Setting::Logout => "/api/logout",
        _ => "/api/refresh",
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::MissingRefresh => write!(
                f,
                "missing `refresh`: give the route of the refresh endpoint, \
                 e.g. `refresh = \"/api/refresh\"`"
            ),
            Violation::MissingLogout => write!(
                f,
                "missing `logout`: the refresh cookie is HttpOnly (`http_only = true` is the \
                 default), so only the server can clear it; add `logout = \"/api/logout\"` \
                 or set `http_only = false`"
            ),
            Violation::RouteEmpty { setting } => write!(
                f,
                "`{setting}` is empty: give the route's path, e.g. `{setting} = {:?}`",
                example_route(*setting)
            ),
            Violation::RouteNotAbsolute { setting, route } => write!(
                f,
                "`{setting} = {route:?}` does not start with `/`: axum routes are absolute \
                 paths, write `{setting} = \"/{}\"`",
                route.escape_debug()
            ),
            Violation::RouteWhitespace { setting, route } => write!(
                f,
                "`{setting} = {route:?}` contains whitespace or a control character: a route \
                 is a URL path, remove them"
            ),
            Violation::RouteCharacter {
                setting,
                route,
                character,
            } => write!(
                f,
                "`{setting} = {route:?}` contains {character:?}, which browsers percent-encode \
                 in a URL path, so requests would never match the route as written: use ASCII \
                 letters, digits and `-._~!$&'()*+,;=:@/`, or write the character \
                 percent-encoded"
            ),
            Violation::RouteDotSegment { setting, route } => write!(
                f,
                "`{setting} = {route:?}` has a `.` or `..` segment, which browsers remove \
                 before sending: write the path without it"
            ),
            Violation::RouteQuery { setting, route } => write!(
                f,
                "`{setting} = {route:?}` contains `?`: a route is a path without a query \
                 string, remove the `?` and what follows"
            ),
            Violation::RouteFragment { setting, route } => write!(
                f,
                "`{setting} = {route:?}` contains `#`: browsers never send a fragment to the \
                 server, remove the `#` and what follows"
            ),
            Violation::RouteCapture {
                setting,
                route,
                segment,
            } => write!(
                f,
                "`{setting} = {route:?}` contains the path parameter `{segment}`: the {setting} \
                 route is a fixed path, write a literal segment instead, e.g. `{setting} = {:?}`",
                example_route(*setting)
            ),
            Violation::RoutesEqual { route } => write!(
                f,
                "`refresh` and `logout` are both `{route:?}`: they are two different \
                 endpoints, give `logout` its own route, e.g. `logout = \"/api/logout\"`"
            ),
            Violation::UnknownSameSite { value, suggestion } => {
                write!(
                    f,
                    "unknown `same_site` value {value:?}: expected \"Strict\", \"Lax\" or \"None\""
                )?;
                match suggestion {
                    Some(suggestion) => write!(f, "; did you mean {:?}?", suggestion.as_str()),
                    None => Ok(()),
                }
            }
            Violation::SameSiteNoneInsecure => write!(
                f,
                "`SameSite=None` cookies are rejected by browsers unless they are `Secure`: \
                 set `secure = true` or choose `same_site = \"Lax\"`"
            ),
            Violation::PartitionedInsecure => write!(
                f,
                "`Partitioned` cookies are rejected by browsers unless they are `Secure`: \
                 set `secure = true` or remove `partitioned = true`"
            ),
            Violation::DomainEmpty => write!(
                f,
                "`domain` is empty: remove `domain` for host-only cookies, or give a domain \
                 such as `domain = \"example.com\"`"
            ),
            Violation::DomainWhitespace { domain } => write!(
                f,
                "`domain = {domain:?}` contains whitespace or a control character: give a \
                 bare host name such as `domain = \"example.com\"`"
            ),
            Violation::DomainScheme { domain } => write!(
                f,
                "`domain = {domain:?}` contains a URL scheme: a cookie domain is a bare host \
                 name, write `domain = {:?}`",
                bare_host(domain)
            ),
            Violation::DomainPort { domain } => write!(
                f,
                "`domain = {domain:?}` contains a port: cookies are shared across ports, \
                 write `domain = {:?}`",
                bare_host(domain)
            ),
            Violation::DomainPath { domain } => write!(
                f,
                "`domain = {domain:?}` contains a path: a cookie domain is a bare host name \
                 (scope cookies to a path with `path`), write `domain = {:?}`",
                bare_host(domain)
            ),
            Violation::DomainIp { domain } => write!(
                f,
                "`domain = {domain:?}` is an IP address: browsers accept only host names as \
                 a cookie domain; remove `domain` for host-only cookies"
            ),
            Violation::DomainTooLong { domain, len } => write!(
                f,
                "`domain = {domain:?}` is {len} characters long: a domain name has at most 253"
            ),
            Violation::DomainLabel { domain, label } => write!(
                f,
                "`domain = {domain:?}` has the invalid label {label:?}: each dot-separated \
                 label is 1 to 63 ASCII letters, digits and hyphens, not starting or ending \
                 with a hyphen (write internationalised names in their `xn--` form)"
            ),
            Violation::DomainSingleLabel { domain } if domain.starts_with('.') => write!(
                f,
                "`domain = {domain:?}` is a single label once its leading dot is dropped (as \
                 browsers do): browsers reject a cookie domain for a whole top-level domain; \
                 give your own domain (e.g. `domain = \".example.com\"`) or remove `domain` \
                 for host-only cookies"
            ),
            Violation::DomainSingleLabel { domain } => write!(
                f,
                "`domain = {domain:?}` is a single label: browsers reject a cookie domain \
                 without a dot; remove `domain` for host-only cookies"
            ),
            Violation::DomainPublicSuffix { domain } => write!(
                f,
                "`domain = {domain:?}` is a public suffix: browsers reject cookies for a \
                 whole registry; give your own domain (e.g. `domain = \"example.com\"`) or \
                 remove `domain` for host-only cookies"
            ),
            Violation::CookieNameEmpty { setting } => write!(
                f,
                "`{setting}` is empty: a cookie needs a name; remove `{setting}` to keep the \
                 default"
            ),
            Violation::CookieNameCharacter {
                setting,
                name,
                character,
            } => write!(
                f,
                "`{setting} = {name:?}` contains {character:?}, which a cookie name cannot \
                 contain: use ASCII letters, digits and ``!#$%&'*+-.^_`|~`` (an RFC 6265 token)"
            ),
            Violation::CookiePrefixCase {
                setting,
                name,
                prefix,
            } => write!(
                f,
                "`{setting} = {name:?}`: browsers treat `{}` as the `{prefix}` prefix whatever \
                 its case, so it must be spelled `{prefix}`",
                &name[..prefix.len()]
            ),
            Violation::CookieNamesEqual { name } => write!(
                f,
                "`jwt_cookie` and `refresh_cookie` are both {name:?}: the two cookies need \
                 different names"
            ),
            Violation::SecurePrefixInsecure { setting, name } => write!(
                f,
                "`{setting} = {name:?}` needs `secure = true`: browsers reject `__Secure-` \
                 cookies that are not `Secure`; set `secure = true` or drop the prefix"
            ),
            Violation::HostPrefixInsecure { setting, name } => write!(
                f,
                "`{setting} = {name:?}` needs `secure = true`: browsers reject `__Host-` \
                 cookies that are not `Secure`; set `secure = true` or drop the prefix"
            ),
            Violation::HostPrefixDomain {
                setting,
                name,
                domain,
            } => write!(
                f,
                "`domain = {domain:?}` is not allowed with the `__Host-` cookie \
                 `{setting} = {name:?}`: `__Host-` cookies are host-only; remove `domain` or \
                 drop the prefix"
            ),
            Violation::HostPrefixPath {
                setting,
                name,
                path,
            } => write!(
                f,
                "`path = {path:?}` is not allowed with the `__Host-` cookie \
                 `{setting} = {name:?}`: `__Host-` cookies need `Path=/`; remove `path` or \
                 drop the prefix"
            ),
            Violation::PathNotAbsolute { path } => write!(
                f,
                "`path = {path:?}` does not start with `/`: browsers would ignore it and use \
                 the request's directory; write `path = \"/{}\"`",
                path.escape_debug()
            ),
            Violation::PathSemicolon { path } => write!(
                f,
                "`path = {path:?}` contains `;`, which would end the cookie's `Path` \
                 attribute: remove it"
            ),
            Violation::PathCharacter { path, character } => write!(
                f,
                "`path = {path:?}` contains {character:?}, which browsers percent-encode in a \
                 URL path, so the cookie path would never match a request: use ASCII letters, \
                 digits and `-._~!$&'()*+,=:@/`, or write the character percent-encoded"
            ),
            Violation::PathTooLong { len } => write!(
                f,
                "`path` is {len} bytes long: browsers ignore a cookie `Path` over 1024 bytes; \
                 use a shorter path, e.g. `path = \"/\"`"
            ),
            Violation::PathControl { path } => write!(
                f,
                "`path = {path:?}` contains a control character, which a cookie's `Path` \
                 cannot contain: remove it"
            ),
            Violation::PathNotCovering {
                path,
                route_setting,
                route,
            } => write!(
                f,
                "`path = {path:?}` does not cover `{route_setting} = {route:?}`: browsers \
                 would never send the cookies to that route; choose a path both routes start \
                 with, e.g. `path = \"/\"`"
            ),
        }
    }
}

impl std::error::Error for Violation {}

/// The host part of something that looks like a URL, for suggestions.
fn bare_host(domain: &str) -> &str {
    let rest = domain.split_once("://").map_or(domain, |(_, rest)| rest);
    let rest = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    rest.rsplit_once(':').map_or(rest, |(host, _)| host)
}
