//! Rejected: a `CrossmintAuth` parameter without a name (the generated routes need it).
use crossmint_auth::{crossmint_auth, CrossmintAuth};

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
fn app(_: CrossmintAuth) -> axum::Router {
    axum::Router::new()
}

fn main() {
    let _: fn(CrossmintAuth) -> axum::Router = app;
}
