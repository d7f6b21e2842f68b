//! Every valid `same_site` value.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout", same_site = "Strict")]
fn strict() -> axum::Router {
    axum::Router::new()
}

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout", same_site = "Lax")]
fn lax() -> axum::Router {
    axum::Router::new()
}

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout", same_site = "None")]
fn none() -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: [fn() -> axum::Router; 3] = [strict, lax, none];
}
