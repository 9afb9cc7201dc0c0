//! DCRF's envelope in process: reply keys and their order, the `request_id` echoed as the
//! exact text sent, free-form arguments, bad frames answered in the envelope on a connection
//! that stays open, a consumer reading its action name its own way, and the multiplexer's
//! framing and errors.

mod common;

use chanrest::{async_trait, App, Ctx, Multiplexer, NoArgs, Permission, Permissions, Push, Scope};
use common::*;
use serde_json::{json, Map, Value};
use std::time::Duration;

/// Any JSON object.
pub type Object = Map<String, Value>;

chanrest::consumer! {
    /// Arithmetic, echo and a group, for the envelope's tests.
    pub consumer Calc: CalcHandler {
        /// Adds two integers.
        action add(AddArgs {
            /// The first addend.
            a: i64,
            /// The second addend.
            b: i64,
        }) -> i64;
        /// Returns every argument it was given.
        action echo(Object) -> Object;
        /// Joins a group; answers the session's groups.
        action join(GroupArgs {
            /// The group.
            group: String,
        }) -> Vec<String>;
        /// The session's groups.
        action groups() -> Vec<String>;
        /// Sends `text` to a group.
        #[pushes(message)]
        action say(SayArgs {
            /// The group.
            group: String,
            /// What to send.
            text: String,
        }) -> ();
        /// The multiplexer stream serving this message.
        action stream() -> Option<String>;
        /// A group message.
        push message(String);
    }
}

struct CalcApi {
    permissions: Permissions,
}

impl CalcHandler for CalcApi {
    async fn add(&self, _: &Ctx, args: AddArgs) -> chanrest::Result<i64> {
        Ok(args.a + args.b)
    }
    async fn echo(&self, _: &Ctx, args: Object) -> chanrest::Result<Object> {
        Ok(args)
    }
    async fn join(&self, ctx: &Ctx, args: GroupArgs) -> chanrest::Result<Vec<String>> {
        ctx.add_group(&args.group).await?;
        Ok(ctx.groups())
    }
    async fn groups(&self, ctx: &Ctx, _: NoArgs) -> chanrest::Result<Vec<String>> {
        Ok(ctx.groups())
    }
    async fn say(&self, ctx: &Ctx, args: SayArgs) -> chanrest::Result<()> {
        ctx.group_send(&args.group, Push::new("message", &args.text)?)
            .await
    }
    async fn stream(&self, ctx: &Ctx, _: NoArgs) -> chanrest::Result<Option<String>> {
        Ok(ctx.stream().map(str::to_owned))
    }
    fn permissions(&self) -> Permissions {
        self.permissions.clone()
    }
}

fn calc() -> Calc<CalcApi> {
    Calc(CalcApi {
        permissions: Permissions::allow_any(),
    })
}

fn app() -> App {
    App::new().consumer("/calc/", calc())
}

#[tokio::test]
async fn replies_and_pushes_have_dcrf_keys_in_dcrf_order() {
    let app = app();
    let mut conn = connect(&app, "/calc/").await;
    conn.send(r#"{"action": "add", "request_id": 1, "a": 2, "b": 3}"#)
        .await;
    assert_eq!(
        next_text(&mut conn).await,
        r#"{"errors":[],"data":5,"action":"add","response_status":200,"request_id":1}"#
    );
    conn.send(r#"{"request_id": "x", "action": "nope"}"#).await;
    assert_eq!(
        next_text(&mut conn).await,
        r#"{"errors":["Method \"nope\" not allowed."],"data":null,"action":"nope","response_status":405,"request_id":"x"}"#
    );
    conn.send("[]").await;
    assert_eq!(
        next_text(&mut conn).await,
        r#"{"errors":["Message must be a JSON object."],"data":null,"action":null,"response_status":400,"request_id":null}"#
    );
    // A group's push is laid out by other code (encoded once per fan-out): same keys, same order.
    conn.send(r#"{"action": "join", "request_id": 2, "group": "g"}"#)
        .await;
    conn.send(r#"{"action": "say", "request_id": 3, "group": "g", "text": "hi"}"#)
        .await;
    assert_eq!(
        conn.drain(),
        [
            r#"{"errors":[],"data":["g"],"action":"join","response_status":200,"request_id":2}"#,
            r#"{"errors":[],"data":null,"action":"say","response_status":200,"request_id":3}"#,
            r#"{"errors":[],"data":"hi","action":"message","response_status":200,"request_id":null}"#,
        ]
    );
}

#[tokio::test]
async fn request_id_is_echoed_verbatim_whatever_its_type() {
    let app = app();
    let mut conn = connect(&app, "/calc/").await;
    let ids = [
        "7",
        "-3",
        "\"a string\"",
        "\"\\u00e9\\n\"",
        "{\"nested\": [1, {\"x\": null}]}",
        "[1, \"two\"]",
        "null",
        "true",
        "9007199254740993",
        "123456789012345678901234567890",
        "1.5e300",
        "1.0",
    ];
    for id in ids {
        conn.send(&format!(
            r#"{{"action": "add", "a": 1, "b": 1, "request_id": {id}}}"#
        ))
        .await;
        let text = next_text(&mut conn).await;
        assert!(
            text.ends_with(&format!(r#","request_id":{id}}}"#)),
            "id {id} not echoed verbatim: {text}"
        );
        let reply: Value = serde_json::from_str(&text).unwrap();
        assert_ok(&reply, 200, json!(2));
    }
    // An error reply echoes it too, and so does a reply to a message the consumer cannot serve.
    for (frame, status) in [
        (r#"{"action": "nope", "request_id": [1, 2]}"#, 405),
        (r#"{"request_id": [1, 2]}"#, 405),
        (r#"{"action": 5, "request_id": [1, 2]}"#, 405),
        (r#"{"action": [5], "request_id": [1, 2]}"#, 400),
        (r#"{"action": "add", "a": "x", "request_id": [1, 2]}"#, 400),
    ] {
        conn.send(frame).await;
        let text = next_text(&mut conn).await;
        assert!(text.ends_with(r#","request_id":[1, 2]}"#), "{text}");
        let reply: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(reply["response_status"], status, "{reply}");
    }
    // No request_id at all: null.
    conn.send(r#"{"action": "add", "a": 1, "b": 1}"#).await;
    let reply = next(&mut conn).await;
    assert_ok(&reply, 200, json!(2));
    assert_eq!(reply["request_id"], Value::Null);
}

#[tokio::test]
async fn free_form_arguments_are_every_key_but_action_and_request_id() {
    let app = app();
    let mut conn = connect(&app, "/calc/").await;
    let args = json!({"data": {}, "n": 1, "list": [1, 2], "nested": {"k": "v"}, "route": "r"});
    let reply = request(&mut conn, "echo", args.clone()).await;
    assert_ok(&reply, 200, args);
    assert_eq!(reply["action"], "echo");
    assert_ok(&request(&mut conn, "echo", json!({})).await, 200, json!({}));
}

#[tokio::test]
async fn bad_frames_get_400_replies_and_the_connection_stays() {
    let app = app();
    let mut conn = connect(&app, "/calc/").await;
    let nested_array = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let nested_argument = format!("{{\"a\": {nested_array}}}");
    let cases: Vec<(&str, &str)> = vec![
        ("not json", "Invalid JSON"),
        ("{\"action\": \"add\"", "Invalid JSON"),
        ("{} trailing", "Invalid JSON"),
        ("{\"action\": \"add\",}", "Invalid JSON"),
        ("[1, 2, 3]", "Message must be a JSON object."),
        ("\"add\"", "Message must be a JSON object."),
        ("42", "Message must be a JSON object."),
        ("null", "Message must be a JSON object."),
        ("", "No text section for incoming WebSocket frame!"),
        (&nested_array, "Message must be a JSON object."),
        (&nested_argument, "Invalid JSON"),
    ];
    for (frame, expected) in cases {
        conn.send(frame).await;
        let reply = next(&mut conn).await;
        assert_eq!(keys(&reply), sorted(DCRF_KEYS), "{reply}");
        assert_eq!(reply["response_status"], 400, "{reply}");
        let error = reply["errors"][0].as_str().expect("a string error");
        assert!(
            error.starts_with(expected),
            "{:?} → {reply}",
            &frame[..frame.len().min(40)]
        );
        assert_eq!(reply["errors"].as_array().unwrap().len(), 1, "{reply}");
        assert_eq!(reply["data"], Value::Null);
        assert_eq!(reply["action"], Value::Null);
        assert_eq!(reply["request_id"], Value::Null);
    }
    conn.send_binary();
    assert_error(
        &next(&mut conn).await,
        400,
        json!(["No text section for incoming WebSocket frame!"]),
    );
    // A scalar action is a name as Python prints it, which no action has (DCRF's 405); a
    // list or object is refused. Either way the action is echoed as sent.
    for (action, named) in [
        (json!(5), "5"),
        (json!(null), "None"),
        (json!(false), "False"),
    ] {
        conn.send_json(&json!({"action": action, "request_id": "r"}))
            .await;
        let reply = next(&mut conn).await;
        assert_error(
            &reply,
            405,
            json!([format!("Method \"{named}\" not allowed.")]),
        );
        assert_eq!(reply["request_id"], "r");
        assert_eq!(reply["action"], action);
    }
    for action in [json!(["add"]), json!({"name": "add"})] {
        conn.send_json(&json!({"action": action, "request_id": "r"}))
            .await;
        let reply = next(&mut conn).await;
        assert_error(&reply, 400, json!(["Action must be a string."]));
        assert_eq!(reply["request_id"], "r");
        assert_eq!(reply["action"], action);
    }
    assert!(!conn.is_closed());
    assert_ok(
        &request(&mut conn, "add", json!({"a": 1, "b": 2})).await,
        200,
        json!(3),
    );
}

#[tokio::test]
async fn hostile_payloads_get_envelope_errors() {
    let app = app();
    let mut conn = connect(&app, "/calc/").await;
    // Numbers beyond f64 are not JSON serde can hold: a 400, not a crash.
    conn.send(r#"{"action": "add", "request_id": 1, "a": 1e400, "b": 1}"#)
        .await;
    let reply = next(&mut conn).await;
    assert_eq!(reply["response_status"], 400, "{reply}");
    assert!(reply["errors"][0]
        .as_str()
        .unwrap()
        .starts_with("Invalid JSON"));
    // Integers beyond i64 for an i64 argument: a field error.
    conn.send(r#"{"action": "add", "request_id": 2, "a": 99999999999999999999, "b": 1}"#)
        .await;
    assert_error(
        &next(&mut conn).await,
        400,
        json!([{"a": ["A valid integer is required."]}]),
    );
    // Thousands of unknown keys are ignored.
    let mut args = Map::new();
    for i in 0..5000 {
        args.insert(format!("k{i}"), json!(i));
    }
    args.insert("a".into(), json!(2));
    args.insert("b".into(), json!(3));
    assert_ok(
        &request(&mut conn, "add", Value::Object(args)).await,
        200,
        json!(5),
    );
    // Deep nesting inside an argument.
    let deep = format!(
        r#"{{"action": "echo", "request_id": 3, "x": {}{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    conn.send(&deep).await;
    assert_eq!(next(&mut conn).await["response_status"], 400);
    // Strings with every kind of escape round-trip through echo.
    let odd = json!({"s": "\u{0}\u{1f}\"\\\n\u{2028}🦀", "n": -0.0, "big": u64::MAX});
    assert_ok(&request(&mut conn, "echo", odd.clone()).await, 200, odd);
}

#[tokio::test]
async fn action_name_can_be_read_another_way() {
    chanrest::consumer! {
        pub consumer Typed: TypedHandler {
            action ping() -> String;
        }
    }
    struct TypedApi;
    impl TypedHandler for TypedApi {
        async fn ping(&self, _: &Ctx, _: NoArgs) -> chanrest::Result<String> {
            Ok("pong".into())
        }
        fn action_name(&self, content: &mut chanrest::Content<'_>) -> Option<Value> {
            content.remove("type")
        }
    }
    let app = App::new().consumer("/t/", Typed(TypedApi));
    let mut conn = connect(&app, "/t/").await;
    let reply = send_recv(&mut conn, &json!({"type": "ping", "request_id": 1})).await;
    assert_ok(&reply, 200, json!("pong"));
    // The reply names the action as read.
    assert_eq!(reply["action"], "ping");
    let reply = send_recv(&mut conn, &json!({"action": "ping", "request_id": 2})).await;
    assert_error(
        &reply,
        405,
        json!(["Unable to find action in message body."]),
    );
    assert_eq!(reply["action"], Value::Null);
    assert_eq!(reply["request_id"], 2);
}

struct DenyAll;

#[async_trait]
impl Permission for DenyAll {
    async fn has_permission(&self, _: &Scope, _: &str, _: &Map<String, Value>) -> bool {
        false
    }
}

fn mux_app() -> App {
    let mux = Multiplexer::new()
        .stream("calc", calc())
        .stream("other", calc())
        .stream(
            "locked",
            Calc(CalcApi {
                permissions: Permissions::new(DenyAll),
            }),
        );
    App::new().multiplexer("/ws/", mux)
}

#[tokio::test]
async fn multiplexer_frames_both_ways() {
    let app = mux_app();
    let mut conn = connect(&app, "/ws/").await;
    // The wrapper, then the stream's payload in DCRF's order.
    conn.send(
        r#"{"stream": "calc", "payload": {"action": "add", "request_id": "r1", "a": 1, "b": 2}}"#,
    )
    .await;
    assert_eq!(
        next_text(&mut conn).await,
        r#"{"stream":"calc","payload":{"errors":[],"data":3,"action":"add","response_status":200,"request_id":"r1"}}"#
    );
    let wrapped = |stream: &str, action: &str, args: Value| json!({"stream": stream, "payload": message(action, json!(1), args)});
    let frame = send_recv(&mut conn, &wrapped("other", "stream", json!({}))).await;
    assert_eq!(keys(&frame), ["payload", "stream"]);
    assert_eq!(frame["stream"], "other");
    assert_ok(&frame["payload"], 200, json!("other"));

    // Each stream is its own consumer instance, with its own permission and its own groups.
    let frame = send_recv(
        &mut conn,
        &wrapped("locked", "add", json!({"a": 1, "b": 1})),
    )
    .await;
    assert_eq!(frame["stream"], "locked");
    assert_error(
        &frame["payload"],
        403,
        json!(["You do not have permission to perform this action."]),
    );
    let frame = send_recv(&mut conn, &wrapped("calc", "join", json!({"group": "g"}))).await;
    assert_ok(&frame["payload"], 200, json!(["g"]));
    let frame = send_recv(&mut conn, &wrapped("other", "groups", json!({}))).await;
    assert_ok(&frame["payload"], 200, json!([]));

    // A group's push to a stream's session comes wrapped in that stream, after the reply.
    conn.send_json(&wrapped(
        "other",
        "say",
        json!({"group": "g", "text": "hi"}),
    ))
    .await;
    assert_eq!(
        conn.drain(),
        [
            r#"{"stream":"other","payload":{"errors":[],"data":null,"action":"say","response_status":200,"request_id":1}}"#,
            r#"{"stream":"calc","payload":{"errors":[],"data":"hi","action":"message","response_status":200,"request_id":null}}"#,
        ]
    );
}

#[tokio::test]
async fn multiplexer_errors_name_the_stream_as_sent() {
    let app = mux_app();
    let mut conn = connect(&app, "/ws/").await;
    let cases = [
        (
            r#"{"stream": "nope", "payload": {"action": "add", "request_id": 5}}"#,
            json!("nope"),
            404,
            json!(["Unknown stream \"nope\"."]),
            json!(5),
        ),
        (
            r#"{"payload": {"action": "add", "request_id": 6}}"#,
            Value::Null,
            400,
            json!(["Multiplexed messages need a string \"stream\"."]),
            json!(6),
        ),
        (
            r#"{"stream": 7, "payload": {"action": "add"}}"#,
            json!(7),
            400,
            json!(["Multiplexed messages need a string \"stream\"."]),
            Value::Null,
        ),
        (
            r#"{"stream": "calc"}"#,
            json!("calc"),
            400,
            json!(["Multiplexed messages need \"stream\" and \"payload\" keys."]),
            Value::Null,
        ),
        (
            r#"{"stream": "calc", "payload": [1]}"#,
            json!("calc"),
            400,
            json!(["Payload must be a JSON object."]),
            Value::Null,
        ),
        (
            r#"[{"stream": "calc"}]"#,
            Value::Null,
            400,
            json!(["Message must be a JSON object."]),
            Value::Null,
        ),
        (
            "",
            Value::Null,
            400,
            json!(["No text section for incoming WebSocket frame!"]),
            Value::Null,
        ),
    ];
    for (text, stream, status, errors, request_id) in cases {
        conn.send(text).await;
        let frame = next(&mut conn).await;
        assert_eq!(keys(&frame), ["payload", "stream"], "{text} → {frame}");
        assert_eq!(frame["stream"], stream, "{text} → {frame}");
        assert_error(&frame["payload"], status, errors);
        assert_eq!(frame["payload"]["request_id"], request_id, "{frame}");
    }
    conn.send("oops").await;
    let frame = next(&mut conn).await;
    assert_eq!(frame["stream"], Value::Null);
    assert_eq!(frame["payload"]["response_status"], 400);
    assert!(frame["payload"]["errors"][0]
        .as_str()
        .unwrap()
        .starts_with("Invalid JSON"));
    conn.send_binary();
    assert_eq!(next(&mut conn).await["stream"], Value::Null);
    // The connection still serves every stream.
    conn.send(
        r#"{"stream": "calc", "payload": {"action": "add", "request_id": 9, "a": 1, "b": 1}}"#,
    )
    .await;
    assert_ok(&next(&mut conn).await["payload"], 200, json!(2));
    assert_silent(&mut conn, Duration::from_millis(50)).await;
}
