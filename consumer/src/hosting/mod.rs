//! Hosting on warp: the [`App`] (paths → consumers), the WebSocket handshake, the accept loop,
//! and each connection's socket (read loop, batched writer, one task for both).

mod app;
mod explorer;
mod frames;
mod handshake;
mod metrics;
mod origin;
mod serve;
mod socket;

pub use app::{App, Shutdown};
pub use explorer::Explorer;
pub use origin::OriginPolicy;
pub use serve::{
    serve, serve_with_limit, ConnectionLimit, PeerAddr, ServerHandle, DEFAULT_HANDSHAKE_TIMEOUT,
    DEFAULT_MAX_OPEN_CONNECTIONS,
};
