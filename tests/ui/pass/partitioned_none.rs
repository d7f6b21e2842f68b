//! Cross-site cookies: `same_site = "None"` and `partitioned = true` (both need `secure`,
//! the default).
use crossmint_auth::crossmint_auth;

#[crossmint_auth(
    refresh = "/api/refresh",
    logout = "/api/logout",
    same_site = "None",
    partitioned = true
)]
fn app() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
