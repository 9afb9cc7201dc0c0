//! The chat example (`examples/chat.rs`) as a typed client uses it: `join` declares a
//! subscription (`#[pushes(message)]` + `#[unsubscribe(leave)]`), so what is said in the
//! room must reach the joining request's `request_id` (that is what the generated
//! subscription listens to), and stop once `leave` is sent with that id.

#[path = "../examples/chat.rs"]
#[allow(dead_code, unreachable_pub)]
mod chat;

use chanrest::{LocalConnection, Scope};
use serde_json::{json, Value};
use std::time::Duration;

async fn connect(app: &chanrest::App) -> LocalConnection {
    app.connect_local("/ws/chat/", Scope::default())
        .await
        .unwrap()
}

/// The next `count` frames, replies first then pushes, each group in arrival order.
async fn next(conn: &mut LocalConnection, count: usize) -> (Vec<Value>, Vec<Value>) {
    let mut frames = Vec::new();
    for _ in 0..count {
        frames.push(conn.recv_json().await.expect("a frame in time"));
    }
    frames.into_iter().partition(|f| f["action"] != "message")
}

#[tokio::test]
async fn a_room_reaches_the_subscription_of_each_join_until_leave() {
    let app = chat::app();
    let mut ada = connect(&app).await;
    let mut bob = connect(&app).await;

    ada.send_json(
        &json!({"action": "join", "request_id": "ada-lobby", "room": "lobby", "name": "ada"}),
    )
    .await;
    let (replies, pushes) = next(&mut ada, 2).await;
    assert_eq!(replies[0]["request_id"], "ada-lobby");
    assert_eq!(replies[0]["data"], json!(["chat.lobby"]));
    assert_eq!(pushes[0]["request_id"], "ada-lobby", "{pushes:?}");
    assert_eq!(pushes[0]["data"]["text"], "ada joined");

    bob.send_json(&json!({"action": "join", "request_id": 7, "room": "lobby", "name": "bob"}))
        .await;
    let (_, pushes) = next(&mut bob, 2).await;
    assert_eq!(pushes[0]["request_id"], 7);
    let (_, pushes) = next(&mut ada, 1).await;
    assert_eq!(
        (&pushes[0]["request_id"], &pushes[0]["data"]["text"]),
        (&json!("ada-lobby"), &json!("bob joined"))
    );

    // What bob says reaches both subscriptions, each with its own join's id.
    bob.send_json(&json!({"action": "say", "request_id": 8, "room": "lobby", "text": "hi"}))
        .await;
    let (replies, pushes) = next(&mut bob, 2).await;
    assert_eq!(
        (
            &replies[0]["request_id"],
            replies[0]["response_status"].as_u64()
        ),
        (&json!(8), Some(200))
    );
    assert_eq!(
        (&pushes[0]["request_id"], &pushes[0]["data"]["text"]),
        (&json!(7), &json!("hi"))
    );
    let (_, pushes) = next(&mut ada, 1).await;
    assert_eq!(
        pushes[0],
        json!({
            "errors": [],
            "data": {"room": "lobby", "name": "anonymous", "text": "hi"},
            "action": "message",
            "response_status": 200,
            "request_id": "ada-lobby",
        })
    );

    // `leave` with the join's id (and arguments), as a generated client sends it: ada's
    // subscription ends, bob's goes on.
    ada.send_json(
        &json!({"action": "leave", "request_id": "ada-lobby", "room": "lobby", "name": "ada"}),
    )
    .await;
    let (replies, _) = next(&mut ada, 1).await;
    assert_eq!(replies[0]["data"], json!([]));
    bob.send_json(&json!({"action": "say", "request_id": 9, "room": "lobby", "text": "bye"}))
        .await;
    let (_, pushes) = next(&mut bob, 2).await;
    assert_eq!(pushes[0]["data"]["text"], "bye");
    ada.set_timeout(Duration::from_millis(200));
    assert_eq!(ada.recv().await, None, "nothing after leave");

    // Only a room you are in.
    ada.send_json(&json!({"action": "say", "request_id": 10, "room": "lobby", "text": "?"}))
        .await;
    let reply = ada.recv_json().await.unwrap();
    assert_eq!(reply["response_status"], 400);
    assert_eq!(reply["errors"], json!([{"room": ["Join the room first."]}]));
}
