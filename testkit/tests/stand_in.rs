//! The stand-in over real HTTP.

use std::time::{Duration, Instant};

use crossmint_auth_testkit::{Endpoint, Fault, Options, SigningKey, StandIn};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde_json::{json, Value};

const REFRESH: &str = "/api/2024-09-26/session/sdk/auth/refresh";
const LOGOUT: &str = "/api/2024-09-26/session/sdk/auth/logout";
const USER: &str = "/api/2024-09-26/sdk/auth/user/";
const JWKS: &str = "/.well-known/jwks.json";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

async fn post(s: &StandIn, path: &str, body: Value) -> reqwest::Response {
    client()
        .post(format!("{}{path}", s.base_url()))
        .header("x-api-key", s.api_key())
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn get(s: &StandIn, path: &str) -> reqwest::Response {
    client()
        .get(format!("{}{path}", s.base_url()))
        .header("x-api-key", s.api_key())
        .send()
        .await
        .unwrap()
}

async fn refresh(s: &StandIn, secret: &str) -> reqwest::Response {
    post(s, REFRESH, json!({ "refresh": secret })).await
}

/// Verifies `jwt` against the stand-in's published JWKS.
async fn verify(s: &StandIn, jwt: &str) -> jsonwebtoken::errors::Result<Value> {
    let jwks: JwkSet = get(s, JWKS).await.json().await.unwrap();
    let kid = decode_header(jwt)?.kid.unwrap();
    let Some(jwk) = jwks.find(&kid) else {
        return Err(jsonwebtoken::errors::ErrorKind::InvalidKeyFormat.into());
    };
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[s.project_id()]);
    Ok(decode::<Value>(jwt, &DecodingKey::from_jwk(jwk)?, &validation)?.claims)
}

#[tokio::test]
async fn refresh_rotates_and_spends_the_old_secret() {
    let s = StandIn::start().await;
    let minted = s.mint_session("alice");

    let response = refresh(&s, &minted.refresh_secret).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["user"],
        json!({"id": "alice", "email": "alice@example.com"})
    );
    let next = body["refresh"]["secret"].as_str().unwrap();
    assert_ne!(next, minted.refresh_secret);
    let expires_at = body["refresh"]["expiresAt"].as_str().unwrap();
    time::OffsetDateTime::parse(expires_at, &time::format_description::well_known::Rfc3339)
        .unwrap();
    assert!(expires_at.ends_with('Z'));
    let claims = verify(&s, body["jwt"].as_str().unwrap()).await.unwrap();
    assert_eq!(claims["sub"], "alice");

    let reused = refresh(&s, &minted.refresh_secret).await;
    assert_eq!(reused.status(), 401);
    assert_eq!(
        reused.json::<Value>().await.unwrap(),
        json!({"error": "invalid refresh token"})
    );
    assert_eq!(refresh(&s, next).await.status(), 200);
    assert_eq!(refresh(&s, "unknown").await.status(), 401);
    assert_eq!(s.count(Endpoint::Refresh), 4);
}

#[tokio::test]
async fn refresh_rejects_bad_bodies_and_expired_secrets() {
    let s = StandIn::start_with(Options {
        refresh_ttl: Duration::ZERO,
        ..Options::default()
    })
    .await;
    let minted = s.mint_session("bob");
    assert_eq!(refresh(&s, &minted.refresh_secret).await.status(), 401);
    assert_eq!(post(&s, REFRESH, json!({})).await.status(), 400);
    let raw = client()
        .post(format!("{}{REFRESH}", s.base_url()))
        .header("x-api-key", s.api_key())
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
}

#[tokio::test]
async fn logout_and_revoke_spend_the_secret() {
    let s = StandIn::start().await;
    let a = s.mint_session("carol");
    let b = s.mint_session("carol");

    let response = post(&s, LOGOUT, json!({ "refresh": a.refresh_secret })).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap(), json!({}));
    assert_eq!(refresh(&s, &a.refresh_secret).await.status(), 401);
    let unknown = post(&s, LOGOUT, json!({ "refresh": "unknown" })).await;
    assert_eq!(unknown.status(), 200);

    s.revoke(&b.refresh_secret);
    assert_eq!(refresh(&s, &b.refresh_secret).await.status(), 401);
    assert_eq!(s.count(Endpoint::Logout), 2);
}

#[tokio::test]
async fn api_key_is_checked_everywhere_and_calls_are_recorded() {
    let s = StandIn::start().await;
    let minted = s.mint_session("dave");
    let url = s.base_url();
    for request in [
        client()
            .post(format!("{url}{REFRESH}"))
            .json(&json!({"refresh": minted.refresh_secret})),
        client()
            .post(format!("{url}{LOGOUT}"))
            .json(&json!({"refresh": minted.refresh_secret})),
        client().get(format!("{url}{USER}dave")),
        client()
            .get(format!("{url}{JWKS}"))
            .header("x-api-key", "sk_development_wrong"),
    ] {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401);
        assert_eq!(
            response.json::<Value>().await.unwrap(),
            json!({"error": "invalid api key"})
        );
    }
    // Rejected calls did not spend the secret.
    assert_eq!(refresh(&s, &minted.refresh_secret).await.status(), 200);

    let calls = s.calls();
    assert_eq!(calls.len(), 5);
    assert_eq!(
        calls.iter().map(|c| c.endpoint).collect::<Vec<_>>(),
        [
            Some(Endpoint::Refresh),
            Some(Endpoint::Logout),
            Some(Endpoint::User),
            Some(Endpoint::Jwks),
            Some(Endpoint::Refresh),
        ]
    );
    assert_eq!(calls[0].method, "POST");
    assert_eq!(calls[0].path, REFRESH);
    assert_eq!(calls[0].header("X-API-Key"), None);
    assert_eq!(calls[3].header("X-API-Key"), Some("sk_development_wrong"));
    let sent: Value = serde_json::from_str(&calls[4].body).unwrap();
    assert_eq!(sent, json!({"refresh": minted.refresh_secret}));
    assert_eq!(calls[4].header("x-api-key"), Some(s.api_key()));
}

#[tokio::test]
async fn user_lookup_knows_minted_users_only() {
    let s = StandIn::start().await;
    s.mint_session("erin");
    let response = get(&s, &format!("{USER}erin")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"id": "erin", "email": "erin@example.com"})
    );
    assert_eq!(get(&s, &format!("{USER}frank")).await.status(), 404);
    assert_eq!(s.count(Endpoint::User), 2);
    assert_eq!(get(&s, "/nothing-here").await.status(), 404);
    assert_eq!(s.calls().last().unwrap().endpoint, None);
}

#[tokio::test]
async fn jwks_verifies_minted_jwts_and_rotates() {
    let s = StandIn::start().await;
    let minted = s.mint_session("grace");
    let claims = verify(&s, &minted.jwt).await.unwrap();
    assert_eq!(claims["sub"], "grace");
    assert_eq!(claims["aud"], s.project_id());
    let (iat, exp) = (
        claims["iat"].as_i64().unwrap(),
        claims["exp"].as_i64().unwrap(),
    );
    assert_eq!(exp - iat, 15 * 60);

    let jwks: Value = get(&s, JWKS).await.json().await.unwrap();
    let key = &jwks["keys"][0];
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 1);
    assert_eq!(
        (&key["kty"], &key["kid"], &key["use"], &key["alg"]),
        (
            &json!("RSA"),
            &json!("testkit-primary"),
            &json!("sig"),
            &json!("RS256")
        )
    );

    let expired = s.mint_expired_session("grace");
    let error = verify(&s, &expired.jwt).await.unwrap_err();
    assert_eq!(
        *error.kind(),
        jsonwebtoken::errors::ErrorKind::ExpiredSignature
    );
    assert_eq!(refresh(&s, &expired.refresh_secret).await.status(), 200);

    let claims = json!({"sub": "grace", "aud": s.project_id(), "exp": 4_000_000_000_u64});
    let secondary = s.sign_jwt(&claims, SigningKey::Secondary);
    assert!(verify(&s, &secondary).await.is_err());
    s.publish_secondary_key();
    assert_eq!(verify(&s, &secondary).await.unwrap()["sub"], "grace");
    assert!(verify(&s, &s.sign_jwt(&claims, SigningKey::Primary))
        .await
        .is_ok());
}

#[tokio::test]
async fn faults_apply_to_the_next_calls_only() {
    let s = StandIn::start().await;
    let minted = s.mint_session("heidi");

    s.inject(Endpoint::Refresh, Fault::Status(503), 2);
    assert_eq!(refresh(&s, &minted.refresh_secret).await.status(), 503);
    assert_eq!(refresh(&s, &minted.refresh_secret).await.status(), 503);
    // Faulted calls did not spend the secret.
    assert_eq!(refresh(&s, &minted.refresh_secret).await.status(), 200);

    s.inject(Endpoint::Jwks, Fault::Body("{not json".into()), 1);
    let body = get(&s, JWKS).await;
    assert_eq!(body.status(), 200);
    assert_eq!(body.text().await.unwrap(), "{not json");

    s.inject(
        Endpoint::User,
        Fault::Redirect("http://example.invalid/".into()),
        1,
    );
    let redirect = get(&s, &format!("{USER}heidi")).await;
    assert_eq!(redirect.status(), 302);
    assert_eq!(redirect.headers()["location"], "http://example.invalid/");

    s.inject(Endpoint::Jwks, Fault::Delay(Duration::from_millis(300)), 1);
    let started = Instant::now();
    assert_eq!(get(&s, JWKS).await.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(get(&s, JWKS).await.status(), 200);

    assert_eq!(s.count(Endpoint::Refresh), 3);
    assert_eq!(s.count(Endpoint::Jwks), 3);
    assert_eq!(s.count(Endpoint::User), 1);
    assert_eq!(s.count(Endpoint::Logout), 0);
}

#[tokio::test]
async fn drop_fault_closes_the_connection_without_an_answer() {
    let s = StandIn::start().await;
    let minted = s.mint_session("ivan");
    let client = client();
    let send = || {
        client
            .post(format!("{}{REFRESH}", s.base_url()))
            .header("x-api-key", s.api_key())
            .json(&json!({"refresh": minted.refresh_secret}))
            .send()
    };

    // Warm the connection pool first: the drop must also work on a reused connection.
    assert_eq!(get(&s, JWKS).await.status(), 200);
    s.inject(Endpoint::Refresh, Fault::Drop, 1);
    let error = send().await.unwrap_err();
    assert!(!error.is_timeout(), "{error:?}");
    assert!(error.status().is_none(), "{error:?}");

    assert_eq!(send().await.unwrap().status(), 200);
    assert_eq!(s.count(Endpoint::Refresh), 2);
}

#[tokio::test]
async fn clones_share_state_and_the_server_stops_with_the_last_clone() {
    let s = StandIn::start().await;
    let clone = s.clone();
    clone.mint_session("judy");
    assert_eq!(get(&s, &format!("{USER}judy")).await.status(), 200);
    assert_eq!(clone.count(Endpoint::User), 1);

    let url = s.base_url();
    drop(s);
    drop(clone);
    tokio::task::yield_now().await;
    let result = client().get(format!("{url}{JWKS}")).send().await;
    assert!(result.is_err());
}

#[tokio::test]
async fn drop_fault_sends_no_bytes_at_all() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let s = StandIn::start().await;
    s.inject(Endpoint::Jwks, Fault::Drop, 1);
    let mut stream = tokio::net::TcpStream::connect(s.addr()).await.unwrap();
    let request = format!(
        "GET {JWKS} HTTP/1.1\r\nHost: {}\r\nx-api-key: {}\r\n\r\n",
        s.addr(),
        s.api_key()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .expect("the stand-in closes the connection");
    // Either a clean EOF or a reset; in both cases nothing was answered.
    if read.is_ok() {
        assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
    }
    assert_eq!(s.count(Endpoint::Jwks), 1);
}
