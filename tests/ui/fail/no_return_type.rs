//! Rejected: a function that returns nothing (no router to add the routes to).
use crossmint_auth::crossmint_auth;

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
fn app() {
    let _ = axum::Router::<()>::new();
}

fn main() {
    app();
}
