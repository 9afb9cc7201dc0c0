//! Incoming frames: decoding one into a request (DCRF's `{"action", "request_id", ...args}`,
//! or the multiplexer's `{"stream": name, "payload": message}`). The `request_id` is kept as
//! the exact JSON text the client sent (an integer beyond 2^64 stays as written). Frames of
//! rest-framework-channels' dialect decode the same way; dispatch gives an RFC consumer's
//! `request_id` back to the arguments.

use super::content::Content;
use crate::dialect::Dialect;
use crate::error::ActionError;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

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
#[derive(Debug, Default)]
pub struct Envelope<'t> {
    /// The `request_id`, verbatim.
    pub request_id: RequestId,
    /// Every other top-level key, `action` included (a consumer may read its action name its own
    /// way, like DCRF's `get_action_name`).
    pub content: Content<'t>,
}

/// A request as dispatch serves it, whatever the dialect: the correlation to echo and the
/// arguments (`action` still among them: a consumer may read its action name its own way).
#[derive(Debug, Default)]
pub struct Request<'t> {
    /// The `request_id` to echo (DCRF); always `null` in rest-framework-channels' dialect.
    pub request_id: RequestId,
    /// The `route` to echo (rest-framework-channels' dialect, `""` when absent); `None` in
    /// DCRF's.
    pub route: Option<Arc<str>>,
    /// The `route` as sent when it was not a string (then `route` is `None`).
    pub route_as_sent: Option<Value>,
    /// Every other key of the message.
    pub content: Content<'t>,
}

impl<'t> Request<'t> {
    /// Reads a decoded message in `dialect`. rest-framework-channels has no request ids (a
    /// `request_id` key is an ordinary argument) and correlates by `route`, echoed as sent; a
    /// route that is not a string is refused, with the request as far as it was read.
    pub fn read(
        envelope: Envelope<'t>,
        dialect: Dialect,
    ) -> Result<Request<'t>, Box<(Request<'t>, ActionError)>> {
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
                return Err(Box::new((request, ActionError::RouteNotString)));
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
    Object(Map<String, Value>),
    NotObject,
}

/// Decodes one DCRF message from frame text. Its content keeps borrowing the text (see
/// [`Content`]) where the frame reads the same split into its keys as read into values; any
/// other frame is read into values at once, so what is refused, and how, does not change.
pub fn decode(text: &str) -> Result<Envelope<'_>, BadFrame> {
    match serde_json::from_str::<Split<'_>>(text) {
        Ok(Split(Some(envelope))) => Ok(envelope),
        _ => decode_into_map(text),
    }
}

/// True for a value's JSON text (known to be JSON) that reads into a [`Value`] without fail:
/// splitting a frame checks only its syntax, while reading a value also fails on a number out
/// of `f64`'s range (which needs an exponent or 309 digits), a `\u` escape of a lone
/// surrogate, and nesting deeper than 128 in all. So: no exponent, no run of 19 digits or
/// more, no escaped surrogate at all, nesting no deeper than 64. (Keys are read as strings
/// when split, the request id is kept as text either way.)
fn reads_as_a_value(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (mut in_string, mut depth, mut digits) = (false, 0u32, 0u32);
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        i += 1;
        if in_string {
            match byte {
                b'"' => in_string = false,
                b'\\' => {
                    if bytes.get(i) == Some(&b'u') && matches!(bytes.get(i + 1), Some(b'd' | b'D'))
                    {
                        return false;
                    }
                    i += 1;
                }
                _ => {}
            }
            continue;
        }
        if byte.is_ascii_digit() {
            digits += 1;
            if digits >= 19 {
                return false;
            }
            continue;
        }
        match byte {
            b'e' | b'E' if digits > 0 => return false,
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > 64 {
                    return false;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        digits = 0;
    }
    true
}

/// A frame split into its `request_id` and its other keys' JSON text; `None` for a frame
/// that is not an object. A value that would not read as a [`Value`] fails the split, and
/// the frame is read into values instead, so that it is refused as before.
struct Split<'t>(Option<Envelope<'t>>);

impl<'de: 't, 't> de::Deserialize<'de> for Split<'t> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SplitVisitor(std::marker::PhantomData))
    }
}

struct SplitVisitor<'t>(std::marker::PhantomData<&'t ()>);

impl<'de: 't, 't> Visitor<'de> for SplitVisitor<'t> {
    type Value = Split<'t>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    non_object_visits!(Split(None));

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut request_id = RequestId::none();
        let mut entries = Vec::with_capacity(4);
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            let raw: &'de RawValue = map.next_value()?;
            if key == "request_id" {
                request_id = RequestId(Some(Arc::from(raw.to_owned())));
            } else if reads_as_a_value(raw.get()) {
                entries.push((key, raw));
            } else {
                return Err(de::Error::custom("read into values"));
            }
        }
        Ok(Split(Some(Envelope {
            request_id,
            content: Content::from_checked_entries(entries),
        })))
    }
}

/// An object's key, borrowed from the text unless it had escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(key)))
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key.to_owned())))
    }
}

/// Decodes one DCRF message from frame text into a map of values.
fn decode_into_map(text: &str) -> Result<Envelope<'static>, BadFrame> {
    let mut de = serde_json::Deserializer::from_str(text);
    // Kept apart from the envelope so that a frame failing after its `request_id` (a number
    // out of range further on, say) is still answered with that id.
    let mut request_id = RequestId::none();
    let decoded = EnvelopeSeed(&mut request_id)
        .deserialize(&mut de)
        .and_then(|d| de.end().map(|()| d));
    match decoded {
        Ok(Decoded::Object(content)) => Ok(Envelope {
            request_id,
            content: Content::from(content),
        }),
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
    pub payload: Result<Envelope<'static>, BadFrame>,
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

impl<'de> Visitor<'de> for EnvelopeVisitor<'_> {
    type Value = Decoded;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    non_object_visits!(Decoded::NotObject);

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decoded, A::Error> {
        let mut content = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "request_id" {
                let raw: Box<RawValue> = map.next_value()?;
                *self.0 = RequestId(Some(Arc::from(raw)));
            } else {
                let value: Value = map.next_value()?;
                content.insert(key, value);
            }
        }
        Ok(Decoded::Object(content))
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
            Some(Decoded::Object(content)) => Ok(Envelope {
                request_id: RequestId::none(),
                content: Content::from(content),
            }),
            Some(Decoded::NotObject) => Err(BadFrame::new(ActionError::PayloadNotAnObject)),
            None => Err(BadFrame::new(ActionError::MuxKeysMissing)),
        };
        Ok(Some(MuxFrame { stream, payload }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Pieces of JSON that read differently split and as values, or nearly so.
    fn piece() -> impl Strategy<Value = String> {
        let tricky = prop_oneof![
            Just("1e400".to_owned()),
            Just("-1E5".to_owned()),
            Just("1.5e-3".to_owned()),
            Just("123456789012345678901234567890".to_owned()),
            Just("18446744073709551616".to_owned()),
            Just("9".repeat(400)),
            Just("-9223372036854775809".to_owned()),
            Just(r#""\ud800""#.to_owned()),
            Just(r#""\ud83e\udd80""#.to_owned()),
            Just(r#""\udc00x""#.to_owned()),
            Just(r#""\\ud800""#.to_owned()),
            Just(r#""\u00e9\n\"""#.to_owned()),
            Just("\"tab\there\"".to_owned()),
            Just(r#""]]]]}}}}""#.to_owned()),
            Just("true".to_owned()),
            Just("null".to_owned()),
            Just("{}".to_owned()),
            (0usize..140).prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n))),
            (0usize..140).prop_map(|n| format!(
                "{}1{}",
                r#"{"a":"]","b":["#.repeat(n),
                "]}".repeat(n)
            )),
            any::<i64>().prop_map(|n| n.to_string()),
            any::<f64>().prop_map(|f| Value::from(f).to_string()),
            "[a-z\\\\\"\u{1}]{0,5}".prop_map(|s| format!("\"{s}\"")),
        ];
        tricky.prop_recursive(2, 12, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3)
                    .prop_map(|v| format!("[{}]", v.join(","))),
                prop::collection::vec(("[a-z]{1,2}", inner), 0..3).prop_map(|v| {
                    let body: Vec<String> = v.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                    format!("{{{}}}", body.join(","))
                }),
            ]
        })
    }

    fn frame() -> impl Strategy<Value = String> {
        (
            piece(),
            prop::collection::vec(
                ("[a-z_]{1,10}|action|request_id|act\\\\u0069on", piece()),
                0..5,
            ),
            prop::option::of((any::<prop::sample::Index>(), "[\\[\\]{}\",:e0\\\\ ]")),
        )
            .prop_map(|(id, entries, mutation)| {
                let mut text = format!(r#"{{"action":"a","request_id":{id}"#);
                for (key, value) in entries {
                    text.push_str(&format!(",\"{key}\":{value}"));
                }
                text.push('}');
                if let Some((at, with)) = mutation {
                    let mut chars: Vec<char> = text.chars().collect();
                    let at = at.index(chars.len());
                    chars[at] = with.chars().next().unwrap_or(' ');
                    text = chars.into_iter().collect();
                }
                text
            })
    }

    /// Checks that `decode` answers `text` exactly as reading it into values answers it.
    fn same_as_reading_values(text: &str) {
        match (decode(text), decode_into_map(text)) {
            (Ok(split), Ok(read)) => {
                assert_eq!(
                    split.request_id.as_json(),
                    read.request_id.as_json(),
                    "{text}"
                );
                assert_eq!(*split.content, *read.content, "{text}");
            }
            (Err(split), Err(read)) => {
                assert_eq!(split.error.to_string(), read.error.to_string(), "{text}");
                assert_eq!(
                    split.request_id.as_json(),
                    read.request_id.as_json(),
                    "{text}"
                );
            }
            (split, read) => panic!("{text}: split {split:?}, read {read:?}"),
        }
    }

    proptest! {
        #[test]
        fn a_frame_split_into_its_keys_is_answered_as_one_read_into_values(text in frame()) {
            same_as_reading_values(&text);
        }
    }

    #[test]
    fn frames_that_would_read_differently_split_are_read_into_values() {
        for text in [
            r#"{"action":"a","junk":1e400}"#,
            r#"{"action":"a","junk":"\ud800"}"#,
            r#"{"request_id":7,"junk":123456789012345678901234567890}"#,
        ] {
            let split = decode(text).is_ok_and(|e| e.content.entries().is_some());
            assert!(!split, "{text}");
            same_as_reading_values(text);
        }
        let deep = format!(
            r#"{{"action":"a","x":{}1{}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        assert!(decode(&deep).is_err());
        same_as_reading_values(&deep);
        let frame = r#"{"action":"echo","request_id":3,"data":{"n":3,"text":"hello"}}"#;
        let envelope = decode(frame).unwrap();
        assert!(
            envelope.content.entries().is_some(),
            "a typical frame stays text"
        );
    }
}
