//! Every argument at once.
use crossmint_auth::{crossmint_auth, CrossmintAuth};

#[crossmint_auth(
    refresh = "/api/auth/refresh",
    logout = "/api/auth/logout",
    same_site = "None",
    secure = true,
    http_only = true,
    domain = "example.com",
    path = "/api",
    jwt_cookie = "__Secure-jwt",
    refresh_cookie = "refresh",
    partitioned = true
)]
pub fn app(auth: CrossmintAuth) -> axum::Router {
    let _ = auth;
    axum::Router::new()
}

fn main() {
    let _: fn(CrossmintAuth) -> axum::Router = app;
}
