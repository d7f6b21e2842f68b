//! The example app over real HTTP on 127.0.0.1, on the in-process stand-in: the demo
//! sign-in, `/api/me`, `/health`.

use crossmint_auth::CrossmintAuth;
use crossmint_auth_testkit::StandIn;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn serve(demo: bool) -> (String, StandIn) {
    let stand_in = StandIn::start().await;
    let auth = CrossmintAuth::builder(stand_in.api_key())
        .base_url(stand_in.base_url())
        .project_id(stand_in.project_id())
        .build()
        .unwrap();
    let app = example_app::app(auth, demo.then(|| stand_in.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, stand_in)
}

#[tokio::test]
async fn demo_sign_in_then_api_me() {
    let (url, _stand_in) = serve(true).await;
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    assert_eq!(
        http.get(format!("{url}/health"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "ok"
    );
    assert_eq!(
        http.get(format!("{url}/api/me"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let page = http.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("crossmint-auth example"));

    let ticket: Value = http
        .post(format!("{url}/demo/sign-in"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let signed_in = http
        .post(format!("{url}/api/refresh"))
        .json(&json!({ "refresh": ticket["refresh"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::OK);
    let jwt = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| cookie::Cookie::parse(v.to_str().unwrap().to_owned()).unwrap())
        .find(|c| c.name() == "crossmint-jwt")
        .unwrap();
    let me: Value = http
        .get(format!("{url}/api/me"))
        .header("cookie", format!("crossmint-jwt={}", jwt.value()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me, json!({ "userId": "demo-user" }));
}

#[tokio::test]
async fn with_a_real_key_there_is_no_demo_route() {
    let (url, _stand_in) = serve(false).await;
    let response = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("{url}/demo/sign-in"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
