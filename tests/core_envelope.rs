//! DCRF's envelope, statuses and error strings, and bad input, on the demo's `/ws/plain/` and
//! `/ws/bench/` over real sockets.

mod common;

use chanrest::testkit::{TestClient, TestServer};
use chanrest::{assert_error, assert_push, assert_reply};
use common::demo;
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

async fn plain(server: &TestServer) -> TestClient {
    server.connect("/ws/plain/").await
}

/// Reads the next frame as raw text.
async fn next_text(client: &mut TestClient) -> String {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), client.socket().next())
            .await
            .expect("a frame in time")
            .expect("open")
            .expect("readable");
        if let Message::Text(text) = message {
            return text.to_string();
        }
    }
}

#[tokio::test]
async fn reply_has_dcrf_keys_in_dcrf_order() {
    let (_demo, server) = demo().await;
    let mut client = plain(&server).await;
    client
        .send_text(r#"{"action": "add", "request_id": 1, "a": 2, "b": 3}"#)
        .await;
    assert_eq!(
        next_text(&mut client).await,
        r#"{"errors":[],"data":5,"action":"add","response_status":200,"request_id":1}"#
    );
}

#[tokio::test]
async fn request_id_is_echoed_verbatim_whatever_its_type() {
    let (_demo, server) = demo().await;
    let mut client = plain(&server).await;
    let ids = [
        "7",
        "-3",
        "\"a string\"",
        "{\"nested\": [1, {\"x\": null}]}",
        "[1, \"two\"]",
        "null",
        "true",
        "9007199254740993",
        "123456789012345678901234567890",
        "1.5e300",
    ];
    for id in ids {
        client
            .send_text(&format!(
                r#"{{"action": "add", "a": 1, "b": 1, "request_id": {id}}}"#
            ))
            .await;
        let text = next_text(&mut client).await;
        assert!(
            text.ends_with(&format!(r#","request_id":{id}}}"#)),
            "id {id} not echoed verbatim: {text}"
        );
        let reply: Value = serde_json::from_str(&text).unwrap();
        assert_reply!(reply, 200, json!(2));
    }
    // No request_id at all: null.
    client
        .send_text(r#"{"action": "add", "a": 1, "b": 1}"#)
        .await;
    let reply = client.recv_json().await;
    assert_eq!(reply["request_id"], Value::Null);
    assert_reply!(reply, 200, json!(2));
}

#[tokio::test]
async fn echo_returns_every_argument_and_ignores_nothing() {
    let (_demo, server) = demo().await;
    let mut client = plain(&server).await;
    let args = json!({"data": {}, "n": 1, "list": [1, 2], "nested": {"k": "v"}});
    let reply = client.request("echo", args.clone()).await;
    assert_reply!(reply, 200, args);
    assert_eq!(reply["action"], "echo");
    let reply = client.request("echo", json!({})).await;
    assert_reply!(reply, 200, json!({}));
}

#[tokio::test]
async fn dcrf_error_strings() {
    let (_demo, server) = demo().await;
    let mut client = plain(&server).await;

    client.send_json(&json!({"request_id": 1, "a": 1})).await;
    let reply = client.recv_json().await;
    assert_error!(
        reply,
        405,
        json!(["Unable to find action in message body."])
    );
    assert_eq!(reply["action"], Value::Null);
    assert_eq!(reply["request_id"], 1);

    let reply = client.request("nope", json!({})).await;
    assert_error!(reply, 405, json!(["Method \"nope\" not allowed."]));
    assert_eq!(reply["action"], "nope");

    let reply = client.request("forbidden", json!({})).await;
    assert_error!(
        reply,
        403,
        json!(["You do not have permission to perform this action."])
    );
    assert_eq!(reply["action"], "forbidden");

    let reply = client.request("add", json!({"a": 1})).await;
    assert_error!(reply, 400, json!([{"b": ["This field is required."]}]));
    let reply = client.request("add", json!({"a": "one", "b": null})).await;
    assert_error!(
        reply,
        400,
        json!([{"a": ["A valid integer is required."], "b": ["This field may not be null."]}])
    );
    let reply = client.request("add", json!({"a": 1.5, "b": 1})).await;
    assert_error!(reply, 400, json!([{"a": ["A valid integer is required."]}]));
    let reply = client.request("add", json!({"a": i64::MAX, "b": 1})).await;
    assert_error!(
        reply,
        400,
        json!([{"b": ["The sum does not fit in a 64-bit integer."]}])
    );

    let reply = client.request("fail", json!({})).await;
    assert_error!(reply, 500, json!(["A server error occurred."]));
    assert_eq!(reply["action"], "fail");

    // The connection is still serving.
    let reply = client.request("add", json!({"a": 40, "b": 2})).await;
    assert_reply!(reply, 200, json!(42));
}

#[tokio::test]
async fn bad_frames_get_400_replies_and_the_connection_stays() {
    let (_demo, server) = demo().await;
    let mut client = plain(&server).await;
    let cases: Vec<(Message, Value)> = vec![
        (Message::text("not json"), json!("Invalid JSON")),
        (Message::text("{\"action\": \"add\""), json!("Invalid JSON")),
        (Message::text("{} trailing"), json!("Invalid JSON")),
        (
            Message::text("[1, 2, 3]"),
            json!("Message must be a JSON object."),
        ),
        (
            Message::text("\"add\""),
            json!("Message must be a JSON object."),
        ),
        (Message::text("42"), json!("Message must be a JSON object.")),
        (
            Message::text("null"),
            json!("Message must be a JSON object."),
        ),
        (
            Message::text(""),
            json!("No text section for incoming WebSocket frame!"),
        ),
        (
            Message::binary(b"{\"action\": \"add\"}".to_vec()),
            json!("No text section for incoming WebSocket frame!"),
        ),
        (
            Message::text(format!("{}{}", "[".repeat(5000), "]".repeat(5000))),
            json!("Message must be a JSON object."),
        ),
        (
            Message::text(format!(
                "{{\"a\": {}{}}}",
                "[".repeat(5000),
                "]".repeat(5000)
            )),
            json!("Invalid JSON"),
        ),
    ];
    for (frame, expected) in cases {
        client.send_message(frame.clone()).await;
        let reply = client.recv_json().await;
        assert_reply!(reply, 400);
        let error = reply["errors"][0].as_str().expect("a string error");
        assert!(
            error.starts_with(expected.as_str().unwrap()),
            "{frame:?} → {reply}"
        );
        assert_eq!(reply["data"], Value::Null);
        assert_eq!(reply["action"], Value::Null);
    }
    for action in [
        json!(5),
        json!(null),
        json!(["add"]),
        json!({"name": "add"}),
    ] {
        client
            .send_json(&json!({"action": action, "request_id": "r"}))
            .await;
        let reply = client.recv_json().await;
        assert_error!(reply, 400, json!(["Action must be a string."]));
        assert_eq!(reply["request_id"], "r");
    }
    let reply = client.request("add", json!({"a": 1, "b": 2})).await;
    assert_reply!(reply, 200, json!(3));
}

#[tokio::test]
async fn detached_action_runs_beside_later_messages() {
    let (_demo, server) = demo().await;
    let mut client = plain(&server).await;
    client.send("slow", json!("s"), json!({"delay": 0.3})).await;
    client
        .send("add", json!("a"), json!({"a": 1, "b": 1}))
        .await;
    let first = client.recv_json().await;
    assert_eq!(
        first["request_id"], "a",
        "the inline action answers first: {first}"
    );
    assert_reply!(first, 200, json!(2));
    let second = client.recv_json().await;
    assert_eq!(second["request_id"], "s");
    assert_eq!(second["action"], "slow");
    assert_reply!(second, 200, json!({"slept": 0.3}));

    let reply = client.request("slow", json!({"delay": -1})).await;
    assert_error!(
        reply,
        400,
        json!([{"delay": ["Ensure this value is greater than or equal to 0."]}])
    );
    let reply = client.request("slow", json!({"delay": "soon"})).await;
    assert_error!(
        reply,
        400,
        json!([{"delay": ["A valid number is required."]}])
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
async fn bench_feed_pushes_each_publish_to_every_subscribing_request_id() {
    let (_demo, server) = demo().await;
    let mut a = server.connect("/ws/bench/").await;
    let mut b = server.connect("/ws/bench/").await;
    let mut publisher = server.connect("/ws/bench/").await;
    for id in [json!(1), json!("two")] {
        let reply = a.request_with_id("subscribe", id, json!({})).await;
        assert_reply!(reply, 200, Value::Null);
    }
    let reply = b.request_with_id("subscribe", json!(7), json!({})).await;
    assert_reply!(reply, 200, Value::Null);

    let reply = publisher
        .request("publish", json!({"data": {"n": 1}}))
        .await;
    assert_reply!(reply, 200, Value::Null);
    for id in [json!(1), json!("two")] {
        let push = assert_push!(a, "message", id);
        assert_eq!(push["data"], json!({"n": 1}));
        assert_eq!(push["response_status"], 200);
    }
    assert_eq!(assert_push!(b, "message", 7)["data"], json!({"n": 1}));

    let reply = a.request_with_id("unsubscribe", json!(1), json!({})).await;
    assert_reply!(reply, 204, Value::Null);
    let reply = publisher.request("publish", json!({"data": [2]})).await;
    assert_reply!(reply, 200, Value::Null);
    assert_eq!(assert_push!(a, "message", "two")["data"], json!([2]));
    assert_eq!(assert_push!(b, "message", 7)["data"], json!([2]));
    a.assert_silent(Duration::from_millis(200)).await;
    publisher.assert_silent(Duration::from_millis(50)).await;

    let reply = publisher
        .request_with_id("subscribe", Value::Null, json!({}))
        .await;
    assert_error!(reply, 400, json!(["request_id must have a value set"]));

    // A plain member gets each publish once more, with request_id null, beside its
    // subscription.
    assert_reply!(a.request("join", json!({})).await, 200, Value::Null);
    let reply = publisher.request("publish", json!({"data": "both"})).await;
    assert_reply!(reply, 200, Value::Null);
    assert_eq!(assert_push!(a, "message", "two")["data"], "both");
    assert_eq!(assert_push!(a, "message", Value::Null)["data"], "both");
    assert_reply!(a.request("leave", json!({})).await, 204, Value::Null);
    let reply = publisher.request("publish", json!({"data": "one"})).await;
    assert_reply!(reply, 200, Value::Null);
    assert_eq!(assert_push!(a, "message", "two")["data"], "one");
    a.assert_silent(Duration::from_millis(200)).await;
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
