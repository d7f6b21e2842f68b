//! An `impl Trait` return type is not spelled out in the expansion.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
fn app() -> impl Into<axum::Router> + Clone {
    axum::Router::new()
}

fn main() {
    let _ = app;
}
