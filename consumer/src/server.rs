//! Hosting on warp: the `App` builder (paths → consumers), resource limits, and the WebSocket
//! handshake. chanrest answers the upgrade itself (warp still routes and runs the server) so
//! that each connection's WebSocket buffers and size limits are ours to set.

use crate::connection::{self, ConnectionSetup, Endpoint, Mount};
use crate::consumer::Consumer;
use crate::layer::{ChannelLayer, InMemoryChannelLayer};
use crate::scope::{Authenticator, Scope};
use hyper::upgrade::OnUpgrade;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::WebSocketStream;
use warp::filters::BoxedFilter;
use warp::http::{header, HeaderMap, Method, Response, StatusCode};
use warp::hyper::body::Bytes;
use warp::{Filter, Reply};

/// Resource bounds of a server. Every field has a documented default; see also
/// [`crate::close_code`] for what a client sees when it hits one.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Limits {
    /// Largest incoming message (and frame), in bytes. Above it the connection is closed with
    /// 1009. Default 1 MiB.
    pub max_message_size: usize,
    /// Bytes of outgoing frames queued for one connection. A client that lets more pile up is
    /// disconnected with `SLOW_CONSUMER` (4008). Default 4 MiB.
    pub max_outbound_bytes: usize,
    /// Longest a single socket write may take before the client counts as slow (4008).
    /// Default 10 s.
    pub write_timeout: Duration,
    /// Open connections per server; more are refused at the handshake with HTTP 503.
    /// Default 10,000.
    pub max_connections: usize,
    /// Detached actions in flight per consumer on a connection; one more gets a 429 reply.
    /// Default 64.
    pub max_detached_per_consumer: usize,
    /// Groups (plain or subscribed) per consumer on a connection; joining one more gets a 429
    /// reply. Default 1,000.
    pub max_groups_per_consumer: usize,
    /// How often the server pings. Default 20 s.
    pub ping_interval: Duration,
    /// How long past a ping the server waits for any frame before closing with
    /// `PING_TIMEOUT` (4009). A vanished client is released within
    /// `ping_interval + ping_timeout`. Default 20 s.
    pub ping_timeout: Duration,
    /// Read buffer per connection, in bytes. Default 4 KiB (tungstenite's is 128 KiB).
    pub read_buffer_size: usize,
    /// Write buffer per connection before a flush, in bytes. Default 4 KiB.
    pub write_buffer_size: usize,
    /// Longest the connection's checks and hooks may take: the authenticator and the
    /// consumers' `can_connect` for one handshake (then HTTP 503); once upgraded, each
    /// consumer's `on_connect` (then close code 1011) and `on_disconnect` (then it is
    /// abandoned). A hook that hangs cannot hold a connection slot forever. Default 10 s.
    pub hook_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_size: 1 << 20,
            max_outbound_bytes: 4 << 20,
            write_timeout: Duration::from_secs(10),
            max_connections: 10_000,
            max_detached_per_consumer: 64,
            max_groups_per_consumer: 1_000,
            ping_interval: Duration::from_secs(20),
            ping_timeout: Duration::from_secs(20),
            read_buffer_size: 4 << 10,
            write_buffer_size: 4 << 10,
            hook_timeout: Duration::from_secs(10),
        }
    }
}

impl Limits {
    /// Checks that every limit can work: durations and sizes a connection needs must not be
    /// zero, durations must be at most a year (timers cannot reach `Duration::MAX`), and
    /// `max_connections` must fit tokio's semaphore. [`App::limits`] refuses limits that fail
    /// this.
    ///
    /// ```
    /// let mut limits = chanrest::Limits::default();
    /// assert!(limits.validate().is_ok());
    /// limits.ping_interval = std::time::Duration::ZERO;
    /// assert_eq!(limits.validate().unwrap_err(), "ping_interval must be above zero");
    /// ```
    pub fn validate(&self) -> Result<(), String> {
        const YEAR: Duration = Duration::from_secs(365 * 24 * 3600);
        fn failing(checks: &[(&'static str, bool)]) -> Vec<&'static str> {
            checks
                .iter()
                .filter_map(|&(name, fails)| fails.then_some(name))
                .collect()
        }
        let zero = failing(&[
            ("ping_interval", self.ping_interval.is_zero()),
            ("write_timeout", self.write_timeout.is_zero()),
            ("hook_timeout", self.hook_timeout.is_zero()),
            ("max_message_size", self.max_message_size == 0),
            ("max_outbound_bytes", self.max_outbound_bytes == 0),
            ("max_connections", self.max_connections == 0),
            ("read_buffer_size", self.read_buffer_size == 0),
        ]);
        let long = failing(&[
            ("ping_interval", self.ping_interval > YEAR),
            ("ping_timeout", self.ping_timeout > YEAR),
            ("write_timeout", self.write_timeout > YEAR),
            ("hook_timeout", self.hook_timeout > YEAR),
        ]);
        let mut problems = Vec::new();
        if !zero.is_empty() {
            problems.push(format!("{} must be above zero", zero.join(", ")));
        }
        if !long.is_empty() {
            problems.push(format!("{} must be at most a year", long.join(", ")));
        }
        if self.max_connections > Semaphore::MAX_PERMITS {
            problems.push(format!(
                "max_connections must be at most {}",
                Semaphore::MAX_PERMITS
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }

    fn websocket_config(&self) -> WebSocketConfig {
        WebSocketConfig::default()
            .read_buffer_size(self.read_buffer_size)
            .write_buffer_size(self.write_buffer_size)
            // No cap of tungstenite's own: a frame above it would fail the write and drop the
            // connection. What waits to be written is bounded by `max_outbound_bytes` (the
            // outbound queue counts a batch until it is written).
            .max_write_buffer_size(usize::MAX)
            .max_message_size(Some(self.max_message_size))
            .max_frame_size(Some(self.max_message_size))
    }
}

/// A multiplexer: several consumers on one socket, by stream name
/// (`{"stream": name, "payload": message}` both ways, as channelsmultiplexer frames them).
#[derive(Default)]
pub struct Multiplexer {
    streams: Vec<(Arc<str>, Mount)>,
}

impl Multiplexer {
    /// An empty multiplexer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Serves `consumer` on stream `name`.
    pub fn stream(mut self, name: &str, consumer: impl Consumer) -> Self {
        self.streams
            .push((Arc::from(name), Mount::new(Arc::new(consumer))));
        self
    }
}

/// What a path serves, as a manifest would name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteInfo {
    /// One consumer, by contract name.
    Consumer(&'static str),
    /// A multiplexer: `(stream, consumer name)` pairs.
    Multiplexer(Vec<(String, &'static str)>),
}

/// A WebSocket API: consumers mounted at paths, the channel layer, authentication and limits.
///
/// ```no_run
/// chanrest::consumer! {
///     pub consumer Calc: CalcHandler {
///         action add(AddArgs { a: i64, b: i64 }) -> i64;
///     }
/// }
/// struct Impl;
/// #[chanrest::async_trait]
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
    allowed_origins: Option<Vec<String>>,
    metrics: Arc<Metrics>,
}

/// Live counts of a server, for health checks and for proving that nothing leaks.
#[derive(Debug, Default)]
pub struct Metrics {
    pub(crate) connections: std::sync::atomic::AtomicUsize,
    pub(crate) sessions: std::sync::atomic::AtomicUsize,
    pub(crate) detached: std::sync::atomic::AtomicUsize,
    pub(crate) memberships: std::sync::atomic::AtomicUsize,
}

impl Metrics {
    /// Open WebSocket connections.
    pub fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Consumer instances alive (one per consumer per connection; several behind a
    /// multiplexer).
    pub fn sessions(&self) -> usize {
        self.sessions.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Detached actions running.
    pub fn detached_tasks(&self) -> usize {
        self.detached.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Group memberships held in the channel layer by this app's consumers.
    pub fn memberships(&self) -> usize {
        self.memberships.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl Default for App {
    fn default() -> Self {
        App {
            routes: HashMap::new(),
            order: Vec::new(),
            layer: Arc::new(InMemoryChannelLayer::new()),
            authenticator: None,
            limits: Limits::default(),
            allowed_origins: None,
            metrics: Arc::new(Metrics::default()),
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

    /// Accepts browser handshakes only from these origins (exact `Origin` header values, e.g.
    /// `https://app.example.com`); others are refused with HTTP 403 before any consumer code
    /// runs. Handshakes without an `Origin` header (non-browser clients) are accepted. Default:
    /// any origin.
    pub fn allowed_origins<S: Into<String>>(
        mut self,
        origins: impl IntoIterator<Item = S>,
    ) -> Self {
        self.allowed_origins = Some(origins.into_iter().map(Into::into).collect());
        self
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
        self.limits = limits;
        self
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

    /// The WebSocket routes as a warp filter. Paths that are not mounted are rejected with
    /// warp's 404, so the filter combines with your other routes through `.or(...)`.
    pub fn filter(self) -> BoxedFilter<(Response<warp::hyper::body::Bytes>,)> {
        let shared = Arc::new(Shared {
            allowed_origins: self.allowed_origins,
            metrics: self.metrics,
            connections: Arc::new(Semaphore::new(self.limits.max_connections)),
            routes: self.routes,
            layer: self.layer,
            authenticator: self.authenticator,
            limits: Arc::new(self.limits),
        });
        let query = warp::query::raw().or(warp::any().map(String::new)).unify();
        // The peer: from chanrest's own accept loop, or from warp's when served by warp::serve.
        let peer = warp::ext::optional::<PeerAddr>()
            .and(warp::addr::remote())
            .map(|peer: Option<PeerAddr>, remote: Option<SocketAddr>| peer.map(|p| p.0).or(remote));
        warp::path::full()
            .and(warp::method())
            .and(warp::header::headers_cloned())
            .and(query)
            .and(peer)
            .and(warp::ext::optional::<OnUpgrade>())
            .and_then(
                move |path: warp::path::FullPath,
                      method,
                      headers,
                      query: String,
                      remote,
                      upgrade| {
                    let shared = shared.clone();
                    async move {
                        let Some(endpoint) = shared.routes.get(path.as_str()).cloned() else {
                            return Err(warp::reject::not_found());
                        };
                        let request = Handshake {
                            path: path.as_str().to_owned(),
                            method,
                            headers,
                            query,
                            remote,
                            upgrade,
                        };
                        Ok::<_, warp::Rejection>(shared.handshake(endpoint, request).await)
                    }
                },
            )
            .boxed()
    }

    /// Serves the app (and nothing else) on `listener` until the process ends.
    pub async fn serve(self, listener: TcpListener) {
        serve(
            listener,
            self.filter(),
            DEFAULT_HANDSHAKE_TIMEOUT,
            std::future::pending(),
        )
        .await
    }
}

struct Shared {
    allowed_origins: Option<Vec<String>>,
    metrics: Arc<Metrics>,
    routes: HashMap<String, Arc<Endpoint>>,
    layer: Arc<dyn ChannelLayer>,
    authenticator: Option<Arc<dyn Authenticator>>,
    limits: Arc<Limits>,
    connections: Arc<Semaphore>,
}

struct Handshake {
    path: String,
    method: Method,
    headers: HeaderMap,
    query: String,
    remote: Option<SocketAddr>,
    upgrade: Option<OnUpgrade>,
}

fn plain(status: StatusCode, text: &str) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(text.to_owned()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// A copy of `headers` that owns its bytes. hyper's parsed header values are slices of the
/// connection's 8 KiB read buffer, so a scope keeping them for the life of a WebSocket would
/// keep that whole buffer too (measured: 8 KiB of an idle connection's 19.8).
fn owned_headers(headers: &HeaderMap) -> HeaderMap {
    let mut owned = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let (Ok(name), Ok(mut copy)) = (
            header::HeaderName::from_bytes(name.as_str().as_bytes()),
            header::HeaderValue::from_bytes(value.as_bytes()),
        ) else {
            continue;
        };
        copy.set_sensitive(value.is_sensitive());
        owned.append(name, copy);
    }
    owned
}

fn header_has_token(headers: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

impl Shared {
    async fn handshake(&self, endpoint: Arc<Endpoint>, request: Handshake) -> Response<Bytes> {
        let Handshake {
            path,
            method,
            headers,
            query,
            remote,
            upgrade,
        } = request;
        let key = headers
            .get(header::SEC_WEBSOCKET_KEY)
            .map(|k| k.as_bytes().to_vec());
        let is_upgrade = method == Method::GET
            && header_has_token(&headers, header::UPGRADE, "websocket")
            && header_has_token(&headers, header::CONNECTION, "upgrade");
        let (Some(key), true) = (key, is_upgrade) else {
            let mut response = plain(
                StatusCode::UPGRADE_REQUIRED,
                "This endpoint speaks WebSocket only.",
            );
            response.headers_mut().insert(
                header::UPGRADE,
                header::HeaderValue::from_static("websocket"),
            );
            return response;
        };
        if headers
            .get(header::SEC_WEBSOCKET_VERSION)
            .map(|v| v.as_bytes())
            != Some(b"13")
        {
            let mut response = plain(StatusCode::BAD_REQUEST, "Unsupported WebSocket version.");
            response.headers_mut().insert(
                header::SEC_WEBSOCKET_VERSION,
                header::HeaderValue::from_static("13"),
            );
            return response;
        }
        let Some(upgrade) = upgrade else {
            return plain(
                StatusCode::BAD_REQUEST,
                "This connection cannot be upgraded.",
            );
        };
        if let (Some(allowed), Some(origin)) = (&self.allowed_origins, headers.get(header::ORIGIN))
        {
            if !allowed.iter().any(|a| a.as_bytes() == origin.as_bytes()) {
                tracing::info!(origin = ?origin, "handshake from a disallowed origin");
                return plain(StatusCode::FORBIDDEN, "Origin not allowed.");
            }
        }
        let Ok(permit) = self.connections.clone().try_acquire_owned() else {
            tracing::warn!("connection limit reached, refusing a handshake");
            return plain(StatusCode::SERVICE_UNAVAILABLE, "Too many connections.");
        };

        let mut scope = Scope {
            path,
            query: form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect(),
            headers: owned_headers(&headers),
            remote_addr: remote,
            user: None,
        };
        let checks = async {
            if let Some(authenticator) = &self.authenticator {
                match authenticator.authenticate(&scope).await {
                    Ok(user) => scope.user = user,
                    Err(err) => {
                        tracing::info!(%err, "authentication failed");
                        return Err(plain(StatusCode::UNAUTHORIZED, "Authentication failed."));
                    }
                }
            }
            for mount in endpoint.mounts() {
                if !mount.permissions.can_connect(&scope).await {
                    return Err(plain(StatusCode::FORBIDDEN, "Access denied"));
                }
            }
            Ok(())
        };
        match tokio::time::timeout(self.limits.hook_timeout, checks).await {
            Ok(Ok(())) => {}
            Ok(Err(refused)) => return refused,
            Err(_) => {
                tracing::warn!("authentication and can_connect took too long, refusing");
                return plain(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Connection checks timed out.",
                );
            }
        }

        let setup = ConnectionSetup {
            endpoint,
            scope: Arc::new(scope),
            layer: self.layer.clone(),
            limits: self.limits.clone(),
            metrics: self.metrics.clone(),
        };
        let config = self.limits.websocket_config();
        tokio::spawn(async move {
            let _permit = permit;
            match upgrade.await {
                Ok(upgraded) => {
                    let io = hyper_util::rt::TokioIo::new(upgraded);
                    let ws = WebSocketStream::from_raw_socket(io, Role::Server, Some(config)).await;
                    connection::run(ws, setup).await;
                }
                Err(err) => tracing::debug!(error = %err, "upgrade failed"),
            }
        });

        let mut response = Response::new(Bytes::new());
        *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        let headers = response.headers_mut();
        headers.insert(
            header::CONNECTION,
            header::HeaderValue::from_static("upgrade"),
        );
        headers.insert(
            header::UPGRADE,
            header::HeaderValue::from_static("websocket"),
        );
        let accept = derive_accept_key(&key);
        headers.insert(
            header::SEC_WEBSOCKET_ACCEPT,
            header::HeaderValue::from_str(&accept).expect("base64 is a valid header"),
        );
        response
    }
}

/// The peer address of a connection accepted by [`serve`], as a request extension.
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub SocketAddr);

/// How long a client may take to send the HTTP request of its handshake (slow-header clients
/// are cut off after it). Default of [`serve`].
pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `filter` on `listener` until `shutdown` resolves: warp routes each request; the
/// connections themselves are hyper's HTTP/1 with upgrades, a `handshake_timeout` on reading
/// request headers (warp's own server sets no timer, so its header timeout never applies), and
/// TCP_NODELAY. Open WebSockets outlive the shutdown of the listener and end on their own.
pub async fn serve<F>(
    listener: TcpListener,
    filter: F,
    handshake_timeout: Duration,
    shutdown: impl std::future::Future<Output = ()>,
) where
    F: Filter + Clone + Send + Sync + 'static,
    F::Extract: Reply,
{
    let service = warp::service(filter);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors and the like: wait a little instead of spinning.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => return,
        };
        let _ = stream.set_nodelay(true);
        let service = service.clone();
        tokio::spawn(async move {
            // warp routes; each request carries the peer address for the handshake filter.
            let service = hyper::service::service_fn(
                move |mut request: hyper::Request<hyper::body::Incoming>| {
                    request.extensions_mut().insert(PeerAddr(peer));
                    tower_service::Service::call(&mut service.clone(), request)
                },
            );
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(handshake_timeout)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .with_upgrades();
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, %peer, "http connection ended with an error");
            }
        });
    }
}

/// A running server: its address, and a handle to stop it.
pub struct ServerHandle {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl ServerHandle {
    /// Serves `filter` on `listener` in a background task, with graceful shutdown.
    pub fn spawn<F>(listener: TcpListener, filter: F) -> std::io::Result<ServerHandle>
    where
        F: Filter + Clone + Send + Sync + 'static,
        F::Extract: Reply,
    {
        Self::spawn_with(listener, filter, DEFAULT_HANDSHAKE_TIMEOUT)
    }

    /// Like [`ServerHandle::spawn`] with another handshake timeout.
    pub fn spawn_with<F>(
        listener: TcpListener,
        filter: F,
        handshake_timeout: Duration,
    ) -> std::io::Result<ServerHandle>
    where
        F: Filter + Clone + Send + Sync + 'static,
        F::Extract: Reply,
    {
        let addr = listener.local_addr()?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, filter, handshake_timeout, async {
            let _ = rx.await;
        }));
        Ok(ServerHandle {
            addr,
            shutdown: Some(tx),
            task,
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections and waits for the server task (open WebSockets are
    /// detached from hyper and end on their own).
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owned_headers_copy_every_value_and_keep_sensitivity() {
        let buffer = Bytes::from_static(b"Bearer abc|x-custom|text/plain|a=1");
        let mut headers = HeaderMap::new();
        let mut auth = header::HeaderValue::from_maybe_shared(buffer.slice(0..10)).unwrap();
        auth.set_sensitive(true);
        headers.insert(header::AUTHORIZATION, auth);
        let custom = header::HeaderName::from_bytes(&buffer[11..19]).unwrap();
        headers.append(custom.clone(), header::HeaderValue::from_static("1"));
        headers.append(custom.clone(), header::HeaderValue::from_static("2"));
        let owned = owned_headers(&headers);
        assert_eq!(owned, headers);
        assert!(owned[header::AUTHORIZATION].is_sensitive());
        let values: Vec<_> = owned.get_all(&custom).iter().collect();
        assert_eq!(values, ["1", "2"]);
        // The copies are fresh allocations, not slices of the request's buffer.
        let original = headers[header::AUTHORIZATION].as_bytes().as_ptr();
        assert_ne!(owned[header::AUTHORIZATION].as_bytes().as_ptr(), original);
    }
}
