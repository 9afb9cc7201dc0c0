//! Routes inside a consumer, as rest-framework-channels (RFC) has them: a message
//! `{"action", "route", ...args}` goes to the child consumer whose pattern matches the start
//! of its `route`.
//!
//! - Patterns use Django's `path()` syntax: literal text and `<name>` / `<conv:name>`
//!   parameters, with the converters `str` (default: no `/`), `int` (digits, passed on as a
//!   JSON number), `slug` (`[-a-zA-Z0-9_]+`) and `path` (anything). Regular expressions
//!   (`re_path`) are not supported.
//! - Matching is by prefix, first match wins, in declaration order (so `todos/<pk>/` must
//!   come before `todos/`, which would also match `todos/7/`). The unmatched remainder goes
//!   to the child, which may itself be a [`RoutedConsumer`] with its own patterns; the
//!   parameters of every level merge.
//! - The route's query string (`todos/?page=2`) and the parameters become arguments of the
//!   action, under their own names: the message's keys first, then the query parameters
//!   (a repeated name becomes an array), then the route parameters, each overriding the
//!   former. Since they arrive as text, they are read as the type the action declares
//!   (`"7"` for a `pk: i64` is 7; `"x"` is a 400 `A valid integer is required.`).
//! - No match: the consumer's own actions. An action the consumer does not have is a 404
//!   `No route matches "<route>".` when the route had an unmatched path, else RFC's 405
//!   `Action "<name>" not allowed in message body.`
//!
//! The patterns and child contracts are described for the manifest with [`Routes`] (no
//! server needed); the server side is [`RoutedConsumer`].

use crate::manifest::{Contract, ManifestBuilder};
use serde_json::{json, Value};

/// A route parameter's converter (Django's path converters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Converter {
    /// Any non-empty text without `/` (the default).
    Str,
    /// Digits; passed on as a JSON number.
    Int,
    /// ASCII letters, digits, `-` and `_`.
    Slug,
    /// Any non-empty text, `/` included.
    Path,
}

impl Converter {
    fn accepts(self, c: char) -> bool {
        match self {
            Converter::Str => c != '/',
            Converter::Int => c.is_ascii_digit(),
            Converter::Slug => c.is_ascii_alphanumeric() || c == '-' || c == '_',
            Converter::Path => true,
        }
    }

    /// The JSON Schema of the parameter's value.
    pub fn schema(self) -> Value {
        match self {
            Converter::Int => json!({"type": "integer", "minimum": 0}),
            _ => json!({"type": "string"}),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(String),
    Param { name: String, converter: Converter },
}

/// A parsed route pattern such as `todos/<int:pk>/`.
///
/// ```
/// use chanrest::routing::RoutePattern;
/// let pattern = RoutePattern::parse("todos/<int:pk>/").unwrap();
/// let (params, rest) = pattern.match_prefix("todos/7/comments/").unwrap();
/// assert_eq!(params, vec![("pk".to_owned(), serde_json::json!(7))]);
/// assert_eq!(rest, "comments/");
/// assert!(pattern.match_prefix("todos/x/").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutePattern {
    source: String,
    tokens: Vec<Token>,
}

impl RoutePattern {
    /// Parses `pattern`; the error says what is wrong with it.
    pub fn parse(pattern: &str) -> Result<Self, String> {
        let mut tokens = Vec::new();
        let mut rest = pattern;
        while !rest.is_empty() {
            match rest.find('<') {
                Some(0) => {
                    let end = rest
                        .find('>')
                        .ok_or_else(|| format!("unclosed `<` in route pattern {pattern:?}"))?;
                    let inner = &rest[1..end];
                    let (converter, name) = match inner.split_once(':') {
                        None => (Converter::Str, inner),
                        Some(("str", name)) => (Converter::Str, name),
                        Some(("int", name)) => (Converter::Int, name),
                        Some(("slug", name)) => (Converter::Slug, name),
                        Some(("path", name)) => (Converter::Path, name),
                        Some((other, _)) => {
                            return Err(format!(
                                "unknown converter `{other}` in route pattern {pattern:?}; use str, int, slug or path"
                            ))
                        }
                    };
                    let valid = name
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_alphabetic() || c == '_')
                        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
                    if !valid {
                        return Err(format!(
                            "bad parameter name `{name}` in route pattern {pattern:?}"
                        ));
                    }
                    if tokens
                        .iter()
                        .any(|t| matches!(t, Token::Param { name: n, .. } if n == name))
                    {
                        return Err(format!(
                            "parameter `{name}` appears twice in route pattern {pattern:?}"
                        ));
                    }
                    tokens.push(Token::Param {
                        name: name.to_owned(),
                        converter,
                    });
                    rest = &rest[end + 1..];
                }
                found => {
                    let end = found.unwrap_or(rest.len());
                    if rest[..end].contains('>') {
                        return Err(format!("stray `>` in route pattern {pattern:?}"));
                    }
                    tokens.push(Token::Literal(rest[..end].to_owned()));
                    rest = &rest[end..];
                }
            }
        }
        Ok(RoutePattern {
            source: pattern.to_owned(),
            tokens,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The parameters, in order, with their converters.
    pub fn params(&self) -> impl Iterator<Item = (&str, Converter)> {
        self.tokens.iter().filter_map(|t| match t {
            Token::Param { name, converter } => Some((name.as_str(), *converter)),
            Token::Literal(_) => None,
        })
    }

    /// Matches the start of `path`: the parameters (`int` ones as numbers) and the
    /// unmatched remainder, or `None`.
    pub fn match_prefix<'a>(&self, path: &'a str) -> Option<(Vec<(String, Value)>, &'a str)> {
        let mut params = Vec::new();
        let used = match_tokens(&self.tokens, path, &mut params)?;
        Some((params, &path[used..]))
    }
}

/// Matches `tokens` against the start of `path`, parameters greedily with backtracking (as
/// the regular expression Django compiles would); returns the bytes used.
fn match_tokens(tokens: &[Token], path: &str, out: &mut Vec<(String, Value)>) -> Option<usize> {
    let Some((first, rest)) = tokens.split_first() else {
        return Some(0);
    };
    match first {
        Token::Literal(text) => {
            let after = path.strip_prefix(text.as_str())?;
            Some(text.len() + match_tokens(rest, after, out)?)
        }
        Token::Param { name, converter } => {
            let max = path
                .char_indices()
                .find(|(_, c)| !converter.accepts(*c))
                .map_or(path.len(), |(i, _)| i);
            for end in (1..=max).rev().filter(|e| path.is_char_boundary(*e)) {
                let text = &path[..end];
                let value = match converter {
                    Converter::Int => text
                        .parse::<u64>()
                        .map(Value::from)
                        .unwrap_or_else(|_| Value::from(text)),
                    _ => Value::from(text),
                };
                let mark = out.len();
                out.push((name.clone(), value));
                if let Some(used) = match_tokens(rest, &path[end..], out) {
                    return Some(end + used);
                }
                out.truncate(mark);
            }
            None
        }
    }
}

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
/// let routes = chanrest::routing::Routes::new().route::<Detail>("items/<pk>/");
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

#[cfg(feature = "server")]
pub use server::{decode_action_args, RoutedConsumer};

#[cfg(feature = "server")]
mod server {
    use super::RoutePattern;
    use crate::connection::{Ctx, Routing};
    use crate::consumer::{no_such_action, BoxFuture, Consumer, Started};
    use crate::envelope::Dialect;
    use crate::error::ActionError;
    use crate::manifest::ActionInfo;
    use crate::permission::Permissions;
    use schemars::JsonSchema;
    use serde::de::DeserializeOwned;
    use serde_json::{Map, Value};
    use std::sync::Arc;

    struct RouteNode {
        pattern: RoutePattern,
        consumer: Arc<dyn Consumer>,
        permissions: Permissions,
    }

    /// A consumer in the RFC dialect with a route table: each message goes to the first
    /// child whose pattern matches the start of its `route`, else to the root consumer's
    /// own actions (see the [module docs](crate::routing)).
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
    /// #[chanrest::async_trait]
    /// impl RootHandler for Api {
    ///     async fn ping(&self, _: &chanrest::Ctx, _: chanrest::NoArgs) -> chanrest::Result<()> { Ok(()) }
    /// }
    /// #[chanrest::async_trait]
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

        fn action_name(&self, content: &mut Map<String, Value>) -> Option<Value> {
            self.root.action_name(content)
        }

        fn start(
            self: Arc<Self>,
            ctx: Ctx,
            action: &str,
            args: Map<String, Value>,
        ) -> Option<crate::ActionFuture> {
            self.root.clone().start(ctx, action, args)
        }

        fn resolve(
            self: Arc<Self>,
            mut ctx: Ctx,
            action: &str,
            mut args: Map<String, Value>,
        ) -> BoxFuture<'static, Result<Started, ActionError>> {
            let action = action.to_owned();
            Box::pin(async move {
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
                    return node.consumer.clone().resolve(ctx, &action, args).await;
                }
                if !self.root.actions().iter().any(|a| a.name == action) {
                    if routing.rest.is_empty() {
                        return Err(no_such_action(Dialect::Rfc, &action));
                    }
                    return Err(ActionError::Status {
                        status: 404,
                        errors: vec![format!(
                            "No route matches \"{}\".",
                            ctx.route().unwrap_or("")
                        )
                        .into()],
                    });
                }
                ctx.set_routing(routing);
                self.root.clone().resolve(ctx, &action, args).await
            })
        }

        fn on_connect(self: Arc<Self>, ctx: Ctx) -> BoxFuture<'static, Result<(), ActionError>> {
            self.root.clone().on_connect(ctx)
        }

        fn on_disconnect(self: Arc<Self>, ctx: Ctx) -> BoxFuture<'static, ()> {
            self.root.clone().on_disconnect(ctx)
        }
    }

    /// Decodes an action's arguments (what `consumer!`'s dispatch calls): as
    /// [`decode_args`](crate::decode_args), after reading the arguments that came from a
    /// route (parameters, query string) as the types `T` declares.
    pub fn decode_action_args<T: DeserializeOwned + JsonSchema>(
        ctx: &Ctx,
        mut args: Map<String, Value>,
    ) -> Result<T, ActionError> {
        if let Some(routing) = ctx.routing().filter(|r| !r.text_args.is_empty()) {
            let schema = schemars::SchemaGenerator::default()
                .into_root_schema_for::<T>()
                .to_value();
            for name in routing.text_args.iter() {
                if let Some(value) = args.get_mut(name) {
                    let property = property_schema(&schema, name);
                    coerce(value, &property, &schema);
                }
            }
        }
        crate::decode_args(args)
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

        #[test]
        fn query_strings_become_arguments() {
            let args = query_args("page=2&owner=ada&owner=bob&q=a%20b");
            assert_eq!(
                Value::Object(args),
                json!({"page": "2", "owner": ["ada", "bob"], "q": "a b"})
            );
        }

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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(p: &str) -> RoutePattern {
        RoutePattern::parse(p).unwrap()
    }

    #[test]
    fn prefix_matching_leaves_the_rest() {
        let (params, rest) = pattern("todos/").match_prefix("todos/7/x").unwrap();
        assert!(params.is_empty());
        assert_eq!(rest, "7/x");
        assert!(pattern("todos/").match_prefix("todo/").is_none());
        assert_eq!(pattern("").match_prefix("any/").unwrap().1, "any/");
    }

    #[test]
    fn parameters_and_converters() {
        let (params, rest) = pattern("todos/<pk>/").match_prefix("todos/abc/").unwrap();
        assert_eq!(params, vec![("pk".to_owned(), json!("abc"))]);
        assert_eq!(rest, "");
        assert!(pattern("todos/<int:pk>/")
            .match_prefix("todos/abc/")
            .is_none());
        let (params, _) = pattern("f/<path:p>/end").match_prefix("f/a/b/end").unwrap();
        assert_eq!(params, vec![("p".to_owned(), json!("a/b"))]);
        let (params, _) = pattern("<slug:s>-<int:n>/")
            .match_prefix("my-post-12/")
            .unwrap();
        assert_eq!(
            params,
            vec![
                ("s".to_owned(), json!("my-post")),
                ("n".to_owned(), json!(12))
            ]
        );
        // `<pk>` needs at least one character.
        assert!(pattern("todos/<pk>/").match_prefix("todos//").is_none());
    }

    #[test]
    fn first_match_wins_in_declaration_order() {
        // As in RFC, `todos/` also matches the detail route: order the specific one first.
        let table = [pattern("todos/<pk>/"), pattern("todos/")];
        let first = |path: &str| table.iter().position(|p| p.match_prefix(path).is_some());
        assert_eq!(first("todos/3/"), Some(0));
        assert_eq!(first("todos/"), Some(1));
        assert_eq!(first("users/"), None);
        let reversed = [pattern("todos/"), pattern("todos/<pk>/")];
        assert_eq!(
            reversed
                .iter()
                .position(|p| p.match_prefix("todos/3/").is_some()),
            Some(0)
        );
    }

    #[test]
    fn nested_levels_merge_their_parameters() {
        let outer = pattern("users/<user>/");
        let inner = pattern("todos/<int:pk>/");
        let (mut params, rest) = outer.match_prefix("users/ada/todos/4/?x=1").unwrap();
        let (inner_params, rest) = inner.match_prefix(rest).unwrap();
        params.extend(inner_params);
        assert_eq!(
            params,
            vec![
                ("user".to_owned(), json!("ada")),
                ("pk".to_owned(), json!(4))
            ]
        );
        assert_eq!(rest, "?x=1");
    }

    #[test]
    fn malformed_patterns_are_refused() {
        for bad in ["a/<pk", "a/<x:pk>/", "a/<1pk>/", "<a>/<a>/", "a>/", "<>"] {
            assert!(RoutePattern::parse(bad).is_err(), "{bad}");
        }
    }
}
