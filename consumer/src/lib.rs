//! # chanrest
//!
//! WebSocket action APIs in the spirit of Django's djangochannelsrestframework (DCRF): a
//! client sends `{"action", "request_id", ...args}`, gets one reply per request in DCRF's
//! envelope, and receives pushes for what it subscribed to. Consumers are declared once with
//! [`consumer!`]; the same declaration gives typed arguments, a handler trait, and a JSON
//! Schema manifest from which typed clients are generated.
//!
//! The pieces, along the path of a message:
//! - [`App`]: paths → consumers (or a [`Multiplexer`]), authentication, [`Limits`]; served by warp.
//! - the connection: decodes frames ([`envelope`]), checks [`Permissions`], finds the action,
//!   decodes its typed arguments ([`decode_args`], DRF-style errors), runs the handler inline or
//!   detached, and queues the reply on a byte-bounded outbound queue.
//! - [`ChannelLayer`]: groups and pushes ([`InMemoryChannelLayer`] by default).
//! - [`test`]: a test server and client over real sockets, with [`assert_reply!`] and friends.
//!
//! Without the default `server` feature only the contract half is built (argument types and
//! the manifest), which is what a build script needs.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// Lets the macros' string paths (`::chanrest::__private::serde`) work inside this crate too.
extern crate self as chanrest;

mod args;
mod dsl;
pub mod envelope;
mod error;
pub mod manifest;
pub mod model;
pub mod rfc;
pub mod routing;

#[cfg(feature = "server")]
mod connection;
#[cfg(feature = "server")]
mod consumer;
#[cfg(feature = "server")]
pub mod generic;
#[cfg(feature = "server")]
mod layer;
#[cfg(feature = "server")]
mod permission;
#[cfg(feature = "server")]
mod redis_layer;
#[cfg(feature = "server")]
mod scope;
#[cfg(feature = "server")]
mod server;
#[cfg(feature = "server")]
pub mod store;
#[cfg(feature = "server")]
pub mod test;
#[cfg(feature = "server")]
mod view;

pub use args::{decode_args, decode_value};
pub use envelope::{Dialect, RequestId};
pub use error::{messages, ActionError, FieldErrors, Result};
pub use manifest::{ActionInfo, ConsumerBuilder, Contract, Manifest, ManifestBuilder};
pub use routing::Routes;

#[cfg(feature = "server")]
pub use async_trait::async_trait;
#[cfg(feature = "server")]
pub use connection::{close_code, Ctx};
#[cfg(feature = "server")]
pub use consumer::{ActionFuture, BoxFuture, Consumer, Started};
#[cfg(feature = "server")]
pub use layer::{ChannelLayer, GroupMember, InMemoryChannelLayer, LayerError, LocalGroups, Push};
#[cfg(feature = "server")]
pub use permission::{
    AllowAny, IsAuthenticated, Permission, PermissionExt, Permissions, RequireAuthenticatedConnect,
};
#[cfg(feature = "server")]
pub use redis_layer::RedisChannelLayer;
#[cfg(feature = "server")]
pub use routing::RoutedConsumer;
#[cfg(feature = "server")]
pub use scope::{AuthError, Authenticator, Scope, TokenAuth, User};
#[cfg(feature = "server")]
pub use server::{
    serve, App, Limits, Metrics, Multiplexer, PeerAddr, RouteInfo, ServerHandle,
    DEFAULT_HANDSHAKE_TIMEOUT,
};
#[cfg(feature = "server")]
pub use view::{view_as_consumer, ViewConsumer};

/// The arguments of an action declared without any (`action name() -> T;`): any object,
/// extra keys ignored.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
pub struct NoArgs {}

/// The names most programs need.
pub mod prelude {
    #[cfg(feature = "server")]
    pub use crate::{
        async_trait, App, Ctx, Multiplexer, Permission, PermissionExt, Permissions, Push, Scope,
    };
    pub use crate::{consumer, ActionError, Contract, FieldErrors, ManifestBuilder, NoArgs};
}

/// What the macros' expansions use. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::manifest::join_doc;
    pub use schemars;
    pub use serde;
    pub use serde_json;
    pub use serde_json::{json, Value};
    /// A JSON object.
    pub type JsonMap = serde_json::Map<String, Value>;
    pub use std::sync::Arc;

    #[cfg(feature = "server")]
    pub use crate::consumer::{default_action_name, ActionFuture, BoxFuture};
    #[cfg(feature = "server")]
    pub use crate::envelope::encode_data;
    #[cfg(feature = "server")]
    pub use crate::routing::decode_action_args;
    #[cfg(feature = "server")]
    pub use async_trait::async_trait;
}
