//! A cookie `path` that covers both routes.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "/auth/refresh", logout = "/auth/logout", path = "/auth")]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
