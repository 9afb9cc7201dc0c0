//! Decoding an action's arguments into its typed struct, with errors in DRF's shape.
//!
//! serde_json's own errors carry neither the field path nor a structured kind, so this module
//! has a small deserializer over [`Value`] that records both; the result is DRF's
//! `{"field": ["This field is required."]}` instead of serde's `missing field`.

use crate::error::{messages, ActionError, FieldErrors};
use schemars::JsonSchema;
use serde::de::value::BorrowedStrDeserializer;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Expected, MapAccess, SeqAccess, Unexpected, Visitor,
};
use serde_json::{Map, Value};
use std::fmt;

/// Decodes `args` (a message's keys other than `action` and `request_id`) into `T`.
/// Unknown keys are ignored unless `T` denies them.
///
/// ```
/// #[derive(serde::Deserialize, schemars::JsonSchema, Debug)]
/// struct Add { a: i64, b: i64 }
/// let args = serde_json::json!({"a": 1, "b": "x"});
/// let err = chanrest::decode_args::<Add>(args.as_object().unwrap().clone()).unwrap_err();
/// assert_eq!(err.status(), 400);
/// assert_eq!(err.errors(), vec![serde_json::json!({"b": ["A valid integer is required."]})]);
/// ```
pub fn decode_args<T: DeserializeOwned + JsonSchema>(
    args: Map<String, Value>,
) -> Result<T, ActionError> {
    decode_value(&Value::Object(args))
}

/// Decodes any JSON value into `T` with DRF-shaped errors (see [`decode_args`]). Like DRF,
/// it reports every bad field at once, not only the first.
pub fn decode_value<T: DeserializeOwned + JsonSchema>(value: &Value) -> Result<T, ActionError> {
    T::deserialize(ValueDe(value))
        .map_err(|first| ActionError::Validation(all_errors::<T>(value, first)))
}

/// After a failed decode: every field's own error, and every required field that is absent.
/// serde stops at the first error, so each present key is decoded alone (the derived visitor
/// reads all entries before it checks for missing fields), and absent required fields come
/// from `T`'s schema. Runs only on the error path.
fn all_errors<T: DeserializeOwned + JsonSchema>(value: &Value, first: DecodeError) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if let Value::Object(args) = value {
        for (key, field) in args {
            let alone = Value::Object(Map::from_iter([(key.clone(), field.clone())]));
            if let Err(err) = T::deserialize(ValueDe(&alone)) {
                // Only errors inside this key: a top-level required field's absence is
                // reported from the schema below (a nested one's is kept here).
                if err.path.first() == Some(key) {
                    errors.add(&err.path, err.message());
                } else if err.path.is_empty() && err.is_about_a_value() {
                    // A field of a `#[serde(flatten)]`ed struct (a list's filters) is decoded
                    // from serde's buffer, not through this deserializer, so its error comes
                    // without a path; with this key the only one present, it is this key's
                    // value that was wrong, and DRF files it there, not under
                    // `non_field_errors`.
                    errors.add(std::slice::from_ref(key), err.message());
                }
            }
        }
        let schema = schemars::SchemaGenerator::default().into_root_schema_for::<T>();
        let required = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        for name in required.filter_map(Value::as_str) {
            if !args.contains_key(name) {
                errors.add(&[name], messages::REQUIRED);
            }
        }
    }
    if errors.is_empty() {
        errors.add(&first.path, first.message());
    }
    errors
}

/// A decode failure: where, and what kind.
#[derive(Debug)]
pub(super) struct DecodeError {
    path: Vec<String>,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Missing,
    Null,
    InvalidType { expected: String, got: &'static str },
    InvalidValue { expected: String, got: String },
    UnknownVariant(String),
    Custom(String),
}

impl DecodeError {
    fn message(&self) -> String {
        match &self.kind {
            Kind::Missing => messages::REQUIRED.to_owned(),
            Kind::Null => messages::NULL.to_owned(),
            Kind::InvalidType { expected, got } => expected_message(expected, got),
            Kind::InvalidValue { expected, got } => expected_message(expected, got),
            Kind::UnknownVariant(value) => messages::invalid_choice(value),
            Kind::Custom(message) => message.clone(),
        }
    }

    /// Whether the error is about a value given (a wrong type, value or choice), not about
    /// the struct as a whole (a missing field, a custom check).
    fn is_about_a_value(&self) -> bool {
        matches!(
            self.kind,
            Kind::Null
                | Kind::InvalidType { .. }
                | Kind::InvalidValue { .. }
                | Kind::UnknownVariant(_)
        )
    }

    fn at(mut self, segment: String) -> Self {
        self.path.insert(0, segment);
        self
    }
}

/// DRF's message for a value of the wrong type, chosen by what serde expected.
fn expected_message(expected: &str, got: &str) -> String {
    let integer = [
        "i8", "i16", "i32", "i64", "i128", "u8", "u16", "u32", "u64", "u128",
    ];
    if integer.contains(&expected) || expected.starts_with("integer") {
        messages::INVALID_INTEGER.to_owned()
    } else if expected == "f32" || expected == "f64" || expected.contains("number") {
        messages::INVALID_NUMBER.to_owned()
    } else if expected.contains("string") || expected.contains("character") {
        messages::INVALID_STRING.to_owned()
    } else if expected.contains("boolean") {
        messages::INVALID_BOOLEAN.to_owned()
    } else if expected.contains("sequence") || expected.starts_with("tuple") {
        messages::not_a_list(got)
    } else if expected.starts_with("struct") || expected.contains("map") {
        messages::not_a_dict(got)
    } else {
        messages::invalid_value(expected)
    }
}

fn python_type(unexpected: &Unexpected<'_>) -> &'static str {
    match unexpected {
        Unexpected::Bool(_) => "bool",
        Unexpected::Unsigned(_) | Unexpected::Signed(_) => "int",
        Unexpected::Float(_) => "float",
        Unexpected::Str(_) | Unexpected::Char(_) => "str",
        Unexpected::Unit | Unexpected::Option => "NoneType",
        Unexpected::Seq => "list",
        Unexpected::Map => "dict",
        _ => "value",
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.join("."), self.message())
    }
}

impl std::error::Error for DecodeError {}

impl de::Error for DecodeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DecodeError {
            path: Vec::new(),
            kind: Kind::Custom(msg.to_string()),
        }
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        let kind = if matches!(unexp, Unexpected::Unit | Unexpected::Option) {
            Kind::Null
        } else {
            Kind::InvalidType {
                expected: exp.to_string(),
                got: python_type(&unexp),
            }
        };
        DecodeError {
            path: Vec::new(),
            kind,
        }
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        DecodeError {
            path: Vec::new(),
            kind: Kind::InvalidValue {
                expected: exp.to_string(),
                got: unexp.to_string(),
            },
        }
    }

    fn unknown_variant(variant: &str, _expected: &'static [&'static str]) -> Self {
        DecodeError {
            path: Vec::new(),
            kind: Kind::UnknownVariant(variant.to_owned()),
        }
    }

    fn missing_field(field: &'static str) -> Self {
        DecodeError {
            path: vec![field.to_owned()],
            kind: Kind::Missing,
        }
    }
}

/// Deserializer over a borrowed [`Value`] whose errors are [`DecodeError`]s. Borrowing keeps
/// the arguments intact for [`all_errors`].
struct ValueDe<'de>(&'de Value);

fn visit_number<'de, V: Visitor<'de>>(
    n: &serde_json::Number,
    visitor: V,
) -> Result<V::Value, DecodeError> {
    if let Some(u) = n.as_u64() {
        visitor.visit_u64(u)
    } else if let Some(i) = n.as_i64() {
        visitor.visit_i64(i)
    } else {
        visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
    }
}

impl<'de> de::Deserializer<'de> for ValueDe<'de> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => visit_number(n, visitor),
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => {
                let mut seq = SeqDe {
                    items: items.iter(),
                    index: 0,
                };
                let value = visitor.visit_seq(&mut seq)?;
                if seq.items.len() == 0 {
                    Ok(value)
                } else {
                    Err(de::Error::invalid_length(
                        items.len(),
                        &"fewer elements in array",
                    ))
                }
            }
            Value::Object(map) => visitor.visit_map(MapDe {
                entries: map.iter(),
                pending: None,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            other => visitor.visit_some(ValueDe(other)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        // `Box<RawValue>` asks for its text this way, as serde_json's own `Value` decoder
        // answers it; so an argument may be kept as JSON text whichever way it is decoded:
        // the frame's own text when the arguments are read from it, the value written out
        // again when they are read from the map (the same JSON, spacing and key order aside).
        if name == RAW_VALUE_TOKEN {
            let text = self.0.to_string();
            return visitor.visit_map(RawValueText(Some(text)));
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        match self.0 {
            Value::String(variant) => visitor.visit_enum(BorrowedStrDeserializer::new(variant)),
            Value::Object(map) if map.len() == 1 => {
                let (variant, value) = map.iter().next().expect("one entry");
                visitor.visit_enum(EnumDe { variant, value })
            }
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    // Structs take objects only (serde's derive would also take arrays), as DRF serializers do.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        match self.0 {
            Value::Object(map) => visitor.visit_map(MapDe {
                entries: map.iter(),
                pending: None,
            }),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}

/// The name under which serde_json's `RawValue` asks a decoder for its text (serde_json's own
/// `Value` decoder answers it the same way). `a_raw_value_argument_decodes_either_way` checks it.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// One entry, the token and a value's JSON text: how a decoder hands `RawValue` its text.
struct RawValueText(Option<String>);

impl<'de> MapAccess<'de> for RawValueText {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        if self.0.is_none() {
            return Ok(None);
        }
        seed.deserialize(BorrowedStrDeserializer::new(RAW_VALUE_TOKEN))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeError> {
        let text = self.0.take().unwrap_or_default();
        seed.deserialize(serde::de::value::StringDeserializer::new(text))
    }
}

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Unexpected::Unsigned(u),
            (_, Some(i)) => Unexpected::Signed(i),
            _ => Unexpected::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

struct SeqDe<'de> {
    items: std::slice::Iter<'de, Value>,
    index: usize,
}

impl<'de> SeqAccess<'de> for SeqDe<'de> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        seed.deserialize(ValueDe(item))
            .map(Some)
            .map_err(|e| e.at(index.to_string()))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapDe<'de> {
    entries: serde_json::map::Iter<'de>,
    pending: Option<(&'de str, &'de Value)>,
}

impl<'de> MapAccess<'de> for MapDe<'de> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        let decoded = seed.deserialize(KeyDe(key))?;
        self.pending = Some((key, value));
        Ok(Some(decoded))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeError> {
        let (key, value) = self
            .pending
            .take()
            .ok_or_else(|| <DecodeError as de::Error>::custom("value requested before key"))?;
        seed.deserialize(ValueDe(value))
            .map_err(|e| e.at(key.to_owned()))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// An object's key, read as serde_json reads keys: text, or for a map keyed by numbers or
/// booleans the number or boolean the text spells (`{"1": ..}` for a `HashMap<u32, _>`), or
/// the newtype or `Option` around it. Decoding the frame's text and decoding the map then
/// agree on every key.
struct KeyDe<'de>(&'de str);

/// Key methods for numbers: the key must spell one (as serde_json requires of a key read as
/// a number); 128-bit ones are read exactly, as serde_json reads them.
macro_rules! numeric_key {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
            match self.number() {
                Some(number) => visit_number(&number, visitor),
                None => Err(de::Error::invalid_type(Unexpected::Str(self.0), &visitor)),
            }
        }
    )*};
    ($($method:ident $int:ty => $visit:ident),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
            match self.number().and_then(|_| self.0.parse::<$int>().ok()) {
                Some(number) => visitor.$visit(number),
                None => Err(de::Error::invalid_type(Unexpected::Str(self.0), &visitor)),
            }
        }
    )*};
}

impl KeyDe<'_> {
    /// The number the key spells, when it starts as a JSON number does.
    fn number(&self) -> Option<serde_json::Number> {
        if !self.0.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
            return None;
        }
        serde_json::from_str(self.0).ok()
    }
}

impl<'de> de::Deserializer<'de> for KeyDe<'de> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_borrowed_str(self.0)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.0 {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            other => Err(de::Error::invalid_type(Unexpected::Str(other), &visitor)),
        }
    }

    numeric_key!(
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_f32 deserialize_f64
    );
    numeric_key!(
        deserialize_i128 i128 => visit_i128,
        deserialize_u128 u128 => visit_u128
    );

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        let variant = BorrowedStrDeserializer::<DecodeError>::new(self.0);
        de::Deserializer::deserialize_enum(variant, name, variants, visitor)
    }

    serde::forward_to_deserialize_any! {
        char str string bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

struct EnumDe<'de> {
    variant: &'de str,
    value: &'de Value,
}

impl<'de> de::EnumAccess<'de> for EnumDe<'de> {
    type Error = DecodeError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self), DecodeError> {
        let name = seed.deserialize(BorrowedStrDeserializer::new(self.variant))?;
        Ok((name, self))
    }
}

impl<'de> de::VariantAccess<'de> for EnumDe<'de> {
    type Error = DecodeError;

    fn unit_variant(self) -> Result<(), DecodeError> {
        match self.value {
            Value::Null => Ok(()),
            other => Err(de::Error::invalid_type(unexpected(other), &"unit variant")),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, DecodeError> {
        seed.deserialize(ValueDe(self.value))
            .map_err(|e| e.at(self.variant.to_owned()))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        de::Deserializer::deserialize_any(ValueDe(self.value), visitor)
            .map_err(|e| e.at(self.variant.to_owned()))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        de::Deserializer::deserialize_any(ValueDe(self.value), visitor)
            .map_err(|e| e.at(self.variant.to_owned()))
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize, Debug, PartialEq, schemars::JsonSchema)]
    struct Inner {
        title: String,
    }

    #[derive(Deserialize, Debug, PartialEq, schemars::JsonSchema)]
    #[serde(rename_all = "lowercase")]
    enum Color {
        Red,
        Blue,
    }

    #[derive(Deserialize, Debug, PartialEq, schemars::JsonSchema)]
    struct Args {
        a: i64,
        #[serde(default)]
        done: bool,
        name: Option<String>,
        inner: Option<Inner>,
        color: Option<Color>,
        tags: Option<Vec<u8>>,
    }

    fn errors_of(value: Value) -> Value {
        let err = decode_value::<Args>(&value).unwrap_err();
        assert_eq!(err.status(), 400);
        err.errors().into_iter().next().unwrap()
    }

    #[test]
    fn decodes_and_ignores_unknown_keys() {
        let args: Args =
            decode_value(&json!({"a": -3, "name": "x", "zzz": [1], "color": "red"})).unwrap();
        assert_eq!(args.a, -3);
        assert_eq!(args.name.as_deref(), Some("x"));
        assert_eq!(args.color, Some(Color::Red));
        assert!(!args.done);
    }

    #[test]
    fn drf_messages_per_kind() {
        assert_eq!(
            errors_of(json!({})),
            json!({"a": ["This field is required."]})
        );
        assert_eq!(
            errors_of(json!({"a": null})),
            json!({"a": ["This field may not be null."]})
        );
        assert_eq!(
            errors_of(json!({"a": "1"})),
            json!({"a": ["A valid integer is required."]})
        );
        assert_eq!(
            errors_of(json!({"a": 1.5})),
            json!({"a": ["A valid integer is required."]})
        );
        assert_eq!(
            errors_of(json!({"a": 1, "done": "yes"})),
            json!({"done": ["Must be a valid boolean."]})
        );
        assert_eq!(
            errors_of(json!({"a": 1, "name": 5})),
            json!({"name": ["Not a valid string."]})
        );
        assert_eq!(
            errors_of(json!({"a": 1, "inner": {}})),
            json!({"inner": {"title": ["This field is required."]}})
        );
        assert_eq!(
            errors_of(json!({"a": 1, "color": "green"})),
            json!({"color": ["\"green\" is not a valid choice."]})
        );
        assert_eq!(
            errors_of(json!({"a": 1, "tags": [1, 300]})),
            json!({"tags": {"1": ["A valid integer is required."]}})
        );
        assert_eq!(
            errors_of(json!({"a": 1, "inner": 3})),
            json!({"inner": ["Invalid data. Expected a dictionary, but got int."]})
        );
    }

    #[test]
    fn every_bad_field_is_reported() {
        assert_eq!(
            errors_of(json!({"done": 3, "name": 1})),
            json!({"a": ["This field is required."], "done": ["Must be a valid boolean."], "name": ["Not a valid string."]})
        );
        // A nested missing field is reported beside the other bad fields.
        assert_eq!(
            errors_of(json!({"inner": {}, "done": "yes"})),
            json!({"a": ["This field is required."], "done": ["Must be a valid boolean."], "inner": {"title": ["This field is required."]}})
        );
    }

    #[test]
    fn non_object_top_level_is_non_field_error() {
        let err = decode_value::<Args>(&json!([1])).unwrap_err();
        assert_eq!(
            err.errors()[0],
            json!({"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]})
        );
    }

    #[test]
    fn a_raw_value_argument_decodes_either_way() {
        #[derive(Deserialize, schemars::JsonSchema)]
        struct Keep {
            #[schemars(with = "serde_json::Value")]
            kept: Box<serde_json::value::RawValue>,
        }
        let args = json!({"kept": {"a": [1, "x"]}});
        let copied: Keep = decode_value(&args).unwrap();
        assert_eq!(copied.kept.get(), r#"{"a":[1,"x"]}"#);
        let from_text: Keep = serde_json::from_str(&args.to_string()).unwrap();
        assert_eq!(from_text.kept.get(), copied.kept.get());
    }
}
