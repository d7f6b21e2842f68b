//! The API client against the stand-in, over real HTTP on 127.0.0.1.

mod common;

use std::time::Duration;

use crossmint_auth::{
    ApiClient, ApiKey, ClientLimits, ConfigError, CrossmintAuth, Environment, Unavailable,
    UpstreamError,
};
use crossmint_auth_testkit::{Endpoint, Fault, StandIn};

#[test]
fn base_url_follows_the_key_kind_and_the_override_wins() {
    let cases = [
        (
            "sk_production_abc",
            "https://www.crossmint.com/",
            Environment::Production,
        ),
        (
            "sk_staging_abc",
            "https://staging.crossmint.com/",
            Environment::Staging,
        ),
        (
            "sk_development_abc",
            "http://localhost:3000/",
            Environment::Development,
        ),
    ];
    for (key, base, environment) in cases {
        let key = ApiKey::parse(key).unwrap();
        assert_eq!(key.environment(), environment);
        let client = ApiClient::new(&key, None, ClientLimits::default()).unwrap();
        assert_eq!(client.base_url(), base);
        let client =
            ApiClient::new(&key, Some("http://127.0.0.1:4000"), ClientLimits::default()).unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:4000/");
    }
}

#[test]
fn bad_keys_and_urls_are_rejected_with_a_useful_message() {
    let message = |key: &str| CrossmintAuth::builder(key).build().unwrap_err().to_string();
    assert!(message("ck_production_abc").contains("client key"));
    assert!(message("").contains("empty"));
    assert!(message("sk_test_abc").contains("sk_production_"));
    assert!(message("sk_staging_").contains("malformed"));
    assert!(message("sk_staging_a b").contains("whitespace"));
    assert!(matches!(
        CrossmintAuth::builder("ck_staging_x").build(),
        Err(ConfigError::ClientApiKey)
    ));
    for url in [
        "not a url",
        "ftp://example.com",
        "http://",
        "http://h/?q=1",
        "http://u:p@h",
    ] {
        let error = CrossmintAuth::builder("sk_staging_abc")
            .base_url(url)
            .build()
            .unwrap_err();
        assert!(
            matches!(error, ConfigError::InvalidBaseUrl { .. }),
            "{url}: {error}"
        );
        assert!(
            error.to_string().contains("https://staging.crossmint.com"),
            "{error}"
        );
    }
}

#[tokio::test]
async fn calls_use_the_documented_paths_headers_and_bodies() {
    let stand_in = StandIn::start().await;
    let auth = common::auth(&stand_in);
    let session = stand_in.mint_session("user-1");

    let refreshed = auth
        .client()
        .refresh(&session.refresh_secret)
        .await
        .unwrap();
    assert_eq!(refreshed.user_id(), "user-1");
    assert!(refreshed.expires_at.is_some());
    auth.client()
        .logout(&refreshed.refresh_secret)
        .await
        .unwrap();
    let user = auth.get_user("user-1").await.unwrap();
    assert_eq!(user["id"], "user-1");
    let jwks = auth.client().jwks().await.unwrap();
    assert!(!jwks.keys.is_empty());

    let calls = stand_in.calls();
    let seen: Vec<(&str, &str)> = calls
        .iter()
        .map(|c| (c.method.as_str(), c.path.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("POST", "/api/2024-09-26/session/sdk/auth/refresh"),
            ("POST", "/api/2024-09-26/session/sdk/auth/logout"),
            ("GET", "/api/2024-09-26/sdk/auth/user/user-1"),
            ("GET", "/.well-known/jwks.json"),
        ]
    );
    for call in &calls {
        assert_eq!(call.header("x-api-key"), Some(stand_in.api_key()));
        assert_eq!(call.header("x-client-name"), Some("crossmint-auth-rust"));
        assert_eq!(
            call.header("x-client-version"),
            Some(env!("CARGO_PKG_VERSION"))
        );
        assert_eq!(call.header("content-type"), Some("application/json"));
    }
    let body = |i: usize| serde_json::from_str::<serde_json::Value>(&calls[i].body).unwrap();
    assert_eq!(
        body(0),
        serde_json::json!({"refresh": session.refresh_secret})
    );
    assert_eq!(
        body(1),
        serde_json::json!({"refresh": refreshed.refresh_secret})
    );
}

#[tokio::test]
async fn user_ids_are_path_escaped() {
    let stand_in = StandIn::start().await;
    let auth = common::auth(&stand_in);
    let error = auth.get_user("a/../b?c").await.unwrap_err();
    assert_eq!(error, UpstreamError::Rejected { status: 404 });
    let path = stand_in.calls()[0].path.clone();
    assert_eq!(path, "/api/2024-09-26/sdk/auth/user/a%2F..%2Fb%3Fc");
}

#[tokio::test]
async fn user_ids_that_would_leave_their_path_segment_are_never_sent() {
    let stand_in = StandIn::start().await;
    let auth = common::auth(&stand_in);
    for id in ["", ".", "..", "%2e%2e", "a%2F..%2Fx"] {
        assert_eq!(
            auth.get_user(id).await,
            Err(UpstreamError::InvalidUserId),
            "{id:?}"
        );
    }
    assert!(stand_in.calls().is_empty());
}

#[test]
fn base_url_errors_never_print_credentials() {
    let error = CrossmintAuth::builder("sk_staging_abc")
        .base_url("https://user:hunter2@example.com/")
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("credentials") && !error.contains("hunter2"),
        "{error}"
    );
}

#[tokio::test]
async fn failures_are_typed() {
    let stand_in = StandIn::start().await;
    let auth = common::auth_builder(&stand_in)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let client = auth.client();

    let used = stand_in.mint_session("u");
    client.refresh(&used.refresh_secret).await.unwrap();
    assert_eq!(
        client.refresh(&used.refresh_secret).await,
        Err(UpstreamError::Rejected { status: 401 })
    );

    let fresh = stand_in.mint_session("u");
    let cases = [
        (Fault::Status(500), Unavailable::Status(500)),
        (Fault::Status(503), Unavailable::Status(503)),
        (Fault::Status(429), Unavailable::Status(429)),
        (Fault::Delay(Duration::from_secs(2)), Unavailable::Timeout),
        (Fault::Drop, Unavailable::Transport),
        (Fault::Body("not json".into()), Unavailable::InvalidAnswer("the refresh answer is not the documented JSON")),
        (
            Fault::Body(r#"{"jwt":"a.b.c","refresh":{"secret":"x; Domain=evil.test","expiresAt":"2030-01-01T00:00:00Z"},"user":{"id":"u"}}"#.into()),
            Unavailable::InvalidAnswer("the refresh secret is not a valid cookie value"),
        ),
        (Fault::Redirect("http://127.0.0.1:9/steal".into()), Unavailable::Status(302)),
        (
            Fault::Body(format!(
                r#"{{"jwt":"{}","refresh":{{"secret":"s","expiresAt":"2030-01-01T00:00:00Z"}},"user":{{"id":"u"}}}}"#,
                "a".repeat(5000)
            )),
            Unavailable::InvalidAnswer("a token is too large for a browser cookie"),
        ),
    ];
    for (fault, expected) in cases {
        stand_in.inject(Endpoint::Refresh, fault.clone(), 1);
        assert_eq!(
            client.refresh(&fresh.refresh_secret).await,
            Err(UpstreamError::Unavailable(expected)),
            "{fault:?}"
        );
    }
    // None of these spent the token.
    client.refresh(&fresh.refresh_secret).await.unwrap();
}

#[tokio::test]
async fn an_unparsable_expiry_is_kept_raw_and_answers_are_capped() {
    let stand_in = StandIn::start().await;
    let auth = common::auth_builder(&stand_in)
        .max_answer_bytes(512)
        .build()
        .unwrap();
    stand_in.inject(
        Endpoint::Refresh,
        Fault::Body(r#"{"jwt":"a.b.c","refresh":{"secret":"s=1","expiresAt":"next tuesday"},"user":{"id":"u"}}"#.into()),
        1,
    );
    let refreshed = auth.client().refresh("whatever").await.unwrap();
    assert_eq!(refreshed.expires_at, None);
    assert_eq!(refreshed.expires_at_raw, "next tuesday");
    assert!(!format!("{refreshed:?}").contains("s=1"));

    stand_in.inject(Endpoint::Jwks, Fault::Body("x".repeat(4096)), 1);
    assert_eq!(
        auth.client().jwks().await.unwrap_err(),
        UpstreamError::Unavailable(Unavailable::TooLarge(512))
    );
}

#[tokio::test]
async fn connection_refused_is_unavailable() {
    // Bind then drop a listener: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let auth = CrossmintAuth::builder("sk_development_x")
        .base_url(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    assert_eq!(
        auth.client().refresh("t").await,
        Err(UpstreamError::Unavailable(Unavailable::Connect))
    );
}
