//! Rejected by the type checker: the function's return type is not an `axum::Router`.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
fn app() -> String {
    String::new()
}

fn main() {
    let _: fn() -> String = app;
}
