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
/// struct from one, DRF does not), a run of 19 digits or more (serde_json reads such an
/// integer exactly into a 128-bit field, where the map holds a float) or a `-0` (a float in
/// the map, 0 for serde_json's 128-bit reading). A 128-bit field given a fraction fails
/// either way: serde_json reads its integer part, and the text left over is an error.
pub(crate) fn decode_from_text<T: DeserializeOwned>(content: &Content<'_>) -> Option<T> {
    let entries = content.entries()?;
    if !entries.iter().all(|(_, raw)| reads_the_same(raw.get())) {
        return None;
    }
    T::deserialize(Entries(entries)).ok()
}

/// True for JSON text without an array, a run of 19 or more digits, or a `-0`. Unlike the
/// frame's check in `protocol::request`, this one looks inside strings too: a map keyed by
/// numbers reads its keys' strings as numbers (a `"-0"` or a 30-digit key), and telling keys
/// from other strings would take a parser. A string value such as a date then takes the
/// map's way: the same result, read more slowly.
fn reads_the_same(text: &str) -> bool {
    let mut digits = 0;
    let mut minus = false;
    for &byte in text.as_bytes() {
        if byte == b'[' || (minus && byte == b'0') {
            return false;
        }
        minus = byte == b'-';
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
        let mut value = serde_json::Deserializer::from_str(raw.get());
        let decoded = seed.deserialize(&mut value)?;
        // What a value's reading leaves over (a 128-bit integer's fraction) is an error.
        value.end()?;
        Ok(decoded)
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
    use std::collections::HashMap;

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

    #[derive(Deserialize, JsonSchema, Debug, PartialEq, Eq, Hash)]
    struct Id(String);

    #[derive(Deserialize, JsonSchema, Debug, PartialEq)]
    struct Keyed {
        by_number: Option<HashMap<u32, Value>>,
        by_wide: Option<HashMap<i128, Value>>,
        by_flag: Option<HashMap<bool, Value>>,
        by_id: Option<HashMap<Id, Value>>,
        by_ratio: Option<HashMap<String, f64>>,
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
        // A fraction or a -0 for a 128-bit integer: serde_json would take its integer part.
        for frame in [
            r#"{"wide":2.5}"#,
            r#"{"wide":0.9}"#,
            r#"{"wide":-0}"#,
            r#"{"at":{"x":1,"y":2},"kind":{"num":-0}}"#,
        ] {
            assert_eq!(decode_from_text::<Wide>(&content(frame)), None, "{frame}");
            assert!(
                decode_args::<Wide>(content(frame).into_map()).is_err(),
                "{frame}"
            );
        }
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
            // Fractions without an exponent, for the integer fields.
            (-50i64..50).prop_map(|n| Value::from(n as f64 + 0.5)),
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
            Just("1"),
            Just("-0"),
            Just("true"),
            Just("by_number"),
            Just("by_wide"),
            Just("by_flag"),
            Just("by_id"),
            Just("by_ratio"),
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
            agrees::<Keyed>(&frame);
        }
    }

    #[test]
    fn maps_keyed_by_numbers_flags_and_newtypes_decode_the_same_either_way() {
        let frame = r#"{"by_number":{"1":2,"30":null},"by_wide":{"-5":1,"12345":2},"by_flag":{"true":1},"by_id":{"a":1},"by_ratio":{"x":1.5}}"#;
        let from_text: Keyed = decode_from_text(&content(frame)).expect("decoded from the text");
        assert_eq!(from_text.by_number.as_ref().map(HashMap::len), Some(2));
        assert_eq!(
            from_text.by_wide.as_ref().and_then(|m| m.get(&-5)),
            Some(&json!(1))
        );
        let from_map =
            decode_args::<Keyed>(content(frame).into_map()).expect("decoded from the map");
        assert_eq!(from_map, from_text);
        // Keys serde_json reads exactly (a -0, 30 digits) are left to the map, which agrees.
        let frame = r#"{"by_wide":{"-0":1,"123456789012345678901234567890":2}}"#;
        assert_eq!(decode_from_text::<Keyed>(&content(frame)), None);
        let from_map =
            decode_args::<Keyed>(content(frame).into_map()).expect("decoded from the map");
        assert_eq!(
            from_map
                .by_wide
                .and_then(|m| m.get(&123456789012345678901234567890).cloned()),
            Some(json!(2))
        );
        for (bad, field, message) in [
            (
                r#"{"by_number":{"x":1}}"#,
                "by_number",
                "A valid integer is required.",
            ),
            (
                r#"{"by_number":{"1.5":1}}"#,
                "by_number",
                "A valid integer is required.",
            ),
            (
                r#"{"by_flag":{"yes":1}}"#,
                "by_flag",
                "Must be a valid boolean.",
            ),
        ] {
            assert_eq!(decode_from_text::<Keyed>(&content(bad)), None, "{bad}");
            let err = decode_args::<Keyed>(content(bad).into_map()).expect_err(bad);
            assert_eq!(err.errors(), vec![json!({field: [message]})], "{bad}");
        }
    }
}
