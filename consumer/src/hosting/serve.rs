//! Serving: chanrest's accept loop over hyper (a handshake timeout and TCP_NODELAY that
//! warp's own server does not set), and [`ServerHandle`] for a server in a background task.

use crate::error::HandshakeError;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use warp::{Filter, Reply};

/// The peer address of a connection accepted by [`serve`], as a request extension.
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub SocketAddr);

/// The TCP connections [`serve`] holds open, HTTP and WebSocket alike, are bounded: a
/// connection counts from its accept until its socket is dropped (an upgraded WebSocket keeps
/// the count of the HTTP connection it came from). At the bound a new connection is answered
/// `503 Service Unavailable` at once, without reading its request, and closed.
///
/// [`App::connection_limit`](crate::App::connection_limit) is the app's own bound,
/// `Limits::max_connections`: served with it ([`serve_with_limit`], [`App::serve`]), every TCP
/// connection counts toward `max_connections` and a WebSocket is not counted twice. [`serve`]
/// alone counts toward a limit of its own, [`DEFAULT_MAX_OPEN_CONNECTIONS`].
#[derive(Debug, Clone)]
pub struct ConnectionLimit {
    permits: Arc<Semaphore>,
    /// Shared by every handle, so a handle taken before the app's limits were set reports
    /// the bound they set.
    max: Arc<AtomicUsize>,
}

/// The bound of [`serve`] on open TCP connections when no [`ConnectionLimit`] is given: the
/// default of `Limits::max_connections`.
pub const DEFAULT_MAX_OPEN_CONNECTIONS: usize = 10_000;

impl ConnectionLimit {
    /// At most `max` connections at once (clamped to tokio's semaphore maximum).
    pub fn new(max: usize) -> ConnectionLimit {
        let max = max.min(Semaphore::MAX_PERMITS);
        ConnectionLimit {
            permits: Arc::new(Semaphore::new(max)),
            max: Arc::new(AtomicUsize::new(max)),
        }
    }

    /// Sets the bound of this limit and of every handle on it; for an app being built, before
    /// anything is counted (lowered while connections are open, it can only give up the free
    /// slots: it stops there and says so).
    pub(crate) fn resize(&self, max: usize) {
        let max = max.min(Semaphore::MAX_PERMITS);
        let old = self.max.swap(max, Ordering::SeqCst);
        if max >= old {
            self.permits.add_permits(max - old);
            return;
        }
        let excess = old - max;
        let given_up = self.permits.forget_permits(excess);
        if given_up < excess {
            let bound = old - given_up;
            self.max.store(bound, Ordering::SeqCst);
            tracing::warn!(
                asked = max,
                bound,
                "the connection bound could not be lowered past the connections open"
            );
        }
    }

    /// The semaphore whose permits are the slots.
    pub(crate) fn semaphore(&self) -> &Arc<Semaphore> {
        &self.permits
    }

    /// The bound.
    pub fn max(&self) -> usize {
        self.max.load(Ordering::SeqCst)
    }

    /// Connections counted right now.
    pub fn open(&self) -> usize {
        self.max().saturating_sub(self.permits.available_permits())
    }
}

/// The limit an accepted connection was counted in, as a request extension: a handshake of
/// an app with the same limit then takes no second slot for its WebSocket.
#[derive(Debug, Clone)]
pub(crate) struct CountedIn(pub(crate) Arc<Semaphore>);

/// Refused connections whose input is being drained at once; past this, a refused
/// connection is closed without waiting for its request (a flood must not hold descriptors).
const MAX_DRAINING_REFUSALS: usize = 256;

/// Answers a connection over the limit with 503 and [`HandshakeError::TooManyConnections`]'s
/// text, and closes it. Its request is read and thrown away for up to a second first (at
/// most 64 KiB) while fewer than [`MAX_DRAINING_REFUSALS`] are: closing a socket with unread
/// input resets it, and the reset can overtake the 503 on its way to the client.
fn refuse(stream: TcpStream, draining: &Arc<Semaphore>) {
    let refusal = HandshakeError::TooManyConnections;
    let text = refusal.text();
    let response = format!(
        "HTTP/1.1 {} Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{text}",
        refusal.status(),
        text.len()
    );
    // A fresh socket takes this much at once; one that does not is dropped.
    if !matches!(stream.try_write(response.as_bytes()), Ok(n) if n == response.len()) {
        return;
    }
    let Ok(permit) = draining.clone().try_acquire_owned() else {
        return;
    };
    tokio::spawn(async move {
        super::frames::shut_down_draining(stream, 64 << 10, Duration::from_secs(1), |_| false)
            .await;
        drop(permit);
    });
}

pin_project_lite::pin_project! {
    /// An accepted socket that holds its connection's slot of the [`ConnectionLimit`] for as
    /// long as it lives, through the HTTP request and, once upgraded, the WebSocket.
    struct CountedStream {
        #[pin]
        stream: TcpStream,
        _slot: OwnedSemaphorePermit,
    }
}

impl AsyncRead for CountedStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        self.project().stream.poll_read(cx, buf)
    }
}

impl AsyncWrite for CountedStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.project().stream.poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        self.project().stream.poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.project().stream.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.project().stream.poll_shutdown(cx)
    }
}

/// How long a client may take to send the HTTP request of its handshake (slow-header clients
/// are cut off after it). Default of [`serve`].
pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `filter` on `listener` until `shutdown` resolves: warp routes each request; the
/// connections themselves are hyper's HTTP/1 with upgrades, a `handshake_timeout` on reading
/// request headers (warp's own server sets no timer, so its header timeout never applies), and
/// TCP_NODELAY. Open WebSockets outlive the shutdown of the listener and end on their own.
///
/// At most [`DEFAULT_MAX_OPEN_CONNECTIONS`] TCP connections are open at once (see
/// [`ConnectionLimit`]); [`serve_with_limit`] with [`App::connection_limit`](crate::App::connection_limit)
/// counts them toward the app's `Limits::max_connections` instead.
pub async fn serve<F>(
    listener: TcpListener,
    filter: F,
    handshake_timeout: Duration,
    shutdown: impl std::future::Future<Output = ()>,
) where
    F: Filter + Clone + Send + Sync + 'static,
    F::Extract: Reply,
{
    let limit = ConnectionLimit::new(DEFAULT_MAX_OPEN_CONNECTIONS);
    serve_with_limit(listener, filter, handshake_timeout, limit, shutdown).await
}

/// [`serve`] with every accepted TCP connection (HTTP or WebSocket) counted in `limit`; the
/// ones beyond it are answered 503 and closed before their request is read.
pub async fn serve_with_limit<F>(
    listener: TcpListener,
    filter: F,
    handshake_timeout: Duration,
    limit: ConnectionLimit,
    shutdown: impl std::future::Future<Output = ()>,
) where
    F: Filter + Clone + Send + Sync + 'static,
    F::Extract: Reply,
{
    let service = warp::service(filter);
    let draining = Arc::new(Semaphore::new(MAX_DRAINING_REFUSALS));
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
        let Ok(slot) = limit.permits.clone().try_acquire_owned() else {
            tracing::warn!(%peer, "connection limit reached, refusing a connection");
            refuse(stream, &draining);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let stream = CountedStream {
            stream,
            _slot: slot,
        };
        let service = service.clone();
        let counted_in = CountedIn(limit.permits.clone());
        tokio::spawn(async move {
            // warp routes; each request carries the peer address for the handshake filter,
            // and the limit the connection is counted in.
            let service = hyper::service::service_fn(
                move |mut request: hyper::Request<hyper::body::Incoming>| {
                    request.extensions_mut().insert(PeerAddr(peer));
                    request.extensions_mut().insert(counted_in.clone());
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

impl std::fmt::Debug for ServerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerHandle")
            .field("addr", &self.addr)
            .field("running", &self.shutdown.is_some())
            .finish_non_exhaustive()
    }
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
        let limit = ConnectionLimit::new(DEFAULT_MAX_OPEN_CONNECTIONS);
        Self::spawn_with_limit(listener, filter, handshake_timeout, limit)
    }

    /// Like [`ServerHandle::spawn_with`], counting every TCP connection in `limit` (see
    /// [`serve_with_limit`]).
    pub fn spawn_with_limit<F>(
        listener: TcpListener,
        filter: F,
        handshake_timeout: Duration,
        limit: ConnectionLimit,
    ) -> std::io::Result<ServerHandle>
    where
        F: Filter + Clone + Send + Sync + 'static,
        F::Extract: Reply,
    {
        let addr = listener.local_addr()?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(serve_with_limit(
            listener,
            filter,
            handshake_timeout,
            limit,
            async {
                let _ = rx.await;
            },
        ));
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
    fn resizing_a_limit_moves_the_bound_of_every_handle() {
        let limit = ConnectionLimit::new(4);
        let handle = limit.clone();
        limit.resize(6);
        assert_eq!((handle.max(), handle.open()), (6, 0));
        let open = handle
            .semaphore()
            .clone()
            .try_acquire_many_owned(3)
            .unwrap();
        assert_eq!(handle.open(), 3);
        // Lowered past the three open connections, it stops at them.
        limit.resize(1);
        assert_eq!((handle.max(), handle.open()), (3, 3));
        drop(open);
        assert_eq!(handle.open(), 0);
        limit.resize(2);
        assert_eq!(
            (handle.max(), handle.semaphore().available_permits()),
            (2, 2)
        );
    }
}
