//! An annotated router without a `CrossmintAuth` parameter builds its client from the
//! environment when the router is built. Environment variables are process-global, so this
//! binary holds a single test that changes them in sequence.

mod common;

use std::panic::catch_unwind;

use axum::routing::get;
use axum::{Json, Router};
use common::{http, serve, set_cookie};
use crossmint_auth::{crossmint_auth, Session, API_KEY_VARIABLE, BASE_URL_VARIABLE};
use crossmint_auth_testkit::{Endpoint, StandIn};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn me(session: Session) -> Json<Value> {
    Json(json!({ "userId": session.user_id }))
}

#[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout")]
fn app() -> Router {
    Router::new().route("/api/me", get(me))
}

/// Builds the router, returning the panic message if it panics.
fn build_panic_message() -> String {
    let payload = catch_unwind(app).expect_err("building the router must panic");
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload
            .downcast::<&'static str>()
            .map(|message| (*message).to_owned())
            .expect("a string panic payload"),
    }
}

#[tokio::test]
async fn the_client_comes_from_the_environment_and_fails_when_the_router_is_built() {
    // Nothing from the developer's environment leaks in (another project, a real Redis).
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("CROSSMINT_") {
            std::env::remove_var(name);
        }
    }
    // Missing key: building the router panics, naming the variable.
    std::env::remove_var(API_KEY_VARIABLE);
    std::env::remove_var(BASE_URL_VARIABLE);
    let message = build_panic_message();
    assert!(message.contains("CROSSMINT_SERVER_API_KEY"), "{message}");

    // A malformed key (a client key) fails the same way.
    std::env::set_var(API_KEY_VARIABLE, "ck_production_not_a_server_key");
    let message = build_panic_message();
    assert!(message.contains("CROSSMINT_SERVER_API_KEY"), "{message}");

    // A malformed base URL names its variable.
    std::env::set_var(API_KEY_VARIABLE, "sk_development_testkit");
    std::env::set_var(BASE_URL_VARIABLE, "ftp://example.com");
    let message = build_panic_message();
    assert!(message.contains("CROSSMINT_BASE_URL"), "{message}");

    // With both variables set to the stand-in, the router serves.
    let stand_in = StandIn::start().await;
    std::env::set_var(API_KEY_VARIABLE, stand_in.api_key());
    std::env::set_var(BASE_URL_VARIABLE, stand_in.base_url());
    let url = serve(app()).await;

    let session = stand_in.mint_expired_session("dana");
    let response = http()
        .post(format!("{url}/api/refresh"))
        .header(
            "cookie",
            format!("crossmint-refresh-token={}", session.refresh_secret),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        stand_in.count(Endpoint::Refresh),
        1,
        "the stand-in answered"
    );
    let jwt = set_cookie(&response, "crossmint-jwt");

    let response = http()
        .get(format!("{url}/api/me"))
        .header("cookie", format!("crossmint-jwt={}", jwt.value()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"userId": "dana"})
    );
}
