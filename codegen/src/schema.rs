//! The JSON Schema (draft-07) subset the generated clients express, and the checks that keep
//! every schema inside it: known keywords only, `$ref`s that resolve, argument schemas that
//! are objects.

use crate::Error;
use serde_json::{Map, Value};
use std::collections::HashSet;

/// Keywords that only annotate or validate values: they do not change the generated types.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "default",
    "examples",
    "format",
    "readOnly",
    "writeOnly",
    "deprecated",
    "$comment",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

/// Keywords that shape the generated types.
const STRUCTURAL: &[&str] = &[
    "$ref",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "oneOf",
    "anyOf",
    "allOf",
];

const TYPES: &[&str] = &[
    "object", "array", "string", "integer", "number", "boolean", "null",
];

/// The definition name a `$ref` points at (`#/definitions/<name>`).
pub(crate) fn ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/definitions/")
}

/// Follows `$ref`s to the schema they name (at most 32 hops).
pub(crate) fn resolve<'a>(schema: &'a Value, defs: &'a Map<String, Value>) -> &'a Value {
    let mut current = schema;
    for _ in 0..32 {
        match current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(ref_name)
            .and_then(|name| defs.get(name))
        {
            Some(target) => current = target,
            None => break,
        }
    }
    current
}

/// Checks `schema` and everything it references. `location` names the consumer, action and
/// part; field paths are appended to it in errors.
pub(crate) fn check(
    schema: &Value,
    defs: &Map<String, Value>,
    location: &str,
) -> Result<(), Error> {
    let mut seen = HashSet::new();
    walk(schema, defs, location, "", &mut seen)
}

fn at(location: &str, path: &str) -> String {
    if path.is_empty() {
        location.to_owned()
    } else {
        format!("{location}, field `{path}`")
    }
}

fn walk(
    schema: &Value,
    defs: &Map<String, Value>,
    location: &str,
    path: &str,
    seen: &mut HashSet<String>,
) -> Result<(), Error> {
    let object = match schema {
        Value::Bool(_) => return Ok(()),
        Value::Object(object) => object,
        other => {
            return Err(Error::new(
                at(location, path),
                format!("a schema must be an object or a boolean, found {other}"),
            ))
        }
    };
    for key in object.keys() {
        if !ANNOTATIONS.contains(&key.as_str()) && !STRUCTURAL.contains(&key.as_str()) {
            return Err(Error::new(
                at(location, path),
                format!(
                    "the JSON Schema keyword `{key}` has no equivalent in the generated clients \
                     (supported: {})",
                    STRUCTURAL.join(", ")
                ),
            ));
        }
    }
    if let Some(reference) = object.get("$ref") {
        let reference = reference.as_str().unwrap_or_default();
        let Some(name) = ref_name(reference).filter(|name| defs.contains_key(*name)) else {
            return Err(Error::new(
                at(location, path),
                format!(
                    "`$ref` to `{reference}`, which is not in the manifest's `definitions` \
                     (only `#/definitions/<name>` references are supported)"
                ),
            ));
        };
        if seen.insert(name.to_owned()) {
            let target = &defs[name];
            walk(target, defs, location, path, seen)?;
        }
    }
    if let Some(types) = object.get("type") {
        let names: Vec<&Value> = match types {
            Value::Array(items) => items.iter().collect(),
            single => vec![single],
        };
        for name in names {
            if !name.as_str().is_some_and(|n| TYPES.contains(&n)) {
                return Err(Error::new(
                    at(location, path),
                    format!("unknown `type` {name}"),
                ));
            }
        }
    }
    if let Some(properties) = object.get("properties") {
        let Some(properties) = properties.as_object() else {
            return Err(Error::new(
                at(location, path),
                "`properties` is not an object",
            ));
        };
        for (name, property) in properties {
            let child = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            walk(property, defs, location, &child, seen)?;
        }
    }
    if let Some(required) = object.get("required") {
        if !required
            .as_array()
            .is_some_and(|items| items.iter().all(Value::is_string))
        {
            return Err(Error::new(
                at(location, path),
                "`required` is not a list of names",
            ));
        }
    }
    if let Some(additional) = object.get("additionalProperties") {
        walk(additional, defs, location, &format!("{path}{{*}}"), seen)?;
    }
    match object.get("items") {
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, defs, location, &format!("{path}[{i}]"), seen)?;
            }
        }
        Some(items) => walk(items, defs, location, &format!("{path}[]"), seen)?,
        None => {}
    }
    if let Some(values) = object.get("enum") {
        if values.as_array().is_none_or(|v| v.is_empty()) {
            return Err(Error::new(
                at(location, path),
                "`enum` is not a non-empty list",
            ));
        }
    }
    for keyword in ["oneOf", "anyOf", "allOf"] {
        if let Some(branches) = object.get(keyword) {
            let Some(branches) = branches.as_array().filter(|b| !b.is_empty()) else {
                return Err(Error::new(
                    at(location, path),
                    format!("`{keyword}` is not a non-empty list"),
                ));
            };
            for branch in branches {
                walk(branch, defs, location, path, seen)?;
            }
        }
    }
    Ok(())
}

/// True when `schema` says "any JSON value": `true`, `{}`, or only annotations.
pub(crate) fn is_any(schema: &Value) -> bool {
    match schema {
        Value::Bool(b) => *b,
        Value::Object(object) => object.keys().all(|k| ANNOTATIONS.contains(&k.as_str())),
        _ => false,
    }
}

/// True when `schema` (after `$ref`s) describes JSON objects only.
pub(crate) fn is_object(schema: &Value, defs: &Map<String, Value>) -> bool {
    let schema = resolve(schema, defs);
    let Some(object) = schema.as_object() else {
        return false;
    };
    for keyword in ["oneOf", "anyOf"] {
        if let Some(branches) = object.get(keyword).and_then(Value::as_array) {
            return branches.iter().all(|b| is_object(b, defs));
        }
    }
    if let Some(branches) = object.get("allOf").and_then(Value::as_array) {
        return branches.iter().any(|b| is_object(b, defs));
    }
    match object.get("type") {
        Some(Value::String(t)) => t == "object",
        Some(_) => false,
        None => object.contains_key("properties"),
    }
}

/// True for the arguments of an action that takes none: an object schema that declares no
/// property and no schema for other keys (chanrest's `NoArgs`: `{"type": "object"}`).
pub(crate) fn is_no_args(schema: &Value, defs: &Map<String, Value>) -> bool {
    let schema = resolve(schema, defs);
    let Some(object) = schema.as_object() else {
        return false;
    };
    let structural: Vec<&str> = object
        .keys()
        .map(String::as_str)
        .filter(|k| STRUCTURAL.contains(k))
        .collect();
    let no_properties = object
        .get("properties")
        .and_then(Value::as_object)
        .is_none_or(Map::is_empty);
    object.get("type") == Some(&Value::String("object".to_owned()))
        && no_properties
        && matches!(
            object.get("additionalProperties"),
            None | Some(Value::Bool(false))
        )
        && structural.iter().all(|k| {
            matches!(
                *k,
                "type" | "properties" | "additionalProperties" | "required"
            )
        })
}

/// The property names an object schema declares (after `$ref`s, through `allOf`).
pub(crate) fn property_names(schema: &Value, defs: &Map<String, Value>) -> Vec<String> {
    let schema = resolve(schema, defs);
    let mut names: Vec<String> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for keyword in ["allOf", "oneOf", "anyOf"] {
        if let Some(branches) = schema.get(keyword).and_then(Value::as_array) {
            for branch in branches {
                names.extend(property_names(branch, defs));
            }
        }
    }
    names
}

/// Calls `visit` on `schema` and on every schema inside it (properties, items, map values,
/// branches and definitions), outermost first; data (`default`, `enum`, `const`) is left
/// alone.
fn each_schema(schema: &mut Value, visit: &mut impl FnMut(&mut Map<String, Value>)) {
    let Value::Object(object) = schema else {
        return;
    };
    visit(object);
    for keyword in ["properties", "definitions"] {
        if let Some(Value::Object(children)) = object.get_mut(keyword) {
            children.values_mut().for_each(|c| each_schema(c, visit));
        }
    }
    for keyword in ["items", "additionalProperties"] {
        match object.get_mut(keyword) {
            Some(Value::Array(children)) => children.iter_mut().for_each(|c| each_schema(c, visit)),
            Some(child) => each_schema(child, visit),
            None => {}
        }
    }
    for keyword in ["oneOf", "anyOf", "allOf"] {
        if let Some(Value::Array(children)) = object.get_mut(keyword) {
            children.iter_mut().for_each(|c| each_schema(c, visit));
        }
    }
}

/// The properties of an object schema that it does not require, with their schemas.
fn optional_properties(
    object: &mut Map<String, Value>,
) -> impl Iterator<Item = &mut Map<String, Value>> {
    let required: Vec<String> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    object
        .get_mut("properties")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|properties| properties.iter_mut())
        .filter(move |(name, _)| !required.contains(name))
        .filter_map(|(_, property)| property.as_object_mut())
}

/// Says in its description what a property the server defaults (`#[serde(default)]`: a
/// `default`, not required) is when omitted.
pub(crate) fn describe_defaults(schema: &mut Value) {
    each_schema(schema, &mut |object| {
        for property in optional_properties(object) {
            let Some(default) = property.get("default") else {
                continue;
            };
            let note = format!("Optional: the server takes `{default}` when it is omitted.");
            let description = match property.get("description").and_then(Value::as_str) {
                Some(text) if !text.trim().is_empty() => format!("{}\n\n{note}", text.trim_end()),
                _ => note,
            };
            property.insert("description".to_owned(), Value::String(description));
        }
    });
}

/// Drops the `default` of properties that are not required, so that the Rust types make them
/// optional (`Option<T>`, omitted when `None`) as the TypeScript ones are (`name?: T`): typify
/// would otherwise make them required fields filled in with the default when decoding.
pub(crate) fn drop_property_defaults(schema: &mut Value) {
    each_schema(schema, &mut |object| {
        for property in optional_properties(object) {
            property.remove("default");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn defs() -> Map<String, Value> {
        json!({
            "Obj": {"type": "object", "properties": {"a": {"type": "integer"}}},
            "NoArgs": {"type": "object"},
            "Loop": {"type": "object", "properties": {"next": {"$ref": "#/definitions/Loop"}}}
        })
        .as_object()
        .unwrap()
        .clone()
    }

    #[test]
    fn unknown_keyword_names_the_field() {
        let schema = json!({"type": "object", "properties": {"x": {"not": {"type": "string"}}}});
        let err = check(&schema, &defs(), "consumer `C`, action `a`, arguments").unwrap_err();
        assert_eq!(
            err.location,
            "consumer `C`, action `a`, arguments, field `x`"
        );
        assert!(err.message.contains("`not`"), "{}", err.message);
    }

    #[test]
    fn dangling_ref_is_an_error() {
        let schema = json!({"type": "array", "items": {"$ref": "#/definitions/Missing"}});
        let err = check(&schema, &defs(), "here").unwrap_err();
        assert_eq!(err.location, "here, field `[]`");
        assert!(err.message.contains("#/definitions/Missing"));
        let schema = json!({"$ref": "other.json#/x"});
        assert!(check(&schema, &defs(), "here").is_err());
    }

    #[test]
    fn recursive_refs_terminate() {
        check(&json!({"$ref": "#/definitions/Loop"}), &defs(), "here").unwrap();
    }

    #[test]
    fn shapes() {
        let d = defs();
        assert!(is_no_args(&json!({"$ref": "#/definitions/NoArgs"}), &d));
        assert!(!is_no_args(&json!({"$ref": "#/definitions/Obj"}), &d));
        assert!(!is_no_args(
            &json!({"type": "object", "additionalProperties": true}),
            &d
        ));
        assert!(is_object(&json!({"$ref": "#/definitions/Obj"}), &d));
        assert!(!is_object(&json!({"type": "integer"}), &d));
        assert!(!is_object(&json!({"type": ["object", "null"]}), &d));
        assert!(is_any(&json!(true)));
        assert!(is_any(&json!({"description": "anything"})));
        assert!(!is_any(&json!({"type": "null"})));
    }

    #[test]
    fn defaults_of_optional_properties() {
        let mut schema = json!({"definitions": {"A": {
            "type": "object", "required": ["a"],
            "properties": {
                "a": {"type": "integer", "default": 1},
                "b": {"description": "The b.", "default": null},
                "c": {"type": "object", "default": {"properties": {"x": {"default": 2}}},
                      "properties": {"x": {"type": "integer", "default": 3}}}
            }
        }}});
        describe_defaults(&mut schema);
        let a = &schema["definitions"]["A"]["properties"];
        assert_eq!(
            a["b"]["description"],
            "The b.\n\nOptional: the server takes `null` when it is omitted."
        );
        assert_eq!(a["a"].get("description"), None, "required: no note");
        drop_property_defaults(&mut schema);
        let a = &schema["definitions"]["A"]["properties"];
        assert_eq!(
            a["a"]["default"], 1,
            "a required property keeps its default"
        );
        assert_eq!(a["b"].get("default"), None);
        assert_eq!(a["c"].get("default"), None);
        assert_eq!(a["c"]["properties"]["x"].get("default"), None);
    }
}
