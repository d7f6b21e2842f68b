//! The example app: `#[crossmint_auth]` on the router function, a page that drives the
//! routes like the Crossmint browser SDK, `GET /api/me` behind [`Session`], `GET /health`.
//!
//! Without a Crossmint key it runs on the in-process stand-in of `crossmint-auth-testkit`
//! and offers a demo sign-in; with a key that route does not exist.
//!
//! `CROSSMINT_VERIFIED_CACHE=off` turns the verified-token cache off, so every request
//! carrying a JWT pays a full RS256 verification (the load benchmark in `load/` uses it to
//! measure that cost). Any other value, or none, keeps the default cache.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};
use axum::{Json, Router};
use crossmint_auth::{crossmint_auth, CrossmintAuth, Session};
use crossmint_auth_testkit::StandIn;

const PAGE: &str = include_str!("page.html");

/// The app's router: the attribute adds `POST /api/refresh`, `POST /api/logout` and the
/// session layer `Session` needs. `demo` is the stand-in when no real key is configured.
#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout", same_site = "Strict")]
pub fn app(auth: CrossmintAuth, demo: Option<StandIn>) -> Router {
    let router = Router::new()
        .route("/", get(page))
        .route("/api/me", get(me))
        .route("/health", get(|| async { "ok" }));
    match demo {
        Some(stand_in) => router.route("/demo/sign-in", post(move || demo_sign_in(stand_in))),
        None => router,
    }
}

async fn page() -> Html<&'static str> {
    Html(PAGE)
}

/// The signed-in user; `401` when signed out (the session layer refreshes when it can).
async fn me(session: Session) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "userId": session.user_id }))
}

/// Demo only: mints a session at the stand-in and hands its one-time refresh secret to the
/// page, which exchanges it at `POST /api/refresh` exactly as after a real sign-in.
async fn demo_sign_in(stand_in: StandIn) -> impl IntoResponse {
    let session = stand_in.mint_session("demo-user");
    (
        StatusCode::OK,
        [("cache-control", "no-store")],
        Json(serde_json::json!({ "refresh": session.refresh_secret })),
    )
}

/// The environment variable that turns the verified-token cache off when set to `off`.
pub const VERIFIED_CACHE_VARIABLE: &str = "CROSSMINT_VERIFIED_CACHE";

/// The client and, without `CROSSMINT_SERVER_API_KEY`, the stand-in it talks to.
/// `CROSSMINT_VERIFIED_CACHE=off` turns the verified-token cache off.
pub async fn client_from_env_or_demo(
) -> Result<(CrossmintAuth, Option<StandIn>), crossmint_auth::ConfigError> {
    let cache_off = std::env::var_os(VERIFIED_CACHE_VARIABLE).is_some_and(|v| v == "off");
    let with_cache = |builder: crossmint_auth::Builder| {
        if cache_off {
            builder.verified_cache_capacity(0)
        } else {
            builder
        }
    };
    if std::env::var_os(crossmint_auth::API_KEY_VARIABLE).is_some() {
        let auth = with_cache(crossmint_auth::Builder::from_env()?).build()?;
        return Ok((auth, None));
    }
    let stand_in = StandIn::start().await;
    let auth = with_cache(
        CrossmintAuth::builder(stand_in.api_key())
            .base_url(stand_in.base_url())
            .project_id(stand_in.project_id()),
    )
    .build()?;
    Ok((auth, Some(stand_in)))
}
