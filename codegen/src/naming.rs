//! Stable names for the generated types.
//!
//! The manifest's definitions are named by schemars after the Rust type alone, without its
//! type parameters: every instantiation of chanrest's generic contract types (`UpdateArgs<W>`
//! for `update` and for `patch`, `Page<M>` per model...) is called `UpdateArgs`, and the ones
//! met after the first get a counter (`UpdateArgs2`, `UpdateArgs3`) in the order the manifest
//! builder meets them. Such a name says nothing, and declaring one more consumer renames the
//! types of the others.
//!
//! So the generator renames them after where they are used, never by a counter:
//!
//! - an action's arguments become `{Consumer}{Action}Args` (`TodosPatchArgs`), its response
//!   `{Consumer}{Action}Response`, a push's data `{Consumer}{Push}Data`;
//! - inside another type, `{Outer}{Field}` (`{Outer}{Field}Item` for array items,
//!   `{Outer}{Field}Value` for map values).
//!
//! A definition is renamed this way when its name is one of chanrest's generic contract
//! types ([`generic_contract_types`]), or when schemars numbered it: a name ending in digits
//! (after an optional `Output`, the builder's suffix for a type's response shape) whose stem
//! another definition also has (`Point` and `Point2`); then every definition of that stem is
//! renamed. Every other name is the user's own and is kept (`AddArgs`, `Todo`, `Lookup`).
//! A renamed definition used in several places becomes one type per place.

use crate::{names, schema, Error};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The schema names of chanrest's generic contract types (the model consumers' and routed
/// model consumers' argument and page types), read from chanrest itself.
pub(crate) fn generic_contract_types() -> Vec<String> {
    use chanrest::model::{CreateArgs, ListArgs, Page, PageArgs, UpdateArgs};
    use chanrest::rfc::{NumberedPage, PageNumberArgs, RouteLookup, RoutePatch, RouteUpdate};
    use schemars::JsonSchema;
    [
        CreateArgs::<()>::schema_name(),
        UpdateArgs::<()>::schema_name(),
        ListArgs::<()>::schema_name(),
        PageArgs::<()>::schema_name(),
        Page::<()>::schema_name(),
        RouteLookup::<()>::schema_name(),
        RouteUpdate::<(), ()>::schema_name(),
        RoutePatch::<(), ()>::schema_name(),
        PageNumberArgs::<()>::schema_name(),
        NumberedPage::<()>::schema_name(),
    ]
    .into_iter()
    .map(|name| name.into_owned())
    .collect()
}

/// `name` without the builder's `Output` suffix and schemars' counter, and whether it had a
/// counter: `UpdateArgs2` → (`UpdateArgs`, true), `PageOutput` → (`Page`, false).
fn stem(name: &str) -> (&str, bool) {
    let base = match name.strip_suffix("Output") {
        Some(base) if !base.is_empty() => base,
        _ => name,
    };
    let trimmed = base.trim_end_matches(|c: char| c.is_ascii_digit());
    if trimmed.is_empty() || trimmed.len() == base.len() {
        (base, false)
    } else {
        (trimmed, true)
    }
}

/// The definitions whose names are not stable (see the module docs).
pub(crate) fn unstable_names(definitions: &Map<String, Value>) -> BTreeSet<String> {
    let generic = generic_contract_types();
    let mut by_stem: BTreeMap<&str, Vec<(&str, bool)>> = BTreeMap::new();
    for name in definitions.keys() {
        let (stem, numbered) = stem(name);
        by_stem.entry(stem).or_default().push((name, numbered));
    }
    let mut unstable = BTreeSet::new();
    for (stem, members) in by_stem {
        let numbered_family = members.len() > 1 && members.iter().any(|(_, numbered)| *numbered);
        if numbered_family || generic.iter().any(|g| g == stem) {
            unstable.extend(members.iter().map(|(name, _)| (*name).to_owned()));
        }
    }
    unstable
}

/// `PascalCase` of a part of a generated name (`Field` when it has no letters or digits).
pub(crate) fn part(text: &str) -> String {
    names::pascal(text)
        .map(|p| p.trim_start_matches('_').to_owned())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "Field".to_owned())
}

/// Renames the unstable definitions after their uses. Feed it every use ([`Namer::root`]),
/// then take the definitions with [`Namer::finish`].
pub(crate) struct Namer<'a> {
    source: &'a Map<String, Value>,
    unstable: BTreeSet<String>,
    out: Map<String, Value>,
    /// Every name given to a renamed definition, and the use it was named after.
    given: BTreeMap<String, String>,
    stable_done: BTreeSet<String>,
}

impl<'a> Namer<'a> {
    pub(crate) fn new(source: &'a Map<String, Value>, unstable: BTreeSet<String>) -> Self {
        Namer {
            source,
            unstable,
            out: Map::new(),
            given: BTreeMap::new(),
            stable_done: BTreeSet::new(),
        }
    }

    /// Rewrites one use of a schema: `name` is what an unstable definition it refers to
    /// directly is called (`TodosPatchArgs`); `what` describes the use, for errors.
    pub(crate) fn root(&mut self, schema: &Value, name: &str, what: &str) -> Result<Value, Error> {
        self.rewrite(schema, name, what, &mut Vec::new())
    }

    /// The definitions: the stable ones (all of them, used or not) and the renamed copies.
    pub(crate) fn finish(mut self) -> Result<Map<String, Value>, Error> {
        let source = self.source;
        for name in source.keys() {
            if !self.unstable.contains(name) {
                self.stable(name)?;
            }
        }
        Ok(self.out)
    }

    fn stable(&mut self, name: &str) -> Result<(), Error> {
        if !self.stable_done.insert(name.to_owned()) {
            return Ok(());
        }
        let source = self.source;
        let definition = self.rewrite(
            &source[name],
            name,
            &format!("definition `{name}`"),
            &mut Vec::new(),
        )?;
        self.out.insert(name.to_owned(), definition);
        Ok(())
    }

    /// A copy of the unstable definition `original` named `name`.
    fn copy(
        &mut self,
        original: &str,
        name: &str,
        what: &str,
        stack: &mut Vec<(String, String)>,
    ) -> Result<(), Error> {
        if self.source.contains_key(name) && !self.unstable.contains(name) {
            return Err(Error::new(
                what,
                format!(
                    "the type `{original}` used here would be named `{name}`, which is already \
                     the name of a definition (rename that type)"
                ),
            ));
        }
        if let Some(other) = self.given.get(name) {
            return Err(Error::new(
                what,
                format!(
                    "the type `{original}` used here would be named `{name}`, as the one used \
                     in {other} (rename a consumer, an action or a field)"
                ),
            ));
        }
        self.given.insert(name.to_owned(), what.to_owned());
        stack.push((original.to_owned(), name.to_owned()));
        let source = self.source;
        let definition = self.rewrite(&source[original], name, what, stack)?;
        stack.pop();
        self.out.insert(name.to_owned(), definition);
        Ok(())
    }

    /// The unstable definition a schema refers to directly (`$ref`, or an `allOf` of one).
    fn direct_unstable<'s>(&self, schema: &'s Value) -> Option<&'s str> {
        let reference = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(schema::ref_name)?;
        self.unstable.contains(reference).then_some(reference)
    }

    fn rewrite(
        &mut self,
        schema: &Value,
        context: &str,
        what: &str,
        stack: &mut Vec<(String, String)>,
    ) -> Result<Value, Error> {
        let Value::Object(object) = schema else {
            return Ok(schema.clone());
        };
        let mut out = object.clone();
        if let Some(target) = object
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(schema::ref_name)
        {
            let renamed = if self.unstable.contains(target) {
                match stack.iter().find(|(original, _)| original == target) {
                    // A type that contains itself refers to its own copy.
                    Some((_, name)) => name.clone(),
                    None => {
                        self.copy(target, context, what, stack)?;
                        context.to_owned()
                    }
                }
            } else {
                self.stable(target)?;
                target.to_owned()
            };
            out.insert(
                "$ref".to_owned(),
                Value::String(format!("#/definitions/{renamed}")),
            );
        }
        if let Some(Value::Object(properties)) = object.get("properties") {
            let mut renamed = Map::new();
            for (key, property) in properties {
                let inner = format!("{context}{}", part(key));
                renamed.insert(key.clone(), self.rewrite(property, &inner, what, stack)?);
            }
            out.insert("properties".to_owned(), Value::Object(renamed));
        }
        if let Some(additional @ Value::Object(_)) = object.get("additionalProperties") {
            let inner = format!("{context}Value");
            out.insert(
                "additionalProperties".to_owned(),
                self.rewrite(additional, &inner, what, stack)?,
            );
        }
        match object.get("items") {
            Some(Value::Array(items)) => {
                let mut renamed = Vec::new();
                for (index, item) in items.iter().enumerate() {
                    let inner = format!("{context}Item{index}");
                    renamed.push(self.rewrite(item, &inner, what, stack)?);
                }
                out.insert("items".to_owned(), Value::Array(renamed));
            }
            Some(item) => {
                let inner = format!("{context}Item");
                out.insert("items".to_owned(), self.rewrite(item, &inner, what, stack)?);
            }
            None => {}
        }
        for keyword in ["oneOf", "anyOf", "allOf"] {
            let Some(Value::Array(branches)) = object.get(keyword) else {
                continue;
            };
            // `Option<Page>` is `anyOf: [Page, null]`: the one renamed branch takes the
            // context's name; several take their own stems after it.
            let direct = branches
                .iter()
                .filter(|b| self.direct_unstable(b).is_some())
                .count();
            let mut renamed = Vec::new();
            for branch in branches {
                let inner = match self.direct_unstable(branch) {
                    Some(target) if direct > 1 => format!("{context}{}", stem(target).0),
                    _ => context.to_owned(),
                };
                renamed.push(self.rewrite(branch, &inner, what, stack)?);
            }
            out.insert(keyword.to_owned(), Value::Array(renamed));
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stems() {
        assert_eq!(stem("UpdateArgs2"), ("UpdateArgs", true));
        assert_eq!(stem("UpdateArgs"), ("UpdateArgs", false));
        assert_eq!(stem("Page2Output"), ("Page", true));
        assert_eq!(stem("TodoOutput"), ("Todo", false));
        assert_eq!(stem("Output"), ("Output", false));
        assert_eq!(stem("V3"), ("V", true));
        assert_eq!(stem("42"), ("42", false));
    }

    #[test]
    fn the_generic_types_are_chanrests() {
        let names = generic_contract_types();
        for name in [
            "CreateArgs",
            "UpdateArgs",
            "Page",
            "RouteUpdate",
            "RoutePatch",
            "NumberedPage",
        ] {
            assert!(names.iter().any(|n| n == name), "{name} not in {names:?}");
        }
    }

    #[test]
    fn which_names_are_unstable() {
        let defs = json!({
            "AddArgs": {}, "Todo": {}, "TodoOutput": {}, "Vec3": {},
            "Point": {}, "Point2": {}, "UpdateArgs": {}, "Lookup": {}
        });
        let unstable = unstable_names(defs.as_object().unwrap());
        let unstable: Vec<&str> = unstable.iter().map(String::as_str).collect();
        assert_eq!(unstable, ["Point", "Point2", "UpdateArgs"]);
    }

    #[test]
    fn renamed_after_their_use() {
        let defs = json!({
            "Page": {"type": "object", "properties": {
                "results": {"type": "array", "items": {"$ref": "#/definitions/Todo"}},
                "next": {"anyOf": [{"$ref": "#/definitions/Page"}, {"type": "null"}]}
            }},
            "Todo": {"type": "object"},
            "Board": {"type": "object", "properties": {
                "first": {"allOf": [{"$ref": "#/definitions/Page"}]}
            }},
            "Unused": {"type": "string"}
        });
        let defs = defs.as_object().unwrap();
        let mut namer = Namer::new(defs, unstable_names(defs));
        let response = namer
            .root(
                &json!({"$ref": "#/definitions/Page"}),
                "TodosListResponse",
                "here",
            )
            .unwrap();
        assert_eq!(response, json!({"$ref": "#/definitions/TodosListResponse"}));
        let board = namer
            .root(&json!({"$ref": "#/definitions/Board"}), "X", "there")
            .unwrap();
        assert_eq!(board, json!({"$ref": "#/definitions/Board"}));
        let out = namer.finish().unwrap();
        let names: Vec<&str> = out.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            ["Board", "BoardFirst", "Todo", "TodosListResponse", "Unused"]
        );
        // The recursive reference points at the copy itself.
        assert_eq!(
            out["TodosListResponse"]["properties"]["next"]["anyOf"][0]["$ref"],
            "#/definitions/TodosListResponse"
        );
        assert_eq!(
            out["BoardFirst"]["properties"]["results"]["items"]["$ref"],
            "#/definitions/Todo"
        );
    }

    #[test]
    fn a_name_taken_twice_is_an_error() {
        let defs = json!({"Page": {"type": "object"}, "TodosListResponse": {"type": "string"}});
        let defs = defs.as_object().unwrap();
        let mut namer = Namer::new(defs, unstable_names(defs));
        let err = namer
            .root(
                &json!({"$ref": "#/definitions/Page"}),
                "TodosListResponse",
                "consumer `Todos`, action `list`, response",
            )
            .unwrap_err();
        assert!(err.message.contains("already"), "{err}");
        let mut namer = Namer::new(defs, unstable_names(defs));
        namer
            .root(&json!({"$ref": "#/definitions/Page"}), "A", "first")
            .unwrap();
        let err = namer
            .root(&json!({"$ref": "#/definitions/Page"}), "A", "second")
            .unwrap_err();
        assert!(err.message.contains("as the one used in first"), "{err}");
    }
}
