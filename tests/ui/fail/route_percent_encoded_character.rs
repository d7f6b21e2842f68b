//! Rejected: a route with a character browsers percent-encode.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "/api/rafraîchir", logout = "/api/logout")]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
