//! An `async fn` borrowing its arguments.
use crossmint_auth::{crossmint_auth, CrossmintAuth};

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
async fn app(auth: &CrossmintAuth, name: &str) -> axum::Router {
    let name = name.to_owned();
    axum::Router::new().route("/", axum::routing::get(move || async move { name }))
}

fn main() {
    let _ = |auth: CrossmintAuth| async move { app(&auth, "x").await };
}
