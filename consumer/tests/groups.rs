//! Groups and subscriptions in process: a push caused while a message is handled comes after
//! that message's reply (DCRF takes group messages only between messages); a subscription
//! delivers once per subscribing `request_id`, carrying it; plain membership delivers with
//! `request_id: null`; leaving, unsubscribing and closing stop the pushes.

mod common;

use chanrest::{App, ChannelLayer, Ctx, InMemoryChannelLayer, NoArgs, Push};
use common::*;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

chanrest::consumer! {
    /// Groups and subscriptions.
    pub consumer Room: RoomHandler {
        /// Joins a group; answers the session's groups.
        action join(GroupArgs {
            /// The group.
            group: String,
        }) -> Vec<String>;
        /// Leaves a group; answers the session's groups.
        action leave(GroupArgs) -> Vec<String>;
        /// Subscribes this request id to a group.
        #[status = 201]
        #[pushes(message)]
        #[unsubscribe(unsubscribe)]
        action subscribe(GroupArgs) -> ();
        /// Removes this request id from one group.
        #[status = 204]
        action unsubscribe(GroupArgs) -> ();
        /// Removes this request id from every group.
        #[status = 204]
        action unsubscribe_all() -> ();
        /// Sends to a group from inside the handler.
        #[pushes(message)]
        action say(SayArgs {
            /// The group.
            group: String,
            /// What to send.
            text: String,
        }) -> ();
        /// Subscribes this request id to a group and sends to it in the same handler.
        #[status = 201]
        #[pushes(message)]
        action subscribe_and_say(SayArgs) -> ();
        /// A group message.
        push message(String);
    }
}

struct RoomApi;

impl RoomHandler for RoomApi {
    async fn join(&self, ctx: &Ctx, args: GroupArgs) -> chanrest::Result<Vec<String>> {
        ctx.add_group(&args.group).await?;
        Ok(ctx.groups())
    }
    async fn leave(&self, ctx: &Ctx, args: GroupArgs) -> chanrest::Result<Vec<String>> {
        ctx.remove_group(&args.group).await?;
        Ok(ctx.groups())
    }
    async fn subscribe(&self, ctx: &Ctx, args: GroupArgs) -> chanrest::Result<()> {
        ctx.subscribe(&args.group).await
    }
    async fn unsubscribe(&self, ctx: &Ctx, args: GroupArgs) -> chanrest::Result<()> {
        ctx.unsubscribe(&args.group).await
    }
    async fn unsubscribe_all(&self, ctx: &Ctx, _: NoArgs) -> chanrest::Result<()> {
        ctx.unsubscribe_all().await
    }
    async fn say(&self, ctx: &Ctx, args: SayArgs) -> chanrest::Result<()> {
        ctx.group_send(&args.group, Push::new("message", &args.text)?)
            .await
    }
    async fn subscribe_and_say(&self, ctx: &Ctx, args: SayArgs) -> chanrest::Result<()> {
        ctx.subscribe(&args.group).await?;
        ctx.group_send(&args.group, Push::new("message", &args.text)?)
            .await
    }
}

/// The app on an in-memory layer the test can look into and send to.
fn app() -> (App, Arc<InMemoryChannelLayer>) {
    let layer = Arc::new(InMemoryChannelLayer::new());
    let app = App::new()
        .consumer("/room/", Room(RoomApi))
        .channel_layer(layer.clone());
    (app, layer)
}

async fn publish(layer: &InMemoryChannelLayer, group: &str, data: Value) {
    layer
        .group_send(group, Push::new("message", &data).unwrap())
        .await
        .unwrap();
}

const QUIET: Duration = Duration::from_millis(100);

#[tokio::test]
async fn a_push_caused_while_handling_a_message_follows_its_reply() {
    let (app, _) = app();
    let mut conn = connect(&app, "/room/").await;
    assert_ok(
        &request_with_id(&mut conn, "subscribe", json!(7), json!({"group": "g"})).await,
        201,
        Value::Null,
    );
    assert_ok(
        &request(&mut conn, "join", json!({"group": "g"})).await,
        200,
        json!(["g"]),
    );
    // `say` pushes to its own group from inside its handler, under the subscription's id: a
    // client matching replies by request_id must see the reply first.
    conn.send_json(&message(
        "say",
        json!(7),
        json!({"group": "g", "text": "hi"}),
    ))
    .await;
    let frames = drain_json(&mut conn);
    assert_eq!(frames.len(), 3, "{frames:?}");
    assert_ok(&frames[0], 200, Value::Null);
    assert_eq!(
        (&frames[0]["action"], &frames[0]["request_id"]),
        (&json!("say"), &json!(7)),
        "the reply comes first: {frames:?}"
    );
    let mut pushes: Vec<(Value, Value)> = frames[1..]
        .iter()
        .map(|p| {
            (
                p["request_id"].clone(),
                assert_push(p, "message", p["request_id"].clone()),
            )
        })
        .collect();
    pushes.sort_by_key(|(id, _)| id.to_string());
    assert_eq!(
        pushes,
        [(json!(7), json!("hi")), (Value::Null, json!("hi"))]
    );

    // A subscription whose first push is caused by the subscribing message itself: 201 first.
    conn.send_json(&message(
        "subscribe_and_say",
        json!("s"),
        json!({"group": "h", "text": "first"}),
    ))
    .await;
    let frames = drain_json(&mut conn);
    assert_eq!(frames.len(), 2, "{frames:?}");
    assert_ok(&frames[0], 201, Value::Null);
    assert_eq!(frames[0]["request_id"], "s");
    assert_eq!(assert_push(&frames[1], "message", json!("s")), "first");
}

#[tokio::test]
async fn pushes_between_messages_are_not_held() {
    let (app, layer) = app();
    let mut conn = connect(&app, "/room/").await;
    request(&mut conn, "join", json!({"group": "g"})).await;
    publish(&layer, "g", json!(1)).await;
    // Queued at once: nothing is being handled.
    let frames = drain_json(&mut conn);
    assert_eq!(frames.len(), 1, "{frames:?}");
    assert_eq!(assert_push(&frames[0], "message", Value::Null), 1);
}

#[tokio::test]
async fn subscriptions_deliver_once_per_subscribing_request_id() {
    let (app, layer) = app();
    let mut a = connect(&app, "/room/").await;
    let mut b = connect(&app, "/room/").await;
    for id in [json!("s1"), json!(22), json!("s1")] {
        assert_ok(
            &request_with_id(&mut a, "subscribe", id, json!({"group": "g"})).await,
            201,
            Value::Null,
        );
    }
    // An id is echoed in pushes as the exact text it was sent as.
    b.send(r#"{"action": "subscribe", "request_id": {"k": [1, 2.50]}, "group": "g"}"#)
        .await;
    assert_ok(&next(&mut b).await, 201, Value::Null);
    // Without a request id there is nothing to push to: 400.
    for id in [None, Some(Value::Null)] {
        let mut msg = json!({"action": "subscribe", "group": "g"});
        if let Some(id) = id {
            msg["request_id"] = id;
        }
        assert_error(
            &send_recv(&mut a, &msg).await,
            400,
            json!(["request_id must have a value set"]),
        );
    }
    assert_eq!(layer.local().len("g"), 2, "one member per session");

    publish(&layer, "g", json!({"v": 1})).await;
    // Subscribing "s1" twice still delivers once for it.
    let mut ids: Vec<String> = Vec::new();
    for _ in 0..2 {
        let push = next(&mut a).await;
        assert_eq!(
            assert_push(&push, "message", push["request_id"].clone()),
            json!({"v": 1})
        );
        ids.push(push["request_id"].to_string());
    }
    ids.sort();
    assert_eq!(ids, ["\"s1\"", "22"]);
    assert_silent(&mut a, QUIET).await;
    assert_eq!(
        next_text(&mut b).await,
        r#"{"errors":[],"data":{"v":1},"action":"message","response_status":200,"request_id":{"k": [1, 2.50]}}"#
    );

    // Unsubscribing one id from the group stops its pushes only.
    assert_ok(
        &request_with_id(&mut a, "unsubscribe", json!("s1"), json!({"group": "g"})).await,
        204,
        Value::Null,
    );
    publish(&layer, "g", json!({"v": 2})).await;
    assert_eq!(
        assert_push(&next(&mut a).await, "message", json!(22)),
        json!({"v": 2})
    );
    assert_silent(&mut a, QUIET).await;
    assert_eq!(next(&mut b).await["data"], json!({"v": 2}));
    // Unknown ids are ignored.
    assert_ok(
        &request_with_id(&mut a, "unsubscribe_all", json!("never"), json!({})).await,
        204,
        Value::Null,
    );
    // The last id gone, the session leaves the layer's group.
    assert_ok(
        &request_with_id(&mut a, "unsubscribe_all", json!(22), json!({})).await,
        204,
        Value::Null,
    );
    assert_eq!(layer.local().len("g"), 1);
    publish(&layer, "g", json!({"v": 3})).await;
    assert_silent(&mut a, QUIET).await;
    assert_eq!(next(&mut b).await["data"], json!({"v": 3}));
}

#[tokio::test]
async fn plain_membership_pushes_with_request_id_null() {
    let (app, layer) = app();
    let mut a = connect(&app, "/room/").await;
    let mut b = connect(&app, "/room/").await;
    assert_ok(
        &request(&mut a, "join", json!({"group": "room"})).await,
        200,
        json!(["room"]),
    );
    assert_ok(
        &request(&mut b, "join", json!({"group": "room"})).await,
        200,
        json!(["room"]),
    );
    assert_ok(
        &request(&mut b, "join", json!({"group": "other"})).await,
        200,
        json!(["other", "room"]),
    );
    // Joining twice is one membership.
    assert_ok(
        &request(&mut b, "join", json!({"group": "other"})).await,
        200,
        json!(["other", "room"]),
    );
    assert_eq!(layer.local().len("room"), 2);

    request(&mut a, "say", json!({"group": "room", "text": "hi"})).await;
    assert_eq!(
        assert_push(&next(&mut a).await, "message", Value::Null),
        "hi"
    );
    assert_eq!(
        assert_push(&next(&mut b).await, "message", Value::Null),
        "hi"
    );
    // Sent from outside any consumer (a background job), it reaches the group too.
    publish(&layer, "room", json!("from a job")).await;
    assert_eq!(
        assert_push(&next(&mut a).await, "message", Value::Null),
        "from a job"
    );
    assert_eq!(
        assert_push(&next(&mut b).await, "message", Value::Null),
        "from a job"
    );
    assert_silent(&mut b, QUIET).await;

    // Leaving stops the pushes of that group only.
    assert_ok(
        &request(&mut b, "leave", json!({"group": "room"})).await,
        200,
        json!(["other"]),
    );
    request(&mut a, "say", json!({"group": "room", "text": "again"})).await;
    assert_eq!(next(&mut a).await["data"], "again");
    assert_silent(&mut b, QUIET).await;
    publish(&layer, "other", json!("other")).await;
    assert_eq!(next(&mut b).await["data"], "other");
}

#[tokio::test]
async fn membership_and_subscriptions_of_one_group_are_separate() {
    let (app, layer) = app();
    let mut conn = connect(&app, "/room/").await;
    request_with_id(&mut conn, "subscribe", json!("two"), json!({"group": "g"})).await;
    request(&mut conn, "join", json!({"group": "g"})).await;
    assert_eq!(layer.local().len("g"), 1, "one member per session");
    publish(&layer, "g", json!("both")).await;
    let mut ids =
        [next(&mut conn).await, next(&mut conn).await].map(|push| push["request_id"].to_string());
    ids.sort();
    assert_eq!(ids, ["\"two\"", "null"]);
    // Leaving keeps the subscription...
    assert_ok(
        &request(&mut conn, "leave", json!({"group": "g"})).await,
        200,
        json!(["g"]),
    );
    publish(&layer, "g", json!("one")).await;
    assert_eq!(
        assert_push(&next(&mut conn).await, "message", json!("two")),
        "one"
    );
    assert_silent(&mut conn, QUIET).await;
    // ...and unsubscribing keeps the membership.
    request(&mut conn, "join", json!({"group": "g"})).await;
    request_with_id(
        &mut conn,
        "unsubscribe",
        json!("two"),
        json!({"group": "g"}),
    )
    .await;
    publish(&layer, "g", json!("plain")).await;
    assert_eq!(
        assert_push(&next(&mut conn).await, "message", Value::Null),
        "plain"
    );
    assert_silent(&mut conn, QUIET).await;
}

#[tokio::test]
async fn closing_a_connection_leaves_its_groups() {
    let (app, layer) = app();
    let metrics = app.metrics();
    let mut a = connect(&app, "/room/").await;
    let mut b = connect(&app, "/room/").await;
    request(&mut a, "join", json!({"group": "room"})).await;
    request_with_id(&mut a, "subscribe", json!(1), json!({"group": "feed"})).await;
    request(&mut b, "join", json!({"group": "room"})).await;
    assert_eq!(layer.local().len("room"), 2);
    assert_eq!(metrics.memberships(), 3);
    a.close().await;
    assert_eq!(layer.local().len("room"), 1);
    assert_eq!(layer.local().len("feed"), 0);
    assert_eq!(metrics.memberships(), 1);
    b.close().await;
    assert_eq!(layer.local().group_count(), 0);
    assert_eq!(metrics.memberships(), 0);
}

#[tokio::test]
async fn subscriptions_to_one_group_count_against_the_cap_and_leaving_frees_room() {
    let mut limits = chanrest::Limits::default();
    limits.max_groups_per_consumer = 5;
    let (app, layer) = app();
    let app = app.limits(limits);
    let mut conn = connect(&app, "/room/").await;
    // One plain membership and four request ids on one group: five, the cap.
    assert_ok(
        &request(&mut conn, "join", json!({"group": "g"})).await,
        200,
        json!(["g"]),
    );
    for id in 1..=4 {
        let reply = request_with_id(&mut conn, "subscribe", json!(id), json!({"group": "g"})).await;
        assert_ok(&reply, 201, Value::Null);
    }
    // A fifth request id on the same group is one too many, as another group would be.
    for (id, group) in [(5, "g"), (6, "h")] {
        let reply =
            request_with_id(&mut conn, "subscribe", json!(id), json!({"group": group})).await;
        assert_error(
            &reply,
            429,
            json!(["Too many groups and subscriptions on this connection (at most 5)."]),
        );
    }
    // Subscribing an id again costs nothing; it is already counted.
    let reply = request_with_id(&mut conn, "subscribe", json!(4), json!({"group": "g"})).await;
    assert_ok(&reply, 201, Value::Null);
    // The refused ids receive nothing.
    publish(&layer, "g", json!("one")).await;
    let mut ids: Vec<Value> = drain_json(&mut conn)
        .iter()
        .map(|p| p["request_id"].clone())
        .collect();
    ids.sort_by_key(|id| id.as_i64().unwrap_or(0));
    assert_eq!(ids, [Value::Null, json!(1), json!(2), json!(3), json!(4)]);
    // Unsubscribing one id frees room for another.
    let reply = request_with_id(&mut conn, "unsubscribe", json!(2), json!({"group": "g"})).await;
    assert_ok(&reply, 204, Value::Null);
    let reply = request_with_id(&mut conn, "subscribe", json!(6), json!({"group": "h"})).await;
    assert_ok(&reply, 201, Value::Null);
}

/// The in-memory layer, counting the members it is handed; refuses the first `failing` adds.
#[derive(Default)]
struct CountingLayer {
    inner: InMemoryChannelLayer,
    adds: std::sync::atomic::AtomicUsize,
    failing: std::sync::atomic::AtomicUsize,
}

#[chanrest::async_trait]
impl ChannelLayer for CountingLayer {
    async fn group_add(
        &self,
        group: &str,
        member: Arc<dyn chanrest::GroupMember>,
    ) -> Result<(), chanrest::LayerError> {
        self.adds.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let failing = &self.failing;
        let refuse = failing
            .fetch_update(
                std::sync::atomic::Ordering::SeqCst,
                std::sync::atomic::Ordering::SeqCst,
                |n| n.checked_sub(1),
            )
            .is_ok();
        if refuse {
            return Err(chanrest::LayerError("backend away".into()));
        }
        self.inner.group_add(group, member).await
    }
    async fn group_discard(&self, group: &str, member_id: u64) -> Result<(), chanrest::LayerError> {
        self.inner.group_discard(group, member_id).await
    }
    async fn group_send(&self, group: &str, push: Push) -> Result<(), chanrest::LayerError> {
        self.inner.group_send(group, push).await
    }
}

#[tokio::test]
async fn a_subscribe_changes_the_membership_in_place_instead_of_rebuilding_it() {
    // Before, each subscribe copied every request id the session held on the group into a new
    // membership and handed that to the layer: n subscribes did O(n²) work (30,000 took 11 s
    // of CPU). Now the membership the layer holds changes in place: the layer is handed one
    // member, once, however many ids subscribe.
    const IDS: i64 = 2_000;
    let layer = Arc::new(CountingLayer::default());
    let mut limits = chanrest::Limits::default();
    limits.max_groups_per_consumer = 10_000;
    let app = App::new()
        .consumer("/room/", Room(RoomApi))
        .channel_layer(layer.clone())
        .limits(limits);
    let mut conn = connect(&app, "/room/").await;
    for id in 0..IDS {
        let reply = request_with_id(&mut conn, "subscribe", json!(id), json!({"group": "g"})).await;
        assert_ok(&reply, 201, Value::Null);
    }
    assert_eq!(layer.adds.load(std::sync::atomic::Ordering::SeqCst), 1);
    // Every id gets the push, in the order the ids subscribed.
    layer
        .group_send("g", Push::new("message", &"one").unwrap())
        .await
        .unwrap();
    let ids: Vec<Value> = drain_json(&mut conn)
        .iter()
        .map(|p| p["request_id"].clone())
        .collect();
    assert_eq!(ids, (0..IDS).map(|id| json!(id)).collect::<Vec<_>>());
    // Ending subscriptions and joining plainly change it in place too; the last one out leaves.
    for id in [0, 7] {
        let reply =
            request_with_id(&mut conn, "unsubscribe", json!(id), json!({"group": "g"})).await;
        assert_ok(&reply, 204, Value::Null);
    }
    assert_ok(
        &request(&mut conn, "join", json!({"group": "g"})).await,
        200,
        json!(["g"]),
    );
    assert_eq!(layer.adds.load(std::sync::atomic::Ordering::SeqCst), 1);
    layer
        .group_send("g", Push::new("message", &"two").unwrap())
        .await
        .unwrap();
    assert_eq!(drain_json(&mut conn).len() as i64, IDS - 2 + 1);
    for id in 0..IDS {
        let reply =
            request_with_id(&mut conn, "unsubscribe", json!(id), json!({"group": "g"})).await;
        assert_ok(&reply, 204, Value::Null);
    }
    assert_ok(
        &request(&mut conn, "leave", json!({"group": "g"})).await,
        200,
        json!([]),
    );
    assert_eq!(layer.inner.local().group_count(), 0);
}

#[tokio::test]
async fn a_join_the_layer_refused_is_undone_so_the_next_one_reaches_the_layer() {
    let layer = Arc::new(CountingLayer::default());
    layer.failing.store(1, std::sync::atomic::Ordering::SeqCst);
    let app = App::new()
        .consumer("/room/", Room(RoomApi))
        .channel_layer(layer.clone());
    let mut conn = connect(&app, "/room/").await;
    let reply = request_with_id(&mut conn, "subscribe", json!(1), json!({"group": "g"})).await;
    assert_eq!(reply["response_status"], 500, "{reply}");
    // Had the refused membership stayed in the session, this subscribe would change it in
    // place, the layer would never be asked again, and no push would arrive.
    let reply = request_with_id(&mut conn, "subscribe", json!(2), json!({"group": "g"})).await;
    assert_ok(&reply, 201, Value::Null);
    assert_eq!(layer.adds.load(std::sync::atomic::Ordering::SeqCst), 2);
    publish(&layer.inner, "g", json!("one")).await;
    let ids: Vec<Value> = drain_json(&mut conn)
        .iter()
        .map(|p| p["request_id"].clone())
        .collect();
    assert_eq!(ids, [json!(2)]);
}
