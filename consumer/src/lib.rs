//! # chanrest
//!
//! WebSocket action APIs in the spirit of Django's djangochannelsrestframework (DCRF): a
//! client sends `{"action", "request_id", ...args}`, gets one reply per request in DCRF's
//! envelope, and receives pushes for what it subscribed to. Consumers are declared once with
//! [`consumer!`]; the same declaration gives typed arguments, a handler trait, and a JSON
//! Schema manifest from which typed clients are generated.
//!
//! The modules follow a message's path, each depending only on those before it:
//!
//! | module | job |
//! | --- | --- |
//! | [`ActionError`] (`error`) | every status and text a client can see |
//! | [`protocol`] | wire bytes: decoding frames, laying out replies, pushes, the multiplexer |
//! | `contract` | [`consumer!`], [`Contract`], the [`manifest`] and its builder, argument decoding |
//! | `auth` | [`Scope`], authenticators, [`Permissions`] |
//! | `groups` | [`ChannelLayer`]s and [`Push`]es |
//! | `session` | [`Limits`], the outbound queue, per-connection state, [`Ctx`] |
//! | `dispatch` | message → reply with no socket: [`Consumer`], [`RoutedConsumer`], [`LocalConnection`] |
//! | `hosting` | warp: [`App`], the handshake, the socket's read loop and writer |
//! | [`model`], [`store`], [`generic`], [`rfc`] | generic model consumers on SQLite or PostgreSQL |
//! | `testkit` | a test server and client over real sockets (feature `test-util`) |
//!
//! Without the default `server` feature only the contract half is built (argument types and
//! the manifest), which is what a build script needs.
#![forbid(unsafe_code)]

// Lets the macros' string paths (`::chanrest::__private::serde`) work inside this crate too.
extern crate self as chanrest;

mod contract;
mod dialect;
mod error;
mod models;
pub mod protocol;

#[cfg(feature = "server")]
mod auth;
#[cfg(feature = "server")]
mod dispatch;
#[cfg(feature = "server")]
mod groups;
#[cfg(feature = "server")]
mod hosting;
#[cfg(feature = "server")]
mod session;
#[cfg(feature = "test-util")]
pub mod testkit;

pub use contract::build;
pub use contract::{
    decode_args, decode_value, ActionInfo, ConsumerBuilder, Contract, NoArgs, Routes,
};
pub use contract::{Manifest, ManifestBuilder};
pub use dialect::Dialect;
pub use error::{messages, ActionError, FieldErrors, HandshakeError, Result};
pub use models::{model, rfc};
pub use protocol::{close_code, Content, RequestId};

#[cfg(feature = "server")]
pub use async_trait::async_trait;
#[cfg(feature = "server")]
pub use auth::{
    AllowAny, AuthError, Authenticator, IsAuthenticated, Permission, PermissionExt, Permissions,
    RequireAuthenticatedConnect, Scope, TokenAuth, User,
};
#[cfg(feature = "server")]
pub use dispatch::{
    view_as_consumer, ActionFuture, BoxFuture, Consumer, LocalConnection, Multiplexer, Resolution,
    RouteInfo, RoutedConsumer, Started, ViewConsumer,
};
#[cfg(feature = "redis")]
pub use groups::RedisChannelLayer;
#[cfg(feature = "server")]
pub use groups::{ChannelLayer, GroupMember, InMemoryChannelLayer, LayerError, LocalGroups, Push};
#[cfg(feature = "server")]
pub use hosting::{
    serve, serve_with_limit, App, ConnectionLimit, Explorer, OriginPolicy, PeerAddr, ServerHandle,
    Shutdown, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_MAX_OPEN_CONNECTIONS,
};
#[cfg(feature = "server")]
pub use models::dcrf as generic;
#[cfg(feature = "server")]
pub use session::{Ctx, Limits, Metrics};

/// The manifest: every consumer, its path and dialect, and every action with JSON Schemas
/// (draft-07) for its arguments and response; built by [`ManifestBuilder`] at compile time
/// (no server features needed) and read by the code generator.
pub mod manifest {
    pub use crate::contract::{
        ActionInfo, ActionManifest, ConsumerBuilder, ConsumerManifest, Contract, Manifest,
        ManifestBuilder, MultiplexerManifest, PushManifest, RepliesManifest, RouteManifest,
        RouteParamManifest, StreamManifest, FORMAT_VERSION, REPLIES_PAGES,
    };
}

/// Routes inside a consumer of rest-framework-channels' dialect: patterns
/// ([`RoutePattern`](routing::RoutePattern)), the table the manifest describes
/// ([`Routes`](routing::Routes)), and the consumer that serves it
/// (`RoutedConsumer`, with the `server` feature).
pub mod routing {
    pub use crate::contract::{RouteDecl, Routes};
    #[cfg(feature = "server")]
    pub use crate::dispatch::RoutedConsumer;
    pub use crate::protocol::{Converter, RoutePattern};
}

/// The store: declared models in SQLite (embedded, the default) or PostgreSQL through one
/// pool; every write is a transaction whose changes are published after the commit.
#[cfg(feature = "server")]
pub mod store {
    pub use crate::models::changes::{
        instance_group, observer_group, query_group, Change, ChangeKind, ModelObserver,
    };
    pub use crate::models::query::Query;
    pub use crate::models::sql::{SqlDialect, Store, StoreError, Tx};
}

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
    pub use crate::contract::dsl::known;
    pub use crate::contract::dsl::support::{
        actions, any, count_actions, dialect, join_doc_lines, name, names, occurrences, repeats,
        schema_description, status,
    };
    pub use crate::contract::join_doc;
    pub use schemars;
    pub use serde;
    pub use serde_json;
    pub use serde_json::{json, Value};
    /// A JSON object.
    pub type JsonMap = serde_json::Map<String, Value>;
    pub use std::sync::Arc;

    #[cfg(feature = "server")]
    pub use crate::dispatch::{default_action_name, ActionFuture, BoxFuture};
    #[cfg(feature = "server")]
    pub use crate::protocol::{encode_data, Data};
    #[cfg(feature = "server")]
    pub use crate::session::decode_action_args;
    #[cfg(feature = "server")]
    pub use async_trait::async_trait;
}
