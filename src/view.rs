//! The HTTP todo endpoint (`/api/todos/`), in DRF's shapes, and the same endpoint served
//! over the socket at `/ws/view/` through `chanrest::view_as_consumer`.
//!
//! - `GET /api/todos/`: the todos, filtered by `?done=<bool>` and `?owner=<name>` (repeatable:
//!   any of the names);
//! - `GET /api/todos/<pk>/`: one todo;
//! - `PUT /api/todos/`: creates a todo (201);
//! - `PATCH /api/todos/<pk>/`: changes the fields sent.
//!
//! Errors: 404 `{"detail": "Not found."}`, 400 `{"field": ["message"]}`, 405
//! `{"detail": "Method \"PUT\" not allowed."}`. Writes go through the store, so subscribers
//! see them as they see writes made over the socket.

use crate::api::{Todo, TodoPatch, TodoWrite};
use chanrest::store::{Query, Store};
use chanrest::{ActionError, ViewConsumer};
use serde_json::{json, Value};
use warp::filters::BoxedFilter;
use warp::http::{Method, StatusCode};
use warp::hyper::body::Bytes;
use warp::reply::Response;
use warp::{Filter, Reply};

fn respond(status: StatusCode, body: &Value) -> Response {
    warp::reply::with_status(warp::reply::json(body), status).into_response()
}

fn not_found() -> Response {
    respond(StatusCode::NOT_FOUND, &json!({"detail": "Not found."}))
}

fn method_not_allowed(method: &Method) -> Response {
    respond(
        StatusCode::METHOD_NOT_ALLOWED,
        &json!({"detail": format!("Method \"{method}\" not allowed.")}),
    )
}

/// An action error as DRF's view would answer it.
fn error_response(err: ActionError) -> Response {
    match err {
        ActionError::NotFound => not_found(),
        ActionError::Validation(fields) => respond(StatusCode::BAD_REQUEST, &fields.into_value()),
        ActionError::Internal(cause) => {
            tracing::error!(error = %cause, "todo view failed");
            respond(
                StatusCode::INTERNAL_SERVER_ERROR,
                &json!({"detail": "A server error occurred."}),
            )
        }
        other => {
            let status =
                StatusCode::from_u16(other.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let detail = other.errors().into_iter().next().unwrap_or(Value::Null);
            respond(status, &json!({ "detail": detail }))
        }
    }
}

/// The JSON body, or DRF's 400 for a body that is not JSON.
fn parse_json(body: &Bytes) -> Result<Value, Box<Response>> {
    serde_json::from_slice(body).map_err(|e| {
        Box::new(respond(
            StatusCode::BAD_REQUEST,
            &json!({"detail": format!("JSON parse error - {e}")}),
        ))
    })
}

fn ok(status: StatusCode, todo: &impl serde::Serialize) -> Response {
    match serde_json::to_value(todo) {
        Ok(value) => respond(status, &value),
        Err(err) => error_response(ActionError::internal(err)),
    }
}

async fn list(store: &Store, query: &str) -> Response {
    let mut done = None;
    let mut owners = Vec::new();
    for (name, value) in form_pairs(query) {
        match name.as_str() {
            "done" => match value.as_str() {
                "true" | "True" | "1" => done = Some(true),
                "false" | "False" | "0" => done = Some(false),
                _ => {
                    return respond(
                        StatusCode::BAD_REQUEST,
                        &json!({"done": ["Must be a valid boolean."]}),
                    )
                }
            },
            "owner" => owners.push(value),
            _ => {}
        }
    }
    let mut scope = Query::all();
    if let Some(done) = done {
        scope = scope.filter("done", done);
    }
    match store.list::<Todo>(&scope, None, 0).await {
        Ok(todos) => {
            let todos: Vec<Todo> = todos
                .into_iter()
                .filter(|t| owners.is_empty() || owners.contains(&t.owner))
                .collect();
            ok(StatusCode::OK, &todos)
        }
        Err(err) => error_response(err),
    }
}

fn form_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

/// Decodes `application/x-www-form-urlencoded` text (`+` is a space, `%XX` a byte).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(high), Some(low)) => {
                        out.push((high * 16 + low) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn handle(
    store: Store,
    tail: String,
    method: Method,
    query: String,
    body: Bytes,
) -> Response {
    let segments: Vec<&str> = tail.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        [] => match method {
            Method::GET => list(&store, &query).await,
            Method::PUT => {
                let value = match parse_json(&body) {
                    Ok(value) => value,
                    Err(response) => return *response,
                };
                let created = async {
                    let write: TodoWrite = chanrest::decode_value(&value)?;
                    store.create::<Todo>(&write).await
                };
                match created.await {
                    Ok(todo) => ok(StatusCode::CREATED, &todo),
                    Err(err) => error_response(err),
                }
            }
            other => method_not_allowed(&other),
        },
        [pk] => {
            let Ok(pk) = pk.parse::<i64>() else {
                return not_found();
            };
            match method {
                Method::GET => match store.get::<Todo>(&Query::all(), &json!(pk)).await {
                    Ok(todo) => ok(StatusCode::OK, &todo),
                    Err(err) => error_response(err),
                },
                Method::PATCH => {
                    let value = match parse_json(&body) {
                        Ok(value) => value,
                        Err(response) => return *response,
                    };
                    let patched = async {
                        let patch: TodoPatch = chanrest::decode_value(&value)?;
                        store.patch::<Todo>(&Query::all(), &json!(pk), &patch).await
                    };
                    match patched.await {
                        Ok(todo) => ok(StatusCode::OK, &todo),
                        Err(err) => error_response(err),
                    }
                }
                other => method_not_allowed(&other),
            }
        }
        _ => not_found(),
    }
}

/// The largest request body the endpoint reads (DRF's `DATA_UPLOAD_MAX_MEMORY_SIZE` is
/// 2.5 MB; a todo is a few hundred bytes).
pub const MAX_BODY_BYTES: usize = 64 << 10;

/// How long a client may take to send its whole body.
pub const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Reads a request body: at most [`MAX_BODY_BYTES`] (else 413, without reading the rest),
/// within [`BODY_TIMEOUT`] (else 408), so a client cannot make the server hold a large body
/// or a connection that announces a body and never sends it.
async fn read_body<S, B>(body: S) -> Result<Bytes, Box<Response>>
where
    S: futures_util::Stream<Item = Result<B, warp::Error>>,
    B: warp::hyper::body::Buf,
{
    use futures_util::StreamExt;
    let reading = async {
        let mut body = std::pin::pin!(body);
        let mut read = Vec::new();
        while let Some(chunk) = body.next().await {
            let mut chunk = chunk.map_err(|_| {
                respond(
                    StatusCode::BAD_REQUEST,
                    &json!({"detail": "Malformed request body."}),
                )
            })?;
            if read.len() + chunk.remaining() > MAX_BODY_BYTES {
                return Err(Box::new(respond(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    &json!({"detail": format!("Request body above {MAX_BODY_BYTES} bytes.")}),
                )));
            }
            while chunk.has_remaining() {
                let part = chunk.chunk();
                read.extend_from_slice(part);
                let taken = part.len();
                chunk.advance(taken);
            }
        }
        Ok(Bytes::from(read))
    };
    tokio::time::timeout(BODY_TIMEOUT, reading)
        .await
        .unwrap_or_else(|_| {
            Err(Box::new(respond(
                StatusCode::REQUEST_TIMEOUT,
                &json!({"detail": "Request body not received in time."}),
            )))
        })
}

/// The HTTP routes under `/api/todos/`.
pub fn routes(store: Store) -> BoxedFilter<(Response,)> {
    let query = warp::query::raw().or(warp::any().map(String::new)).unify();
    warp::path("api")
        .and(warp::path("todos"))
        .and(warp::path::tail())
        .and(warp::method())
        .and(query)
        .and(warp::body::stream())
        .then(
            move |tail: warp::path::Tail, method: Method, query: String, body| {
                let store = store.clone();
                async move {
                    match read_body(body).await {
                        Ok(body) => {
                            handle(store, tail.as_str().to_owned(), method, query, body).await
                        }
                        Err(refused) => *refused,
                    }
                }
            },
        )
        .boxed()
}

/// The HTTP endpoint over the socket (`/ws/view/`).
pub fn consumer(store: &Store) -> ViewConsumer {
    chanrest::view_as_consumer(routes(store.clone()), &crate::api::routes::VIEW_PATHS)
        .named(<crate::api::TodoView as chanrest::Contract>::NAME)
}
