//! The headline example of the README: a sync fn returning `axum::Router`, the client built
//! from the environment.
use crossmint_auth::crossmint_auth;

async fn index() -> &'static str {
    "hello"
}

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout", same_site = "Strict")]
fn app() -> axum::Router {
    axum::Router::new().route("/", axum::routing::get(index))
}

fn main() {
    // Building the router would read CROSSMINT_SERVER_API_KEY: only check that it compiles.
    let _: fn() -> axum::Router = app;
}
