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
    /// Where it is mounted on its own (`None`: only through a multiplexer).
    pub path: Option<String>,
    /// Its doc comment.
    pub doc: String,
    /// Its actions.
    pub actions: Vec<Action>,
    /// The pushes it can send.
    pub pushes: Vec<Push>,
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
        let defs = manifest.definitions;
        let unstable = naming::unstable_names(&defs);
        let mut skipped = Vec::new();
        let mut consumers = Vec::new();
        let mut consumer_names: Vec<(String, String)> = Vec::new();
        for consumer in manifest.consumers {
            let here = format!("consumer `{}`", consumer.name);
            if consumer.dialect != "dcrf" {
                // rest-framework-channels' dialect has no request ids, so replies cannot be
                // correlated the way the clients do: say so in the output, generate the rest.
                let reason = match consumer.dialect.as_str() {
                    "rfc" => {
                        "it speaks rest-framework-channels' `rfc` dialect, whose replies carry no \
                              `request_id` to correlate"
                            .to_owned()
                    }
                    other => format!("its dialect `{other}` is unknown to this generator"),
                };
                skipped.push(Skipped {
                    consumer: consumer.name,
                    path: consumer.path,
                    reason,
                });
                continue;
            }
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
            consumer_names.push((consumer.name.clone(), key));
            consumers.push(Self::consumer(consumer, &defs)?);
        }
        // Definitions no action reaches (checked after the actions, so that a problem in a
        // used definition is reported with the action and field that use it).
        for (name, definition) in &defs {
            schema::check(definition, &defs, &format!("definition `{name}`"))?;
        }
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
    /// action and push, and returns the definitions they refer to.
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
        }
        namer.finish()
    }

    fn consumer(
        consumer: chanrest::manifest::ConsumerManifest,
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
            for reserved in ["action", "request_id"] {
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
                subscription,
            });
        }
        Ok(Consumer {
            name: consumer.name,
            path: consumer.path,
            doc: consumer.doc,
            actions,
            pushes,
        })
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
