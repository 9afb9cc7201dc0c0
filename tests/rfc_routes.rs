//! The rest-framework-channels dialect through real sockets: the envelope, routes with
//! parameters and query strings, nested routes, the generic actions with page-number
//! pagination and object permissions, custom actions on child handlers, and every error.
mod common;

use chanrest::prelude::*;
use chanrest::testkit::{TestClient, TestServer};
use chanrest::RoutedConsumer;
use common::demo;
use serde_json::{json, Map, Value};

/// Sends one RFC message and returns its reply, checking the RFC envelope's keys.
async fn call(client: &mut TestClient, message: Value) -> Value {
    client.send_json(&message).await;
    let reply = client.recv_json().await;
    let mut keys: Vec<&str> = reply
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["action", "data", "errors", "route", "status"],
        "{reply}"
    );
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
async fn envelope_echoes_the_route_and_treats_request_id_as_an_argument() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/rfc/").await;
    // The exact wire text: RFC's key order.
    client.send_text(r#"{"action": "ping"}"#).await;
    let text = match futures_util::StreamExt::next(client.socket()).await {
        Some(Ok(tokio_tungstenite::tungstenite::Message::Text(text))) => text.to_string(),
        other => panic!("expected a text frame, got {other:?}"),
    };
    assert_eq!(
        text,
        r#"{"errors":[],"data":"pong","action":"ping","route":"","status":200}"#
    );
    // request_id is not echoed (there is no such key in the reply).
    let reply = call(
        &mut client,
        json!({"action": "ping", "route": "", "request_id": 7}),
    )
    .await;
    assert_status(&reply, 200, json!("pong"));
    // A route that matches no pattern falls back to the consumer's own actions, echoed as sent.
    let reply = call(
        &mut client,
        json!({"action": "ping", "route": "users/?x=1"}),
    )
    .await;
    assert_status(&reply, 200, json!("pong"));
    assert_eq!(reply["route"], "users/?x=1");
}

#[tokio::test]
async fn generic_actions_on_routes() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/rfc/").await;

    let reply = call(
        &mut client,
        json!({"action": "create", "route": "todos/", "data": {"title": "Buy milk", "owner": "ada"}}),
    )
    .await;
    assert_status(
        &reply,
        201,
        json!({"id": 1, "title": "Buy milk", "done": false, "owner": "ada"}),
    );
    assert_eq!(reply["action"], "create");
    assert_eq!(reply["route"], "todos/");

    let reply = call(
        &mut client,
        json!({"action": "retrieve", "route": "todos/1/"}),
    )
    .await;
    assert_status(
        &reply,
        200,
        json!({"id": 1, "title": "Buy milk", "done": false, "owner": "ada"}),
    );
    assert_eq!(reply["route"], "todos/1/");

    let reply = call(
        &mut client,
        json!({"action": "update", "route": "todos/1/", "data": {"title": "Buy oat milk", "done": true}}),
    )
    .await;
    assert_status(
        &reply,
        200,
        // `owner` was not sent: it keeps its value, as in DRF's PUT.
        json!({"id": 1, "title": "Buy oat milk", "done": true, "owner": "ada"}),
    );

    let reply = call(
        &mut client,
        json!({"action": "partial_update", "route": "todos/1/", "data": {"owner": "bob"}}),
    )
    .await;
    assert_status(
        &reply,
        200,
        json!({"id": 1, "title": "Buy oat milk", "done": true, "owner": "bob"}),
    );

    // A `pk` in the body does not override the route's.
    let reply = call(
        &mut client,
        json!({"action": "retrieve", "route": "todos/1/", "pk": 99}),
    )
    .await;
    assert_eq!(reply["data"]["id"], 1, "{reply}");

    // Validation errors in DRF's shape.
    let reply = call(
        &mut client,
        json!({"action": "partial_update", "route": "todos/1/", "data": {"title": ""}}),
    )
    .await;
    assert_rfc_error(
        &reply,
        400,
        json!([{"title": ["This field may not be blank."]}]),
    );

    let reply = call(
        &mut client,
        json!({"action": "destroy", "route": "todos/1/"}),
    )
    .await;
    assert_status(&reply, 204, Value::Null);
    let reply = call(
        &mut client,
        json!({"action": "retrieve", "route": "todos/1/"}),
    )
    .await;
    assert_rfc_error(&reply, 404, json!(["Not found"]));
    let reply = call(
        &mut client,
        json!({"action": "destroy", "route": "todos/1/"}),
    )
    .await;
    assert_rfc_error(&reply, 404, json!(["Not found"]));
}

#[tokio::test]
async fn page_number_pagination_with_routes_as_links() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/rfc/").await;
    for (title, done) in [
        ("a", false),
        ("b", true),
        ("c", false),
        ("d", true),
        ("e", true),
    ] {
        let reply = call(
            &mut client,
            json!({"action": "create", "route": "todos/", "data": {"title": title, "done": done}}),
        )
        .await;
        assert_eq!(reply["status"], 201, "{reply}");
    }
    let titles = |reply: &Value| -> Vec<String> {
        reply["data"]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["title"].as_str().unwrap().to_owned())
            .collect()
    };

    let reply = call(&mut client, json!({"action": "list", "route": "todos/"})).await;
    assert_eq!(reply["status"], 200);
    assert_eq!(reply["data"]["count"], 5);
    assert_eq!(reply["data"]["next"], "todos/?page=2");
    assert_eq!(reply["data"]["previous"], Value::Null);
    assert_eq!(titles(&reply), ["a", "b"]);

    let reply = call(
        &mut client,
        json!({"action": "list", "route": "todos/?page=2"}),
    )
    .await;
    assert_eq!(reply["route"], "todos/?page=2");
    assert_eq!(reply["data"]["next"], "todos/?page=3");
    assert_eq!(reply["data"]["previous"], "todos/");
    assert_eq!(titles(&reply), ["c", "d"]);

    let reply = call(
        &mut client,
        json!({"action": "list", "route": "todos/?page=3"}),
    )
    .await;
    assert_eq!(reply["data"]["next"], Value::Null);
    assert_eq!(reply["data"]["previous"], "todos/?page=2");
    assert_eq!(titles(&reply), ["e"]);

    // Query parameters reach the handler as typed arguments: filters, kept in the links.
    let reply = call(
        &mut client,
        json!({"action": "list", "route": "todos/?done=true&page=1"}),
    )
    .await;
    assert_eq!(reply["data"]["count"], 3, "{reply}");
    assert_eq!(titles(&reply), ["b", "d"]);
    assert_eq!(reply["data"]["next"], "todos/?done=true&page=2");

    for page in ["4", "0"] {
        let reply = call(
            &mut client,
            json!({"action": "list", "route": format!("todos/?page={page}")}),
        )
        .await;
        assert_rfc_error(&reply, 404, json!(["Invalid page."]));
    }
    let reply = call(
        &mut client,
        json!({"action": "list", "route": "todos/?page=x"}),
    )
    .await;
    assert_rfc_error(
        &reply,
        400,
        json!([{"page": ["A valid integer is required."]}]),
    );
    // (A flattened filter's error is reported under `non_field_errors`, as the argument
    // decoder does for every flattened field.)
    let reply = call(
        &mut client,
        json!({"action": "list", "route": "todos/?done=maybe"}),
    )
    .await;
    assert_eq!(reply["status"], 400, "{reply}");
    assert!(
        reply["errors"]
            .to_string()
            .contains("Must be a valid boolean."),
        "{reply}"
    );
}

#[tokio::test]
async fn object_permissions_and_custom_actions() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/rfc/").await;
    call(
        &mut client,
        json!({"action": "create", "route": "todos/", "data": {"title": "mine"}}),
    )
    .await;
    call(
        &mut client,
        json!({"action": "create", "route": "todos/", "data": {"title": "theirs", "owner": "locked"}}),
    )
    .await;

    // The custom action `toggle`, typed: `data` is the todo.
    let reply = call(
        &mut client,
        json!({"action": "toggle", "route": "todos/1/"}),
    )
    .await;
    assert_status(
        &reply,
        200,
        json!({"id": 1, "title": "mine", "done": true, "owner": ""}),
    );
    assert_eq!(reply["action"], "toggle");
    let reply = call(
        &mut client,
        json!({"action": "toggle", "route": "todos/1/"}),
    )
    .await;
    assert_eq!(reply["data"]["done"], false);
    let reply = call(
        &mut client,
        json!({"action": "toggle", "route": "todos/9/"}),
    )
    .await;
    assert_rfc_error(&reply, 404, json!(["Not found"]));

    // The locked todo: readable, not changeable.
    let reply = call(
        &mut client,
        json!({"action": "retrieve", "route": "todos/2/"}),
    )
    .await;
    assert_eq!(reply["status"], 200);
    let denied = json!(["You do not have permission to perform this action."]);
    for action in ["update", "partial_update", "destroy", "toggle"] {
        let reply = call(
            &mut client,
            json!({"action": action, "route": "todos/2/", "data": {"title": "x"}}),
        )
        .await;
        assert_rfc_error(&reply, 403, denied.clone());
    }
    let reply = call(
        &mut client,
        json!({"action": "retrieve", "route": "todos/2/"}),
    )
    .await;
    assert_eq!(reply["data"]["title"], "theirs");
}

#[tokio::test]
async fn bad_routes_and_parameters_get_error_replies() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/rfc/").await;
    // A parameter that does not parse as the declared type: 400, DRF's message.
    let reply = call(
        &mut client,
        json!({"action": "retrieve", "route": "todos/abc/"}),
    )
    .await;
    assert_rfc_error(
        &reply,
        400,
        json!([{"pk": ["A valid integer is required."]}]),
    );
    // No route matches and the consumer has no such action: 404.
    let reply = call(&mut client, json!({"action": "list", "route": "users/"})).await;
    assert_rfc_error(&reply, 404, json!(["No route matches \"users/\"."]));
    assert_eq!(reply["action"], "list");
    assert_eq!(reply["route"], "users/");
    // No route at all and no such action: RFC's 405.
    let reply = call(&mut client, json!({"action": "list"})).await;
    assert_rfc_error(
        &reply,
        405,
        json!(["Action \"list\" not allowed in message body."]),
    );
    // The route matched but the child has no such action.
    let reply = call(&mut client, json!({"action": "list", "route": "todos/1/"})).await;
    assert_rfc_error(
        &reply,
        405,
        json!(["Action \"list\" not allowed in message body."]),
    );
    let reply = call(&mut client, json!({"action": "ping", "route": 5})).await;
    assert_rfc_error(&reply, 400, json!(["Route must be a string."]));
    let reply = call(&mut client, json!({"route": "todos/"})).await;
    assert_rfc_error(
        &reply,
        405,
        json!(["Unable to find action in message body."]),
    );
    assert_eq!(reply["action"], Value::Null);
    assert_eq!(reply["route"], "todos/");
    let reply = call(&mut client, json!({"action": "create", "route": "todos/"})).await;
    assert_rfc_error(&reply, 400, json!([{"data": ["This field is required."]}]));
    // The connection is still serving.
    let reply = call(&mut client, json!({"action": "ping"})).await;
    assert_status(&reply, 200, json!("pong"));
}

#[test]
fn the_manifest_types_the_route_parameters() {
    let manifest = chanrest_demo::api::manifest();
    let root = manifest
        .consumers
        .iter()
        .find(|c| c.name == "RfcTodos")
        .unwrap();
    assert_eq!(root.path.as_deref(), Some("/ws/rfc/"));
    assert_eq!(root.dialect, "rfc");
    let routes = serde_json::to_value(&root.routes).unwrap();
    assert_eq!(
        routes,
        json!([
            {"pattern": "todos/<pk>/", "params": [{"name": "pk", "schema": {
                "description": "The row's primary key, from the route.", "type": "integer", "format": "int64"
            }}], "consumer": "TodoDetail"},
            {"pattern": "todos/", "params": [], "consumer": "TodoList"},
        ])
    );
    for child in ["TodoDetail", "TodoList"] {
        let entry = manifest.consumers.iter().find(|c| c.name == child).unwrap();
        assert_eq!(entry.dialect, "rfc");
        assert_eq!(entry.path, None);
    }
    let detail = manifest
        .consumers
        .iter()
        .find(|c| c.name == "TodoDetail")
        .unwrap();
    let actions: Vec<&str> = detail.actions.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        actions,
        ["retrieve", "update", "partial_update", "destroy", "toggle"]
    );
    assert!(manifest.envelopes.contains_key("rfc"));
    // Consumers without routes keep their manifest shape: no `routes` key.
    let plain = serde_json::to_value(&manifest.consumers[0]).unwrap();
    assert!(plain.get("routes").is_none());
}

// ---- Nested routes, merged parameters, permissions at every level ---------------------------

chanrest::consumer! {
    #[dialect = rfc]
    pub consumer Root: RootHandler {
        action hello() -> String;
    }

    #[dialect = rfc]
    pub consumer Users: UsersHandler {
        action whoami(WhoArgs { user: String }) -> String;
    }

    #[dialect = rfc]
    pub consumer Items: ItemsHandler {
        action show(ShowArgs {
            user: String,
            pk: i64,
            #[serde(default)]
            tags: Vec<String>,
            #[serde(default)]
            request_id: Option<i64>,
        }) -> Map<String, Value>;
        action secret() -> ();
    }
}

struct Api;

#[chanrest::async_trait]
impl RootHandler for Api {
    async fn hello(&self, _: &Ctx, _: NoArgs) -> chanrest::Result<String> {
        Ok("root".into())
    }
}

#[chanrest::async_trait]
impl UsersHandler for Api {
    async fn whoami(&self, _: &Ctx, args: WhoArgs) -> chanrest::Result<String> {
        Ok(args.user)
    }
}

struct NoSecrets;

#[chanrest::async_trait]
impl chanrest::Permission for NoSecrets {
    async fn has_permission(&self, _: &Scope, action: &str, _: &Map<String, Value>) -> bool {
        action != "secret"
    }
}

#[chanrest::async_trait]
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

#[tokio::test]
async fn nested_routes_merge_parameters_of_every_level() {
    let consumer = RoutedConsumer::new(Root(Api)).route(
        "users/<user>/",
        RoutedConsumer::new(Users(Api)).route("items/<int:pk>/", Items(Api)),
    );
    let server = TestServer::start(App::new().consumer("/ws/nested/", consumer)).await;
    let mut client = server.connect("/ws/nested/").await;

    let route = "users/ada/items/4/?tags=a&tags=b";
    let reply = call(
        &mut client,
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
        &mut client,
        json!({"action": "whoami", "route": "users/bob/"}),
    )
    .await;
    assert_status(&reply, 200, json!("bob"));
    let reply = call(
        &mut client,
        json!({"action": "whoami", "route": "users/bob/other/"}),
    )
    .await;
    assert_status(&reply, 200, json!("bob"));
    let reply = call(
        &mut client,
        json!({"action": "show", "route": "users/bob/other/"}),
    )
    .await;
    assert_rfc_error(
        &reply,
        404,
        json!(["No route matches \"users/bob/other/\"."]),
    );
    // `<int:pk>` does not match text, so the route falls through to the middle level.
    let reply = call(
        &mut client,
        json!({"action": "show", "route": "users/bob/items/x/"}),
    )
    .await;
    assert_eq!(reply["status"], 404, "{reply}");
    // Each level's permission applies.
    let reply = call(
        &mut client,
        json!({"action": "secret", "route": "users/bob/items/1/"}),
    )
    .await;
    assert_rfc_error(
        &reply,
        403,
        json!(["You do not have permission to perform this action."]),
    );
    let reply = call(&mut client, json!({"action": "hello"})).await;
    assert_status(&reply, 200, json!("root"));
}
