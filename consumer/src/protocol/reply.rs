//! Outgoing frames: every byte chanrest writes to a socket is laid out here. Replies in each
//! dialect's key order (DCRF: `{"errors", "data", "action", "response_status",
//! "request_id"}`; rest-framework-channels: `{"errors", "data", "action", "route",
//! "status"}`), pushes encoded once per fan-out, and the multiplexer's
//! `{"stream": name, "payload": message}` wrapper.

use super::request::{BadFrame, RequestId};
use crate::dialect::Dialect;
use crate::error::ActionError;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;
use std::fmt::Write as _;
use std::sync::Arc;

/// An outgoing message in the consumer's envelope: a reply to a request, or a push.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The `action` field (`null` when the request had none).
    pub action: Option<Arc<str>>,
    /// The echoed `request_id` (or the subscribing request id of a push).
    pub request_id: RequestId,
    /// `response_status`.
    pub status: u16,
    /// `data`: JSON text (`null` on errors).
    pub data: Option<Arc<RawValue>>,
    /// `errors`: `[]` on success.
    pub errors: Vec<Value>,
    /// The RFC dialect's `route`, echoed as the client sent it (`""` when `None`); ignored
    /// by the DCRF dialect.
    pub route: Option<Arc<str>>,
    /// The `action` as the client sent it, when it was not a string (echoed in its place).
    pub action_as_sent: Option<Value>,
    /// The `route` as the client sent it, when it was not a string (echoed in its place).
    pub route_as_sent: Option<Value>,
}

impl Reply {
    /// A success reply carrying `data` (already encoded).
    pub fn ok(
        action: Option<Arc<str>>,
        request_id: RequestId,
        status: u16,
        data: Arc<RawValue>,
    ) -> Self {
        Reply {
            action,
            request_id,
            status,
            data: Some(data),
            errors: Vec::new(),
            route: None,
            action_as_sent: None,
            route_as_sent: None,
        }
    }

    /// An error reply, its texts in `dialect`'s words.
    pub fn error(
        dialect: Dialect,
        action: Option<Arc<str>>,
        request_id: RequestId,
        err: &ActionError,
    ) -> Self {
        Reply {
            action,
            request_id,
            status: err.status_in(dialect),
            data: None,
            errors: err.errors_in(dialect),
            route: None,
            action_as_sent: None,
            route_as_sent: None,
        }
    }

    /// The reply for a frame that could not be taken as a request. In rest-framework-channels'
    /// dialect a frame that is JSON but not an object is answered as a message without an
    /// action, as that library does.
    pub fn bad_frame(dialect: Dialect, bad: &BadFrame) -> Self {
        let error = match (&bad.error, dialect) {
            (ActionError::NotAnObject, Dialect::Rfc) => &ActionError::ActionMissing,
            (error, _) => error,
        };
        Reply::error(dialect, None, bad.request_id.clone(), error)
    }

    /// Echoes `action` as the client sent it (a value that is not a string).
    pub fn with_action_as_sent(mut self, action: Option<Value>) -> Self {
        self.action_as_sent = action;
        self
    }

    /// Echoes `route` as the client sent it (a value that is not a string).
    pub fn with_route_as_sent(mut self, route: Option<Value>) -> Self {
        self.route_as_sent = route;
        self
    }

    /// Sets the echoed `route` (RFC dialect).
    pub fn with_route(mut self, route: Option<Arc<str>>) -> Self {
        self.route = route;
        self
    }

    /// Encodes the reply as frame text in `dialect`, wrapped for `stream` when multiplexed.
    pub fn encode(&self, dialect: Dialect, stream: Option<&str>) -> String {
        if let (Dialect::Dcrf, None, Some(data), None, true) = (
            dialect,
            stream,
            &self.data,
            &self.action_as_sent,
            self.errors.is_empty(),
        ) {
            // The reply of every successful DCRF action, laid out directly (the same bytes as
            // the serializer below writes, in one allocation of the right size).
            return dcrf_success(self.action.as_deref(), self.status, data, &self.request_id);
        }
        let body = DialectReply {
            reply: self,
            dialect,
        };
        let result = match stream {
            None => serde_json::to_string(&body),
            Some(stream) => serde_json::to_string(&MuxReply {
                stream,
                payload: body,
            }),
        };
        // Serializing maps of strings and raw JSON cannot fail.
        result.expect("reply serialization")
    }
}

struct DialectReply<'a> {
    reply: &'a Reply,
    dialect: Dialect,
}

impl Serialize for DialectReply<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = self.reply;
        match self.dialect {
            Dialect::Dcrf => {
                // DCRF's key order.
                let mut map = serializer.serialize_map(Some(5))?;
                map.serialize_entry("errors", &r.errors)?;
                map.serialize_entry("data", &r.data.as_deref())?;
                match &r.action_as_sent {
                    Some(sent) => map.serialize_entry("action", sent)?,
                    None => map.serialize_entry("action", &r.action.as_deref())?,
                }
                map.serialize_entry("response_status", &r.status)?;
                map.serialize_entry("request_id", &r.request_id)?;
                map.end()
            }
            Dialect::Rfc => {
                // rest-framework-channels' key order.
                let mut map = serializer.serialize_map(Some(5))?;
                map.serialize_entry("errors", &r.errors)?;
                map.serialize_entry("data", &r.data.as_deref())?;
                match &r.action_as_sent {
                    Some(sent) => map.serialize_entry("action", sent)?,
                    None => map.serialize_entry("action", &r.action.as_deref())?,
                }
                match &r.route_as_sent {
                    Some(sent) => map.serialize_entry("route", sent)?,
                    None => map.serialize_entry("route", r.route.as_deref().unwrap_or(""))?,
                }
                map.serialize_entry("status", &r.status)?;
                map.end()
            }
        }
    }
}

struct MuxReply<'a> {
    stream: &'a str,
    payload: DialectReply<'a>,
}

impl Serialize for MuxReply<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("stream", self.stream)?;
        map.serialize_entry("payload", &self.payload)?;
        map.end()
    }
}

/// `{"errors":[],"data":<data>,"action":<action>,"response_status":<status>,"request_id":<id>}`,
/// in a buffer of exactly its length when the action needs no escaping (the usual case): a
/// frame whose length is its capacity becomes the socket's message without another allocation.
fn dcrf_success(action: Option<&str>, status: u16, data: &RawValue, id: &RequestId) -> String {
    let id = id.as_json();
    let mut text = dcrf_prefix(action, status, data, id.len() + 1);
    text.push_str(id);
    text.push('}');
    text
}

/// DCRF's envelope up to the value of `request_id`, with room for `rest` more bytes.
fn dcrf_prefix(action: Option<&str>, status: u16, data: &RawValue, rest: usize) -> String {
    const FIXED: usize = r#"{"errors":[],"data":,"action":,"response_status":,"request_id":"#.len();
    let data = data.get();
    let action_len = action.map_or(4, |a| a.len() + 2);
    let status_len = status.checked_ilog10().map_or(1, |d| d as usize + 1);
    let mut text = String::with_capacity(FIXED + data.len() + action_len + status_len + rest);
    text.push_str(r#"{"errors":[],"data":"#);
    text.push_str(data);
    text.push_str(r#","action":"#);
    push_json_str(&mut text, action);
    text.push_str(r#","response_status":"#);
    // Writing to a String cannot fail.
    let _ = write!(text, "{status}");
    text.push_str(r#","request_id":"#);
    text
}

/// Appends `value` as a JSON string (`null` for `None`), escaped as serde_json escapes it.
fn push_json_str(text: &mut String, value: Option<&str>) {
    match value {
        None => text.push_str("null"),
        // Action names are identifiers: nothing to escape, so no serializer is needed.
        Some(value) if !value.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') => {
            text.push('"');
            text.push_str(value);
            text.push('"');
        }
        Some(value) => text.push_str(&serde_json::to_string(value).expect("a string serializes")),
    }
}

/// Encodes any serializable value as shared raw JSON (a reply's `data`).
pub fn encode_data<T: Serialize + ?Sized>(value: &T) -> Result<Arc<RawValue>, ActionError> {
    Ok(Arc::from(serde_json::value::to_raw_value(value)?))
}

/// The start every success reply shares, in both dialects, up to its `data`.
const SUCCESS_HEAD: &str = r#"{"errors":[],"data":"#;

/// A successful action's reply `data`, encoded. What an action encodes itself
/// ([`Data::encode`]) is written after the reply's opening, in the buffer that becomes the
/// reply: the rest of the envelope is appended, and nothing is copied on its way out.
///
/// ```
/// use chanrest::protocol::{Data, Dialect, RequestId};
/// let data = Data::encode(&serde_json::json!({"n": 1})).unwrap();
/// let id = RequestId::from_json("7").unwrap();
/// assert_eq!(
///     data.into_reply(Dialect::Dcrf, None, "echo", 200, &id, None),
///     r#"{"errors":[],"data":{"n":1},"action":"echo","response_status":200,"request_id":7}"#
/// );
/// ```
#[derive(Debug, Clone)]
pub struct Data(DataText);

#[derive(Debug, Clone)]
enum DataText {
    /// [`SUCCESS_HEAD`] followed by the data.
    AfterHead(String),
    Shared(Arc<RawValue>),
}

impl Data {
    /// Encodes `value` after the opening of its reply.
    pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Data, ActionError> {
        let mut text = Vec::with_capacity(128);
        text.extend_from_slice(SUCCESS_HEAD.as_bytes());
        serde_json::to_writer(&mut text, value)?;
        let text = String::from_utf8(text).map_err(ActionError::internal)?;
        Ok(Data(DataText::AfterHead(text)))
    }

    /// The data as JSON text.
    pub fn get(&self) -> &str {
        match &self.0 {
            DataText::AfterHead(text) => &text[SUCCESS_HEAD.len()..],
            DataText::Shared(raw) => raw.get(),
        }
    }

    /// The success reply carrying this data, as frame text in `dialect`, wrapped for `stream`
    /// when multiplexed: the same bytes as [`Reply::encode`] writes for [`Reply::ok`].
    pub fn into_reply(
        self,
        dialect: Dialect,
        stream: Option<&str>,
        action: &str,
        status: u16,
        request_id: &RequestId,
        route: Option<&str>,
    ) -> String {
        let mut text = match (self.0, stream) {
            (DataText::AfterHead(text), None) => text,
            (data, stream) => {
                let data = Data(data);
                let data = data.get();
                let mut text = String::with_capacity(SUCCESS_HEAD.len() + data.len() + 100);
                if let Some(stream) = stream {
                    text.push_str(&stream_prefix(stream));
                }
                text.push_str(SUCCESS_HEAD);
                text.push_str(data);
                text
            }
        };
        text.push_str(r#","action":"#);
        push_json_str(&mut text, Some(action));
        match dialect {
            Dialect::Dcrf => {
                text.push_str(r#","response_status":"#);
                // Writing to a String cannot fail.
                let _ = write!(text, "{status}");
                text.push_str(r#","request_id":"#);
                text.push_str(request_id.as_json());
            }
            Dialect::Rfc => {
                text.push_str(r#","route":"#);
                push_json_str(&mut text, Some(route.unwrap_or("")));
                text.push_str(r#","status":"#);
                let _ = write!(text, "{status}");
            }
        }
        text.push('}');
        if stream.is_some() {
            text.push('}');
        }
        text
    }
}

impl From<Arc<RawValue>> for Data {
    fn from(raw: Arc<RawValue>) -> Self {
        Data(DataText::Shared(raw))
    }
}

/// A push's DCRF envelope up to the value of `request_id`:
/// `{"errors":[],"data":...,"action":"...","response_status":200,"request_id":`. A member
/// appends its subscriber's id with [`finish_push`], so a push to thousands of members is
/// serialized once (the bytes [`Reply::encode`] writes, in the same key order).
///
/// ```
/// let data = serde_json::value::to_raw_value(&1).unwrap();
/// let prefix = chanrest::protocol::push_prefix("tick", 200, &data);
/// let mut frame = Vec::new();
/// chanrest::protocol::finish_push(&mut frame, None, &prefix, "7");
/// assert_eq!(
///     String::from_utf8(frame).unwrap(),
///     r#"{"errors":[],"data":1,"action":"tick","response_status":200,"request_id":7}"#
/// );
/// ```
pub fn push_prefix(action: &str, status: u16, data: &RawValue) -> String {
    dcrf_prefix(Some(action), status, data, 0)
}

/// The multiplexer's wrapper up to the payload, `{"stream":"<name>","payload":`, built once
/// per stream of a connection.
pub fn stream_prefix(stream: &str) -> String {
    let name = serde_json::to_string(stream).expect("a string serializes");
    format!(r#"{{"stream":{name},"payload":"#)
}

/// The pieces of one push frame, in order: the stream wrapper (from [`stream_prefix`]) when
/// multiplexed, the push's [`push_prefix`], the subscriber's request id (JSON text), and the
/// closing braces. A writer copies them into its own buffer.
pub fn push_parts<'a>(
    stream_prefix: Option<&'a str>,
    prefix: &'a str,
    request_id: &'a str,
) -> [&'a [u8]; 4] {
    let close: &[u8] = if stream_prefix.is_some() { b"}}" } else { b"}" };
    [
        stream_prefix.map_or(&[][..], str::as_bytes),
        prefix.as_bytes(),
        request_id.as_bytes(),
        close,
    ]
}

/// Appends one push frame ([`push_parts`]) to `out`.
pub fn finish_push(out: &mut Vec<u8>, stream_prefix: Option<&str>, prefix: &str, request_id: &str) {
    for part in push_parts(stream_prefix, prefix, request_id) {
        out.extend_from_slice(part);
    }
}

/// The length of a push frame ([`push_parts`]).
pub fn push_len(stream_prefix: Option<&str>, prefix: &str, request_id: &str) -> usize {
    push_parts(stream_prefix, prefix, request_id)
        .iter()
        .map(|part| part.len())
        .sum()
}

/// Wraps an encoded payload for a multiplexed stream given as the client sent it (any JSON
/// value, `null` when absent): the reply to a frame no stream could take.
pub fn wrap_stream(stream: &Value, payload: &str) -> String {
    format!(r#"{{"stream":{stream},"payload":{payload}}}"#)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::messages;
    use crate::protocol::request::{decode, decode_mux};
    use serde_json::json;

    #[test]
    fn data_laid_out_in_its_reply_gives_the_serialized_reply() {
        let value = json!({"n": 1, "s": "x\"y", "é": [null]});
        for dialect in [Dialect::Dcrf, Dialect::Rfc] {
            for stream in [None, Some("todos"), Some("we\"ird")] {
                for (action, route) in [("echo", None), ("we\"ird\\ \u{1}", Some("a/\"b"))] {
                    for id in ["1", "\"a\"", "null"] {
                        let id = RequestId::from_json(id).unwrap();
                        let reply = Reply::ok(
                            Some(Arc::from(action)),
                            id.clone(),
                            201,
                            encode_data(&value).unwrap(),
                        )
                        .with_route(route.map(Arc::from).or(Some(Arc::from(""))));
                        let expected = reply.encode(dialect, stream);
                        for data in [
                            Data::encode(&value).unwrap(),
                            Data::from(encode_data(&value).unwrap()),
                        ] {
                            let laid_out =
                                data.into_reply(dialect, stream, action, 201, &id, route);
                            assert_eq!(laid_out, expected);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_laid_out_success_reply_is_the_serialized_one() {
        for action in [Some("echo"), Some("we\"ird\\ \u{1} é"), None] {
            for status in [0, 7, 200, 201, 65535] {
                for id in ["1", "\"a\"", "null", "{\"k\": [1, 2]}"] {
                    let reply = Reply::ok(
                        action.map(Arc::from),
                        RequestId::from_json(id).unwrap(),
                        status,
                        encode_data(&json!({"n": 1, "s": "x\"y"})).unwrap(),
                    );
                    let serialized = serde_json::to_string(&DialectReply {
                        reply: &reply,
                        dialect: Dialect::Dcrf,
                    })
                    .unwrap();
                    let encoded = reply.encode(Dialect::Dcrf, None);
                    assert_eq!(encoded, serialized);
                    if action != Some("we\"ird\\ \u{1} é") {
                        assert_eq!(encoded.len(), encoded.capacity(), "sized exactly");
                    }
                    let prefix =
                        push_prefix(action.unwrap_or("x"), status, &encode_data(&1).unwrap());
                    let mut expected = serde_json::to_string(&DialectReply {
                        reply: &Reply::ok(
                            action.or(Some("x")).map(Arc::from),
                            RequestId::none(),
                            status,
                            encode_data(&1).unwrap(),
                        ),
                        dialect: Dialect::Dcrf,
                    })
                    .unwrap();
                    expected.truncate(expected.len() - "null}".len());
                    assert_eq!(prefix, expected);
                }
            }
        }
    }

    #[test]
    fn request_id_is_echoed_verbatim() {
        for id in [
            "7",
            "\"7\"",
            "123456789012345678901234567890",
            "{\"a\": [1, 2]}",
            "null",
            "1.50",
        ] {
            let frame = format!(r#"{{"action": "x", "request_id": {id}, "k": 1}}"#);
            let env = decode(&frame).unwrap();
            let reply = Reply::ok(
                Some("x".into()),
                env.request_id.clone(),
                200,
                encode_data(&1).unwrap(),
            );
            let text = reply.encode(Dialect::Dcrf, None);
            assert!(
                text.ends_with(&format!(
                    r#""request_id":{}}}"#,
                    id.replace(": ", ":").replace(", ", ",")
                )) || text.contains(id),
                "{text}"
            );
            assert_eq!(env.content.get("k"), Some(&json!(1)));
        }
    }

    #[test]
    fn key_order_matches_dcrf() {
        let reply = Reply::error(
            Dialect::Dcrf,
            Some("a".into()),
            RequestId::none(),
            &ActionError::NotFound,
        );
        assert_eq!(
            reply.encode(Dialect::Dcrf, None),
            r#"{"errors":["Not found"],"data":null,"action":"a","response_status":404,"request_id":null}"#
        );
        assert_eq!(
            reply.encode(Dialect::Dcrf, Some("s")),
            r#"{"stream":"s","payload":{"errors":["Not found"],"data":null,"action":"a","response_status":404,"request_id":null}}"#
        );
    }

    #[test]
    fn rfc_key_order_and_route_echo() {
        let reply = Reply::ok(
            Some("list".into()),
            RequestId::none(),
            200,
            encode_data(&[1]).unwrap(),
        )
        .with_route(Some("todos/?page=2".into()));
        assert_eq!(
            reply.encode(Dialect::Rfc, None),
            r#"{"errors":[],"data":[1],"action":"list","route":"todos/?page=2","status":200}"#
        );
        let reply = Reply::error(
            Dialect::Rfc,
            None,
            RequestId::none(),
            &ActionError::PermissionDenied,
        );
        assert_eq!(
            reply.encode(Dialect::Rfc, None),
            r#"{"errors":["You do not have permission to perform this action."],"data":null,"action":null,"route":"","status":403}"#
        );
    }

    #[test]
    fn bad_frames() {
        let text = |frame: &str| match decode(frame) {
            Err(bad) => bad.error.errors()[0]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            Ok(envelope) => panic!("decoded {envelope:?}"),
        };
        assert_eq!(text("[1,2]"), messages::NOT_AN_OBJECT);
        assert_eq!(text("3"), messages::NOT_AN_OBJECT);
        assert!(text("{").starts_with("Invalid JSON"));
        assert!(text("{} x").starts_with("Invalid JSON"));
        assert!(text(&"[".repeat(10_000)).starts_with("Invalid JSON"));
    }

    #[test]
    fn mux_frames() {
        let frame =
            decode_mux(r#"{"stream": "todos", "payload": {"action": "list", "request_id": "r"}}"#)
                .unwrap();
        assert_eq!(frame.stream, json!("todos"));
        assert_eq!(frame.payload.unwrap().request_id.as_json(), "\"r\"");
        let frame = decode_mux(r#"{"stream": "todos", "payload": 5}"#).unwrap();
        assert!(frame.payload.is_err());
        assert!(decode_mux("[]").is_err());
    }

    #[test]
    fn push_frames_are_what_reply_encode_writes() {
        let data = encode_data(&json!({"k": [1, "é"]})).unwrap();
        let prefix = push_prefix("up\"date", 204, &data);
        for id in [
            "7",
            "\"s\"",
            "null",
            "{\"a\": [1, 2]}",
            "123456789012345678901234567890",
        ] {
            let request_id = RequestId::from_json(id).unwrap();
            let reply = Reply::ok(Some(Arc::from("up\"date")), request_id, 204, data.clone());
            let mut plain = Vec::new();
            finish_push(&mut plain, None, &prefix, id);
            assert_eq!(plain, reply.encode(Dialect::Dcrf, None).into_bytes());
            let stream = stream_prefix("s");
            let mut wrapped = Vec::new();
            finish_push(&mut wrapped, Some(&stream), &prefix, id);
            assert_eq!(wrapped, reply.encode(Dialect::Dcrf, Some("s")).into_bytes());
            assert_eq!(push_len(Some(&stream), &prefix, id), wrapped.len());
        }
    }

    #[test]
    fn a_frame_failing_after_its_request_id_keeps_it() {
        let bad = decode(r#"{"action": "a", "request_id": 7, "x": 1e400}"#).unwrap_err();
        assert_eq!(bad.request_id.as_json(), "7");
        let bad = decode_mux(r#"{"stream": "s", "payload": {"request_id": "r", "x": 1e400}}"#)
            .unwrap_err();
        assert_eq!(bad.request_id.as_json(), "\"r\"");
        // Before the id is read, there is none.
        let bad = decode(r#"{"x": 1e400, "request_id": 7}"#).unwrap_err();
        assert!(bad.request_id.is_none());
    }
}
