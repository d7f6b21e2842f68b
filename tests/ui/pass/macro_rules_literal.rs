//! Arguments passed through a `macro_rules!` `$route:literal` fragment are still literals.
use crossmint_auth::crossmint_auth;

macro_rules! app {
    ($refresh:literal, $logout:literal) => {
        #[crossmint_auth(refresh = $refresh, logout = $logout)]
        fn app() -> axum::Router {
            axum::Router::new()
        }
    };
}

app!("/api/refresh", "/api/logout");

fn main() {
    let _: fn() -> axum::Router = app;
}
