//! Incoming frames: decoding one into a request (DCRF's `{"action", "request_id", ...args}`,
//! or the multiplexer's `{"stream": name, "payload": message}`). The `request_id` is kept as
//! the exact JSON text the client sent (an integer beyond 2^64 stays as written). Frames of
//! rest-framework-channels' dialect decode the same way; dispatch gives an RFC consumer's
//! `request_id` back to the arguments.

use crate::dialect::Dialect;
use crate::error::ActionError;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::fmt;
use std::sync::Arc;

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

impl std::hash::Hash for RequestId {
    /// Hashes the JSON text, as equality compares it.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_json().hash(state);
    }
}

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
    fn take_value(&mut self) -> Option<Value> {
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

/// A request as dispatch serves it, whatever the dialect: the correlation to echo and the
/// arguments (`action` still among them: a consumer may read its action name its own way).
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The `request_id` to echo (DCRF); always `null` in rest-framework-channels' dialect.
    pub request_id: RequestId,
    /// The `route` to echo (rest-framework-channels' dialect, `""` when absent); `None` in
    /// DCRF's.
    pub route: Option<Arc<str>>,
    /// The `route` as sent when it was not a string (then `route` is `None`).
    pub route_as_sent: Option<Value>,
    /// Every other key of the message.
    pub content: Map<String, Value>,
}

impl Request {
    /// Reads a decoded message in `dialect`. rest-framework-channels has no request ids (a
    /// `request_id` key is an ordinary argument) and correlates by `route`, echoed as sent; a
    /// route that is not a string is refused, with the request as far as it was read.
    pub fn read(envelope: Envelope, dialect: Dialect) -> Result<Request, (Request, ActionError)> {
        let Envelope {
            mut request_id,
            mut content,
        } = envelope;
        if dialect != Dialect::Rfc {
            return Ok(Request {
                request_id,
                route: None,
                route_as_sent: None,
                content,
            });
        }
        if let Some(value) = request_id.take_value() {
            content.insert("request_id".to_owned(), value);
        }
        // The route is this dialect's only correlation: one that is not a string (`null`
        // included) is refused and echoed exactly as sent.
        let route = match content.remove("route") {
            None => Arc::from(""),
            Some(Value::String(text)) => Arc::from(text),
            Some(other) => {
                let request = Request {
                    request_id,
                    route: None,
                    route_as_sent: Some(other),
                    content,
                };
                return Err((request, ActionError::RouteNotString));
            }
        };
        Ok(Request {
            request_id,
            route: Some(route),
            route_as_sent: None,
            content,
        })
    }

    /// The `action` key as sent (for echoing in an error reply).
    pub fn action_as_sent(&self) -> Option<&Value> {
        self.content.get("action")
    }
}

/// A frame that could not be taken as a request, with what went wrong (its reply's status
/// and text come from [`ActionError`]).
#[derive(Debug)]
pub struct BadFrame {
    /// What is wrong with the frame.
    pub error: ActionError,
    /// The request id, when it could be read before the failure.
    pub request_id: RequestId,
}

impl BadFrame {
    /// A bad frame whose request id is unknown.
    pub fn new(error: ActionError) -> Self {
        BadFrame {
            error,
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
    // Kept apart from the envelope so that a frame failing after its `request_id` (a number
    // out of range further on, say) is still answered with that id.
    let mut request_id = RequestId::none();
    let decoded = EnvelopeSeed(&mut request_id)
        .deserialize(&mut de)
        .and_then(|d| de.end().map(|()| d));
    match decoded {
        Ok(Decoded::Object(mut envelope)) => {
            envelope.request_id = request_id;
            Ok(envelope)
        }
        Ok(Decoded::NotObject) => Err(BadFrame::new(ActionError::NotAnObject)),
        Err(err) => Err(BadFrame {
            error: ActionError::InvalidJson(err.to_string()),
            request_id,
        }),
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
    let mut request_id = RequestId::none();
    let decoded = MuxSeed(&mut request_id)
        .deserialize(&mut de)
        .and_then(|d| de.end().map(|()| d));
    match decoded {
        Ok(Some(mut frame)) => {
            if let Ok(envelope) = &mut frame.payload {
                envelope.request_id = request_id;
            }
            Ok(frame)
        }
        Ok(None) => Err(BadFrame::new(ActionError::NotAnObject)),
        Err(err) => Err(BadFrame {
            error: ActionError::InvalidJson(err.to_string()),
            request_id,
        }),
    }
}

/// Decodes an envelope, writing its `request_id` into the slot as soon as it is read.
struct EnvelopeSeed<'a>(&'a mut RequestId);

impl<'de> DeserializeSeed<'de> for EnvelopeSeed<'_> {
    type Value = Decoded;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Decoded, D::Error> {
        d.deserialize_any(EnvelopeVisitor(self.0))
    }
}

struct EnvelopeVisitor<'a>(&'a mut RequestId);

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

impl<'de> Visitor<'de> for EnvelopeVisitor<'_> {
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
                *self.0 = RequestId(Some(Arc::from(raw)));
            } else {
                let value: Value = map.next_value()?;
                envelope.content.insert(key, value);
            }
        }
        Ok(Decoded::Object(envelope))
    }
}

/// Decodes a multiplexer frame, writing its payload's `request_id` into the slot.
struct MuxSeed<'a>(&'a mut RequestId);

impl<'de> DeserializeSeed<'de> for MuxSeed<'_> {
    type Value = Option<MuxFrame>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(MuxVisitor(self.0))
    }
}

struct MuxVisitor<'a>(&'a mut RequestId);

impl<'de> Visitor<'de> for MuxVisitor<'_> {
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
                "payload" => payload = Some(map.next_value_seed(EnvelopeSeed(&mut *self.0))?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let payload = match payload {
            Some(Decoded::Object(envelope)) => Ok(envelope),
            Some(Decoded::NotObject) => Err(BadFrame::new(ActionError::PayloadNotAnObject)),
            None => Err(BadFrame::new(ActionError::MuxKeysMissing)),
        };
        Ok(Some(MuxFrame { stream, payload }))
    }
}
