//! The intermediate form: a manifest, checked and resolved, ready for any renderer.

use crate::{names, naming, schema, Error};
use serde_json::{Map, Value};

/// A whole API, as the renderers see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// The API's title.
    pub title: String,
    /// The API's version.
    pub version: String,
    /// Consumers, in manifest order.
    pub consumers: Vec<Consumer>,
    /// Multiplexed endpoints, in manifest order.
    pub multiplexers: Vec<Multiplexer>,
    /// Named schemas (`#/definitions/<name>`), sorted by name.
    pub definitions: Map<String, Value>,
    /// Consumers of the manifest that get no client, and why (the renderers list them).
    pub skipped: Vec<Skipped>,
}

/// A consumer that gets no client.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// Its name.
    pub consumer: String,
    /// Where it is mounted, if anywhere.
    pub path: Option<String>,
    /// Why it gets no client.
    pub reason: String,
}

/// One consumer.
#[derive(Debug, Clone, PartialEq)]
pub struct Consumer {
    /// Its name in the manifest (`Plain`).
    pub name: String,
    /// Where it is mounted on its own (`None`: only through a multiplexer, or, in the `rfc`
    /// dialect, only through the routes of another consumer).
    pub path: Option<String>,
    /// Its envelope dialect.
    pub dialect: Dialect,
    /// Its doc comment.
    pub doc: String,
    /// Its actions. In the `rfc` dialect, a consumer reached only through routes takes the
    /// route parameters from its route: they are not among its actions' arguments.
    pub actions: Vec<Action>,
    /// The pushes it can send.
    pub pushes: Vec<Push>,
    /// Its route table (`rfc` dialect), in matching order.
    pub routes: Vec<Route>,
}

/// A consumer's envelope dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// djangochannelsrestframework's: requests carry a `request_id` their replies echo.
    Dcrf,
    /// rest-framework-channels': `{"action", "route", ...args}` in, one reply per message, in
    /// order, echoing `action` and `route`; no request ids.
    Rfc,
}

/// One route of a consumer in the `rfc` dialect: messages whose `route` starts with the
/// pattern go to another consumer, with the pattern's parameters as arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// The pattern as written (`todos/<pk>/`).
    pub pattern: String,
    /// The pattern's literal text and parameters, in order.
    pub segments: Vec<Segment>,
    /// The parameters, in order, with their types.
    pub params: Vec<RouteParam>,
    /// The consumer it leads to (index into [`Api::consumers`]).
    pub consumer: usize,
}

/// A piece of a route pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Text matched as is (`todos/`).
    Literal(String),
    /// A parameter, by name.
    Param(String),
}

/// A route parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteParam {
    /// Its name (the argument it becomes).
    pub name: String,
    /// The text it accepts (Django's path converter).
    pub converter: Converter,
    /// Its type.
    pub schema: Value,
}

/// Django's path converters: the text a route parameter accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Converter {
    /// Any non-empty text without `/` (the default).
    Str,
    /// Digits.
    Int,
    /// ASCII letters, digits, `-` and `_`.
    Slug,
    /// Any non-empty text, `/` included.
    Path,
}

impl Converter {
    /// Its name in a pattern (`<int:pk>`).
    pub fn name(self) -> &'static str {
        match self {
            Converter::Str => "str",
            Converter::Int => "int",
            Converter::Slug => "slug",
            Converter::Path => "path",
        }
    }
}

/// One action.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// Its wire name.
    pub name: String,
    /// Its doc comment.
    pub doc: String,
    /// Its arguments.
    pub args: Args,
    /// The schema of a successful reply's `data`.
    pub response: Value,
    /// The success status.
    pub status: u16,
    /// Runs detached on the server.
    pub detached: bool,
    /// The pushes it can cause (names of the consumer's pushes).
    pub pushes: Vec<String>,
    /// Set when the action is a subscription: its pushes carry the subscribing request's id.
    pub subscription: Option<Subscription>,
    /// Set when the action is a paged stream: several replies with the request's id.
    pub pages: Option<Pages>,
}

/// What makes an action a paged stream: one reply per page `{count, results, limit, offset}`,
/// the last being the page where `count == 0 || offset + limit >= count`, or an error.
#[derive(Debug, Clone, PartialEq)]
pub struct Pages {
    /// The action that cancels the streams in flight (sent with a request id of its own).
    pub cancel: String,
}

/// An action's arguments.
#[derive(Debug, Clone, PartialEq)]
pub enum Args {
    /// None (the schema declares no property): the generated method takes no argument.
    None,
    /// An object schema: its keys become the message's keys.
    Object(Value),
}

/// What makes an action a subscription.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscription {
    /// The pushes the subscription delivers (names of the consumer's pushes).
    pub pushes: Vec<String>,
    /// The action that ends it (sent with the same `request_id`).
    pub unsubscribe: String,
}

/// A push a consumer sends.
#[derive(Debug, Clone, PartialEq)]
pub struct Push {
    /// Its `action` on the wire.
    pub name: String,
    /// Its doc comment.
    pub doc: String,
    /// The schema of its `data`.
    pub data: Value,
    /// Its `response_status`.
    pub status: u16,
}

/// A multiplexed endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Multiplexer {
    /// Where it is mounted.
    pub path: String,
    /// Its streams.
    pub streams: Vec<Stream>,
}

/// One stream of a multiplexer.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    /// The `stream` value on the wire.
    pub stream: String,
    /// The consumer it reaches (index into [`Api::consumers`]).
    pub consumer: usize,
}

impl Api {
    /// Reads and checks a manifest.
    pub fn from_json(json: &str) -> Result<Api, Error> {
        let manifest: chanrest::Manifest = serde_json::from_str(json)
            .map_err(|err| Error::new("manifest", format!("not a chanrest manifest: {err}")))?;
        Api::from_manifest(manifest)
    }

    /// Checks a manifest.
    pub fn from_manifest(manifest: chanrest::Manifest) -> Result<Api, Error> {
        if manifest.format != chanrest::manifest::FORMAT_VERSION {
            return Err(Error::new(
                "manifest",
                format!(
                    "format {} is not supported (this generator reads format {})",
                    manifest.format,
                    chanrest::manifest::FORMAT_VERSION
                ),
            ));
        }
        let mut defs = manifest.definitions;
        let unstable = naming::unstable_names(&defs);
        let mut skipped = Vec::new();
        let mut consumers = Vec::new();
        let mut route_tables = Vec::new();
        let mut consumer_names: Vec<(String, String)> = Vec::new();
        for mut consumer in manifest.consumers {
            let here = format!("consumer `{}`", consumer.name);
            let dialect = match consumer.dialect.as_str() {
                "dcrf" => Dialect::Dcrf,
                "rfc" => Dialect::Rfc,
                other => {
                    skipped.push(Skipped {
                        consumer: consumer.name,
                        path: consumer.path,
                        reason: format!("its dialect `{other}` is unknown to this generator"),
                    });
                    continue;
                }
            };
            let key = names::snake(&consumer.name).ok_or_else(|| {
                Error::new(
                    &here,
                    "the name has no letters or digits to make an identifier of",
                )
            })?;
            if let Some((other, _)) = consumer_names.iter().find(|(_, k)| *k == key) {
                return Err(Error::new(
                    here,
                    format!("its identifier `{key}` is the same as consumer `{other}`'s"),
                ));
            }
            if dialect == Dialect::Dcrf && !consumer.routes.is_empty() {
                return Err(Error::new(
                    here,
                    "it has routes, which only the `rfc` dialect has",
                ));
            }
            consumer_names.push((consumer.name.clone(), key));
            route_tables.push(std::mem::take(&mut consumer.routes));
            consumers.push(Self::consumer(consumer, dialect, &defs)?);
        }
        for (index, table) in route_tables.into_iter().enumerate() {
            let mut routes = Vec::new();
            for route in table {
                routes.push(Self::route(route, index, &consumers)?);
            }
            consumers[index].routes = routes;
        }
        // Definitions no action reaches (checked after the actions, so that a problem in a
        // used definition is reported with the action and field that use it).
        for (name, definition) in &defs {
            schema::check(definition, &defs, &format!("definition `{name}`"))?;
        }
        Self::take_route_params(&mut consumers, &mut defs)?;
        let mut multiplexers = Vec::new();
        for multiplexer in manifest.multiplexers {
            let here = format!("multiplexer `{}`", multiplexer.path);
            let mut streams = Vec::new();
            for stream in multiplexer.streams {
                if let Some(skip) = skipped
                    .iter()
                    .find(|s: &&Skipped| s.consumer == stream.consumer)
                {
                    return Err(Error::new(
                        &here,
                        format!(
                            "stream `{}` leads to consumer `{}`, which gets no client: {}",
                            stream.stream, stream.consumer, skip.reason
                        ),
                    ));
                }
                let consumer = consumers
                    .iter()
                    .position(|c| c.name == stream.consumer)
                    .ok_or_else(|| {
                        Error::new(
                            &here,
                            format!(
                                "stream `{}` names consumer `{}`, which the manifest does not describe",
                                stream.stream, stream.consumer
                            ),
                        )
                    })?;
                if consumers[consumer].dialect != Dialect::Dcrf {
                    return Err(Error::new(
                        &here,
                        format!(
                            "stream `{}` leads to consumer `{}`, which speaks rest-framework-channels' \
                             `rfc` dialect: the generated multiplexer clients speak DCRF's envelope only",
                            stream.stream, stream.consumer
                        ),
                    ));
                }
                if names::snake(&stream.stream).is_none() {
                    return Err(Error::new(
                        &here,
                        format!("stream `{}` has no letters or digits", stream.stream),
                    ));
                }
                if streams
                    .iter()
                    .any(|s: &Stream| names::snake(&s.stream) == names::snake(&stream.stream))
                {
                    return Err(Error::new(
                        &here,
                        format!("stream `{}` is declared twice", stream.stream),
                    ));
                }
                streams.push(Stream {
                    stream: stream.stream,
                    consumer,
                });
            }
            multiplexers.push(Multiplexer {
                path: multiplexer.path,
                streams,
            });
        }
        let mut definitions = Self::name_types(&mut consumers, &defs, unstable)?;
        definitions.values_mut().for_each(schema::describe_defaults);
        for consumer in &mut consumers {
            for action in &mut consumer.actions {
                if let Args::Object(args) = &mut action.args {
                    schema::describe_defaults(args);
                }
                schema::describe_defaults(&mut action.response);
            }
            for push in &mut consumer.pushes {
                schema::describe_defaults(&mut push.data);
            }
        }
        Ok(Api {
            title: manifest.title,
            version: manifest.version,
            consumers,
            multiplexers,
            definitions,
            skipped,
        })
    }

    /// Gives every type a stable name (see [`crate::naming`]): rewrites the schemas of every
    /// action, push and route parameter, and returns the definitions they refer to.
    fn name_types(
        consumers: &mut [Consumer],
        defs: &Map<String, Value>,
        unstable: std::collections::BTreeSet<String>,
    ) -> Result<Map<String, Value>, Error> {
        let mut namer = naming::Namer::new(defs, unstable);
        for consumer in consumers.iter_mut() {
            let prefix = names::pascal(&consumer.name).expect("checked");
            let here = format!("consumer `{}`", consumer.name);
            for action in &mut consumer.actions {
                let base = format!("{prefix}{}", naming::part(&action.name));
                let at = format!("{here}, action `{}`", action.name);
                if let Args::Object(args) = &mut action.args {
                    *args =
                        namer.root(args, &format!("{base}Args"), &format!("{at}, arguments"))?;
                }
                action.response = namer.root(
                    &action.response,
                    &format!("{base}Response"),
                    &format!("{at}, response"),
                )?;
            }
            for push in &mut consumer.pushes {
                push.data = namer.root(
                    &push.data,
                    &format!("{prefix}{}Data", naming::part(&push.name)),
                    &format!("{here}, push `{}`, data", push.name),
                )?;
            }
            for route in &mut consumer.routes {
                for param in &mut route.params {
                    param.schema = namer.root(
                        &param.schema,
                        &format!("{prefix}{}Param", naming::part(&param.name)),
                        &format!(
                            "{here}, route `{}`, parameter `{}`",
                            route.pattern, param.name
                        ),
                    )?;
                }
            }
        }
        namer.finish()
    }

    fn route(
        route: chanrest::manifest::RouteManifest,
        owner: usize,
        consumers: &[Consumer],
    ) -> Result<Route, Error> {
        let at = format!(
            "consumer `{}`, route `{}`",
            consumers[owner].name, route.pattern
        );
        let pattern = chanrest::routing::RoutePattern::parse(&route.pattern)
            .map_err(|err| Error::new(&at, err))?;
        let consumer = consumers
            .iter()
            .position(|c| c.name == route.consumer)
            .ok_or_else(|| {
                Error::new(
                    &at,
                    format!(
                        "it leads to consumer `{}`, which the manifest does not describe (or \
                         whose dialect this generator does not know)",
                        route.consumer
                    ),
                )
            })?;
        if consumers[consumer].dialect != Dialect::Rfc {
            return Err(Error::new(
                &at,
                format!(
                    "it leads to consumer `{}`, which does not speak the `rfc` dialect",
                    route.consumer
                ),
            ));
        }
        let declared: Vec<(&str, chanrest::routing::Converter)> = pattern.params().collect();
        let listed: Vec<&str> = route.params.iter().map(|p| p.name.as_str()).collect();
        if declared
            .iter()
            .map(|(name, _)| *name)
            .ne(listed.iter().copied())
        {
            return Err(Error::new(
                &at,
                format!(
                    "the manifest lists the parameters {listed:?}, the pattern has {:?}",
                    declared.iter().map(|(name, _)| *name).collect::<Vec<_>>()
                ),
            ));
        }
        let mut params = Vec::new();
        for (param, (_, converter)) in route.params.into_iter().zip(declared) {
            let param_at = format!("{at}, parameter `{}`", param.name);
            if names::snake(&param.name).is_none() {
                return Err(Error::new(param_at, "the name has no letters or digits"));
            }
            schema::check(&param.schema, &Map::new(), &param_at).map_err(|err| {
                Error::new(
                    err.location,
                    format!(
                        "{} (a route parameter's schema refers to no definition)",
                        err.message
                    ),
                )
            })?;
            params.push(RouteParam {
                name: param.name,
                converter: match converter {
                    chanrest::routing::Converter::Int => Converter::Int,
                    chanrest::routing::Converter::Slug => Converter::Slug,
                    chanrest::routing::Converter::Path => Converter::Path,
                    _ => Converter::Str,
                },
                schema: param.schema,
            });
        }
        Ok(Route {
            segments: pattern
                .parts()
                .map(|part| match part {
                    chanrest::protocol::RoutePart::Literal(text) => {
                        Segment::Literal(text.to_owned())
                    }
                    chanrest::protocol::RoutePart::Param { name, .. } => {
                        Segment::Param(name.to_owned())
                    }
                })
                .collect(),
            pattern: route.pattern,
            params,
            consumer,
        })
    }

    /// A consumer reached only through routes gets its route parameters from the route: they
    /// are taken out of its actions' arguments (the parameters every way to it has, merged
    /// along nested routes). Arguments that lose a property become a definition of their own,
    /// `{Consumer}{Action}Args`; arguments left with none, no arguments.
    fn take_route_params(
        consumers: &mut [Consumer],
        defs: &mut Map<String, Value>,
    ) -> Result<(), Error> {
        let mut reached: Vec<Option<Vec<String>>> = vec![None; consumers.len()];
        fn walk(
            consumers: &[Consumer],
            at: usize,
            params: &[String],
            trail: &mut Vec<usize>,
            reached: &mut [Option<Vec<String>>],
        ) -> Result<(), Error> {
            for route in &consumers[at].routes {
                if trail.contains(&route.consumer) {
                    return Err(Error::new(
                        format!(
                            "consumer `{}`, route `{}`",
                            consumers[at].name, route.pattern
                        ),
                        format!(
                            "it leads back to consumer `{}`: routes must not form a cycle",
                            consumers[route.consumer].name
                        ),
                    ));
                }
                let mut merged = params.to_vec();
                merged.extend(route.params.iter().map(|p| p.name.clone()));
                let target = &mut reached[route.consumer];
                *target = Some(match target.take() {
                    None => merged.clone(),
                    Some(before) => before.into_iter().filter(|p| merged.contains(p)).collect(),
                });
                trail.push(route.consumer);
                walk(consumers, route.consumer, &merged, trail, reached)?;
                trail.pop();
            }
            Ok(())
        }
        for index in 0..consumers.len() {
            if consumers[index].dialect == Dialect::Rfc && consumers[index].path.is_some() {
                walk(consumers, index, &[], &mut vec![index], &mut reached)?;
            }
        }
        for (consumer, params) in consumers.iter_mut().zip(reached) {
            let Some(params) = params.filter(|p| !p.is_empty()) else {
                continue;
            };
            if consumer.path.is_some() {
                // Also mounted on its own: its direct calls need every argument.
                continue;
            }
            let prefix = names::pascal(&consumer.name).expect("checked");
            for action in &mut consumer.actions {
                let Args::Object(args) = &action.args else {
                    continue;
                };
                let Some(stripped) = without_properties(args, &params, defs) else {
                    continue;
                };
                if schema::is_no_args(&stripped, defs) {
                    action.args = Args::None;
                    continue;
                }
                let name = format!("{prefix}{}Args", naming::part(&action.name));
                if defs.contains_key(&name) {
                    return Err(Error::new(
                        format!(
                            "consumer `{}`, action `{}`, arguments",
                            consumer.name, action.name
                        ),
                        format!(
                            "without the route parameters they would be named `{name}`, which \
                             is already the name of a definition (rename that type)"
                        ),
                    ));
                }
                defs.insert(name.clone(), stripped);
                action.args = Args::Object(serde_json::json!({
                    "$ref": format!("#/definitions/{name}")
                }));
            }
        }
        Ok(())
    }

    fn consumer(
        consumer: chanrest::manifest::ConsumerManifest,
        dialect: Dialect,
        defs: &Map<String, Value>,
    ) -> Result<Consumer, Error> {
        let here = format!("consumer `{}`", consumer.name);
        let mut pushes: Vec<Push> = Vec::new();
        for push in consumer.pushes {
            let at = format!("{here}, push `{}`", push.name);
            if names::snake(&push.name).is_none() {
                return Err(Error::new(at, "the name has no letters or digits"));
            }
            if pushes
                .iter()
                .any(|p| names::snake(&p.name) == names::snake(&push.name))
            {
                return Err(Error::new(at, "declared twice"));
            }
            schema::check(&push.data, defs, &format!("{at}, data"))?;
            pushes.push(Push {
                name: push.name,
                doc: push.doc,
                data: push.data,
                status: push.status,
            });
        }
        let action_names: Vec<String> = consumer.actions.iter().map(|a| a.name.clone()).collect();
        let envelope_keys: &[&str] = match dialect {
            Dialect::Dcrf => &["action", "request_id"],
            Dialect::Rfc => &["action", "route"],
        };
        let mut actions: Vec<Action> = Vec::new();
        for action in consumer.actions {
            let at = format!("{here}, action `{}`", action.name);
            let key = names::snake(&action.name)
                .ok_or_else(|| Error::new(&at, "the name has no letters or digits"))?;
            if let Some(other) = actions
                .iter()
                .find(|a| names::snake(&a.name).as_deref() == Some(key.as_str()))
            {
                return Err(Error::new(
                    at,
                    format!(
                        "its identifier `{key}` is the same as action `{}`'s",
                        other.name
                    ),
                ));
            }
            let args_at = format!("{at}, arguments");
            schema::check(&action.args, defs, &args_at)?;
            if !schema::is_object(&action.args, defs) {
                return Err(Error::new(
                    args_at,
                    "the arguments must be a JSON object (their keys become the message's keys)",
                ));
            }
            for reserved in envelope_keys {
                if schema::property_names(&action.args, defs)
                    .iter()
                    .any(|n| n == reserved)
                {
                    return Err(Error::new(
                        format!("{args_at}, field `{reserved}`"),
                        "this key is the envelope's own and cannot be an argument",
                    ));
                }
            }
            schema::check(&action.response, defs, &format!("{at}, response"))?;
            for push in &action.pushes {
                if !pushes.iter().any(|p| &p.name == push) {
                    return Err(Error::new(
                        &at,
                        format!("it lists push `{push}`, which the consumer does not declare"),
                    ));
                }
            }
            let subscription = match action.unsubscribe {
                None => None,
                Some(unsubscribe) => {
                    if !action_names.contains(&unsubscribe) {
                        return Err(Error::new(
                            &at,
                            format!("its unsubscribe action `{unsubscribe}` is not an action of the consumer"),
                        ));
                    }
                    Some(Subscription {
                        pushes: action.pushes.clone(),
                        unsubscribe,
                    })
                }
            };
            let pages = match action.replies {
                None => None,
                Some(replies) => {
                    if replies.kind != chanrest::manifest::REPLIES_PAGES {
                        return Err(Error::new(
                            &at,
                            format!(
                                "its replies are of kind `{}`; this generator knows `{}`",
                                replies.kind,
                                chanrest::manifest::REPLIES_PAGES
                            ),
                        ));
                    }
                    if !action_names.contains(&replies.cancel) {
                        return Err(Error::new(
                            &at,
                            format!(
                                "its cancel action `{}` is not an action of the consumer",
                                replies.cancel
                            ),
                        ));
                    }
                    let fields = schema::property_names(&action.response, defs);
                    if let Some(missing) = ["count", "results", "limit", "offset"]
                        .into_iter()
                        .find(|f| !fields.iter().any(|n| n == f))
                    {
                        return Err(Error::new(
                            format!("{at}, response"),
                            format!("a page of a paged stream needs the field `{missing}`"),
                        ));
                    }
                    Some(Pages {
                        cancel: replies.cancel,
                    })
                }
            };
            let args = if schema::is_no_args(&action.args, defs) {
                Args::None
            } else {
                Args::Object(action.args)
            };
            actions.push(Action {
                name: action.name,
                doc: action.doc,
                args,
                response: action.response,
                status: action.status,
                detached: action.detached,
                pushes: action.pushes,
                // Pushes carry a `request_id`, which the `rfc` dialect's requests do not:
                // its clients call a subscribing action like any other.
                subscription: subscription.filter(|_| dialect == Dialect::Dcrf),
                // Replies of the `rfc` dialect carry no request id: one reply per message.
                pages: pages.filter(|_| dialect == Dialect::Dcrf),
            });
        }
        Ok(Consumer {
            name: consumer.name,
            path: consumer.path,
            dialect,
            doc: consumer.doc,
            actions,
            pushes,
            routes: Vec::new(),
        })
    }
}

/// `schema` (an object schema, after `$ref`s) without the properties `names`; `None` when it
/// declares none of them at its top level.
fn without_properties(
    schema: &Value,
    names: &[String],
    defs: &Map<String, Value>,
) -> Option<Value> {
    let resolved = schema::resolve(schema, defs);
    let properties = resolved.get("properties").and_then(Value::as_object)?;
    if !names.iter().any(|n| properties.contains_key(n)) {
        return None;
    }
    let mut stripped = resolved.clone();
    let object = stripped.as_object_mut()?;
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        properties.retain(|name, _| !names.contains(name));
    }
    if let Some(Value::Array(required)) = object.get_mut("required") {
        required.retain(|name| !name.as_str().is_some_and(|n| names.iter().any(|p| p == n)));
    }
    Some(stripped)
}

impl Route {
    /// The words of the method that leads to the route: its literal words and parameter
    /// names (`todos/<pk>/` → `todos_pk`), or the name of `target` (the consumer it leads to)
    /// when the pattern has none.
    pub(crate) fn method_words(&self, target: &Consumer) -> String {
        let words: Vec<&str> = self
            .segments
            .iter()
            .map(|s| match s {
                Segment::Literal(text) | Segment::Param(text) => text.as_str(),
            })
            .collect();
        names::snake(&words.join("_"))
            .or_else(|| names::snake(&target.name))
            .expect("checked")
    }
}

impl Consumer {
    /// The push named `name`.
    pub fn push(&self, name: &str) -> Option<&Push> {
        self.pushes.iter().find(|p| p.name == name)
    }

    /// The action named `name`.
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.name == name)
    }
}
