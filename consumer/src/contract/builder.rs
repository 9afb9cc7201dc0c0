//! Building the manifest from contracts. Argument schemas describe deserialization and
//! response schemas serialization (schemars' two contracts). When one type has a different
//! shape in each direction, the response shape is named `<Name>Output` so both fit in one
//! `definitions` table.

use super::manifest::{
    envelopes, ActionManifest, ConsumerManifest, Manifest, MultiplexerManifest, PushManifest,
    RepliesManifest, StreamManifest, FORMAT_VERSION, REPLIES_PAGES,
};
use crate::dialect::Dialect;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::{JsonSchema, Schema};
use serde_json::Value;

/// Static facts about one action, as declared in its `consumer!` block.
#[derive(Debug, Clone, Copy)]
pub struct ActionInfo {
    /// The wire name.
    pub name: &'static str,
    /// Runs as a detached task.
    pub detached: bool,
    /// The success status (`response_status`), 200 unless declared.
    pub status: u16,
    /// The pushes it can cause (`#[pushes(...)]`), names of the consumer's pushes.
    pub pushes: &'static [&'static str],
    /// The action that ends its subscription (`#[unsubscribe(...)]`). With `pushes`, this makes
    /// the action a subscription: its pushes carry the subscribing request's `request_id`.
    pub unsubscribe: Option<&'static str>,
    /// For a paged stream (`#[pages(cancel = action)]`): the action that cancels it. The
    /// action replies once per page with the request's `request_id`, the last page (or an
    /// error) being its own reply.
    pub pages_cancel: Option<&'static str>,
}

impl ActionInfo {
    /// An action named `name`: inline, status 200, no pushes.
    pub const fn new(name: &'static str) -> Self {
        ActionInfo {
            name,
            detached: false,
            status: 200,
            pushes: &[],
            unsubscribe: None,
            pages_cancel: None,
        }
    }

    /// True when the action is a subscription: it declares pushes and the action that ends
    /// them, and its pushes carry its request's `request_id`.
    pub const fn is_subscription(&self) -> bool {
        !self.pushes.is_empty() && self.unsubscribe.is_some()
    }
}

/// A consumer contract: what a `consumer!` block declares. Implemented by the macro.
pub trait Contract {
    /// The consumer's name.
    const NAME: &'static str;
    /// Its envelope dialect.
    const DIALECT: Dialect = Dialect::Dcrf;
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
    pub(super) input: SchemaGenerator,
    output: SchemaGenerator,
    pub(super) consumers: Vec<ConsumerManifest>,
    multiplexers: Vec<MultiplexerManifest>,
}

impl std::fmt::Debug for ManifestBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.consumers.iter().map(|c| c.name.as_str()).collect();
        f.debug_struct("ManifestBuilder")
            .field("title", &self.title)
            .field("version", &self.version)
            .field("consumers", &names)
            .field("multiplexers", &self.multiplexers.len())
            .finish_non_exhaustive()
    }
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

/// Describes one consumer; passed to [`Contract::describe`].
pub struct ConsumerBuilder<'a> {
    manifest: &'a mut ManifestBuilder,
    consumer: &'a mut ConsumerManifest,
}

impl std::fmt::Debug for ConsumerBuilder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsumerBuilder")
            .field("consumer", &self.consumer.name)
            .field("actions", &self.consumer.actions.len())
            .finish_non_exhaustive()
    }
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
            replies: info.pages_cancel.map(|cancel| RepliesManifest {
                kind: REPLIES_PAGES.to_owned(),
                cancel: cancel.to_owned(),
            }),
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
