//! rest-framework-channels' dialect and `RoutedConsumer`, in process: the RFC envelope (its key
//! order, `route` echoed as sent, `request_id` an ordinary argument), route parameters and
//! query strings read as the declared argument types, nested routes whose parameters merge,
//! permissions at every level, and every routing error.

mod common;

use chanrest::{async_trait, App, Ctx, NoArgs, Permission, Permissions, RoutedConsumer, Scope};
use common::*;
use serde_json::{json, Map, Value};

chanrest::consumer! {
    /// The routed consumer's own actions.
    #[dialect = rfc]
    pub consumer Root: RootHandler {
        /// Answers "pong".
        action ping() -> String;
    }

    /// A list at `todos/`.
    #[dialect = rfc]
    pub consumer TodoList: TodoListHandler {
        /// Answers its arguments.
        action list(ListArgs {
            /// A page number.
            #[serde(default)]
            page: Option<i64>,
            /// A filter.
            #[serde(default)]
            done: Option<bool>,
        }) -> Value;
        /// Answers `data`.
        #[status = 201]
        action create(CreateArgs {
            /// Anything.
            data: Value,
        }) -> Value;
    }

    /// One todo at `todos/<pk>/`.
    #[dialect = rfc]
    pub consumer TodoDetail: TodoDetailHandler {
        /// Answers the route's `pk`.
        action retrieve(Lookup {
            /// From the route.
            pk: i64,
        }) -> i64;
    }

    /// A user at `users/<user>/`, with routes of its own.
    #[dialect = rfc]
    pub consumer Users: UsersHandler {
        /// Answers the route's `user`.
        action whoami(WhoArgs {
            /// From the route.
            user: String,
        }) -> String;
    }

    /// An item of a user at `items/<int:pk>/` below `users/<user>/`.
    #[dialect = rfc]
    pub consumer Items: ItemsHandler {
        /// Answers its arguments and the route.
        action show(ShowArgs {
            /// From the outer route.
            user: String,
            /// From the inner route.
            pk: i64,
            /// From the query string.
            #[serde(default)]
            tags: Vec<String>,
            /// From the message: RFC has no request ids.
            #[serde(default)]
            request_id: Option<i64>,
        }) -> Map<String, Value>;
        /// Refused by the consumer's permission.
        action secret() -> ();
    }
}

struct Api {
    permissions: Permissions,
}

fn api() -> Api {
    Api {
        permissions: Permissions::allow_any(),
    }
}

impl RootHandler for Api {
    async fn ping(&self, ctx: &Ctx, _: NoArgs) -> chanrest::Result<String> {
        assert_eq!(ctx.request_id().as_json(), "null", "RFC has no request ids");
        Ok("pong".into())
    }
    fn permissions(&self) -> Permissions {
        self.permissions.clone()
    }
}

impl TodoListHandler for Api {
    async fn list(&self, ctx: &Ctx, args: ListArgs) -> chanrest::Result<Value> {
        Ok(json!({"page": args.page, "done": args.done, "route": ctx.route()}))
    }
    async fn create(&self, _: &Ctx, args: CreateArgs) -> chanrest::Result<Value> {
        Ok(args.data)
    }
}

impl TodoDetailHandler for Api {
    async fn retrieve(&self, _: &Ctx, args: Lookup) -> chanrest::Result<i64> {
        Ok(args.pk)
    }
}

impl UsersHandler for Api {
    async fn whoami(&self, _: &Ctx, args: WhoArgs) -> chanrest::Result<String> {
        Ok(args.user)
    }
}

struct NoSecrets;

#[async_trait]
impl Permission for NoSecrets {
    async fn has_permission(&self, _: &Scope, action: &str, _: &Map<String, Value>) -> bool {
        action != "secret"
    }
}

impl ItemsHandler for Api {
    async fn show(&self, ctx: &Ctx, args: ShowArgs) -> chanrest::Result<Map<String, Value>> {
        let mut out = Map::new();
        out.insert("user".into(), args.user.into());
        out.insert("pk".into(), args.pk.into());
        out.insert("tags".into(), json!(args.tags));
        out.insert("request_id".into(), json!(args.request_id));
        out.insert("route".into(), json!(ctx.route()));
        Ok(out)
    }
    async fn secret(&self, _: &Ctx, _: NoArgs) -> chanrest::Result<()> {
        Ok(())
    }
    fn permissions(&self) -> Permissions {
        Permissions::new(NoSecrets)
    }
}

fn todos(root: Api) -> RoutedConsumer {
    RoutedConsumer::new(Root(root))
        .route("todos/<pk>/", TodoDetail(api()))
        .route("todos/", TodoList(api()))
}

fn app() -> App {
    App::new().consumer("/rfc/", todos(api()))
}

/// Sends one RFC message and returns its reply, checking the RFC envelope's keys.
async fn call(conn: &mut chanrest::LocalConnection, message: Value) -> Value {
    let reply = send_recv(conn, &message).await;
    assert_eq!(keys(&reply), sorted(RFC_KEYS), "{reply}");
    reply
}

fn assert_status(reply: &Value, status: u16, data: Value) {
    assert_eq!(reply["status"], status, "{reply}");
    assert_eq!(reply["errors"], json!([]), "{reply}");
    assert_eq!(reply["data"], data, "{reply}");
}

fn assert_rfc_error(reply: &Value, status: u16, errors: Value) {
    assert_eq!(reply["status"], status, "{reply}");
    assert_eq!(reply["errors"], errors, "{reply}");
    assert_eq!(reply["data"], Value::Null, "{reply}");
}

#[tokio::test]
async fn the_envelope_echoes_the_route_and_treats_request_id_as_an_argument() {
    let app = app();
    let mut conn = connect(&app, "/rfc/").await;
    // The exact wire text: RFC's key order.
    conn.send(r#"{"action": "ping"}"#).await;
    assert_eq!(
        next_text(&mut conn).await,
        r#"{"errors":[],"data":"pong","action":"ping","route":"","status":200}"#
    );
    // request_id is not echoed (there is no such key in the reply).
    let reply = call(
        &mut conn,
        json!({"action": "ping", "route": "", "request_id": 7}),
    )
    .await;
    assert_status(&reply, 200, json!("pong"));
    // A route that matches no pattern falls back to the consumer's own actions, echoed as sent.
    let reply = call(&mut conn, json!({"action": "ping", "route": "users/?x=1"})).await;
    assert_status(&reply, 200, json!("pong"));
    assert_eq!(reply["route"], "users/?x=1");
    // No route key at all is the empty route.
    let reply = call(&mut conn, json!({"action": "ping"})).await;
    assert_status(&reply, 200, json!("pong"));
    assert_eq!(reply["route"], "");
}

#[tokio::test]
async fn route_parameters_and_query_strings_are_typed_arguments() {
    let app = app();
    let mut conn = connect(&app, "/rfc/").await;
    let reply = call(
        &mut conn,
        json!({"action": "retrieve", "route": "todos/7/"}),
    )
    .await;
    assert_status(&reply, 200, json!(7));
    assert_eq!(reply["action"], "retrieve");
    assert_eq!(reply["route"], "todos/7/");
    // A parameter in the body does not override the route's.
    let reply = call(
        &mut conn,
        json!({"action": "retrieve", "route": "todos/1/", "pk": 99}),
    )
    .await;
    assert_status(&reply, 200, json!(1));

    let route = "todos/?done=true&page=2";
    let reply = call(&mut conn, json!({"action": "list", "route": route})).await;
    assert_status(
        &reply,
        200,
        json!({"page": 2, "done": true, "route": route}),
    );
    // The query string overrides the message's keys.
    let reply = call(
        &mut conn,
        json!({"action": "list", "route": "todos/?page=3", "page": 1}),
    )
    .await;
    assert_eq!(reply["data"]["page"], 3, "{reply}");
    // The message's own keys are typed as sent.
    let reply = call(
        &mut conn,
        json!({"action": "list", "route": "todos/", "page": 4}),
    )
    .await;
    assert_eq!(reply["data"]["page"], 4, "{reply}");
    let reply = call(
        &mut conn,
        json!({"action": "create", "route": "todos/", "data": {"title": "x"}}),
    )
    .await;
    assert_status(&reply, 201, json!({"title": "x"}));
}

#[tokio::test]
async fn bad_routes_and_parameters_get_error_replies() {
    let app = app();
    let mut conn = connect(&app, "/rfc/").await;
    // A parameter that does not parse as the declared type: 400, DRF's message.
    let reply = call(
        &mut conn,
        json!({"action": "retrieve", "route": "todos/abc/"}),
    )
    .await;
    assert_rfc_error(
        &reply,
        400,
        json!([{"pk": ["A valid integer is required."]}]),
    );
    let reply = call(
        &mut conn,
        json!({"action": "list", "route": "todos/?page=x"}),
    )
    .await;
    assert_rfc_error(
        &reply,
        400,
        json!([{"page": ["A valid integer is required."]}]),
    );
    // No route matches and the consumer has no such action: 404.
    let reply = call(&mut conn, json!({"action": "list", "route": "users/"})).await;
    assert_rfc_error(
        &reply,
        404,
        json!([{"detail": "No route matches \"users/\"."}]),
    );
    assert_eq!(reply["action"], "list");
    assert_eq!(reply["route"], "users/");
    // No route at all and no such action: RFC's 405.
    let reply = call(&mut conn, json!({"action": "list"})).await;
    assert_rfc_error(
        &reply,
        405,
        json!(["Action \"list\" not allowed in message body."]),
    );
    // The route matched but the child has no such action.
    let reply = call(&mut conn, json!({"action": "list", "route": "todos/1/"})).await;
    assert_rfc_error(
        &reply,
        405,
        json!(["Action \"list\" not allowed in message body."]),
    );
    // The route is the only correlation: one that is not a string is refused and echoed
    // exactly as sent.
    for route in [
        json!(5),
        json!(["todos/"]),
        json!({"path": "todos/"}),
        json!(null),
    ] {
        let reply = call(&mut conn, json!({"action": "ping", "route": route})).await;
        assert_rfc_error(&reply, 400, json!([{"detail": "Route must be a string."}]));
        assert_eq!(reply["action"], "ping");
        assert_eq!(reply["route"], route);
    }
    // rest-framework-channels answers a missing action with 404 and `route: ""`.
    let reply = call(&mut conn, json!({"route": "todos/"})).await;
    assert_rfc_error(
        &reply,
        404,
        json!([{"detail": "Unable to find action in message body."}]),
    );
    assert_eq!(reply["action"], Value::Null);
    assert_eq!(reply["route"], "");
    let reply = call(&mut conn, json!({"action": "create", "route": "todos/"})).await;
    assert_rfc_error(&reply, 400, json!([{"data": ["This field is required."]}]));
    // Bad frames are answered in the RFC envelope; JSON that is not an object as a message
    // without an action, as rest-framework-channels answers it.
    conn.send("[]").await;
    assert_eq!(
        next_text(&mut conn).await,
        r#"{"errors":[{"detail":"Unable to find action in message body."}],"data":null,"action":null,"route":"","status":404}"#
    );
    conn.send("{").await;
    let reply: Value = serde_json::from_str(&next_text(&mut conn).await).unwrap();
    assert_eq!(reply["status"], 400, "{reply}");
    assert!(reply["errors"][0]["detail"]
        .as_str()
        .is_some_and(|e| e.starts_with("Invalid JSON")));
    // The connection is still serving.
    let reply = call(&mut conn, json!({"action": "ping"})).await;
    assert_status(&reply, 200, json!("pong"));
}

#[tokio::test]
async fn nested_routes_merge_parameters_of_every_level() {
    let consumer = RoutedConsumer::new(Root(api())).route(
        "users/<user>/",
        RoutedConsumer::new(Users(api())).route("items/<int:pk>/", Items(api())),
    );
    let app = App::new().consumer("/ws/nested/", consumer);
    let mut conn = connect(&app, "/ws/nested/").await;

    let route = "users/ada/items/4/?tags=a&tags=b";
    let reply = call(
        &mut conn,
        json!({"action": "show", "route": route, "request_id": 9}),
    )
    .await;
    assert_status(
        &reply,
        200,
        json!({"user": "ada", "pk": 4, "tags": ["a", "b"], "request_id": 9, "route": route}),
    );
    assert_eq!(reply["route"], route);
    // The middle level handles what matches none of its patterns.
    let reply = call(
        &mut conn,
        json!({"action": "whoami", "route": "users/bob/"}),
    )
    .await;
    assert_status(&reply, 200, json!("bob"));
    let reply = call(
        &mut conn,
        json!({"action": "whoami", "route": "users/bob/other/"}),
    )
    .await;
    assert_status(&reply, 200, json!("bob"));
    let reply = call(
        &mut conn,
        json!({"action": "show", "route": "users/bob/other/"}),
    )
    .await;
    assert_rfc_error(
        &reply,
        404,
        json!([{"detail": "No route matches \"users/bob/other/\"."}]),
    );
    // `<int:pk>` does not match text, so the route falls through to the middle level.
    let reply = call(
        &mut conn,
        json!({"action": "show", "route": "users/bob/items/x/"}),
    )
    .await;
    assert_rfc_error(
        &reply,
        404,
        json!([{"detail": "No route matches \"users/bob/items/x/\"."}]),
    );
    // Each level's permission applies.
    let reply = call(
        &mut conn,
        json!({"action": "secret", "route": "users/bob/items/1/"}),
    )
    .await;
    assert_rfc_error(
        &reply,
        403,
        json!(["You do not have permission to perform this action."]),
    );
    let reply = call(&mut conn, json!({"action": "ping"})).await;
    assert_status(&reply, 200, json!("pong"));
}

struct Only(&'static str);

#[async_trait]
impl Permission for Only {
    async fn has_permission(&self, _: &Scope, action: &str, _: &Map<String, Value>) -> bool {
        action == self.0
    }
}

#[tokio::test]
async fn the_root_permission_is_checked_before_routing() {
    let root = Api {
        permissions: Permissions::new(Only("ping")),
    };
    let app = App::new().consumer("/rfc/", todos(root));
    let mut conn = connect(&app, "/rfc/").await;
    for message in [
        json!({"action": "retrieve", "route": "todos/1/"}),
        json!({"action": "retrieve", "route": "todos/abc/"}),
        json!({"action": "nope", "route": "nowhere/"}),
    ] {
        let reply = call(&mut conn, message.clone()).await;
        assert_rfc_error(
            &reply,
            403,
            json!(["You do not have permission to perform this action."]),
        );
        assert_eq!(reply["route"], message["route"]);
    }
    assert_status(
        &call(&mut conn, json!({"action": "ping"})).await,
        200,
        json!("pong"),
    );
}
