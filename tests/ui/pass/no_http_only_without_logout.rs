//! With `http_only = false` the browser can clear the refresh cookie itself: `logout` is
//! optional.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "/api/refresh", http_only = false)]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
