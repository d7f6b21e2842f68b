//! `#[cfg]` and other outer attributes are kept on the function.
use crossmint_auth::crossmint_auth;

#[cfg(not(any()))]
#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
#[allow(clippy::let_and_return)]
fn app() -> axum::Router {
    let router = axum::Router::new();
    router
}

#[cfg(any())]
#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
fn app() -> axum::Router {
    compile_error!("compiled out")
}

fn main() {
    let _: fn() -> axum::Router = app;
}
