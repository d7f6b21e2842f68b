//! An `async fn` returning `Router<AppState>` with the client as a parameter.
use axum::extract::State;
use axum::Router;
use crossmint_auth::{crossmint_auth, CrossmintAuth};

#[derive(Clone)]
struct AppState {
    greeting: &'static str,
}

async fn index(State(state): State<AppState>) -> &'static str {
    state.greeting
}

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
async fn routes(auth: CrossmintAuth) -> Router<AppState> {
    let _ = auth.client();
    Router::new().route("/", axum::routing::get(index))
}

async fn app(auth: CrossmintAuth) -> Router {
    routes(auth)
        .await
        .with_state(AppState { greeting: "hello" })
}

fn main() {
    let _ = app;
}
