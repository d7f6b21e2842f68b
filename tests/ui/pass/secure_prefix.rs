//! `__Secure-` cookie names: secure (the default); a `domain` and a `path` are allowed.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(
    refresh = "/auth/refresh",
    logout = "/auth/logout",
    jwt_cookie = "__Secure-jwt",
    refresh_cookie = "__Secure-refresh",
    domain = "example.com",
    path = "/auth",
    secure = true
)]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
