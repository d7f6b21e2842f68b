//! Rejected: the attribute on something that is not a function.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
struct App {
    router: axum::Router,
}

fn main() {
    let _ = App {
        router: axum::Router::new(),
    };
}
