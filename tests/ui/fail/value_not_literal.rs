//! Rejected: a constant instead of a literal.
use crossmint_auth::crossmint_auth;

const REFRESH: &str = "/api/refresh";

#[crossmint_auth(refresh = REFRESH, logout = "/api/logout")]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
