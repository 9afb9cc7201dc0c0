//! The demo's todo endpoint (DCRF's `view_as_consumer`) through real sockets: `/api/todos/`
//! over HTTP and over `/ws/view/`, and pushes for writes made over HTTP. How a wrapped view
//! maps messages to requests and responses to replies is tested in process at the framework,
//! in `consumer/tests/view.rs`.
mod common;

use chanrest::{assert_push, assert_reply};
use common::demo;
use serde_json::{json, Value};
use std::net::SocketAddr;

/// One HTTP request with a JSON body; returns the status and the body as JSON.
async fn http(addr: SocketAddr, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let (status, _, body) = common::fetch(addr, request).await;
    let status = status.split(' ').nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_http_endpoint_in_drf_shapes() {
    let (_demo, server) = demo().await;
    let addr = server.addr();
    assert_eq!(
        http(addr, "GET", "/api/todos/", None).await,
        (200, json!([]))
    );
    let (status, todo) = http(
        addr,
        "PUT",
        "/api/todos/",
        Some(json!({"title": "Buy milk", "owner": "ada"})),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(
        todo,
        json!({"id": 1, "title": "Buy milk", "done": false, "owner": "ada"})
    );
    http(
        addr,
        "PUT",
        "/api/todos/",
        Some(json!({"title": "Walk", "owner": "bob", "done": true})),
    )
    .await;
    http(
        addr,
        "PUT",
        "/api/todos/",
        Some(json!({"title": "Read", "owner": "cy"})),
    )
    .await;

    let (_, list) = http(addr, "GET", "/api/todos/?owner=ada&owner=bob", None).await;
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    let (_, list) = http(addr, "GET", "/api/todos/?done=true", None).await;
    assert_eq!(
        list,
        json!([{"id": 2, "title": "Walk", "done": true, "owner": "bob"}])
    );
    let (_, list) = http(addr, "GET", "/api/todos/?done=false&owner=cy", None).await;
    assert_eq!(list[0]["title"], "Read");

    assert_eq!(
        http(addr, "GET", "/api/todos/1/", None).await,
        (
            200,
            json!({"id": 1, "title": "Buy milk", "done": false, "owner": "ada"})
        )
    );
    assert_eq!(
        http(addr, "PATCH", "/api/todos/1/", Some(json!({"done": true}))).await,
        (
            200,
            json!({"id": 1, "title": "Buy milk", "done": true, "owner": "ada"})
        )
    );
    assert_eq!(
        http(addr, "GET", "/api/todos/99/", None).await,
        (404, json!({"detail": "Not found."}))
    );
    assert_eq!(
        http(addr, "GET", "/api/todos/abc/", None).await,
        (404, json!({"detail": "Not found."}))
    );
    assert_eq!(
        http(addr, "PUT", "/api/todos/", Some(json!({"owner": "x"}))).await,
        (400, json!({"title": ["This field is required."]}))
    );
    assert_eq!(
        http(addr, "PUT", "/api/todos/", Some(json!({"title": ""}))).await,
        (400, json!({"title": ["This field may not be blank."]}))
    );
    assert_eq!(
        http(addr, "PUT", "/api/todos/1/", Some(json!({"title": "x"}))).await,
        (405, json!({"detail": "Method \"PUT\" not allowed."}))
    );
    assert_eq!(
        http(addr, "DELETE", "/api/todos/", None).await,
        (405, json!({"detail": "Method \"DELETE\" not allowed."}))
    );
}

#[tokio::test]
async fn the_endpoint_over_the_socket() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/view/").await;

    let reply = client
        .request(
            "create",
            json!({"data": {"title": "Buy milk", "owner": "ada"}}),
        )
        .await;
    assert_reply!(
        reply,
        201,
        json!({"id": 1, "title": "Buy milk", "done": false, "owner": "ada"})
    );
    client
        .request("create", json!({"data": {"title": "Walk", "owner": "bob"}}))
        .await;
    client
        .request(
            "create",
            json!({"data": {"title": "Read", "owner": "cy", "done": true}}),
        )
        .await;

    let reply = client
        .request("list", json!({"query": {"owner": ["ada", "cy"]}}))
        .await;
    assert_reply!(reply, 200);
    let titles: Vec<&str> = reply["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Buy milk", "Read"]);
    let reply = client
        .request("list", json!({"query": {"done": true}}))
        .await;
    assert_eq!(reply["data"].as_array().unwrap().len(), 1, "{reply}");

    let reply = client
        .request("retrieve", json!({"parameters": {"pk": 2}}))
        .await;
    assert_reply!(
        reply,
        200,
        json!({"id": 2, "title": "Walk", "done": false, "owner": "bob"})
    );
    let reply = client
        .request(
            "update",
            json!({"parameters": {"pk": "2"}, "data": {"done": true}}),
        )
        .await;
    assert_reply!(
        reply,
        200,
        json!({"id": 2, "title": "Walk", "done": true, "owner": "bob"})
    );

    assert_reply!(client.request("list", json!({})).await, 200);
}

#[tokio::test]
async fn http_writes_reach_subscribers() {
    let (_demo, server) = demo().await;
    let mut subscriber = server.connect("/ws/plain/").await;
    let reply = subscriber
        .request_with_id("subscribe_todos", json!("sub"), json!({}))
        .await;
    assert_reply!(reply, 201);

    let (status, _) = http(
        server.addr(),
        "PUT",
        "/api/todos/",
        Some(json!({"title": "From HTTP"})),
    )
    .await;
    assert_eq!(status, 201);
    let push = assert_push!(subscriber, "create", "sub");
    assert_eq!(push["data"]["title"], "From HTTP");

    http(
        server.addr(),
        "PATCH",
        "/api/todos/1/",
        Some(json!({"done": true})),
    )
    .await;
    let push = assert_push!(subscriber, "update", "sub");
    assert_eq!(push["data"]["done"], true);

    // Through the socket view too.
    let mut view = server.connect("/ws/view/").await;
    view.request(
        "update",
        json!({"parameters": {"pk": 1}, "data": {"title": "Renamed"}}),
    )
    .await;
    let push = assert_push!(subscriber, "update", "sub");
    assert_eq!(push["data"]["title"], "Renamed");
}

#[tokio::test]
async fn the_http_endpoint_bounds_request_bodies_in_size_and_time() {
    let (_demo, server) = common::demo().await;
    let addr = server.addr();
    // A body above the cap is refused with 413 after the cap, not read whole.
    let big = "x".repeat(chanrest_demo::view::MAX_BODY_BYTES + 1);
    let (status, _, _) = common::fetch(
        addr,
        format!(
            "PUT /api/todos/ HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{big}",
            big.len()
        ),
    )
    .await;
    assert!(status.contains(" 413 "), "{status}");
    // A body announced and never sent is given up on with 408.
    let started = std::time::Instant::now();
    let (status, _, _) = common::fetch(
        addr,
        format!(
            "PUT /api/todos/ HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Content-Length: 100\r\n\r\n{{\"title\""
        ),
    )
    .await;
    assert!(status.contains(" 408 "), "{status}");
    assert!(started.elapsed() >= chanrest_demo::view::BODY_TIMEOUT);
}
