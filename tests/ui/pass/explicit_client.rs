//! An explicit `auth: CrossmintAuth` parameter is the client of the generated routes; the
//! body can use it too.
use crossmint_auth::{crossmint_auth, CrossmintAuth, Session};

async fn me(session: Session) -> String {
    session.user_id
}

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
fn app(auth: CrossmintAuth) -> axum::Router {
    let _ = auth.client();
    axum::Router::new().route("/api/me", axum::routing::get(me))
}

fn main() {
    let _: fn(CrossmintAuth) -> axum::Router = app;
}
