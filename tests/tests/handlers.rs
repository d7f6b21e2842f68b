//! The refresh and logout routes mounted by hand, over real HTTP against the stand-in.

mod common;

use std::time::Duration;

use common::{assert_removal, http, serve, set_cookie, set_cookies};
use cookie::SameSite as CookieSameSite;
use crossmint_auth::{CookieConfig, SameSite};
use crossmint_auth_testkit::{Endpoint, Fault, StandIn};
use reqwest::StatusCode;
use serde_json::{json, Value};

const JWT: &str = "crossmint-jwt";
const REFRESH: &str = "crossmint-refresh-token";
const COOKIES: CookieConfig = CookieConfig::new().same_site(SameSite::Strict);

struct Fixture {
    stand_in: StandIn,
    url: String,
}

impl Fixture {
    async fn new() -> Fixture {
        Fixture::with(|b| b, COOKIES).await
    }

    async fn with(
        configure: impl FnOnce(crossmint_auth::Builder) -> crossmint_auth::Builder,
        cookies: CookieConfig,
    ) -> Fixture {
        let stand_in = StandIn::start().await;
        let auth = configure(common::auth_builder(&stand_in)).build().unwrap();
        let url = serve(common::app(&auth, cookies)).await;
        Fixture { stand_in, url }
    }

    fn refresh(&self) -> reqwest::RequestBuilder {
        http().post(format!("{}/api/refresh", self.url))
    }

    fn logout(&self) -> reqwest::RequestBuilder {
        http().post(format!("{}/api/logout", self.url))
    }

    /// `POST /api/refresh` with the refresh token in its cookie and no body.
    async fn refresh_from_cookie(&self, secret: &str) -> reqwest::Response {
        with_cookie(self.refresh(), secret).send().await.unwrap()
    }

    fn refreshes(&self) -> usize {
        self.stand_in.count(Endpoint::Refresh)
    }
}

fn with_cookie(request: reqwest::RequestBuilder, secret: &str) -> reqwest::RequestBuilder {
    request.header("cookie", format!("{REFRESH}={secret}"))
}

async fn json_body(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}

fn assert_no_store(response: &reqwest::Response) {
    assert_eq!(response.headers()["cache-control"], "no-store");
}

fn assert_unauthorized_and_cleared(response: &reqwest::Response) {
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_no_store(response);
    let cookies = set_cookies(response);
    assert_eq!(cookies.len(), 2, "{cookies:?}");
    for name in [JWT, REFRESH] {
        let cookie = set_cookie(response, name);
        assert_removal(&cookie);
        assert_eq!(cookie.path(), Some("/"));
        assert_eq!(cookie.secure(), Some(true));
        assert_eq!(cookie.same_site(), Some(CookieSameSite::Strict));
    }
}

#[tokio::test]
async fn refresh_from_the_cookie_sets_both_cookies_and_hides_the_secret() {
    let f = Fixture::new().await;
    let session = f.stand_in.mint_session("alice");
    let response = with_cookie(f.refresh(), &session.refresh_secret)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_no_store(&response);

    let jwt = set_cookie(&response, JWT);
    assert_eq!(jwt.http_only(), None, "the JWT cookie is never HttpOnly");
    assert_eq!(jwt.secure(), Some(true));
    assert_eq!(jwt.same_site(), Some(CookieSameSite::Strict));
    assert_eq!(jwt.path(), Some("/"));
    assert_eq!(jwt.domain(), None);

    let refresh = set_cookie(&response, REFRESH);
    assert_eq!(refresh.http_only(), Some(true));
    assert_eq!(refresh.secure(), Some(true));
    assert_eq!(refresh.same_site(), Some(CookieSameSite::Strict));
    assert_ne!(refresh.value(), session.refresh_secret);
    let expires = refresh.expires_datetime().expect("Expires = expiresAt");
    let in_a_week = cookie::time::OffsetDateTime::now_utc() + cookie::time::Duration::days(7);
    assert!((expires - in_a_week).abs() < cookie::time::Duration::minutes(1));

    let body = json_body(response).await;
    assert_eq!(body["jwt"], jwt.value());
    assert_eq!(
        body["refreshToken"]["secret"], "",
        "HttpOnly: the body hides the secret"
    );
    assert!(body["refreshToken"]["expiresAt"]
        .as_str()
        .unwrap()
        .starts_with('2'));
    assert_eq!(body["user"]["id"], "alice");
    assert_eq!(f.refreshes(), 1);
}

#[tokio::test]
async fn without_http_only_the_body_carries_the_secret() {
    let f = Fixture::with(|b| b, CookieConfig::new().http_only(false)).await;
    let session = f.stand_in.mint_session("bob");
    let response = f
        .refresh()
        .json(&json!({"refresh": session.refresh_secret}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let refresh = set_cookie(&response, REFRESH);
    assert_eq!(refresh.http_only(), None);
    let body = json_body(response).await;
    assert_eq!(body["refreshToken"]["secret"], refresh.value());
}

#[tokio::test]
async fn the_body_token_wins_over_the_cookie() {
    let f = Fixture::new().await;
    let in_cookie = f.stand_in.mint_session("cookie-user");
    let in_body = f.stand_in.mint_session("body-user");
    let response = with_cookie(f.refresh(), &in_cookie.refresh_secret)
        .json(&json!({"refresh": in_body.refresh_secret}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json_body(response).await["user"]["id"], "body-user");
    let calls = f.stand_in.calls();
    assert_eq!(calls.len(), 1);
    assert!(calls[0].body.contains(&in_body.refresh_secret));
}

#[tokio::test]
async fn empty_bodies_and_null_mean_use_the_cookie() {
    let f = Fixture::new().await;
    for body in ["", "  ", "{}", r#"{"refresh": null}"#] {
        let session = f.stand_in.mint_session("carol");
        let response = with_cookie(f.refresh(), &session.refresh_secret)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "body {body:?}");
    }
}

#[tokio::test]
async fn no_token_is_401_clears_cookies_and_calls_nobody() {
    let f = Fixture::new().await;
    let response = f.refresh().send().await.unwrap();
    assert_unauthorized_and_cleared(&response);
    let body = json_body(response).await;
    assert_eq!(body["error"], "Unauthorized");
    assert!(body["message"].as_str().unwrap().contains("sign in"));
    assert!(f.stand_in.calls().is_empty());
}

#[tokio::test]
async fn a_revoked_token_is_401_and_clears_cookies() {
    let f = Fixture::new().await;
    let session = f.stand_in.mint_session("dave");
    f.stand_in.revoke(&session.refresh_secret);
    let response = f.refresh_from_cookie(&session.refresh_secret).await;
    assert_unauthorized_and_cleared(&response);
    let body = json_body(response).await;
    assert_eq!(
        body,
        json!({"error": "Unauthorized", "message": "the session has expired or was revoked: sign in again"})
    );
    assert_eq!(f.refreshes(), 1);
}

#[tokio::test]
async fn reuse_inside_the_grace_window_gets_the_same_session_and_after_it_is_refused() {
    // Wide enough that a loaded CI machine answers the second request inside it.
    let f = Fixture::with(|b| b.grace_window(Duration::from_secs(2)), COOKIES).await;
    let session = f.stand_in.mint_session("erin");
    let first = f.refresh_from_cookie(&session.refresh_secret).await;
    let first_jwt = set_cookie(&first, JWT).value().to_owned();
    let second = f.refresh_from_cookie(&session.refresh_secret).await;
    assert_eq!(second.status(), StatusCode::OK);
    assert_eq!(set_cookie(&second, JWT).value(), first_jwt);
    assert_eq!(
        f.refreshes(),
        1,
        "the grace window answered without the provider"
    );

    tokio::time::sleep(Duration::from_millis(2200)).await;
    let late = f.refresh_from_cookie(&session.refresh_secret).await;
    assert_unauthorized_and_cleared(&late);
    assert_eq!(f.refreshes(), 2, "after the window the provider decides");
}

#[tokio::test]
async fn a_zero_grace_window_passes_reuse_to_the_provider() {
    let f = Fixture::with(|b| b.grace_window(Duration::ZERO), COOKIES).await;
    let session = f.stand_in.mint_session("fay");
    let first = f.refresh_from_cookie(&session.refresh_secret).await;
    assert_eq!(first.status(), StatusCode::OK);
    let again = f.refresh_from_cookie(&session.refresh_secret).await;
    assert_unauthorized_and_cleared(&again);
    assert_eq!(f.refreshes(), 2);
}

#[tokio::test]
async fn fifty_concurrent_refreshes_share_one_upstream_call() {
    let f = Fixture::new().await;
    let session = f.stand_in.mint_session("gus");
    // Slow the provider down so every request arrives while the first is in flight.
    f.stand_in.inject(
        Endpoint::Refresh,
        Fault::Delay(Duration::from_millis(300)),
        1,
    );
    let requests = (0..50).map(|_| {
        let request = with_cookie(f.refresh(), &session.refresh_secret);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            set_cookie(&response, JWT).value().to_owned()
        }
    });
    let jwts = futures_join_all(requests).await;
    assert_eq!(jwts.len(), 50);
    assert!(
        jwts.iter().all(|jwt| *jwt == jwts[0]),
        "everyone got the same session"
    );
    assert_eq!(f.refreshes(), 1);
}

async fn futures_join_all<
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<T> {
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}

#[tokio::test]
async fn an_unavailable_provider_is_503_and_keeps_the_cookies() {
    let f = Fixture::with(|b| b.timeout(Duration::from_millis(300)), COOKIES).await;
    let session = f.stand_in.mint_session("hal");
    for fault in [
        Fault::Status(500),
        Fault::Status(502),
        Fault::Status(429),
        Fault::Delay(Duration::from_secs(2)),
        Fault::Drop,
        Fault::Body("<html>oops</html>".into()),
        Fault::Body(r#"{"jwt":"a b","refresh":{"secret":"s","expiresAt":"2030-01-01T00:00:00Z"},"user":{"id":"u"}}"#.into()),
        Fault::Redirect("http://127.0.0.1:9/".into()),
    ] {
        f.stand_in.inject(Endpoint::Refresh, fault.clone(), 1);
        let response = f.refresh_from_cookie(&session.refresh_secret).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE, "{fault:?}");
        assert_no_store(&response);
        assert!(set_cookies(&response).is_empty(), "{fault:?}: cookies kept");
        let body = json_body(response).await;
        assert_eq!(body["error"], "Service Unavailable");
        assert!(!body.to_string().contains("oops"), "upstream text is never forwarded");
    }
    assert_eq!(f.stand_in.count(Endpoint::Logout), 0, "nothing was revoked");
    // The token still works once the provider is back.
    let response = f.refresh_from_cookie(&session.refresh_secret).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_unreachable_provider_is_503() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let auth = crossmint_auth::CrossmintAuth::builder("sk_development_x")
        .base_url(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let url = serve(common::app(&auth, COOKIES)).await;
    let response = with_cookie(http().post(format!("{url}/api/refresh")), "secret")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(set_cookies(&response).is_empty());
}

#[tokio::test]
async fn client_mistakes_are_4xx_touch_no_cookie_and_call_nobody() {
    let f = Fixture::new().await;
    let session = f.stand_in.mint_session("ivy");
    let big = format!(r#"{{"refresh": "{}"}}"#, "x".repeat(17 * 1024));
    let cases: [(&str, String, StatusCode, &str); 6] = [
        (
            "not json",
            "refresh=abc".into(),
            StatusCode::BAD_REQUEST,
            "not JSON",
        ),
        (
            "array",
            "[1]".into(),
            StatusCode::BAD_REQUEST,
            "JSON object",
        ),
        (
            "number",
            r#"{"refresh": 42}"#.into(),
            StatusCode::BAD_REQUEST,
            "must be a string",
        ),
        (
            "object",
            r#"{"refresh": {}}"#.into(),
            StatusCode::BAD_REQUEST,
            "must be a string",
        ),
        (
            "empty",
            r#"{"refresh": ""}"#.into(),
            StatusCode::BAD_REQUEST,
            "empty",
        ),
        (
            "oversized",
            big,
            StatusCode::PAYLOAD_TOO_LARGE,
            "larger than 16384 bytes",
        ),
    ];
    for (what, body, status, message) in cases {
        let response = with_cookie(f.refresh(), &session.refresh_secret)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{what}");
        assert!(set_cookies(&response).is_empty(), "{what}");
        let body = json_body(response).await;
        assert!(
            body["message"].as_str().unwrap().contains(message),
            "{what}: {body}"
        );
    }
    assert!(f.stand_in.calls().is_empty());
}

#[tokio::test]
async fn an_oversized_chunked_body_is_413() {
    let f = Fixture::new().await;
    let chunks = (0..40).map(|_| Ok::<_, std::io::Error>(vec![b' '; 1024]));
    let body = reqwest::Body::wrap_stream(tokio_stream::iter(chunks));
    let response = f.refresh().body(body).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn malformed_and_duplicated_cookie_headers_do_no_harm() {
    let f = Fixture::new().await;
    let session = f.stand_in.mint_session("jo");
    // Garbage around the cookie, and a second Cookie header with a stale value: the first
    // occurrence wins.
    let response = f
        .refresh()
        .header(
            "cookie",
            format!("=; junk;; {REFRESH}={}; x=\"q", session.refresh_secret),
        )
        .header("cookie", format!("{REFRESH}=stale"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let response = f
        .refresh()
        .header("cookie", "===; ;;;")
        .send()
        .await
        .unwrap();
    assert_unauthorized_and_cleared(&response);
}

#[tokio::test]
async fn cross_site_requests_are_refused_before_anything_happens() {
    let f = Fixture::new().await;
    let session = f.stand_in.mint_session("kim");
    let forged = [
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
        vec![("origin", "https://evil.test")],
        vec![("origin", "null")],
    ];
    for headers in forged {
        for route in ["/api/refresh", "/api/logout"] {
            let mut request = with_cookie(
                http().post(format!("{}{route}", f.url)),
                &session.refresh_secret,
            )
            .json(&json!({"refresh": session.refresh_secret}));
            for (name, value) in &headers {
                request = request.header(*name, *value);
            }
            let response = request.send().await.unwrap();
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{route} {headers:?}"
            );
            assert!(set_cookies(&response).is_empty());
            assert_eq!(json_body(response).await["error"], "Forbidden");
        }
    }
    assert!(f.stand_in.calls().is_empty());

    // The app's own origin, as a browser sends it, works.
    let response = with_cookie(f.refresh(), &session.refresh_secret)
        .header("origin", f.url.clone())
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_allow_listed_origin_is_accepted() {
    // Written as people do; compared as browsers send it.
    let f = Fixture::with(|b| b.allow_origin("https://App.Example.com/"), COOKIES).await;
    let session = f.stand_in.mint_session("lee");
    let response = with_cookie(f.refresh(), &session.refresh_secret)
        .header("origin", "https://app.example.com")
        .header("sec-fetch-site", "same-site")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn wrong_methods_are_405_with_allow() {
    let f = Fixture::new().await;
    for route in ["/api/refresh", "/api/logout"] {
        let response = http()
            .get(format!("{}{route}", f.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers()["allow"], "POST");
    }
}

#[tokio::test]
async fn logout_revokes_and_clears() {
    let f = Fixture::new().await;
    let session = f.stand_in.mint_session("max");
    let response = with_cookie(f.logout(), &session.refresh_secret)
        .body("this body is never read")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_no_store(&response);
    for name in [JWT, REFRESH] {
        let cookie = set_cookie(&response, name);
        assert_removal(&cookie);
        assert_eq!(cookie.same_site(), Some(CookieSameSite::Strict));
        assert_eq!(cookie.secure(), Some(true));
    }
    let calls = f.stand_in.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].endpoint, Some(Endpoint::Logout));
    assert!(calls[0].body.contains(&session.refresh_secret));
    // The token is revoked upstream.
    let again = f.refresh_from_cookie(&session.refresh_secret).await;
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn logout_without_a_cookie_clears_and_calls_nobody() {
    let f = Fixture::new().await;
    let response = f.logout().send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(set_cookies(&response).len(), 2);
    assert!(f.stand_in.calls().is_empty());
}

#[tokio::test]
async fn logout_with_a_failing_provider_still_clears() {
    let f = Fixture::with(|b| b.timeout(Duration::from_millis(300)), COOKIES).await;
    let session = f.stand_in.mint_session("ned");
    for fault in [
        Fault::Status(500),
        Fault::Drop,
        Fault::Delay(Duration::from_secs(2)),
    ] {
        f.stand_in.inject(Endpoint::Logout, fault, 1);
        let response = with_cookie(f.logout(), &session.refresh_secret)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        for name in [JWT, REFRESH] {
            assert_removal(&set_cookie(&response, name));
        }
    }
}

#[tokio::test]
async fn logout_ends_the_grace_window_of_the_old_token() {
    let f = Fixture::new().await;
    let session = f.stand_in.mint_session("oz");
    let first = f.refresh_from_cookie(&session.refresh_secret).await;
    let new_secret = set_cookie(&first, REFRESH).value().to_owned();
    with_cookie(f.logout(), &new_secret).send().await.unwrap();
    let reuse = f.refresh_from_cookie(&session.refresh_secret).await;
    assert_eq!(reuse.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn provider_expiry_is_checked_before_it_becomes_a_cookie() {
    let f = Fixture::new().await;
    let answer = |expires: &str| {
        Fault::Body(format!(
            r#"{{"jwt":"a.b.c","refresh":{{"secret":"n=1","expiresAt":"{expires}"}},"user":{{"id":"u"}}}}"#
        ))
    };
    f.stand_in
        .inject(Endpoint::Refresh, answer("Invalid Date"), 1);
    let response = f.refresh_from_cookie("t1").await;
    assert_eq!(response.status(), StatusCode::OK);
    let refresh = set_cookie(&response, REFRESH);
    assert_eq!(refresh.value(), "n=1", "a value with `=` survives");
    assert_eq!(
        refresh.expires(),
        None,
        "no Expires rather than an invalid one"
    );

    f.stand_in
        .inject(Endpoint::Refresh, answer("2999-01-01T00:00:00Z"), 1);
    let response = f.refresh_from_cookie("t2").await;
    let expires = set_cookie(&response, REFRESH).expires_datetime().unwrap();
    let cap = cookie::time::OffsetDateTime::now_utc() + cookie::time::Duration::days(400);
    assert!(expires <= cap && expires > cap - cookie::time::Duration::minutes(1));
}

#[tokio::test]
async fn domain_path_and_partitioned_are_written_and_cleared_alike() {
    const CUSTOM: CookieConfig = CookieConfig::new()
        .same_site(SameSite::None)
        .domain("example.com")
        .path("/api")
        .partitioned(true);
    let f = Fixture::with(|b| b, CUSTOM).await;
    let session = f.stand_in.mint_session("pat");
    let set = f.refresh_from_cookie(&session.refresh_secret).await;
    let new_secret = set_cookie(&set, REFRESH).value().to_owned();
    let cleared = with_cookie(f.logout(), &new_secret).send().await.unwrap();
    for response in [&set, &cleared] {
        for name in [JWT, REFRESH] {
            let cookie = set_cookie(response, name);
            assert_eq!(cookie.domain(), Some("example.com"));
            assert_eq!(cookie.path(), Some("/api"));
            assert_eq!(cookie.partitioned(), Some(true));
            assert_eq!(cookie.same_site(), Some(CookieSameSite::None));
            assert_eq!(cookie.secure(), Some(true));
        }
    }
}

#[tokio::test]
#[should_panic(expected = "SameSite=None")]
async fn a_hand_built_invalid_configuration_fails_when_the_router_is_built() {
    let stand_in = StandIn::start().await;
    let auth = common::auth(&stand_in);
    let broken = CookieConfig::new().same_site(SameSite::None).secure(false);
    let _ = common::app(&auth, broken);
}

#[tokio::test]
async fn huge_durations_do_not_overflow() {
    let f = Fixture::with(
        |b| b.grace_window(Duration::MAX).jwks_ttl(Duration::MAX),
        COOKIES,
    )
    .await;
    let session = f.stand_in.mint_session("quinn");
    for _ in 0..2 {
        let response = f.refresh_from_cookie(&session.refresh_secret).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn logout_with_an_old_token_also_revokes_what_it_was_exchanged_for() {
    let f = Fixture::new().await;
    let session = f.stand_in.mint_session("rex");
    // One tab refreshes; another still holds the old cookie and logs out.
    let refreshed = f.refresh_from_cookie(&session.refresh_secret).await;
    let successor = set_cookie(&refreshed, REFRESH).value().to_owned();
    let logout = with_cookie(f.logout(), &session.refresh_secret)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::OK);
    let revoked: Vec<String> = f
        .stand_in
        .calls()
        .into_iter()
        .filter(|call| call.endpoint == Some(Endpoint::Logout))
        .map(|call| call.body)
        .collect();
    assert_eq!(revoked.len(), 2, "{revoked:?}");
    assert!(revoked[1].contains(&successor));
    // The session the other tab got is over too.
    let other_tab = f.refresh_from_cookie(&successor).await;
    assert_eq!(other_tab.status(), StatusCode::UNAUTHORIZED);
}
