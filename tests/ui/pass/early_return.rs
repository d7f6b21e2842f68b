//! `return` in the body returns the router from the body, and the routes are still added.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
fn app(minimal: bool) -> axum::Router {
    let router = axum::Router::new();
    if minimal {
        return router;
    }
    router.route("/", axum::routing::get(|| async { "hello" }))
}

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
async fn async_app(minimal: bool) -> axum::Router {
    let router = axum::Router::new();
    if minimal {
        return router;
    }
    router.route("/", axum::routing::get(|| async { "hello" }))
}

fn main() {
    let _: fn(bool) -> axum::Router = app;
    let _ = async_app;
}
