//! Only the required arguments, everything else at its default.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
