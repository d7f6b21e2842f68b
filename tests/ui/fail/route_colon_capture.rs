//! Rejected: an axum 0.7-style `:id` capture in a route.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "/api/:id", logout = "/api/logout")]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
