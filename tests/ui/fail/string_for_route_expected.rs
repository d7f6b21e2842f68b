//! Rejected: a literal of the wrong type (an integer for a route).
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = 42, logout = "/api/logout")]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
