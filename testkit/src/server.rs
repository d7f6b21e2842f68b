//! The HTTP side: an accept loop serving an axum router, one hyper connection per task.
//!
//! The accept loop is hand-written (rather than `axum::serve`) so that [`Fault::Drop`] can
//! close a connection without an answer: the request handler signals its connection task,
//! which then drops the connection (and with it the socket) instead of answering.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde::Deserialize;
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};

use crate::{Call, Endpoint, Fault, Shared};

const REFRESH_PATH: &str = "/api/2024-09-26/session/sdk/auth/refresh";
const LOGOUT_PATH: &str = "/api/2024-09-26/session/sdk/auth/logout";
const USER_PREFIX: &str = "/api/2024-09-26/sdk/auth/user/";
const JWKS_PATH: &str = "/.well-known/jwks.json";

/// Largest request body read; larger bodies get `413`.
const BODY_LIMIT: usize = 1 << 20;

/// Owns the accept loop; dropping it stops the server and aborts open connections.
pub(crate) struct ServerGuard {
    pub(crate) addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for ServerGuard {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Binds `127.0.0.1:0` and spawns the accept loop.
pub(crate) async fn start(shared: Arc<Shared>) -> ServerGuard {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("crossmint-auth-testkit: bind 127.0.0.1:0");
    let addr = listener
        .local_addr()
        .expect("crossmint-auth-testkit: local address of a bound listener");
    let task = tokio::spawn(accept_loop(listener, router(shared)));
    ServerGuard { addr, task }
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(REFRESH_PATH, post(refresh))
        .route(LOGOUT_PATH, post(logout))
        .route("/api/2024-09-26/sdk/auth/user/{id}", get(user))
        .route(JWKS_PATH, get(jwks))
        // `layer`, not `route_layer`: unmatched requests are recorded and key-checked too.
        .layer(middleware::from_fn_with_state(Arc::clone(&shared), gate))
        .with_state(shared)
}

async fn accept_loop(listener: TcpListener, router: Router) {
    // Dropping the set (when this task is aborted) aborts every connection task.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, router.clone()));
                }
                Err(error) => {
                    // E.g. out of file descriptors: back off instead of spinning.
                    tracing::warn!(%error, "crossmint-auth-testkit: accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Tells a connection task to close its connection without answering.
#[derive(Clone)]
struct DropConnection(Arc<Notify>);

async fn serve_connection(stream: TcpStream, router: Router) {
    let drop_signal = Arc::new(Notify::new());
    let signal = DropConnection(Arc::clone(&drop_signal));
    let service = hyper::service::service_fn(move |mut request: Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(signal.clone());
        tower::ServiceExt::oneshot(router.clone(), request)
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        result = connection => {
            if let Err(error) = result {
                tracing::debug!(%error, "crossmint-auth-testkit: connection error");
            }
        }
        // Dropping `connection` here closes the socket with no answer.
        () = drop_signal.notified() => {}
    }
}

fn classify(method: &axum::http::Method, path: &str) -> Option<Endpoint> {
    use axum::http::Method;
    match (method, path) {
        (&Method::POST, REFRESH_PATH) => Some(Endpoint::Refresh),
        (&Method::POST, LOGOUT_PATH) => Some(Endpoint::Logout),
        (&Method::GET, JWKS_PATH) => Some(Endpoint::Jwks),
        (&Method::GET, p)
            if p.strip_prefix(USER_PREFIX)
                .is_some_and(|id| !id.is_empty() && !id.contains('/')) =>
        {
            Some(Endpoint::User)
        }
        _ => None,
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// Records the call, applies a pending fault, checks the API key, then routes.
async fn gate(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(body) => body,
        Err(_) => return error(StatusCode::PAYLOAD_TOO_LARGE, "body too large"),
    };
    let call = Call {
        endpoint: classify(&parts.method, parts.uri.path()),
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
    };

    match shared.record(call) {
        None => {}
        Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
        Some(Fault::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return error(status, "injected fault");
        }
        Some(Fault::Body(raw)) => {
            return ([(header::CONTENT_TYPE, "application/json")], raw).into_response();
        }
        Some(Fault::Redirect(location)) => {
            return (StatusCode::FOUND, [(header::LOCATION, location)]).into_response();
        }
        Some(Fault::Drop) => {
            if let Some(DropConnection(signal)) = parts.extensions.get::<DropConnection>() {
                signal.notify_one();
                // The connection task drops this future together with the connection.
                std::future::pending::<()>().await;
            }
            return error(StatusCode::INTERNAL_SERVER_ERROR, "injected fault");
        }
    }

    let key_ok = parts
        .headers
        .get("x-api-key")
        .is_some_and(|key| key.as_bytes() == shared.options.api_key.as_bytes());
    if !key_ok {
        return error(StatusCode::UNAUTHORIZED, "invalid api key");
    }
    next.run(Request::from_parts(parts, Body::from(body))).await
}

#[derive(Deserialize)]
struct RefreshBody {
    refresh: String,
}

async fn refresh(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let Ok(RefreshBody { refresh }) = serde_json::from_slice(&body) else {
        return error(StatusCode::BAD_REQUEST, "invalid body");
    };
    let Some(session) = shared.rotate(&refresh) else {
        return error(StatusCode::UNAUTHORIZED, "invalid refresh token");
    };
    Json(json!({
        "jwt": session.jwt,
        "refresh": {
            "secret": session.refresh_secret,
            "expiresAt": session.refresh_expires_at,
        },
        "user": {
            "id": session.user_id,
            "email": email(&session.user_id),
        },
    }))
    .into_response()
}

async fn logout(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let Ok(RefreshBody { refresh }) = serde_json::from_slice(&body) else {
        return error(StatusCode::BAD_REQUEST, "invalid body");
    };
    shared.revoke(&refresh);
    Json(json!({})).into_response()
}

async fn user(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    if !shared.knows_user(&id) {
        return error(StatusCode::NOT_FOUND, "user not found");
    }
    Json(json!({ "id": id, "email": email(&id) })).into_response()
}

async fn jwks(State(shared): State<Arc<Shared>>) -> Response {
    Json(shared.jwks()).into_response()
}

fn email(user_id: &str) -> String {
    format!("{user_id}@example.com")
}
