//! The `#[crossmint_auth]` attribute of [`crossmint-auth`](https://docs.rs/crossmint-auth).
//!
//! Use it through the `crossmint-auth` crate, which re-exports it: the generated code refers
//! to `::crossmint_auth`. The cookie and route rules it enforces at compile time live in
//! `crossmint-auth-rules`, shared with the runtime.
#![forbid(unsafe_code)]

mod attr;
mod expand;
mod paths;
#[cfg(test)]
mod tests;
mod valid;

use proc_macro::TokenStream;

/// Adds Crossmint's refresh and logout routes to the `axum::Router` a function builds, with a
/// cookie configuration checked at compile time.
///
/// ```ignore
/// use crossmint_auth::crossmint_auth;
///
/// #[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout", same_site = "Strict")]
/// fn app() -> axum::Router {
///     axum::Router::new().route("/", axum::routing::get(|| async { "hello" }))
/// }
/// ```
///
/// (The examples here are `ignore`d: this crate cannot depend on `crossmint-auth`. The
/// same examples are compiled, and the failing ones checked, by the trybuild tests of the
/// workspace.)
///
/// # Arguments
///
/// | argument | value | default | rules |
/// | --- | --- | --- | --- |
/// | `refresh` | route | required | absolute path; no whitespace, `?`, `#` or captures (`{id}`, `*rest`, `:id`) |
/// | `logout` | route | required while `http_only` is true | as `refresh`, and different from it |
/// | `same_site` | `"Strict"`, `"Lax"` or `"None"` | `"Lax"` | `"None"` needs `secure` |
/// | `secure` | bool | `true` | |
/// | `http_only` | bool, refresh cookie only | `true` | needs `logout` |
/// | `domain` | host name | none (host-only) | no scheme, port, path, IP address, single label or public suffix |
/// | `path` | cookie `Path` | `"/"` | starts with `/`, no `;` or control characters, covers both routes |
/// | `jwt_cookie` | cookie name | `"crossmint-jwt"` | RFC 6265 token; different from `refresh_cookie` |
/// | `refresh_cookie` | cookie name | `"crossmint-refresh-token"` | RFC 6265 token |
/// | `partitioned` | bool | `false` | needs `secure` |
///
/// A `__Secure-` cookie name needs `secure`; a `__Host-` one needs `secure`, no `domain` and
/// `path = "/"`. Browsers match these prefixes case-insensitively, so they must be spelled
/// exactly `__Secure-` and `__Host-`.
///
/// Every broken rule is a compile error on the offending argument, all reported at once:
///
/// ```ignore
/// use crossmint_auth::crossmint_auth;
///
/// // error: `SameSite=None` cookies are rejected by browsers unless they are `Secure`
/// #[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout", same_site = "None", secure = false)]
/// fn app() -> axum::Router {
///     axum::Router::new()
/// }
/// ```
///
/// # The client
///
/// The routes use the function's `CrossmintAuth` (or `&CrossmintAuth`) parameter if it has
/// one; otherwise a client is built from `CROSSMINT_SERVER_API_KEY` (and the optional
/// `CROSSMINT_BASE_URL`) when the function runs, panicking with a message naming the variable
/// if it is missing or malformed.
///
/// # What it generates
///
/// The function keeps its name, visibility, attributes, generics, parameters, `async`-ness
/// and return type. Its body runs unchanged (as a closure, or an `async` block for an
/// `async fn`, so `return` still works), and the router it returns goes through
/// `crossmint_auth::__private::mount` with a `const CROSSMINT_COOKIES: CookieConfig`.
#[proc_macro_attribute]
pub fn crossmint_auth(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(args.into(), item.into()).into()
}
