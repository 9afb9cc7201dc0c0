//! Serving: chanrest's accept loop over hyper (a handshake timeout and TCP_NODELAY that
//! warp's own server does not set), and [`ServerHandle`] for a server in a background task.

use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;
use warp::{Filter, Reply};

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
