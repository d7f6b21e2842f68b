//! Micro-benchmarks of the per-request work: reading the auth cookies, writing the two
//! `Set-Cookie`s, verifying a JWT cold (full RS256) and warm (verified-token cache), and the
//! runtime check of a cookie configuration.
//!
//! `cargo bench -p crossmint-auth`

use std::hint::black_box;

use axum::http::{header, HeaderMap, HeaderValue};
use criterion::{criterion_group, criterion_main, Criterion};
use crossmint_auth::{cookies, CookieConfig, CrossmintAuth, Refreshed, SameSite};
use crossmint_auth_testkit::StandIn;

fn cookie_header(jwt: &str) -> HeaderMap {
    // A realistic header: analytics and preference cookies around the two we want.
    let header = format!(
        "_ga=GA1.1.1234567890.1700000000; _gid=GA1.1.987654321.1700000000; theme=dark; \
         locale=en-US; consent=analytics%3Dtrue%2Cads%3Dfalse; crossmint-jwt={jwt}; \
         csrftoken=0f1e2d3c4b5a69788796a5b4c3d2e1f0; sidebar=collapsed; \
         crossmint-refresh-token=8f0c2b6e3a1d4f5e9c7b0a1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f; \
         _hjSession=eyJpZCI6IjEyMyJ9"
    );
    let mut headers = HeaderMap::new();
    headers.insert(header::COOKIE, HeaderValue::from_str(&header).unwrap());
    headers
}

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let stand_in = runtime.block_on(StandIn::start());
    let session = stand_in.mint_session("bench-user");
    let build = |capacity| {
        CrossmintAuth::builder(stand_in.api_key())
            .base_url(stand_in.base_url())
            .project_id(stand_in.project_id())
            .verified_cache_capacity(capacity)
            .build()
            .unwrap()
    };
    let cold = build(0);
    let warm = build(10_000);
    // Fetch the key set once, so both measure verification, not the network.
    runtime.block_on(cold.verify_jwt(&session.jwt)).unwrap();
    runtime.block_on(warm.verify_jwt(&session.jwt)).unwrap();

    let headers = cookie_header(&session.jwt);
    c.bench_function("read both auth cookies from a 10-cookie header", |b| {
        b.iter(|| {
            let headers = black_box(&headers);
            (
                cookies::read(headers, "crossmint-jwt"),
                cookies::read(headers, "crossmint-refresh-token"),
            )
        })
    });

    let refreshed = Refreshed {
        jwt: session.jwt.clone(),
        refresh_secret: session.refresh_secret.clone(),
        expires_at_raw: session.refresh_expires_at.clone(),
        expires_at: Some(time::OffsetDateTime::now_utc() + time::Duration::days(7)),
        user: serde_json::json!({"id": "bench-user"}),
    };
    const CONFIG: CookieConfig = CookieConfig::new().same_site(SameSite::Strict);
    c.bench_function("write the two Set-Cookie headers", |b| {
        b.iter(|| {
            let now = time::OffsetDateTime::now_utc();
            let [jwt, refresh] =
                cookies::session_cookies(black_box(&CONFIG), black_box(&refreshed), now);
            (jwt.to_string(), refresh.to_string())
        })
    });

    c.bench_function("verify_jwt cold (RS256)", |b| {
        b.to_async(&runtime)
            .iter(|| cold.verify_jwt(black_box(&session.jwt)))
    });
    c.bench_function("verify_jwt warm (verified-token cache)", |b| {
        b.to_async(&runtime)
            .iter(|| warm.verify_jwt(black_box(&session.jwt)))
    });

    const FULL: CookieConfig = CookieConfig::new()
        .same_site(SameSite::None)
        .domain("app.example.co.uk")
        .path("/api")
        .partitioned(true);
    c.bench_function("CookieConfig::validate_with_routes", |b| {
        b.iter(|| black_box(&FULL).validate_with_routes("/api/refresh", Some("/api/logout")))
    });
}

criterion_group!(auth, benches);
criterion_main!(auth);
