//! The client runtime shared by every generated chanrest client: one WebSocket per
//! [`Connection`], request ids and reply correlation, per-call timeouts, subscriptions as
//! [`Stream`]s of typed pushes, paged streams ([`PageStream`]), and automatic reconnection
//! with exponential backoff.
//!
//! Generated clients wrap an [`Endpoint`] (a connection, plus the multiplexer stream when the
//! consumer is reached through one) and add one typed method per action. They depend on this
//! crate rather than carrying a copy of it, and re-export it as their `runtime` module
//! (`pub use chanrest_client_runtime as runtime;`), so `my_client::runtime::Options` and
//! `chanrest_client_runtime::Options` are the same type. It is usable on its own too, for raw
//! calls to a chanrest server ([`Endpoint::request`], [`RawPush`]).
//!
//! # Semantics
//!
//! - Request ids are integers, unique per connection; replies are matched by exact JSON
//!   equality of `request_id` (and `action`, so a push for a subscription never settles the
//!   subscribing call).
//! - A call succeeds iff `response_status` is 2xx; otherwise it fails with [`Error::Api`].
//! - Every call has a timeout ([`DEFAULT_TIMEOUT`] unless set per connection in [`Options`] or
//!   per client with `with_timeout`). A call never waits longer, even while reconnecting.
//! - When the socket is lost, calls in flight fail with [`Error::ConnectionLost`] (the server
//!   may or may not have run them); new calls wait for the reconnection (within their
//!   timeout). After reconnecting, every live subscription is renewed by re-sending its
//!   subscribe message with the same `request_id`; pushes sent while disconnected are lost.
//! - A paged stream ([`Endpoint::pages`], DCRF's `streamed_list`) takes every reply with its
//!   request's id, one page each, until the page where `count == 0 || offset + limit >=
//!   count` or an error reply ([`PageStream`]); each page is awaited within the timeout.
//! - The connection closes for good on [`Connection::close`], when the last handle is
//!   dropped, when reconnecting gives up ([`Reconnect::max_attempts`]), or when the server
//!   refuses the connection permanently (a 4xx handshake status other than 408 and 429, or
//!   close code 1008). Pending calls then fail with [`Error::Closed`] and subscriptions end.
//!
//! # rest-framework-channels' dialect
//!
//! A consumer in that dialect ([`RfcEndpoint`], from [`Connection::rfc_endpoint`]) takes
//! `{"action", "route", ...args}` and answers every message with exactly one reply,
//! `{"errors", "data", "action", "route", "status"}`, in the order the messages came; there
//! are no request ids. Calls are correlated by that order: a reply settles the oldest call
//! in flight on the socket with the same `action` and `route` (so the reply of a detached
//! action, which may come later, still finds its call, unless two calls of it to the same
//! route are in flight at once). A call that times out stays in line until its late reply
//! comes, so that the reply does not settle a later call. Timeouts, lost sockets,
//! reconnection and closing work as above; there are no subscriptions.

#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

use futures_util::stream::BoxStream;
use futures_util::{SinkExt, Stream, StreamExt};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, oneshot, watch, Notify};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message};

/// How long a call waits for its reply unless configured otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Settings of a [`Connection`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// Default timeout of every call (default [`DEFAULT_TIMEOUT`], 30 s).
    pub timeout: Duration,
    /// How long one connection attempt (TCP + handshake) may take (default 10 s).
    pub connect_timeout: Duration,
    /// Reconnection after the socket is lost.
    pub reconnect: Reconnect,
    /// When nothing arrives for this long, the client sends a ping; when nothing arrives for
    /// twice this long, the connection is considered lost (default 20 s; `None`: never).
    pub keepalive: Option<Duration>,
    /// Pushes buffered per subscription before the oldest are dropped and the stream yields
    /// [`Error::Lagged`] (default 1024).
    pub push_buffer: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: Duration::from_secs(10),
            reconnect: Reconnect::default(),
            keepalive: Some(Duration::from_secs(20)),
            push_buffer: 1024,
        }
    }
}

impl Options {
    /// Sets the default call timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the connect timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the reconnection policy.
    pub fn reconnect(mut self, reconnect: Reconnect) -> Self {
        self.reconnect = reconnect;
        self
    }

    /// Sets the keepalive interval (`None` disables it).
    pub fn keepalive(mut self, interval: Option<Duration>) -> Self {
        self.keepalive = interval;
        self
    }

    /// Sets how many pushes each subscription buffers.
    pub fn push_buffer(mut self, pushes: usize) -> Self {
        self.push_buffer = pushes.max(1);
        self
    }
}

/// Reconnection policy: exponential backoff with jitter, capped.
///
/// The n-th attempt (from 1) waits `min(initial_delay * multiplier^(n-1), max_delay)`, reduced
/// by a random fraction of up to `jitter` of itself.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Reconnect {
    /// Reconnect at all (default true).
    pub enabled: bool,
    /// Delay before the first attempt (default 100 ms).
    pub initial_delay: Duration,
    /// The longest delay between attempts (default 30 s).
    pub max_delay: Duration,
    /// Growth of the delay per attempt (default 2).
    pub multiplier: f64,
    /// Fraction of each delay that is randomised, 0 to 1 (default 0.3).
    pub jitter: f64,
    /// Give up after this many failed attempts in a row (default `None`: never).
    pub max_attempts: Option<u32>,
}

impl Default for Reconnect {
    fn default() -> Self {
        Reconnect {
            enabled: true,
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(30),
            multiplier: 2.0,
            jitter: 0.3,
            max_attempts: None,
        }
    }
}

impl Reconnect {
    /// Never reconnect: a lost socket closes the connection.
    pub fn disabled() -> Self {
        Reconnect {
            enabled: false,
            ..Reconnect::default()
        }
    }

    /// Sets the first and the longest delay.
    pub fn delays(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_delay = initial;
        self.max_delay = max.max(initial);
        self
    }

    /// Sets how many failed attempts in a row end the connection.
    pub fn max_attempts(mut self, attempts: Option<u32>) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// The delay before attempt `attempt` (from 1), jitter applied.
    pub fn delay(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(64) as i32;
        let base = self.initial_delay.as_secs_f64() * self.multiplier.max(1.0).powi(exponent);
        let capped = base.min(self.max_delay.as_secs_f64());
        let jitter = self.jitter.clamp(0.0, 1.0) * random_fraction();
        Duration::from_secs_f64((capped * (1.0 - jitter)).max(0.0))
    }
}

/// A pseudo-random number in `[0, 1)`, good enough for jitter.
fn random_fraction() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Everything a call, a subscription or connecting can fail with.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a non-2xx `response_status`.
    Api(ApiError),
    /// No reply within the call's timeout. The server may still run the action.
    Timeout {
        /// The action called.
        action: String,
        /// The timeout that passed.
        timeout: Duration,
    },
    /// The socket was lost while the call was in flight; the server may or may not have run
    /// it. The connection reconnects by itself; the call is not retried.
    ConnectionLost {
        /// The action called.
        action: String,
    },
    /// The connection is closed for good (see the module docs for when).
    Closed,
    /// Connecting failed.
    Connect {
        /// The URL.
        url: String,
        /// The handshake's HTTP status when the server refused it.
        status: Option<u16>,
        /// What went wrong.
        message: String,
    },
    /// The server sent something that does not fit the contract (a reply whose `data` is not
    /// the declared response type, a push of an undeclared kind, a malformed envelope).
    Decode {
        /// The action (or push) concerned.
        action: String,
        /// What did not fit.
        message: String,
    },
    /// The arguments do not serialize to a JSON object.
    Encode {
        /// The action called.
        action: String,
        /// Why.
        message: String,
    },
    /// A subscription's buffer overflowed: this many pushes were dropped.
    Lagged {
        /// How many.
        skipped: u64,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(err) => err.fmt(f),
            Error::Timeout { action, timeout } => {
                write!(f, "`{action}`: no reply within {timeout:?}")
            }
            Error::ConnectionLost { action } => {
                write!(
                    f,
                    "`{action}`: the connection was lost before the reply arrived"
                )
            }
            Error::Closed => f.write_str("the connection is closed"),
            Error::Connect {
                url,
                status: Some(status),
                message,
            } => write!(f, "connecting to {url}: HTTP {status}: {message}"),
            Error::Connect { url, message, .. } => write!(f, "connecting to {url}: {message}"),
            Error::Decode { action, message } => {
                write!(
                    f,
                    "`{action}`: unexpected message from the server: {message}"
                )
            }
            Error::Encode { action, message } => {
                write!(f, "`{action}`: arguments do not encode: {message}")
            }
            Error::Lagged { skipped } => {
                write!(
                    f,
                    "{skipped} pushes dropped: the subscription was read too slowly"
                )
            }
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// The API error, when the server answered with an error status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(err) => Some(err),
            _ => None,
        }
    }

    /// The error status, when the server answered with one.
    pub fn status(&self) -> Option<u16> {
        self.api().map(|err| err.status)
    }
}

/// An error reply: a non-2xx `response_status` with its `errors`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The reply's `action` (`None` when the server could not tell).
    pub action: Option<String>,
    /// The `response_status`.
    pub status: u16,
    /// The `errors` list.
    pub errors: Vec<ErrorDetail>,
}

impl ApiError {
    /// The plain messages among the errors: `["Not found"]` (DCRF) and
    /// `[{"detail": "Not found"}]` (rest-framework-channels) both give `"Not found"`.
    pub fn messages(&self) -> impl Iterator<Item = &str> {
        self.errors.iter().filter_map(|e| match e {
            ErrorDetail::Message(message) => Some(message.as_str()),
            ErrorDetail::Detail(detail) => Some(detail.detail.as_str()),
            _ => None,
        })
    }

    /// The field errors object of a validation error (`[{"field": ["message"]}]`).
    pub fn field_errors(&self) -> Option<&Map<String, Value>> {
        self.errors.iter().find_map(|e| match e {
            ErrorDetail::Fields(fields) => Some(fields),
            _ => None,
        })
    }

    /// The messages for one field of a validation error.
    pub fn field(&self, name: &str) -> Vec<&str> {
        self.field_errors()
            .and_then(|fields| fields.get(name))
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = serde_json::to_string(&self.errors).unwrap_or_default();
        match &self.action {
            Some(action) => write!(f, "`{action}` failed with {}: {errors}", self.status),
            None => write!(f, "request failed with {}: {errors}", self.status),
        }
    }
}

impl std::error::Error for ApiError {}

/// One item of an error reply's `errors`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ErrorDetail {
    /// A message (`"Not found"`).
    Message(String),
    /// A message in rest-framework-channels' shape (`{"detail": "Not found"}`).
    Detail(DetailMessage),
    /// Field errors (`{"field": ["This field is required."]}`).
    Fields(Map<String, Value>),
    /// Anything else.
    Other(Value),
}

/// The `{"detail": "..."}` object rest-framework-channels sends for an error message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetailMessage {
    /// The message.
    pub detail: String,
}

/// A reply envelope as received, whatever its status.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// `response_status`.
    pub status: u16,
    /// `action`.
    pub action: Option<String>,
    /// `data`.
    pub data: Value,
    /// `errors`.
    pub errors: Vec<ErrorDetail>,
    /// `request_id`, as sent back.
    pub request_id: Value,
}

impl Reply {
    /// Reads an envelope.
    pub fn from_value(value: Value) -> Result<Reply, String> {
        let Value::Object(mut map) = value else {
            return Err("the message is not a JSON object".to_owned());
        };
        let status = map
            .get("response_status")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok())
            .ok_or("no integer `response_status`")?;
        let action = match map.remove("action") {
            Some(Value::String(action)) => Some(action),
            Some(Value::Null) | None => None,
            Some(_) => return Err("`action` is not a string".to_owned()),
        };
        let errors = match map.remove("errors") {
            Some(Value::Array(items)) => items
                .into_iter()
                .map(|item| serde_json::from_value(item).unwrap_or(ErrorDetail::Other(Value::Null)))
                .collect(),
            Some(Value::Null) | None => Vec::new(),
            Some(_) => return Err("`errors` is not a list".to_owned()),
        };
        Ok(Reply {
            status,
            action,
            data: map.remove("data").unwrap_or(Value::Null),
            errors,
            request_id: map.remove("request_id").unwrap_or(Value::Null),
        })
    }

    /// True for a 2xx status.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The reply as a result: `data` decoded as `R` on success, [`Error::Api`] otherwise.
    pub fn into_result<R: DeserializeOwned>(self, action: &str) -> Result<R, Error> {
        if !self.is_success() {
            return Err(Error::Api(ApiError {
                action: self.action,
                status: self.status,
                errors: self.errors,
            }));
        }
        serde_json::from_value(self.data).map_err(|err| Error::Decode {
            action: action.to_owned(),
            message: format!("reply data: {err}"),
        })
    }
}

/// The arguments of an action that takes none: serializes to `{}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct NoArgs {}

/// The pushes a subscription (or a consumer's broadcasts) can deliver, as a typed value.
/// Implemented by the generated push enums, and by [`RawPush`].
pub trait PushSet: Sized + Send + 'static {
    /// Decodes a push with action `action` and a 2xx `status`; `None` when `action` is not
    /// one of the set's.
    fn decode(action: &str, status: u16, data: Value) -> Option<Result<Self, serde_json::Error>>;
}

/// Any push, undecoded.
#[derive(Debug, Clone, PartialEq)]
pub struct RawPush {
    /// The push's `action`.
    pub action: String,
    /// Its `data`.
    pub data: Value,
    /// Its `response_status`.
    pub status: u16,
}

impl PushSet for RawPush {
    fn decode(action: &str, status: u16, data: Value) -> Option<Result<Self, serde_json::Error>> {
        Some(Ok(RawPush {
            action: action.to_owned(),
            data,
            status,
        }))
    }
}

/// The state of a connection, as seen by [`Connection::watch_status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Open; `generation` counts the sockets so far (1 for the first).
    Connected {
        /// Which socket.
        generation: u64,
    },
    /// Lost; reconnect attempt `attempt` is pending.
    Reconnecting {
        /// From 1.
        attempt: u32,
    },
    /// Closed for good.
    Closed,
}

/// One WebSocket to a chanrest server, shared by every client and endpoint made from it.
/// Cheap to clone; the socket closes when the last clone (and every client, endpoint and
/// subscription made from it) is dropped, or on [`Connection::close`].
#[derive(Clone)]
pub struct Connection {
    handle: Arc<Handle>,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("url", &self.handle.shared.url)
            .field("status", &self.status())
            .finish()
    }
}

/// Closes the connection when the last user-facing handle goes.
struct Handle {
    shared: Arc<Shared>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.shared.request_close();
    }
}

struct Shared {
    url: String,
    options: Options,
    state: Mutex<State>,
    status: watch::Sender<Status>,
    outbound: mpsc::UnboundedSender<Outbound>,
    next_id: AtomicU64,
    closing: Notify,
}

#[derive(Default)]
struct State {
    /// The socket currently open, if any.
    connected: Option<u64>,
    closed: bool,
    pending: HashMap<u64, Pending>,
    /// Calls in rest-framework-channels' dialect, in the order they were sent.
    rfc_pending: VecDeque<RfcPending>,
    subscriptions: HashMap<u64, SubEntry>,
    broadcasts: Vec<(Option<Arc<str>>, broadcast::Sender<Event>)>,
}

struct Pending {
    action: String,
    stream: Option<Arc<str>>,
    generation: u64,
    waiter: Waiter,
}

enum Waiter {
    Call(oneshot::Sender<Result<Reply, Error>>),
    /// A paged stream: every reply until the last page or an error.
    Pages(mpsc::UnboundedSender<Result<Reply, Error>>),
    /// The reply to a subscription re-sent after a reconnect.
    Renewal,
}

/// A call in rest-framework-channels' dialect, waiting for the reply with its action and
/// route.
struct RfcPending {
    /// The runtime's own number for it (never sent).
    id: u64,
    action: String,
    route: String,
    generation: u64,
    /// `None` once the caller gave up (timeout): the entry stays to take the late reply.
    waiter: Option<oneshot::Sender<Result<Reply, Error>>>,
}

struct SubEntry {
    stream: Option<Arc<str>>,
    /// The subscribe message, framed, to re-send after a reconnect.
    frame: String,
    events: broadcast::Sender<Event>,
}

#[derive(Debug, Clone)]
enum Event {
    Push(Reply),
    Ended(Error),
}

enum Outbound {
    Text { generation: u64, text: String },
    Close,
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn request_close(&self) {
        self.lock().closed = true;
        self.closing.notify_one();
        let _ = self.outbound.send(Outbound::Close);
    }

    fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    fn send(&self, generation: u64, text: String) {
        let _ = self.outbound.send(Outbound::Text { generation, text });
    }
}

impl Connection {
    /// Connects to `url` (`ws://` or `wss://`) with default [`Options`]. Fails if the first
    /// connection attempt fails; later losses are repaired by reconnecting.
    pub async fn connect(url: &str) -> Result<Connection, Error> {
        Connection::connect_with(url, Options::default()).await
    }

    /// Connects with `options`.
    pub async fn connect_with(url: &str, options: Options) -> Result<Connection, Error> {
        let socket = open(url, options.connect_timeout).await?;
        let (outbound, outbound_rx) = mpsc::unbounded_channel();
        let (status, _) = watch::channel(Status::Connected { generation: 1 });
        let shared = Arc::new(Shared {
            url: url.to_owned(),
            options,
            state: Mutex::new(State {
                connected: Some(1),
                ..State::default()
            }),
            status,
            outbound,
            next_id: AtomicU64::new(1),
            closing: Notify::new(),
        });
        tokio::spawn(run(shared.clone(), outbound_rx, socket));
        Ok(Connection {
            handle: Arc::new(Handle { shared }),
        })
    }

    /// The URL connected to.
    pub fn url(&self) -> &str {
        &self.handle.shared.url
    }

    /// The options in force.
    pub fn options(&self) -> &Options {
        &self.handle.shared.options
    }

    /// The current status.
    pub fn status(&self) -> Status {
        *self.handle.shared.status.borrow()
    }

    /// A receiver that sees every status change.
    pub fn watch_status(&self) -> watch::Receiver<Status> {
        self.handle.shared.status.subscribe()
    }

    /// Closes the connection for good: pending calls fail with [`Error::Closed`],
    /// subscriptions end. Returns once the socket is closed.
    pub async fn close(&self) {
        let mut status = self.watch_status();
        self.handle.shared.request_close();
        let _ = status.wait_for(|s| *s == Status::Closed).await;
    }

    /// An endpoint on this connection: the consumer at the connection's URL (`stream:
    /// None`), or the multiplexer stream `stream`.
    pub fn endpoint(&self, stream: Option<&str>) -> Endpoint {
        Endpoint {
            connection: self.clone(),
            stream: stream.map(Arc::from),
            timeout: None,
        }
    }

    /// An endpoint on this connection for a consumer in rest-framework-channels' dialect
    /// (see the [module docs](crate#rest-framework-channels-dialect)).
    pub fn rfc_endpoint(&self) -> RfcEndpoint {
        RfcEndpoint {
            connection: self.clone(),
            timeout: None,
        }
    }

    fn shared(&self) -> &Arc<Shared> {
        &self.handle.shared
    }
}

/// Connects once.
async fn open(url: &str, timeout: Duration) -> Result<Socket, Error> {
    let failure = |status: Option<u16>, message: String| Error::Connect {
        url: url.to_owned(),
        status,
        message,
    };
    match tokio::time::timeout(timeout, tokio_tungstenite::connect_async(url)).await {
        Err(_) => Err(failure(None, format!("no handshake within {timeout:?}"))),
        Ok(Ok((socket, _))) => Ok(socket),
        Ok(Err(tungstenite::Error::Http(response))) => Err(failure(
            Some(response.status().as_u16()),
            "the server refused the WebSocket handshake".to_owned(),
        )),
        Ok(Err(err)) => Err(failure(None, err.to_string())),
    }
}

/// Whether a failed connection attempt is worth repeating.
fn is_permanent(err: &Error) -> bool {
    matches!(err, Error::Connect { status: Some(s), .. } if (400..500).contains(s) && *s != 408 && *s != 429)
}

/// How a socket's life ended.
enum End {
    /// Closed by this client.
    Closed,
    /// Lost or closed by the server; reconnecting may help.
    Lost,
    /// Closed by the server with a code that says reconnecting will not help.
    Refused,
}

/// The connection's task: serves a socket, reconnects when it is lost, renews subscriptions.
async fn run(shared: Arc<Shared>, mut outbound: mpsc::UnboundedReceiver<Outbound>, first: Socket) {
    let mut socket = first;
    let mut generation = 1;
    loop {
        let end = serve(&shared, &mut outbound, socket, generation).await;
        lost(&shared, generation);
        let closed_here = matches!(end, End::Closed) || shared.lock().closed;
        if closed_here || matches!(end, End::Refused) || !shared.options.reconnect.enabled {
            return finish(&shared);
        }
        let mut attempt = 0;
        socket = loop {
            attempt += 1;
            if let Some(max) = shared.options.reconnect.max_attempts {
                if attempt > max {
                    return finish(&shared);
                }
            }
            shared.status.send_replace(Status::Reconnecting { attempt });
            let delay = shared.options.reconnect.delay(attempt);
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = shared.closing.notified() => {}
            }
            if shared.lock().closed {
                return finish(&shared);
            }
            match open(&shared.url, shared.options.connect_timeout).await {
                Ok(socket) => break socket,
                Err(err) if is_permanent(&err) => return finish(&shared),
                Err(_) => continue,
            }
        };
        generation += 1;
        renew(&shared, generation);
    }
}

/// A socket is gone: fail the calls in flight on it.
fn lost(shared: &Shared, generation: u64) {
    let mut state = shared.lock();
    state.connected = None;
    let ids: Vec<u64> = state
        .pending
        .iter()
        .filter(|(_, p)| p.generation == generation)
        .map(|(id, _)| *id)
        .collect();
    for id in ids {
        match state.pending.remove(&id) {
            Some(Pending {
                action,
                waiter: Waiter::Call(tx),
                ..
            }) => {
                let _ = tx.send(Err(Error::ConnectionLost { action }));
            }
            Some(Pending {
                action,
                waiter: Waiter::Pages(tx),
                ..
            }) => {
                let _ = tx.send(Err(Error::ConnectionLost { action }));
            }
            _ => {}
        }
    }
    let calls = std::mem::take(&mut state.rfc_pending);
    for call in calls {
        if call.generation != generation {
            state.rfc_pending.push_back(call);
        } else if let Some(tx) = call.waiter {
            let _ = tx.send(Err(Error::ConnectionLost {
                action: call.action,
            }));
        }
    }
}

/// A new socket is open: re-send every subscription, then let calls through.
fn renew(shared: &Shared, generation: u64) {
    let mut state = shared.lock();
    let renewals: Vec<(u64, Option<Arc<str>>, String)> = state
        .subscriptions
        .iter()
        .map(|(id, sub)| (*id, sub.stream.clone(), sub.frame.clone()))
        .collect();
    for (id, stream, frame) in renewals {
        let action = serde_json::from_str::<Value>(&frame)
            .ok()
            .and_then(|v| {
                let message = if stream.is_some() {
                    v.get("payload")?.clone()
                } else {
                    v
                };
                message.get("action")?.as_str().map(str::to_owned)
            })
            .unwrap_or_default();
        state.pending.insert(
            id,
            Pending {
                action,
                stream,
                generation,
                waiter: Waiter::Renewal,
            },
        );
        shared.send(generation, frame);
    }
    state.connected = Some(generation);
    drop(state);
    shared.status.send_replace(Status::Connected { generation });
}

/// Closed for good: fail everything, end every subscription.
fn finish(shared: &Shared) {
    let mut state = shared.lock();
    state.closed = true;
    state.connected = None;
    for (_, pending) in state.pending.drain() {
        match pending.waiter {
            Waiter::Call(tx) => {
                let _ = tx.send(Err(Error::Closed));
            }
            Waiter::Pages(tx) => {
                let _ = tx.send(Err(Error::Closed));
            }
            Waiter::Renewal => {}
        }
    }
    for call in state.rfc_pending.drain(..) {
        if let Some(tx) = call.waiter {
            let _ = tx.send(Err(Error::Closed));
        }
    }
    for (_, sub) in state.subscriptions.drain() {
        let _ = sub.events.send(Event::Ended(Error::Closed));
    }
    state.broadcasts.clear();
    drop(state);
    shared.status.send_replace(Status::Closed);
}

async fn serve(
    shared: &Shared,
    outbound: &mut mpsc::UnboundedReceiver<Outbound>,
    socket: Socket,
    generation: u64,
) -> End {
    let (mut sink, mut source) = socket.split();
    let keepalive = shared.options.keepalive;
    let mut ticker = tokio::time::interval(keepalive.unwrap_or(Duration::from_secs(3600)));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.tick().await;
    let mut last_heard = Instant::now();
    loop {
        tokio::select! {
            out = outbound.recv() => match out {
                Some(Outbound::Text { generation: g, text }) => {
                    if g == generation && sink.send(Message::text(text)).await.is_err() {
                        return End::Lost;
                    }
                }
                Some(Outbound::Close) | None => {
                    let _ = sink.send(Message::Close(None)).await;
                    // Let the server answer the close, briefly.
                    let _ = tokio::time::timeout(Duration::from_secs(1), async {
                        while let Some(Ok(_)) = source.next().await {}
                    })
                    .await;
                    return End::Closed;
                }
            },
            incoming = source.next() => {
                last_heard = Instant::now();
                match incoming {
                    Some(Ok(Message::Text(text))) => dispatch(shared, text.as_str()),
                    Some(Ok(Message::Close(frame))) => {
                        let refused = frame.is_some_and(|f| f.code == CloseCode::Policy);
                        return if refused { End::Refused } else { End::Lost };
                    }
                    Some(Ok(_)) => {}
                    Some(Err(_)) | None => return End::Lost,
                }
            }
            _ = ticker.tick(), if keepalive.is_some() => {
                let interval = keepalive.unwrap_or_default();
                let silent = last_heard.elapsed();
                if silent >= interval * 2 {
                    return End::Lost;
                }
                if silent >= interval && sink.send(Message::Ping(Vec::new().into())).await.is_err() {
                    return End::Lost;
                }
            }
        }
    }
}

/// Routes one message from the server to the call, subscription or broadcast listener it is
/// for. Messages for nobody (late replies after a timeout) are dropped.
fn dispatch(shared: &Shared, text: &str) {
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return;
    };
    if let Some((reply, route)) = rfc_reply(&value) {
        let mut state = shared.lock();
        let position = state.rfc_pending.iter().position(|call| {
            call.route == route
                && reply
                    .action
                    .as_deref()
                    .is_none_or(|action| action == call.action)
        });
        if let Some(call) = position.and_then(|i| state.rfc_pending.remove(i)) {
            if let Some(tx) = call.waiter {
                let _ = tx.send(Ok(reply));
            }
        }
        return;
    }
    let (stream, message) = match value {
        Value::Object(mut map)
            if map.contains_key("payload") && !map.contains_key("response_status") =>
        {
            let stream = match map.remove("stream") {
                Some(Value::String(stream)) => Some(stream),
                _ => None,
            };
            (stream, map.remove("payload").unwrap_or(Value::Null))
        }
        other => (None, other),
    };
    let Ok(reply) = Reply::from_value(message) else {
        return;
    };
    let same_stream = |expected: &Option<Arc<str>>| expected.as_deref() == stream.as_deref();
    let mut state = shared.lock();
    if let Some(id) = reply.request_id.as_u64() {
        let settles = state.pending.get(&id).is_some_and(|p| {
            same_stream(&p.stream)
                && (reply.action.is_none() || reply.action.as_deref() == Some(p.action.as_str()))
        });
        if settles {
            if let Some(Pending {
                waiter: Waiter::Pages(tx),
                ..
            }) = state.pending.get(&id)
            {
                let last = ends_page_stream(&reply);
                let _ = tx.send(Ok(reply));
                if last {
                    state.pending.remove(&id);
                }
                return;
            }
            let pending = state.pending.remove(&id).expect("checked above");
            match pending.waiter {
                Waiter::Call(tx) => {
                    let _ = tx.send(Ok(reply));
                }
                Waiter::Renewal if !reply.is_success() => {
                    // The server refused to renew the subscription: it is over.
                    if let Some(sub) = state.subscriptions.remove(&id) {
                        let _ = sub.events.send(Event::Ended(Error::Api(ApiError {
                            action: reply.action,
                            status: reply.status,
                            errors: reply.errors,
                        })));
                    }
                }
                Waiter::Renewal | Waiter::Pages(_) => {}
            }
            return;
        }
        if let Some(sub) = state.subscriptions.get(&id) {
            if same_stream(&sub.stream) {
                let _ = sub.events.send(Event::Push(reply));
            }
        }
        return;
    }
    if reply.request_id.is_null() {
        state.broadcasts.retain(|(s, tx)| {
            if tx.receiver_count() == 0 {
                return false;
            }
            if same_stream(s) {
                let _ = tx.send(Event::Push(reply.clone()));
            }
            true
        });
    }
}

/// Frames a request: `{"action", "request_id", ...args}`, wrapped in `{"stream", "payload"}`
/// on a multiplexer stream.
fn frame(stream: Option<&str>, action: &str, id: u64, mut args: Map<String, Value>) -> String {
    args.insert("action".to_owned(), Value::String(action.to_owned()));
    args.insert("request_id".to_owned(), Value::from(id));
    let message = Value::Object(args);
    match stream {
        Some(stream) => serde_json::json!({"stream": stream, "payload": message}).to_string(),
        None => message.to_string(),
    }
}

/// Frames a request in rest-framework-channels' dialect: `{"action", "route", ...args}`.
fn rfc_frame(action: &str, route: &str, mut args: Map<String, Value>) -> String {
    args.insert("action".to_owned(), Value::String(action.to_owned()));
    args.insert("route".to_owned(), Value::String(route.to_owned()));
    Value::Object(args).to_string()
}

/// Reads a reply in rest-framework-channels' dialect (`status` and `route`, no
/// `response_status`), with its route.
fn rfc_reply(value: &Value) -> Option<(Reply, String)> {
    let map = value.as_object()?;
    if map.contains_key("response_status") {
        return None;
    }
    let route = map.get("route")?.as_str()?.to_owned();
    let status = map
        .get("status")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())?;
    let action = map.get("action").and_then(Value::as_str).map(str::to_owned);
    let errors = match map.get("errors") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                serde_json::from_value(item.clone()).unwrap_or(ErrorDetail::Other(Value::Null))
            })
            .collect(),
        _ => Vec::new(),
    };
    let reply = Reply {
        status,
        action,
        data: map.get("data").cloned().unwrap_or(Value::Null),
        errors,
        request_id: Value::Null,
    };
    Some((reply, route))
}

/// Serializes arguments into the object whose keys become the message's keys.
fn encode<A: Serialize + ?Sized>(action: &str, args: &A) -> Result<Map<String, Value>, Error> {
    let fail = |message: String| Error::Encode {
        action: action.to_owned(),
        message,
    };
    match serde_json::to_value(args) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(Value::Null) => Ok(Map::new()),
        Ok(other) => Err(fail(format!("expected an object, got {other}"))),
        Err(err) => Err(fail(err.to_string())),
    }
}

/// Removes a pending call if its future is dropped before the reply.
struct PendingGuard<'a> {
    shared: &'a Shared,
    id: u64,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        if matches!(
            state.pending.get(&self.id),
            Some(Pending {
                waiter: Waiter::Call(_),
                ..
            })
        ) {
            state.pending.remove(&self.id);
        }
    }
}

/// Where a generated client sends its calls: a [`Connection`], the multiplexer stream (if
/// any), and the call timeout.
#[derive(Clone, Debug)]
pub struct Endpoint {
    connection: Connection,
    stream: Option<Arc<str>>,
    timeout: Option<Duration>,
}

impl Endpoint {
    /// The connection.
    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// The multiplexer stream, if any.
    pub fn stream(&self) -> Option<&str> {
        self.stream.as_deref()
    }

    /// The call timeout in force.
    pub fn timeout(&self) -> Duration {
        self.timeout
            .unwrap_or(self.connection.shared().options.timeout)
    }

    /// The same endpoint with another call timeout.
    pub fn with_timeout(&self, timeout: Duration) -> Endpoint {
        Endpoint {
            timeout: Some(timeout),
            ..self.clone()
        }
    }

    /// Calls `action` with `args` (which must serialize to an object; its keys become the
    /// message's) and decodes a successful reply's `data` as `R`.
    pub async fn call<A, R>(&self, action: &str, args: &A) -> Result<R, Error>
    where
        A: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        let args = encode(action, args)?;
        self.request(action, args).await?.into_result(action)
    }

    /// Sends a request and returns its reply whatever the status (for actions outside the
    /// contract, or to see the whole envelope).
    pub async fn request(&self, action: &str, args: Map<String, Value>) -> Result<Reply, Error> {
        let id = self.connection.shared().next_id();
        self.send_request(id, action, args, None).await
    }

    /// Registers the call (and, for a subscription, its entry) and sends it once connected;
    /// waits for the reply within the timeout.
    async fn send_request(
        &self,
        id: u64,
        action: &str,
        args: Map<String, Value>,
        subscription: Option<broadcast::Sender<Event>>,
    ) -> Result<Reply, Error> {
        let shared = self.connection.shared();
        let timeout = self.timeout();
        let text = frame(self.stream(), action, id, args);
        let (tx, rx) = oneshot::channel();
        let _guard = PendingGuard { shared, id };
        let mut tx = Some(tx);
        let mut subscription = subscription;
        let exchange = async {
            let mut status = shared.status.subscribe();
            loop {
                {
                    let mut state = shared.lock();
                    if state.closed {
                        return Err(Error::Closed);
                    }
                    if let Some(generation) = state.connected {
                        state.pending.insert(
                            id,
                            Pending {
                                action: action.to_owned(),
                                stream: self.stream.clone(),
                                generation,
                                waiter: Waiter::Call(tx.take().expect("sent once")),
                            },
                        );
                        if let Some(events) = subscription.take() {
                            state.subscriptions.insert(
                                id,
                                SubEntry {
                                    stream: self.stream.clone(),
                                    frame: text.clone(),
                                    events,
                                },
                            );
                        }
                        shared.send(generation, text.clone());
                        break;
                    }
                }
                if status.changed().await.is_err() {
                    return Err(Error::Closed);
                }
            }
            rx.await.unwrap_or(Err(Error::Closed))
        };
        match tokio::time::timeout(timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout {
                action: action.to_owned(),
                timeout,
            }),
        }
    }

    /// Calls the subscribing action `action` and, when it succeeds, returns the subscription:
    /// the reply's data and a stream of the pushes carrying this request's id. `unsubscribe`
    /// is the action that ends it (sent with the same `request_id` and arguments).
    pub async fn subscribe<A, R, P, U>(
        &self,
        action: &str,
        unsubscribe: &str,
        args: &A,
    ) -> Result<Subscription<P, R, U>, Error>
    where
        A: Serialize + ?Sized,
        R: DeserializeOwned,
        P: PushSet,
    {
        let args = encode(action, args)?;
        let shared = self.connection.shared();
        let id = shared.next_id();
        let (events, receiver) = broadcast::channel(shared.options.push_buffer.max(1));
        let outcome = self
            .send_request(id, action, args.clone(), Some(events))
            .await
            .and_then(|reply| reply.into_result::<R>(action));
        let data = match outcome {
            Ok(data) => data,
            Err(err) => {
                let registered = shared.lock().subscriptions.remove(&id).is_some();
                if registered && !matches!(err, Error::Api(_)) {
                    // The server may have subscribed after all: end it, best effort.
                    self.send_unsubscribe(id, unsubscribe, args);
                }
                return Err(err);
            }
        };
        Ok(Subscription {
            data,
            id,
            endpoint: self.clone(),
            unsubscribe_action: unsubscribe.to_owned(),
            args,
            events: events_stream(receiver),
            active: true,
            done: false,
            _types: PhantomData,
        })
    }

    /// Starts the paged stream `action` (see [`PageStream`]); `cancel` is the action that
    /// cancels it. Returns once the request is sent (waiting for a reconnection within the
    /// timeout), before the first page.
    pub async fn pages<A, P>(
        &self,
        action: &str,
        cancel: &str,
        args: &A,
    ) -> Result<PageStream<P>, Error>
    where
        A: Serialize + ?Sized,
        P: DeserializeOwned,
    {
        let args = encode(action, args)?;
        let shared = self.connection.shared();
        let id = shared.next_id();
        let timeout = self.timeout();
        let text = frame(self.stream(), action, id, args);
        let (tx, replies) = mpsc::unbounded_channel();
        let mut tx = Some(tx);
        let send = async {
            let mut status = shared.status.subscribe();
            loop {
                {
                    let mut state = shared.lock();
                    if state.closed {
                        return Err(Error::Closed);
                    }
                    if let Some(generation) = state.connected {
                        state.pending.insert(
                            id,
                            Pending {
                                action: action.to_owned(),
                                stream: self.stream.clone(),
                                generation,
                                waiter: Waiter::Pages(tx.take().expect("sent once")),
                            },
                        );
                        shared.send(generation, text.clone());
                        return Ok(());
                    }
                }
                if status.changed().await.is_err() {
                    return Err(Error::Closed);
                }
            }
        };
        match tokio::time::timeout(timeout, send).await {
            Ok(Ok(())) => {}
            Ok(Err(err)) => return Err(err),
            Err(_) => {
                return Err(Error::Timeout {
                    action: action.to_owned(),
                    timeout,
                })
            }
        }
        Ok(PageStream {
            id,
            action: action.to_owned(),
            cancel_action: cancel.to_owned(),
            endpoint: self.clone(),
            replies,
            done: false,
            _types: PhantomData,
        })
    }

    /// Sends an unsubscribe message without waiting for its reply.
    fn send_unsubscribe(&self, id: u64, action: &str, args: Map<String, Value>) {
        let shared = self.connection.shared();
        let state = shared.lock();
        if let Some(generation) = state.connected {
            shared.send(generation, frame(self.stream(), action, id, args));
        }
    }

    /// The pushes this consumer sends with `request_id: null` (group broadcasts), decoded as
    /// `P`. Only pushes sent after this call are seen.
    pub fn broadcasts<P: PushSet>(&self) -> Broadcasts<P> {
        let shared = self.connection.shared();
        let (tx, rx) = broadcast::channel(shared.options.push_buffer.max(1));
        let mut state = shared.lock();
        if state.closed {
            drop(tx);
        } else {
            state.broadcasts.push((self.stream.clone(), tx));
        }
        Broadcasts {
            events: events_stream(rx),
            _connection: self.connection.clone(),
            _types: PhantomData,
        }
    }
}

/// What a route parameter accepts: Django's path converters, as in the route's pattern
/// (`<int:pk>`; `<pk>` is [`Converter::Str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Converter {
    /// Any non-empty text without `/`.
    Str,
    /// Digits.
    Int,
    /// ASCII letters, digits, `-` and `_`.
    Slug,
    /// Any non-empty text, `/` included.
    Path,
}

impl Converter {
    /// True when `text` is a value the converter matches, and that keeps the route one route
    /// (no `?`, which starts the query string).
    pub fn accepts(self, text: &str) -> bool {
        !text.is_empty()
            && text.chars().all(|c| match self {
                Converter::Str => c != '/' && c != '?',
                Converter::Int => c.is_ascii_digit(),
                Converter::Slug => c.is_ascii_alphanumeric() || c == '-' || c == '_',
                Converter::Path => c != '?',
            })
    }

    fn describe(self) -> &'static str {
        match self {
            Converter::Str => "non-empty text without `/` or `?`",
            Converter::Int => "digits",
            Converter::Slug => "letters, digits, `-` and `_`",
            Converter::Path => "non-empty text without `?`",
        }
    }
}

/// The `route` of a call in rest-framework-channels' dialect, built from a pattern's text and
/// typed parameters (`todos/` + `pk` + `/` → `todos/7/`). A parameter its converter does not
/// accept makes the route invalid: calls on it fail with [`Error::Encode`] without sending
/// anything, rather than reach another route.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Route {
    text: String,
    error: Option<String>,
}

impl Route {
    /// The empty route: a routed consumer's own actions.
    pub fn root() -> Route {
        Route::default()
    }

    /// A route as written (`todos/7/`), sent as is.
    pub fn new(text: impl Into<String>) -> Route {
        Route {
            text: text.into(),
            error: None,
        }
    }

    /// The route followed by the literal `text`.
    pub fn literal(mut self, text: &str) -> Route {
        self.text.push_str(text);
        self
    }

    /// The route followed by the parameter `name`: `value` as text (a string as is, a number
    /// or a boolean as JSON writes it), which `converter` must accept.
    pub fn param<T: Serialize + ?Sized>(
        mut self,
        name: &str,
        converter: Converter,
        value: &T,
    ) -> Route {
        let text = match serde_json::to_value(value) {
            Ok(Value::String(text)) => Ok(text),
            Ok(Value::Number(number)) => Ok(number.to_string()),
            Ok(Value::Bool(flag)) => Ok(flag.to_string()),
            Ok(other) => Err(format!("{other} is not text, a number or a boolean")),
            Err(err) => Err(err.to_string()),
        };
        let problem = match &text {
            Ok(text) if converter.accepts(text) => None,
            Ok(text) => Some(format!("{text:?} is not {}", converter.describe())),
            Err(err) => Some(err.clone()),
        };
        if let Some(problem) = problem {
            self.error
                .get_or_insert_with(|| format!("route parameter `{name}`: {problem}"));
        }
        if let Ok(text) = text {
            self.text.push_str(&text);
        }
        self
    }

    /// The route's text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Why the route is invalid, if it is.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Where a generated client of a consumer in rest-framework-channels' dialect sends its
/// calls: a [`Connection`] and the call timeout (see the
/// [module docs](crate#rest-framework-channels-dialect) for how replies are matched).
#[derive(Clone, Debug)]
pub struct RfcEndpoint {
    connection: Connection,
    timeout: Option<Duration>,
}

impl RfcEndpoint {
    /// The connection.
    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// The call timeout in force.
    pub fn timeout(&self) -> Duration {
        self.timeout
            .unwrap_or(self.connection.shared().options.timeout)
    }

    /// The same endpoint with another call timeout.
    pub fn with_timeout(&self, timeout: Duration) -> RfcEndpoint {
        RfcEndpoint {
            timeout: Some(timeout),
            ..self.clone()
        }
    }

    /// Calls `action` on `route` with `args` (which must serialize to an object; its keys
    /// become the message's) and decodes a successful reply's `data` as `R`.
    pub async fn call<A, R>(&self, route: &Route, action: &str, args: &A) -> Result<R, Error>
    where
        A: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        let args = encode(action, args)?;
        self.request(route, action, args).await?.into_result(action)
    }

    /// Sends a request and returns its reply whatever the status.
    pub async fn request(
        &self,
        route: &Route,
        action: &str,
        args: Map<String, Value>,
    ) -> Result<Reply, Error> {
        if let Some(problem) = route.error() {
            return Err(Error::Encode {
                action: action.to_owned(),
                message: problem.to_owned(),
            });
        }
        let shared = self.connection.shared();
        let timeout = self.timeout();
        let text = rfc_frame(action, route.as_str(), args);
        let id = shared.next_id();
        let (tx, rx) = oneshot::channel();
        let _guard = RfcGuard { shared, id };
        let mut tx = Some(tx);
        let exchange = async {
            let mut status = shared.status.subscribe();
            loop {
                {
                    let mut state = shared.lock();
                    if state.closed {
                        return Err(Error::Closed);
                    }
                    if let Some(generation) = state.connected {
                        state.rfc_pending.push_back(RfcPending {
                            id,
                            action: action.to_owned(),
                            route: route.as_str().to_owned(),
                            generation,
                            waiter: tx.take(),
                        });
                        shared.send(generation, text.clone());
                        break;
                    }
                }
                if status.changed().await.is_err() {
                    return Err(Error::Closed);
                }
            }
            rx.await.unwrap_or(Err(Error::Closed))
        };
        match tokio::time::timeout(timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout {
                action: action.to_owned(),
                timeout,
            }),
        }
    }
}

/// Abandons a call in rest-framework-channels' dialect whose future is dropped before the
/// reply (a timeout): it stays in line to take its reply when that comes.
struct RfcGuard<'a> {
    shared: &'a Shared,
    id: u64,
}

impl Drop for RfcGuard<'_> {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        if let Some(call) = state.rfc_pending.iter_mut().find(|c| c.id == self.id) {
            call.waiter = None;
        }
    }
}

/// A subscription's events, as a stream that reports lag.
fn events_stream(receiver: broadcast::Receiver<Event>) -> BoxStream<'static, Result<Event, u64>> {
    futures_util::stream::unfold(receiver, |mut receiver| async move {
        match receiver.recv().await {
            Ok(event) => Some((Ok(event), receiver)),
            Err(broadcast::error::RecvError::Lagged(skipped)) => Some((Err(skipped), receiver)),
            Err(broadcast::error::RecvError::Closed) => None,
        }
    })
    .boxed()
}

/// Decodes one event into a stream item; `None` for the end.
fn decode_event<P: PushSet>(event: Option<Result<Event, u64>>) -> (Option<Result<P, Error>>, bool) {
    match event {
        None => (None, true),
        Some(Err(skipped)) => (Some(Err(Error::Lagged { skipped })), false),
        Some(Ok(Event::Ended(err))) => (Some(Err(err)), true),
        Some(Ok(Event::Push(reply))) => {
            let action = reply.action.clone().unwrap_or_default();
            if !reply.is_success() {
                return (
                    Some(Err(Error::Api(ApiError {
                        action: reply.action,
                        status: reply.status,
                        errors: reply.errors,
                    }))),
                    false,
                );
            }
            let item = match P::decode(&action, reply.status, reply.data) {
                Some(Ok(push)) => Ok(push),
                Some(Err(err)) => Err(Error::Decode {
                    action,
                    message: format!("push data: {err}"),
                }),
                None => Err(Error::Decode {
                    message: format!("a push `{action}` that this subscription does not declare"),
                    action,
                }),
            };
            (Some(item), false)
        }
    }
}

/// A live subscription: the subscribe reply's [`data`](Subscription::data), and a [`Stream`]
/// of its pushes.
///
/// The stream yields `Ok(push)` for each push, `Err` for an error push, a push that does not
/// fit the contract, or [`Error::Lagged`]; it yields a last `Err` and ends when the
/// subscription is over (a renewal after a reconnect was refused, or the connection closed).
/// Dropping it ends the subscription (an unsubscribe message is sent, its reply ignored);
/// [`Subscription::unsubscribe`] does the same and waits for the reply.
pub struct Subscription<P, R, U> {
    data: R,
    id: u64,
    endpoint: Endpoint,
    unsubscribe_action: String,
    args: Map<String, Value>,
    events: BoxStream<'static, Result<Event, u64>>,
    active: bool,
    done: bool,
    _types: PhantomData<fn() -> (P, U)>,
}

impl<P, R: fmt::Debug, U> fmt::Debug for Subscription<P, R, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription")
            .field("request_id", &self.id)
            .field("data", &self.data)
            .finish()
    }
}

impl<P, R, U> Subscription<P, R, U> {
    /// The subscribe reply's data.
    pub fn data(&self) -> &R {
        &self.data
    }

    /// The subscribing request's id (carried by every push).
    pub fn request_id(&self) -> u64 {
        self.id
    }

    /// Ends the subscription: sends the unsubscribe action with the same `request_id` and
    /// arguments and returns its reply's data.
    pub async fn unsubscribe(mut self) -> Result<U, Error>
    where
        U: DeserializeOwned,
    {
        self.active = false;
        let shared = self.endpoint.connection.shared();
        shared.lock().subscriptions.remove(&self.id);
        let args = std::mem::take(&mut self.args);
        let action = self.unsubscribe_action.clone();
        self.endpoint
            .send_request(self.id, &action, args, None)
            .await?
            .into_result(&action)
    }
}

impl<P, R, U> Drop for Subscription<P, R, U> {
    fn drop(&mut self) {
        if !self.active {
            return;
        }
        let shared = self.endpoint.connection.shared();
        let live = shared.lock().subscriptions.remove(&self.id).is_some();
        if live {
            let args = std::mem::take(&mut self.args);
            self.endpoint
                .send_unsubscribe(self.id, &self.unsubscribe_action, args);
        }
    }
}

impl<P: PushSet, R: Unpin, U> Stream for Subscription<P, R, U> {
    type Item = Result<P, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        match this.events.poll_next_unpin(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(event) => {
                let (item, done) = decode_event::<P>(event);
                this.done = done;
                Poll::Ready(item)
            }
        }
    }
}

/// True when `reply` is the last of a paged stream: an error, or the page where
/// `count == 0 || offset + limit >= count` (a reply that is no page ends it too).
fn ends_page_stream(reply: &Reply) -> bool {
    if !reply.is_success() {
        return true;
    }
    let field = |name: &str| reply.data.get(name).and_then(Value::as_u64);
    match (field("count"), field("limit"), field("offset")) {
        (Some(count), Some(limit), Some(offset)) => {
            count == 0 || offset.saturating_add(limit) >= count
        }
        _ => true,
    }
}

/// A paged stream: an action that answers one request with several replies, one page
/// `P` (`{count, results, limit, offset}`) each, all carrying the request's id.
///
/// [`next`](PageStream::next) yields `Ok(page)` for each page and `None` after the last
/// one: the page where `count == 0 || offset + limit >= count`. An error reply, a lost
/// connection or a page that takes longer than the call timeout is a last `Err`.
/// [`cancel`](PageStream::cancel) sends the consumer's cancel action and ends the stream at
/// once; the server stops sending pages. (DCRF's `list_cancel` stops *every* stream of the
/// consumer in flight on the connection: another one still running then ends with an error
/// reply, status 499.) Dropping the stream stops listening without cancelling it on the
/// server; its remaining pages are dropped when they come.
pub struct PageStream<P> {
    id: u64,
    action: String,
    cancel_action: String,
    endpoint: Endpoint,
    replies: mpsc::UnboundedReceiver<Result<Reply, Error>>,
    done: bool,
    _types: PhantomData<fn() -> P>,
}

impl<P> fmt::Debug for PageStream<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageStream")
            .field("action", &self.action)
            .field("request_id", &self.id)
            .field("done", &self.done)
            .finish()
    }
}

impl<P> PageStream<P> {
    /// The streaming request's id (carried by every page).
    pub fn request_id(&self) -> u64 {
        self.id
    }

    /// True once the stream has ended (the last page or an error was yielded, or it was
    /// cancelled): [`next`](PageStream::next) then returns `None`.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The next page; `None` once the stream has ended. Waits at most the call timeout.
    pub async fn next(&mut self) -> Option<Result<P, Error>>
    where
        P: DeserializeOwned,
    {
        if self.done {
            return None;
        }
        let timeout = self.endpoint.timeout();
        let reply = match tokio::time::timeout(timeout, self.replies.recv()).await {
            Ok(Some(Ok(reply))) => reply,
            Ok(Some(Err(err))) => {
                let _ = self.finish();
                return Some(Err(err));
            }
            Ok(None) => {
                let _ = self.finish();
                return None;
            }
            Err(_) => {
                let _ = self.finish();
                return Some(Err(Error::Timeout {
                    action: self.action.clone(),
                    timeout,
                }));
            }
        };
        if ends_page_stream(&reply) {
            let _ = self.finish();
        }
        Some(reply.into_result(&self.action))
    }

    /// Cancels the stream: sends the cancel action (with a request id of its own) and waits
    /// for its reply; the stream has ended when this returns, whatever the outcome. Does
    /// nothing on a stream that has already ended.
    pub async fn cancel(&mut self) -> Result<(), Error> {
        if self.done || !self.finish() {
            // Over already (its last reply came, perhaps unread): nothing to cancel.
            return Ok(());
        }
        let action = self.cancel_action.clone();
        let reply = self.endpoint.request(&action, Map::new()).await?;
        reply.into_result::<Value>(&action).map(|_| ())
    }

    /// Ends the stream here: later replies to its request are dropped. True when the server
    /// had not sent its last reply yet.
    fn finish(&mut self) -> bool {
        self.done = true;
        self.replies.close();
        let shared = self.endpoint.connection.shared();
        let mut state = shared.lock();
        let live = matches!(
            state.pending.get(&self.id),
            Some(Pending {
                waiter: Waiter::Pages(_),
                ..
            })
        );
        if live {
            state.pending.remove(&self.id);
        }
        live
    }
}

impl<P> Drop for PageStream<P> {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.finish();
        }
    }
}

/// The pushes a consumer broadcasts with `request_id: null`, as a [`Stream`]; ends when the
/// connection closes. Dropping it stops listening.
pub struct Broadcasts<P> {
    events: BoxStream<'static, Result<Event, u64>>,
    _connection: Connection,
    _types: PhantomData<fn() -> P>,
}

impl<P> fmt::Debug for Broadcasts<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Broadcasts").finish_non_exhaustive()
    }
}

impl<P: PushSet> Stream for Broadcasts<P> {
    type Item = Result<P, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        match this.events.poll_next_unpin(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(event) => Poll::Ready(decode_event::<P>(event).0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn backoff_grows_to_the_cap_with_bounded_jitter() {
        let policy =
            Reconnect::default().delays(Duration::from_millis(100), Duration::from_secs(1));
        for _ in 0..100 {
            let first = policy.delay(1);
            assert!(first <= Duration::from_millis(100) && first >= Duration::from_millis(70));
            let third = policy.delay(3);
            assert!(third <= Duration::from_millis(400) && third >= Duration::from_millis(280));
            let late = policy.delay(40);
            assert!(late <= Duration::from_secs(1) && late >= Duration::from_millis(700));
        }
        let steady = Reconnect {
            jitter: 0.0,
            ..Reconnect::default()
        };
        assert_eq!(steady.delay(2), Duration::from_millis(200));
        assert_eq!(steady.delay(1000), steady.max_delay);
    }

    #[test]
    fn replies_are_read_from_the_envelope() {
        let reply = Reply::from_value(json!({
            "errors": [{"a": ["bad"]}, "plain"], "data": null, "action": "add",
            "response_status": 400, "request_id": 7
        }))
        .unwrap();
        assert!(!reply.is_success());
        let err = reply.into_result::<i64>("add").unwrap_err();
        let api = err.api().unwrap();
        assert_eq!(api.status, 400);
        assert_eq!(api.field("a"), ["bad"]);
        assert_eq!(api.messages().collect::<Vec<_>>(), ["plain"]);
        assert!(Reply::from_value(json!({"data": 1})).is_err());
        assert!(Reply::from_value(json!([1])).is_err());
        let ok = Reply::from_value(json!({"response_status": 201, "data": 5, "request_id": 1}));
        assert_eq!(ok.unwrap().into_result::<i64>("x").unwrap(), 5);
    }

    #[test]
    fn requests_are_framed_for_direct_and_multiplexed_endpoints() {
        let mut args = Map::new();
        args.insert("a".into(), json!(1));
        let direct: Value = serde_json::from_str(&frame(None, "add", 3, args.clone())).unwrap();
        assert_eq!(direct, json!({"action": "add", "request_id": 3, "a": 1}));
        let muxed: Value = serde_json::from_str(&frame(Some("s"), "add", 4, args)).unwrap();
        assert_eq!(
            muxed,
            json!({"stream": "s", "payload": {"action": "add", "request_id": 4, "a": 1}})
        );
        assert_eq!(encode("x", &NoArgs {}).unwrap(), Map::new());
        assert!(matches!(encode("x", &5), Err(Error::Encode { .. })));
    }
}
