//! The `domain` value.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::Violation;

/// The longest domain name DNS allows, in characters, without the trailing dot.
const MAX_DOMAIN_LEN: usize = 253;
/// The longest label DNS allows.
const MAX_LABEL_LEN: usize = 63;

/// Checks a cookie `Domain`: a bare host name (no scheme, port, path or whitespace), not an
/// IP address, made of valid labels (letters, digits and hyphens, no hyphen first or last,
/// 1–63 characters each, 253 in all), with at least two labels, and not a public suffix
/// (checked against the Public Suffix List, private section included, so `github.io` is
/// refused as `co.uk` is).
///
/// One leading dot is allowed and ignored, as browsers do: `".example.com"` is fine, `".com"`
/// is not. Internationalised names must be written in their ASCII (`xn--`) form.
pub fn check_domain(domain: &str) -> Result<(), Violation> {
    let owned = || domain.to_owned();
    if domain.is_empty() {
        return Err(Violation::DomainEmpty);
    }
    if domain.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Violation::DomainWhitespace { domain: owned() });
    }
    if domain.contains("://") {
        return Err(Violation::DomainScheme { domain: owned() });
    }
    let host = domain.strip_prefix('.').unwrap_or(domain);
    if is_ip_address(host) {
        return Err(Violation::DomainIp { domain: owned() });
    }
    if host.contains(['/', '?', '#']) {
        return Err(Violation::DomainPath { domain: owned() });
    }
    if host.contains(':') {
        return Err(Violation::DomainPort { domain: owned() });
    }
    if host.len() > MAX_DOMAIN_LEN {
        return Err(Violation::DomainTooLong {
            domain: owned(),
            len: host.len(),
        });
    }
    if let Some(label) = host.split('.').find(|label| !is_valid_label(label)) {
        return Err(Violation::DomainLabel {
            domain: owned(),
            label: label.to_owned(),
        });
    }
    if !host.contains('.') {
        return Err(Violation::DomainSingleLabel { domain: owned() });
    }
    if psl::domain_str(&host.to_ascii_lowercase()).is_none() {
        return Err(Violation::DomainPublicSuffix { domain: owned() });
    }
    Ok(())
}

/// An IPv4 or IPv6 address, bracketed or not, with or without a port. As in the WHATWG URL
/// standard browsers follow, a host whose last label is a number (`127.1`, `0x7f.1`) is an
/// IPv4 address, however short.
fn is_ip_address(host: &str) -> bool {
    if host.starts_with('[') {
        return true;
    }
    let last = host
        .trim_end_matches('.')
        .rsplit('.')
        .next()
        .unwrap_or(host);
    let numeric = |label: &str| {
        let hex = label
            .strip_prefix("0x")
            .or_else(|| label.strip_prefix("0X"));
        match hex {
            Some(digits) => digits.bytes().all(|b| b.is_ascii_hexdigit()),
            None => !label.is_empty() && label.bytes().all(|b| b.is_ascii_digit()),
        }
    };
    if numeric(last) {
        return true;
    }
    let without_port = host.rsplit_once(':').map_or(host, |(address, _)| address);
    host.parse::<Ipv6Addr>().is_ok()
        || host.parse::<Ipv4Addr>().is_ok()
        || without_port.parse::<Ipv4Addr>().is_ok()
}

/// RFC 1035 (as relaxed by RFC 1123: a label may start with a digit).
fn is_valid_label(label: &str) -> bool {
    (1..=MAX_LABEL_LEN).contains(&label.len())
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}
