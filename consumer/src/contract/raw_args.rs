//! Decoding an action's arguments straight from the frame's text, without first reading the
//! message into a tree of values: the common case, taken only where serde_json's own reading
//! gives exactly what [`super::decode_args`] gives from the map. Anything else (a failure
//! included, whose DRF error list is built from the map) goes the map's way.

use crate::protocol::Content;
use serde::de::value::{BorrowedStrDeserializer, StrDeserializer};
use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;

/// Decodes `T` from `content`'s text, or returns `None` for the caller to decode from the map:
/// when something read the content as a map already, when decoding fails, and where serde_json
/// reading the text could differ from decoding the map: an array anywhere (serde_json takes a
/// struct from one, DRF does not) or a run of 19 digits or more (serde_json reads such an
/// integer exactly into a 128-bit field, where the map holds a float).
pub(crate) fn decode_from_text<T: DeserializeOwned>(content: &Content<'_>) -> Option<T> {
    let entries = content.entries()?;
    if !entries.iter().all(|(_, raw)| reads_the_same(raw.get())) {
        return None;
    }
    T::deserialize(Entries(entries)).ok()
}

/// True for JSON text without an array and without a run of 19 or more digits.
fn reads_the_same(text: &str) -> bool {
    let mut digits = 0;
    for &byte in text.as_bytes() {
        if byte == b'[' {
            return false;
        }
        if byte.is_ascii_digit() {
            digits += 1;
            if digits >= 19 {
                return false;
            }
        } else {
            digits = 0;
        }
    }
    true
}

/// The arguments: an object whose values serde_json reads from their text. Like the map's
/// decoder, it answers every request as the object it is.
struct Entries<'a, 't>(&'a [(Cow<'t, str>, &'t RawValue)]);

impl<'de> de::Deserializer<'de> for Entries<'_, 'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_map(EntryAccess {
            entries: self.0.iter(),
            pending: None,
        })
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

struct EntryAccess<'a, 't> {
    entries: std::slice::Iter<'a, (Cow<'t, str>, &'t RawValue)>,
    pending: Option<&'t RawValue>,
}

impl<'de> MapAccess<'de> for EntryAccess<'_, 'de> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let Some((key, raw)) = self.entries.next() else {
            return Ok(None);
        };
        self.pending = Some(raw);
        let key = match key {
            Cow::Borrowed(key) => seed.deserialize(BorrowedStrDeserializer::new(key)),
            Cow::Owned(key) => seed.deserialize(StrDeserializer::new(key)),
        };
        key.map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        let raw = self
            .pending
            .take()
            .ok_or_else(|| <Self::Error as de::Error>::custom("value requested before key"))?;
        seed.deserialize(&mut serde_json::Deserializer::from_str(raw.get()))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::decode_args;
    use crate::protocol::decode;
    use proptest::prelude::*;
    use schemars::JsonSchema;
    use serde::Deserialize;
    use serde_json::{json, Map, Value};

    #[derive(Deserialize, JsonSchema, Debug, PartialEq)]
    struct Pair {
        x: i64,
        y: i64,
    }

    #[derive(Deserialize, JsonSchema, Debug, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Plain,
        Num(i64),
        Pair { x: i64, y: i64 },
    }

    #[derive(Deserialize, JsonSchema, Debug, PartialEq)]
    struct Wide {
        n: Option<i64>,
        text: Option<String>,
        data: Option<Value>,
        at: Option<Pair>,
        kind: Option<Kind>,
        wide: Option<i128>,
        ratio: Option<f32>,
        #[serde(default)]
        label: String,
    }

    #[derive(Deserialize, JsonSchema, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Strict {
        n: u8,
        text: String,
    }

    #[derive(Deserialize, JsonSchema, Debug, PartialEq)]
    struct Flat {
        n: Option<u8>,
        #[serde(flatten)]
        rest: Map<String, Value>,
    }

    /// A frame's content as dispatch hands it to the action: `action` taken out.
    fn content(frame: &str) -> Content<'_> {
        let mut content = decode(frame).expect("a good frame").content;
        content.remove("action");
        content
    }

    #[test]
    fn decodes_a_typical_frame_from_its_text() {
        let frame = r#"{"action":"a","request_id":1,"at":{"x":1,"y":-2},"label":"h\u00e9","data":{"k":null},"extra":1.5}"#;
        let args: Wide = decode_from_text(&content(frame)).expect("decoded from the text");
        assert_eq!(args.at, Some(Pair { x: 1, y: -2 }));
        assert_eq!(args.label, "hé");
        assert_eq!(args.data, Some(json!({"k": null})));
    }

    #[test]
    fn leaves_to_the_map_what_serde_json_would_read_otherwise_or_refuse() {
        // A struct from an array: serde_json would take it, DRF does not.
        let frame = r#"{"action":"a","at":[1,2]}"#;
        assert_eq!(decode_from_text::<Wide>(&content(frame)), None);
        // An exact 128-bit integer: the map holds a float.
        let frame = r#"{"wide":-9223372036854775809}"#;
        assert_eq!(decode_from_text::<Wide>(&content(frame)), None);
        // A failure: the map's decoder lists every field's error.
        let frame = r#"{"at":{"x":"1"}}"#;
        assert_eq!(decode_from_text::<Wide>(&content(frame)), None);
        // Content already read as a map.
        let mut read = content(r#"{"n":1}"#);
        read.insert("more".into(), json!(1));
        assert_eq!(decode_from_text::<Wide>(&read), None);
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (0i64..300).prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            "[a-z\"\\\\\u{e9}\u{1F980}\n]{0,6}".prop_map(Value::from),
            prop_oneof![Just("plain"), Just("num"), Just("pair")].prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
                prop::collection::vec((key(), inner), 0..4)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("n"),
            Just("text"),
            Just("data"),
            Just("at"),
            Just("kind"),
            Just("wide"),
            Just("ratio"),
            Just("label"),
            Just("x"),
            Just("y"),
            Just("num"),
            Just("pair"),
        ]
        .prop_map(String::from)
    }

    /// Whatever decodes from the text decodes the same from the map.
    fn agrees<T: DeserializeOwned + JsonSchema + PartialEq + std::fmt::Debug>(frame: &str) {
        let content = content(frame);
        if let Some(from_text) = decode_from_text::<T>(&content) {
            let from_map = decode_args::<T>(content.into_map());
            assert_eq!(
                Some(&from_text),
                from_map.as_ref().ok(),
                "{frame}: {from_map:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn whatever_decodes_from_the_text_decodes_the_same_from_the_map(
            entries in prop::collection::vec((key(), value()), 0..6),
        ) {
            // Written out by hand, so that a key may repeat, as a client may send it.
            let mut frame = String::from(r#"{"action":"a","request_id":1"#);
            for (key, value) in &entries {
                frame.push_str(&format!(",{}:{value}", Value::from(key.as_str())));
            }
            frame.push('}');
            agrees::<Wide>(&frame);
            agrees::<Strict>(&frame);
            agrees::<Flat>(&frame);
            agrees::<Map<String, Value>>(&frame);
            agrees::<crate::NoArgs>(&frame);
            agrees::<Option<Wide>>(&frame);
        }
    }
}
