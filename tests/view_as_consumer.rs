//! An HTTP view served over the socket (DCRF's `view_as_consumer`), through real sockets: the
//! demo's `/api/todos/` endpoint over HTTP and over `/ws/view/`, the action → method mapping
//! and its override, `query`/`parameters`/`data`, text bodies, permissions, and pushes for
//! writes made over HTTP.
mod common;

use chanrest::testkit::TestServer;
use chanrest::{assert_error, assert_push, assert_reply, App, Permission, Permissions, Scope};
use common::demo;
use serde_json::{json, Map, Value};
use std::net::SocketAddr;
use warp::Filter;

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

    // The view's own errors: its body as `data`, its status, `errors: []`.
    for (message, status, data) in [
        (
            json!({"action": "retrieve", "request_id": 1, "parameters": {"pk": 99}}),
            404,
            json!({"detail": "Not found."}),
        ),
        (
            json!({"action": "create", "request_id": 1, "data": {"title": ""}}),
            400,
            json!({"title": ["This field may not be blank."]}),
        ),
        (
            json!({"action": "create", "request_id": 1, "parameters": {"pk": 1}, "data": {"title": "x"}}),
            405,
            json!({"detail": "Method \"PUT\" not allowed."}),
        ),
    ] {
        client.send_json(&message).await;
        let reply = client.recv_json().await;
        assert_eq!(reply["response_status"], status, "{reply}");
        assert_eq!(reply["errors"], json!([]), "{reply}");
        assert_eq!(reply["data"], data, "{reply}");
        assert_eq!(reply["request_id"], 1);
    }

    // Unmapped actions and bad message keys: errors of the consumer itself.
    assert_error!(
        client
            .request("destroy", json!({"parameters": {"pk": 1}}))
            .await,
        405,
        json!(["Method \"destroy\" not allowed."])
    );
    assert_error!(
        client
            .request("retrieve", json!({"parameters": {"id": 1}}))
            .await,
        400,
        json!([{"parameters": ["No path of this view takes the parameters [\"id\"]."]}])
    );
    assert_error!(
        client.request("list", json!({"query": [1]})).await,
        400,
        json!([{"query": ["Must be an object."]}])
    );
    assert_error!(
        client
            .request("retrieve", json!({"parameters": {"pk": [1]}}))
            .await,
        400,
        json!([{"parameters": ["`pk` must be a string or a number."]}])
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

struct ReadOnly;

#[chanrest::async_trait]
impl Permission for ReadOnly {
    async fn has_permission(&self, _: &Scope, action: &str, _: &Map<String, Value>) -> bool {
        action == "list" || action == "retrieve" || action == "destroy"
    }
}

#[tokio::test]
async fn mapping_override_text_bodies_and_permissions() {
    // A view that describes the request it got, as text.
    let echo = warp::path("echo")
        .and(warp::path::full())
        .and(warp::method())
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .and(warp::body::bytes())
        .map(
            |path: warp::path::FullPath,
             method: warp::http::Method,
             query: String,
             body: warp::hyper::body::Bytes| {
                format!(
                    "{method} {} ?{query} {}",
                    path.as_str(),
                    String::from_utf8_lossy(&body)
                )
            },
        );
    let consumer = chanrest::view_as_consumer(echo, &["/echo/<name>/", "/echo/"])
        .named("Echo")
        .action("destroy", warp::http::Method::DELETE)
        .action("list", warp::http::Method::HEAD)
        .without_action("update")
        .permissions(Permissions::new(ReadOnly));
    let server = TestServer::start(App::new().consumer("/ws/echo/", consumer)).await;
    let mut client = server.connect("/ws/echo/").await;

    let reply = client
        .request(
            "destroy",
            json!({"parameters": {"name": "a b"}, "query": {"x": [1, "two"]}, "data": {"k": true}}),
        )
        .await;
    assert_reply!(
        reply,
        200,
        json!("DELETE /echo/a%20b/ ?x=1&x=two {\"k\":true}")
    );
    let reply = client.request("retrieve", json!({})).await;
    assert_reply!(reply, 200, json!("GET /echo/ ? "));
    // The overridden mapping: `list` is a HEAD here.
    let reply = client.request("list", json!({})).await;
    assert_reply!(reply, 200, json!("HEAD /echo/ ? "));
    // The permission runs first, as for any consumer.
    assert_error!(
        client.request("create", json!({})).await,
        403,
        json!(["You do not have permission to perform this action."])
    );
    assert_error!(
        client.request("update", json!({})).await,
        403,
        json!(["You do not have permission to perform this action."])
    );
    // Allowed by the permission but no longer mapped: 405.
    let open = chanrest::view_as_consumer(warp::any().map(|| "x"), &["/"]).without_action("update");
    let server2 = TestServer::start(App::new().consumer("/ws/open/", open)).await;
    let mut open_client = server2.connect("/ws/open/").await;
    assert_error!(
        open_client.request("update", json!({})).await,
        405,
        json!(["Method \"update\" not allowed."])
    );
    assert_reply!(
        open_client.request("list", json!({})).await,
        200,
        json!("x")
    );
    assert_eq!(
        App::new()
            .consumer(
                "/x/",
                chanrest::view_as_consumer(warp::any().map(|| "x"), &["/"])
            )
            .routes()[0]
            .1,
        chanrest::RouteInfo::Consumer("View")
    );
}
