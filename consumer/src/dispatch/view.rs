//! DCRF's `view_as_consumer`: an HTTP endpoint (a warp filter) served over the socket. Each
//! message becomes an HTTP request run through the filter in-process; its response becomes
//! the reply.
//!
//! The message, in the DCRF dialect:
//! `{"action", "request_id", "query": {...}, "parameters": {...}, "data": ...}`.
//! - `action` picks the HTTP method: DCRF's default mapping `create`→PUT, `update`→PATCH,
//!   `list`→GET, `retrieve`→GET, changed with [`ViewConsumer::action`]; any other action is a
//!   405 `Method "x" not allowed.`
//! - `parameters` fill a path template: the view has templates such as
//!   `/api/todos/<pk>/` and `/api/todos/`, and the first one whose parameters are exactly the
//!   ones sent is used (so `{"pk": 3}` gives `/api/todos/3/`, none gives `/api/todos/`). No
//!   such template: 400. Values are strings, numbers or booleans, percent-encoded.
//! - `query` becomes the query string (an array value repeats the name).
//! - `data` is the JSON body (`content-type: application/json`); absent, it is `{}` (as DCRF
//!   posts `json.dumps(data or {})`).
//! - The handshake's `authorization` and `cookie` headers are passed on.
//!
//! The reply: `data` is the response body (JSON when it parses as JSON, else the text; `null`
//! when empty; hex when not UTF-8), `response_status` the HTTP status, `errors: []` even
//! for an HTTP error status: the view's own error bodies arrive as `data`, as in DCRF.

use super::consumer::{default_action_name, BoxFuture, Consumer, Resolution, Started};
use crate::auth::Permissions;
use crate::contract::ActionInfo;
use crate::dialect::Dialect;
use crate::error::{messages, ActionError};
use crate::protocol::{Content, Data, RoutePattern};
use crate::session::Ctx;
use http_body_util::{BodyExt, Full};
use serde_json::{Map, Value};
use std::sync::Arc;
use warp::http::{header, Method, Request};
use warp::hyper::body::Bytes;
use warp::{Filter, Reply};

type Call = dyn Fn(Request<Full<Bytes>>) -> BoxFuture<'static, warp::reply::Response> + Send + Sync;

/// An HTTP endpoint served over the socket; made by [`view_as_consumer`].
///
/// The message, in the DCRF dialect:
/// `{"action", "request_id", "query": {...}, "parameters": {...}, "data": ...}`.
/// - `action` picks the HTTP method: DCRF's default mapping `create`→PUT, `update`→PATCH,
///   `list`→GET, `retrieve`→GET, changed with [`ViewConsumer::action`]; any other action is a
///   405 `Method "x" not allowed.`
/// - `parameters` fill a path template: the view has templates such as
///   `/api/todos/<pk>/` and `/api/todos/`, and the first one whose parameters are exactly the
///   ones sent is used (so `{"pk": 3}` gives `/api/todos/3/`, none gives `/api/todos/`). No
///   such template: 400. Values are strings, numbers or booleans, percent-encoded.
/// - `query` becomes the query string (an array value repeats the name).
/// - `data` is the JSON body (`content-type: application/json`); absent, it is `{}`.
/// - The handshake's `authorization` and `cookie` headers are passed on.
///
/// The reply: `data` is the response body (JSON when it parses as JSON, else the text; `null`
/// when empty; hex when not UTF-8), `response_status` the HTTP status, `errors: []` even
/// for an HTTP error status: the view's own error bodies arrive as `data`, as in DCRF.
pub struct ViewConsumer {
    name: &'static str,
    call: Arc<Call>,
    paths: Vec<RoutePattern>,
    methods: Vec<(String, Method)>,
    permissions: Permissions,
}

impl std::fmt::Debug for ViewConsumer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let paths: Vec<&str> = self.paths.iter().map(RoutePattern::as_str).collect();
        f.debug_struct("ViewConsumer")
            .field("name", &self.name)
            .field("paths", &paths)
            .finish_non_exhaustive()
    }
}

/// Wraps `filter` (any warp filter whose output is a reply) as a consumer. `paths` are the
/// path templates (`/api/todos/<pk>/`, `/api/todos/`), tried in order.
///
/// ```no_run
/// use warp::Filter;
/// let view = warp::path!("api" / "hello").map(|| warp::reply::json(&"hi"));
/// let consumer = chanrest::view_as_consumer(view, &["/api/hello"])
///     .named("Hello")
///     .action("destroy", warp::http::Method::DELETE);
/// let app = chanrest::App::new().consumer("/ws/hello/", consumer);
/// # let _ = app;
/// ```
///
/// # Panics
/// When a path template is malformed or does not start with `/`.
pub fn view_as_consumer<F>(filter: F, paths: &[&str]) -> ViewConsumer
where
    F: Filter + Clone + Send + Sync + 'static,
    F::Extract: Reply,
{
    let service = warp::service(filter);
    let call: Arc<Call> = Arc::new(move |request| {
        let mut service = service.clone();
        Box::pin(async move {
            match tower_service::Service::call(&mut service, request).await {
                Ok(response) => response,
                Err(never) => match never {},
            }
        })
    });
    let paths = paths
        .iter()
        .map(|p| {
            assert!(
                p.starts_with('/'),
                "chanrest: a view path must start with '/': {p:?}"
            );
            RoutePattern::parse(p).unwrap_or_else(|e| panic!("chanrest: {e}"))
        })
        .collect();
    ViewConsumer {
        name: "View",
        call,
        paths,
        methods: [
            ("create", Method::PUT),
            ("update", Method::PATCH),
            ("list", Method::GET),
            ("retrieve", Method::GET),
        ]
        .into_iter()
        .map(|(a, m)| (a.to_owned(), m))
        .collect(),
        permissions: Permissions::allow_any(),
    }
}

impl ViewConsumer {
    /// The consumer's name (in logs and [`crate::App::routes`]). Default `View`.
    pub fn named(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }

    /// Maps `action` to `method`, replacing its mapping if it had one.
    pub fn action(mut self, action: &str, method: Method) -> Self {
        self.methods.retain(|(a, _)| a != action);
        self.methods.push((action.to_owned(), method));
        self
    }

    /// Removes `action` from the mapping (it then gets a 405).
    pub fn without_action(mut self, action: &str) -> Self {
        self.methods.retain(|(a, _)| a != action);
        self
    }

    /// The permission checked at the handshake and before every action (default: allow all).
    pub fn permissions(mut self, permissions: Permissions) -> Self {
        self.permissions = permissions;
        self
    }

    /// Builds the HTTP request for a message.
    fn request(
        &self,
        ctx: &Ctx,
        method: Method,
        args: &Map<String, Value>,
    ) -> Result<Request<Full<Bytes>>, ActionError> {
        let parameters = match args.get("parameters") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(map)) => map.clone(),
            Some(_) => {
                return Err(ActionError::field(
                    "parameters",
                    messages::MUST_BE_AN_OBJECT,
                ))
            }
        };
        let mut values = Map::new();
        for (name, value) in &parameters {
            let text = scalar_text(value).ok_or_else(|| {
                ActionError::field("parameters", messages::parameter_not_scalar(name))
            })?;
            values.insert(name.clone(), Value::String(text));
        }
        let template = self
            .paths
            .iter()
            .find(|p| {
                let mut names: Vec<&str> = p.params().map(|(n, _)| n).collect();
                names.sort_unstable();
                let mut given: Vec<&str> = values.keys().map(String::as_str).collect();
                given.sort_unstable();
                names == given
            })
            .ok_or_else(|| {
                let given: Vec<&str> = values.keys().map(String::as_str).collect();
                ActionError::field("parameters", messages::no_path_for(&given))
            })?;
        let mut path = template.as_str().to_owned();
        for (name, value) in &values {
            let text = value.as_str().unwrap_or_default();
            let encoded = percent_encode(text);
            for placeholder in [format!("<{name}>"), format!(":{name}>")] {
                if let Some(start) = path.find(&placeholder) {
                    let open = path[..start].rfind('<').unwrap_or(start);
                    path.replace_range(open..start + placeholder.len(), &encoded);
                    break;
                }
            }
        }
        let mut query = form_urlencoded::Serializer::new(String::new());
        match args.get("query") {
            None | Some(Value::Null) => {}
            Some(Value::Object(map)) => {
                for (name, value) in map {
                    let items = match value {
                        Value::Array(items) => items.clone(),
                        Value::Null => Vec::new(),
                        other => vec![other.clone()],
                    };
                    for item in &items {
                        let text = scalar_text(item).ok_or_else(|| {
                            ActionError::field("query", messages::query_not_scalar(name))
                        })?;
                        query.append_pair(name, &text);
                    }
                }
            }
            Some(_) => return Err(ActionError::field("query", messages::MUST_BE_AN_OBJECT)),
        }
        let query = query.finish();
        let uri = if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        };
        let mut builder = Request::builder()
            .method(method)
            .uri(&uri)
            .header(header::HOST, "localhost");
        for name in [header::AUTHORIZATION, header::COOKIE] {
            if let Some(value) = ctx.scope().headers.get(&name) {
                builder = builder.header(name, value);
            }
        }
        // DCRF posts `json.dumps(kwargs.get("data", {}))`: a message without `data` sends
        // the view `{}`, so a DRF-style view answers its field errors, not a parse error.
        let empty = Value::Object(Map::new());
        let data = args.get("data").unwrap_or(&empty);
        builder = builder.header(header::CONTENT_TYPE, "application/json");
        let body = Bytes::from(serde_json::to_vec(data)?);
        builder = builder.header(header::CONTENT_LENGTH, body.len());
        builder
            .body(Full::new(body))
            .map_err(|e| ActionError::BadRequest(messages::cannot_build_request(&e.to_string())))
    }
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Percent-encodes one path segment (everything but RFC 3986's unreserved characters).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A response body as reply data: JSON when it is JSON, else text (hex when not UTF-8).
fn body_data(body: &[u8]) -> Value {
    if body.is_empty() {
        return Value::Null;
    }
    if let Ok(value) = serde_json::from_slice(body) {
        return value;
    }
    match std::str::from_utf8(body) {
        Ok(text) => Value::String(text.to_owned()),
        Err(_) => Value::String(body.iter().map(|b| format!("{b:02x}")).collect()),
    }
}

impl Consumer for ViewConsumer {
    fn name(&self) -> &'static str {
        self.name
    }

    fn actions(&self) -> &'static [ActionInfo] {
        &[]
    }

    fn dialect(&self) -> Dialect {
        Dialect::Dcrf
    }

    fn permissions(&self) -> Permissions {
        self.permissions.clone()
    }

    fn action_name(&self, content: &mut Content<'_>) -> Option<Value> {
        default_action_name(content)
    }

    fn start(
        self: Arc<Self>,
        _ctx: Ctx,
        _action: &str,
        _args: Content<'_>,
    ) -> Option<crate::ActionFuture> {
        None
    }

    fn resolve(self: Arc<Self>, ctx: Ctx, action: &str, args: Content<'_>) -> Resolution {
        let method = self
            .methods
            .iter()
            .find(|(a, _)| a == action)
            .map(|(_, m)| m.clone());
        let result = match method {
            None => Err(ActionError::MethodNotAllowed(action.to_owned())),
            Some(method) => self.request(&ctx, method, &args).map(|request| {
                let call = self.call.clone();
                Started::with_status(
                    false,
                    Box::pin(async move {
                        let response = call(request).await;
                        let status = response.status().as_u16();
                        let body = response
                            .into_body()
                            .collect()
                            .await
                            .map_err(ActionError::internal)?
                            .to_bytes();
                        Ok((status, Data::encode(&body_data(&body))?))
                    }),
                )
            }),
        };
        Resolution::Ready(result)
    }

    fn on_connect(self: Arc<Self>, _ctx: Ctx) -> BoxFuture<'static, Result<(), ActionError>> {
        Box::pin(std::future::ready(Ok(())))
    }

    fn on_disconnect(self: Arc<Self>, _ctx: Ctx) -> BoxFuture<'static, ()> {
        Box::pin(std::future::ready(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_become_data() {
        assert_eq!(body_data(b""), Value::Null);
        assert_eq!(body_data(br#"{"a":1}"#), serde_json::json!({"a": 1}));
        assert_eq!(body_data(b"plain text"), Value::from("plain text"));
        assert_eq!(body_data(&[0xff, 0x01]), Value::from("ff01"));
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(percent_encode("a b/c"), "a%20b%2Fc");
        assert_eq!(percent_encode("7"), "7");
    }
}
