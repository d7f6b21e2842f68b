//! `secure = false` for plain-HTTP local development, with `SameSite=Lax`.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout", secure = false)]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
