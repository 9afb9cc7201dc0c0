//! The wire envelope: decoding a frame into a request and encoding replies, per dialect.
//!
//! DCRF's dialect (the default): `{"action", "request_id", ...args}` in,
//! `{"errors", "data", "action", "response_status", "request_id"}` out, `request_id` echoed as
//! the exact JSON text the client sent (an integer beyond 2^64 stays as written). The
//! multiplexer wraps either direction in `{"stream": name, "payload": message}`.
//!
//! rest-framework-channels' dialect ([`Dialect::Rfc`]): `{"action", "route", ...args}` in,
//! `{"errors", "data", "action", "route", "status"}` out. Frames decode the same way; the
//! connection gives an RFC consumer's `request_id` back to the arguments.

use crate::error::{messages, ActionError};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::fmt;
use std::sync::Arc;

/// How a consumer's messages are framed on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Dialect {
    /// djangochannelsrestframework: `request_id` correlation, `response_status`.
    #[default]
    Dcrf,
    /// rest-framework-channels: `{"action", "route", ...args}` in,
    /// `{"errors", "data", "action", "route", "status"}` out, the route echoed as sent; no
    /// request ids (a `request_id` key is an ordinary argument).
    Rfc,
}

impl Dialect {
    /// The dialect's name in the manifest.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Dcrf => "dcrf",
            Dialect::Rfc => "rfc",
        }
    }
}

/// The request id of a message: the client's JSON text, echoed verbatim; `null` when absent.
#[derive(Clone, Default)]
pub struct RequestId(Option<Arc<RawValue>>);

impl PartialEq for RequestId {
    /// Ids are equal when their JSON text is (`1` and `1.0` are different ids, as in DCRF).
    fn eq(&self, other: &Self) -> bool {
        self.as_json() == other.as_json()
    }
}

impl Eq for RequestId {}

impl RequestId {
    /// No request id (echoed as `null`).
    pub fn none() -> Self {
        RequestId(None)
    }

    /// A request id from JSON text. Returns `None` if `json` is not valid JSON.
    pub fn from_json(json: &str) -> Option<Self> {
        let raw = RawValue::from_string(json.trim().to_owned()).ok()?;
        Some(RequestId(Some(Arc::from(raw))))
    }

    /// True when the message had no `request_id` key (or it was `null`).
    pub fn is_none(&self) -> bool {
        self.0.as_deref().is_none_or(|raw| raw.get() == "null")
    }

    /// The JSON text as sent (`null` when absent).
    pub fn as_json(&self) -> &str {
        self.0.as_deref().map_or("null", RawValue::get)
    }

    /// Takes the id out, as a JSON value: `None` when the message had no `request_id` key
    /// (the RFC dialect gives it back to the arguments).
    #[cfg(feature = "server")]
    pub(crate) fn take_value(&mut self) -> Option<Value> {
        self.0
            .take()
            .map(|raw| serde_json::from_str(raw.get()).unwrap_or(Value::Null))
    }

    /// The id as a JSON value (numbers beyond f64 lose precision here; the wire echo does not).
    pub fn to_value(&self) -> Value {
        serde_json::from_str(self.as_json()).unwrap_or(Value::Null)
    }
}

impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_json())
    }
}

impl Serialize for RequestId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Some(raw) => raw.serialize(serializer),
            None => serializer.serialize_unit(),
        }
    }
}

/// A decoded request: the echoed correlation, and every other key of the message.
#[derive(Debug, Clone, Default)]
pub struct Envelope {
    /// The `request_id`, verbatim.
    pub request_id: RequestId,
    /// Every other top-level key, `action` included (a consumer may read its action name its own
    /// way, like DCRF's `get_action_name`).
    pub content: Map<String, Value>,
}

/// A frame the envelope layer could not accept, with the reply it deserves.
#[derive(Debug, Clone, PartialEq)]
pub struct BadFrame {
    /// Wire status (400).
    pub status: u16,
    /// The message text.
    pub message: String,
    /// The request id, when it could be read before the failure.
    pub request_id: RequestId,
}

impl BadFrame {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        BadFrame {
            status: 400,
            message: message.into(),
            request_id: RequestId::none(),
        }
    }
}

/// What decoding a payload gave: an object, or a value of another JSON type.
enum Decoded {
    Object(Envelope),
    NotObject,
}

/// Decodes one DCRF message from frame text.
pub fn decode(text: &str) -> Result<Envelope, BadFrame> {
    let mut de = serde_json::Deserializer::from_str(text);
    let decoded = EnvelopeSeed
        .deserialize(&mut de)
        .and_then(|d| de.end().map(|()| d));
    match decoded {
        Ok(Decoded::Object(envelope)) => Ok(envelope),
        Ok(Decoded::NotObject) => Err(BadFrame::new(messages::NOT_AN_OBJECT)),
        Err(err) => Err(BadFrame::new(format!("Invalid JSON: {err}."))),
    }
}

/// A decoded multiplexer frame: the stream name and its payload.
#[derive(Debug)]
pub struct MuxFrame {
    /// The `stream` value (a string when well formed).
    pub stream: Value,
    /// The decoded payload.
    pub payload: Result<Envelope, BadFrame>,
}

/// Decodes one multiplexer frame, `{"stream": name, "payload": message}`.
pub fn decode_mux(text: &str) -> Result<MuxFrame, BadFrame> {
    let mut de = serde_json::Deserializer::from_str(text);
    let decoded = MuxSeed
        .deserialize(&mut de)
        .and_then(|d| de.end().map(|()| d));
    match decoded {
        Ok(Some(frame)) => Ok(frame),
        Ok(None) => Err(BadFrame::new(messages::NOT_AN_OBJECT)),
        Err(err) => Err(BadFrame::new(format!("Invalid JSON: {err}."))),
    }
}

struct EnvelopeSeed;

impl<'de> DeserializeSeed<'de> for EnvelopeSeed {
    type Value = Decoded;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Decoded, D::Error> {
        d.deserialize_any(EnvelopeVisitor)
    }
}

struct EnvelopeVisitor;

/// Implements the non-object cases of a visitor that only wants objects: each is consumed and
/// reported as `$other`.
macro_rules! non_object_visits {
    ($other:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($other)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($other)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($other)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($other)
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($other)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($other)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok($other)
        }
    };
}

impl<'de> Visitor<'de> for EnvelopeVisitor {
    type Value = Decoded;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    non_object_visits!(Decoded::NotObject);

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decoded, A::Error> {
        let mut envelope = Envelope::default();
        while let Some(key) = map.next_key::<String>()? {
            if key == "request_id" {
                let raw: Box<RawValue> = map.next_value()?;
                envelope.request_id = RequestId(Some(Arc::from(raw)));
            } else {
                let value: Value = map.next_value()?;
                envelope.content.insert(key, value);
            }
        }
        Ok(Decoded::Object(envelope))
    }
}

struct MuxSeed;

impl<'de> DeserializeSeed<'de> for MuxSeed {
    type Value = Option<MuxFrame>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(MuxVisitor)
    }
}

struct MuxVisitor;

impl<'de> Visitor<'de> for MuxVisitor {
    type Value = Option<MuxFrame>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    non_object_visits!(None);

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut stream = Value::Null;
        let mut payload = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "stream" => stream = map.next_value()?,
                "payload" => payload = Some(map.next_value_seed(EnvelopeSeed)?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let payload = match payload {
            Some(Decoded::Object(envelope)) => Ok(envelope),
            Some(Decoded::NotObject) => Err(BadFrame::new("Payload must be a JSON object.")),
            None => Err(BadFrame::new(
                "Multiplexed messages need \"stream\" and \"payload\" keys.",
            )),
        };
        Ok(Some(MuxFrame { stream, payload }))
    }
}

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
        }
    }

    /// An error reply.
    pub fn error(action: Option<Arc<str>>, request_id: RequestId, err: &ActionError) -> Self {
        Reply {
            action,
            request_id,
            status: err.status(),
            data: None,
            errors: err.errors(),
            route: None,
        }
    }

    /// The reply for a frame the envelope layer rejected.
    pub fn bad_frame(bad: &BadFrame) -> Self {
        Reply {
            action: None,
            request_id: bad.request_id.clone(),
            status: bad.status,
            data: None,
            errors: vec![Value::String(bad.message.clone())],
            route: None,
        }
    }

    /// Sets the echoed `route` (RFC dialect).
    pub fn with_route(mut self, route: Option<Arc<str>>) -> Self {
        self.route = route;
        self
    }

    /// Encodes the reply as frame text in `dialect`, wrapped for `stream` when multiplexed.
    pub fn encode(&self, dialect: Dialect, stream: Option<&str>) -> String {
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
                map.serialize_entry("action", &r.action.as_deref())?;
                map.serialize_entry("response_status", &r.status)?;
                map.serialize_entry("request_id", &r.request_id)?;
                map.end()
            }
            Dialect::Rfc => {
                // rest-framework-channels' key order.
                let mut map = serializer.serialize_map(Some(5))?;
                map.serialize_entry("errors", &r.errors)?;
                map.serialize_entry("data", &r.data.as_deref())?;
                map.serialize_entry("action", &r.action.as_deref())?;
                map.serialize_entry("route", r.route.as_deref().unwrap_or(""))?;
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

/// Encodes any serializable value as shared raw JSON (a reply's `data`).
pub fn encode_data<T: Serialize + ?Sized>(value: &T) -> Result<Arc<RawValue>, ActionError> {
    Ok(Arc::from(serde_json::value::to_raw_value(value)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
            let env = decode(&format!(r#"{{"action": "x", "request_id": {id}, "k": 1}}"#)).unwrap();
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
        let reply = Reply::error(Some("a".into()), RequestId::none(), &ActionError::NotFound);
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
        let reply = Reply::error(None, RequestId::none(), &ActionError::PermissionDenied);
        assert_eq!(
            reply.encode(Dialect::Rfc, None),
            r#"{"errors":["You do not have permission to perform this action."],"data":null,"action":null,"route":"","status":403}"#
        );
    }

    #[test]
    fn bad_frames() {
        assert_eq!(
            decode("[1,2]").unwrap_err().message,
            messages::NOT_AN_OBJECT
        );
        assert_eq!(decode("3").unwrap_err().message, messages::NOT_AN_OBJECT);
        assert!(decode("{").unwrap_err().message.starts_with("Invalid JSON"));
        assert!(decode("{} x")
            .unwrap_err()
            .message
            .starts_with("Invalid JSON"));
        let deep = "[".repeat(10_000);
        assert!(decode(&deep)
            .unwrap_err()
            .message
            .starts_with("Invalid JSON"));
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
}
