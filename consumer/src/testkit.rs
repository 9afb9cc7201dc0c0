//! A test kit for chanrest APIs: start an [`App`] on `127.0.0.1:0` in-process and talk to it
//! over a real WebSocket, with request correlation and assertions on replies and pushes.
//!
//! ```
//! chanrest::consumer! {
//!     pub consumer Calc: CalcHandler {
//!         action add(AddArgs { a: i64, b: i64 }) -> i64;
//!     }
//! }
//! struct Impl;
//! impl CalcHandler for Impl {
//!     async fn add(&self, _: &chanrest::Ctx, args: AddArgs) -> chanrest::Result<i64> {
//!         Ok(args.a + args.b)
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use chanrest::testkit::TestServer;
//! let server = TestServer::start(chanrest::App::new().consumer("/ws/calc/", Calc(Impl))).await;
//! let mut client = server.connect("/ws/calc/").await;
//! let reply = client.request("add", serde_json::json!({"a": 2, "b": 3})).await;
//! chanrest::assert_reply!(reply, 200, serde_json::json!(5));
//! # }
//! ```

use crate::hosting::{App, ServerHandle};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use warp::Filter;

/// How long the test client waits for a message before failing the test.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// An app served on an ephemeral loopback port for the duration of a test.
#[derive(Debug)]
pub struct TestServer {
    handle: ServerHandle,
}

impl TestServer {
    /// Serves `app` on `127.0.0.1:0`. Its WebSocket connections count toward
    /// `Limits::max_connections`; TCP connections as such toward a limit of their own
    /// ([`crate::DEFAULT_MAX_OPEN_CONNECTIONS`]): a test that closes a connection and opens the
    /// next need not wait for the first socket to be gone. [`TestServer::start_filter_limited`]
    /// with [`App::connection_limit`] counts every TCP connection toward the app's limit, as
    /// [`App::serve`] does.
    pub async fn start(app: App) -> TestServer {
        Self::start_filter(app.filter()).await
    }

    /// Serves any warp filter on `127.0.0.1:0`, counting every TCP connection in `limit`
    /// (an app's [`App::connection_limit`], say).
    pub async fn start_filter_limited<F>(
        filter: F,
        handshake_timeout: std::time::Duration,
        limit: crate::hosting::ConnectionLimit,
    ) -> TestServer
    where
        F: Filter + Clone + Send + Sync + 'static,
        F::Extract: warp::Reply,
    {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let handle = ServerHandle::spawn_with_limit(listener, filter, handshake_timeout, limit)
            .expect("serve");
        TestServer { handle }
    }

    /// Serves any warp filter (an app combined with other routes) on `127.0.0.1:0`.
    pub async fn start_filter<F>(filter: F) -> TestServer
    where
        F: Filter + Clone + Send + Sync + 'static,
        F::Extract: warp::Reply,
    {
        Self::start_filter_with(filter, crate::hosting::DEFAULT_HANDSHAKE_TIMEOUT).await
    }

    /// Like [`TestServer::start_filter`] with another handshake timeout.
    pub async fn start_filter_with<F>(
        filter: F,
        handshake_timeout: std::time::Duration,
    ) -> TestServer
    where
        F: Filter + Clone + Send + Sync + 'static,
        F::Extract: warp::Reply,
    {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let handle = ServerHandle::spawn_with(listener, filter, handshake_timeout).expect("serve");
        TestServer { handle }
    }

    /// The server's address.
    pub fn addr(&self) -> SocketAddr {
        self.handle.addr()
    }

    /// `ws://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("ws://{}{}", self.addr(), path)
    }

    /// Connects to `path`; panics if the handshake is refused.
    pub async fn connect(&self, path: &str) -> TestClient {
        TestClient::connect(&self.url(path))
            .await
            .unwrap_or_else(|err| panic!("connect to {path}: {err}"))
    }

    /// Stops the server.
    pub async fn shutdown(self) {
        self.handle.shutdown().await
    }
}

/// Why a connection attempt failed.
#[derive(Debug)]
pub enum ConnectError {
    /// The server answered the handshake with this HTTP status instead of 101.
    Refused(u16),
    /// Any other failure.
    Other(tungstenite::Error),
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectError::Refused(status) => write!(f, "handshake refused with HTTP {status}"),
            ConnectError::Other(err) => write!(f, "{err}"),
        }
    }
}

impl std::error::Error for ConnectError {}

/// A WebSocket client for tests: JSON in and out, request correlation, and a buffer for the
/// messages that arrive while it waits for a particular reply.
pub struct TestClient {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    buffered: VecDeque<Value>,
    next_id: u64,
    timeout: Duration,
    stream: Option<String>,
}

impl std::fmt::Debug for TestClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestClient")
            .field("buffered", &self.buffered.len())
            .field("next_id", &self.next_id)
            .finish_non_exhaustive()
    }
}

impl TestClient {
    /// Connects to `url`.
    pub async fn connect(url: &str) -> Result<TestClient, ConnectError> {
        Self::connect_request(url).await
    }

    /// Connects with a prepared handshake request (for headers such as `Authorization`).
    pub async fn connect_request<R>(request: R) -> Result<TestClient, ConnectError>
    where
        R: tungstenite::client::IntoClientRequest + Unpin,
    {
        match tokio_tungstenite::connect_async(request).await {
            Ok((ws, _)) => Ok(TestClient {
                ws,
                buffered: VecDeque::new(),
                next_id: 1,
                timeout: DEFAULT_TIMEOUT,
                stream: None,
            }),
            Err(tungstenite::Error::Http(response)) => {
                Err(ConnectError::Refused(response.status().as_u16()))
            }
            Err(err) => Err(ConnectError::Other(err)),
        }
    }

    /// Sets how long `recv*` waits before panicking.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Wraps everything [`TestClient::request`] and [`TestClient::send_json`] send in the
    /// multiplexer's `{"stream", "payload"}`, and makes the `recv*` methods return the payloads
    /// of that stream (other streams' messages stay buffered for when you switch).
    pub fn use_stream(&mut self, stream: &str) {
        self.stream = Some(stream.to_owned());
    }

    /// Sends a text frame as is.
    pub async fn send_text(&mut self, text: &str) {
        self.ws.send(Message::text(text)).await.expect("send text");
    }

    /// Sends a raw WebSocket message (binary, ping...).
    pub async fn send_message(&mut self, message: Message) {
        self.ws.send(message).await.expect("send");
    }

    /// Sends a JSON message (wrapped in the stream when [`TestClient::use_stream`] was called).
    pub async fn send_json(&mut self, message: &Value) {
        let frame = match &self.stream {
            Some(stream) => json!({"stream": stream, "payload": message}),
            None => message.clone(),
        };
        self.send_text(&frame.to_string()).await;
    }

    /// Sends `{"action": action, "request_id": <fresh integer>, ...args}` and returns the
    /// first message carrying that request id; others received meanwhile stay buffered.
    pub async fn request(&mut self, action: &str, args: Value) -> Value {
        let request_id = json!(self.next_id);
        self.next_id += 1;
        self.request_with_id(action, request_id, args).await
    }

    /// Like [`TestClient::request`] with a chosen request id.
    pub async fn request_with_id(&mut self, action: &str, request_id: Value, args: Value) -> Value {
        self.send(action, request_id.clone(), args).await;
        self.recv_where(|m| m["request_id"] == request_id).await
    }

    /// Sends a request without waiting.
    pub async fn send(&mut self, action: &str, request_id: Value, args: Value) {
        let mut message = match args {
            Value::Object(map) => map,
            Value::Null => Default::default(),
            other => panic!("request arguments must be an object, got {other}"),
        };
        message.insert("action".into(), json!(action));
        message.insert("request_id".into(), request_id);
        self.send_json(&Value::Object(message)).await;
    }

    /// The next JSON message (buffered ones first); panics after the timeout. In stream mode
    /// (see [`TestClient::use_stream`]) only that stream's payloads count; other streams'
    /// messages stay buffered.
    pub async fn recv_json(&mut self) -> Value {
        self.recv_where(|_| true).await
    }

    /// The first message for which `matches` holds, keeping the others buffered in order.
    pub async fn recv_where(&mut self, matches: impl Fn(&Value) -> bool) -> Value {
        let found = self
            .buffered
            .iter()
            .position(|frame| self.unwrap_frame(frame).is_some_and(|m| matches(&m)));
        if let Some(index) = found {
            let frame = self.buffered.remove(index).expect("index is valid");
            return self.unwrap_frame(&frame).expect("matched above");
        }
        loop {
            let frame = self.read_json().await;
            if let Some(message) = self.unwrap_frame(&frame).filter(&matches) {
                return message;
            }
            self.buffered.push_back(frame);
        }
    }

    /// The message inside `frame` for the current stream mode, if it is for it.
    fn unwrap_frame(&self, frame: &Value) -> Option<Value> {
        match &self.stream {
            None => Some(frame.clone()),
            Some(stream) if frame["stream"] == json!(stream) => Some(frame["payload"].clone()),
            Some(_) => None,
        }
    }

    async fn read_json(&mut self) -> Value {
        let deadline = self.timeout;
        loop {
            let message = tokio::time::timeout(deadline, self.ws.next())
                .await
                .unwrap_or_else(|_| panic!("no message within {deadline:?}"))
                .unwrap_or_else(|| panic!("connection ended while waiting for a message"))
                .unwrap_or_else(|err| panic!("read failed: {err}"));
            let text = match message {
                Message::Text(text) => text,
                Message::Close(frame) => {
                    panic!("connection closed while waiting for a message: {frame:?}")
                }
                _ => continue,
            };
            return serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("server sent non-JSON {text:?}: {e}"));
        }
    }

    /// Asserts that nothing arrives within `wait`.
    pub async fn assert_silent(&mut self, wait: Duration) {
        assert!(
            self.buffered.is_empty(),
            "unexpected buffered messages: {:?}",
            self.buffered
        );
        match tokio::time::timeout(wait, self.ws.next()).await {
            Err(_) => {}
            Ok(Some(Ok(message))) => panic!("expected no message, got {message:?}"),
            // A dropped connection is not silence: it would hide any push it lost.
            Ok(None) => panic!("expected silence, but the server closed the connection"),
            Ok(Some(Err(err))) => panic!("expected silence, but reading failed: {err}"),
        }
    }

    /// Waits for the server to close the connection; returns its close frame.
    pub async fn recv_close(&mut self) -> Option<CloseFrame> {
        let deadline = self.timeout;
        loop {
            match tokio::time::timeout(deadline, self.ws.next()).await {
                Err(_) => panic!("connection not closed within {deadline:?}"),
                Ok(None) => return None,
                Ok(Some(Err(_))) => return None,
                Ok(Some(Ok(Message::Close(frame)))) => return frame,
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    /// Closes the connection.
    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }

    /// The underlying socket, for tests that need raw control.
    pub fn socket(&mut self) -> &mut WebSocketStream<MaybeTlsStream<TcpStream>> {
        &mut self.ws
    }
}

/// Asserts that `reply` is a well-formed envelope with `status`; with a third argument, also
/// that its `data` equals it. Success statuses also need `errors: []`, error statuses
/// `data: null`.
///
/// ```
/// let reply = serde_json::json!({"errors": [], "data": 5, "action": "add", "response_status": 200, "request_id": 1});
/// chanrest::assert_reply!(reply, 200, serde_json::json!(5));
/// ```
#[macro_export]
macro_rules! assert_reply {
    ($reply:expr, $status:expr) => {{
        let reply: &$crate::__private::Value = &$reply;
        $crate::testkit::check_envelope(reply);
        assert_eq!(
            reply["response_status"],
            $crate::__private::json!($status),
            "unexpected status in {}",
            reply
        );
    }};
    ($reply:expr, $status:expr, $data:expr) => {{
        let reply: &$crate::__private::Value = &$reply;
        $crate::assert_reply!(*reply, $status);
        assert_eq!(reply["data"], $data, "unexpected data in {}", reply);
    }};
}

/// Asserts that `reply` is an error with `status` and exactly `errors` (a JSON array).
///
/// ```
/// let reply = serde_json::json!({"errors": ["Not found"], "data": null, "action": "get", "response_status": 404, "request_id": 1});
/// chanrest::assert_error!(reply, 404, serde_json::json!(["Not found"]));
/// ```
#[macro_export]
macro_rules! assert_error {
    ($reply:expr, $status:expr, $errors:expr) => {{
        let reply: &$crate::__private::Value = &$reply;
        $crate::assert_reply!(*reply, $status);
        assert_eq!(reply["errors"], $errors, "unexpected errors in {}", reply);
        assert_eq!(
            reply["data"],
            $crate::__private::Value::Null,
            "error replies carry no data: {}",
            reply
        );
    }};
}

/// Receives the next push with `action` for `request_id` on `client` and returns it.
#[macro_export]
macro_rules! assert_push {
    ($client:expr, $action:expr, $request_id:expr) => {{
        let action = $crate::__private::json!($action);
        let request_id = $crate::__private::json!($request_id);
        let push = $client
            .recv_where(|m| m["action"] == action && m["request_id"] == request_id)
            .await;
        $crate::testkit::check_envelope(&push);
        push
    }};
}

/// Checks the five keys of a DCRF envelope and their invariants.
pub fn check_envelope(reply: &Value) {
    let object = reply
        .as_object()
        .unwrap_or_else(|| panic!("reply is not an object: {reply}"));
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["action", "data", "errors", "request_id", "response_status"],
        "envelope keys of {reply}"
    );
    let status = reply["response_status"]
        .as_u64()
        .unwrap_or_else(|| panic!("response_status is not an integer: {reply}"));
    let errors = reply["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("errors is not a list: {reply}"));
    if (200..300).contains(&status) {
        assert!(errors.is_empty(), "success with errors: {reply}");
    } else {
        assert!(!errors.is_empty(), "error status without errors: {reply}");
        assert!(reply["data"].is_null(), "error with data: {reply}");
    }
}
