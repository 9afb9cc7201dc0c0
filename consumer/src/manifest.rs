//! The manifest: every consumer, its path and dialect, and every action with JSON Schemas
//! (draft-07) for its arguments and response. Built at compile time by a build script (no
//! server features needed) and served by the server at `/manifest.json`.
//!
//! Argument schemas describe deserialization and response schemas serialization (schemars'
//! two contracts). When one type has a different shape in each direction, the response shape
//! is named `<Name>Output` so both fit in one `definitions` table.

use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::{JsonSchema, Schema};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// The manifest format's version; bumped on incompatible changes.
pub const FORMAT_VERSION: u32 = 1;

/// Static facts about one action, as declared in its `consumer!` block.
#[derive(Debug, Clone, Copy)]
pub struct ActionInfo {
    /// The wire name.
    pub name: &'static str,
    /// Runs as a detached task.
    pub detached: bool,
    /// The success status (`response_status`), 200 unless declared.
    pub status: u16,
}

/// A whole API: consumers, where they are mounted, and shared definitions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// JSON Schema dialect of every schema inside.
    #[serde(rename = "$schema")]
    pub schema: String,
    /// Manifest format version ([`FORMAT_VERSION`]).
    pub format: u32,
    /// The API's title.
    pub title: String,
    /// The API's version.
    pub version: String,
    /// Consumers mounted at their own path, in declaration order.
    pub consumers: Vec<ConsumerManifest>,
    /// Multiplexed endpoints, in declaration order.
    pub multiplexers: Vec<MultiplexerManifest>,
    /// The reply envelope of every dialect (JSON Schema).
    pub envelopes: Map<String, Value>,
    /// Named schemas referenced as `#/definitions/<name>`.
    pub definitions: Map<String, Value>,
}

/// One consumer of the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsumerManifest {
    /// The consumer's name (its `consumer!` name).
    pub name: String,
    /// Where it is mounted on its own (`null` when only reachable through a multiplexer).
    pub path: Option<String>,
    /// Its envelope dialect (`dcrf` or `rfc`).
    pub dialect: String,
    /// Its doc comment.
    pub doc: String,
    /// Its actions, in declaration order.
    pub actions: Vec<ActionManifest>,
    /// The pushes it can send, in declaration order.
    pub pushes: Vec<PushManifest>,
    /// Its route table, for a routed consumer in the `rfc` dialect (absent otherwise), in
    /// matching order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<RouteManifest>,
}

/// One route of a routed consumer: messages whose `route` starts with `pattern` go to
/// `consumer` (another entry of the manifest, without a path of its own).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteManifest {
    /// The pattern, in Django's `path()` syntax (`todos/<pk>/`).
    pub pattern: String,
    /// Its parameters, in order; each becomes an argument of the child's actions.
    pub params: Vec<RouteParamManifest>,
    /// The child consumer's name.
    pub consumer: String,
}

/// A route parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteParamManifest {
    /// Its name (the argument it becomes).
    pub name: String,
    /// Its type: as the child's actions declare the argument, else the converter's.
    pub schema: Value,
}

/// One action of a consumer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionManifest {
    /// Wire name.
    pub name: String,
    /// Doc comment.
    pub doc: String,
    /// Schema of the arguments object (the message's keys besides `action` and `request_id`).
    pub args: Value,
    /// Schema of the reply's `data` on success.
    pub response: Value,
    /// The success `response_status`.
    pub status: u16,
    /// Runs detached: later messages are served while it runs; its reply comes when it ends.
    pub detached: bool,
    /// Names of the pushes this action can cause (see the consumer's `pushes`). For a
    /// subscription, the pushes that carry the subscribing request's `request_id`.
    pub pushes: Vec<String>,
    /// For a subscription: the action that ends it, sent with the same `request_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsubscribe: Option<String>,
}

/// A server push: a message with the consumer's envelope whose `action` is `name`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushManifest {
    /// The push's `action` value on the wire.
    pub name: String,
    /// Doc comment.
    pub doc: String,
    /// Schema of its `data`.
    pub data: Value,
    /// Its `response_status`.
    pub status: u16,
}

/// A multiplexed endpoint: one socket, several consumers by stream name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiplexerManifest {
    /// Where it is mounted.
    pub path: String,
    /// Stream name → consumer name, in declaration order.
    pub streams: Vec<StreamManifest>,
}

/// One stream of a multiplexer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamManifest {
    /// The `stream` value on the wire.
    pub stream: String,
    /// The consumer's name.
    pub consumer: String,
}

/// A consumer contract: what a `consumer!` block declares. Implemented by the macro.
pub trait Contract {
    /// The consumer's name.
    const NAME: &'static str;
    /// Its envelope dialect.
    const DIALECT: crate::Dialect = crate::Dialect::Dcrf;
    /// The actions, in declaration order.
    fn actions() -> &'static [ActionInfo];
    /// Describes the consumer's actions and pushes into `builder`.
    fn describe(builder: &mut ConsumerBuilder<'_>);
}

/// Builds a [`Manifest`].
///
/// ```
/// chanrest::consumer! {
///     /// Arithmetic.
///     pub consumer Calc: CalcHandler {
///         /// Adds.
///         action add(AddArgs { a: i64, b: i64 }) -> i64;
///     }
/// }
/// let manifest = chanrest::ManifestBuilder::new("calc", "1.0").consumer::<Calc>("/ws/calc/").build();
/// let action = &manifest.consumers[0].actions[0];
/// assert_eq!(action.name, "add");
/// assert_eq!(action.doc, "Adds.");
/// assert_eq!(action.args, serde_json::json!({"$ref": "#/definitions/AddArgs"}));
/// assert_eq!(manifest.definitions["AddArgs"]["required"], serde_json::json!(["a", "b"]));
/// ```
pub struct ManifestBuilder {
    title: String,
    version: String,
    input: SchemaGenerator,
    output: SchemaGenerator,
    consumers: Vec<ConsumerManifest>,
    multiplexers: Vec<MultiplexerManifest>,
}

impl ManifestBuilder {
    /// A manifest for the API `title` at `version`.
    pub fn new(title: impl Into<String>, version: impl Into<String>) -> Self {
        ManifestBuilder {
            title: title.into(),
            version: version.into(),
            input: SchemaSettings::draft07().for_deserialize().into_generator(),
            output: SchemaSettings::draft07().for_serialize().into_generator(),
            consumers: Vec::new(),
            multiplexers: Vec::new(),
        }
    }

    /// Adds consumer `C` mounted at `path` (`None`: only reachable through a multiplexer).
    pub fn consumer_at<C: Contract>(mut self, path: Option<&str>) -> Self {
        if let Some(existing) = self.consumers.iter_mut().find(|c| c.name == C::NAME) {
            // Mounted a second time: keep one entry, at the first path given.
            if existing.path.is_none() {
                existing.path = path.map(str::to_owned);
            }
            return self;
        }
        let mut consumer = ConsumerManifest {
            name: C::NAME.to_owned(),
            path: path.map(str::to_owned),
            dialect: C::DIALECT.name().to_owned(),
            doc: String::new(),
            actions: Vec::new(),
            pushes: Vec::new(),
            routes: Vec::new(),
        };
        C::describe(&mut ConsumerBuilder {
            manifest: &mut self,
            consumer: &mut consumer,
        });
        self.consumers.push(consumer);
        self
    }

    /// Adds consumer `C` mounted at `path`.
    pub fn consumer<C: Contract>(self, path: &str) -> Self {
        self.consumer_at::<C>(Some(path))
    }

    /// Adds consumer `C` mounted at `path` with its route table (the RFC dialect), and every
    /// consumer the routes lead to (without a path of their own, each with its own routes).
    pub fn routed<C: Contract>(self, path: &str, routes: &crate::routing::Routes) -> Self {
        let mut builder = self.consumer::<C>(path);
        builder.set_dialect(C::NAME, crate::Dialect::Rfc);
        builder.add_routes(C::NAME, routes)
    }

    fn set_dialect(&mut self, name: &str, dialect: crate::Dialect) {
        if let Some(entry) = self.consumers.iter_mut().find(|c| c.name == name) {
            entry.dialect = dialect.name().to_owned();
        }
    }

    fn add_routes(mut self, owner: &str, routes: &crate::routing::Routes) -> Self {
        let mut table = Vec::new();
        for route in routes.entries() {
            self = route.add_to(self);
            self.set_dialect(route.consumer(), crate::Dialect::Rfc);
            self = self.add_routes(route.consumer(), route.children());
            let params = route
                .pattern()
                .params()
                .map(|(name, converter)| RouteParamManifest {
                    name: name.to_owned(),
                    schema: match converter {
                        crate::routing::Converter::Int => converter.schema(),
                        _ => self
                            .declared_param(route, name)
                            .unwrap_or_else(|| converter.schema()),
                    },
                })
                .collect();
            table.push(RouteManifest {
                pattern: route.pattern().as_str().to_owned(),
                params,
                consumer: route.consumer().to_owned(),
            });
        }
        if let Some(entry) = self.consumers.iter_mut().find(|c| c.name == owner) {
            entry.routes = table;
        }
        self
    }

    /// The schema the route's child (or a consumer below it) declares for argument `name`.
    fn declared_param(&self, route: &crate::routing::RouteDecl, name: &str) -> Option<Value> {
        let definitions = self.input.definitions();
        let resolve = |schema: &Value| -> Value {
            match schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/definitions/"))
            {
                Some(def) => definitions.get(def).cloned().unwrap_or(Value::Null),
                None => schema.clone(),
            }
        };
        let mut names = vec![route.consumer()];
        let mut pending = vec![route.children()];
        while let Some(children) = pending.pop() {
            for child in children.entries() {
                names.push(child.consumer());
                pending.push(child.children());
            }
        }
        names.iter().find_map(|consumer| {
            let entry = self.consumers.iter().find(|c| c.name == *consumer)?;
            entry.actions.iter().find_map(|action| {
                let args = resolve(&action.args);
                args.get("properties")?.get(name).map(&resolve)
            })
        })
    }

    /// Adds a multiplexer at `path`; add its consumers with [`ManifestBuilder::consumer_at`]
    /// (`None` path) or [`ManifestBuilder::consumer`].
    pub fn multiplexer(mut self, path: &str, streams: &[(&str, &str)]) -> Self {
        self.multiplexers.push(MultiplexerManifest {
            path: path.to_owned(),
            streams: streams
                .iter()
                .map(|(stream, consumer)| StreamManifest {
                    stream: (*stream).to_owned(),
                    consumer: (*consumer).to_owned(),
                })
                .collect(),
        });
        self
    }

    fn input_schema<T: JsonSchema + ?Sized>(&mut self) -> Value {
        schema_value::<T>(&mut self.input)
    }

    fn output_schema<T: JsonSchema + ?Sized>(&mut self) -> Value {
        schema_value::<T>(&mut self.output)
    }

    /// Finishes the manifest: merges the input and output definitions.
    pub fn build(mut self) -> Manifest {
        let mut definitions = self.input.take_definitions(true);
        let outputs = self.output.take_definitions(true);
        let mut renames = Vec::new();
        for (name, schema) in &outputs {
            match definitions.get(name) {
                Some(existing) if existing != schema => renames.push(name.clone()),
                _ => {}
            }
        }
        let rename = |value: &mut Value| {
            for name in &renames {
                rewrite_refs(value, name, &format!("{name}Output"));
            }
        };
        for (name, mut schema) in outputs {
            rename(&mut schema);
            let key = if renames.contains(&name) {
                format!("{name}Output")
            } else {
                name
            };
            definitions.entry(key).or_insert(schema);
        }
        for consumer in &mut self.consumers {
            for action in &mut consumer.actions {
                rename(&mut action.response);
            }
            for push in &mut consumer.pushes {
                rename(&mut push.data);
            }
        }
        Manifest {
            schema: "http://json-schema.org/draft-07/schema#".to_owned(),
            format: FORMAT_VERSION,
            title: self.title,
            version: self.version,
            consumers: self.consumers,
            multiplexers: self.multiplexers,
            envelopes: envelopes(),
            definitions,
        }
    }
}

/// The schema of `T` (a `$ref` for named types), with the generator's draft-07 transforms
/// applied: `subschema_for` leaves inline schemas untransformed.
fn schema_value<T: JsonSchema + ?Sized>(generator: &mut SchemaGenerator) -> Value {
    let mut schema: Schema = generator.subschema_for::<T>();
    for transform in generator.transforms_mut() {
        transform.transform(&mut schema);
    }
    schema.to_value()
}

fn rewrite_refs(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                if reference.strip_prefix("#/definitions/") == Some(from) {
                    *reference = format!("#/definitions/{to}");
                }
            }
            map.values_mut().for_each(|v| rewrite_refs(v, from, to));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, from, to)),
        _ => {}
    }
}

/// The reply envelopes, as JSON Schema.
fn envelopes() -> Map<String, Value> {
    let mut map = Map::new();
    map.insert(
        "dcrf".to_owned(),
        json!({
            "type": "object",
            "required": ["errors", "data", "action", "response_status", "request_id"],
            "properties": {
                "errors": {"type": "array", "description": "[] on success; strings, or one object of field errors"},
                "data": {"description": "The action's response on success, null on error"},
                "action": {"type": ["string", "null"]},
                "response_status": {"type": "integer"},
                "request_id": {"description": "The request's request_id, echoed verbatim"}
            }
        }),
    );
    map.insert(
        "rfc".to_owned(),
        json!({
            "type": "object",
            "required": ["errors", "data", "action", "route", "status"],
            "properties": {
                "errors": {"type": "array", "description": "[] on success; strings, or one object of field errors"},
                "data": {"description": "The action's response on success, null on error"},
                "action": {"type": ["string", "null"]},
                "route": {"type": "string", "description": "The request's route, echoed as sent (\"\" when absent)"},
                "status": {"type": "integer"}
            }
        }),
    );
    map
}

/// Describes one consumer; passed to [`Contract::describe`].
pub struct ConsumerBuilder<'a> {
    manifest: &'a mut ManifestBuilder,
    consumer: &'a mut ConsumerManifest,
}

impl ConsumerBuilder<'_> {
    /// Sets the consumer's doc comment.
    pub fn doc(&mut self, doc: &str) -> &mut Self {
        self.consumer.doc = doc.to_owned();
        self
    }

    /// Adds an action taking `A` and answering `R`.
    pub fn action<A: JsonSchema + ?Sized, R: JsonSchema + ?Sized>(
        &mut self,
        info: ActionInfo,
        doc: &str,
        pushes: &[&str],
        unsubscribe: Option<&str>,
    ) -> &mut Self {
        let args = self.manifest.input_schema::<A>();
        let response = self.manifest.output_schema::<R>();
        self.consumer.actions.push(ActionManifest {
            name: info.name.to_owned(),
            doc: doc.to_owned(),
            args,
            response,
            status: info.status,
            detached: info.detached,
            pushes: pushes.iter().map(|p| (*p).to_owned()).collect(),
            unsubscribe: unsubscribe.map(str::to_owned),
        });
        self
    }

    /// Adds a push named `name` whose `data` is a `D`.
    pub fn push<D: JsonSchema + ?Sized>(
        &mut self,
        name: &str,
        doc: &str,
        status: u16,
    ) -> &mut Self {
        let data = self.manifest.output_schema::<D>();
        self.consumer.pushes.push(PushManifest {
            name: name.to_owned(),
            doc: doc.to_owned(),
            data,
            status,
        });
        self
    }
}

/// Joins doc-comment lines (`#[doc = "..."]` values) into one text, as rustdoc does.
pub fn join_doc(lines: &[&str]) -> String {
    let lines: Vec<&str> = lines
        .iter()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect();
    lines.join("\n").trim().to_owned()
}
