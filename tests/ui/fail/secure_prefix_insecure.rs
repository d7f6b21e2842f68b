//! Rejected: a `__Secure-` cookie without `secure`.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(
    refresh = "/api/refresh",
    logout = "/api/logout",
    jwt_cookie = "__Secure-jwt",
    secure = false
)]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
