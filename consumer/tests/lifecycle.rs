//! A connection's life in process: `on_connect` (which may refuse), `on_disconnect` after
//! detached actions are cancelled and groups left (groups it joins itself are left too), a
//! dropped connection still cleaned up, paths that serve nothing, one-shot dispatch, and
//! limits that cannot work refused when the app is built.

mod common;

use chanrest::{
    ActionError, App, ChannelLayer, Ctx, HandshakeError, InMemoryChannelLayer, Limits, NoArgs,
    Push, Scope,
};
use common::*;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

chanrest::consumer! {
    /// Hooks and detached work.
    pub consumer Hooks: HooksHandler {
        /// The action, request id and path this message is served with.
        action whoami() -> Value;
        /// Joins a group.
        action join(GroupArgs {
            /// The group.
            group: String,
        }) -> ();
        /// Never answers (detached).
        #[detached]
        action hang() -> ();
    }
}

#[derive(Default)]
struct State {
    connects: AtomicUsize,
    disconnects: AtomicUsize,
    hang_dropped: AtomicUsize,
    /// `hang_dropped` as `on_disconnect` saw it.
    dropped_before_disconnect: AtomicUsize,
    /// Groups the session was in when `on_disconnect` ran.
    groups_at_disconnect: std::sync::Mutex<Vec<String>>,
}

struct HooksApi(Arc<State>);

/// Counts a cancelled `hang` when the task drops it.
struct DropCounter(Arc<State>);

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.hang_dropped.fetch_add(1, Ordering::SeqCst);
    }
}

impl HooksHandler for HooksApi {
    async fn whoami(&self, ctx: &Ctx, _: NoArgs) -> chanrest::Result<Value> {
        Ok(json!({
            "action": ctx.action(),
            "request_id": ctx.request_id().to_value(),
            "path": ctx.scope().path,
        }))
    }
    async fn join(&self, ctx: &Ctx, args: GroupArgs) -> chanrest::Result<()> {
        ctx.add_group(&args.group).await
    }
    async fn hang(&self, _: &Ctx, _: NoArgs) -> chanrest::Result<()> {
        let _guard = DropCounter(self.0.clone());
        std::future::pending().await
    }
    async fn on_connect(&self, ctx: &Ctx) -> chanrest::Result<()> {
        assert_eq!(ctx.action(), None);
        self.0.connects.fetch_add(1, Ordering::SeqCst);
        if ctx.scope().query_param("refuse").is_some() {
            return Err(ActionError::PermissionDenied);
        }
        if ctx.scope().query_param("panic").is_some() {
            panic!("on_connect panicked");
        }
        if ctx.scope().query_param("greet").is_some() {
            ctx.push(&Push::new("hello", &"welcome")?);
        }
        Ok(())
    }
    async fn on_disconnect(&self, ctx: &Ctx) {
        let state = &self.0;
        state
            .dropped_before_disconnect
            .store(state.hang_dropped.load(Ordering::SeqCst), Ordering::SeqCst);
        *state.groups_at_disconnect.lock().unwrap() = ctx.groups();
        if ctx.scope().query_param("join-on-disconnect").is_some() {
            ctx.add_group("late").await.unwrap();
        }
        state.disconnects.fetch_add(1, Ordering::SeqCst);
    }
}

fn app() -> (App, Arc<State>, Arc<InMemoryChannelLayer>) {
    let state = Arc::new(State::default());
    let layer = Arc::new(InMemoryChannelLayer::new());
    let app = App::new()
        .consumer("/h/", Hooks(HooksApi(state.clone())))
        .channel_layer(layer.clone());
    (app, state, layer)
}

#[tokio::test]
async fn hooks_run_and_on_connect_can_refuse() {
    let (app, state, _) = app();
    let mut conn = connect(&app, "/h/").await;
    assert_eq!(state.connects.load(Ordering::SeqCst), 1);
    assert_ok(
        &request_with_id(&mut conn, "whoami", json!("w"), json!({})).await,
        200,
        json!({"action": "whoami", "request_id": "w", "path": "/h/"}),
    );
    conn.close().await;
    assert_eq!(state.disconnects.load(Ordering::SeqCst), 1);

    // A refusal (an error or a panic) closes the connection: nothing is served on it.
    for refusal in ["refuse", "panic"] {
        let mut refused = connect_with(&app, "/h/", query(&[(refusal, "1")])).await;
        assert!(refused.is_closed(), "{refusal}");
        refused
            .send(r#"{"action": "whoami", "request_id": 1}"#)
            .await;
        assert_silent(&mut refused, Duration::from_millis(50)).await;
    }
    assert_eq!(state.connects.load(Ordering::SeqCst), 3);

    // What on_connect sends arrives before any reply.
    let mut greeted = connect_with(&app, "/h/", query(&[("greet", "1")])).await;
    greeted
        .send(r#"{"action": "whoami", "request_id": 1}"#)
        .await;
    let frames = drain_json(&mut greeted);
    assert_eq!(assert_push(&frames[0], "hello", Value::Null), "welcome");
    assert_eq!(frames[1]["action"], "whoami");
}

#[tokio::test]
async fn closing_cancels_detached_actions_then_leaves_groups_then_runs_on_disconnect() {
    let (app, state, layer) = app();
    let metrics = app.metrics();
    let mut conn = connect(&app, "/h/").await;
    conn.send_json(&message("hang", json!(1), json!({}))).await;
    conn.send_json(&message("hang", json!(2), json!({}))).await;
    // Both run detached: the connection still answers.
    assert_ok(
        &request(&mut conn, "join", json!({"group": "g"})).await,
        200,
        Value::Null,
    );
    assert_eq!(metrics.detached_tasks(), 2);
    assert_eq!(layer.local().len("g"), 1);
    // Let both tasks start (a task cancelled before its first poll never built its guard).
    tokio::time::sleep(Duration::from_millis(20)).await;
    conn.close().await;
    assert_eq!(state.hang_dropped.load(Ordering::SeqCst), 2);
    assert_eq!(
        state.dropped_before_disconnect.load(Ordering::SeqCst),
        2,
        "detached tasks are cancelled before on_disconnect"
    );
    assert_eq!(
        *state.groups_at_disconnect.lock().unwrap(),
        Vec::<String>::new(),
        "groups are left before on_disconnect"
    );
    assert_eq!(state.disconnects.load(Ordering::SeqCst), 1);
    assert_eq!(metrics.detached_tasks(), 0);
    assert_eq!(layer.local().group_count(), 0);
    assert_eq!(metrics.sessions(), 0);
}

#[tokio::test]
async fn a_group_joined_in_on_disconnect_is_left_too() {
    let (app, state, layer) = app();
    let metrics = app.metrics();
    let conn = connect_with(&app, "/h/", query(&[("join-on-disconnect", "1")])).await;
    conn.close().await;
    assert_eq!(state.disconnects.load(Ordering::SeqCst), 1);
    assert_eq!(
        layer.local().len("late"),
        0,
        "the layer let go of the late group"
    );
    assert_eq!(metrics.memberships(), 0);
}

#[tokio::test]
async fn a_dropped_connection_is_still_cleaned_up() {
    let (app, state, layer) = app();
    let mut conn = connect(&app, "/h/").await;
    request(&mut conn, "join", json!({"group": "g"})).await;
    conn.send_json(&message("hang", json!(1), json!({}))).await;
    drop(conn);
    for _ in 0..500 {
        if state.disconnects.load(Ordering::SeqCst) == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(state.disconnects.load(Ordering::SeqCst), 1);
    assert_eq!(state.hang_dropped.load(Ordering::SeqCst), 1);
    assert_eq!(layer.local().group_count(), 0);
    // A push to the group it was in goes nowhere.
    layer
        .group_send("g", Push::new("x", &1).unwrap())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_path_that_serves_nothing_is_refused() {
    let (app, state, _) = app();
    for path in ["/nope/", "/h", "/h/x/", ""] {
        assert_eq!(
            app.connect_local(path, Scope::default()).await.unwrap_err(),
            HandshakeError::NotWebSocket,
            "{path:?}"
        );
    }
    assert_eq!(state.connects.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn dispatch_serves_one_message_on_a_connection_of_its_own() {
    let (app, state, _) = app();
    let frames = app
        .dispatch(
            "/h/",
            Scope::default(),
            r#"{"action": "whoami", "request_id": 5}"#,
        )
        .await
        .unwrap();
    assert_eq!(
        frames,
        [
            r#"{"errors":[],"data":{"action":"whoami","path":"/h/","request_id":5},"action":"whoami","response_status":200,"request_id":5}"#
        ]
    );
    assert_eq!(state.connects.load(Ordering::SeqCst), 1);
    assert_eq!(state.disconnects.load(Ordering::SeqCst), 1);
    assert_eq!(
        app.dispatch("/nope/", Scope::default(), "{}")
            .await
            .unwrap_err(),
        HandshakeError::NotWebSocket
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
