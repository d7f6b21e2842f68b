//! The seam through which refreshes are coordinated: single flight and grace window.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::client::{ApiClient, Refreshed, UpstreamError};
use crate::flight::Flights;

/// A boxed, sendable future, as returned by [`RefreshCoordinator`]'s methods.
pub type CoordinatorFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Coordinates refreshes of single-use tokens among everyone who may hold the same token.
///
/// The refresh route and the [`Session`](crate::Session) extractor go through it. The default,
/// [`InProcess`], coordinates the tasks of one process; with the `redis` feature,
/// `RedisCoordinator` coordinates several replicas.
pub trait RefreshCoordinator: Send + Sync + 'static {
    /// Refreshes `token` through `client`, so that concurrent callers with the same token
    /// share one upstream call, and a caller presenting the token again within the grace
    /// window gets the same outcome without an upstream call.
    fn refresh<'a>(
        &'a self,
        client: &'a ApiClient,
        token: &'a str,
    ) -> CoordinatorFuture<'a, Result<Arc<Refreshed>, UpstreamError>>;

    /// Forgets every remembered outcome that hands out `secret` or was made from it (it is
    /// being logged out). Returns the secret that a refresh of `secret` handed out, if one
    /// did (waiting for a refresh in progress), so that it is revoked too.
    fn forget<'a>(&'a self, secret: &'a str) -> CoordinatorFuture<'a, Option<String>>;
}

/// In-process coordination: single flight per token and a bounded grace window, keyed by
/// SHA-256 of the token. The default.
pub struct InProcess {
    flights: Flights,
}

impl fmt::Debug for InProcess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InProcess").finish_non_exhaustive()
    }
}

impl InProcess {
    /// Remembers a successful rotation for `grace_window` (zero disables it), at most
    /// `capacity` of them.
    pub fn new(grace_window: Duration, capacity: usize) -> InProcess {
        InProcess {
            flights: Flights::new(grace_window, capacity),
        }
    }
}

impl RefreshCoordinator for InProcess {
    fn refresh<'a>(
        &'a self,
        client: &'a ApiClient,
        token: &'a str,
    ) -> CoordinatorFuture<'a, Result<Arc<Refreshed>, UpstreamError>> {
        let client = client.clone();
        Box::pin(self.flights.refresh(token, move |token| async move {
            client.refresh(&token).await.map(Arc::new)
        }))
    }

    fn forget<'a>(&'a self, secret: &'a str) -> CoordinatorFuture<'a, Option<String>> {
        Box::pin(self.flights.forget(secret))
    }
}
