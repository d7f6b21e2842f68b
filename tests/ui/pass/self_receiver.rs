//! A method with a `&self` receiver, reading its fields in the body.
use crossmint_auth::{crossmint_auth, CrossmintAuth};

struct App {
    auth: CrossmintAuth,
    greeting: &'static str,
}

impl App {
    #[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
    fn router(&self, auth: &CrossmintAuth) -> axum::Router {
        let greeting = self.greeting;
        axum::Router::new().route("/", axum::routing::get(move || async move { greeting }))
    }
}

fn main() {
    let _ = |app: &App| app.router(&app.auth);
}
