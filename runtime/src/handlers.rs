//! The refresh and logout handlers. Thin: CSRF check, read the token, call the shared
//! refresh, turn the outcome into a response with cookies.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::auth::CrossmintAuth;
use crate::client::{Refreshed, UpstreamError};
use crate::config::CookieConfig;
use crate::cookies;
use crate::csrf;
use crate::error::AuthError;

pub(crate) async fn refresh(
    auth: &CrossmintAuth,
    config: &CookieConfig,
    request: Request,
) -> Response {
    match run_refresh(auth, config, request).await {
        Ok(refreshed) => refreshed_response(config, &refreshed),
        Err(error) => error_response(config, error),
    }
}

async fn run_refresh(
    auth: &CrossmintAuth,
    config: &CookieConfig,
    request: Request,
) -> Result<std::sync::Arc<Refreshed>, AuthError> {
    refuse_cross_site(auth, config, &request)?;
    let (parts, body) = request.into_parts();
    let from_body = body_token(&parts.headers, body, auth.inner.options.body_limit).await?;
    let token = match from_body {
        Some(token) => token,
        None => cookies::read(&parts.headers, config.refresh_cookie)
            .ok_or(AuthError::MissingToken)?
            .to_owned(),
    };
    auth.refresh(&token).await.map_err(upstream_error)
}

/// Both routes act on cookies: cross-site requests are refused before anything else.
fn refuse_cross_site(
    auth: &CrossmintAuth,
    config: &CookieConfig,
    request: &Request,
) -> Result<(), AuthError> {
    csrf::check(
        request.headers(),
        request.uri(),
        &auth.inner.options.allowed_origins,
        config.secure,
    )
}

/// Maps a failed refresh to the answer: a token the provider rejected ends the session,
/// an unavailable provider changes nothing.
pub(crate) fn upstream_error(error: UpstreamError) -> AuthError {
    match error {
        UpstreamError::Rejected { status } => {
            tracing::info!(
                status,
                "the provider rejected a refresh token; the session ends"
            );
            AuthError::TokenRejected
        }
        UpstreamError::Unavailable(reason) => {
            tracing::warn!(%reason, "refresh failed: the provider is unavailable; cookies kept");
            AuthError::ProviderUnavailable
        }
        other => {
            tracing::warn!(error = %other, "refresh failed; cookies kept");
            AuthError::ProviderUnavailable
        }
    }
}

/// The refresh token from a JSON body `{"refresh": "…"}`. An empty body, `{}` and
/// `"refresh": null` mean "use the cookie".
async fn body_token(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Option<String>, AuthError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|len| len.to_str().ok())
        .and_then(|len| len.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(AuthError::PayloadTooLarge { limit });
    }
    let bytes = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.is::<LengthLimitError>() => {
            return Err(AuthError::PayloadTooLarge { limit })
        }
        Err(_) => return Err(AuthError::BadRequest("the request body could not be read")),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| {
        AuthError::BadRequest(
            "the body is not JSON: send `{\"refresh\": \"<token>\"}`, `{}` or no body",
        )
    })?;
    let serde_json::Value::Object(mut object) = value else {
        return Err(AuthError::BadRequest(
            "the body must be a JSON object such as `{\"refresh\": \"<token>\"}`",
        ));
    };
    match object.remove("refresh") {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(token)) if token.is_empty() => Err(AuthError::BadRequest(
            "`refresh` is empty: send the refresh token, or omit `refresh` to use the cookie",
        )),
        Some(serde_json::Value::String(token)) => Ok(Some(token)),
        Some(_) => Err(AuthError::BadRequest("`refresh` must be a string")),
    }
}

fn refreshed_response(config: &CookieConfig, refreshed: &Refreshed) -> Response {
    let now = OffsetDateTime::now_utc();
    // With an HttpOnly refresh cookie the secret must not reach page scripts at all.
    let secret = if config.http_only {
        ""
    } else {
        refreshed.refresh_secret.as_str()
    };
    let expires_at = refreshed
        .expires_at
        .and_then(|at| at.format(&Rfc3339).ok())
        .unwrap_or_else(|| refreshed.expires_at_raw.clone());
    let body = serde_json::json!({
        "jwt": refreshed.jwt,
        "refreshToken": { "secret": secret, "expiresAt": expires_at },
        "user": refreshed.user,
    });
    let mut response = axum::Json(body).into_response();
    cookies::append(
        response.headers_mut(),
        &cookies::session_cookies(config, refreshed, now),
    );
    no_store(response)
}

/// An error answer; when it ends the session, both cookies are cleared.
pub(crate) fn error_response(config: &CookieConfig, error: AuthError) -> Response {
    let ends_session = error.ends_session();
    let mut response = error.into_response();
    if ends_session {
        cookies::append(response.headers_mut(), &cookies::removal_cookies(config));
    }
    response
}

pub(crate) async fn logout(
    auth: &CrossmintAuth,
    config: &CookieConfig,
    request: Request,
) -> Response {
    if let Err(error) = refuse_cross_site(auth, config, &request) {
        return error.into_response();
    }
    if let Some(secret) = cookies::read(request.headers(), config.refresh_cookie) {
        // A refresh of this very token (another tab, just now) handed out a successor:
        // that one is revoked too, or the session would outlive the logout.
        let successor = auth.inner.coordinator.forget(secret).await;
        for secret in std::iter::once(secret).chain(successor.as_deref()) {
            if let Err(error) = auth.client().logout(secret).await {
                tracing::warn!(%error, "upstream logout failed; cookies are cleared anyway");
            }
        }
    }
    let mut response = (StatusCode::OK, axum::Json(serde_json::json!({}))).into_response();
    cookies::append(response.headers_mut(), &cookies::removal_cookies(config));
    no_store(response)
}

pub(crate) fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
