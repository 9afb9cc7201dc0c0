//! What the behaviour tests share: in-process connections ([`chanrest::App::connect_local`]),
//! requests in DCRF's envelope, and assertions on replies. No socket and no port: each test
//! declares its own consumers and talks to them through the same dispatch a socket's frames
//! go through.
#![allow(dead_code)]

use chanrest::{App, LocalConnection, Scope};
use serde_json::{json, Map, Value};
use std::time::Duration;

/// The keys of a DCRF reply, in DCRF's order.
pub(crate) const DCRF_KEYS: [&str; 5] =
    ["errors", "data", "action", "response_status", "request_id"];

/// The keys of a rest-framework-channels reply, in its order.
pub(crate) const RFC_KEYS: [&str; 5] = ["errors", "data", "action", "route", "status"];

/// An anonymous in-process connection to `path`.
pub(crate) async fn connect(app: &App, path: &str) -> LocalConnection {
    connect_with(app, path, Scope::default()).await
}

/// An in-process connection to `path` with `scope` (query, headers, user).
pub(crate) async fn connect_with(app: &App, path: &str, scope: Scope) -> LocalConnection {
    app.connect_local(path, scope)
        .await
        .unwrap_or_else(|refused| panic!("connecting to {path} was refused: {refused}"))
}

/// A scope with these query parameters.
pub(crate) fn query(params: &[(&str, &str)]) -> Scope {
    Scope {
        query: params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        ..Scope::default()
    }
}

/// `{"action": action, "request_id": request_id, ...args}`.
pub(crate) fn message(action: &str, request_id: Value, args: Value) -> Value {
    let mut message = match args {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        other => panic!("arguments must be an object, got {other}"),
    };
    message.insert("action".into(), json!(action));
    message.insert("request_id".into(), request_id);
    Value::Object(message)
}

/// The next frame as JSON; fails the test when none comes in time.
pub(crate) async fn next(conn: &mut LocalConnection) -> Value {
    conn.recv_json().await.expect("a frame in time")
}

/// The next frame's exact text.
pub(crate) async fn next_text(conn: &mut LocalConnection) -> String {
    conn.recv().await.expect("a frame in time")
}

/// Sends `message` and returns the next frame: for an inline action, its reply.
pub(crate) async fn send_recv(conn: &mut LocalConnection, message: &Value) -> Value {
    conn.send_json(message).await;
    next(conn).await
}

/// Sends one request (request id 1) and returns the next frame.
pub(crate) async fn request(conn: &mut LocalConnection, action: &str, args: Value) -> Value {
    request_with_id(conn, action, json!(1), args).await
}

/// Sends one request with `request_id` and returns the next frame.
pub(crate) async fn request_with_id(
    conn: &mut LocalConnection,
    action: &str,
    request_id: Value,
    args: Value,
) -> Value {
    send_recv(conn, &message(action, request_id, args)).await
}

/// The keys of an object, sorted (a parsed `Value` does not keep the wire's order: tests of
/// the order compare frame text).
pub(crate) fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

/// `names`, sorted: what [`keys`] gives for an object with exactly these keys.
pub(crate) fn sorted<const N: usize>(mut names: [&str; N]) -> [&str; N] {
    names.sort_unstable();
    names
}

/// Asserts a DCRF reply with `status` and `data`, and no errors.
pub(crate) fn assert_ok(reply: &Value, status: u16, data: Value) {
    assert_eq!(keys(reply), sorted(DCRF_KEYS), "not a DCRF reply: {reply}");
    assert_eq!(reply["response_status"], status, "{reply}");
    assert_eq!(reply["errors"], json!([]), "{reply}");
    assert_eq!(reply["data"], data, "{reply}");
}

/// Asserts a DCRF error reply: `status`, exactly `errors`, and `data: null`.
pub(crate) fn assert_error(reply: &Value, status: u16, errors: Value) {
    assert_eq!(keys(reply), sorted(DCRF_KEYS), "not a DCRF reply: {reply}");
    assert_eq!(reply["response_status"], status, "{reply}");
    assert_eq!(reply["errors"], errors, "{reply}");
    assert_eq!(reply["data"], Value::Null, "{reply}");
}

/// Asserts a push (a DCRF frame with no errors) of `action` carrying `request_id`; returns
/// its `data`.
pub(crate) fn assert_push(frame: &Value, action: &str, request_id: Value) -> Value {
    assert_eq!(keys(frame), sorted(DCRF_KEYS), "not a DCRF frame: {frame}");
    assert_eq!(
        (&frame["action"], &frame["request_id"], &frame["errors"]),
        (&json!(action), &request_id, &json!([])),
        "unexpected push {frame}"
    );
    frame["data"].clone()
}

/// Asserts that nothing arrives on `conn` within `wait`.
pub(crate) async fn assert_silent(conn: &mut LocalConnection, wait: Duration) {
    conn.set_timeout(wait);
    let frame = conn.recv().await;
    conn.set_timeout(Duration::from_secs(5));
    assert_eq!(frame, None, "expected silence");
}

/// Every frame queued so far, as JSON.
pub(crate) fn drain_json(conn: &mut LocalConnection) -> Vec<Value> {
    conn.drain()
        .iter()
        .map(|text| serde_json::from_str(text).expect("a JSON frame"))
        .collect()
}
