//! An `async fn` keeps its `async`-ness: awaiting inside the body works.
use crossmint_auth::crossmint_auth;

async fn load_greeting() -> &'static str {
    "hello"
}

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
async fn app() -> axum::Router {
    let greeting = load_greeting().await;
    axum::Router::new().route("/", axum::routing::get(move || async move { greeting }))
}

fn main() {
    let _ = app;
}
