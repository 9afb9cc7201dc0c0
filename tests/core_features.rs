//! Permissions, authentication, hooks, groups, detached tasks, the multiplexer and resource
//! limits, each through a real socket against small consumers declared here.

mod common;

use chanrest::testkit::{ConnectError, TestClient, TestServer};
use chanrest::{
    assert_error, assert_push, assert_reply, async_trait, close_code, ActionError, App,
    ChannelLayer, Ctx, InMemoryChannelLayer, IsAuthenticated, Limits, Multiplexer, NoArgs,
    Permission, PermissionExt, Permissions, Push, RequireAuthenticatedConnect, Scope, TokenAuth,
    User,
};
use common::eventually;
use serde_json::{json, Map, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

chanrest::consumer! {
    /// A consumer with a bit of everything, for these tests.
    pub consumer Kit: KitHandler {
        /// Who is connected.
        action whoami() -> Option<String>;
        /// Fails with 404.
        action missing() -> ();
        /// Panics inside the handler.
        action explode() -> ();
        /// Joins a group.
        action join(GroupArgs { group: String }) -> Vec<String>;
        /// Leaves a group.
        action leave(GroupArgs) -> Vec<String>;
        /// Subscribes this request id to a group.
        #[status = 201]
        action subscribe(GroupArgs) -> ();
        /// Removes this request id from every group.
        #[status = 204]
        action unsubscribe() -> ();
        /// Sends to a group.
        #[pushes(message)]
        action say(SayArgs { group: String, text: String }) -> ();
        /// Sleeps until cancelled.
        #[detached]
        action hang() -> ();
        /// Queues many large pushes to this socket.
        action flood(FloodArgs { count: usize, size: usize }) -> usize;
        /// Takes `ms` milliseconds to answer (not detached).
        action slow(SlowArgs { ms: u64 }) -> ();
        /// A group message.
        push message(String);
    }
}

#[derive(Default)]
struct KitState {
    connects: AtomicUsize,
    disconnects: AtomicUsize,
    hang_dropped: AtomicUsize,
    /// Groups joined in `on_disconnect`.
    late_joins: AtomicUsize,
}

struct KitApi {
    state: Arc<KitState>,
    permissions: Permissions,
}

/// Increments a counter when a cancelled task drops it.
struct DropCounter(Arc<KitState>);

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.hang_dropped.fetch_add(1, Ordering::SeqCst);
    }
}

#[async_trait]
impl KitHandler for KitApi {
    async fn whoami(&self, ctx: &Ctx, _: NoArgs) -> chanrest::Result<Option<String>> {
        Ok(ctx.user().map(|u| u.username.clone()))
    }
    async fn missing(&self, _: &Ctx, _: NoArgs) -> chanrest::Result<()> {
        Err(ActionError::NotFound)
    }
    async fn explode(&self, _: &Ctx, _: NoArgs) -> chanrest::Result<()> {
        panic!("boom")
    }
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
    async fn unsubscribe(&self, ctx: &Ctx, _: NoArgs) -> chanrest::Result<()> {
        ctx.unsubscribe_all().await
    }
    async fn say(&self, ctx: &Ctx, args: SayArgs) -> chanrest::Result<()> {
        ctx.group_send(&args.group, Push::new("message", &args.text)?)
            .await
    }
    async fn hang(&self, _: &Ctx, _: NoArgs) -> chanrest::Result<()> {
        let _guard = DropCounter(self.state.clone());
        std::future::pending::<()>().await;
        Ok(())
    }
    async fn flood(&self, ctx: &Ctx, args: FloodArgs) -> chanrest::Result<usize> {
        let push = Push::new("blob", &"x".repeat(args.size))?;
        let mut sent = 0;
        for _ in 0..args.count {
            if ctx.is_closing() {
                break;
            }
            ctx.push(&push);
            sent += 1;
            tokio::task::yield_now().await;
        }
        Ok(sent)
    }
    async fn slow(&self, _: &Ctx, args: SlowArgs) -> chanrest::Result<()> {
        tokio::time::sleep(Duration::from_millis(args.ms)).await;
        Ok(())
    }
    fn permissions(&self) -> Permissions {
        self.permissions.clone()
    }
    async fn on_connect(&self, ctx: &Ctx) -> chanrest::Result<()> {
        self.state.connects.fetch_add(1, Ordering::SeqCst);
        if ctx.scope().query_param("refuse").is_some() {
            return Err(ActionError::PermissionDenied);
        }
        if ctx.scope().query_param("hang").is_some() {
            std::future::pending::<()>().await;
        }
        Ok(())
    }
    async fn on_disconnect(&self, ctx: &Ctx) {
        self.state.disconnects.fetch_add(1, Ordering::SeqCst);
        if ctx.scope().query_param("join-on-disconnect").is_some()
            && ctx.add_group("late").await.is_ok()
        {
            self.state.late_joins.fetch_add(1, Ordering::SeqCst);
        }
        if ctx.scope().query_param("hang-on-disconnect").is_some() {
            std::future::pending::<()>().await;
        }
    }
}

fn kit(state: &Arc<KitState>, permissions: Permissions) -> Kit<KitApi> {
    Kit(KitApi {
        state: state.clone(),
        permissions,
    })
}

struct DenyAll;

#[async_trait]
impl Permission for DenyAll {
    async fn has_permission(&self, _: &Scope, _: &str, _: &Map<String, Value>) -> bool {
        false
    }
}

struct RefuseConnect;

#[async_trait]
impl Permission for RefuseConnect {
    async fn can_connect(&self, scope: &Scope) -> bool {
        scope.query_param("let-me-in").is_some()
    }
    async fn has_permission(&self, _: &Scope, _: &str, _: &Map<String, Value>) -> bool {
        true
    }
}

#[tokio::test]
async fn permission_is_checked_before_the_action_exists() {
    let state = Arc::new(KitState::default());
    let server =
        TestServer::start(App::new().consumer("/k/", kit(&state, Permissions::new(DenyAll)))).await;
    let mut client = server.connect("/k/").await;
    let reply = client.request("no_such_action", json!({})).await;
    assert_error!(
        reply,
        403,
        json!(["You do not have permission to perform this action."])
    );
    let reply = client.request("whoami", json!({})).await;
    assert_error!(
        reply,
        403,
        json!(["You do not have permission to perform this action."])
    );
}

#[tokio::test]
async fn can_connect_refusal_rejects_the_handshake_with_403() {
    let state = Arc::new(KitState::default());
    let server =
        TestServer::start(App::new().consumer("/k/", kit(&state, Permissions::new(RefuseConnect))))
            .await;
    match TestClient::connect(&server.url("/k/")).await {
        Err(ConnectError::Refused(403)) => {}
        Err(other) => panic!("expected 403, got {other}"),
        Ok(_) => panic!("expected 403, got a connection"),
    }
    assert_eq!(
        state.connects.load(Ordering::SeqCst),
        0,
        "no consumer code runs for a refused handshake"
    );
    let mut client = server.connect("/k/?let-me-in=1").await;
    assert_reply!(client.request("whoami", json!({})).await, 200, Value::Null);
}

#[tokio::test]
async fn hooks_that_hang_are_cut_off_and_free_their_slot() {
    let state = Arc::new(KitState::default());
    let auth = TokenAuth::new(|token: String| async move {
        if token == "hang" {
            std::future::pending::<()>().await;
        }
        Some(User::new("1", "alice"))
    });
    let mut limits = Limits::default();
    limits.hook_timeout = Duration::from_millis(300);
    limits.max_connections = 1;
    let layer = Arc::new(InMemoryChannelLayer::new());
    let app = App::new()
        .channel_layer(layer.clone())
        .consumer("/k/", kit(&state, Permissions::allow_any()))
        .authenticator(auth)
        .limits(limits);
    let metrics = app.metrics();
    let server = TestServer::start(app).await;
    // An authenticator that never answers: 503, and the only connection slot is free again.
    match TestClient::connect(&server.url("/k/?token=hang")).await {
        Err(ConnectError::Refused(503)) => {}
        Err(other) => panic!("expected 503, got {other}"),
        Ok(_) => panic!("expected 503, got a connection"),
    }
    // An on_connect that never returns: closed with 1011, and its slot is freed too.
    let mut hanging = server.connect("/k/?token=ok&hang=1").await;
    let frame = hanging.recv_close().await.expect("a close frame");
    assert_eq!(u16::from(frame.code), close_code::INTERNAL_ERROR);
    eventually("the hanging connection's slot is free", || {
        metrics.connections() == 0
    })
    .await;
    // An on_disconnect that never returns is abandoned: the connection ends and frees its slot.
    let disconnects = state.disconnects.load(Ordering::SeqCst);
    let client = server.connect("/k/?token=ok&hang-on-disconnect=1").await;
    client.close().await;
    eventually("the connection whose on_disconnect hangs ends", || {
        metrics.connections() == 0
    })
    .await;
    // A group joined in on_disconnect is left too.
    assert_eq!(
        state.disconnects.load(Ordering::SeqCst),
        disconnects + 1,
        "the hanging on_disconnect ran"
    );
    let client = server.connect("/k/?token=ok&join-on-disconnect=1").await;
    client.close().await;
    eventually("the connection ends", || metrics.connections() == 0).await;
    assert_eq!(state.late_joins.load(Ordering::SeqCst), 1);
    assert_eq!(metrics.memberships(), 0);
    assert_eq!(
        layer.local().len("late"),
        0,
        "the layer let go of the late group"
    );
    let mut client = server.connect("/k/?token=ok").await;
    assert_reply!(
        client.request("whoami", json!({})).await,
        200,
        json!("alice")
    );
}

#[test]
#[should_panic(
    expected = "invalid chanrest::Limits: ping_interval, read_buffer_size must be above zero; ping_timeout must be at most a year"
)]
fn limits_that_cannot_work_are_refused_when_the_app_is_built() {
    let mut limits = Limits::default();
    limits.ping_interval = Duration::ZERO;
    limits.read_buffer_size = 0;
    limits.ping_timeout = Duration::MAX;
    let _ = App::new().limits(limits);
}

#[tokio::test]
async fn unknown_path_and_plain_http_are_refused() {
    let state = Arc::new(KitState::default());
    let server =
        TestServer::start(App::new().consumer("/k/", kit(&state, Permissions::allow_any()))).await;
    assert!(matches!(
        TestClient::connect(&server.url("/nope/")).await,
        Err(ConnectError::Refused(404))
    ));
    assert!(matches!(
        TestClient::connect(&server.url("/k")).await,
        Err(ConnectError::Refused(404))
    ));
}

fn token_app(state: &Arc<KitState>, permissions: Permissions) -> App {
    let auth = TokenAuth::new(|token: String| async move {
        match token.as_str() {
            "alice-token" => Some(User::new("1", "alice")),
            _ => None,
        }
    });
    App::new()
        .consumer("/k/", kit(state, permissions))
        .authenticator(auth)
}

#[tokio::test]
async fn token_authentication_from_header_query_and_cookie() {
    let state = Arc::new(KitState::default());
    let server = TestServer::start(token_app(&state, Permissions::new(IsAuthenticated))).await;

    // Anonymous users connect (DCRF's IsAuthenticated does not refuse the handshake) but
    // every action is refused.
    let mut anonymous = server.connect("/k/").await;
    assert_error!(
        anonymous.request("whoami", json!({})).await,
        403,
        json!(["You do not have permission to perform this action."])
    );

    let mut by_query = server.connect("/k/?token=alice-token").await;
    assert_reply!(
        by_query.request("whoami", json!({})).await,
        200,
        json!("alice")
    );

    let mut request = server.url("/k/").into_client_request().unwrap();
    request
        .headers_mut()
        .insert("authorization", "Bearer alice-token".parse().unwrap());
    let mut by_header = TestClient::connect_request(request).await.unwrap();
    assert_reply!(
        by_header.request("whoami", json!({})).await,
        200,
        json!("alice")
    );

    let mut request = server.url("/k/").into_client_request().unwrap();
    request
        .headers_mut()
        .insert("cookie", "theme=dark; token=alice-token".parse().unwrap());
    let mut by_cookie = TestClient::connect_request(request).await.unwrap();
    assert_reply!(
        by_cookie.request("whoami", json!({})).await,
        200,
        json!("alice")
    );

    // A token the authenticator does not know: 401 before any consumer code runs.
    let connects = state.connects.load(Ordering::SeqCst);
    assert!(matches!(
        TestClient::connect(&server.url("/k/?token=wrong")).await,
        Err(ConnectError::Refused(401))
    ));
    assert_eq!(state.connects.load(Ordering::SeqCst), connects);
}

#[tokio::test]
async fn authenticated_connect_only() {
    let state = Arc::new(KitState::default());
    let permissions = RequireAuthenticatedConnect.and(IsAuthenticated);
    let server = TestServer::start(token_app(&state, permissions)).await;
    assert!(matches!(
        TestClient::connect(&server.url("/k/")).await,
        Err(ConnectError::Refused(403))
    ));
    let mut client = server.connect("/k/?token=alice-token").await;
    assert_reply!(
        client.request("whoami", json!({})).await,
        200,
        json!("alice")
    );
}

#[tokio::test]
async fn errors_and_panics_become_replies() {
    let state = Arc::new(KitState::default());
    let server =
        TestServer::start(App::new().consumer("/k/", kit(&state, Permissions::allow_any()))).await;
    let mut client = server.connect("/k/").await;
    assert_error!(
        client.request("missing", json!({})).await,
        404,
        json!(["Not found"])
    );
    assert_error!(
        client.request("explode", json!({})).await,
        500,
        json!(["A server error occurred."])
    );
    assert_reply!(client.request("whoami", json!({})).await, 200, Value::Null);
}

#[tokio::test]
async fn hooks_run_and_on_connect_can_refuse() {
    let state = Arc::new(KitState::default());
    let server =
        TestServer::start(App::new().consumer("/k/", kit(&state, Permissions::allow_any()))).await;
    let client = server.connect("/k/").await;
    eventually("on_connect", || state.connects.load(Ordering::SeqCst) == 1).await;
    client.close().await;
    eventually("on_disconnect", || {
        state.disconnects.load(Ordering::SeqCst) == 1
    })
    .await;

    let mut refused = server.connect("/k/?refuse=1").await;
    let frame = refused.recv_close().await.expect("a close frame");
    assert_eq!(u16::from(frame.code), close_code::POLICY);
}

#[tokio::test]
async fn groups_reach_every_member_and_are_left_on_disconnect() {
    let state = Arc::new(KitState::default());
    let layer = Arc::new(InMemoryChannelLayer::new());
    let app = App::new()
        .consumer("/k/", kit(&state, Permissions::allow_any()))
        .channel_layer(layer.clone());
    let server = TestServer::start(app).await;
    let mut a = server.connect("/k/").await;
    let mut b = server.connect("/k/").await;
    assert_reply!(
        a.request("join", json!({"group": "room"})).await,
        200,
        json!(["room"])
    );
    assert_reply!(
        b.request("join", json!({"group": "room"})).await,
        200,
        json!(["room"])
    );
    assert_reply!(
        b.request("join", json!({"group": "other"})).await,
        200,
        json!(["other", "room"])
    );
    assert_eq!(layer.local().len("room"), 2);

    assert_reply!(
        a.request("say", json!({"group": "room", "text": "hi"}))
            .await,
        200,
        Value::Null
    );
    let push = assert_push!(a, "message", Value::Null);
    assert_eq!(push["data"], "hi");
    let push = assert_push!(b, "message", Value::Null);
    assert_eq!(push["data"], "hi");

    // Sending from outside any consumer (a background job) reaches the group too.
    layer
        .group_send("room", Push::new("message", "from a job").unwrap())
        .await
        .unwrap();
    assert_eq!(
        assert_push!(a, "message", Value::Null)["data"],
        "from a job"
    );
    assert_eq!(
        assert_push!(b, "message", Value::Null)["data"],
        "from a job"
    );

    assert_reply!(
        b.request("leave", json!({"group": "room"})).await,
        200,
        json!(["other"])
    );
    assert_reply!(
        a.request("say", json!({"group": "room", "text": "again"}))
            .await,
        200,
        Value::Null
    );
    assert_eq!(assert_push!(a, "message", Value::Null)["data"], "again");
    b.assert_silent(Duration::from_millis(200)).await;

    b.close().await;
    eventually("b leaves every group", || layer.local().len("other") == 0).await;
    a.close().await;
    eventually("a leaves every group", || layer.local().group_count() == 0).await;
}

#[tokio::test]
async fn pushes_held_during_a_long_action_do_not_close_a_client_that_reads() {
    let state = Arc::new(KitState::default());
    let mut limits = Limits::default();
    limits.max_outbound_bytes = 64 << 10;
    let app = App::new()
        .consumer("/k/", kit(&state, Permissions::allow_any()))
        .limits(limits);
    let server = TestServer::start(app).await;
    let mut member = server.connect("/k/").await;
    let mut sender = server.connect("/k/").await;
    assert_reply!(member.request("join", json!({"group": "g"})).await, 200);
    // While `slow` runs, four times the bound is pushed to the member's group, one push per
    // round trip, and the member reads all along. Held until the reply, the pushes would pass
    // the bound and close it; released at half the bound, most arrive before the reply.
    member.send("slow", json!("s"), json!({"ms": 5000})).await;
    let sending = tokio::spawn(async move {
        let text = "x".repeat(1024);
        for _ in 0..256 {
            let reply = sender
                .request("say", json!({"group": "g", "text": text}))
                .await;
            assert_reply!(reply, 200);
        }
    });
    let mut pushes = 0;
    let mut before_reply = None;
    while pushes < 256 || before_reply.is_none() {
        let frame = member.recv_json().await;
        match frame["action"].as_str() {
            Some("message") => pushes += 1,
            Some("slow") => {
                assert_reply!(frame, 200);
                before_reply = Some(pushes);
            }
            _ => panic!("unexpected frame {frame}"),
        }
    }
    sending.await.unwrap();
    let before_reply = before_reply.unwrap();
    assert!(
        before_reply >= 64,
        "only {before_reply} pushes came before the reply: the hold was not released"
    );
    assert_reply!(member.request("whoami", json!({})).await, 200);
}

#[tokio::test]
async fn group_pushes_follow_the_reply_to_the_message_being_handled() {
    // DCRF's consumer takes group messages only between messages, so a request's reply comes
    // before any push its handling caused, even to the same socket and the same request id.
    let state = Arc::new(KitState::default());
    let app = App::new().consumer("/k/", kit(&state, Permissions::allow_any()));
    let server = TestServer::start(app).await;
    let mut client = server.connect("/k/").await;
    assert_reply!(
        client
            .request_with_id("subscribe", json!(7), json!({"group": "g"}))
            .await,
        201
    );
    assert_reply!(
        client.request("join", json!({"group": "g"})).await,
        200,
        json!(["g"])
    );
    // `say` pushes to its own group from inside its handler, and uses the subscription's id.
    client
        .send("say", json!(7), json!({"group": "g", "text": "hi"}))
        .await;
    let first = client.recv_json().await;
    assert_eq!(
        (&first["action"], &first["response_status"]),
        (&json!("say"), &json!(200)),
        "the reply comes first: {first}"
    );
    let mut pushes = [client.recv_json().await, client.recv_json().await];
    pushes.sort_by_key(|p| p["request_id"].to_string());
    assert_eq!(
        pushes
            .iter()
            .map(|p| (
                p["action"].clone(),
                p["request_id"].clone(),
                p["data"].clone()
            ))
            .collect::<Vec<_>>(),
        [
            (json!("message"), json!(7), json!("hi")),
            (json!("message"), Value::Null, json!("hi"))
        ]
    );
}

#[tokio::test]
async fn subscriptions_push_once_per_request_id() {
    let state = Arc::new(KitState::default());
    let layer = Arc::new(InMemoryChannelLayer::new());
    let app = App::new()
        .consumer("/k/", kit(&state, Permissions::allow_any()))
        .channel_layer(layer.clone());
    let server = TestServer::start(app).await;
    let mut client = server.connect("/k/").await;
    assert_reply!(
        client
            .request_with_id("subscribe", json!("s1"), json!({"group": "g"}))
            .await,
        201
    );
    assert_reply!(
        client
            .request_with_id("subscribe", json!(22), json!({"group": "g"}))
            .await,
        201
    );
    // Without a request id there is nothing to push to: 400, not a crash.
    client
        .send_json(&json!({"action": "subscribe", "group": "g"}))
        .await;
    assert_error!(
        client.recv_json().await,
        400,
        json!(["request_id must have a value set"])
    );

    layer
        .group_send("g", Push::new("update", &json!({"v": 1})).unwrap())
        .await
        .unwrap();
    assert_eq!(
        assert_push!(client, "update", "s1")["data"],
        json!({"v": 1})
    );
    assert_eq!(assert_push!(client, "update", 22)["data"], json!({"v": 1}));

    assert_reply!(
        client
            .request_with_id("unsubscribe", json!("s1"), json!({}))
            .await,
        204
    );
    layer
        .group_send("g", Push::new("update", &json!({"v": 2})).unwrap())
        .await
        .unwrap();
    assert_eq!(assert_push!(client, "update", 22)["data"], json!({"v": 2}));
    client.assert_silent(Duration::from_millis(200)).await;
    // Unknown request ids are ignored.
    assert_reply!(
        client
            .request_with_id("unsubscribe", json!("never"), json!({}))
            .await,
        204
    );
}

#[tokio::test]
async fn detached_actions_are_cancelled_on_disconnect() {
    let state = Arc::new(KitState::default());
    let server =
        TestServer::start(App::new().consumer("/k/", kit(&state, Permissions::allow_any()))).await;
    let mut client = server.connect("/k/").await;
    client.send("hang", json!(1), json!({})).await;
    client.send("hang", json!(2), json!({})).await;
    // Both run detached: the connection still answers.
    assert_reply!(client.request("whoami", json!({})).await, 200, Value::Null);
    client.close().await;
    eventually("both detached tasks cancelled", || {
        state.hang_dropped.load(Ordering::SeqCst) == 2
    })
    .await;
    eventually("on_disconnect after cancellation", || {
        state.disconnects.load(Ordering::SeqCst) == 1
    })
    .await;
}

#[tokio::test]
async fn detached_actions_in_flight_are_bounded() {
    let state = Arc::new(KitState::default());
    let mut limits = Limits::default();
    limits.max_detached_per_consumer = 2;
    let app = App::new()
        .consumer("/k/", kit(&state, Permissions::allow_any()))
        .limits(limits);
    let server = TestServer::start(app).await;
    let mut client = server.connect("/k/").await;
    client.send("hang", json!(1), json!({})).await;
    client.send("hang", json!(2), json!({})).await;
    assert_error!(
        client.request("hang", json!({})).await,
        429,
        json!(["Request was throttled."])
    );
}

#[tokio::test]
async fn action_name_can_be_read_another_way() {
    chanrest::consumer! {
        pub consumer Typed: TypedHandler {
            action ping() -> String;
        }
    }
    struct TypedApi;
    #[async_trait]
    impl TypedHandler for TypedApi {
        async fn ping(&self, _: &Ctx, _: NoArgs) -> chanrest::Result<String> {
            Ok("pong".into())
        }
        fn action_name(&self, content: &mut Map<String, Value>) -> Option<Value> {
            content.remove("type")
        }
    }
    let server = TestServer::start(App::new().consumer("/t/", Typed(TypedApi))).await;
    let mut client = server.connect("/t/").await;
    client
        .send_json(&json!({"type": "ping", "request_id": 1}))
        .await;
    assert_reply!(client.recv_json().await, 200, json!("pong"));
    client
        .send_json(&json!({"action": "ping", "request_id": 2}))
        .await;
    let reply = client.recv_json().await;
    assert_error!(
        reply,
        405,
        json!(["Unable to find action in message body."])
    );
}

#[tokio::test]
async fn multiplexer_routes_streams_both_ways() {
    let state = Arc::new(KitState::default());
    let mux = Multiplexer::new()
        .stream("kit", kit(&state, Permissions::allow_any()))
        .stream("locked", kit(&state, Permissions::new(DenyAll)));
    let server = TestServer::start(App::new().multiplexer("/ws/", mux)).await;
    let mut client = server.connect("/ws/").await;

    client
        .send_text(r#"{"stream": "kit", "payload": {"action": "whoami", "request_id": "r1"}}"#)
        .await;
    let frame = client.recv_json().await;
    assert_eq!(frame["stream"], "kit");
    assert_reply!(frame["payload"], 200, Value::Null);
    assert_eq!(frame["payload"]["request_id"], "r1");

    client.use_stream("locked");
    assert_error!(
        client.request("whoami", json!({})).await,
        403,
        json!(["You do not have permission to perform this action."])
    );

    // Streams are separate consumer instances: groups of one are not the other's.
    client.use_stream("kit");
    assert_reply!(
        client.request("join", json!({"group": "g"})).await,
        200,
        json!(["g"])
    );

    let mut raw = server.connect("/ws/").await;
    raw.send_text(r#"{"stream": "nope", "payload": {"action": "whoami", "request_id": 5}}"#)
        .await;
    let frame = raw.recv_json().await;
    assert_eq!(frame["stream"], "nope");
    assert_error!(frame["payload"], 404, json!(["Unknown stream \"nope\"."]));
    assert_eq!(frame["payload"]["request_id"], 5);
    raw.send_text(r#"{"payload": {"action": "whoami"}}"#).await;
    let frame = raw.recv_json().await;
    assert_eq!(frame["stream"], Value::Null);
    assert_error!(
        frame["payload"],
        400,
        json!(["Multiplexed messages need a string \"stream\"."])
    );
    raw.send_text(r#"{"stream": "kit"}"#).await;
    assert_error!(
        raw.recv_json().await["payload"],
        400,
        json!(["Multiplexed messages need \"stream\" and \"payload\" keys."])
    );
    raw.send_text(r#"{"stream": "kit", "payload": [1]}"#).await;
    assert_error!(
        raw.recv_json().await["payload"],
        400,
        json!(["Payload must be a JSON object."])
    );
    raw.send_text("oops").await;
    let frame = raw.recv_json().await;
    assert_reply!(frame["payload"], 400);
    raw.send_text(r#"{"stream": "kit", "payload": {"action": "whoami", "request_id": 9}}"#)
        .await;
    assert_reply!(raw.recv_json().await["payload"], 200, Value::Null);
}

#[tokio::test]
async fn oversized_message_closes_with_1009() {
    let state = Arc::new(KitState::default());
    let mut limits = Limits::default();
    limits.max_message_size = 1024;
    let app = App::new()
        .consumer("/k/", kit(&state, Permissions::allow_any()))
        .limits(limits);
    let server = TestServer::start(app).await;
    let mut client = server.connect("/k/").await;
    assert_reply!(
        client
            .request("echo_is_not_here_but_small_is_fine", json!({}))
            .await,
        405
    );
    client
        .send_text(&format!(
            r#"{{"action": "whoami", "pad": "{}"}}"#,
            "x".repeat(4096)
        ))
        .await;
    let frame = client.recv_close().await.expect("a close frame");
    assert_eq!(u16::from(frame.code), close_code::MESSAGE_TOO_BIG);
}

#[tokio::test]
async fn connection_limit_refuses_with_503() {
    let state = Arc::new(KitState::default());
    let mut limits = Limits::default();
    limits.max_connections = 1;
    let app = App::new()
        .consumer("/k/", kit(&state, Permissions::allow_any()))
        .limits(limits);
    let server = TestServer::start(app).await;
    let first = server.connect("/k/").await;
    assert!(matches!(
        TestClient::connect(&server.url("/k/")).await,
        Err(ConnectError::Refused(503))
    ));
    first.close().await;
    let mut again = None;
    for _ in 0..100 {
        if let Ok(client) = TestClient::connect(&server.url("/k/")).await {
            again = Some(client);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(again.is_some(), "a slot frees when a connection ends");
}

#[tokio::test]
async fn a_client_that_stops_reading_is_disconnected_as_slow() {
    let state = Arc::new(KitState::default());
    let mut limits = Limits::default();
    limits.max_outbound_bytes = 256 << 10;
    let app = App::new()
        .consumer("/k/", kit(&state, Permissions::allow_any()))
        .limits(limits);
    let server = TestServer::start(app).await;
    let mut client = server.connect("/k/").await;
    let mut other = server.connect("/k/").await;
    // 64 MiB of pushes; the client reads nothing until the server gives up on it.
    client
        .send("flood", json!(1), json!({"count": 4096, "size": 16384}))
        .await;
    eventually("the slow client is dropped", || {
        state.disconnects.load(Ordering::SeqCst) == 1
    })
    .await;
    // Another client is served normally meanwhile.
    assert_reply!(other.request("whoami", json!({})).await, 200, Value::Null);
    let frame = client
        .recv_close()
        .await
        .expect("a close frame after the queued data");
    assert_eq!(u16::from(frame.code), close_code::SLOW_CONSUMER);
}

#[tokio::test]
async fn a_frame_larger_than_the_default_limits_still_goes_out_on_an_idle_connection() {
    // 7 MiB in one push: above max_outbound_bytes (4 MiB) and above what tungstenite's write
    // buffer used to be capped at (about 6 MiB), which failed the write and dropped the socket.
    let state = Arc::new(KitState::default());
    let app = App::new().consumer("/k/", kit(&state, Permissions::allow_any()));
    let server = TestServer::start(app).await;
    let mut client = server.connect("/k/").await;
    let size = 7 << 20;
    let reply = client
        .request("flood", json!({"count": 1, "size": size}))
        .await;
    assert_reply!(reply, 200, json!(1));
    let push = assert_push!(client, "blob", Value::Null);
    assert_eq!(push["data"].as_str().map(str::len), Some(size));
    assert_reply!(client.request("whoami", json!({})).await, 200, Value::Null);
}

#[tokio::test]
async fn a_vanished_client_is_released_after_the_ping_timeout() {
    let state = Arc::new(KitState::default());
    let layer = Arc::new(InMemoryChannelLayer::new());
    let mut limits = Limits::default();
    limits.ping_interval = Duration::from_millis(100);
    limits.ping_timeout = Duration::from_millis(100);
    let app = App::new()
        .consumer("/k/", kit(&state, Permissions::allow_any()))
        .limits(limits)
        .channel_layer(layer.clone());
    let server = TestServer::start(app).await;
    let mut client = server.connect("/k/").await;
    assert_reply!(
        client.request("join", json!({"group": "g"})).await,
        200,
        json!(["g"])
    );
    assert_eq!(layer.local().len("g"), 1);
    // The client stops reading (so it never answers pings) and never closes.
    eventually("the silent client is released", || {
        state.disconnects.load(Ordering::SeqCst) == 1
    })
    .await;
    assert_eq!(layer.local().group_count(), 0);
    drop(client);
}
