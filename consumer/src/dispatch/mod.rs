//! Message → reply, with no socket: the [`Consumer`] trait, the endpoints a path serves (one
//! consumer or a [`Multiplexer`]), the connection's dispatch (decode, permission, action,
//! handler, reply), routed consumers, wrapped HTTP views, and the in-process
//! [`LocalConnection`].

mod connection;
mod consumer;
mod endpoint;
mod local;
mod routed;
mod view;

pub(crate) use connection::{Connection, ConnectionSetup};
pub use consumer::{default_action_name, ActionFuture, BoxFuture, Consumer, Resolution, Started};
pub(crate) use endpoint::{Endpoint, Mount};
pub use endpoint::{Multiplexer, RouteInfo};
pub use local::LocalConnection;
pub use routed::RoutedConsumer;
pub use view::{view_as_consumer, ViewConsumer};
