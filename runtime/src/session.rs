//! The [`Session`] extractor and the [`SessionLayer`] it needs.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use axum::extract::{FromRequestParts, OptionalFromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::Response;
use time::OffsetDateTime;
use tower::{Layer, Service};

use crate::auth::CrossmintAuth;
use crate::client::Refreshed;
use crate::config::CookieConfig;
use crate::cookies;
use crate::error::AuthError;
use crate::handlers::{no_store, upstream_error};
use crate::jwt::{Claims, VerifyError};

/// A signed-in user, extracted from the session cookies.
///
/// When the JWT cookie verifies, no call is made. When it is missing, expired or invalid
/// and a refresh cookie is present, the session is refreshed through the provider (sharing
/// the refresh route's single flight) and the new cookies are set on the response. No
/// refresh cookie, or a token the provider rejects: `401`, cookies cleared. Provider
/// unavailable: `503`, cookies kept.
///
/// Needs the [`SessionLayer`]: `#[crossmint_auth]` adds it; without the macro add
/// [`CrossmintAuth::session_layer`] yourself. Use `Option<Session>` for pages that work
/// signed in or out.
///
/// ```
/// use crossmint_auth::Session;
///
/// async fn me(session: Session) -> axum::Json<serde_json::Value> {
///     axum::Json(serde_json::json!({ "userId": session.user_id }))
/// }
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct Session {
    /// The user id (the JWT's `sub`).
    pub user_id: String,
    /// The verified JWT.
    pub jwt: String,
    /// The JWT's claims.
    pub claims: Arc<Claims>,
    /// Whether the session was refreshed while extracting it.
    pub refreshed: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("user_id", &self.user_id)
            .field("jwt", &"<redacted>")
            .field("exp", &self.claims.exp)
            .field("refreshed", &self.refreshed)
            .finish()
    }
}

/// What the response must do to the cookies, decided by the extractor.
enum CookieChange {
    Store(Arc<Refreshed>),
    Clear,
}

#[derive(Clone)]
struct SessionContext {
    auth: CrossmintAuth,
    cookies: CookieConfig,
    request: Arc<PerRequest>,
}

/// What one request's extractions share with the layer (one allocation per request).
#[derive(Default)]
struct PerRequest {
    change: Mutex<Option<CookieChange>>,
    /// The first extraction's result: a second `Session` in the same request (a middleware
    /// and the handler, say) must not refresh the same single-use token again.
    resolved: tokio::sync::OnceCell<Result<Session, AuthError>>,
}

impl SessionContext {
    fn set_change(&self, change: CookieChange) {
        *self
            .request
            .change
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(change);
    }
}

/// The tower layer that lets [`Session`] read the configuration and set cookies on the
/// response.
#[derive(Clone)]
pub struct SessionLayer {
    auth: CrossmintAuth,
    cookies: CookieConfig,
}

impl std::fmt::Debug for SessionLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionLayer")
            .field("cookies", &self.cookies)
            .finish()
    }
}

impl CrossmintAuth {
    /// The layer [`Session`] needs, for routers built without `#[crossmint_auth]`:
    /// `router.layer(auth.session_layer(COOKIES))`.
    ///
    /// # Panics
    ///
    /// When `cookies` breaks a rule browsers enforce ([`CookieConfig::validate`]).
    pub fn session_layer(&self, cookies: CookieConfig) -> SessionLayer {
        crate::auth::expect_valid(&cookies);
        SessionLayer {
            auth: self.clone(),
            cookies,
        }
    }
}

impl<S> Layer<S> for SessionLayer {
    type Service = SessionService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        SessionService {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service of [`SessionLayer`].
#[derive(Clone)]
pub struct SessionService<S> {
    inner: S,
    layer: SessionLayer,
}

impl<S> std::fmt::Debug for SessionService<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionService").finish_non_exhaustive()
    }
}

impl<S> Service<Request> for SessionService<S>
where
    S: Service<Request, Response = Response> + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        let context = SessionContext {
            auth: self.layer.auth.clone(),
            cookies: self.layer.cookies,
            request: Arc::default(),
        };
        request.extensions_mut().insert(context.clone());
        let response = self.inner.call(request);
        Box::pin(async move {
            let mut response = response.await?;
            let change = context
                .request
                .change
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            match change {
                Some(CookieChange::Store(refreshed)) => {
                    let now = OffsetDateTime::now_utc();
                    let set = cookies::session_cookies(&context.cookies, &refreshed, now);
                    cookies::append(response.headers_mut(), &set);
                    response = no_store(response);
                }
                Some(CookieChange::Clear) => {
                    let clear = cookies::removal_cookies(&context.cookies);
                    cookies::append(response.headers_mut(), &clear);
                    response = no_store(response);
                }
                None => {}
            }
            Ok(response)
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Session {
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(context) = parts.extensions.get::<SessionContext>().cloned() else {
            tracing::error!(
                "`Session` used on a route without the session layer: annotate the router \
                 with #[crossmint_auth] or add `auth.session_layer(cookies)`"
            );
            return Err(AuthError::NotConfigured);
        };
        context
            .request
            .resolved
            .get_or_init(|| extract(&context, &parts.headers))
            .await
            .clone()
    }
}

/// Verifies the JWT cookie, or refreshes with the refresh cookie, recording the cookie change
/// the response must make.
async fn extract(context: &SessionContext, headers: &HeaderMap) -> Result<Session, AuthError> {
    let auth = &context.auth;
    let jwt = cookies::read(headers, context.cookies.jwt_cookie);
    if let Some(jwt) = jwt {
        match auth.verify_jwt(jwt).await {
            Ok(claims) => return Ok(session(jwt.to_owned(), claims, false)),
            // Without keys nothing can be judged: never spend a refresh token on it.
            Err(VerifyError::KeysUnavailable) => return Err(AuthError::ProviderUnavailable),
            Err(_) => {}
        }
    }
    let Some(secret) = cookies::read(headers, context.cookies.refresh_cookie) else {
        if jwt.is_some() {
            context.set_change(CookieChange::Clear);
        }
        return Err(AuthError::NotSignedIn);
    };
    let refreshed = match auth.refresh(secret).await {
        Ok(refreshed) => refreshed,
        Err(error) => {
            let error = upstream_error(error);
            if error.ends_session() {
                context.set_change(CookieChange::Clear);
            }
            return Err(error);
        }
    };
    // The rotation happened: store it whatever comes next, or it is lost.
    context.set_change(CookieChange::Store(refreshed.clone()));
    match auth.verify_jwt(&refreshed.jwt).await {
        Ok(claims) => Ok(session(refreshed.jwt.clone(), claims, true)),
        Err(error) => {
            tracing::warn!(%error, "the provider's fresh JWT did not verify");
            Err(AuthError::ProviderUnavailable)
        }
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for Session {
    type Rejection = AuthError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        match <Session as FromRequestParts<S>>::from_request_parts(parts, state).await {
            Ok(session) => Ok(Some(session)),
            Err(error) if error.ends_session() => Ok(None),
            Err(error) => Err(error),
        }
    }
}

fn session(jwt: String, claims: Arc<Claims>, refreshed: bool) -> Session {
    Session {
        user_id: claims.sub.clone(),
        jwt,
        claims,
        refreshed,
    }
}
