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

/// Adds Crossmint's refresh and logout routes, and the session layer, to the `axum::Router`
/// a function builds, with a cookie configuration checked at compile time.
///
/// Documented, with its arguments and examples, where it is used:
/// [`crossmint_auth::crossmint_auth`](https://docs.rs/crossmint-auth/latest/crossmint_auth/attr.crossmint_auth.html).
#[proc_macro_attribute]
pub fn crossmint_auth(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(args.into(), item.into()).into()
}
