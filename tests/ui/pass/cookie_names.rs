//! Custom cookie names.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(
    refresh = "/api/refresh",
    logout = "/api/logout",
    jwt_cookie = "session-jwt",
    refresh_cookie = "session_refresh"
)]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
