//! Every error a client can see, in process: 400 field errors in DRF's shape, 403, 404, 405
//! worded per dialect, 429 for detached actions past `Limits::max_detached_per_consumer` and
//! groups past `Limits::max_groups_per_consumer`, 500 with the generic text for a handler
//! that panics or fails, whatever a handler returns, and detached actions answering later.

mod common;

use chanrest::{
    async_trait, ActionError, App, Ctx, FieldErrors, Limits, NoArgs, Permission, Permissions, Scope,
};
use common::*;
use serde_json::{json, Map, Value};
use std::time::Duration;

chanrest::consumer! {
    /// Actions that fail in every way.
    pub consumer Faults: FaultsHandler {
        /// Adds two integers; an overflow is a field error.
        action add(AddArgs {
            /// The first addend.
            a: i64,
            /// The second addend.
            b: i64,
        }) -> i64;
        /// Typed arguments of every kind.
        action typed(TypedArgs {
            /// A number.
            n: f64,
            /// A boolean.
            flag: bool,
            /// A string.
            name: String,
            /// An optional integer.
            #[serde(default)]
            maybe: Option<i64>,
            /// A list of strings.
            tags: Vec<String>,
            /// A nested object.
            inner: Inner,
        }) -> ();
        /// Fails with the error named by `kind`.
        action fail_with(FailArgs {
            /// Which error (see `error_of`).
            kind: String,
        }) -> ();
        /// Panics inside the handler.
        action explode() -> ();
        /// Refused by the consumer's permission class.
        action forbidden() -> ();
        /// Sleeps `ms` milliseconds, detached, and answers them.
        #[detached]
        action slow(SlowArgs {
            /// Milliseconds to sleep.
            ms: u64,
        }) -> u64;
        /// Never answers (detached).
        #[detached]
        action hang() -> ();
        /// Panics, detached.
        #[detached]
        action explode_later() -> ();
        /// Joins a group.
        action join(GroupArgs {
            /// The group.
            group: String,
        }) -> ();
        /// Subscribes this request id to a group.
        #[status = 201]
        action subscribe(GroupArgs) -> ();
    }

    /// The same failures in rest-framework-channels' dialect.
    #[dialect = rfc]
    pub consumer RfcFaults: RfcFaultsHandler {
        /// Fails with the error named by `kind`.
        action fail_with(FailArgs) -> ();
    }
}

/// A nested argument.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Inner {
    /// A count.
    pub count: u32,
}

struct DenyForbidden;

#[async_trait]
impl Permission for DenyForbidden {
    async fn has_permission(&self, _: &Scope, action: &str, _: &Map<String, Value>) -> bool {
        action != "forbidden"
    }
}

/// What `fail_with` returns for `kind`: every variant a handler can return.
fn error_of(kind: &str) -> ActionError {
    let mut nested = FieldErrors::new();
    nested
        .add(&["address", "city"], "This field is required.")
        .add(&["address", "city"], "Too short.")
        .add::<&str>(&[], "Something about the whole object.");
    match kind {
        "not_found" => ActionError::NotFound,
        "permission_denied" => ActionError::PermissionDenied,
        "field" => ActionError::field("title", "This field may not be blank."),
        "nested" => ActionError::Validation(nested),
        "bad_request" => ActionError::BadRequest("Bad wolf.".into()),
        "throttled" => ActionError::Throttled,
        "method_not_allowed" => ActionError::MethodNotAllowed("fly".into()),
        "list_cancelled" => ActionError::ListCancelled,
        "invalid_page" => ActionError::InvalidPage,
        "too_many_groups" => ActionError::TooManyGroups(3),
        "request_id_required" => ActionError::RequestIdRequired,
        "teapot" => ActionError::Status {
            status: 418,
            errors: vec![json!("I'm a teapot."), json!({"pot": ["Short and stout."]})],
        },
        "internal" => ActionError::internal("the database password is hunter2"),
        other => panic!("no error kind {other}"),
    }
}

struct FaultsApi;

impl FaultsHandler for FaultsApi {
    async fn add(&self, _: &Ctx, args: AddArgs) -> chanrest::Result<i64> {
        args.a
            .checked_add(args.b)
            .ok_or_else(|| ActionError::field("b", "The sum does not fit in a 64-bit integer."))
    }
    async fn typed(&self, _: &Ctx, _: TypedArgs) -> chanrest::Result<()> {
        Ok(())
    }
    async fn fail_with(&self, _: &Ctx, args: FailArgs) -> chanrest::Result<()> {
        Err(error_of(&args.kind))
    }
    async fn explode(&self, _: &Ctx, _: NoArgs) -> chanrest::Result<()> {
        panic!("boom: the database password is hunter2")
    }
    async fn forbidden(&self, _: &Ctx, _: NoArgs) -> chanrest::Result<()> {
        unreachable!("the permission refuses it first")
    }
    async fn slow(&self, _: &Ctx, args: SlowArgs) -> chanrest::Result<u64> {
        tokio::time::sleep(Duration::from_millis(args.ms)).await;
        Ok(args.ms)
    }
    async fn hang(&self, _: &Ctx, _: NoArgs) -> chanrest::Result<()> {
        std::future::pending().await
    }
    async fn explode_later(&self, _: &Ctx, _: NoArgs) -> chanrest::Result<()> {
        tokio::task::yield_now().await;
        panic!("boom later")
    }
    async fn join(&self, ctx: &Ctx, args: GroupArgs) -> chanrest::Result<()> {
        ctx.add_group(&args.group).await
    }
    async fn subscribe(&self, ctx: &Ctx, args: GroupArgs) -> chanrest::Result<()> {
        ctx.subscribe(&args.group).await
    }
    fn permissions(&self) -> Permissions {
        Permissions::new(DenyForbidden)
    }
}

impl RfcFaultsHandler for FaultsApi {
    async fn fail_with(&self, _: &Ctx, args: FailArgs) -> chanrest::Result<()> {
        Err(error_of(&args.kind))
    }
}

fn app() -> App {
    App::new()
        .consumer("/faults/", Faults(FaultsApi))
        .consumer("/rfc/", RfcFaults(FaultsApi))
}

fn app_with(limits: Limits) -> App {
    app().limits(limits)
}

const DENIED: &str = "You do not have permission to perform this action.";
const SERVER_ERROR: &str = "A server error occurred.";

#[tokio::test]
async fn a_message_without_an_action_is_405_with_action_null() {
    let app = app();
    let mut conn = connect(&app, "/faults/").await;
    let reply = send_recv(&mut conn, &json!({"request_id": 1, "a": 1})).await;
    assert_error(
        &reply,
        405,
        json!(["Unable to find action in message body."]),
    );
    assert_eq!(reply["action"], Value::Null);
    assert_eq!(reply["request_id"], 1);
}

#[tokio::test]
async fn an_unknown_action_is_405_worded_per_dialect() {
    let app = app();
    let mut conn = connect(&app, "/faults/").await;
    let reply = request(&mut conn, "nope", json!({})).await;
    assert_error(&reply, 405, json!(["Method \"nope\" not allowed."]));
    assert_eq!(reply["action"], "nope");

    let mut rfc = connect(&app, "/rfc/").await;
    rfc.send(r#"{"action": "nope", "request_id": 4}"#).await;
    assert_eq!(
        next_text(&mut rfc).await,
        r#"{"errors":["Action \"nope\" not allowed in message body."],"data":null,"action":"nope","route":"","status":405}"#
    );
    // rest-framework-channels' own reply: 404, a detail object, and `route: ""` whatever
    // route was sent.
    rfc.send(r#"{"route": "x/"}"#).await;
    assert_eq!(
        next_text(&mut rfc).await,
        r#"{"errors":[{"detail":"Unable to find action in message body."}],"data":null,"action":null,"route":"","status":404}"#
    );
}

#[tokio::test]
async fn argument_errors_are_400_in_drfs_shape() {
    let app = app();
    let mut conn = connect(&app, "/faults/").await;
    let cases = [
        (json!({"a": 1}), json!({"b": ["This field is required."]})),
        (
            json!({}),
            json!({"a": ["This field is required."], "b": ["This field is required."]}),
        ),
        (
            json!({"a": "one", "b": null}),
            json!({"a": ["A valid integer is required."], "b": ["This field may not be null."]}),
        ),
        (
            json!({"a": 1.5, "b": 1}),
            json!({"a": ["A valid integer is required."]}),
        ),
        (
            json!({"a": true, "b": [1]}),
            json!({"a": ["A valid integer is required."], "b": ["A valid integer is required."]}),
        ),
        // A handler's own field error has the same shape.
        (
            json!({"a": i64::MAX, "b": 1}),
            json!({"b": ["The sum does not fit in a 64-bit integer."]}),
        ),
    ];
    for (args, errors) in cases {
        let reply = request(&mut conn, "add", args.clone()).await;
        assert_error(&reply, 400, json!([errors]));
        assert_eq!(reply["action"], "add", "{args}");
    }
    let good = json!({"n": 1.5, "flag": true, "name": "x", "tags": ["a"], "inner": {"count": 1}});
    assert_ok(
        &request(&mut conn, "typed", good.clone()).await,
        200,
        Value::Null,
    );
    let mut bad = good.clone();
    bad["n"] = json!("soon");
    bad["flag"] = json!("yes please");
    bad["name"] = json!(5);
    bad["maybe"] = json!("x");
    bad["inner"] = json!({"count": -1});
    let reply = request(&mut conn, "typed", bad).await;
    assert_eq!(reply["response_status"], 400, "{reply}");
    let errors = &reply["errors"][0];
    assert_eq!(
        errors["n"],
        json!(["A valid number is required."]),
        "{reply}"
    );
    assert_eq!(
        errors["flag"],
        json!(["Must be a valid boolean."]),
        "{reply}"
    );
    assert_eq!(errors["name"], json!(["Not a valid string."]), "{reply}");
    assert_eq!(
        errors["maybe"],
        json!(["A valid integer is required."]),
        "{reply}"
    );
    assert!(
        errors["inner"]["count"].is_array(),
        "nested fields nest: {reply}"
    );
    let mut missing = good;
    missing.as_object_mut().unwrap().remove("inner");
    assert_error(
        &request(&mut conn, "typed", missing).await,
        400,
        json!([{"inner": ["This field is required."]}]),
    );
}

#[tokio::test]
async fn every_error_a_handler_returns_reaches_the_client() {
    let app = app();
    let mut conn = connect(&app, "/faults/").await;
    let mut rfc = connect(&app, "/rfc/").await;
    let cases = [
        ("not_found", 404, json!(["Not found"])),
        ("permission_denied", 403, json!([DENIED])),
        (
            "field",
            400,
            json!([{"title": ["This field may not be blank."]}]),
        ),
        (
            "nested",
            400,
            json!([{
                "address": {"city": ["This field is required.", "Too short."]},
                "non_field_errors": ["Something about the whole object."]
            }]),
        ),
        ("bad_request", 400, json!(["Bad wolf."])),
        ("throttled", 429, json!(["Request was throttled."])),
        (
            "method_not_allowed",
            405,
            json!(["Method \"fly\" not allowed."]),
        ),
        ("list_cancelled", 499, json!(["List cancelled."])),
        ("invalid_page", 404, json!(["Invalid page."])),
        (
            "too_many_groups",
            429,
            json!(["Too many groups and subscriptions on this connection (at most 3)."]),
        ),
        (
            "request_id_required",
            400,
            json!(["request_id must have a value set"]),
        ),
        (
            "teapot",
            418,
            json!(["I'm a teapot.", {"pot": ["Short and stout."]}]),
        ),
        ("internal", 500, json!([SERVER_ERROR])),
    ];
    for (kind, status, errors) in cases {
        let reply =
            request_with_id(&mut conn, "fail_with", json!(kind), json!({"kind": kind})).await;
        assert_error(&reply, status, errors.clone());
        assert_eq!(
            (&reply["action"], &reply["request_id"]),
            (&json!("fail_with"), &json!(kind))
        );

        let reply = send_recv(
            &mut rfc,
            &json!({"action": "fail_with", "kind": kind, "route": "r"}),
        )
        .await;
        assert_eq!(keys(&reply), sorted(RFC_KEYS), "{reply}");
        assert_eq!(reply["status"], status, "{reply}");
        assert_eq!(reply["data"], Value::Null, "{reply}");
        assert_eq!(reply["route"], "r", "{reply}");
        // rest-framework-channels words 403 and 405 as strings and every other text as
        // `{"detail": ...}`; a handler's own list stays as written.
        let errors = match kind {
            "method_not_allowed" => json!(["Action \"fly\" not allowed in message body."]),
            "permission_denied" | "teapot" => errors,
            _ => Value::Array(
                errors
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|item| match item {
                        Value::String(text) => json!({ "detail": text }),
                        other => other.clone(),
                    })
                    .collect(),
            ),
        };
        assert_eq!(reply["errors"], errors, "{reply}");
    }
}

#[tokio::test]
async fn the_permission_class_refuses_with_403() {
    let app = app();
    let mut conn = connect(&app, "/faults/").await;
    let reply = request(&mut conn, "forbidden", json!({})).await;
    assert_error(&reply, 403, json!([DENIED]));
    assert_eq!(reply["action"], "forbidden");
}

#[tokio::test]
async fn a_panicking_or_failing_handler_is_a_500_with_the_generic_text() {
    let app = app();
    let mut conn = connect(&app, "/faults/").await;
    for (action, args) in [
        ("explode", json!({})),
        ("fail_with", json!({"kind": "internal"})),
        ("explode_later", json!({})),
    ] {
        conn.send_json(&message(action, json!(action), args)).await;
        let text = next_text(&mut conn).await;
        assert!(
            !text.contains("hunter2") && !text.contains("boom"),
            "the cause leaked: {text}"
        );
        let reply: Value = serde_json::from_str(&text).unwrap();
        assert_error(&reply, 500, json!([SERVER_ERROR]));
        assert_eq!(
            (&reply["action"], &reply["request_id"]),
            (&json!(action), &json!(action))
        );
    }
    // The connection is still serving.
    assert!(!conn.is_closed());
    assert_ok(
        &request(&mut conn, "add", json!({"a": 40, "b": 2})).await,
        200,
        json!(42),
    );
}

#[tokio::test]
async fn a_detached_action_answers_after_later_messages() {
    let app = app();
    let mut conn = connect(&app, "/faults/").await;
    conn.send_json(&message("slow", json!("s"), json!({"ms": 300})))
        .await;
    conn.send_json(&message("add", json!("a"), json!({"a": 1, "b": 1})))
        .await;
    let first = next(&mut conn).await;
    assert_eq!(
        first["request_id"], "a",
        "the inline action answers first: {first}"
    );
    assert_ok(&first, 200, json!(2));
    let second = next(&mut conn).await;
    assert_ok(&second, 200, json!(300));
    assert_eq!(
        (&second["action"], &second["request_id"]),
        (&json!("slow"), &json!("s"))
    );
    // A detached action's argument errors are replies too.
    let reply = request(&mut conn, "slow", json!({"ms": "soon"})).await;
    assert_error(
        &reply,
        400,
        json!([{"ms": ["A valid integer is required."]}]),
    );
    assert_eq!(reply["action"], "slow");
}

#[tokio::test]
async fn detached_actions_in_flight_are_bounded() {
    let mut limits = Limits::default();
    limits.max_detached_per_consumer = 2;
    let app = app_with(limits);
    let metrics = app.metrics();
    let mut conn = connect(&app, "/faults/").await;
    conn.send_json(&message("hang", json!(1), json!({}))).await;
    conn.send_json(&message("hang", json!(2), json!({}))).await;
    assert_eq!(metrics.detached_tasks(), 2);
    let reply = request_with_id(&mut conn, "hang", json!(3), json!({})).await;
    assert_error(&reply, 429, json!(["Request was throttled."]));
    assert_eq!(
        (&reply["action"], &reply["request_id"]),
        (&json!("hang"), &json!(3))
    );
    // Inline actions are not bounded by it.
    assert_ok(
        &request(&mut conn, "add", json!({"a": 1, "b": 1})).await,
        200,
        json!(2),
    );
    // A finished detached action frees its place.
    let mut conn2 = connect(&app, "/faults/").await;
    conn2
        .send_json(&message("slow", json!(1), json!({"ms": 0})))
        .await;
    conn2
        .send_json(&message("slow", json!(2), json!({"ms": 0})))
        .await;
    next(&mut conn2).await;
    next(&mut conn2).await;
    assert_ok(
        &request_with_id(&mut conn2, "slow", json!(3), json!({"ms": 0})).await,
        200,
        json!(0),
    );
    conn.close().await;
    assert_eq!(
        metrics.detached_tasks(),
        0,
        "closing cancelled the hanging actions"
    );
}

#[tokio::test]
async fn groups_past_the_limit_are_429() {
    let mut limits = Limits::default();
    limits.max_groups_per_consumer = 3;
    let app = app_with(limits);
    let mut conn = connect(&app, "/faults/").await;
    let too_many = json!(["Too many groups and subscriptions on this connection (at most 3)."]);
    for group in ["g0", "g1"] {
        assert_ok(
            &request(&mut conn, "join", json!({"group": group})).await,
            200,
            Value::Null,
        );
    }
    assert_ok(
        &request(&mut conn, "subscribe", json!({"group": "g2"})).await,
        201,
        Value::Null,
    );
    let reply = request(&mut conn, "join", json!({"group": "g3"})).await;
    assert_error(&reply, 429, too_many.clone());
    assert_eq!(reply["action"], "join");
    assert_error(
        &request(&mut conn, "subscribe", json!({"group": "g3"})).await,
        429,
        too_many,
    );
    // Each membership and each subscribing request id counts, on a group already held too.
    assert_error(
        &request_with_id(&mut conn, "subscribe", json!(2), json!({"group": "g0"})).await,
        429,
        json!(["Too many groups and subscriptions on this connection (at most 3)."]),
    );
    assert_error(
        &request(&mut conn, "join", json!({"group": "g2"})).await,
        429,
        json!(["Too many groups and subscriptions on this connection (at most 3)."]),
    );
}
