//! The TypeScript renderer: an ES module package (askama templates) whose types come from a
//! small JSON Schema → TypeScript translator for the draft-07 subset of [`crate::schema`].

use crate::ir::{Action, Api, Args, Consumer, Dialect, Segment};
use crate::output::Files;
use crate::{names, schema, Error};
use serde_json::{Map, Value};

/// The client runtime, copied into every generated package as `src/runtime.ts`.
const RUNTIME: &str = include_str!("../templates/ts/runtime.ts");

/// Settings of the generated TypeScript package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeScriptOptions {
    /// The package's name (default `chanrest-client`).
    pub package_name: String,
    /// The package's version (default: the API's version).
    pub package_version: Option<String>,
}

impl Default for TypeScriptOptions {
    fn default() -> Self {
        TypeScriptOptions {
            package_name: "chanrest-client".to_owned(),
            package_version: None,
        }
    }
}

/// Instance members of a generated client class that actions must not take (an action with
/// one of these names gets a trailing `_`).
const CLIENT_MEMBERS: &[&str] = &["constructor", "endpoint", "withTimeout", "broadcasts"];

/// The names `runtime.ts` exports (`export class X`, `export interface X`, ...).
fn runtime_exports() -> Vec<&'static str> {
    RUNTIME
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("export ")?;
            let rest = ["const ", "interface ", "type ", "function ", "class "]
                .iter()
                .find_map(|kind| rest.strip_prefix(kind))?;
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
                .unwrap_or(rest.len());
            Some(&rest[..end])
        })
        .collect()
}

#[derive(askama::Template)]
#[template(path = "ts/api.ts", escape = "none")]
struct ApiTs {
    title: String,
    version: String,
    skipped: Vec<String>,
    definitions: Vec<String>,
    consumers: Vec<ConsumerTs>,
    rfc_consumers: Vec<RfcConsumerTs>,
    multiplexers: Vec<MultiplexerTs>,
}

struct RfcConsumerTs {
    doc: String,
    class: String,
    name: String,
    path: Option<String>,
    /// Each method, written out.
    methods: Vec<String>,
}

struct ConsumerTs {
    doc: String,
    class: String,
    name: String,
    path: Option<String>,
    push_types: Vec<String>,
    broadcasts: Option<BroadcastTs>,
    methods: Vec<MethodTs>,
}

struct BroadcastTs {
    type_name: String,
    names: String,
}

struct MethodTs {
    doc: String,
    name: String,
    params: String,
    returns: String,
    body: String,
}

struct MultiplexerTs {
    class: String,
    path: String,
    path_text: String,
    streams: Vec<StreamTs>,
}

struct StreamTs {
    field: String,
    class: String,
    wire: String,
    wire_text: String,
    consumer_name: String,
}

#[derive(askama::Template)]
#[template(path = "ts/index.ts", escape = "none")]
struct IndexTs<'a> {
    title: &'a str,
    version: &'a str,
    /// `type X` for a type, `X` for a value: a re-export each file compiles alone.
    runtime_names: Vec<String>,
}

#[derive(askama::Template)]
#[template(path = "ts/package.json", escape = "none")]
struct PackageJson {
    name: String,
    version: String,
    description: String,
}

#[derive(askama::Template)]
#[template(path = "ts/tsconfig.json", escape = "none")]
struct TsConfig;

#[derive(askama::Template)]
#[template(path = "ts/tsconfig.test.json", escape = "none")]
struct TsConfigTest;

/// Renders the TypeScript package: `package.json`, `tsconfig.json`, `tsconfig.test.json`,
/// `src/index.ts`, `src/api.ts`, `src/runtime.ts`.
pub(crate) fn render_typescript(api: &Api, options: &TypeScriptOptions) -> Result<Files, Error> {
    let defs = &api.definitions;
    // `api.ts` reaches the runtime as `rt.X`.
    let mut taken: Vec<(String, String)> = vec![("rt".to_owned(), "the runtime".to_owned())];
    let mut claim = |name: &str, what: String| -> Result<(), Error> {
        if let Some((_, other)) = taken.iter().find(|(n, _)| n == name) {
            return Err(Error::new(
                what,
                format!("its TypeScript name `{name}` is already taken by {other}"),
            ));
        }
        taken.push((name.to_owned(), what));
        Ok(())
    };

    let mut definitions = Vec::new();
    for (name, definition) in defs {
        let ts_name = names::ts_type_ident(name);
        claim(&ts_name, format!("definition `{name}`"))?;
        definitions.push(definition_ts(&ts_name, definition, defs));
    }

    let mut consumers = Vec::new();
    let mut rfc_consumers = Vec::new();
    let mut classes = Vec::new();
    for consumer in &api.consumers {
        let prefix = names::pascal(&consumer.name).expect("checked");
        let class = format!("{prefix}Client");
        claim(&class, format!("consumer `{}`'s client", consumer.name))?;
        classes.push(class);
    }
    for (consumer, class) in api.consumers.iter().zip(&classes) {
        let prefix = names::pascal(&consumer.name).expect("checked");
        match consumer.dialect {
            Dialect::Dcrf => consumers.push(consumer_ts(
                consumer,
                &prefix,
                class.clone(),
                defs,
                &mut claim,
            )?),
            Dialect::Rfc => rfc_consumers.push(rfc_consumer_ts(
                api,
                consumer,
                class.clone(),
                &classes,
                defs,
            )?),
        }
    }

    let mut multiplexers = Vec::new();
    for multiplexer in &api.multiplexers {
        let base = names::pascal(&multiplexer.path).unwrap_or_else(|| "Root".to_owned());
        let class = format!("{base}Multiplexer");
        claim(&class, format!("multiplexer `{}`", multiplexer.path))?;
        let streams = multiplexer
            .streams
            .iter()
            .map(|stream| StreamTs {
                field: names::ts_member(
                    &names::camel(&stream.stream).expect("checked"),
                    &["connection", "constructor"],
                ),
                class: classes[stream.consumer].clone(),
                wire: json(&stream.stream),
                wire_text: format!("`{}`", stream.stream),
                consumer_name: api.consumers[stream.consumer].name.clone(),
            })
            .collect();
        multiplexers.push(MultiplexerTs {
            class,
            path: json(&multiplexer.path),
            path_text: multiplexer.path.clone(),
            streams,
        });
    }

    let api_ts = ApiTs {
        title: api.title.clone(),
        version: api.version.clone(),
        skipped: api
            .skipped
            .iter()
            .map(|s| {
                let at = s
                    .path
                    .as_deref()
                    .map(|p| format!(" at `{p}`"))
                    .unwrap_or_default();
                format!("`{}`{at}: {}.", s.consumer, s.reason)
            })
            .collect(),
        definitions,
        consumers,
        rfc_consumers,
        multiplexers,
    };
    let render = |file: &str, template: &dyn askama::DynTemplate| {
        let mut text = template
            .dyn_render()
            .map_err(|err| Error::new(file, err.to_string()))?;
        // askama drops a template's last newline.
        if !text.ends_with('\n') {
            text.push('\n');
        }
        Ok::<String, Error>(text)
    };
    let mut files = Files::default();
    let package = PackageJson {
        name: options.package_name.clone(),
        version: options
            .package_version
            .clone()
            .unwrap_or_else(|| api.version.clone()),
        description: format!(
            "Typed client of the {} API (generated by chanrest-codegen)",
            api.title
        )
        .replace(['"', '\\'], "'"),
    };
    files.add("package.json", render("package.json", &package)?);
    files.add("tsconfig.json", render("tsconfig.json", &TsConfig)?);
    files.add(
        "tsconfig.test.json",
        render("tsconfig.test.json", &TsConfigTest)?,
    );
    let api_names: Vec<&str> = taken.iter().map(|(n, _)| n.as_str()).collect();
    let index = IndexTs {
        title: &api.title,
        version: &api.version,
        runtime_names: runtime_exports()
            .into_iter()
            .filter(|n| !api_names.contains(n))
            .map(|n| {
                let type_only = ["interface", "type"].iter().any(|kind| {
                    RUNTIME
                        .split(&format!("\nexport {kind} {n}"))
                        .skip(1)
                        .any(|rest| !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
                });
                if type_only {
                    format!("type {n}")
                } else {
                    n.to_owned()
                }
            })
            .collect(),
    };
    files.add("src/index.ts", render("src/index.ts", &index)?);
    files.add("src/api.ts", render("src/api.ts", &api_ts)?);
    files.add("src/runtime.ts", RUNTIME.to_owned());
    Ok(files)
}

fn consumer_ts(
    consumer: &Consumer,
    prefix: &str,
    class: String,
    defs: &Map<String, Value>,
    claim: &mut impl FnMut(&str, String) -> Result<(), Error>,
) -> Result<ConsumerTs, Error> {
    let here = format!("consumer `{}`", consumer.name);
    let mut push_types = Vec::new();
    let push_union = |type_name: &str, doc: &str, pushes: &[String]| -> String {
        let members: Vec<String> = consumer
            .pushes
            .iter()
            .filter(|p| pushes.contains(&p.name))
            .map(|p| {
                let doc = jsdoc(
                    &format!(
                        "{}{}`{}` (status {})",
                        p.doc,
                        if p.doc.is_empty() { "" } else { "\n\n" },
                        p.name,
                        p.status
                    ),
                    1,
                );
                format!(
                    "\n{doc}  | {{ readonly action: {}; readonly data: {} }}",
                    json(&p.name),
                    ts_type(&p.data, defs, 1)
                )
            })
            .collect();
        format!(
            "{}export type {type_name} ={};",
            jsdoc(doc, 0),
            members.concat()
        )
    };
    let mut broadcasts = None;
    if !consumer.pushes.is_empty() {
        let type_name = format!("{prefix}Push");
        claim(&type_name, format!("{here}'s push type"))?;
        let all: Vec<String> = consumer.pushes.iter().map(|p| p.name.clone()).collect();
        push_types.push(push_union(
            &type_name,
            &format!("Every push of consumer `{}`.", consumer.name),
            &all,
        ));
        broadcasts = Some(BroadcastTs {
            type_name,
            names: json_list(&all),
        });
    }
    let mut methods = Vec::new();
    for action in &consumer.actions {
        let name = names::ts_member(
            &names::camel(&action.name).expect("checked"),
            CLIENT_MEMBERS,
        );
        let wire = json(&action.name);
        let response = ts_type(&action.response, defs, 1);
        let (params, args) = match &action.args {
            Args::None => ("options?: rt.CallOptions".to_owned(), "{}".to_owned()),
            Args::Object(schema) => (
                format!(
                    "args: {}, options?: rt.CallOptions",
                    ts_type(schema, defs, 1)
                ),
                "args".to_owned(),
            ),
        };
        let doc = jsdoc(&method_doc(action), 1);
        match &action.subscription {
            None if action.pages.is_some() => {
                let cancel = &action.pages.as_ref().expect("checked").cancel;
                methods.push(MethodTs {
                    doc,
                    name,
                    params,
                    returns: format!("rt.PageStream<{response}>"),
                    body: format!(
                        "this.endpoint.pages({wire}, {}, {args}, options)",
                        json(cancel)
                    ),
                });
            }
            None => methods.push(MethodTs {
                doc,
                name,
                params,
                returns: format!("Promise<{response}>"),
                body: format!("this.endpoint.call({wire}, {args}, options)"),
            }),
            Some(subscription) => {
                let type_name = format!(
                    "{prefix}{}Push",
                    names::pascal(&action.name).expect("checked")
                );
                claim(
                    &type_name,
                    format!("{here}, action `{}`'s push type", action.name),
                )?;
                push_types.push(push_union(
                    &type_name,
                    &format!("The pushes of a `{}` subscription.", action.name),
                    &subscription.pushes,
                ));
                let unsubscribe = consumer.action(&subscription.unsubscribe).expect("checked");
                let unsubscribe_response = ts_type(&unsubscribe.response, defs, 1);
                methods.push(MethodTs {
                    doc,
                    name,
                    params,
                    returns: format!(
                        "Promise<rt.Subscription<{type_name}, {response}, {unsubscribe_response}>>"
                    ),
                    body: format!(
                        "this.endpoint.subscribe({wire}, {}, {}, {args}, options)",
                        json(&subscription.unsubscribe),
                        json_list(&subscription.pushes)
                    ),
                });
            }
        }
    }
    Ok(ConsumerTs {
        doc: jsdoc(
            &format!(
                "{}{}A typed client of consumer `{}`: one method per action.",
                consumer.doc,
                if consumer.doc.is_empty() { "" } else { "\n\n" },
                consumer.name
            ),
            0,
        ),
        class,
        name: json(&consumer.name),
        path: consumer.path.as_deref().map(json),
        push_types,
        broadcasts,
        methods,
    })
}

/// Instance members of a generated client class in the `rfc` dialect that actions and routes
/// must not take.
const RFC_CLIENT_MEMBERS: &[&str] = &["constructor", "endpoint", "route", "withTimeout"];

/// The class of a consumer in rest-framework-channels' dialect: a client at one route, with
/// one method per action and one per route of its own.
fn rfc_consumer_ts(
    api: &Api,
    consumer: &Consumer,
    class: String,
    classes: &[String],
    defs: &Map<String, Value>,
) -> Result<RfcConsumerTs, Error> {
    let here = format!("consumer `{}`", consumer.name);
    let mut methods = Vec::new();
    let mut taken: Vec<String> = RFC_CLIENT_MEMBERS.iter().map(|m| m.to_string()).collect();
    for action in &consumer.actions {
        let name = names::ts_member(
            &names::camel(&action.name).expect("checked"),
            RFC_CLIENT_MEMBERS,
        );
        taken.push(name.clone());
        let (params, args) = match &action.args {
            Args::None => ("options?: rt.CallOptions".to_owned(), "{}".to_owned()),
            Args::Object(schema) => (
                format!(
                    "args: {}, options?: rt.CallOptions",
                    ts_type(schema, defs, 1)
                ),
                "args".to_owned(),
            ),
        };
        methods.push(format!(
            "{}  {name}({params}): Promise<{}> {{\n    return this.endpoint.call(this.route, {}, {args}, options);\n  }}",
            jsdoc(&rfc_method_doc(action), 1),
            ts_type(&action.response, defs, 1),
            json(&action.name),
        ));
    }
    let taken_refs: Vec<&str> = taken.iter().map(String::as_str).collect();
    let mut route_names: Vec<String> = Vec::new();
    for route in &consumer.routes {
        let target = &api.consumers[route.consumer];
        let words = route.method_words(target);
        let name = names::ts_member(&names::camel(&words).expect("checked"), &taken_refs);
        if route_names.contains(&name) {
            return Err(Error::new(
                format!("{here}, route `{}`", route.pattern),
                format!("its method `{name}` is the same as another route's"),
            ));
        }
        route_names.push(name.clone());
        let mut params = Vec::new();
        let mut steps = String::new();
        for segment in &route.segments {
            match segment {
                Segment::Literal(text) => steps.push_str(&format!(".literal({})", json(text))),
                Segment::Param(param_name) => {
                    let param = route
                        .params
                        .iter()
                        .find(|p| &p.name == param_name)
                        .expect("checked");
                    let arg = names::ts_member(
                        &names::camel(&param.name).expect("checked"),
                        &["this", "options"],
                    );
                    let arg = if names::ts_type_ident(&arg) == arg {
                        arg
                    } else {
                        format!("{arg}_")
                    };
                    params.push(format!("{arg}: {}", ts_type(&param.schema, defs, 1)));
                    steps.push_str(&format!(
                        ".param({}, {}, {arg})",
                        json(&param.name),
                        json(param.converter.name())
                    ));
                }
            }
        }
        let with = if route.params.is_empty() {
            String::new()
        } else {
            format!(
                ", with {}",
                route
                    .params
                    .iter()
                    .map(|p| format!("`{}`", p.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let target_class = &classes[route.consumer];
        methods.push(format!(
            "{}  {name}({}): {target_class} {{\n    return new {target_class}(this.endpoint, this.route{steps});\n  }}",
            jsdoc(
                &format!("Route `{}`: consumer `{}`{with}.", route.pattern, target.name),
                1
            ),
            params.join(", "),
        ));
    }
    Ok(RfcConsumerTs {
        doc: jsdoc(
            &format!(
                "{}{}A typed client of consumer `{}` at one route (rest-framework-channels' \
                 dialect): one method per action{}.",
                consumer.doc,
                if consumer.doc.is_empty() { "" } else { "\n\n" },
                consumer.name,
                if consumer.routes.is_empty() {
                    ""
                } else {
                    ", one per route of its own"
                }
            ),
            0,
        ),
        class,
        name: json(&consumer.name),
        path: consumer.path.as_deref().map(json),
        methods,
    })
}

/// An action's doc comment in the `rfc` dialect, with what the wire adds to it.
fn rfc_method_doc(action: &Action) -> String {
    let mut doc = action.doc.clone();
    let mut notes = vec![format!("Action `{}` on the client's route", action.name)];
    if action.status != 200 {
        notes.push(format!("succeeds with status {}", action.status));
    }
    if action.detached {
        notes.push(
            "runs detached: its reply may come after later calls' (matched by action and route)"
                .to_owned(),
        );
    }
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    doc.push_str(&notes.join("; "));
    doc.push('.');
    doc
}

/// An action's doc comment, with what the wire adds to it.
fn method_doc(action: &Action) -> String {
    let mut doc = action.doc.clone();
    let mut notes = vec![format!("Action `{}`", action.name)];
    if action.status != 200 {
        notes.push(format!("succeeds with status {}", action.status));
    }
    if action.detached {
        notes.push("runs detached: the server answers other calls meanwhile".to_owned());
    }
    if let Some(pages) = &action.pages {
        notes.push(format!(
            "a paged stream: one reply per page, ending with the page where \
             `count == 0 || offset + limit >= count`; cancelled by `{}`",
            pages.cancel
        ));
    }
    match &action.subscription {
        Some(subscription) => notes.push(format!(
            "a subscription: pushes {}; ended by `{}`",
            quoted_list(&subscription.pushes),
            subscription.unsubscribe
        )),
        None if !action.pushes.is_empty() => {
            notes.push(format!("causes pushes {}", quoted_list(&action.pushes)))
        }
        None => {}
    }
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    doc.push_str(&notes.join("; "));
    doc.push('.');
    doc
}

fn quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn json(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

fn json_list(items: &[String]) -> String {
    format!(
        "[{}]",
        items.iter().map(|i| json(i)).collect::<Vec<_>>().join(", ")
    )
}

/// A JSDoc block at `depth` (two spaces per level), ending with a newline; empty for no text.
fn jsdoc(text: &str, depth: usize) -> String {
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    let indent = "  ".repeat(depth);
    let text = text.replace("*/", "*\\/");
    let mut out = format!("{indent}/**\n");
    for line in text.lines() {
        if line.trim().is_empty() {
            out.push_str(&format!("{indent} *\n"));
        } else {
            out.push_str(&format!("{indent} * {line}\n"));
        }
    }
    out.push_str(&format!("{indent} */\n"));
    out
}

fn description(schema: &Value) -> &str {
    schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// `export interface Name { ... }` for plain object schemas, `export type Name = ...;` for
/// the rest.
fn definition_ts(name: &str, definition: &Value, defs: &Map<String, Value>) -> String {
    let doc = jsdoc(description(definition), 0);
    let plain_object = definition.as_object().is_some_and(|o| {
        o.get("type") == Some(&Value::String("object".to_owned()))
            && o.get("properties")
                .and_then(Value::as_object)
                .is_some_and(|p| !p.is_empty())
            && !o.contains_key("additionalProperties")
            && !["oneOf", "anyOf", "allOf", "enum", "const", "$ref"]
                .iter()
                .any(|k| o.contains_key(*k))
    });
    if plain_object {
        let body = object_type(definition, defs, 0);
        format!("{doc}export interface {name} {body}")
    } else {
        format!(
            "{doc}export type {name} = {};",
            ts_type(definition, defs, 0)
        )
    }
}

/// The TypeScript type of `schema`, for a position at `depth` (object members are indented
/// one level deeper). `unknown` only where the schema says "any value" (`true`, `{}`).
fn ts_type(schema: &Value, defs: &Map<String, Value>, depth: usize) -> String {
    if schema::is_any(schema) {
        return "unknown".to_owned();
    }
    let object = match schema {
        Value::Bool(true) => return "unknown".to_owned(),
        Value::Bool(false) => return "never".to_owned(),
        Value::Object(object) => object,
        _ => return "never".to_owned(),
    };
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        return names::ts_type_ident(schema::ref_name(reference).expect("checked"));
    }
    if let Some(value) = object.get("const") {
        return value.to_string();
    }
    if let Some(values) = object.get("enum").and_then(Value::as_array) {
        return union(values.iter().map(Value::to_string).collect());
    }
    for keyword in ["oneOf", "anyOf"] {
        if let Some(branches) = object.get(keyword).and_then(Value::as_array) {
            return union(branches.iter().map(|b| ts_type(b, defs, depth)).collect());
        }
    }
    if let Some(branches) = object.get("allOf").and_then(Value::as_array) {
        let parts: Vec<String> = branches
            .iter()
            .map(|b| parenthesize(ts_type(b, defs, depth)))
            .collect();
        return if parts.len() == 1 {
            parts.into_iter().next().expect("one")
        } else {
            parts.join(" & ")
        };
    }
    let types: Vec<&str> = match object.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ if object.contains_key("properties") => vec!["object"],
        _ if object.contains_key("items") => vec!["array"],
        _ => return "unknown".to_owned(),
    };
    union(
        types
            .into_iter()
            .map(|t| match t {
                "object" => object_type(schema, defs, depth),
                "array" => array_type(object, defs, depth),
                "string" => "string".to_owned(),
                "integer" | "number" => "number".to_owned(),
                "boolean" => "boolean".to_owned(),
                _ => "null".to_owned(),
            })
            .collect(),
    )
}

fn union(mut parts: Vec<String>) -> String {
    let mut seen = Vec::new();
    parts.retain(|p| {
        let new = !seen.contains(p);
        seen.push(p.clone());
        new
    });
    match parts.len() {
        0 => "never".to_owned(),
        1 => parts.pop().expect("one"),
        _ => parts.join(" | "),
    }
}

fn parenthesize(ty: String) -> String {
    if top_level_contains(&ty, '|') || top_level_contains(&ty, '&') {
        format!("({ty})")
    } else {
        ty
    }
}

/// True when `c` occurs outside brackets and strings in `ty`.
fn top_level_contains(ty: &str, c: char) -> bool {
    let mut depth = 0i32;
    let mut in_string = false;
    let mut escaped = false;
    for ch in ty.chars() {
        if in_string {
            match ch {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match ch {
            '"' => in_string = true,
            '{' | '(' | '[' | '<' => depth += 1,
            '}' | ')' | ']' | '>' => depth -= 1,
            _ if ch == c && depth == 0 => return true,
            _ => {}
        }
    }
    false
}

fn array_type(object: &Map<String, Value>, defs: &Map<String, Value>, depth: usize) -> String {
    match object.get("items") {
        Some(Value::Array(items)) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| ts_type(i, defs, depth))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Some(items) => format!("Array<{}>", ts_type(items, defs, depth)),
        None => "Array<unknown>".to_owned(),
    }
}

/// An object type: its properties (optional unless required), and an index signature for
/// other keys when `additionalProperties` allows them.
fn object_type(schema: &Value, defs: &Map<String, Value>, depth: usize) -> String {
    let empty = Map::new();
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let additional = match schema.get("additionalProperties") {
        None if properties.is_empty() => Some("unknown".to_owned()),
        None | Some(Value::Bool(false)) => None,
        Some(other) => Some(ts_type(other, defs, depth + 1)),
    };
    if properties.is_empty() {
        return match additional {
            Some(value) => format!("{{ [key: string]: {value} }}"),
            None => "Record<string, never>".to_owned(),
        };
    }
    let indent = "  ".repeat(depth + 1);
    let mut body = String::from("{\n");
    for (name, property) in properties {
        body.push_str(&jsdoc(description(property), depth + 1));
        let key = if names::is_ts_identifier(name) {
            name.clone()
        } else {
            json(name)
        };
        let optional = if required.contains(&name.as_str()) {
            ""
        } else {
            "?"
        };
        body.push_str(&format!(
            "{indent}{key}{optional}: {};\n",
            ts_type(property, defs, depth + 1)
        ));
    }
    body.push_str(&"  ".repeat(depth));
    body.push('}');
    match additional {
        // Other keys are allowed too (their type must admit every property's type).
        Some(value) => format!("{body} & {{ [key: string]: {value} }}"),
        None => body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn runtime_exports_are_found() {
        let names = runtime_exports();
        for name in [
            "DEFAULT_TIMEOUT_MS",
            "Connection",
            "Endpoint",
            "ApiError",
            "Status",
            "CallOptions",
        ] {
            assert!(names.contains(&name), "{name} missing from {names:?}");
        }
        let declared = RUNTIME.matches("\nexport ").count();
        assert_eq!(names.len(), declared, "{names:?}");
    }

    fn ty(schema: Value) -> String {
        let defs = json!({"Thing": {"type": "object"}})
            .as_object()
            .unwrap()
            .clone();
        ts_type(&schema, &defs, 0)
    }

    #[test]
    fn translates_the_subset() {
        assert_eq!(ty(json!(true)), "unknown");
        assert_eq!(ty(json!({})), "unknown");
        assert_eq!(ty(json!({"type": "integer", "format": "int64"})), "number");
        assert_eq!(ty(json!({"type": ["string", "null"]})), "string | null");
        assert_eq!(ty(json!({"type": "null"})), "null");
        assert_eq!(ty(json!({"$ref": "#/definitions/Thing"})), "Thing");
        assert_eq!(ty(json!({"enum": ["a", "b", 1]})), "\"a\" | \"b\" | 1");
        assert_eq!(ty(json!({"const": "x"})), "\"x\"");
        assert_eq!(
            ty(json!({"anyOf": [{"$ref": "#/definitions/Thing"}, {"type": "null"}]})),
            "Thing | null"
        );
        assert_eq!(
            ty(json!({"type": "array", "items": {"type": "string"}})),
            "Array<string>"
        );
        assert_eq!(
            ty(json!({"type": "array", "items": [{"type": "string"}, {"type": "integer"}]})),
            "[string, number]"
        );
        assert_eq!(
            ty(json!({"type": "object", "additionalProperties": {"type": "integer"}})),
            "{ [key: string]: number }"
        );
        assert_eq!(ty(json!({"type": "object"})), "{ [key: string]: unknown }");
        assert_eq!(
            ty(json!({"type": "object", "additionalProperties": false})),
            "Record<string, never>"
        );
        assert_eq!(
            ty(json!({"type": "object", "required": ["a"], "properties": {
                "a": {"type": "integer", "description": "The a."},
                "b-c": {"type": "string"}
            }})),
            "{\n  /**\n   * The a.\n   */\n  a: number;\n  \"b-c\"?: string;\n}"
        );
        assert_eq!(
            ty(
                json!({"allOf": [{"$ref": "#/definitions/Thing"}, {"anyOf": [{"type": "string"}, {"type": "null"}]}]})
            ),
            "Thing & (string | null)"
        );
    }
}
