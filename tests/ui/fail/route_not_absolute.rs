//! Rejected: a route without a leading `/`.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "api/refresh", logout = "/api/logout")]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
