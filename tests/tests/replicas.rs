//! Two replicas sharing one real Redis server (Debian's `redis-server`, started here on a
//! free loopback port): cross-replica single flight, grace window, encrypted storage, and
//! the in-process fallback when Redis stops.

mod common;

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{http, serve, set_cookie, set_cookies};
use crossmint_auth::CookieConfig;
use crossmint_auth_testkit::{Endpoint, Fault, StandIn};
use reqwest::StatusCode;

const COOKIES: CookieConfig = CookieConfig::new();
const JWT: &str = "crossmint-jwt";
const REFRESH: &str = "crossmint-refresh-token";

/// A `redis-server` process, killed on drop.
struct RedisServer {
    child: Child,
    url: String,
}

impl RedisServer {
    /// Starts one, or explains loudly why it cannot (and fails under `CI=true`).
    fn start() -> Option<RedisServer> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let spawned = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match spawned {
            Ok(child) => child,
            Err(error) => {
                let message = format!(
                    "redis-server could not be started ({error}): install Debian's redis-server"
                );
                if std::env::var("CI").is_ok_and(|ci| ci == "true") {
                    panic!("{message}");
                }
                eprintln!("\n##########\n# SKIPPED: {message}\n##########\n");
                return None;
            }
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(RedisServer {
            child,
            url: format!("redis://127.0.0.1:{port}/"),
        })
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Every key and value stored, raw.
    async fn dump(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        let client = redis::Client::open(self.url.as_str()).unwrap();
        let mut connection = client.get_multiplexed_async_connection().await.unwrap();
        let keys: Vec<Vec<u8>> = redis::cmd("KEYS")
            .arg("*")
            .query_async(&mut connection)
            .await
            .unwrap();
        let mut out = Vec::new();
        for key in keys {
            let value: Option<Vec<u8>> = redis::cmd("GET")
                .arg(&key)
                .query_async(&mut connection)
                .await
                .unwrap();
            out.push((key, value.unwrap_or_default()));
        }
        out
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

struct Replicas {
    stand_in: StandIn,
    urls: [String; 2],
}

async fn replicas(redis: &RedisServer) -> Replicas {
    let stand_in = StandIn::start().await;
    let mut urls = Vec::new();
    for _ in 0..2 {
        let auth = common::auth_builder(&stand_in)
            .redis(redis.url.clone())
            .build()
            .unwrap();
        urls.push(serve(common::app(&auth, COOKIES)).await);
    }
    Replicas {
        stand_in,
        urls: [urls[0].clone(), urls[1].clone()],
    }
}

fn refresh(url: &str, secret: &str) -> reqwest::RequestBuilder {
    http()
        .post(format!("{url}/api/refresh"))
        .header("cookie", format!("{REFRESH}={secret}"))
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn twenty_refreshes_across_two_replicas_make_one_upstream_call() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let r = replicas(&redis).await;
    let session = r.stand_in.mint_session("ann");
    r.stand_in.inject(
        Endpoint::Refresh,
        Fault::Delay(Duration::from_millis(400)),
        1,
    );
    let requests: Vec<_> = (0..20)
        .map(|i| {
            let request = refresh(&r.urls[i % 2], &session.refresh_secret);
            tokio::spawn(async move {
                let response = request.send().await.unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                (
                    set_cookie(&response, JWT).value().to_owned(),
                    set_cookie(&response, REFRESH).value().to_owned(),
                )
            })
        })
        .collect();
    let mut sessions = Vec::new();
    for request in requests {
        sessions.push(request.await.unwrap());
    }
    assert!(
        sessions.iter().all(|s| *s == sessions[0]),
        "all twenty got the same new session"
    );
    assert_eq!(r.stand_in.count(Endpoint::Refresh), 1);

    // What Redis holds reveals neither the old nor the new secrets, nor the new JWT.
    let (new_jwt, new_secret) = &sessions[0];
    let stored = redis.dump().await;
    assert!(
        !stored.is_empty(),
        "the outcome is stored for the grace window"
    );
    for (key, value) in &stored {
        for secret in [session.refresh_secret.as_str(), new_secret, new_jwt] {
            assert!(
                !contains(key, secret) && !contains(value, secret),
                "a secret leaked into Redis"
            );
        }
    }
}

#[tokio::test]
async fn the_old_token_on_the_other_replica_gets_the_same_session() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let r = replicas(&redis).await;
    let session = r.stand_in.mint_session("ben");
    let first = refresh(&r.urls[0], &session.refresh_secret)
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let second = refresh(&r.urls[1], &session.refresh_secret)
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), StatusCode::OK);
    assert_eq!(
        set_cookie(&second, JWT).value(),
        set_cookie(&first, JWT).value()
    );
    assert_eq!(
        set_cookie(&second, REFRESH).value(),
        set_cookie(&first, REFRESH).value()
    );
    assert_eq!(
        r.stand_in.count(Endpoint::Refresh),
        1,
        "no second upstream call"
    );

    // Logging out on one replica ends the grace window on the other.
    let new_secret = set_cookie(&first, REFRESH).value().to_owned();
    let logout = http()
        .post(format!("{}/api/logout", r.urls[1]))
        .header("cookie", format!("{REFRESH}={new_secret}"))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::OK);
    let reuse = refresh(&r.urls[0], &session.refresh_secret)
        .send()
        .await
        .unwrap();
    assert_eq!(reuse.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn logout_with_an_old_token_on_another_replica_revokes_its_successor() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let r = replicas(&redis).await;
    let session = r.stand_in.mint_session("dot");
    let first = refresh(&r.urls[0], &session.refresh_secret)
        .send()
        .await
        .unwrap();
    let successor = set_cookie(&first, REFRESH).value().to_owned();
    let logout = http()
        .post(format!("{}/api/logout", r.urls[1]))
        .header("cookie", format!("{REFRESH}={}", session.refresh_secret))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::OK);
    let reuse = refresh(&r.urls[0], &successor).send().await.unwrap();
    assert_eq!(reuse.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn requests_keep_working_when_redis_stops() {
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    let r = replicas(&redis).await;
    let before = r.stand_in.mint_session("cy");
    assert_eq!(
        refresh(&r.urls[0], &before.refresh_secret)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    redis.stop();
    for url in &r.urls {
        let session = r.stand_in.mint_session("cy");
        let response = refresh(url, &session.refresh_secret).send().await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "in-process fallback on {url}"
        );
        assert_eq!(set_cookies(&response).len(), 2);
        // The in-process grace window takes over.
        let again = refresh(url, &session.refresh_secret).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::OK);
    }
    assert_eq!(r.stand_in.count(Endpoint::Refresh), 3);
}
