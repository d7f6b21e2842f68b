//! Rejected: an empty route.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "", logout = "/api/logout")]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
