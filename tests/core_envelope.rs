//! The demo's `/ws/plain/` and `/ws/bench/` over real sockets: what only a socket shows (frame
//! types), the demo's own handlers, and its manifest served over HTTP. The envelope's
//! behaviour itself (keys and order, request ids, bad frames, errors) is tested in process at
//! the framework, in `consumer/tests/`.

mod common;

use chanrest::testkit::{TestClient, TestServer};
use chanrest::{assert_error, assert_push, assert_reply};
use common::demo;
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

async fn plain(server: &TestServer) -> TestClient {
    server.connect("/ws/plain/").await
}

#[tokio::test]
async fn binary_and_empty_frames_get_400_replies_and_the_connection_stays() {
    // Which WebSocket frames count as "no text" is the socket's business (the dispatch of the
    // reply is tested in consumer/tests/envelope.rs).
    let (_demo, server) = demo().await;
    let mut client = plain(&server).await;
    for frame in [
        Message::text(""),
        Message::binary(b"{\"action\": \"add\"}".to_vec()),
    ] {
        client.send_message(frame.clone()).await;
        let reply = client.recv_json().await;
        assert_error!(
            reply,
            400,
            json!(["No text section for incoming WebSocket frame!"])
        );
        assert_eq!(reply["action"], Value::Null, "{frame:?}");
    }
    let reply = client.request("add", json!({"a": 1, "b": 2})).await;
    assert_reply!(reply, 200, json!(3));
}

#[tokio::test]
async fn the_demos_slow_validates_its_delay() {
    let (_demo, server) = demo().await;
    let mut client = plain(&server).await;
    let reply = client.request("slow", json!({"delay": -1})).await;
    assert_error!(
        reply,
        400,
        json!([{"delay": ["Ensure this value is greater than or equal to 0."]}])
    );
    let reply = client.request("slow", json!({"delay": 301})).await;
    assert_error!(
        reply,
        400,
        json!([{"delay": ["Ensure this value is less than or equal to 300."]}])
    );
}

#[tokio::test]
async fn bench_echo_returns_data_verbatim() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/bench/").await;
    for data in [
        json!({"x": [1, 2.5, "s", null]}),
        json!("text"),
        json!(12),
        json!(null),
    ] {
        let reply = client.request("echo", json!({"data": data})).await;
        assert_reply!(reply, 200, data);
    }
    let reply = client.request("echo", json!({})).await;
    assert_reply!(reply, 200, Value::Null);
}

#[tokio::test]
async fn bench_feed_reaches_subscribers_and_members_of_other_connections() {
    // The demo's wiring of the feed; what subscriptions and memberships deliver is tested in
    // consumer/tests/groups.rs.
    let (_demo, server) = demo().await;
    let mut a = server.connect("/ws/bench/").await;
    let mut b = server.connect("/ws/bench/").await;
    let mut publisher = server.connect("/ws/bench/").await;
    let reply = a.request_with_id("subscribe", json!(1), json!({})).await;
    assert_reply!(reply, 200, Value::Null);
    assert_reply!(b.request("join", json!({})).await, 200, Value::Null);

    let reply = publisher
        .request("publish", json!({"data": {"n": 1}}))
        .await;
    assert_reply!(reply, 200, Value::Null);
    let push = assert_push!(a, "message", 1);
    assert_eq!(push["data"], json!({"n": 1}));
    assert_eq!(push["response_status"], 200);
    assert_eq!(
        assert_push!(b, "message", Value::Null)["data"],
        json!({"n": 1})
    );
    publisher.assert_silent(Duration::from_millis(50)).await;

    let reply = a.request_with_id("unsubscribe", json!(1), json!({})).await;
    assert_reply!(reply, 204, Value::Null);
    assert_reply!(b.request("leave", json!({})).await, 204, Value::Null);
    let reply = publisher.request("publish", json!({"data": [2]})).await;
    assert_reply!(reply, 200, Value::Null);
    a.assert_silent(Duration::from_millis(200)).await;
    b.assert_silent(Duration::from_millis(50)).await;
}

#[tokio::test]
async fn manifest_is_served_and_matches_the_routes() {
    let (demo, server) = demo().await;
    let manifest: chanrest::Manifest = serde_json::from_str(chanrest_demo::MANIFEST_JSON).unwrap();
    let app = demo.app();
    for (path, route) in app.routes() {
        let consumer = manifest
            .consumers
            .iter()
            .find(|c| c.path.as_deref() == Some(path.as_str()));
        match route {
            chanrest::RouteInfo::Consumer(name) => {
                assert_eq!(
                    consumer.map(|c| c.name.as_str()),
                    Some(name),
                    "{path} in the manifest"
                )
            }
            chanrest::RouteInfo::Multiplexer(streams) => {
                let mux = manifest
                    .multiplexers
                    .iter()
                    .find(|m| m.path == path)
                    .expect("multiplexer in manifest");
                let declared: Vec<(String, &str)> = mux
                    .streams
                    .iter()
                    .map(|s| (s.stream.clone(), s.consumer.as_str()))
                    .collect();
                assert_eq!(declared, streams);
            }
        }
    }
    // Served over HTTP as well.
    let addr = server.addr();
    let (status, _, body) = common::get(addr, "/manifest.json").await;
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    let served: chanrest::Manifest = serde_json::from_str(&body).unwrap();
    assert_eq!(served, manifest);
    let add = &manifest.consumers[0]
        .actions
        .iter()
        .find(|a| a.name == "add")
        .unwrap();
    assert_eq!(add.doc, "Adds two integers.");
    assert_eq!(
        manifest.definitions["AddArgs"]["properties"]["a"]["description"],
        "The first addend."
    );
    let slow = manifest.consumers[0]
        .actions
        .iter()
        .find(|a| a.name == "slow")
        .unwrap();
    assert!(slow.detached);
}
