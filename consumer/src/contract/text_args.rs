//! Arguments that arrive as text (a route's parameters and query string, in
//! rest-framework-channels' dialect), read as the types an action declares before the typed
//! decode: `"7"` for a `pk: i64` is 7, `"x"` stays text and fails with DRF's message.

use super::args::decode_args;
use crate::error::ActionError;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Decodes an action's arguments (what `consumer!`'s dispatch calls): as [`decode_args`],
/// after reading the arguments named in `text_args` (those that came as text from a route's
/// parameters or query string, in rest-framework-channels' dialect; none in DCRF's) as the
/// types `T` declares.
pub(crate) fn decode_args_with_text<T: DeserializeOwned + JsonSchema>(
    text_args: &[String],
    mut args: Map<String, Value>,
) -> Result<T, ActionError> {
    if !text_args.is_empty() {
        let schema = schemars::SchemaGenerator::default()
            .into_root_schema_for::<T>()
            .to_value();
        for name in text_args {
            if let Some(value) = args.get_mut(name) {
                let property = property_schema(&schema, name);
                coerce(value, &property, &schema);
            }
        }
    }
    decode_args(args)
}

/// Follows a local `$ref` of `schema` within `root`.
fn deref<'a>(schema: &'a Value, root: &'a Value) -> &'a Value {
    let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
        return schema;
    };
    let target = reference
        .strip_prefix("#/$defs/")
        .map(|name| &root["$defs"][name])
        .or_else(|| {
            reference
                .strip_prefix("#/definitions/")
                .map(|name| &root["definitions"][name])
        });
    target.unwrap_or(schema)
}

fn property_schema(root: &Value, name: &str) -> Value {
    let top = deref(root, root);
    if let Some(found) = top.get("properties").and_then(|p| p.get(name)) {
        return deref(found, root).clone();
    }
    // Flattened or combined schemas: look inside allOf/anyOf/oneOf.
    for key in ["allOf", "anyOf", "oneOf"] {
        for part in top.get(key).and_then(Value::as_array).into_iter().flatten() {
            let part = deref(part, root);
            if let Some(found) = part.get("properties").and_then(|p| p.get(name)) {
                return deref(found, root).clone();
            }
        }
    }
    Value::Null
}

/// The JSON types a schema allows (empty: unknown, left as is).
fn types(schema: &Value, root: &Value) -> Vec<String> {
    let schema = deref(schema, root);
    let mut found: Vec<String> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    for key in ["anyOf", "oneOf"] {
        for part in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            found.extend(types(part, root));
        }
    }
    found
}

/// Reads text as DRF's form fields do: integers, numbers and booleans from their usual
/// spellings; anything else stays text (and fails the typed decode with DRF's message).
fn coerce(value: &mut Value, schema: &Value, root: &Value) {
    let allowed = types(schema, root);
    let has = |t: &str| allowed.iter().any(|a| a == t);
    match value {
        Value::String(text) if !has("string") => {
            let parsed = if has("integer") {
                text.trim().parse::<i64>().ok().map(Value::from)
            } else {
                None
            };
            let parsed = parsed.or_else(|| {
                has("number")
                    .then(|| text.trim().parse::<f64>().ok())
                    .flatten()
                    .and_then(|n| serde_json::Number::from_f64(n).map(Value::Number))
            });
            let parsed = parsed.or_else(|| {
                if !has("boolean") {
                    return None;
                }
                match text.trim() {
                    "true" | "True" | "1" | "on" | "yes" => Some(Value::Bool(true)),
                    "false" | "False" | "0" | "off" | "no" => Some(Value::Bool(false)),
                    _ => None,
                }
            });
            if let Some(parsed) = parsed {
                *value = parsed;
            } else if has("array") {
                let mut item = Value::String(std::mem::take(text));
                coerce(
                    &mut item,
                    deref(schema, root).get("items").unwrap_or(&Value::Null),
                    root,
                );
                *value = Value::Array(vec![item]);
            }
        }
        Value::Array(items) if has("array") => {
            let item_schema = deref(schema, root)
                .get("items")
                .cloned()
                .unwrap_or_default();
            for item in items {
                coerce(item, &item_schema, root);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            // A repeated query parameter for a single value: the last one counts, as
            // Django's QueryDict.__getitem__ has it.
            let mut last = items.pop().unwrap_or_default();
            coerce(&mut last, schema, root);
            *value = last;
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(serde::Deserialize, schemars::JsonSchema)]
    #[allow(dead_code)]
    struct Typed {
        pk: i64,
        done: Option<bool>,
        owners: Vec<String>,
        name: String,
    }

    #[test]
    fn text_is_read_as_the_declared_type() {
        let root = schemars::SchemaGenerator::default()
            .into_root_schema_for::<Typed>()
            .to_value();
        let mut pk = json!("7");
        coerce(&mut pk, &property_schema(&root, "pk"), &root);
        assert_eq!(pk, json!(7));
        let mut bad = json!("x");
        coerce(&mut bad, &property_schema(&root, "pk"), &root);
        assert_eq!(bad, json!("x"));
        let mut done = json!("false");
        coerce(&mut done, &property_schema(&root, "done"), &root);
        assert_eq!(done, json!(false));
        let mut owners = json!("ada");
        coerce(&mut owners, &property_schema(&root, "owners"), &root);
        assert_eq!(owners, json!(["ada"]));
        let mut name = json!("12");
        coerce(&mut name, &property_schema(&root, "name"), &root);
        assert_eq!(name, json!("12"));
        let mut repeated = json!(["1", "2"]);
        coerce(&mut repeated, &property_schema(&root, "pk"), &root);
        assert_eq!(repeated, json!(2));
    }
}
