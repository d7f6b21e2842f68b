//! Visibility, doc comments and other attributes are kept; the caller's names (`router`,
//! `crossmint_auth`) are not shadowed by the generated code.
#![deny(missing_docs)]

use crossmint_auth::crossmint_auth;

/// Builds the app.
#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
#[allow(clippy::let_and_return)]
#[must_use]
pub fn app() -> axum::Router {
    let router = axum::Router::new();
    let crossmint_auth = "not the client";
    let _ = crossmint_auth;
    router
}

/// A module with the annotated function inside.
pub mod nested {
    use crossmint_auth::crossmint_auth;

    /// Builds the nested app.
    #[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
    pub(crate) fn app() -> axum::Router {
        axum::Router::new()
    }
}

fn main() {
    let _: fn() -> axum::Router = app;
    let _: fn() -> axum::Router = nested::app;
}
