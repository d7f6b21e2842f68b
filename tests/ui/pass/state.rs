//! A router with state: `Router<AppState>`, the state supplied by the caller with
//! `.with_state`.
use axum::extract::State;
use axum::Router;
use crossmint_auth::crossmint_auth;

#[derive(Clone)]
struct AppState {
    greeting: &'static str,
}

async fn index(State(state): State<AppState>) -> &'static str {
    state.greeting
}

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
fn routes() -> Router<AppState> {
    Router::new().route("/", axum::routing::get(index))
}

fn app() -> Router {
    routes().with_state(AppState { greeting: "hello" })
}

fn main() {
    let _: fn() -> Router = app;
}
