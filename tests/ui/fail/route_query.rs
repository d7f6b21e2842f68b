//! Rejected: a query string in a route.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "/api/refresh?x=1", logout = "/api/logout")]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
