//! The client parameter is found by its type's last segment: a qualified path works, and
//! it need not be the first parameter.
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
fn app(greeting: &'static str, client: crossmint_auth::CrossmintAuth) -> axum::Router {
    let _ = client;
    axum::Router::new().route("/", axum::routing::get(move || async move { greeting }))
}

fn main() {
    let _: fn(&'static str, crossmint_auth::CrossmintAuth) -> axum::Router = app;
}
