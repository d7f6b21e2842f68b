//! Generic parameters and a `where` clause are kept.
use axum::Router;
use crossmint_auth::{crossmint_auth, CrossmintAuth};

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
fn app<S, G>(auth: &CrossmintAuth, greeting: G) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    G: Into<String>,
{
    let _ = auth;
    let greeting: String = greeting.into();
    Router::new().route("/", axum::routing::get(move || async move { greeting }))
}

#[derive(Clone)]
struct AppState;

fn main() {
    let _: fn(&CrossmintAuth, &'static str) -> Router<AppState> = app::<AppState, &'static str>;
}
