//! The [`App`]: paths → consumers, the channel layer, authentication, origins and limits;
//! served on warp as a filter, or entered in process with [`App::connect_local`].

use super::handshake::{Handshake, Shared};
use super::origin::OriginPolicy;
use super::serve::{
    serve_with_limit, ConnectionLimit, CountedIn, PeerAddr, DEFAULT_HANDSHAKE_TIMEOUT,
};
use crate::auth::{Authenticator, Scope};
use crate::contract::Manifest;
use crate::dispatch::{
    ConnectionSetup, Consumer, Endpoint, LocalConnection, Mount, Multiplexer, RouteInfo,
};
use crate::error::HandshakeError;
use crate::groups::{ChannelLayer, InMemoryChannelLayer};
use crate::session::{Limits, Metrics};
use hyper::upgrade::OnUpgrade;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;
use warp::filters::BoxedFilter;
use warp::http::Response;
use warp::Filter;

/// Where [`App::serve_manifest`] serves the manifest.
const MANIFEST_PATH: &str = "/manifest.json";
/// Where [`App::serve_asyncapi`] serves the AsyncAPI document.
const ASYNCAPI_PATH: &str = "/asyncapi.json";

/// A WebSocket API: consumers mounted at paths, the channel layer, authentication and limits.
///
/// ```no_run
/// chanrest::consumer! {
///     pub consumer Calc: CalcHandler {
///         action add(AddArgs { a: i64, b: i64 }) -> i64;
///     }
/// }
/// struct Impl;
/// impl CalcHandler for Impl {
///     async fn add(&self, _ctx: &chanrest::Ctx, args: AddArgs) -> chanrest::Result<i64> {
///         Ok(args.a + args.b)
///     }
/// }
/// # async fn run() -> std::io::Result<()> {
/// let app = chanrest::App::new().consumer("/ws/calc/", Calc(Impl));
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
/// app.serve(listener).await;
/// # Ok(()) }
/// ```
pub struct App {
    routes: HashMap<String, Arc<Endpoint>>,
    order: Vec<String>,
    layer: Arc<dyn ChannelLayer>,
    authenticator: Option<Arc<dyn Authenticator>>,
    limits: Limits,
    origins: OriginPolicy,
    metrics: Arc<Metrics>,
    going_away: Arc<watch::Sender<Option<tokio::time::Instant>>>,
    /// One slot per open connection, `limits.max_connections` in all.
    connections: ConnectionLimit,
    metrics_path: Option<String>,
    /// Documents served over HTTP GET: (path, JSON).
    documents: Vec<(&'static str, bytes::Bytes)>,
}

impl Default for App {
    fn default() -> Self {
        App {
            routes: HashMap::new(),
            order: Vec::new(),
            layer: Arc::new(InMemoryChannelLayer::new()),
            authenticator: None,
            limits: Limits::default(),
            origins: OriginPolicy::SameHost,
            metrics: Arc::new(Metrics::default()),
            going_away: Arc::new(watch::channel(None).0),
            connections: ConnectionLimit::new(Limits::default().max_connections),
            metrics_path: None,
            documents: Vec::new(),
        }
    }
}

impl App {
    /// An app with no routes, the in-memory channel layer, no authentication and default limits.
    pub fn new() -> Self {
        Self::default()
    }

    fn mount(mut self, path: &str, endpoint: Endpoint) -> Self {
        assert!(
            path.starts_with('/'),
            "chanrest: a path must start with '/': {path:?}"
        );
        if self
            .routes
            .insert(path.to_owned(), Arc::new(endpoint))
            .is_none()
        {
            self.order.push(path.to_owned());
        }
        self
    }

    /// Serves `consumer` at `path` (exact match, e.g. `/ws/plain/`).
    pub fn consumer(self, path: &str, consumer: impl Consumer) -> Self {
        self.mount(path, Endpoint::Consumer(Mount::new(Arc::new(consumer))))
    }

    /// Serves a multiplexer at `path`.
    pub fn multiplexer(self, path: &str, multiplexer: Multiplexer) -> Self {
        self.mount(path, Endpoint::Multiplexer(multiplexer.streams))
    }

    /// Uses `layer` for groups (default: [`InMemoryChannelLayer`]).
    pub fn channel_layer(mut self, layer: Arc<dyn ChannelLayer>) -> Self {
        self.layer = layer;
        self
    }

    /// The channel layer, to send to groups from outside any consumer.
    pub fn layer(&self) -> Arc<dyn ChannelLayer> {
        self.layer.clone()
    }

    /// Authenticates every handshake with `authenticator` (default: everyone is anonymous).
    pub fn authenticator(mut self, authenticator: impl Authenticator) -> Self {
        self.authenticator = Some(Arc::new(authenticator));
        self
    }

    /// Accepts browser handshakes from these origins too, besides pages of the host the
    /// request was sent to (the default, which refuses every other `Origin` with HTTP 403
    /// before any consumer code runs): exact origins (`https://app.example.com`) or subdomain
    /// patterns (`https://*.example.com`). Handshakes without an `Origin` header (clients
    /// that are not browsers) are accepted either way.
    pub fn allowed_origins<S: Into<String>>(
        mut self,
        origins: impl IntoIterator<Item = S>,
    ) -> Self {
        self.origins = OriginPolicy::List(origins.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the origin policy ([`OriginPolicy::Any`] accepts every origin: only for apps that
    /// authenticate no browser with cookies).
    pub fn origin_policy(mut self, policy: OriginPolicy) -> Self {
        self.origins = policy;
        self
    }

    /// Serves the app's live counts at `path` (e.g. `/metrics`) in the Prometheus /
    /// OpenMetrics text format: connections, consumer instances, detached tasks, group
    /// memberships, bytes queued for sockets, frames received, replies by status, pushes,
    /// slow-consumer and ping-timeout closes, and whether the channel layer reaches its
    /// backend. Off by default: the counts say how busy the server is, so expose the path
    /// only where the scraper can reach it.
    pub fn serve_metrics(mut self, path: &str) -> Self {
        assert!(
            path.starts_with('/'),
            "chanrest: a path must start with '/': {path:?}"
        );
        self.metrics_path = Some(path.to_owned());
        self
    }

    /// A handle that shuts this app's connections down gracefully (take it before
    /// [`App::filter`] or [`App::serve`] consume the app).
    pub fn shutdown_handle(&self) -> Shutdown {
        Shutdown {
            going_away: self.going_away.clone(),
            metrics: self.metrics.clone(),
        }
    }

    /// Live counts of this app's connections.
    pub fn metrics(&self) -> Arc<Metrics> {
        self.metrics.clone()
    }

    /// Sets the resource limits.
    ///
    /// # Panics
    ///
    /// When [`Limits::validate`] refuses them (a zero ping interval, say): a server that
    /// cannot work should not start.
    pub fn limits(mut self, limits: Limits) -> Self {
        if let Err(problem) = limits.validate() {
            panic!("invalid chanrest::Limits: {problem}");
        }
        self.connections.resize(limits.max_connections);
        self.limits = limits;
        self
    }

    /// The app's bound on open connections, `Limits::max_connections` (before or after
    /// [`App::limits`]: the handle follows the app's limits). Served with it
    /// ([`crate::serve_with_limit`], or [`App::serve`]), every TCP connection counts, plain HTTP
    /// ones and those still in their handshake included, so clients that open connections and
    /// send nothing cannot exceed it either; a WebSocket is not counted twice.
    pub fn connection_limit(&self) -> ConnectionLimit {
        self.connections.clone()
    }

    /// Serves the API's manifest at `GET /manifest.json`, so a running server describes itself
    /// (`chanrest-codegen --manifest http://HOST:PORT/manifest.json` generates its clients):
    /// usually [`include_manifest!`](crate::include_manifest), what the build script wrote with
    /// [`build::write_manifest`](crate::build::write_manifest). Off unless called. When
    /// [`App::filter`] builds the routes, a path mounted here but missing from the manifest (or
    /// the other way round) is logged as a warning: the clients would not match the server.
    ///
    /// # Panics
    ///
    /// When `manifest` is not a chanrest manifest: a server should not describe itself wrongly.
    pub fn serve_manifest(mut self, manifest: impl Into<String>) -> Self {
        let manifest = manifest.into();
        if let Err(err) = serde_json::from_str::<Manifest>(&manifest) {
            panic!("App::serve_manifest: not a chanrest manifest: {err}");
        }
        self.document(MANIFEST_PATH, manifest);
        self
    }

    /// Serves an AsyncAPI document of the API at `GET /asyncapi.json` (`chanrest-codegen
    /// --asyncapi DIR` writes one from the manifest). Off unless called.
    ///
    /// # Panics
    ///
    /// When `document` is not JSON.
    pub fn serve_asyncapi(mut self, document: impl Into<String>) -> Self {
        let document = document.into();
        if let Err(err) = serde_json::from_str::<serde_json::Value>(&document) {
            panic!("App::serve_asyncapi: not JSON: {err}");
        }
        self.document(ASYNCAPI_PATH, document);
        self
    }

    fn document(&mut self, path: &'static str, json: String) {
        self.documents.retain(|(at, _)| *at != path);
        self.documents.push((path, bytes::Bytes::from(json)));
    }

    /// Warns about paths mounted here and missing from the served manifest, and the other
    /// way round.
    fn check_manifest(&self) {
        let Some((_, json)) = self.documents.iter().find(|(at, _)| *at == MANIFEST_PATH) else {
            return;
        };
        let Ok(manifest) = serde_json::from_slice::<Manifest>(json) else {
            return; // checked by serve_manifest
        };
        let described: Vec<&str> = manifest
            .consumers
            .iter()
            .filter_map(|c| c.path.as_deref())
            .chain(manifest.multiplexers.iter().map(|m| m.path.as_str()))
            .collect();
        for path in &self.order {
            if !described.contains(&path.as_str()) {
                tracing::warn!(path, "chanrest: {path} is served but not in the manifest");
            }
        }
        for path in described {
            if !self.routes.contains_key(path) {
                tracing::warn!(path, "chanrest: {path} is in the manifest but not served");
            }
        }
    }

    /// The mounted paths and what each serves, in mounting order (compare with a manifest).
    pub fn routes(&self) -> Vec<(String, RouteInfo)> {
        self.order
            .iter()
            .map(|path| {
                let info = match &*self.routes[path] {
                    Endpoint::Consumer(mount) => RouteInfo::Consumer(mount.consumer.name()),
                    Endpoint::Multiplexer(streams) => RouteInfo::Multiplexer(
                        streams
                            .iter()
                            .map(|(s, m)| (s.to_string(), m.consumer.name()))
                            .collect(),
                    ),
                };
                (path.clone(), info)
            })
            .collect()
    }

    /// The WebSocket routes (and the documents of [`App::serve_manifest`] and
    /// [`App::serve_asyncapi`]) as a warp filter. Paths that are not mounted are rejected with
    /// warp's 404, so the filter combines with your other routes through `.or(...)`.
    pub fn filter(mut self) -> BoxedFilter<(Response<warp::hyper::body::Bytes>,)> {
        self.check_manifest();
        let documents = Arc::new(std::mem::take(&mut self.documents));
        let metrics = self.metrics_path.clone().map(|path| {
            let (metrics, layer) = (self.metrics.clone(), self.layer.clone());
            warp::path::full()
                .and(warp::get())
                .and_then(move |full: warp::path::FullPath| {
                    let found = full.as_str() == path;
                    let text = found.then(|| super::metrics::render(&metrics, &layer));
                    async move {
                        let text = text.ok_or_else(warp::reject::not_found)?;
                        let mut response = Response::new(warp::hyper::body::Bytes::from(text));
                        response.headers_mut().insert(
                            warp::http::header::CONTENT_TYPE,
                            warp::http::HeaderValue::from_static(super::metrics::CONTENT_TYPE),
                        );
                        Ok::<_, warp::Rejection>(response)
                    }
                })
        });
        let shared = Arc::new(self.shared());
        let query = warp::query::raw().or(warp::any().map(String::new)).unify();
        // The peer: from chanrest's own accept loop, or from warp's when served by warp::serve.
        let peer = warp::ext::optional::<PeerAddr>()
            .and(warp::addr::remote())
            .map(|peer: Option<PeerAddr>, remote: Option<SocketAddr>| peer.map(|p| p.0).or(remote));
        let sockets = warp::path::full()
            .and(warp::method())
            .and(warp::header::headers_cloned())
            .and(query)
            .and(peer)
            .and(warp::ext::optional::<OnUpgrade>())
            .and(warp::ext::optional::<CountedIn>())
            .and_then(
                move |path: warp::path::FullPath,
                      method,
                      headers,
                      query: String,
                      remote,
                      upgrade,
                      counted_in: Option<CountedIn>| {
                    let shared = shared.clone();
                    async move {
                        let Some(endpoint) = shared.routes.get(path.as_str()).cloned() else {
                            return Err(warp::reject::not_found());
                        };
                        // A socket counted in this app's own limit when it was accepted
                        // holds its slot already.
                        let counted =
                            counted_in.is_some_and(|c| Arc::ptr_eq(&c.0, &shared.connections));
                        let request = Handshake {
                            path: path.as_str().to_owned(),
                            method,
                            headers,
                            query,
                            remote,
                            upgrade,
                            counted,
                        };
                        Ok::<_, warp::Rejection>(shared.handshake(endpoint, request).await)
                    }
                },
            );
        let sockets = match metrics {
            Some(metrics) => metrics.or(sockets).unify().boxed(),
            None => sockets.boxed(),
        };
        if documents.is_empty() {
            return sockets;
        }
        let documents = warp::get()
            .or(warp::head())
            .unify()
            .and(warp::path::full())
            .and(warp::header::optional::<String>("upgrade"))
            .and_then(move |path: warp::path::FullPath, upgrade: Option<String>| {
                let found = documents
                    .iter()
                    .find(|(at, _)| *at == path.as_str())
                    .filter(|_| upgrade.is_none())
                    .map(|(_, json)| json.clone());
                async move {
                    let json = found.ok_or_else(warp::reject::not_found)?;
                    Ok::<_, warp::Rejection>(
                        Response::builder()
                            .header("content-type", "application/json")
                            .body(json)
                            .expect("a valid response"),
                    )
                }
            });
        sockets.or(documents).unify().boxed()
    }

    /// Serves the app (and nothing else) on `listener` until the process ends; every TCP
    /// connection counts toward `Limits::max_connections` (see [`App::connection_limit`]).
    pub async fn serve(self, listener: TcpListener) {
        let limit = self.connection_limit();
        serve_with_limit(
            listener,
            self.filter(),
            DEFAULT_HANDSHAKE_TIMEOUT,
            limit,
            std::future::pending(),
        )
        .await
    }

    /// What the handshakes of this app share.
    fn shared(&self) -> Shared {
        Shared {
            origins: self.origins.clone(),
            going_away: self.going_away.clone(),
            metrics: self.metrics.clone(),
            connections: self.connections.semaphore().clone(),
            routes: self.routes.clone(),
            layer: self.layer.clone(),
            authenticator: self.authenticator.clone(),
            limits: Arc::new(self.limits.clone()),
        }
    }

    /// Opens a connection to the consumer (or multiplexer) at `path` with no socket: the
    /// handshake's checks (authenticator, `can_connect`) run on `scope`, then `on_connect`,
    /// and every message sent on it goes through the same dispatch as a socket's frames
    /// (decoding, permissions, handlers, groups, pushes, replies). For tests of behaviour
    /// that a port adds nothing to, and for embedding.
    ///
    /// ```
    /// chanrest::consumer! {
    ///     pub consumer Calc: CalcHandler {
    ///         action add(AddArgs { a: i64, b: i64 }) -> i64;
    ///     }
    /// }
    /// struct Impl;
    /// impl CalcHandler for Impl {
    ///     async fn add(&self, _ctx: &chanrest::Ctx, args: AddArgs) -> chanrest::Result<i64> {
    ///         Ok(args.a + args.b)
    ///     }
    /// }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let app = chanrest::App::new().consumer("/ws/calc/", Calc(Impl));
    /// let mut conn = app.connect_local("/ws/calc/", chanrest::Scope::default()).await.unwrap();
    /// conn.send(r#"{"action": "add", "request_id": 1, "a": 2, "b": 3}"#).await;
    /// let reply = conn.recv_json().await.unwrap();
    /// assert_eq!(reply["data"], 5);
    /// assert_eq!(reply["response_status"], 200);
    /// conn.close().await;
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`HandshakeError::AuthenticationFailed`], [`HandshakeError::AccessDenied`] or
    /// [`HandshakeError::ChecksTimedOut`] as a socket's handshake would answer, and
    /// [`HandshakeError::NotWebSocket`] for a path that serves nothing.
    pub async fn connect_local(
        &self,
        path: &str,
        mut scope: Scope,
    ) -> Result<LocalConnection, HandshakeError> {
        let endpoint = self
            .routes
            .get(path)
            .cloned()
            .ok_or(HandshakeError::NotWebSocket)?;
        let shared = self.shared();
        scope.path = path.to_owned();
        shared.admit(&endpoint, &mut scope).await?;
        let setup = ConnectionSetup {
            endpoint,
            scope: Arc::new(scope),
            layer: shared.layer,
            limits: shared.limits,
            metrics: shared.metrics,
        };
        Ok(LocalConnection::open(setup).await)
    }

    /// Serves one message on a fresh in-process connection to `path` (see
    /// [`App::connect_local`]) and returns every frame queued by the time its reply was
    /// written, the reply included; then closes the connection. A detached action's reply
    /// comes later than this returns: use a [`LocalConnection`] for those.
    ///
    /// # Errors
    ///
    /// As [`App::connect_local`].
    pub async fn dispatch(
        &self,
        path: &str,
        scope: Scope,
        text: &str,
    ) -> Result<Vec<String>, HandshakeError> {
        let mut connection = self.connect_local(path, scope).await?;
        connection.send(text).await;
        let frames = connection.drain();
        connection.close().await;
        Ok(frames)
    }
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("paths", &self.order)
            .field("limits", &self.limits)
            .field("origins", &self.origins)
            .field("authenticator", &self.authenticator.is_some())
            .finish_non_exhaustive()
    }
}

/// Shuts an app's connections down gracefully (from [`App::shutdown_handle`]): on SIGTERM a
/// server first stops accepting (the shutdown future of [`crate::serve`]), then calls
/// [`Shutdown::shutdown`].
///
/// ```no_run
/// # async fn run(app: chanrest::App, listener: tokio::net::TcpListener) {
/// let shutdown = app.shutdown_handle();
/// let stop = async { let _ = tokio::signal::ctrl_c().await; };
/// chanrest::serve(listener, app.filter(), chanrest::DEFAULT_HANDSHAKE_TIMEOUT, stop).await;
/// // Accepting has stopped; now the open connections.
/// shutdown.shutdown(std::time::Duration::from_secs(10)).await;
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Shutdown {
    going_away: Arc<watch::Sender<Option<tokio::time::Instant>>>,
    metrics: Arc<Metrics>,
}

impl Shutdown {
    /// Tells every connection that the server is going away: each stops reading, lets the
    /// actions under way (detached ones included) finish within `grace`, writes every reply
    /// queued, closes with 1001 and runs `on_disconnect`. Returns once every connection has
    /// closed, true, or after `grace` and a second for the close handshakes, false (the
    /// connections left then end with the process).
    pub async fn shutdown(&self, grace: std::time::Duration) -> bool {
        let deadline = tokio::time::Instant::now() + grace;
        self.going_away.send_replace(Some(deadline));
        let closed = async {
            while self.metrics.connections() > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        };
        let closing = deadline + std::time::Duration::from_secs(1);
        tokio::time::timeout_at(closing, closed).await.is_ok()
    }
}
