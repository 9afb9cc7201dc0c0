//! Routes inside a consumer, as rest-framework-channels (RFC) has them: a message
//! `{"action", "route", ...args}` goes to the child consumer whose pattern matches the start
//! of its `route`.
//!
//! - Patterns use Django's `path()` syntax: literal text and `<name>` / `<conv:name>`
//!   parameters, with the converters `str` (default: no `/`), `int` (digits, passed on as a
//!   JSON number), `slug` (`[-a-zA-Z0-9_]+`) and `path` (anything). Regular expressions
//!   (`re_path`) are not supported.
//! - First match wins, in declaration order. A pattern leading to another
//!   [`RoutedConsumer`] matches the start of the route and hands it the remainder (nesting,
//!   as Django's `include()`); the parameters of every level merge. A pattern leading to any
//!   other consumer must match the whole path, as Django's `path()` does: `todos/<pk>/`
//!   does not take `todos/1/../2/`.
//! - The route's query string (`todos/?page=2`) and the parameters become arguments of the
//!   action, under their own names: the message's keys first, then the query parameters
//!   (a repeated name becomes an array), then the route parameters, each overriding the
//!   former. Since they arrive as text, they are read as the type the action declares
//!   (`"7"` for a `pk: i64` is 7; `"x"` is a 400 `A valid integer is required.`).
//! - No match: the consumer's own actions. An action the consumer does not have is a 404
//!   `No route matches "<route>".` when the route had an unmatched path, else RFC's 405
//!   `Action "<name>" not allowed in message body.`
//!
//! The patterns and child contracts are described for the manifest with [`crate::Routes`] (no
//! server needed); the server side is [`RoutedConsumer`].

use super::consumer::{ActionFuture, BoxFuture, Consumer, Resolution};
use crate::auth::Permissions;
use crate::contract::ActionInfo;
use crate::dialect::Dialect;
use crate::error::ActionError;
use crate::protocol::{Content, RoutePattern};
use crate::session::{Ctx, Routing};
use serde_json::{Map, Value};
use std::sync::Arc;

struct RouteNode {
    pattern: RoutePattern,
    consumer: Arc<dyn Consumer>,
    permissions: Permissions,
}

/// A consumer in the RFC dialect with a route table: each message goes to the first
/// child whose pattern matches the start of its `route`, else to the root consumer's
/// own actions (see the module docs of `chanrest::routing`).
///
/// Permissions are checked at every level, as in RFC: the root's before routing, then
/// each matched child's (with the merged arguments). The children's `on_connect` and
/// `on_disconnect` hooks are not called (RFC builds a handler per message).
///
/// ```no_run
/// chanrest::consumer! {
///     #[dialect = rfc]
///     pub consumer Root: RootHandler { action ping() -> (); }
///     #[dialect = rfc]
///     pub consumer Detail: DetailHandler { action retrieve(Lookup { pk: i64 }) -> i64; }
/// }
/// struct Api;
/// impl RootHandler for Api {
///     async fn ping(&self, _: &chanrest::Ctx, _: chanrest::NoArgs) -> chanrest::Result<()> { Ok(()) }
/// }
/// impl DetailHandler for Api {
///     async fn retrieve(&self, _: &chanrest::Ctx, args: Lookup) -> chanrest::Result<i64> { Ok(args.pk) }
/// }
/// let consumer = chanrest::RoutedConsumer::new(Root(Api)).route("items/<pk>/", Detail(Api));
/// let app = chanrest::App::new().consumer("/ws/rfc/", consumer);
/// # let _ = app;
/// ```
pub struct RoutedConsumer {
    root: Arc<dyn Consumer>,
    routes: Vec<RouteNode>,
}

impl std::fmt::Debug for RoutedConsumer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoutedConsumer")
            .field("root", &self.root.name())
            .field("routes", &self.patterns())
            .finish()
    }
}

impl RoutedConsumer {
    /// A routed consumer whose own actions are `root`'s.
    pub fn new(root: impl Consumer) -> Self {
        RoutedConsumer {
            root: Arc::new(root),
            routes: Vec::new(),
        }
    }

    /// Routes `pattern` to `child` (any consumer, another `RoutedConsumer` to nest).
    ///
    /// # Panics
    /// When `pattern` is malformed (the message says why).
    pub fn route(mut self, pattern: &str, child: impl Consumer) -> Self {
        let pattern = RoutePattern::parse(pattern).unwrap_or_else(|e| panic!("chanrest: {e}"));
        let consumer: Arc<dyn Consumer> = Arc::new(child);
        let permissions = consumer.permissions();
        self.routes.push(RouteNode {
            pattern,
            consumer,
            permissions,
        });
        self
    }

    /// The patterns, in matching order, with the child consumers' names.
    pub fn patterns(&self) -> Vec<(&str, &'static str)> {
        self.routes
            .iter()
            .map(|r| (r.pattern.as_str(), r.consumer.name()))
            .collect()
    }
}

/// Parses a query string into arguments: a repeated name becomes an array of strings.
fn query_args(query: &str) -> Map<String, Value> {
    let mut args = Map::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        let value = Value::String(value.into_owned());
        match args.get_mut(name.as_ref()) {
            Some(Value::Array(items)) => items.push(value),
            Some(previous) => {
                let first = previous.take();
                *previous = Value::Array(vec![first, value]);
            }
            None => {
                args.insert(name.into_owned(), value);
            }
        }
    }
    args
}

impl Consumer for RoutedConsumer {
    fn name(&self) -> &'static str {
        self.root.name()
    }

    fn actions(&self) -> &'static [ActionInfo] {
        self.root.actions()
    }

    fn dialect(&self) -> Dialect {
        Dialect::Rfc
    }

    fn permissions(&self) -> Permissions {
        self.root.permissions()
    }

    fn action_name(&self, content: &mut Content<'_>) -> Option<Value> {
        self.root.action_name(content)
    }

    fn start(self: Arc<Self>, ctx: Ctx, action: &str, args: Content<'_>) -> Option<ActionFuture> {
        self.root.clone().start(ctx, action, args)
    }

    fn resolve(self: Arc<Self>, mut ctx: Ctx, action: &str, args: Content<'_>) -> Resolution {
        let action = action.to_owned();
        // Routing awaits: the arguments stop borrowing the frame.
        let mut args = args.into_map();
        Resolution::Pending(Box::pin(async move {
            let routing = match ctx.routing() {
                Some(routing) => routing.clone(),
                None => {
                    // The top router: split the route into path and query string.
                    let route = ctx.route().unwrap_or("");
                    let (path, query) = route.split_once('?').unwrap_or((route, ""));
                    let query = query_args(query);
                    let names: Vec<String> = query.keys().cloned().collect();
                    args.extend(query);
                    Routing {
                        rest: Arc::from(path),
                        text_args: names.into(),
                    }
                }
            };
            for node in &self.routes {
                let Some((params, rest)) = node.pattern.match_prefix(&routing.rest) else {
                    continue;
                };
                // Text after a full match only goes on to a router (`todos/1/../2/` is not
                // todo 1).
                if !rest.is_empty() && !node.consumer.routes_further() {
                    continue;
                }
                let mut text_args = routing.text_args.to_vec();
                for (name, value) in params {
                    args.insert(name.clone(), value);
                    text_args.push(name);
                }
                if !node
                    .permissions
                    .has_permission(ctx.scope(), &action, &args)
                    .await
                {
                    return Err(ActionError::PermissionDenied);
                }
                ctx.set_routing(Routing {
                    rest: Arc::from(rest),
                    text_args: text_args.into(),
                });
                return node
                    .consumer
                    .clone()
                    .resolve(ctx, &action, args.into())
                    .started()
                    .await;
            }
            if !self.root.actions().iter().any(|a| a.name == action) {
                if routing.rest.is_empty() {
                    return Err(ActionError::MethodNotAllowed(action));
                }
                return Err(ActionError::NoRoute(ctx.route().unwrap_or("").to_owned()));
            }
            ctx.set_routing(routing);
            self.root
                .clone()
                .resolve(ctx, &action, args.into())
                .started()
                .await
        }))
    }

    fn routes_further(&self) -> bool {
        true
    }

    fn on_connect(self: Arc<Self>, ctx: Ctx) -> BoxFuture<'static, Result<(), ActionError>> {
        self.root.clone().on_connect(ctx)
    }

    fn on_disconnect(self: Arc<Self>, ctx: Ctx) -> BoxFuture<'static, ()> {
        self.root.clone().on_disconnect(ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn query_strings_become_arguments() {
        let args = query_args("page=2&owner=ada&owner=bob&q=a%20b");
        assert_eq!(
            Value::Object(args),
            json!({"page": "2", "owner": ["ada", "bob"], "q": "a b"})
        );
    }
}
