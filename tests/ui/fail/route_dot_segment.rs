//! Rejected: a route with a `..` segment, which browsers remove.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "/api/../refresh", logout = "/api/logout")]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
