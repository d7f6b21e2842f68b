//! Rejected by the type checker: the body returns something that is not a router. The error
//! points at the user's code, not into the generated code.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
fn app() -> axum::Router {
    "not a router"
}

fn main() {
    let _: fn() -> axum::Router = app;
}
