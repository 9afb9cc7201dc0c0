//! Models: one `model!` declaration gives the read type, the write type (create/update), the
//! patch type, the filter type (query subscriptions and list filters) and the field specs the
//! store maps to a table. This half has no server dependencies, so a build script can put the
//! types in the manifest.

use crate::error::{messages, FieldErrors};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// How a field is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// 64-bit integer.
    Integer,
    /// Double-precision float.
    Float,
    /// Boolean.
    Boolean,
    /// Text.
    Text,
}

/// Rust types a model field may have.
pub trait FieldType {
    /// The column kind.
    const KIND: FieldKind;
    /// Whether the column takes NULL.
    const NULLABLE: bool = false;
}

macro_rules! field_types {
    ($($ty:ty => $kind:ident),* $(,)?) => {
        $(impl FieldType for $ty { const KIND: FieldKind = FieldKind::$kind; })*
    };
}

field_types!(i64 => Integer, i32 => Integer, i16 => Integer, u32 => Integer, u16 => Integer, u8 => Integer, f64 => Float, f32 => Float, bool => Boolean, String => Text);

impl<T: FieldType> FieldType for Option<T> {
    const KIND: FieldKind = T::KIND;
    const NULLABLE: bool = true;
}

/// A custom field check: `Err(message)` is reported for the field.
pub type Validator = fn(&Value) -> Result<(), String>;

/// Validation rules of a field, with DRF's messages. Built in `model!` as
/// `field: Type [max_length = 200, blank = true]`; each key is a method here.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rules {
    max_length: Option<usize>,
    min_length: Option<usize>,
    blank: Option<bool>,
    min: Option<f64>,
    max: Option<f64>,
    validate: Option<Validator>,
    strict: bool,
}

impl Rules {
    /// No rules (text fields still refuse blank strings, as DRF's `CharField` does).
    pub const fn new() -> Self {
        Rules {
            max_length: None,
            min_length: None,
            blank: None,
            min: None,
            max: None,
            validate: None,
            strict: false,
        }
    }

    /// Takes only the field's own JSON type, instead of reading other types as DRF's
    /// serializer fields do (`"true"` for a boolean, `12` for text, `"12"` for an integer).
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Whether the field takes only its own JSON type.
    pub fn is_strict(&self) -> bool {
        self.strict
    }
    /// Text: at most `n` characters.
    pub fn max_length(mut self, n: usize) -> Self {
        self.max_length = Some(n);
        self
    }
    /// Text: at least `n` characters.
    pub fn min_length(mut self, n: usize) -> Self {
        self.min_length = Some(n);
        self
    }
    /// Text: whether `""` is allowed (default: no).
    pub fn blank(mut self, allowed: bool) -> Self {
        self.blank = Some(allowed);
        self
    }
    /// Numbers: at least `v`.
    pub fn min(mut self, v: impl Into<f64>) -> Self {
        self.min = Some(v.into());
        self
    }
    /// Numbers: at most `v`.
    pub fn max(mut self, v: impl Into<f64>) -> Self {
        self.max = Some(v.into());
        self
    }
    /// A custom check of the JSON value; `Err(message)` is reported for the field.
    pub fn validate(mut self, check: Validator) -> Self {
        self.validate = Some(check);
        self
    }

    /// The messages for `value` (not null).
    pub fn check(&self, kind: FieldKind, value: &Value) -> Vec<String> {
        let mut problems = Vec::new();
        if let (FieldKind::Text, Some(text)) = (kind, value.as_str()) {
            let chars = text.chars().count();
            if text.is_empty() && !self.blank.unwrap_or(false) {
                problems.push(messages::BLANK.to_owned());
            }
            if let Some(max) = self.max_length.filter(|max| chars > *max) {
                problems.push(messages::max_length(max));
            }
            if let Some(min) = self
                .min_length
                .filter(|min| chars < *min && !text.is_empty())
            {
                problems.push(messages::min_length(min));
            }
        }
        if let Some(number) = value.as_f64() {
            if let Some(min) = self.min.filter(|min| number < *min) {
                problems.push(messages::min_value(min));
            }
            if let Some(max) = self.max.filter(|max| number > *max) {
                problems.push(messages::max_value(max));
            }
        }
        if let Some(Err(message)) = self.validate.map(|check| check(value)) {
            problems.push(message);
        }
        problems
    }
}

/// One field of a model.
#[derive(Debug, Clone)]
pub struct FieldSpec {
    /// Field and column name.
    pub name: &'static str,
    /// Doc comment.
    pub doc: String,
    /// Column kind.
    pub kind: FieldKind,
    /// Takes NULL.
    pub nullable: bool,
    /// The primary key.
    pub primary_key: bool,
    /// Assigned by the database (an auto-increment primary key; never reused).
    pub auto: bool,
    /// Usable in list filters and query subscriptions.
    pub query: bool,
    /// The value used when a create leaves the field out.
    pub default: Option<Value>,
    /// Validation rules.
    pub rules: Rules,
}

/// A declared model. Implemented by `model!`.
pub trait Model:
    Serialize + for<'de> Deserialize<'de> + JsonSchema + Clone + Send + Sync + 'static
{
    /// What `create` and `update` take.
    type Write: Serialize + for<'de> Deserialize<'de> + JsonSchema + Clone + Send + Sync + 'static;
    /// What `patch` takes (every field omittable).
    type Patch: Serialize + for<'de> Deserialize<'de> + JsonSchema + Clone + Send + Sync + 'static;
    /// Equality filters on the query fields (every field omittable).
    type Filter: Serialize
        + for<'de> Deserialize<'de>
        + JsonSchema
        + Clone
        + Default
        + Send
        + Sync
        + 'static;
    /// The model's name.
    const NAME: &'static str;
    /// Its table.
    const TABLE: &'static str;
    /// Its fields, in declaration order.
    fn fields() -> &'static [FieldSpec];

    /// The primary key field.
    fn primary_key() -> &'static FieldSpec {
        Self::fields()
            .iter()
            .find(|f| f.primary_key)
            .expect("model! requires one #[pk] field")
    }
}

/// What a write does with the fields it leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    /// A new row (`create`): an omitted field takes its default, or `null` when nullable.
    Create,
    /// Every field of a row (`update`): a required field must be sent; an omitted field with a
    /// default (or a nullable one) keeps its value, as a DRF serializer leaves a field that is
    /// not required.
    Update,
    /// Some fields of a row (`patch`): only the fields sent change.
    Patch,
}

/// Checks `values` (a write or patch as JSON) against `fields` and completes them as `mode`
/// says. The result holds the columns to write. The auto primary key is never taken from the
/// client.
pub fn validate_write(
    fields: &[FieldSpec],
    values: &Map<String, Value>,
    mode: WriteMode,
) -> Result<Map<String, Value>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut row = Map::new();
    for field in fields {
        if field.auto || (mode == WriteMode::Patch && field.primary_key) {
            continue;
        }
        match values.get(field.name) {
            Some(Value::Null) if !field.nullable => {
                errors.add(&[field.name], crate::error::messages::NULL);
            }
            Some(value) => {
                if !value.is_null() {
                    for problem in field.rules.check(field.kind, value) {
                        errors.add(&[field.name], problem);
                    }
                }
                row.insert(field.name.to_owned(), value.clone());
            }
            None => match (&field.default, mode) {
                (_, WriteMode::Patch) => {}
                (None, _) if !field.nullable => {
                    errors.add(&[field.name], crate::error::messages::REQUIRED);
                }
                (_, WriteMode::Update) => {}
                (Some(default), WriteMode::Create) => {
                    row.insert(field.name.to_owned(), default.clone());
                }
                (None, WriteMode::Create) => {
                    row.insert(field.name.to_owned(), Value::Null);
                }
            },
        }
    }
    if errors.is_empty() {
        Ok(row)
    } else {
        Err(errors)
    }
}

/// A field a client may leave out: `Omitted` is "not sent", which differs from `null` (a value
/// for nullable fields, an error otherwise). The write type uses it for fields with defaults,
/// the patch and filter types for every field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Omittable<T> {
    /// Not sent.
    #[default]
    Omitted,
    /// Sent.
    Set(T),
}

impl<T> Omittable<T> {
    /// True when not sent.
    pub fn is_omitted(&self) -> bool {
        matches!(self, Omittable::Omitted)
    }

    /// The value, if sent.
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Omittable::Omitted => None,
            Omittable::Set(value) => Some(value),
        }
    }
}

impl<T> From<T> for Omittable<T> {
    fn from(value: T) -> Self {
        Omittable::Set(value)
    }
}

impl<T: Serialize> Serialize for Omittable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Omittable::Omitted => serializer.serialize_none(),
            Omittable::Set(value) => value.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Omittable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Omittable::Set)
    }
}

impl<T: JsonSchema> JsonSchema for Omittable<T> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        generator.subschema_for::<T>()
    }
}

/// Declares a model: the read type, the write type (create/update), the patch type, the
/// filter type and the field specs the store maps to a table.
///
/// ```
/// chanrest::model! {
///     /// A todo item.
///     pub model Todo in "todos" (write TodoWrite, patch TodoPatch, filter TodoFilter) {
///         /// Assigned by the database.
///         #[pk(auto)]
///         id: i64,
///         /// What to do.
///         title: String [max_length = 200],
///         /// Done yet?
///         done: bool = false,
///         /// Who owns it.
///         #[query]
///         owner: String [max_length = 100, blank = true] = String::new(),
///     }
/// }
///
/// use chanrest::model::{Model, Omittable};
/// let write = TodoWrite { title: "Buy milk".into(), done: Omittable::Omitted, owner: "ada".to_owned().into() };
/// assert_eq!(serde_json::to_value(&write).unwrap(), serde_json::json!({"title": "Buy milk", "owner": "ada"}));
/// assert_eq!(Todo::primary_key().name, "id");
/// assert_eq!(Todo::fields()[2].default, Some(serde_json::json!(false)));
/// ```
///
/// # Grammar
///
/// ```text
/// model! {
///     /// Doc comment of the model (optional).
///     pub model Name in "table" (write NameWrite, patch NamePatch, filter NameFilter) {
///         /// Doc comment of the field (optional; becomes the schema description).
///         #[pk]                 // or #[pk(auto)]: exactly one field of the model is the key
///         #[query]              // optional: usable in list filters and query subscriptions
///         name: Type [rule = value, ...] = default,
///         ...
///     }
/// }
/// ```
///
/// `#[pk]` is a primary key the client sends, `#[pk(auto)]` one assigned by the database
/// (never reused); a key has no default. The rules are the methods of [`Rules`]
/// (`max_length`, `min_length`, `blank`, `min`, `max`, `validate`); the rules and the default
/// are optional. Attributes come in any order, each once. Types: `i64`, `i32`, `f64`,
/// `bool`, `String`, and `Option` of these (nullable). A model without a key, with two, or
/// with an unknown attribute does not compile; the error says what to write instead.
///
/// # Internal rules
///
/// `model!` matches every field in one step (a malformed field sends it to
/// `__model_munch!`'s `@find`, which names it). `__model_munch!`'s `@fields` then takes one
/// field per step: one rule per combination of attributes (docs may come anywhere between
/// them) puts the field into the read, write, patch and filter types at once, so a model
/// of up to about 120 fields needs no `#![recursion_limit]`. `__model_emit!` writes the
/// types and the [`Model`] impl, `__model_pks!` checks that there is one key, and
/// `__model_attr!` handles one attribute (never recursive).
#[macro_export]
macro_rules! model {
    (
        $(#[doc = $doc:expr])*
        $vis:vis model $name:ident in $table:literal ( write $write:ident, patch $patch:ident, filter $filter:ident ) {
            $(
                $(#[$($attr:tt)*])*
                $field:ident : $ty:ty $([$($rule:ident = $value:expr),* $(,)?])? $(= $default:expr)?
            ),* $(,)?
        }
    ) => {
        // Accumulators: [read] [write] [patch] [filter] [field specs] [primary keys].
        $crate::__model_munch! {
            @fields ($vis $name $table $write $patch $filter [$($doc),*]) [] [] [] [] [] []
            $( { [$([$($attr)*])*] $field ($ty) [$($($rule = $value),*)?] [$($default)?] } )*
        }
    };
    (
        $(#[doc = $doc:expr])*
        $vis:vis model $name:ident in $table:literal ( write $write:ident, patch $patch:ident, filter $filter:ident ) {
            $($fields:tt)*
        }
    ) => {
        $crate::__model_munch! { @find $($fields)* }
    };
    ($($other:tt)*) => {
        compile_error!("chanrest::model!: expected `pub model Name in \"table\" (write NameWrite, patch NamePatch, filter NameFilter) { #[pk(auto)] id: i64, field: Type [rules] = default, ... }`");
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __model_munch {
    // ---- @find: the fields did not match in one step; name the first malformed one ---------
    (@find $(#[$($attr:tt)*])* $field:ident : $ty:ty $([$($rule:ident = $value:expr),* $(,)?])? $(= $default:expr)? , $($rest:tt)*) => {
        $crate::__model_munch! { @find $($rest)* }
    };
    (@find $(#[$($attr:tt)*])* $field:ident : $ty:ty [$($rules:tt)*] $($rest:tt)*) => {
        compile_error!(concat!(
            "chanrest::model!: write the rules of field `", stringify!($field),
            "` as `[max_length = 200, blank = true]` (the methods of chanrest::model::Rules)"
        ));
    };
    (@find $(#[$($attr:tt)*])* $field:ident $($rest:tt)*) => {
        compile_error!(concat!(
            "chanrest::model!: write field `", stringify!($field), "` as `", stringify!($field),
            ": Type [rules] = default,` (rules and default optional; fields separated by commas)"
        ));
    };
    (@find $other:tt $($rest:tt)*) => {
        compile_error!(concat!("chanrest::model!: expected `name: Type [rules] = default,`, found `", stringify!($other), "`"));
    };
    (@find) => {
        compile_error!("chanrest::model!: expected `name: Type [rules] = default,` for each field");
    };

    // ---- @fields: one field per step ----------------------------------------------------------
    // Done: the types, and the check that there is one primary key.
    (@fields $header:tt $read:tt $write:tt $patch:tt $filter:tt $specs:tt $pks:tt) => {
        $crate::__model_emit! { $header $read $write $patch $filter $specs }
        $crate::__model_pks! { $header $pks }
    };
    // A required field: in the write type as is, omittable in the patch type.
    (@fields $header:tt [$($read:tt)*] [$($write:tt)*] [$($patch:tt)*] $filter:tt [$($specs:tt)*] $pks:tt
        { [$([doc $($d:tt)*])*] $field:ident ($ty:ty) $rules:tt [] } $($rest:tt)*
    ) => {
        $crate::__model_munch! {
            @fields $header
            [$($read)* { [$([doc $($d)*])*] [] $field ($ty) }]
            [$($write)* { [$([doc $($d)*])*] [] $field ($ty) }]
            [$($patch)* { [$([doc $($d)*])*] [serde(default, skip_serializing_if = "::chanrest::model::Omittable::is_omitted")] $field ($crate::model::Omittable<$ty>) }]
            $filter
            [$($specs)* { $field ($ty) [$([doc $($d)*])*] none no $rules [] }]
            $pks
            $($rest)*
        }
    };
    // A field with a default: omittable in the write and patch types.
    (@fields $header:tt [$($read:tt)*] [$($write:tt)*] [$($patch:tt)*] $filter:tt [$($specs:tt)*] $pks:tt
        { [$([doc $($d:tt)*])*] $field:ident ($ty:ty) $rules:tt [$default:expr] } $($rest:tt)*
    ) => {
        $crate::__model_munch! {
            @fields $header
            [$($read)* { [$([doc $($d)*])*] [] $field ($ty) }]
            [$($write)* { [$([doc $($d)*])*] [serde(default, skip_serializing_if = "::chanrest::model::Omittable::is_omitted")] $field ($crate::model::Omittable<$ty>) }]
            [$($patch)* { [$([doc $($d)*])*] [serde(default, skip_serializing_if = "::chanrest::model::Omittable::is_omitted")] $field ($crate::model::Omittable<$ty>) }]
            $filter
            [$($specs)* { $field ($ty) [$([doc $($d)*])*] none no $rules [$default] }]
            $pks
            $($rest)*
        }
    };
    // `#[query]`, required.
    (@fields $header:tt [$($read:tt)*] [$($write:tt)*] [$($patch:tt)*] [$($filter:tt)*] [$($specs:tt)*] $pks:tt
        { [$([doc $($d:tt)*])* [query] $([doc $($e:tt)*])*] $field:ident ($ty:ty) $rules:tt [] } $($rest:tt)*
    ) => {
        $crate::__model_munch! {
            @fields $header
            [$($read)* { [$([doc $($d)*])* $([doc $($e)*])*] [] $field ($ty) }]
            [$($write)* { [$([doc $($d)*])* $([doc $($e)*])*] [] $field ($ty) }]
            [$($patch)* { [$([doc $($d)*])* $([doc $($e)*])*] [serde(default, skip_serializing_if = "::chanrest::model::Omittable::is_omitted")] $field ($crate::model::Omittable<$ty>) }]
            [$($filter)* { [$([doc $($d)*])* $([doc $($e)*])*] [serde(default, skip_serializing_if = "::chanrest::model::Omittable::is_omitted")] $field ($crate::model::Omittable<$ty>) }]
            [$($specs)* { $field ($ty) [$([doc $($d)*])* $([doc $($e)*])*] none yes $rules [] }]
            $pks
            $($rest)*
        }
    };
    // `#[query]` with a default.
    (@fields $header:tt [$($read:tt)*] [$($write:tt)*] [$($patch:tt)*] [$($filter:tt)*] [$($specs:tt)*] $pks:tt
        { [$([doc $($d:tt)*])* [query] $([doc $($e:tt)*])*] $field:ident ($ty:ty) $rules:tt [$default:expr] } $($rest:tt)*
    ) => {
        $crate::__model_munch! {
            @fields $header
            [$($read)* { [$([doc $($d)*])* $([doc $($e)*])*] [] $field ($ty) }]
            [$($write)* { [$([doc $($d)*])* $([doc $($e)*])*] [serde(default, skip_serializing_if = "::chanrest::model::Omittable::is_omitted")] $field ($crate::model::Omittable<$ty>) }]
            [$($patch)* { [$([doc $($d)*])* $([doc $($e)*])*] [serde(default, skip_serializing_if = "::chanrest::model::Omittable::is_omitted")] $field ($crate::model::Omittable<$ty>) }]
            [$($filter)* { [$([doc $($d)*])* $([doc $($e)*])*] [serde(default, skip_serializing_if = "::chanrest::model::Omittable::is_omitted")] $field ($crate::model::Omittable<$ty>) }]
            [$($specs)* { $field ($ty) [$([doc $($d)*])* $([doc $($e)*])*] none yes $rules [$default] }]
            $pks
            $($rest)*
        }
    };
    // `#[pk]`: sent by the client, so in the write type; never patched.
    (@fields $header:tt [$($read:tt)*] [$($write:tt)*] $patch:tt $filter:tt [$($specs:tt)*] [$($pks:tt)*]
        { [$([doc $($d:tt)*])* [pk] $([doc $($e:tt)*])*] $field:ident ($ty:ty) $rules:tt $default:tt } $($rest:tt)*
    ) => {
        $crate::__model_attr! { @key_default $header $field $default }
        $crate::__model_munch! {
            @fields $header
            [$($read)* { [$([doc $($d)*])* $([doc $($e)*])*] [] $field ($ty) }]
            [$($write)* { [$([doc $($d)*])* $([doc $($e)*])*] [] $field ($ty) }]
            $patch
            $filter
            [$($specs)* { $field ($ty) [$([doc $($d)*])* $([doc $($e)*])*] pk no $rules [] }]
            [$($pks)* $field]
            $($rest)*
        }
    };
    // `#[pk]` and `#[query]`, in either order.
    (@fields $header:tt [$($read:tt)*] [$($write:tt)*] $patch:tt [$($filter:tt)*] [$($specs:tt)*] [$($pks:tt)*]
        { [$([doc $($d:tt)*])* [pk] $([doc $($e:tt)*])* [query] $([doc $($f:tt)*])*] $field:ident ($ty:ty) $rules:tt $default:tt } $($rest:tt)*
    ) => {
        $crate::__model_attr! { @key_default $header $field $default }
        $crate::__model_munch! {
            @fields $header
            [$($read)* { [$([doc $($d)*])* $([doc $($e)*])* $([doc $($f)*])*] [] $field ($ty) }]
            [$($write)* { [$([doc $($d)*])* $([doc $($e)*])* $([doc $($f)*])*] [] $field ($ty) }]
            $patch
            [$($filter)* { [$([doc $($d)*])* $([doc $($e)*])* $([doc $($f)*])*] [serde(default, skip_serializing_if = "::chanrest::model::Omittable::is_omitted")] $field ($crate::model::Omittable<$ty>) }]
            [$($specs)* { $field ($ty) [$([doc $($d)*])* $([doc $($e)*])* $([doc $($f)*])*] pk yes $rules [] }]
            [$($pks)* $field]
            $($rest)*
        }
    };
    (@fields $header:tt [$($read:tt)*] [$($write:tt)*] $patch:tt [$($filter:tt)*] [$($specs:tt)*] [$($pks:tt)*]
        { [$([doc $($d:tt)*])* [query] $([doc $($e:tt)*])* [pk] $([doc $($f:tt)*])*] $field:ident ($ty:ty) $rules:tt $default:tt } $($rest:tt)*
    ) => {
        $crate::__model_attr! { @key_default $header $field $default }
        $crate::__model_munch! {
            @fields $header
            [$($read)* { [$([doc $($d)*])* $([doc $($e)*])* $([doc $($f)*])*] [] $field ($ty) }]
            [$($write)* { [$([doc $($d)*])* $([doc $($e)*])* $([doc $($f)*])*] [] $field ($ty) }]
            $patch
            [$($filter)* { [$([doc $($d)*])* $([doc $($e)*])* $([doc $($f)*])*] [serde(default, skip_serializing_if = "::chanrest::model::Omittable::is_omitted")] $field ($crate::model::Omittable<$ty>) }]
            [$($specs)* { $field ($ty) [$([doc $($d)*])* $([doc $($e)*])* $([doc $($f)*])*] pk yes $rules [] }]
            [$($pks)* $field]
            $($rest)*
        }
    };
    // `#[pk(auto)]`: assigned by the database, so only in the read type.
    (@fields $header:tt [$($read:tt)*] $write:tt $patch:tt $filter:tt [$($specs:tt)*] [$($pks:tt)*]
        { [$([doc $($d:tt)*])* [pk(auto)] $([doc $($e:tt)*])*] $field:ident ($ty:ty) $rules:tt $default:tt } $($rest:tt)*
    ) => {
        $crate::__model_attr! { @key_default $header $field $default }
        $crate::__model_munch! {
            @fields $header
            [$($read)* { [$([doc $($d)*])* $([doc $($e)*])*] [] $field ($ty) }]
            $write
            $patch
            $filter
            [$($specs)* { $field ($ty) [$([doc $($d)*])* $([doc $($e)*])*] auto no $rules [] }]
            [$($pks)* $field]
            $($rest)*
        }
    };
    // `#[pk(auto)]` and `#[query]`, in either order.
    (@fields $header:tt [$($read:tt)*] $write:tt $patch:tt [$($filter:tt)*] [$($specs:tt)*] [$($pks:tt)*]
        { [$([doc $($d:tt)*])* [pk(auto)] $([doc $($e:tt)*])* [query] $([doc $($f:tt)*])*] $field:ident ($ty:ty) $rules:tt $default:tt } $($rest:tt)*
    ) => {
        $crate::__model_attr! { @key_default $header $field $default }
        $crate::__model_munch! {
            @fields $header
            [$($read)* { [$([doc $($d)*])* $([doc $($e)*])* $([doc $($f)*])*] [] $field ($ty) }]
            $write
            $patch
            [$($filter)* { [$([doc $($d)*])* $([doc $($e)*])* $([doc $($f)*])*] [serde(default, skip_serializing_if = "::chanrest::model::Omittable::is_omitted")] $field ($crate::model::Omittable<$ty>) }]
            [$($specs)* { $field ($ty) [$([doc $($d)*])* $([doc $($e)*])* $([doc $($f)*])*] auto yes $rules [] }]
            [$($pks)* $field]
            $($rest)*
        }
    };
    (@fields $header:tt [$($read:tt)*] $write:tt $patch:tt [$($filter:tt)*] [$($specs:tt)*] [$($pks:tt)*]
        { [$([doc $($d:tt)*])* [query] $([doc $($e:tt)*])* [pk(auto)] $([doc $($f:tt)*])*] $field:ident ($ty:ty) $rules:tt $default:tt } $($rest:tt)*
    ) => {
        $crate::__model_attr! { @key_default $header $field $default }
        $crate::__model_munch! {
            @fields $header
            [$($read)* { [$([doc $($d)*])* $([doc $($e)*])* $([doc $($f)*])*] [] $field ($ty) }]
            $write
            $patch
            [$($filter)* { [$([doc $($d)*])* $([doc $($e)*])* $([doc $($f)*])*] [serde(default, skip_serializing_if = "::chanrest::model::Omittable::is_omitted")] $field ($crate::model::Omittable<$ty>) }]
            [$($specs)* { $field ($ty) [$([doc $($d)*])* $([doc $($e)*])* $([doc $($f)*])*] auto yes $rules [] }]
            [$($pks)* $field]
            $($rest)*
        }
    };
    // Any other combination: say which attribute is wrong, and go on with the field as a
    // plain one (so the error is the only one).
    (@fields $header:tt [$($read:tt)*] [$($write:tt)*] [$($patch:tt)*] $filter:tt [$($specs:tt)*] $pks:tt
        { [$([$($attr:tt)*])*] $field:ident ($ty:ty) $rules:tt $default:tt } $($rest:tt)*
    ) => {
        $crate::__model_attr! { @check_field $header $field [$([$($attr)*])*] }
        $crate::__model_munch! {
            @fields $header
            [$($read)* { [] [] $field ($ty) }]
            [$($write)* { [] [] $field ($ty) }]
            [$($patch)* { [] [serde(default, skip_serializing_if = "::chanrest::model::Omittable::is_omitted")] $field ($crate::model::Omittable<$ty>) }]
            $filter
            [$($specs)* { $field ($ty) [] none no $rules [] }]
            $pks
            $($rest)*
        }
    };
}

/// One attribute of a model field, or a check of one field. Never recursive.
#[doc(hidden)]
#[macro_export]
macro_rules! __model_attr {
    (@doc_opt doc = $text:expr) => { ::core::option::Option::Some($text) };
    (@doc_opt $($other:tt)*) => { ::core::option::Option::None };
    (@kind pk $($rest:tt)*) => { 1 };
    (@kind query $($rest:tt)*) => { 2 };
    (@kind $($other:tt)*) => { 0 };

    // A primary key has no default.
    (@key_default $header:tt $field:ident []) => {};
    (@key_default ($vis:vis $name:ident $($header:tt)*) $field:ident [$default:expr]) => {
        compile_error!(concat!(
            "chanrest::model!: primary key `", stringify!($field), "` of `", stringify!($name),
            "` cannot have a default: remove `= ...` (a `#[pk(auto)]` key is assigned by the database)"
        ));
    };

    // A field whose attributes fit no rule: an unknown one, or one given twice.
    (@check_field ($vis:vis $name:ident $($header:tt)*) $field:ident [$([$($attr:tt)*])*]) => {
        $( $crate::__model_attr!(@check $name $field $($attr)*); )*
        const _: () = {
            if $crate::__private::repeats(&[$( $crate::__model_attr!(@kind $($attr)*) ),*]) {
                panic!(concat!(
                    "chanrest::model!: field `", stringify!($field), "` of `", stringify!($name),
                    "` repeats an attribute: give it one of `#[pk]` and `#[pk(auto)]`, and `#[query]` once"
                ));
            }
        };
    };
    (@check $name:ident $field:ident doc = $text:expr) => {};
    (@check $name:ident $field:ident pk) => {};
    (@check $name:ident $field:ident pk(auto)) => {};
    (@check $name:ident $field:ident query) => {};
    (@check $name:ident $field:ident pk $($rest:tt)+) => {
        compile_error!(concat!(
            "chanrest::model!: write `#[pk]` (a key the client sends) or `#[pk(auto)]` (assigned by the database) on field `",
            stringify!($field), "`, not `#[pk", stringify!($($rest)+), "]`"
        ));
    };
    (@check $name:ident $field:ident query $($rest:tt)+) => {
        compile_error!(concat!("chanrest::model!: write `#[query]` (no arguments) on field `", stringify!($field), "`"));
    };
    (@check $name:ident $field:ident $first:ident $($rest:tt)*) => {
        // In a block: a `compile_error!` among a module's items would hide the lookup's error.
        const _: () = {
            compile_error!(concat!(
                "chanrest::model!: unknown attribute `#[", stringify!($first $($rest)*), "]` on field `", stringify!($field),
                "` of `", stringify!($name), "`; a field takes doc comments, `#[pk]`, `#[pk(auto)]` and `#[query]`"
            ));
            use $crate::__private::known::field_attribute as field_attributes;
            let _ = field_attributes::$first;
        };
    };
    (@check $name:ident $field:ident $($other:tt)*) => {
        compile_error!(concat!(
            "chanrest::model!: unknown attribute `#[", stringify!($($other)*), "]` on field `", stringify!($field),
            "` of `", stringify!($name), "`; a field takes doc comments, `#[pk]`, `#[pk(auto)]` and `#[query]`"
        ));
    };
}

/// Checks that a model has one primary key.
#[doc(hidden)]
#[macro_export]
macro_rules! __model_pks {
    (($vis:vis $name:ident $($header:tt)*) [$key:ident]) => {};
    (($vis:vis $name:ident $($header:tt)*) []) => {
        compile_error!(concat!(
            "chanrest::model!: model `", stringify!($name), "` has no primary key: mark one field `#[pk(auto)]` ",
            "(assigned by the database, e.g. `#[pk(auto)] id: i64,`) or `#[pk]` (a key the client sends)"
        ));
    };
    (($vis:vis $name:ident $($header:tt)*) [$first:ident $($more:ident)+]) => {
        compile_error!(concat!(
            "chanrest::model!: model `", stringify!($name), "` has `", stringify!($first), $("` and `", stringify!($more),)+
            "` as primary keys; a model has one: keep `#[pk]` or `#[pk(auto)]` on one field (mark the others `#[query]` to filter on them)"
        ));
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __model_emit {
    (($vis:vis $name:ident $table:literal $write:ident $patch:ident $filter:ident [$($doc:expr),*])
     [$( { [$([$($rattr:tt)*])*] [$($rmeta:meta)?] $rfield:ident ($rty:ty) } )*]
     [$( { [$([$($wattr:tt)*])*] [$($wmeta:meta)?] $wfield:ident ($wty:ty) } )*]
     [$( { [$([$($pattr:tt)*])*] [$($pmeta:meta)?] $pfield:ident ($pty:ty) } )*]
     [$( { [$([$($fattr:tt)*])*] [$($fmeta:meta)?] $ffield:ident ($fty:ty) } )*]
     [$( { $field:ident ($ty:ty) [$([$($sattr:tt)*])*] $mode:ident $query:ident [$($rule:ident = $value:expr),*] [$($default:expr)?] } )*]
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq,
            $crate::__private::serde::Serialize, $crate::__private::serde::Deserialize, $crate::__private::schemars::JsonSchema)]
        #[serde(crate = "::chanrest::__private::serde")]
        #[schemars(crate = "::chanrest::__private::schemars")]
        $vis struct $name {
            $( $(#[$($rattr)*])* $(#[$rmeta])? pub $rfield: $rty, )*
        }

        #[doc = concat!("What `create` and `update` take for [`", stringify!($name), "`]; fields with a default may be omitted.")]
        #[derive(Debug, Clone, PartialEq,
            $crate::__private::serde::Serialize, $crate::__private::serde::Deserialize, $crate::__private::schemars::JsonSchema)]
        #[serde(crate = "::chanrest::__private::serde")]
        #[schemars(crate = "::chanrest::__private::schemars")]
        $vis struct $write {
            $( $(#[$($wattr)*])* $(#[$wmeta])? pub $wfield: $wty, )*
        }

        #[doc = concat!("What `patch` takes for [`", stringify!($name), "`]: only the fields sent change.")]
        #[derive(Debug, Clone, PartialEq, Default,
            $crate::__private::serde::Serialize, $crate::__private::serde::Deserialize, $crate::__private::schemars::JsonSchema)]
        #[serde(crate = "::chanrest::__private::serde")]
        #[schemars(crate = "::chanrest::__private::schemars")]
        $vis struct $patch {
            $( $(#[$($pattr)*])* $(#[$pmeta])? pub $pfield: $pty, )*
        }

        #[doc = concat!("Equality filters on the query fields of [`", stringify!($name), "`]; omitted fields match anything.")]
        #[derive(Debug, Clone, PartialEq, Default,
            $crate::__private::serde::Serialize, $crate::__private::serde::Deserialize, $crate::__private::schemars::JsonSchema)]
        #[serde(crate = "::chanrest::__private::serde")]
        #[schemars(crate = "::chanrest::__private::schemars")]
        $vis struct $filter {
            $( $(#[$($fattr)*])* $(#[$fmeta])? pub $ffield: $fty, )*
        }

        impl $crate::model::Model for $name {
            type Write = $write;
            type Patch = $patch;
            type Filter = $filter;
            const NAME: &'static str = stringify!($name);
            const TABLE: &'static str = $table;

            fn fields() -> &'static [$crate::model::FieldSpec] {
                static FIELDS: ::std::sync::OnceLock<::std::vec::Vec<$crate::model::FieldSpec>> = ::std::sync::OnceLock::new();
                FIELDS.get_or_init(|| ::std::vec![$(
                    $crate::model::FieldSpec {
                        name: stringify!($field),
                        doc: $crate::__private::join_doc_lines(&[$( $crate::__model_attr!(@doc_opt $($sattr)*) ),*]),
                        kind: <$ty as $crate::model::FieldType>::KIND,
                        nullable: <$ty as $crate::model::FieldType>::NULLABLE,
                        primary_key: $crate::__model_mode!(pk $mode),
                        auto: $crate::__model_mode!(auto $mode),
                        query: $crate::__model_mode!(query $query),
                        default: [$($crate::__private::serde_json::to_value::<$ty>($default).expect("a serializable default")),*]
                            .into_iter().next(),
                        rules: $crate::model::Rules::new() $(.$rule($value))*,
                    }
                ),*])
            }
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __model_mode {
    (pk auto) => {
        true
    };
    (pk pk) => {
        true
    };
    (pk none) => {
        false
    };
    (auto auto) => {
        true
    };
    (auto $other:ident) => {
        false
    };
    (query yes) => {
        true
    };
    (query no) => {
        false
    };
}

/// The client's value naming a row: any JSON (an integer, or a string for text keys); a value
/// that cannot be a key of the model gets 404, as in Django.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Pk(pub Value);

impl JsonSchema for Pk {
    fn schema_name() -> Cow<'static, str> {
        "Pk".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "description": "A primary key: an integer, or a string for text keys.",
            "type": ["integer", "string"]
        })
    }
}

impl From<i64> for Pk {
    fn from(pk: i64) -> Self {
        Pk(Value::from(pk))
    }
}

impl From<&str> for Pk {
    fn from(pk: &str) -> Self {
        Pk(Value::from(pk))
    }
}

/// Arguments naming one row (`retrieve`, `delete`, `subscribe_instance`, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Lookup {
    /// The row's primary key.
    pub pk: Pk,
}

/// Arguments of `create`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CreateArgs<W> {
    /// The new row's fields.
    pub data: Data<W>,
}

/// Arguments of `update` (the required fields and any others) and `patch` (only the fields
/// sent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UpdateArgs<W> {
    /// The row's primary key.
    pub pk: Pk,
    /// The fields to write.
    pub data: Data<W>,
}

/// A `data` argument, decoded by the action rather than with the other arguments so that
/// its field errors come back as DRF serializers report them: `[{"title": [...]}]`, not
/// nested under `data`. Its schema is `W`'s.
#[derive(Debug, Clone, PartialEq)]
pub struct Data<W> {
    value: Value,
    _type: std::marker::PhantomData<fn() -> W>,
}

impl<W: Serialize> Data<W> {
    /// Wraps a value to send.
    pub fn new(data: &W) -> Self {
        Data {
            value: serde_json::to_value(data).unwrap_or(Value::Null),
            _type: std::marker::PhantomData,
        }
    }
}

impl<W: for<'de> Deserialize<'de> + JsonSchema> Data<W> {
    /// Decodes the data, with DRF-shaped errors.
    pub fn decode(&self) -> Result<W, crate::error::ActionError> {
        crate::contract::decode_value(&self.value)
    }

    /// Decodes the data of a write of `M` as DRF's model serializer reads it: each field's
    /// value is first read as its DRF field does (see [`read_as_drf`]; a `strict` field takes
    /// its own JSON type only), then every field's error is reported at once, type errors and
    /// rule errors (blank, lengths, bounds, validators) together. `null` data is DRF's
    /// `No data provided`.
    pub fn decode_for<M: Model>(&self, mode: WriteMode) -> Result<W, crate::error::ActionError> {
        use crate::error::{messages, ActionError};
        let sent = match &self.value {
            Value::Object(sent) => sent,
            Value::Null => {
                let mut errors = FieldErrors::new();
                errors.add::<&str>(&[], messages::NO_DATA);
                return Err(ActionError::Validation(errors));
            }
            _ => return self.decode(),
        };
        let mut data = sent.clone();
        let mut errors = FieldErrors::new();
        for field in M::fields() {
            match data.get_mut(field.name) {
                Some(value) if !value.is_null() && !field.rules.is_strict() => {
                    if let Err(message) = read_as_drf(field.kind, value) {
                        errors.add(&[field.name], message);
                    }
                }
                _ => {}
            }
        }
        let data = Value::Object(data);
        let typed = crate::contract::decode_value::<W>(&data);
        if let Err(ActionError::Validation(type_errors)) = &typed {
            errors.merge_missing(type_errors.clone());
        }
        if let Value::Object(values) = &data {
            if let Err(rule_errors) = validate_write(M::fields(), values, mode) {
                errors.merge_missing(rule_errors);
            }
        }
        if errors.is_empty() {
            typed
        } else {
            Err(ActionError::Validation(errors))
        }
    }
}

/// Reads `value` (not null) as DRF's serializer field of `kind` does in `to_internal_value`,
/// in place; `Err` carries DRF's message.
///
/// - boolean: `true`/`false`, `1`/`0`, and DRF's spellings (`"true"`, `"True"`, `"1"`,
///   `"yes"`, `"on"`, `"t"`, `"y"` and their false counterparts);
/// - text: numbers become their text; surrounding whitespace is trimmed; booleans, lists and
///   objects are `Not a valid string.`;
/// - integer: integers, `12.0`, `"12"`, `" 12 "` and `"12.0"`; `12.5` is
///   `A valid integer is required.`;
/// - float: numbers and numeric text.
///
/// ```
/// use chanrest::model::{read_as_drf, FieldKind};
/// let mut done = serde_json::json!("yes");
/// read_as_drf(FieldKind::Boolean, &mut done).unwrap();
/// assert_eq!(done, serde_json::json!(true));
/// let mut count = serde_json::json!(12.5);
/// assert_eq!(read_as_drf(FieldKind::Integer, &mut count), Err("A valid integer is required."));
/// ```
pub fn read_as_drf(kind: FieldKind, value: &mut Value) -> Result<(), &'static str> {
    use crate::error::messages;
    const TRUE: &[&str] = &[
        "t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1",
    ];
    const FALSE: &[&str] = &[
        "f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0",
    ];
    let read = match (kind, &*value) {
        (FieldKind::Boolean, Value::Bool(_)) => return Ok(()),
        (FieldKind::Boolean, Value::Number(n)) => match n.as_f64() {
            Some(1.0) => Value::Bool(true),
            Some(0.0) => Value::Bool(false),
            _ => return Err(messages::INVALID_BOOLEAN),
        },
        (FieldKind::Boolean, Value::String(text)) if TRUE.contains(&text.as_str()) => {
            Value::Bool(true)
        }
        (FieldKind::Boolean, Value::String(text)) if FALSE.contains(&text.as_str()) => {
            Value::Bool(false)
        }
        (FieldKind::Boolean, _) => return Err(messages::INVALID_BOOLEAN),
        (FieldKind::Text, Value::String(text)) => Value::String(text.trim().to_owned()),
        (FieldKind::Text, Value::Number(n)) => Value::String(n.to_string()),
        (FieldKind::Text, _) => return Err(messages::INVALID_STRING),
        (FieldKind::Integer, Value::Number(n)) if n.is_i64() || n.is_u64() => return Ok(()),
        (FieldKind::Integer, Value::Number(n)) => match n.as_f64() {
            Some(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Value::from(x as i64),
            _ => return Err(messages::INVALID_INTEGER),
        },
        (FieldKind::Integer, Value::String(text)) => {
            // DRF: int() of the text without a decimal point followed by zeros only.
            let text = text.trim();
            let whole = match text.split_once('.') {
                Some((whole, zeros)) if zeros.chars().all(|c| c == '0') => whole,
                Some(_) => return Err(messages::INVALID_INTEGER),
                None => text,
            };
            match whole.strip_prefix('+').unwrap_or(whole).parse::<i64>() {
                Ok(n) if !whole.starts_with("+-") => Value::from(n),
                _ => return Err(messages::INVALID_INTEGER),
            }
        }
        (FieldKind::Integer, _) => return Err(messages::INVALID_INTEGER),
        (FieldKind::Float, Value::Number(_)) => return Ok(()),
        (FieldKind::Float, Value::String(text)) => match text.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => Value::from(x),
            _ => return Err(messages::INVALID_NUMBER),
        },
        (FieldKind::Float, Value::Bool(b)) => Value::from(if *b { 1.0 } else { 0.0 }),
        (FieldKind::Float, _) => return Err(messages::INVALID_NUMBER),
    };
    *value = read;
    Ok(())
}

impl<W> Data<W> {
    /// The value as the client sent it (which fields it named).
    #[cfg(feature = "server")]
    pub(crate) fn sent(&self) -> &Value {
        &self.value
    }

    /// The fields, when the value is an object.
    #[cfg(feature = "server")]
    pub(crate) fn fields_mut(&mut self) -> Option<&mut Map<String, Value>> {
        self.value.as_object_mut()
    }

    /// The same value, to be read as a `P` (an update's data read as a patch).
    #[cfg(feature = "server")]
    pub(crate) fn retype<P>(self) -> Data<P> {
        Data {
            value: self.value,
            _type: std::marker::PhantomData,
        }
    }
}

impl<W> Serialize for Data<W> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<'de, W> Deserialize<'de> for Data<W> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Data {
            value: Value::deserialize(deserializer)?,
            _type: std::marker::PhantomData,
        })
    }
}

impl<W: JsonSchema> JsonSchema for Data<W> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        W::schema_name()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        generator.subschema_for::<W>()
    }
}

/// Arguments of `list` and query subscriptions: equality filters on the model's query fields,
/// as top-level keys (other keys, such as dcrf-client's `data: {}`, are ignored).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct ListArgs<F> {
    /// The filters.
    #[serde(flatten)]
    pub filter: F,
}

/// Arguments of a paginated `list`: DCRF's `limit` and `offset` (a bad or non-positive limit
/// falls back to the default, a bad offset to 0) and the filters.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct PageArgs<F> {
    /// Rows per page (default and maximum set by the consumer).
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub limit: Lenient,
    /// Rows to skip.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    pub offset: Lenient,
    /// The filters.
    #[serde(flatten)]
    pub filter: F,
}

/// An integer argument read leniently, as DCRF's paginator does: anything that is not a
/// non-negative integer (or a string of one) reads as absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lenient(pub Option<u64>);

impl Lenient {
    /// True when absent or unreadable.
    pub fn is_absent(&self) -> bool {
        self.0.is_none()
    }
}

impl Serialize for Lenient {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Lenient {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Ok(Lenient(match value {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }))
    }
}

impl JsonSchema for Lenient {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Lenient".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({ "type": "integer", "minimum": 0 })
    }
}

/// One page of a paginated list, in DCRF's shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Page<M> {
    /// Rows matching the filters, over all pages.
    pub count: u64,
    /// This page's rows.
    pub results: Vec<M>,
    /// The page size used.
    pub limit: u64,
    /// The offset used.
    pub offset: u64,
}

/// The data of a `delete` push: the deleted row's primary key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Deleted {
    /// The deleted row's primary key.
    pub pk: Pk,
}
