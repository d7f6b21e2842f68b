//! Inner attributes stay inside the body.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
fn app() -> axum::Router {
    #![allow(unused_variables)]
    let unused = 1;
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
