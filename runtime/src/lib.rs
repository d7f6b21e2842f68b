//! Crossmint server-side authentication for [axum](https://docs.rs/axum).
//!
//! Put `#[crossmint_auth]` on the function that builds your router: it mounts the refresh
//! and logout routes the Crossmint browser SDK calls, writes the session into cookies (the
//! refresh token `HttpOnly`), and rejects cookie settings browsers would refuse **at compile
//! time**. Everything the attribute generates is also available as plain functions on
//! [`CrossmintAuth`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod auth;
mod client;
mod config;
pub mod cookies;
mod coordinator;
mod csrf;
mod error;
mod flight;
mod handlers;
mod jwks;
mod jwt;
mod key;
#[cfg(feature = "redis")]
mod redis;
mod session;

pub use auth::{Builder, CrossmintAuth, API_KEY_VARIABLE, BASE_URL_VARIABLE, PROJECT_ID_VARIABLE};
pub use client::{ApiClient, ClientLimits, Refreshed, Unavailable, UpstreamError};
pub use config::{CookieConfig, SameSite};
pub use coordinator::{CoordinatorFuture, InProcess, RefreshCoordinator};
/// Adds Crossmint's refresh and logout routes, and the [`Session`] layer, to the
/// `axum::Router` a function builds, with a cookie configuration checked at compile time.
///
/// ```rust,no_run
/// use crossmint_auth::{crossmint_auth, Session};
///
/// async fn me(session: Session) -> String {
///     session.user_id
/// }
///
/// #[crossmint_auth(refresh = "/api/refresh", logout = "/api/logout", same_site = "Strict")]
/// fn app() -> axum::Router {
///     axum::Router::new().route("/api/me", axum::routing::get(me))
/// }
///
/// #[tokio::main]
/// async fn main() {
///     // Reads CROSSMINT_SERVER_API_KEY (and CROSSMINT_BASE_URL, if set) here, once.
///     let app = app();
///     let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await.unwrap();
///     axum::serve(listener, app).await.unwrap();
/// }
/// ```
///
/// # Arguments
///
/// | argument | type | default | rule |
/// | --- | --- | --- | --- |
/// | `refresh` | route, string | required | starts with `/`; no whitespace, `?`, `#` or capture (`{id}`, `*rest`, `:id`) |
/// | `logout` | route, string | required while `http_only` is true | as `refresh`, and different from it |
/// | `same_site` | `"Strict"`, `"Lax"` or `"None"` | `"Lax"` | `"None"` needs `secure` |
/// | `secure` | bool | `true` | |
/// | `http_only` | bool, the refresh cookie only | `true` | needs `logout` (only the server can clear an `HttpOnly` cookie) |
/// | `domain` | host name, string | none (host-only cookies) | no scheme, port, path or whitespace; valid labels; not an IP address, a single label or a public suffix |
/// | `path` | cookie `Path`, string | `"/"` | starts with `/`; no `;` or control characters; covers both routes |
/// | `jwt_cookie` | cookie name | `"crossmint-jwt"` | RFC 6265 token; different from `refresh_cookie` |
/// | `refresh_cookie` | cookie name | `"crossmint-refresh-token"` | RFC 6265 token |
/// | `partitioned` | bool | `false` | needs `secure` |
///
/// A `__Secure-` cookie name needs `secure`; a `__Host-` one needs `secure`, no `domain` and
/// `path = "/"`. Browsers match these prefixes case-insensitively, so they must be spelled
/// exactly `__Secure-` and `__Host-`. Values are literals (`"..."`, `true`), not constants.
///
/// Every broken rule is a compile error on the offending argument, all reported in one
/// compile. The classic mistake, a cross-site cookie over plain HTTP:
///
/// ```compile_fail
/// use crossmint_auth::crossmint_auth;
///
/// // error: `SameSite=None` cookies are rejected by browsers unless they are `Secure`:
/// //        set `secure = true` or choose `same_site = "Lax"`
/// #[crossmint_auth(
///     refresh = "/api/refresh",
///     logout = "/api/logout",
///     same_site = "None",
///     secure = false,
/// )]
/// fn app() -> axum::Router {
///     axum::Router::new()
/// }
/// # fn main() {}
/// ```
///
/// # The function
///
/// The function keeps its name, visibility, attributes, generics, parameters and
/// `async`-ness; it may return `Router` or `Router<S>` (call `.with_state` on the result).
/// The routes are added to whatever router the body returns, early `return`s included.
///
/// The routes use the function's [`CrossmintAuth`] (or `&CrossmintAuth`) parameter when it
/// has one, e.g. a client pointed elsewhere or with other limits:
///
/// ```rust,no_run
/// use axum::Router;
/// use crossmint_auth::{crossmint_auth, CrossmintAuth};
///
/// #[derive(Clone)]
/// struct AppState {
///     greeting: &'static str,
/// }
///
/// #[crossmint_auth(refresh = "/auth/refresh", logout = "/auth/logout", path = "/auth")]
/// async fn routes(auth: &CrossmintAuth) -> Router<AppState> {
///     Router::new()
/// }
///
/// # async fn run() -> Result<(), crossmint_auth::ConfigError> {
/// let auth = CrossmintAuth::builder("sk_production_...").build()?;
/// let app: Router = routes(&auth).await.with_state(AppState { greeting: "hello" });
/// # Ok(()) }
/// ```
///
/// Without one, a client is built from `CROSSMINT_SERVER_API_KEY` (and the optional
/// `CROSSMINT_BASE_URL`) each time the function runs: a missing or malformed variable
/// panics there, with a message naming it, never at the first request.
///
/// The same routes can be mounted without the macro: [`CrossmintAuth::refresh_route`],
/// [`CrossmintAuth::logout_route`] and [`CrossmintAuth::session_layer`] with a
/// [`CookieConfig`] (check it with [`CookieConfig::validate_with_routes`]).
pub use crossmint_auth_macros::crossmint_auth;
pub use error::{AuthError, ConfigError};
pub use jwt::{Claims, VerifyError, MAX_JWT_BYTES};
pub use key::{ApiKey, Environment};
#[cfg(feature = "redis")]
pub use redis::{RedisCoordinator, REDIS_URL_VARIABLE};
pub use session::{Session, SessionLayer, SessionService};

/// Items the code generated by `#[crossmint_auth]` refers to. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use ::axum;

    use crate::{CookieConfig, CrossmintAuth};

    /// The client of an annotated router without a `CrossmintAuth` parameter: built once
    /// from the environment, failing loudly when the router is built, not at a request.
    pub fn client_from_env() -> CrossmintAuth {
        match CrossmintAuth::from_env() {
            Ok(auth) => auth,
            Err(error) => panic!("#[crossmint_auth]: {error}"),
        }
    }

    /// What an annotated function may return: `axum::Router<S>`. Anything else is one clear
    /// error on the function's return type.
    #[diagnostic::on_unimplemented(
        message = "`#[crossmint_auth]` goes on a function returning `axum::Router`, not `{Self}`",
        label = "return `axum::Router` (or `axum::Router<S>` with state) here"
    )]
    pub trait AnnotatedRouter<S>: Sized {
        /// The router.
        fn into_router(self) -> axum::Router<S>;
        /// Back to the function's return type.
        fn from_router(router: axum::Router<S>) -> Self;
    }

    impl<S> AnnotatedRouter<S> for axum::Router<S> {
        fn into_router(self) -> axum::Router<S> {
            self
        }

        fn from_router(router: axum::Router<S>) -> Self {
            router
        }
    }

    /// Adds the refresh and logout routes to the router the annotated function built, and
    /// the session layer to all of its routes.
    pub fn mount<R, S>(
        router: R,
        auth: &CrossmintAuth,
        cookies: CookieConfig,
        refresh: &'static str,
        logout: Option<&'static str>,
    ) -> R
    where
        R: AnnotatedRouter<S>,
        S: Clone + Send + Sync + 'static,
    {
        let router = router
            .into_router()
            .route(refresh, auth.refresh_route(cookies));
        let router = match logout {
            Some(logout) => router.route(logout, auth.logout_route(cookies)),
            None => router,
        };
        R::from_router(router.layer(auth.session_layer(cookies)))
    }
}
