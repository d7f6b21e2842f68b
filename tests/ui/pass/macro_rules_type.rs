//! A return type and a client type passed through `macro_rules!` `$t:ty` fragments.
use crossmint_auth::{crossmint_auth, CrossmintAuth};

macro_rules! app {
    ($router:ty, $client:ty) => {
        #[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
        fn app(auth: $client) -> $router {
            axum::Router::new()
        }
    };
}

app!(axum::Router, CrossmintAuth);

fn main() {
    let _: fn(CrossmintAuth) -> axum::Router = app;
}
