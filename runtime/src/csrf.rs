//! Cross-site request refusal for the cookie-authenticated `POST` routes.
//!
//! Checked on headers alone, before the body is read. A browser request is refused when
//! `Sec-Fetch-Site` says `cross-site` or `same-site`, or when `Origin` is present and is
//! neither the request's own origin nor allow-listed. Requests without either header
//! (non-browser clients) pass: they carry no ambient cookies a forger could use.

use axum::http::{header, HeaderMap, Uri};

use crate::error::AuthError;

pub(crate) fn check(headers: &HeaderMap, uri: &Uri, allowed: &[String]) -> Result<(), AuthError> {
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
        Some(origin) if is_own_origin(origin, headers, uri) => Ok(()),
        Some(_) => Err(AuthError::CrossSite),
    }
}

/// Whether `origin` (`scheme://host[:port]`) names the host this request was sent to.
fn is_own_origin(origin: &str, headers: &HeaderMap, uri: &Uri) -> bool {
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false; // "null" and other opaque origins
    };
    let host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()));
    matches!(scheme, "http" | "https")
        && host.is_some_and(|host| host.eq_ignore_ascii_case(authority))
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
        let ok = |h: &[(&'static str, &'static str)]| check(&headers(h), &uri, &allowed).is_ok();
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
    }
}
