//! Rejected: a missing `refresh`.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(logout = "/api/logout")]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
