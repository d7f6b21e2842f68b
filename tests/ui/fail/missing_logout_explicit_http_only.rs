//! Rejected: a missing `logout` with an explicit `http_only = true`.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "/api/refresh", http_only = true)]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
