//! Routers built by `#[crossmint_auth]`, served over real HTTP against the stand-in: the
//! generated refresh and logout routes write exactly the configured cookies, and the
//! `Session` extractor works on the annotated router's own routes with no further setup.

mod common;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use common::{assert_removal, http, serve, set_cookie, set_cookies};
use cookie::{Cookie, SameSite};
use crossmint_auth::{crossmint_auth, CrossmintAuth, Session};
use crossmint_auth_testkit::{Endpoint, StandIn};
use reqwest::StatusCode;
use serde_json::{json, Value};

const JWT: &str = "crossmint-jwt";
const REFRESH: &str = "crossmint-refresh-token";

async fn me(session: Session) -> Json<Value> {
    Json(json!({ "userId": session.user_id }))
}

/// Every cookie attribute away from its default, the client passed in.
#[crossmint_auth(
    refresh = "/api/refresh",
    logout = "/api/logout",
    same_site = "Strict",
    domain = "example.com",
    path = "/",
    partitioned = true
)]
fn app(auth: CrossmintAuth) -> Router {
    // The body may use the client too; the generated routes get their own clone.
    let _ = auth.client();
    Router::new().route("/api/me", get(me))
}

#[derive(Clone)]
struct AppState {
    greeting: &'static str,
}

async fn greeting(State(state): State<AppState>) -> &'static str {
    state.greeting
}

/// An `async fn` with state, the client by reference, `__Secure-` names under `/auth`, and
/// no `logout` (allowed because the refresh cookie is not `HttpOnly`).
#[crossmint_auth(
    refresh = "/auth/refresh",
    same_site = "None",
    path = "/auth",
    jwt_cookie = "__Secure-jwt",
    refresh_cookie = "__Secure-refresh",
    http_only = false
)]
async fn stateful(auth: &CrossmintAuth) -> Router<AppState> {
    // The body can await.
    tokio::task::yield_now().await;
    let _ = auth;
    Router::new()
        .route("/greeting", get(greeting))
        .route("/auth/me", get(me))
}

struct Fixture {
    stand_in: StandIn,
    url: String,
}

impl Fixture {
    async fn new() -> Fixture {
        let stand_in = StandIn::start().await;
        let url = serve(app(common::auth(&stand_in))).await;
        Fixture { stand_in, url }
    }

    async fn stateful() -> Fixture {
        let stand_in = StandIn::start().await;
        let auth = common::auth(&stand_in);
        let router = stateful(&auth)
            .await
            .with_state(AppState { greeting: "hello" });
        let url = serve(router).await;
        Fixture { stand_in, url }
    }

    async fn send(&self, method: &str, path: &str, cookie: Option<&str>) -> reqwest::Response {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = http().request(method, format!("{}{path}", self.url));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.unwrap()
    }
}

/// Asserts the attributes `app` configures, on a cookie it set or cleared.
fn assert_app_attributes(cookie: &Cookie<'_>) {
    assert_eq!(cookie.same_site(), Some(SameSite::Strict), "{cookie}");
    assert_eq!(cookie.domain(), Some("example.com"), "{cookie}");
    assert_eq!(cookie.path(), Some("/"), "{cookie}");
    assert_eq!(cookie.partitioned(), Some(true), "{cookie}");
    assert_eq!(cookie.secure(), Some(true), "{cookie}");
}

fn assert_app_cookies(response: &reqwest::Response) -> (Cookie<'static>, Cookie<'static>) {
    assert_eq!(
        set_cookies(response).len(),
        2,
        "{:?}",
        set_cookies(response)
    );
    let jwt = set_cookie(response, JWT);
    let refresh = set_cookie(response, REFRESH);
    assert_app_attributes(&jwt);
    assert_app_attributes(&refresh);
    assert_eq!(
        jwt.http_only(),
        None,
        "the browser SDK reads the JWT cookie"
    );
    assert_eq!(refresh.http_only(), Some(true));
    (jwt, refresh)
}

#[tokio::test]
async fn refresh_sets_both_cookies_with_the_configured_attributes() {
    let f = Fixture::new().await;
    let session = f.stand_in.mint_session("alice");
    let cookie = format!("{REFRESH}={}", session.refresh_secret);
    let response = f.send("POST", "/api/refresh", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let (jwt, refresh) = assert_app_cookies(&response);
    assert!(!jwt.value().is_empty());
    assert!(!refresh.value().is_empty());
    assert_ne!(
        refresh.value(),
        session.refresh_secret,
        "the secret rotated"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["id"], "alice");
    assert_eq!(body["jwt"], jwt.value());
    assert_eq!(f.stand_in.count(Endpoint::Refresh), 1);
}

#[tokio::test]
async fn logout_clears_both_cookies_with_the_same_attributes() {
    let f = Fixture::new().await;
    let session = f.stand_in.mint_session("alice");
    let cookie = format!(
        "{JWT}={}; {REFRESH}={}",
        session.jwt, session.refresh_secret
    );
    let response = f.send("POST", "/api/logout", Some(&cookie)).await;
    assert!(response.status().is_success(), "{}", response.status());
    let (jwt, refresh) = assert_app_cookies(&response);
    assert_removal(&jwt);
    assert_removal(&refresh);
    assert_eq!(f.stand_in.count(Endpoint::Logout), 1);

    // The secret was revoked: refreshing with it fails.
    let cookie = format!("{REFRESH}={}", session.refresh_secret);
    let response = f.send("POST", "/api/refresh", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_session_extractor_works_on_the_annotated_router() {
    let f = Fixture::new().await;
    let session = f.stand_in.mint_session("alice");
    let response = f
        .send("GET", "/api/me", Some(&format!("{JWT}={}", session.jwt)))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(set_cookies(&response).is_empty());
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"userId": "alice"})
    );
    assert_eq!(f.stand_in.count(Endpoint::Refresh), 0);

    let response = f.send("GET", "/api/me", None).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_expired_jwt_is_refreshed_transparently() {
    let f = Fixture::new().await;
    let session = f.stand_in.mint_expired_session("bob");
    let cookie = format!(
        "{JWT}={}; {REFRESH}={}",
        session.jwt, session.refresh_secret
    );
    let response = f.send("GET", "/api/me", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let (jwt, refresh) = assert_app_cookies(&response);
    assert_ne!(jwt.value(), session.jwt);
    assert_ne!(refresh.value(), session.refresh_secret);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"userId": "bob"})
    );
    assert_eq!(f.stand_in.count(Endpoint::Refresh), 1);

    // The new cookies carry the session without another refresh.
    let cookie = format!("{JWT}={}; {REFRESH}={}", jwt.value(), refresh.value());
    let response = f.send("GET", "/api/me", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(set_cookies(&response).is_empty());
    assert_eq!(f.stand_in.count(Endpoint::Refresh), 1);
}

#[tokio::test]
async fn the_generated_routes_only_accept_post() {
    let f = Fixture::new().await;
    for route in ["/api/refresh", "/api/logout"] {
        for method in ["GET", "PUT", "DELETE"] {
            let response = f.send(method, route, None).await;
            assert_eq!(
                response.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {route}"
            );
            let allow = response.headers()["allow"].to_str().unwrap();
            assert!(allow.contains("POST"), "{method} {route}: Allow: {allow}");
        }
    }
    assert!(f.stand_in.calls().is_empty());
}

#[tokio::test]
async fn an_async_annotated_router_with_state_serves() {
    let f = Fixture::stateful().await;
    let response = f.send("GET", "/greeting", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "hello");

    let session = f.stand_in.mint_session("carol");
    let cookie = format!("__Secure-refresh={}", session.refresh_secret);
    let response = f.send("POST", "/auth/refresh", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(set_cookies(&response).len(), 2);
    let jwt = set_cookie(&response, "__Secure-jwt");
    let refresh = set_cookie(&response, "__Secure-refresh");
    for cookie in [&jwt, &refresh] {
        assert_eq!(cookie.same_site(), Some(SameSite::None), "{cookie}");
        assert_eq!(cookie.path(), Some("/auth"), "{cookie}");
        assert_eq!(cookie.secure(), Some(true), "{cookie}");
        assert_eq!(cookie.domain(), None, "{cookie}");
        assert_eq!(cookie.partitioned(), None, "{cookie}");
        assert_eq!(cookie.http_only(), None, "http_only = false: {cookie}");
    }
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["refreshToken"]["secret"],
        refresh.value(),
        "not HttpOnly: the body carries the secret"
    );

    let cookie = format!("__Secure-jwt={}", jwt.value());
    let response = f.send("GET", "/auth/me", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"userId": "carol"})
    );

    // No `logout` was configured: no route was added for it.
    let response = f.send("POST", "/auth/logout", None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
