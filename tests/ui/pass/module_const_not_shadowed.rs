//! The user's own `CROSSMINT_COOKIES` is what the body sees, not the generated one.
use crossmint_auth::{crossmint_auth, CookieConfig};

const CROSSMINT_COOKIES: CookieConfig = CookieConfig::new().jwt_cookie("mine");

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
fn app() -> axum::Router {
    assert_eq!(CROSSMINT_COOKIES.jwt_cookie_name(), "mine");
    axum::Router::new()
}

fn main() {
    let _: fn() -> axum::Router = app;
}
