//! Rejected: many mistakes at once, each reported on its own argument in one compile.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(
    refresh = "api/refresh",
    logout = "/api/{id}",
    same_site = "lax",
    domain = "https://example.com",
    path = "/api;",
    jwt_cookie = "jwt token",
    refresh_cookie = "__host-refresh",
    partitioned = "true"
)]
fn app() -> axum::Router {
    axum::Router::new()
}

#[crossmint_auth(
    refresh = "/api/refresh",
    same_site = "None",
    secure = false,
    partitioned = true,
    jwt_cookie = "__Host-jwt",
    domain = "example.com",
    refresh_cookie = "crossmint-jwt"
)]
fn cross_field() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
    let _: fn() -> axum::Router = cross_field;
}
