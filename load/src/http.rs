//! A minimal HTTP/1.1 client: one kept-alive connection per worker, and the requests the
//! benchmark sends.

use std::net::SocketAddr;

use bytes::Bytes;
use crossmint_auth_testkit::{MintedSession, StandIn};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{HeaderMap, HeaderValue, CONTENT_TYPE, HOST, SET_COOKIE};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// The stand-in's refresh endpoint.
pub const STAND_IN_REFRESH: &str = "/api/2024-09-26/session/sdk/auth/refresh";
/// The cookie names of the example (the defaults).
pub const JWT_COOKIE: &str = "crossmint-jwt";
/// See [`JWT_COOKIE`].
pub const REFRESH_COOKIE: &str = "crossmint-refresh-token";

/// One request kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `GET /health`.
    Health,
    /// `GET /api/me` with the JWT and refresh cookies.
    Me,
    /// `POST /api/refresh` with `{"refresh": secret}`; the worker's session rotates.
    Refresh,
    /// `POST` to the stand-in's refresh endpoint directly; the worker's session rotates.
    DirectRefresh,
    /// `POST /api/logout` with the cookies; the worker then gets a new session.
    Logout,
}

impl Op {
    /// Every op, in the order of [`Op::index`].
    pub const ALL: [Op; 5] = [
        Op::Health,
        Op::Me,
        Op::Refresh,
        Op::DirectRefresh,
        Op::Logout,
    ];

    /// A dense index, for per-op arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The request as printed.
    pub fn name(self) -> &'static str {
        match self {
            Op::Health => "GET /health",
            Op::Me => "GET /api/me",
            Op::Refresh => "POST /api/refresh",
            Op::DirectRefresh => "POST stand-in refresh",
            Op::Logout => "POST /api/logout",
        }
    }
}

/// Why a request did not count as a success.
#[derive(Debug)]
pub enum Failure {
    /// The connection failed: reconnect.
    Transport(String),
    /// An answer, but not the expected one.
    Answer(String),
}

/// A kept-alive HTTP/1.1 connection.
pub struct Connection {
    sender: SendRequest<Full<Bytes>>,
    host: HeaderValue,
}

impl Connection {
    /// Connects to `addr` (`TCP_NODELAY`, like browsers and load generators do).
    pub async fn open(addr: SocketAddr) -> Result<Connection, Failure> {
        let stream = TcpStream::connect(addr)
            .await
            .map_err(|e| Failure::Transport(format!("connect {addr}: {e}")))?;
        stream
            .set_nodelay(true)
            .map_err(|e| Failure::Transport(e.to_string()))?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| Failure::Transport(format!("handshake {addr}: {e}")))?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        let host = HeaderValue::from_str(&addr.to_string()).expect("an address is a valid host");
        Ok(Connection { sender, host })
    }

    /// Sends one request and reads the whole answer.
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        headers: &[(&'static str, String)],
        body: Option<String>,
    ) -> Result<(StatusCode, HeaderMap, Bytes), Failure> {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(HOST, self.host.clone());
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let body = match body {
            Some(body) => {
                request = request.header(CONTENT_TYPE, "application/json");
                Full::new(Bytes::from(body))
            }
            None => Full::new(Bytes::new()),
        };
        let request = request
            .body(body)
            .map_err(|e| Failure::Answer(format!("cannot build the request: {e}")))?;
        self.sender
            .ready()
            .await
            .map_err(|e| Failure::Transport(e.to_string()))?;
        let response = self
            .sender
            .send_request(request)
            .await
            .map_err(|e| Failure::Transport(e.to_string()))?;
        let (parts, body) = response.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|e| Failure::Transport(e.to_string()))?
            .to_bytes();
        Ok((parts.status, parts.headers, body))
    }
}

/// The session a worker holds, as a browser would.
#[derive(Debug, Clone)]
pub struct Session {
    /// The JWT cookie's value.
    pub jwt: String,
    /// The refresh cookie's value (single use).
    pub secret: String,
}

impl From<MintedSession> for Session {
    fn from(minted: MintedSession) -> Self {
        Session {
            jwt: minted.jwt,
            secret: minted.refresh_secret,
        }
    }
}

/// Mints a session at the stand-in off the async threads (it signs a JWT).
pub async fn mint(stand_in: &StandIn, user: String) -> Session {
    let stand_in = stand_in.clone();
    tokio::task::spawn_blocking(move || Session::from(stand_in.mint_session(&user)))
        .await
        .expect("minting a session does not panic")
}

/// Runs `op` once on `connection`, updating `session` when it rotates. `api_key` is the
/// stand-in's, for [`Op::DirectRefresh`]. After an [`Op::Logout`], `session` is spent: the
/// caller mints a new one.
pub async fn run(
    op: Op,
    connection: &mut Connection,
    session: &mut Session,
    api_key: &str,
) -> Result<(), Failure> {
    match op {
        Op::Health => {
            let (status, _, body) = connection.send(Method::GET, "/health", &[], None).await?;
            expect(status, StatusCode::OK, &body)
        }
        Op::Me => {
            let cookies = format!(
                "{JWT_COOKIE}={}; {REFRESH_COOKIE}={}",
                session.jwt, session.secret
            );
            let (status, headers, body) = connection
                .send(Method::GET, "/api/me", &[("cookie", cookies)], None)
                .await?;
            expect(status, StatusCode::OK, &body)?;
            // Should the JWT have been refreshed on the way, keep the new session.
            if let (Some(jwt), Some(secret)) = (
                set_cookie(&headers, JWT_COOKIE),
                set_cookie(&headers, REFRESH_COOKIE),
            ) {
                *session = Session { jwt, secret };
            }
            Ok(())
        }
        Op::Refresh => {
            let body = serde_json::json!({ "refresh": session.secret }).to_string();
            let (status, headers, body) = connection
                .send(Method::POST, "/api/refresh", &[], Some(body))
                .await?;
            expect(status, StatusCode::OK, &body)?;
            let (Some(jwt), Some(secret)) = (
                set_cookie(&headers, JWT_COOKIE),
                set_cookie(&headers, REFRESH_COOKIE),
            ) else {
                return Err(Failure::Answer("refresh: no session cookies".into()));
            };
            *session = Session { jwt, secret };
            Ok(())
        }
        Op::DirectRefresh => {
            let body = serde_json::json!({ "refresh": session.secret }).to_string();
            let (status, _, body) = connection
                .send(
                    Method::POST,
                    STAND_IN_REFRESH,
                    &[("x-api-key", api_key.to_owned())],
                    Some(body),
                )
                .await?;
            expect(status, StatusCode::OK, &body)?;
            let answer: serde_json::Value = serde_json::from_slice(&body)
                .map_err(|_| Failure::Answer("stand-in refresh: not JSON".into()))?;
            let (Some(jwt), Some(secret)) =
                (answer["jwt"].as_str(), answer["refresh"]["secret"].as_str())
            else {
                return Err(Failure::Answer("stand-in refresh: no jwt or secret".into()));
            };
            *session = Session {
                jwt: jwt.to_owned(),
                secret: secret.to_owned(),
            };
            Ok(())
        }
        Op::Logout => {
            let cookies = format!(
                "{JWT_COOKIE}={}; {REFRESH_COOKIE}={}",
                session.jwt, session.secret
            );
            let (status, _, body) = connection
                .send(Method::POST, "/api/logout", &[("cookie", cookies)], None)
                .await?;
            expect(status, StatusCode::OK, &body)
        }
    }
}

fn expect(status: StatusCode, expected: StatusCode, body: &[u8]) -> Result<(), Failure> {
    if status == expected {
        Ok(())
    } else {
        let body = String::from_utf8_lossy(&body[..body.len().min(200)]);
        Err(Failure::Answer(format!("status {status}: {body}")))
    }
}

/// The value a `Set-Cookie` header gives cookie `name`, if it sets a non-empty one.
pub fn set_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .find(|(n, v)| n.trim() == name && !v.is_empty())
        .map(|(_, v)| v.to_owned())
}
