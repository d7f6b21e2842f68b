//! `&CrossmintAuth` works as well as `CrossmintAuth`.
use crossmint_auth::{crossmint_auth, CrossmintAuth};

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
fn app(auth: &CrossmintAuth) -> axum::Router {
    let _ = auth;
    axum::Router::new()
}

fn main() {
    let _: fn(&CrossmintAuth) -> axum::Router = app;
}
