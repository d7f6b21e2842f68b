//! Rejected: a missing `logout` while the refresh cookie is HttpOnly (the default).
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "/api/refresh")]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
