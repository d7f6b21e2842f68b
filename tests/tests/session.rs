//! The `Session` extractor and `verify_jwt`, over real HTTP against the stand-in.

mod common;

use std::time::Duration;

use axum::routing::get;
use axum::{Json, Router};
use base64::Engine;
use common::{assert_removal, http, serve, set_cookie, set_cookies};
use crossmint_auth::{CookieConfig, CrossmintAuth, Session, VerifyError};
use crossmint_auth_testkit::{Endpoint, Fault, SigningKey, StandIn};
use reqwest::StatusCode;
use serde_json::{json, Value};

const COOKIES: CookieConfig = CookieConfig::new();
const JWT: &str = "crossmint-jwt";
const REFRESH: &str = "crossmint-refresh-token";

async fn me(session: Session) -> Json<Value> {
    Json(json!({ "userId": session.user_id, "refreshed": session.refreshed }))
}

async fn maybe(session: Option<Session>) -> String {
    match session {
        Some(session) => format!("signed in as {}", session.user_id),
        None => "signed out".to_owned(),
    }
}

struct Fixture {
    stand_in: StandIn,
    auth: CrossmintAuth,
    url: String,
}

impl Fixture {
    async fn new() -> Fixture {
        Fixture::with(|b| b).await
    }

    async fn with(
        configure: impl FnOnce(crossmint_auth::Builder) -> crossmint_auth::Builder,
    ) -> Fixture {
        let stand_in = StandIn::start().await;
        let auth = configure(
            common::auth_builder(&stand_in)
                .project_id(stand_in.project_id())
                .timeout(Duration::from_millis(500)),
        )
        .build()
        .unwrap();
        let app = Router::new()
            .route("/api/me", get(me))
            .route("/maybe", get(maybe))
            .layer(auth.session_layer(COOKIES));
        let url = serve(app).await;
        Fixture {
            stand_in,
            auth,
            url,
        }
    }

    async fn me(&self, cookie: Option<String>) -> reqwest::Response {
        let mut request = http().get(format!("{}/api/me", self.url));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.unwrap()
    }

    fn claims(&self, user: &str) -> Value {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        json!({"sub": user, "aud": self.stand_in.project_id(), "iat": now, "exp": now + 600})
    }
}

fn jwt_cookie(jwt: &str) -> Option<String> {
    Some(format!("{JWT}={jwt}"))
}

#[tokio::test]
async fn a_valid_jwt_needs_no_refresh_and_is_verified_once() {
    let f = Fixture::new().await;
    let session = f.stand_in.mint_session("alice");
    for _ in 0..3 {
        let response = f.me(jwt_cookie(&session.jwt)).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(set_cookies(&response).is_empty());
        assert_eq!(
            response.json::<Value>().await.unwrap(),
            json!({"userId": "alice", "refreshed": false})
        );
    }
    assert_eq!(f.stand_in.count(Endpoint::Refresh), 0);
    assert_eq!(f.stand_in.count(Endpoint::Jwks), 1, "the key set is cached");
}

#[tokio::test]
async fn the_verified_token_cache_spares_key_lookups() {
    // With a key set that is never fresh, every real verification refetches it.
    let tune = |b: crossmint_auth::Builder| {
        b.jwks_ttl(Duration::ZERO)
            .jwks_refetch_interval(Duration::ZERO)
    };
    let cached = Fixture::with(tune).await;
    let uncached = Fixture::with(move |b| tune(b).verified_cache_capacity(0)).await;
    for f in [&cached, &uncached] {
        let session = f.stand_in.mint_session("bo");
        for _ in 0..3 {
            assert_eq!(
                f.me(jwt_cookie(&session.jwt)).await.status(),
                StatusCode::OK
            );
        }
    }
    assert_eq!(
        cached.stand_in.count(Endpoint::Jwks),
        1,
        "verified once, never looked up again"
    );
    // Without the cache every request looks its key up, finds it stale, and has it
    // refreshed in the background.
    eventually(|| uncached.stand_in.count(Endpoint::Jwks) >= 2).await;
}

/// Waits (bounded) for something a background task does.
async fn eventually(condition: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !condition() {
        assert!(std::time::Instant::now() < deadline, "timed out waiting");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn an_expired_jwt_is_refreshed_transparently() {
    let f = Fixture::new().await;
    let session = f.stand_in.mint_expired_session("carl");
    let response = f
        .me(Some(format!(
            "{JWT}={}; {REFRESH}={}",
            session.jwt, session.refresh_secret
        )))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let jwt = set_cookie(&response, JWT);
    let refresh = set_cookie(&response, REFRESH);
    assert_ne!(jwt.value(), session.jwt);
    assert_ne!(refresh.value(), session.refresh_secret);
    assert_eq!(refresh.http_only(), Some(true));
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"userId": "carl", "refreshed": true})
    );
    assert_eq!(f.stand_in.count(Endpoint::Refresh), 1);

    // The new cookies work without another refresh.
    let response = f.me(jwt_cookie(jwt.value())).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(f.stand_in.count(Endpoint::Refresh), 1);
}

#[tokio::test]
async fn bad_tokens_without_a_refresh_cookie_are_401_and_cleared() {
    let f = Fixture::new().await;
    let good = f.stand_in.mint_session("dee").jwt;
    let (head, rest) = good.split_once('.').unwrap();
    let (payload, signature) = rest.split_once('.').unwrap();
    let flipped = if signature.starts_with('A') { "B" } else { "A" };
    let tampered_signature = format!("{head}.{payload}.{flipped}{}", &signature[1..]);
    let b64 = |v: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let other_payload = b64(f.claims("mallory"));
    let tampered_payload = format!("{head}.{other_payload}.{signature}");
    let alg_none = format!(
        "{}.{}.",
        b64(json!({"alg": "none", "typ": "JWT", "kid": SigningKey::Primary.kid()})),
        other_payload
    );
    let hs256_with_public_key = {
        let jwks: Value = http()
            .get(format!("{}/.well-known/jwks.json", f.stand_in.base_url()))
            .header("x-api-key", f.stand_in.api_key())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let public = jwks["keys"][0]["n"].as_str().unwrap().to_owned();
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        header.kid = Some(SigningKey::Primary.kid().to_owned());
        jsonwebtoken::encode(
            &header,
            &f.claims("mallory"),
            &jsonwebtoken::EncodingKey::from_secret(public.as_bytes()).unwrap(),
        )
        .unwrap()
    };
    let unknown_key = f
        .stand_in
        .sign_jwt(&f.claims("mallory"), SigningKey::Secondary);
    let mut wrong_audience_claims = f.claims("mallory");
    wrong_audience_claims["aud"] = json!("another-project");
    let wrong_audience = f
        .stand_in
        .sign_jwt(&wrong_audience_claims, SigningKey::Primary);
    let oversized = format!("{good}{}", "A".repeat(9 * 1024));

    let cases = [
        (
            "tampered signature",
            tampered_signature,
            VerifyError::BadSignature,
        ),
        (
            "tampered payload",
            tampered_payload,
            VerifyError::BadSignature,
        ),
        ("alg none", alg_none, VerifyError::Malformed),
        (
            "HS256 with the public key",
            hs256_with_public_key,
            VerifyError::Malformed,
        ),
        ("unknown key", unknown_key, VerifyError::UnknownKey),
        ("wrong audience", wrong_audience, VerifyError::WrongAudience),
        ("oversized", oversized, VerifyError::Malformed),
        (
            "expired",
            f.stand_in.mint_expired_session("x").jwt,
            VerifyError::Expired,
        ),
        ("garbage", "not-a-jwt".to_owned(), VerifyError::Malformed),
    ];
    for (what, jwt, expected) in cases {
        assert_eq!(
            f.auth.verify_jwt(&jwt).await.unwrap_err(),
            expected,
            "{what}"
        );
        let response = f.me(jwt_cookie(&jwt)).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{what}");
        for name in [JWT, REFRESH] {
            assert_removal(&set_cookie(&response, name));
        }
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "Unauthorized", "{what}");
    }
    assert_eq!(f.stand_in.count(Endpoint::Refresh), 0);
}

#[tokio::test]
async fn no_cookies_is_401_with_no_upstream_call() {
    let f = Fixture::new().await;
    let response = f.me(None).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(f.stand_in.calls().is_empty());

    let response = http().get(format!("{}/maybe", f.url)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "signed out");
}

#[tokio::test]
async fn optional_sessions_see_signed_in_users() {
    let f = Fixture::new().await;
    let session = f.stand_in.mint_session("eve");
    let response = http()
        .get(format!("{}/maybe", f.url))
        .header("cookie", format!("{JWT}={}", session.jwt))
        .send()
        .await
        .unwrap();
    assert_eq!(response.text().await.unwrap(), "signed in as eve");
}

#[tokio::test]
async fn a_rejected_refresh_is_401_and_clears() {
    let f = Fixture::new().await;
    let session = f.stand_in.mint_expired_session("fred");
    f.stand_in.revoke(&session.refresh_secret);
    let response = f
        .me(Some(format!(
            "{JWT}={}; {REFRESH}={}",
            session.jwt, session.refresh_secret
        )))
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    for name in [JWT, REFRESH] {
        assert_removal(&set_cookie(&response, name));
    }
}

#[tokio::test]
async fn a_provider_outage_while_refreshing_is_503_and_keeps_cookies() {
    let f = Fixture::new().await;
    let session = f.stand_in.mint_expired_session("gil");
    let cookie = format!(
        "{JWT}={}; {REFRESH}={}",
        session.jwt, session.refresh_secret
    );
    for fault in [
        Fault::Status(500),
        Fault::Drop,
        Fault::Delay(Duration::from_secs(2)),
    ] {
        f.stand_in.inject(Endpoint::Refresh, fault.clone(), 1);
        let response = f.me(Some(cookie.clone())).await;
        assert_eq!(
            response.status(),
            StatusCode::SERVICE_UNAVAILABLE,
            "{fault:?}"
        );
        assert!(set_cookies(&response).is_empty(), "{fault:?}");
    }
    assert_eq!(
        f.me(Some(cookie)).await.status(),
        StatusCode::OK,
        "the token survived"
    );
}

#[tokio::test]
async fn no_keys_on_a_cold_start_is_503_and_spends_no_refresh_token() {
    let f = Fixture::new().await;
    let session = f.stand_in.mint_session("hana");
    f.stand_in.inject(Endpoint::Jwks, Fault::Status(500), 1);
    let response = f
        .me(Some(format!(
            "{JWT}={}; {REFRESH}={}",
            session.jwt, session.refresh_secret
        )))
        .await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(set_cookies(&response).is_empty());
    assert_eq!(f.stand_in.count(Endpoint::Refresh), 0);
}

#[tokio::test]
async fn known_keys_keep_serving_when_a_refetch_fails() {
    let f = Fixture::with(|b| {
        b.jwks_ttl(Duration::ZERO)
            .jwks_refetch_interval(Duration::ZERO)
            .verified_cache_capacity(0)
    })
    .await;
    let session = f.stand_in.mint_session("ida");
    assert_eq!(
        f.me(jwt_cookie(&session.jwt)).await.status(),
        StatusCode::OK
    );
    f.stand_in.inject(Endpoint::Jwks, Fault::Status(503), 1);
    // The stale key serves at once; the failing refresh happens in the background.
    assert_eq!(
        f.me(jwt_cookie(&session.jwt)).await.status(),
        StatusCode::OK
    );
    eventually(|| f.stand_in.count(Endpoint::Jwks) == 2).await;
    assert_eq!(
        f.me(jwt_cookie(&session.jwt)).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_unknown_kid_while_the_key_server_fails_spends_no_refresh_token() {
    let f = Fixture::new().await;
    let warm = f.stand_in.mint_session("ivo");
    assert_eq!(f.me(jwt_cookie(&warm.jwt)).await.status(), StatusCode::OK);
    // The provider rotated to a key this server has not seen, and its key set is down.
    let rotated = f.stand_in.sign_jwt(&f.claims("ivo"), SigningKey::Secondary);
    f.stand_in.inject(Endpoint::Jwks, Fault::Status(500), 1);
    let response = f
        .me(Some(format!(
            "{JWT}={rotated}; {REFRESH}={}",
            warm.refresh_secret
        )))
        .await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(set_cookies(&response).is_empty(), "cookies kept");
    assert_eq!(
        f.stand_in.count(Endpoint::Refresh),
        0,
        "the refresh token was not spent"
    );
}

#[tokio::test]
async fn a_token_without_aud_is_refused_when_a_project_is_configured() {
    let f = Fixture::new().await;
    let mut claims = f.claims("zed");
    claims.as_object_mut().unwrap().remove("aud");
    let jwt = f.stand_in.sign_jwt(&claims, SigningKey::Primary);
    assert!(f.auth.verify_jwt(&jwt).await.is_err());
}

#[tokio::test]
async fn session_debug_redacts_the_jwt() {
    let f = Fixture::new().await;
    let session = f.stand_in.mint_session("una");
    let app = Router::new()
        .route("/debug", get(|s: Session| async move { format!("{s:?}") }))
        .layer(f.auth.session_layer(COOKIES));
    let url = serve(app).await;
    let text = http()
        .get(format!("{url}/debug"))
        .header("cookie", format!("{JWT}={}", session.jwt))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("una") && !text.contains(&session.jwt),
        "{text}"
    );
}

#[tokio::test]
async fn two_extractions_in_one_request_refresh_once() {
    // With no grace window, a second refresh of the same token would be refused upstream.
    let f = Fixture::with(|b| b.grace_window(Duration::ZERO)).await;
    let session = f.stand_in.mint_expired_session("vic");
    let app = Router::new()
        .route(
            "/twice",
            get(|a: Session, b: Option<Session>| async move {
                format!("{} {}", a.user_id, b.map(|b| b.user_id).unwrap_or_default())
            }),
        )
        .layer(f.auth.session_layer(COOKIES));
    let url = serve(app).await;
    let response = http()
        .get(format!("{url}/twice"))
        .header(
            "cookie",
            format!(
                "{JWT}={}; {REFRESH}={}",
                session.jwt, session.refresh_secret
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_ne!(
        set_cookie(&response, REFRESH).value(),
        "",
        "the new session is stored"
    );
    assert_eq!(response.text().await.unwrap(), "vic vic");
    assert_eq!(f.stand_in.count(Endpoint::Refresh), 1);
}

#[tokio::test]
async fn an_unknown_kid_triggers_exactly_one_refetch_under_concurrency() {
    let f = Fixture::new().await;
    let warm = f.stand_in.mint_session("jan");
    assert_eq!(f.me(jwt_cookie(&warm.jwt)).await.status(), StatusCode::OK);
    assert_eq!(f.stand_in.count(Endpoint::Jwks), 1);

    f.stand_in.publish_secondary_key();
    let rotated = f.stand_in.sign_jwt(&f.claims("jan"), SigningKey::Secondary);
    f.stand_in
        .inject(Endpoint::Jwks, Fault::Delay(Duration::from_millis(200)), 1);
    let requests: Vec<_> = (0..20)
        .map(|_| {
            let request = http()
                .get(format!("{}/api/me", f.url))
                .header("cookie", format!("{JWT}={rotated}"));
            tokio::spawn(async move { request.send().await.unwrap().status() })
        })
        .collect();
    for request in requests {
        assert_eq!(request.await.unwrap(), StatusCode::OK);
    }
    assert_eq!(
        f.stand_in.count(Endpoint::Jwks),
        2,
        "one refetch for twenty requests"
    );

    // Another unknown kid within the refetch interval does not fetch again.
    let bogus = {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
        header.kid = Some("no-such-key".into());
        let token = f.stand_in.sign_jwt(&f.claims("jan"), SigningKey::Primary);
        let (_, rest) = token.split_once('.').unwrap();
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(serde_json::to_vec(&header).unwrap());
        format!("{b64}.{rest}")
    };
    assert_eq!(
        f.auth.verify_jwt(&bogus).await.unwrap_err(),
        VerifyError::UnknownKey
    );
    assert_eq!(f.stand_in.count(Endpoint::Jwks), 2);
}

#[tokio::test]
async fn session_refresh_shares_the_single_flight_of_the_refresh_route() {
    let f = Fixture::new().await;
    let session = f.stand_in.mint_expired_session("kay");
    let cookie = format!(
        "{JWT}={}; {REFRESH}={}",
        session.jwt, session.refresh_secret
    );
    f.stand_in.inject(
        Endpoint::Refresh,
        Fault::Delay(Duration::from_millis(200)),
        1,
    );
    let requests: Vec<_> = (0..10)
        .map(|_| {
            let request = http()
                .get(format!("{}/api/me", f.url))
                .header("cookie", cookie.clone());
            tokio::spawn(async move { request.send().await.unwrap().status() })
        })
        .collect();
    for request in requests {
        assert_eq!(request.await.unwrap(), StatusCode::OK);
    }
    assert_eq!(f.stand_in.count(Endpoint::Refresh), 1);
}

#[tokio::test]
async fn get_user_is_exposed() {
    let f = Fixture::new().await;
    f.stand_in.mint_session("lou");
    assert_eq!(f.auth.get_user("lou").await.unwrap()["id"], "lou");
}
