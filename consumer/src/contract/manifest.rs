//! The manifest's data: every consumer, its path and dialect, and every action with JSON
//! Schemas (draft-07) for its arguments and response. Built by [`super::ManifestBuilder`] (no
//! server features needed), read by the code generator.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// The manifest format's version; bumped on incompatible changes.
pub const FORMAT_VERSION: u32 = 1;

/// A whole API: consumers, where they are mounted, and shared definitions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// JSON Schema dialect of every schema inside.
    #[serde(rename = "$schema")]
    pub schema: String,
    /// Manifest format version ([`FORMAT_VERSION`]).
    pub format: u32,
    /// The API's title.
    pub title: String,
    /// The API's version.
    pub version: String,
    /// Consumers mounted at their own path, in declaration order.
    pub consumers: Vec<ConsumerManifest>,
    /// Multiplexed endpoints, in declaration order.
    pub multiplexers: Vec<MultiplexerManifest>,
    /// The reply envelope of every dialect (JSON Schema).
    pub envelopes: Map<String, Value>,
    /// Named schemas referenced as `#/definitions/<name>`.
    pub definitions: Map<String, Value>,
}

/// One consumer of the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsumerManifest {
    /// The consumer's name (its `consumer!` name).
    pub name: String,
    /// Where it is mounted on its own (`null` when only reachable through a multiplexer).
    pub path: Option<String>,
    /// Its envelope dialect (`dcrf` or `rfc`).
    pub dialect: String,
    /// Its doc comment.
    pub doc: String,
    /// Its actions, in declaration order.
    pub actions: Vec<ActionManifest>,
    /// The pushes it can send, in declaration order.
    pub pushes: Vec<PushManifest>,
    /// Its route table, for a routed consumer in the `rfc` dialect (absent otherwise), in
    /// matching order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<RouteManifest>,
}

/// One route of a routed consumer: messages whose `route` starts with `pattern` go to
/// `consumer` (another entry of the manifest, without a path of its own).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteManifest {
    /// The pattern, in Django's `path()` syntax (`todos/<pk>/`).
    pub pattern: String,
    /// Its parameters, in order; each becomes an argument of the child's actions.
    pub params: Vec<RouteParamManifest>,
    /// The child consumer's name.
    pub consumer: String,
}

/// A route parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteParamManifest {
    /// Its name (the argument it becomes).
    pub name: String,
    /// Its type: as the child's actions declare the argument, else the converter's.
    pub schema: Value,
}

/// One action of a consumer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionManifest {
    /// Wire name.
    pub name: String,
    /// Doc comment.
    pub doc: String,
    /// Schema of the arguments object (the message's keys besides `action` and `request_id`).
    pub args: Value,
    /// Schema of the reply's `data` on success.
    pub response: Value,
    /// The success `response_status`.
    pub status: u16,
    /// Runs detached: later messages are served while it runs; its reply comes when it ends.
    pub detached: bool,
    /// Names of the pushes this action can cause (see the consumer's `pushes`). For a
    /// subscription, the pushes that carry the subscribing request's `request_id`.
    pub pushes: Vec<String>,
    /// For a subscription: the action that ends it, sent with the same `request_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsubscribe: Option<String>,
    /// For an action that answers one request with several replies (absent for one reply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replies: Option<RepliesManifest>,
}

/// How a multi-reply action replies: every reply carries the request's `request_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepliesManifest {
    /// What the replies are. `pages`: each successful reply's `data` is a page
    /// `{count, results, limit, offset}`; the stream ends with the page where
    /// `count == 0 || offset + limit >= count`, or with an error reply.
    pub kind: String,
    /// The action that stops the streams in flight on the connection (sent with a request id
    /// of its own); a stopped stream ends with an error reply.
    pub cancel: String,
}

/// The [`RepliesManifest::kind`] of a paged stream.
pub const REPLIES_PAGES: &str = "pages";

/// A server push: a message with the consumer's envelope whose `action` is `name`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushManifest {
    /// The push's `action` value on the wire.
    pub name: String,
    /// Doc comment.
    pub doc: String,
    /// Schema of its `data`.
    pub data: Value,
    /// Its `response_status`.
    pub status: u16,
}

/// A multiplexed endpoint: one socket, several consumers by stream name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiplexerManifest {
    /// Where it is mounted.
    pub path: String,
    /// Stream name → consumer name, in declaration order.
    pub streams: Vec<StreamManifest>,
}

/// One stream of a multiplexer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamManifest {
    /// The `stream` value on the wire.
    pub stream: String,
    /// The consumer's name.
    pub consumer: String,
}

/// The reply envelopes, as JSON Schema.
pub(crate) fn envelopes() -> Map<String, Value> {
    let mut map = Map::new();
    map.insert(
        "dcrf".to_owned(),
        json!({
            "type": "object",
            "required": ["errors", "data", "action", "response_status", "request_id"],
            "properties": {
                "errors": {"type": "array", "description": "[] on success; strings, or one object of field errors"},
                "data": {"description": "The action's response on success, null on error"},
                "action": {"type": ["string", "null"]},
                "response_status": {"type": "integer"},
                "request_id": {"description": "The request's request_id, echoed verbatim"}
            }
        }),
    );
    map.insert(
        "rfc".to_owned(),
        json!({
            "type": "object",
            "required": ["errors", "data", "action", "route", "status"],
            "properties": {
                "errors": {"type": "array", "description": "[] on success; strings, or one object of field errors"},
                "data": {"description": "The action's response on success, null on error"},
                "action": {"type": ["string", "null"]},
                "route": {"type": "string", "description": "The request's route, echoed as sent (\"\" when absent)"},
                "status": {"type": "integer"}
            }
        }),
    );
    map
}
