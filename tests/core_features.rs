//! What needs a real socket and a real server: handshake refusals as HTTP statuses,
//! authentication from the handshake's headers, query string and cookies, close codes, hooks
//! that hang holding a connection slot, slow and vanished clients, frame sizes, and pushes
//! held behind a long action while the client reads. The framework's behaviour without a
//! socket (permissions, groups, errors, hooks, the multiplexer) is tested in process at the
//! framework, in `consumer/tests/`.

mod common;

use chanrest::testkit::{ConnectError, TestClient, TestServer};
use chanrest::{
    assert_push, assert_reply, async_trait, close_code, ActionError, App, ChannelLayer, Ctx,
    GroupMember, InMemoryChannelLayer, IsAuthenticated, Limits, NoArgs, Permission, Permissions,
    Push, Scope, TokenAuth, User,
};
use common::eventually;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Map, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

chanrest::consumer! {
    /// A consumer with what these tests need.
    pub consumer Kit: KitHandler {
        /// Who is connected.
        action whoami() -> Option<String>;
        /// Joins a group.
        action join(GroupArgs {
            /// The group.
            group: String,
        }) -> Vec<String>;
        /// Sends to a group.
        #[pushes(message)]
        action say(SayArgs {
            /// The group.
            group: String,
            /// What to send.
            text: String,
        }) -> ();
        /// Queues many large pushes to this socket.
        action flood(FloodArgs {
            /// How many pushes.
            count: usize,
            /// Bytes of each.
            size: usize,
        }) -> usize;
        /// Takes `ms` milliseconds to answer (not detached).
        action slow(SlowArgs {
            /// Milliseconds to take.
            ms: u64,
        }) -> ();
        /// A group message.
        push message(String);
    }
}

#[derive(Default)]
struct KitState {
    disconnects: AtomicUsize,
}

struct KitApi {
    state: Arc<KitState>,
    permissions: Permissions,
}

impl KitHandler for KitApi {
    async fn whoami(&self, ctx: &Ctx, _: NoArgs) -> chanrest::Result<Option<String>> {
        Ok(ctx.user().map(|u| u.username.clone()))
    }
    async fn join(&self, ctx: &Ctx, args: GroupArgs) -> chanrest::Result<Vec<String>> {
        ctx.add_group(&args.group).await?;
        Ok(ctx.groups())
    }
    async fn say(&self, ctx: &Ctx, args: SayArgs) -> chanrest::Result<()> {
        ctx.group_send(&args.group, Push::new("message", &args.text)?)
            .await
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
        if ctx.scope().query_param("hang-on-disconnect").is_some() {
            std::future::pending::<()>().await;
        }
    }
}

/// An app serving the kit on `/k/` to anyone, with `limits`.
fn kit_app(state: &Arc<KitState>, limits: Limits) -> App {
    App::new()
        .consumer("/k/", kit(state, Permissions::allow_any()))
        .limits(limits)
}

fn kit(state: &Arc<KitState>, permissions: Permissions) -> Kit<KitApi> {
    Kit(KitApi {
        state: state.clone(),
        permissions,
    })
}

struct RefuseConnect;

#[async_trait]
impl Permission for RefuseConnect {
    async fn can_connect(&self, _: &Scope) -> bool {
        false
    }
    async fn has_permission(&self, _: &Scope, _: &str, _: &Map<String, Value>) -> bool {
        true
    }
}

#[tokio::test]
async fn can_connect_refusal_rejects_the_handshake_with_403() {
    // What a refusal is and when it happens: consumer/tests/permissions.rs. Here: its HTTP
    // answer.
    let state = Arc::new(KitState::default());
    let server =
        TestServer::start(App::new().consumer("/k/", kit(&state, Permissions::new(RefuseConnect))))
            .await;
    match TestClient::connect(&server.url("/k/")).await {
        Err(ConnectError::Refused(403)) => {}
        Err(other) => panic!("expected 403, got {other}"),
        Ok(_) => panic!("expected 403, got a connection"),
    }
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
    let app = App::new()
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
    assert_eq!(
        state.disconnects.load(Ordering::SeqCst),
        disconnects + 1,
        "the hanging on_disconnect ran"
    );
    let mut client = server.connect("/k/?token=ok").await;
    assert_reply!(
        client.request("whoami", json!({})).await,
        200,
        json!("alice")
    );
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

    // A token the authenticator does not know: 401.
    assert!(matches!(
        TestClient::connect(&server.url("/k/?token=wrong")).await,
        Err(ConnectError::Refused(401))
    ));
}

#[tokio::test]
async fn on_connect_refusal_closes_with_1008() {
    // That on_connect runs and may refuse: consumer/tests/lifecycle.rs. Here: the close code.
    let state = Arc::new(KitState::default());
    let server =
        TestServer::start(App::new().consumer("/k/", kit(&state, Permissions::allow_any()))).await;
    let mut refused = server.connect("/k/?refuse=1").await;
    let frame = refused.recv_close().await.expect("a close frame");
    assert_eq!(u16::from(frame.code), close_code::POLICY);
}

/// A group member that looks, when a push reaches it, whether the publisher's reply is in the
/// publisher's socket already (peeking at a second handle on the client's end).
struct ReplyProbe {
    publisher: std::net::TcpStream,
    replied: Mutex<Vec<bool>>,
}

impl GroupMember for ReplyProbe {
    fn member_id(&self) -> u64 {
        u64::MAX
    }

    fn deliver(&self, _group: &str, _push: &Push) {
        // Loopback usually has the bytes there when the server's send returns; a loaded
        // machine may pass them on a moment later. Without the hold, the reply cannot come
        // while this runs (it is written by the task that is delivering).
        let mut buf = [0; 512];
        let waited = std::time::Instant::now();
        let replied = loop {
            match self.publisher.peek(&mut buf) {
                Ok(n) if n > 0 => break true,
                _ if waited.elapsed() > Duration::from_millis(200) => break false,
                _ => std::thread::sleep(Duration::from_millis(1)),
            }
        };
        self.replied.lock().unwrap().push(replied);
    }
}

#[tokio::test]
async fn a_publishers_reply_is_written_before_its_group_is_delivered_to() {
    let state = Arc::new(KitState::default());
    let layer = Arc::new(InMemoryChannelLayer::new());
    let app = kit_app(&state, Limits::default()).channel_layer(layer.clone());
    let server = TestServer::start(app).await;
    let mut member = server.connect("/k/").await;
    assert_reply!(member.request("join", json!({"group": "g"})).await, 200);

    // The publisher's socket, with a second handle the probe peeks at (non-blocking, as the
    // runtime needs it anyway).
    let tcp = std::net::TcpStream::connect(server.addr()).unwrap();
    tcp.set_nonblocking(true).unwrap();
    let probe = Arc::new(ReplyProbe {
        publisher: tcp.try_clone().unwrap(),
        replied: Mutex::new(Vec::new()),
    });
    let tcp = tokio::net::TcpStream::from_std(tcp).unwrap();
    let (mut publisher, _) = tokio_tungstenite::client_async(server.url("/k/"), tcp)
        .await
        .unwrap();
    layer.group_add("g", probe.clone()).await.unwrap();

    let say = json!({"action": "say", "request_id": 1, "group": "g", "text": "hi"});
    publisher
        .send(Message::text(say.to_string()))
        .await
        .unwrap();
    let reply = tokio::time::timeout(Duration::from_secs(10), publisher.next())
        .await
        .expect("a reply in time")
        .expect("the socket open")
        .unwrap();
    let reply: Value = serde_json::from_str(reply.to_text().unwrap()).unwrap();
    assert_reply!(reply, 200);
    let push = assert_push!(member, "message", Value::Null);
    assert_eq!(push["data"], "hi");
    // The push reached the probe once, and the reply had been written by then: a large
    // group's deliveries do not hold up the publisher's reply.
    assert_eq!(*probe.replied.lock().unwrap(), [true]);
}

#[tokio::test]
async fn pushes_held_during_a_long_action_do_not_close_a_client_that_reads() {
    let state = Arc::new(KitState::default());
    let mut limits = Limits::default();
    limits.max_outbound_bytes = 64 << 10;
    let app = kit_app(&state, limits);
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
async fn oversized_message_closes_with_1009() {
    let state = Arc::new(KitState::default());
    let mut limits = Limits::default();
    limits.max_message_size = 1024;
    let app = kit_app(&state, limits);
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
    let app = kit_app(&state, limits);
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
async fn a_connection_limit_taken_before_the_limits_are_set_follows_them() {
    use std::io::Write;
    let state = Arc::new(KitState::default());
    let app = App::new().consumer("/k/", kit(&state, Permissions::allow_any()));
    // Taken first, as a builder chain that hands the limit to the server may do.
    let limit = app.connection_limit();
    let mut limits = Limits::default();
    limits.max_connections = 2;
    let app = app.limits(limits);
    assert_eq!(limit.max(), 2);
    let server = TestServer::start_filter_limited(
        app.filter(),
        chanrest::DEFAULT_HANDSHAKE_TIMEOUT,
        limit.clone(),
    )
    .await;
    let addr = server.addr();
    // Two HTTP requests that never finish hold both slots of the app's bound.
    let stalled: Vec<std::net::TcpStream> = (0..2)
        .map(|_| {
            let mut stream = std::net::TcpStream::connect(addr).unwrap();
            write!(stream, "GET /k/ HTTP/1.1\r\nHost: {addr}\r\n").unwrap();
            stream
        })
        .collect();
    common::eventually("both are counted", || limit.open() == 2).await;
    assert!(matches!(
        TestClient::connect(&server.url("/k/")).await,
        Err(ConnectError::Refused(503))
    ));
    drop(stalled);
    common::eventually("their slots are free", || limit.open() == 0).await;
    // A WebSocket takes one slot, not one for its TCP connection and one for its handshake.
    let mut first = server.connect("/k/").await;
    let mut second = server.connect("/k/").await;
    assert_reply!(first.request("whoami", json!({})).await, 200);
    assert_reply!(second.request("whoami", json!({})).await, 200);
    assert_eq!(limit.open(), 2);
}

#[tokio::test]
async fn a_client_that_stops_reading_is_disconnected_as_slow() {
    let state = Arc::new(KitState::default());
    let mut limits = Limits::default();
    limits.max_outbound_bytes = 256 << 10;
    let app = kit_app(&state, limits);
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

#[tokio::test]
async fn a_silent_client_is_released_when_its_silence_passes_the_bound_not_at_the_next_ping() {
    let state = Arc::new(KitState::default());
    let mut limits = Limits::default();
    limits.ping_interval = Duration::from_secs(2);
    limits.ping_timeout = Duration::from_millis(300);
    let app = kit_app(&state, limits);
    let server = TestServer::start(app).await;
    let started = std::time::Instant::now();
    // Connects and never reads nor writes again: it answers no ping.
    let client = server.connect("/k/").await;
    eventually("the silent client is released", || {
        state.disconnects.load(Ordering::SeqCst) == 1
    })
    .await;
    // The bound is 2.3 s of silence; the next ping after it would come at 4 s. (A correctness
    // bound, with a second of slack for a loaded machine, not a speed measurement.)
    let released = started.elapsed();
    assert!(
        released >= Duration::from_millis(2_300) && released < Duration::from_millis(3_400),
        "released after {released:?}"
    );
    drop(client);
}

/// Reads what the server sent until its close frame: the text frames before it, and its code.
/// Panics on anything else (a reset, the end of the stream without a close frame).
async fn read_to_close(client: &mut TestClient) -> (usize, u16) {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    let mut texts = 0;
    loop {
        let next = tokio::time::timeout(Duration::from_secs(20), client.socket().next())
            .await
            .unwrap_or_else(|_| panic!("after {texts} text frames: nothing for 20 s"));
        match next {
            Some(Ok(Message::Text(_))) => texts += 1,
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
            Some(Ok(Message::Close(Some(frame)))) => return (texts, u16::from(frame.code)),
            other => panic!("after {texts} text frames, no close frame but {other:?}"),
        }
    }
}

/// Reads `count` text frames (pings aside).
async fn read_texts(client: &mut TestClient, count: usize) {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    let mut texts = 0;
    while texts < count {
        match tokio::time::timeout(Duration::from_secs(20), client.socket().next()).await {
            Ok(Some(Ok(Message::Text(_)))) => texts += 1,
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => {}
            other => panic!("after {texts} of {count} text frames: {other:?}"),
        }
    }
}

/// Sends `count` `whoami` requests in one flush, without reading.
async fn pipeline(client: &mut TestClient, count: usize) {
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::Message;
    for i in 0..count {
        let text = format!(r#"{{"action": "whoami", "request_id": {i}}}"#);
        client.socket().feed(Message::text(text)).await.unwrap();
    }
    client.socket().flush().await.unwrap();
}

#[tokio::test]
async fn a_subscriber_that_stops_reading_gets_4008_after_what_the_socket_took() {
    let state = Arc::new(KitState::default());
    let mut limits = Limits::default();
    limits.max_outbound_bytes = 256 << 10;
    let app = kit_app(&state, limits);
    let metrics = app.metrics();
    let server = TestServer::start(app).await;
    let mut slow = server.connect("/k/").await;
    assert_reply!(
        slow.request("join", json!({"group": "g"})).await,
        200,
        json!(["g"])
    );
    // Requests whose replies it does not read either: input still unread when it is closed.
    pipeline(&mut slow, 20_000).await;
    let mut other = server.connect("/k/").await;
    let text = "x".repeat(64 << 10);
    for _ in 0..2_000 {
        if metrics.slow_consumer_closes() > 0 {
            break;
        }
        let reply = other
            .request("say", json!({"group": "g", "text": text}))
            .await;
        assert_reply!(reply, 200);
    }
    assert_eq!(metrics.slow_consumer_closes(), 1);
    // Longer than the server once waited for the close frame before dropping the socket.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (texts, code) = read_to_close(&mut slow).await;
    assert_eq!(code, close_code::SLOW_CONSUMER, "after {texts} text frames");
    assert_reply!(other.request("whoami", json!({})).await, 200, Value::Null);
}

#[tokio::test]
async fn a_ping_timeout_close_reaches_a_client_that_reads_late() {
    // Silent: it reads nothing, so it answers no ping (reading, it will answer the pings
    // queued for it: the socket must still be there).
    let state = Arc::new(KitState::default());
    let mut limits = Limits::default();
    // Some ten pings go unanswered before the close: reading them, the client answers each.
    limits.ping_interval = Duration::from_millis(50);
    limits.ping_timeout = Duration::from_millis(500);
    let app = kit_app(&state, limits);
    let metrics = app.metrics();
    let server = TestServer::start(app).await;
    let mut silent = server.connect("/k/").await;
    eventually("the silent client is closed", || {
        metrics.ping_timeout_closes() == 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(read_to_close(&mut silent).await.1, close_code::PING_TIMEOUT);
}

#[tokio::test]
async fn a_message_too_big_close_reaches_a_client_that_pipelined_past_it() {
    // Too big, amid pipelined requests, with more input behind it that is never read.
    let state = Arc::new(KitState::default());
    let mut limits = Limits::default();
    limits.max_message_size = 1024;
    let app = kit_app(&state, limits);
    let server = TestServer::start(app).await;
    let mut client = server.connect("/k/").await;
    // More replies than the client's socket takes unread: some still wait in the server's.
    pipeline(&mut client, 10_000).await;
    client
        .send_text(&format!(
            r#"{{"action": "whoami", "pad": "{}"}}"#,
            "x".repeat(4096)
        ))
        .await;
    pipeline(&mut client, 10_000).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let (texts, code) = read_to_close(&mut client).await;
    assert_eq!(
        code,
        close_code::MESSAGE_TOO_BIG,
        "after {texts} text frames"
    );
}

#[tokio::test]
async fn the_outbound_budget_sheds_the_largest_queue_first_and_the_others_keep_working() {
    let state = Arc::new(KitState::default());
    let mut limits = Limits::default();
    // No queue passes its own bound; together they pass the budget.
    limits.max_outbound_bytes = 512 << 20;
    limits.max_total_outbound_bytes = 40 << 20;
    limits.write_timeout = Duration::from_secs(120);
    let app = kit_app(&state, limits);
    let metrics = app.metrics();
    let server = TestServer::start(app).await;
    // None of them reads. `big` gets every group's pushes, `mid` two groups', `small` one's.
    let groups: Vec<String> = (1..=8).map(|g| format!("g{g}")).collect();
    let mut big = server.connect("/k/").await;
    let mut mid = server.connect("/k/").await;
    let mut small = server.connect("/k/").await;
    for (client, joins) in [(&mut big, 8), (&mut mid, 2), (&mut small, 1)] {
        for group in &groups[..joins] {
            assert_reply!(client.request("join", json!({"group": group})).await, 200);
        }
    }
    // 8 MiB per group, a round over every group at a time: `big` gets 64 MiB, `mid` 16 and
    // `small` 8, less what their sockets take; only `big` needs shedding to get under 40.
    let mut sender = server.connect("/k/").await;
    let text = "x".repeat(256 << 10);
    for _ in 0..32 {
        for group in &groups {
            let reply = sender
                .request("say", json!({"group": group, "text": text}))
                .await;
            assert_reply!(reply, 200);
        }
    }
    eventually("the largest queue is shed", || {
        metrics.slow_consumer_closes() > 0
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(metrics.slow_consumer_closes(), 1, "only the largest");
    assert!(
        metrics.queued_bytes() <= 40 << 20,
        "{} bytes queued",
        metrics.queued_bytes()
    );
    let (texts, code) = read_to_close(&mut big).await;
    assert_eq!(code, close_code::SLOW_CONSUMER, "after {texts} text frames");
    // The others get every push and are served on.
    read_texts(&mut mid, 64).await;
    read_texts(&mut small, 32).await;
    for client in [&mut mid, &mut small, &mut sender] {
        assert_reply!(client.request("whoami", json!({})).await, 200, Value::Null);
    }
}
