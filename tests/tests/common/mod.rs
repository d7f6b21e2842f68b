//! Shared helpers: the stand-in provider, an app on 127.0.0.1:0, cookie parsing.
#![allow(dead_code)]

use std::net::SocketAddr;

use axum::Router;
use cookie::Cookie;
use crossmint_auth::{CookieConfig, CrossmintAuth};
use crossmint_auth_testkit::StandIn;

/// Serves `app` on 127.0.0.1:0 and returns its base URL.
pub async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// A client of the stand-in.
pub fn auth(stand_in: &StandIn) -> CrossmintAuth {
    auth_builder(stand_in).build().unwrap()
}

/// A builder pointed at the stand-in.
pub fn auth_builder(stand_in: &StandIn) -> crossmint_auth::Builder {
    CrossmintAuth::builder(stand_in.api_key()).base_url(stand_in.base_url())
}

/// An app with the refresh and logout routes mounted by hand.
pub fn app(auth: &CrossmintAuth, cookies: CookieConfig) -> Router {
    Router::new()
        .route("/api/refresh", auth.refresh_route(cookies))
        .route("/api/logout", auth.logout_route(cookies))
}

/// An HTTP client that keeps no cookies and follows no redirects.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Every `Set-Cookie` of a response, parsed.
pub fn set_cookies(response: &reqwest::Response) -> Vec<Cookie<'static>> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| Cookie::parse(v.to_str().unwrap().to_owned()).unwrap())
        .collect()
}

/// The `Set-Cookie` named `name`.
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Cookie<'static> {
    set_cookies(response)
        .into_iter()
        .find(|c| c.name() == name)
        .unwrap_or_else(|| panic!("no Set-Cookie named {name}"))
}

/// Asserts that `cookie` deletes a cookie: empty value, Max-Age=0, Expires in 1970.
pub fn assert_removal(cookie: &Cookie<'_>) {
    assert_eq!(cookie.value(), "", "{cookie}");
    assert_eq!(
        cookie.max_age(),
        Some(cookie::time::Duration::ZERO),
        "{cookie}"
    );
    assert_eq!(
        cookie.expires_datetime().map(|t| t.year()),
        Some(1970),
        "{cookie}"
    );
}
