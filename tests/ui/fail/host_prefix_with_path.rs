//! Rejected: a `__Host-` cookie with a `path` other than `/`.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(
    refresh = "/auth/refresh",
    logout = "/auth/logout",
    refresh_cookie = "__Host-refresh",
    path = "/auth"
)]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
