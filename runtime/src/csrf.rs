//! Cross-site request refusal for the cookie-authenticated `POST` routes.
//!
//! Checked on headers alone, before the body is read. A browser request is refused when
//! `Sec-Fetch-Site` says `cross-site` or `same-site`, or when `Origin` is present and is
//! neither the request's own origin nor allow-listed. With `Secure` cookies the app is served
//! over HTTPS, so an `http://` origin is refused too (but on loopback hosts, where browsers
//! treat plain HTTP as secure). Requests without either header (non-browser clients) pass:
//! they carry no ambient cookies a forger could use.

use axum::http::{header, HeaderMap, Uri};

use crate::error::AuthError;

pub(crate) fn check(
    headers: &HeaderMap,
    uri: &Uri,
    allowed: &[String],
    secure: bool,
) -> Result<(), AuthError> {
    let origin = match headers.get(header::ORIGIN) {
        None => None,
        Some(origin) => Some(origin.to_str().map_err(|_| AuthError::CrossSite)?),
    };
    if origin.is_some_and(|origin| allowed.iter().any(|a| a == origin)) {
        return Ok(());
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        if matches!(site.as_bytes(), b"cross-site" | b"same-site") {
            return Err(AuthError::CrossSite);
        }
    }
    match origin {
        None => Ok(()),
        Some(origin) if is_own_origin(origin, headers, uri, secure) => Ok(()),
        Some(_) => Err(AuthError::CrossSite),
    }
}

/// Whether `origin` (`scheme://host[:port]`) names the host this request was sent to.
fn is_own_origin(origin: &str, headers: &HeaderMap, uri: &Uri, secure: bool) -> bool {
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false; // "null" and other opaque origins
    };
    let host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()));
    let scheme_ok = match scheme {
        "https" => true,
        "http" => !secure || is_loopback(authority),
        _ => false,
    };
    scheme_ok && host.is_some_and(|host| host.eq_ignore_ascii_case(authority))
}

/// Whether `authority` (`host[:port]`) is a loopback host.
fn is_loopback(authority: &str) -> bool {
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    };
    host.eq_ignore_ascii_case("localhost") || host == "127.0.0.1" || host == "[::1]"
}

/// An allow-list entry as browsers serialise origins: lower case, no trailing `/`.
pub(crate) fn normalise_origin(origin: &str) -> String {
    origin.trim().trim_end_matches('/').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn decisions() {
        let uri = Uri::from_static("/api/refresh");
        let allowed = vec!["https://app.example.com".to_owned()];
        let ok =
            |h: &[(&'static str, &'static str)]| check(&headers(h), &uri, &allowed, true).is_ok();
        assert!(ok(&[]));
        assert!(ok(&[
            ("host", "a.test"),
            ("origin", "https://a.test"),
            ("sec-fetch-site", "same-origin")
        ]));
        assert!(ok(&[
            ("host", "api.example.com"),
            ("origin", "https://app.example.com"),
            ("sec-fetch-site", "same-site")
        ]));
        assert!(!ok(&[("sec-fetch-site", "cross-site")]));
        assert!(!ok(&[("sec-fetch-site", "same-site")]));
        assert!(!ok(&[("host", "a.test"), ("origin", "https://evil.test")]));
        assert!(!ok(&[("host", "a.test"), ("origin", "null")]));
        assert!(!ok(&[("host", "a.test:8080"), ("origin", "http://a.test")]));
        // Secure cookies: the app is HTTPS, a plain-HTTP page on the same host is not it.
        assert!(!ok(&[("host", "a.test"), ("origin", "http://a.test")]));
        assert!(ok(&[
            ("host", "localhost:3000"),
            ("origin", "http://localhost:3000")
        ]));
        assert!(ok(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://127.0.0.1:3000")
        ]));
        assert!(check(
            &headers(&[("host", "a.test"), ("origin", "http://a.test")]),
            &uri,
            &allowed,
            false
        )
        .is_ok());
        assert_eq!(
            normalise_origin("https://App.Example.com/"),
            "https://app.example.com"
        );
    }
}
