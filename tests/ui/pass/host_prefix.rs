//! `__Host-` cookie names: secure (the default), no `domain`, `path = "/"` (the default).
use crossmint_auth::crossmint_auth;

#[crossmint_auth(
    refresh = "/api/refresh",
    logout = "/api/logout",
    jwt_cookie = "__Host-jwt",
    refresh_cookie = "__Host-refresh",
    path = "/"
)]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
