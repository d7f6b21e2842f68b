//! Rejected: a positional literal instead of `name = value`.
use crossmint_auth::crossmint_auth;

#[crossmint_auth("/api/refresh", logout = "/api/logout")]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
