//! Writing, clearing and reading the two session cookies, all through the `cookie` crate.

use axum::http::{header, HeaderMap, HeaderValue};
use cookie::{Cookie, CookieBuilder, Expiration};
use time::{Duration, OffsetDateTime};

use crate::client::Refreshed;
use crate::config::{CookieConfig, SameSite};

/// The longest lifetime browsers accept for a cookie (RFC 6265bis caps it at 400 days).
pub const MAX_COOKIE_LIFETIME: Duration = Duration::days(400);

/// Whether `value` may be sent as a cookie value as is (RFC 6265 `cookie-octet`s: no
/// whitespace, `"`, `,`, `;` or `\`, nothing outside printable ASCII).
pub fn is_cookie_value(value: &str) -> bool {
    value
        .bytes()
        .all(|b| matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E))
}

/// Reads cookie `name` from every `Cookie` header of a request.
///
/// Values are taken verbatim (a value may contain `=`); malformed pairs and headers that are
/// not UTF-8 are skipped; when the name occurs more than once the first occurrence wins, as
/// browsers send the cookie with the most specific path first.
pub fn read<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .and_then(|cookie| cookie.value_raw())
        .filter(|value| !value.is_empty())
}

/// The two `Set-Cookie`s that store a refreshed session.
///
/// The JWT cookie is never `HttpOnly` (the browser SDK reads it); the refresh cookie is
/// `HttpOnly` when configured and expires at the secret's `expiresAt`, capped at 400 days.
pub fn session_cookies(
    config: &CookieConfig,
    refreshed: &Refreshed,
    now: OffsetDateTime,
) -> [Cookie<'static>; 2] {
    let jwt = base(config, config.jwt_cookie, refreshed.jwt.clone()).http_only(false);
    let mut refresh = base(
        config,
        config.refresh_cookie,
        refreshed.refresh_secret.clone(),
    )
    .http_only(config.http_only);
    if let Some(expires_at) = refreshed.expires_at {
        refresh = refresh.expires(Expiration::DateTime(
            expires_at.min(now + MAX_COOKIE_LIFETIME),
        ));
    }
    [jwt.build(), refresh.build()]
}

/// The two `Set-Cookie`s that delete the session: same name, Path, Domain, Secure,
/// SameSite and Partitioned as when set, an empty value, `Max-Age=0` and an `Expires` in
/// 1970, so every browser really removes them.
pub fn removal_cookies(config: &CookieConfig) -> [Cookie<'static>; 2] {
    let jwt = base(config, config.jwt_cookie, String::new()).http_only(false);
    let refresh = base(config, config.refresh_cookie, String::new()).http_only(config.http_only);
    [removal(jwt), removal(refresh)]
}

fn removal(cookie: CookieBuilder<'static>) -> Cookie<'static> {
    cookie
        .max_age(Duration::ZERO)
        .expires(OffsetDateTime::UNIX_EPOCH)
        .build()
}

fn base(config: &CookieConfig, name: &'static str, value: String) -> CookieBuilder<'static> {
    let mut cookie = Cookie::build((name, value))
        .path(config.path)
        .secure(config.secure)
        .same_site(match config.same_site {
            SameSite::Strict => cookie::SameSite::Strict,
            SameSite::Lax => cookie::SameSite::Lax,
            SameSite::None => cookie::SameSite::None,
        })
        .partitioned(config.partitioned);
    if let Some(domain) = config.domain {
        cookie = cookie.domain(domain);
    }
    cookie
}

/// Appends cookies to a response's headers as `Set-Cookie`.
pub(crate) fn append(headers: &mut HeaderMap, cookies: &[Cookie<'static>]) {
    for cookie in cookies {
        // Names come from a validated configuration and values were checked with
        // `is_cookie_value`, so the header is always valid; skip rather than panic if not.
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            headers.append(header::SET_COOKIE, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_values() {
        assert!(is_cookie_value("abc.DEF-_~=="));
        for bad in ["a b", "a;b", "a,b", "a\"b", "a\\b", "é", "a\tb"] {
            assert!(!is_cookie_value(bad), "{bad:?}");
        }
    }

    #[test]
    fn reads_values_with_equals_and_skips_garbage() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("junk; =x; a=1=2; b=3"),
        );
        headers.append(header::COOKIE, HeaderValue::from_static("a=second"));
        assert_eq!(read(&headers, "a"), Some("1=2"));
        assert_eq!(read(&headers, "b"), Some("3"));
        assert_eq!(read(&headers, "missing"), None);
    }
}
