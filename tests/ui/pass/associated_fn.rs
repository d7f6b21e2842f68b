//! An associated function of an inherent `impl` works too.
use crossmint_auth::crossmint_auth;

struct App;

impl App {
    #[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
    fn router() -> axum::Router {
        axum::Router::new()
    }
}

fn main() {
    let _: fn() -> axum::Router = App::router;
}
