//! Cookie names and the cookie `path`.

use crate::{Setting, Violation};

/// The `__Secure-` and `__Host-` prefixes, spelled as browsers require them to be sent.
pub(crate) const PREFIXES: [&str; 2] = ["__Secure-", "__Host-"];

/// Checks a cookie name (`setting` is [`Setting::JwtCookie`] or [`Setting::RefreshCookie`],
/// the argument blamed): a non-empty RFC 6265 token (RFC 7230 `tchar`s: letters, digits and
/// ``!#$%&'*+-.^_`|~``).
///
/// Browsers recognise the `__Secure-` and `__Host-` prefixes case-insensitively, so a
/// miscapitalised prefix (`__secure-jwt`) gets the prefix's requirements without looking
/// like it: it is a [`Violation::CookiePrefixCase`] asking for the canonical spelling. The
/// requirements of the prefixes themselves are rules between settings, see
/// [`check_combination`](crate::check_combination).
pub fn check_cookie_name(setting: Setting, name: &str) -> Result<(), Violation> {
    if name.is_empty() {
        return Err(Violation::CookieNameEmpty { setting });
    }
    if let Some(character) = name.chars().find(|&c| !is_tchar(c)) {
        return Err(Violation::CookieNameCharacter {
            setting,
            name: name.to_owned(),
            character,
        });
    }
    for prefix in PREFIXES {
        let spelled = name.get(..prefix.len());
        if spelled.is_some_and(|spelled| spelled.eq_ignore_ascii_case(prefix) && spelled != prefix)
        {
            return Err(Violation::CookiePrefixCase {
                setting,
                name: name.to_owned(),
                prefix,
            });
        }
    }
    Ok(())
}

/// RFC 7230 `tchar`.
fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// Browsers ignore a `Path` or `Domain` attribute longer than this (RFC 6265bis).
const MAX_ATTRIBUTE_LEN: usize = 1024;

/// Checks the cookie `Path`: it starts with `/`, contains neither `;` (which would end the
/// attribute) nor control characters nor characters browsers percent-encode in request
/// paths (it would never match), and is at most 1024 bytes.
pub fn check_path(path: &str) -> Result<(), Violation> {
    if !path.starts_with('/') {
        return Err(Violation::PathNotAbsolute {
            path: path.to_owned(),
        });
    }
    if path.contains(';') {
        return Err(Violation::PathSemicolon {
            path: path.to_owned(),
        });
    }
    if path.chars().any(char::is_control) {
        return Err(Violation::PathControl {
            path: path.to_owned(),
        });
    }
    if let Some(character) = path.chars().find(|&c| !crate::route::is_path_char(c)) {
        return Err(Violation::PathCharacter {
            path: path.to_owned(),
            character,
        });
    }
    if path.len() > MAX_ATTRIBUTE_LEN {
        return Err(Violation::PathTooLong { len: path.len() });
    }
    Ok(())
}
