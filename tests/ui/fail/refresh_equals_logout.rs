//! Rejected: `refresh` and `logout` on the same route.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "/api/session", logout = "/api/session")]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
