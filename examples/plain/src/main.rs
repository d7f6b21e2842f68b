//! The refresh and logout handlers, and the session layer, mounted by hand on a plain axum
//! router: `POST /api/refresh`, `POST /api/logout`, `GET /api/me`, `GET /health`.
//!
//! `CROSSMINT_SERVER_API_KEY` (optional: without it the local stand-in of
//! `crossmint-auth-testkit` runs in-process), `CROSSMINT_BASE_URL` (optional), `PORT`
//! (default 3000). Binds 127.0.0.1.

use axum::routing::get;
use axum::Json;
use axum::Router;
use crossmint_auth::{CookieConfig, CrossmintAuth, SameSite, Session};
use crossmint_auth_testkit::StandIn;

const COOKIES: CookieConfig = CookieConfig::new().same_site(SameSite::Strict);

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();

    // Keep the stand-in alive for as long as the server runs.
    let (auth, _stand_in) = if std::env::var_os(crossmint_auth::API_KEY_VARIABLE).is_some() {
        (CrossmintAuth::from_env()?, None)
    } else {
        let stand_in = StandIn::start().await;
        println!(
            "CROSSMINT_SERVER_API_KEY is not set: using the local Crossmint stand-in at {}",
            stand_in.base_url()
        );
        let auth = CrossmintAuth::builder(stand_in.api_key())
            .base_url(stand_in.base_url())
            .project_id(stand_in.project_id())
            .build()?;
        (auth, Some(stand_in))
    };
    COOKIES.validate_with_routes("/api/refresh", Some("/api/logout"))?;

    let app = Router::new()
        .route("/api/me", get(me))
        .route("/api/refresh", auth.refresh_route(COOKIES))
        .route("/api/logout", auth.logout_route(COOKIES))
        .route("/health", get(|| async { "ok" }))
        // What `Session` needs; `#[crossmint_auth]` adds it for you.
        .layer(auth.session_layer(COOKIES));

    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port
            .parse()
            .map_err(|_| format!("PORT must be a port number, not {port:?}"))?,
        Err(_) => 3000,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

/// The signed-in user as JSON; `401` when signed out.
async fn me(session: Session) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "userId": session.user_id }))
}
