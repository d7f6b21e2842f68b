//! Rejected: a client parameter the attribute would not recognise (it would silently build
//! another client from the environment).
use std::sync::Arc;

use crossmint_auth::{crossmint_auth, CrossmintAuth};

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
fn app(auth: Arc<CrossmintAuth>) -> axum::Router {
    let _ = auth;
    axum::Router::new()
}

fn main() {
    let _: fn(Arc<CrossmintAuth>) -> axum::Router = app;
}
