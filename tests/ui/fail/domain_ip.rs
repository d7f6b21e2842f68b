//! Rejected: an IP address as `domain`.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(
    refresh = "/api/refresh",
    logout = "/api/logout",
    domain = "192.168.1.10"
)]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
