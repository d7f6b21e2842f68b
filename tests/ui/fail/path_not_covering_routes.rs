//! Rejected: a `path` that does not cover the `logout` route.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "/auth/refresh", logout = "/api/logout", path = "/auth")]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
