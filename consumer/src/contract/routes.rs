//! The route table of a consumer in rest-framework-channels' dialect, as the manifest
//! describes it: patterns (see [`crate::protocol::RoutePattern`]) and the child contracts
//! they lead to. It needs no server; the server side is [`crate::RoutedConsumer`].

use super::builder::{Contract, ManifestBuilder};
use super::manifest::{RouteManifest, RouteParamManifest};
use crate::dialect::Dialect;
use crate::protocol::{Converter, RoutePattern};
use serde_json::Value;

/// One route of a [`Routes`] table.
#[derive(Debug, Clone)]
pub struct RouteDecl {
    pattern: RoutePattern,
    consumer: &'static str,
    add: fn(ManifestBuilder) -> ManifestBuilder,
    children: Routes,
}

impl RouteDecl {
    /// The pattern.
    pub fn pattern(&self) -> &RoutePattern {
        &self.pattern
    }

    /// The child consumer's contract name.
    pub fn consumer(&self) -> &'static str {
        self.consumer
    }

    /// The child's own routes (nesting).
    pub fn children(&self) -> &Routes {
        &self.children
    }

    pub(crate) fn add_to(&self, builder: ManifestBuilder) -> ManifestBuilder {
        (self.add)(builder)
    }
}

/// The route table of an RFC consumer as the manifest describes it: patterns and the child
/// contracts they lead to. Build it next to the contracts (it needs no server) and pass it to
/// [`ManifestBuilder::routed`]; mount the same patterns with [`RoutedConsumer`].
///
/// ```
/// chanrest::consumer! {
///     #[dialect = rfc]
///     pub consumer Root: RootHandler { action ping() -> (); }
///     #[dialect = rfc]
///     pub consumer Detail: DetailHandler { action retrieve(Lookup { pk: i64 }) -> i64; }
/// }
/// let routes = chanrest::Routes::new().route::<Detail>("items/<pk>/");
/// let manifest = chanrest::ManifestBuilder::new("api", "1")
///     .routed::<Root>("/ws/rfc/", &routes)
///     .build();
/// let route = &manifest.consumers[0].routes[0];
/// assert_eq!(route.pattern, "items/<pk>/");
/// assert_eq!(route.consumer, "Detail");
/// assert_eq!(route.params[0].schema["type"], "integer");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Routes {
    entries: Vec<RouteDecl>,
}

impl Routes {
    /// No routes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Routes `pattern` to consumer `C`.
    ///
    /// # Panics
    /// When `pattern` is malformed (the message says why).
    pub fn route<C: Contract>(self, pattern: &str) -> Self {
        self.nest::<C>(pattern, Routes::new())
    }

    /// Routes `pattern` to consumer `C`, which has routes of its own.
    ///
    /// # Panics
    /// When `pattern` is malformed (the message says why).
    pub fn nest<C: Contract>(mut self, pattern: &str, children: Routes) -> Self {
        let pattern = RoutePattern::parse(pattern).unwrap_or_else(|e| panic!("chanrest: {e}"));
        self.entries.push(RouteDecl {
            pattern,
            consumer: C::NAME,
            add: |builder| builder.consumer_at::<C>(None),
            children,
        });
        self
    }

    /// The routes, in matching order.
    pub fn entries(&self) -> &[RouteDecl] {
        &self.entries
    }
}

/// The routed part of the manifest builder: a routed consumer's table, and every consumer
/// the table leads to.
impl ManifestBuilder {
    /// Adds consumer `C` mounted at `path` with its route table (the RFC dialect), and every
    /// consumer the routes lead to (without a path of their own, each with its own routes).
    pub fn routed<C: Contract>(self, path: &str, routes: &Routes) -> Self {
        let mut builder = self.consumer::<C>(path);
        builder.set_dialect(C::NAME, Dialect::Rfc);
        builder.add_routes(C::NAME, routes)
    }

    fn set_dialect(&mut self, name: &str, dialect: Dialect) {
        if let Some(entry) = self.consumers.iter_mut().find(|c| c.name == name) {
            entry.dialect = dialect.name().to_owned();
        }
    }

    fn add_routes(mut self, owner: &str, routes: &Routes) -> Self {
        let mut table = Vec::new();
        for route in routes.entries() {
            self = route.add_to(self);
            self.set_dialect(route.consumer(), Dialect::Rfc);
            self = self.add_routes(route.consumer(), route.children());
            let params = route
                .pattern()
                .params()
                .map(|(name, converter)| RouteParamManifest {
                    name: name.to_owned(),
                    schema: match converter {
                        Converter::Int => converter.schema(),
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
    fn declared_param(&self, route: &RouteDecl, name: &str) -> Option<Value> {
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
}
