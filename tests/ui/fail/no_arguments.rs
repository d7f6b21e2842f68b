//! Rejected: no arguments at all.
use crossmint_auth::crossmint_auth;

#[crossmint_auth]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
