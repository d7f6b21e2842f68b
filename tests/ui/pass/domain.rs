//! `domain` shares the cookies with subdomains.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(
    refresh = "/api/refresh",
    logout = "/api/logout",
    domain = "example.com"
)]
fn app() -> axum::Router {
    axum::Router::new()
}

#[crossmint_auth(
    refresh = "/api/refresh",
    logout = "/api/logout",
    domain = "app.example.co.uk"
)]
fn uk_app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
    let _: fn() -> axum::Router = uk_app;
}
