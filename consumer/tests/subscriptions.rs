//! A subscription delivers what its handler sends, whichever call the handler makes: in an
//! action that declares `#[pushes(...)]` + `#[unsubscribe(...)]`, `add_group` subscribes the
//! request id (as `subscribe` does) and `push` carries it; `remove_group` there or in the
//! action named by `#[unsubscribe]` ends it. An action with `#[pushes]` alone stays a plain
//! group join (`request_id: null`).

use chanrest::{App, Ctx, LocalConnection, Push, Scope};
use serde_json::{json, Value};
use std::time::Duration;

chanrest::consumer! {
    /// Topics joined with each of the calls a handler might use.
    pub consumer Feed: FeedHandler {
        /// Follows `topic` with `ctx.add_group`, in a subscription.
        #[pushes(item)]
        #[unsubscribe(stop)]
        action follow(Topic {
            /// The topic.
            topic: String,
        }) -> bool;
        /// Ends `follow` with `ctx.remove_group`.
        #[status = 204]
        action stop(Topic) -> ();
        /// A subscription that pushes to this socket with `ctx.push`, from a detached task.
        #[detached]
        #[pushes(item)]
        #[unsubscribe(stop)]
        action hello() -> ();
        /// Joins `topic` as a plain member: `#[pushes]` without `#[unsubscribe]`.
        #[pushes(item)]
        action listen(Topic) -> bool;
        /// Leaves a plain membership.
        action quiet(Topic) -> ();
        /// Sends `text` to `topic`.
        action publish(Post {
            /// The topic.
            topic: String,
            /// What to send.
            text: String,
        }) -> ();
        /// Something sent to a topic.
        push item(String);
    }
}

struct FeedApi;

impl FeedHandler for FeedApi {
    async fn follow(&self, ctx: &Ctx, args: Topic) -> chanrest::Result<bool> {
        ctx.add_group(&args.topic).await?;
        Ok(ctx.is_subscription())
    }
    async fn stop(&self, ctx: &Ctx, args: Topic) -> chanrest::Result<()> {
        ctx.remove_group(&args.topic).await
    }
    async fn hello(&self, ctx: &Ctx, _args: chanrest::NoArgs) -> chanrest::Result<()> {
        tokio::task::yield_now().await;
        ctx.push(&Push::new("item", "hello")?);
        Ok(())
    }
    async fn listen(&self, ctx: &Ctx, args: Topic) -> chanrest::Result<bool> {
        ctx.add_group(&args.topic).await?;
        Ok(ctx.is_subscription())
    }
    async fn quiet(&self, ctx: &Ctx, args: Topic) -> chanrest::Result<()> {
        ctx.remove_group(&args.topic).await
    }
    async fn publish(&self, ctx: &Ctx, args: Post) -> chanrest::Result<()> {
        ctx.group_send(&args.topic, Push::new("item", &args.text)?)
            .await
    }
}

async fn connect(app: &App) -> LocalConnection {
    let mut conn = app.connect_local("/feed/", Scope::default()).await.unwrap();
    conn.set_timeout(Duration::from_secs(2));
    conn
}

async fn request(conn: &mut LocalConnection, message: Value) -> Value {
    conn.send_json(&message).await;
    let reply = conn.recv_json().await.expect("a reply");
    assert_eq!(reply["action"], message["action"], "{reply}");
    reply
}

/// Publishes `text` to `topic` from another connection; returns the pushes `conn` gets.
async fn publish(app: &App, conn: &mut LocalConnection, topic: &str, count: usize) -> Vec<Value> {
    let mut publisher = connect(app).await;
    let text = format!("to {topic}");
    let reply = request(
        &mut publisher,
        json!({"action": "publish", "request_id": 0, "topic": topic, "text": text}),
    )
    .await;
    assert_eq!(reply["response_status"], 200);
    let mut pushes = Vec::new();
    for _ in 0..count {
        let push = conn.recv_json().await.expect("a push");
        assert_eq!(
            (&push["action"], &push["data"]),
            (&json!("item"), &json!(text))
        );
        pushes.push(push["request_id"].clone());
    }
    conn.set_timeout(Duration::from_millis(100));
    assert_eq!(conn.recv().await, None, "no more pushes");
    conn.set_timeout(Duration::from_secs(2));
    pushes
}

#[tokio::test]
async fn add_group_in_a_subscription_subscribes_the_request_id() {
    let app = App::new().consumer("/feed/", Feed(FeedApi));
    let mut conn = connect(&app).await;

    let reply = request(
        &mut conn,
        json!({"action": "follow", "request_id": "f1", "topic": "news"}),
    )
    .await;
    assert_eq!(
        reply["data"], true,
        "the handler knows it serves a subscription"
    );
    assert_eq!(publish(&app, &mut conn, "news", 1).await, [json!("f1")]);

    // A second subscription of the same topic: each push once per subscribing id.
    request(
        &mut conn,
        json!({"action": "follow", "request_id": "f2", "topic": "news"}),
    )
    .await;
    let mut ids = publish(&app, &mut conn, "news", 2).await;
    ids.sort_by_key(|id| id.to_string());
    assert_eq!(ids, [json!("f1"), json!("f2")]);

    // `stop`, named by `#[unsubscribe]`, sent with f1's id: `remove_group` ends f1 only.
    let reply = request(
        &mut conn,
        json!({"action": "stop", "request_id": "f1", "topic": "news"}),
    )
    .await;
    assert_eq!(reply["response_status"], 204);
    assert_eq!(publish(&app, &mut conn, "news", 1).await, [json!("f2")]);
    request(
        &mut conn,
        json!({"action": "stop", "request_id": "f2", "topic": "news"}),
    )
    .await;
    publish(&app, &mut conn, "news", 0).await;
}

#[tokio::test]
async fn pushes_without_unsubscribe_stay_a_plain_join() {
    let app = App::new().consumer("/feed/", Feed(FeedApi));
    let mut conn = connect(&app).await;

    let reply = request(
        &mut conn,
        json!({"action": "listen", "request_id": 1, "topic": "news"}),
    )
    .await;
    assert_eq!(reply["data"], false);
    assert_eq!(publish(&app, &mut conn, "news", 1).await, [Value::Null]);

    // A subscription beside the plain membership: the push comes once for each.
    request(
        &mut conn,
        json!({"action": "follow", "request_id": 2, "topic": "news"}),
    )
    .await;
    let mut ids = publish(&app, &mut conn, "news", 2).await;
    ids.sort_by_key(|id| id.to_string());
    assert_eq!(ids, [json!(2), Value::Null]);

    // `quiet` (no subscription of its own) leaves the plain membership only; `stop` sent
    // with another id than the subscription's leaves that subscription alone.
    request(
        &mut conn,
        json!({"action": "quiet", "request_id": 3, "topic": "news"}),
    )
    .await;
    request(
        &mut conn,
        json!({"action": "stop", "request_id": 4, "topic": "news"}),
    )
    .await;
    assert_eq!(publish(&app, &mut conn, "news", 1).await, [json!(2)]);
}

#[tokio::test]
async fn a_subscription_without_request_id_is_a_plain_join() {
    let app = App::new().consumer("/feed/", Feed(FeedApi));
    let mut conn = connect(&app).await;
    // Its pushes carry its request's id, which is null: exactly a plain member's pushes.
    let reply = request(&mut conn, json!({"action": "follow", "topic": "news"})).await;
    assert_eq!(reply["response_status"], 200);
    assert_eq!(publish(&app, &mut conn, "news", 1).await, [Value::Null]);
}

#[tokio::test]
async fn push_in_a_detached_subscription_carries_its_request_id() {
    let app = App::new().consumer("/feed/", Feed(FeedApi));
    let mut conn = connect(&app).await;
    conn.send_json(&json!({"action": "hello", "request_id": "h"}))
        .await;
    let mut frames = [
        conn.recv_json().await.unwrap(),
        conn.recv_json().await.unwrap(),
    ];
    frames.sort_by_key(|f| f["action"].to_string());
    assert_eq!(
        (&frames[0]["action"], &frames[0]["request_id"]),
        (&json!("hello"), &json!("h"))
    );
    assert_eq!(
        (
            &frames[1]["action"],
            &frames[1]["data"],
            &frames[1]["request_id"]
        ),
        (&json!("item"), &json!("hello"), &json!("h"))
    );
}
