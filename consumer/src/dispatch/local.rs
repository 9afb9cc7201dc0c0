//! An in-process connection: the dispatch a socket's frames go through, driven by method
//! calls instead of a socket (see [`crate::App::connect_local`]).

use super::connection::{Connection, ConnectionSetup};
use crate::session::{Frame, Outbound};
use serde_json::Value;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

/// How long [`LocalConnection::recv`] waits for a frame by default.
const DEFAULT_RECV_TIMEOUT: Duration = Duration::from_secs(5);

/// A connection to an [`App`](crate::App) with no socket. Messages sent on it run through
/// the same decoding, permission checks, handlers, groups and outbound queue as a socket's
/// frames; what the socket's writer would write arrives through [`LocalConnection::recv`],
/// as frame text, in order.
///
/// Sending waits for the message to be served as a socket's reader does: an inline action's
/// reply is queued when [`LocalConnection::send`] returns; a detached action's comes later.
pub struct LocalConnection {
    connection: Option<Connection>,
    out: Arc<Outbound>,
    received: VecDeque<String>,
    timeout: Duration,
}

impl std::fmt::Debug for LocalConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalConnection")
            .field("open", &self.connection.is_some())
            .field("received", &self.received.len())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl LocalConnection {
    /// Opens the connection and runs its consumers' `on_connect`; a refusal closes it (later
    /// sends are ignored and [`LocalConnection::is_closed`] is true).
    pub(crate) async fn open(setup: ConnectionSetup) -> LocalConnection {
        let out = Outbound::new(&setup.limits, setup.metrics.clone());
        let connection = Connection::open(&setup, out.clone());
        let accepted = connection.connect().await;
        let connection = if accepted {
            Some(connection)
        } else {
            connection.shut_down().await;
            None
        };
        LocalConnection {
            connection,
            out,
            received: VecDeque::new(),
            timeout: DEFAULT_RECV_TIMEOUT,
        }
    }

    /// Sets how long [`LocalConnection::recv`] waits (default 5 s).
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Serves one text frame, as a socket's reader would; returns once it is handled (an
    /// inline action's reply is queued by then).
    pub async fn send(&mut self, text: &str) {
        if self.out.is_closing() {
            return;
        }
        if let Some(connection) = &self.connection {
            if text.is_empty() {
                connection.on_non_text();
            } else {
                connection.on_text(text).await;
            }
        }
    }

    /// Serves `message` as a JSON text frame.
    pub async fn send_json(&mut self, message: &Value) {
        self.send(&message.to_string()).await;
    }

    /// Serves a binary frame (answered with DCRF's "No text section" error).
    pub fn send_binary(&mut self) {
        if let Some(connection) = &self.connection {
            connection.on_non_text();
        }
    }

    /// Moves what is queued into the received frames, as the socket's writer takes a batch.
    fn collect(&mut self, batch: &mut VecDeque<Frame>) {
        let mut bytes = 0;
        for frame in batch.drain(..) {
            bytes += frame.text_len();
            if let Some(text) = frame.into_text() {
                self.received.push_back(text);
            }
        }
        self.out.written(bytes);
    }

    /// Every frame queued so far, without waiting.
    pub fn drain(&mut self) -> Vec<String> {
        let mut batch = VecDeque::new();
        self.out.take(&mut batch);
        self.collect(&mut batch);
        self.received.drain(..).collect()
    }

    /// The next frame: one already queued, or the next to arrive within the timeout (a
    /// detached action's reply, a push). `None` when nothing came in time.
    pub async fn recv(&mut self) -> Option<String> {
        if let Some(text) = self.received.pop_front() {
            return Some(text);
        }
        let mut batch = VecDeque::new();
        let out = self.out.clone();
        let waiting = std::future::poll_fn(|cx| out.poll_take(cx, &mut batch));
        tokio::time::timeout(self.timeout, waiting).await.ok()?;
        self.collect(&mut batch);
        self.received.pop_front()
    }

    /// The next frame as JSON (see [`LocalConnection::recv`]).
    pub async fn recv_json(&mut self) -> Option<Value> {
        let text = self.recv().await?;
        Some(serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// True once the server side has closed the connection (a refused `on_connect`, a full
    /// outbound queue) or [`LocalConnection::close`] ran.
    pub fn is_closed(&self) -> bool {
        self.connection.is_none() || self.out.is_closing()
    }

    /// Closes the connection as a client leaving would: detached tasks are cancelled, groups
    /// left, and `on_disconnect` runs.
    pub async fn close(mut self) {
        if let Some(connection) = self.connection.take() {
            connection.shut_down().await;
        }
    }
}

impl Drop for LocalConnection {
    /// A connection dropped without [`LocalConnection::close`] still leaves its groups and
    /// runs `on_disconnect`, in a task of its own.
    fn drop(&mut self) {
        if let Some(connection) = self.connection.take() {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(connection.shut_down());
            }
        }
    }
}
